"""The one place that finds ``../shared/`` (the specs and the Kill Bill samples beside the
repository) and skips, uniformly and with a message, the tests that need it when it is missing.

Under ``CI=true`` a missing ``shared/`` is not a reason to skip: the session stops with an
error instead (see ``tests/conftest.py``), so a CI run can never pass by skipping.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
KILLBILL = SHARED / "external" / "killbill"


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def missing_message(path: Path) -> str:
    return (f"needs {path}, which is not there: clone the repository beside shared/ "
            f"(looked in {SHARED})")


def needs_shared(*parts: str) -> pytest.MarkDecorator:
    """A mark that skips a test (or, as ``pytestmark``, a module) when ``shared/<parts>`` is
    missing; under CI the test runs (and the session has already failed, see conftest)."""
    path = SHARED.joinpath(*parts)
    return pytest.mark.skipif(not path.exists() and not in_ci(), reason=missing_message(path))
