"""The catalog's value rules for the window and the command line (they live in the engine,
which bills by them and imports nothing of the application; see :mod:`app.engine.rules`)."""

from app.engine.rules import (
    PERCENT_MAX,
    bucket_threshold_problem,
    percent_problem,
    sentence,
    tier_end_problem,
)

__all__ = ["PERCENT_MAX", "bucket_threshold_problem", "percent_problem", "sentence",
           "tier_end_problem"]
