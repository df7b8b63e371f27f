"""``check_model(model)``: pytest-qt's ``qtmodeltester`` check of an item model, the tester kept
alive until the test ends, so it watches every edit, reset, insertion and removal the test
makes (a broken one fails the test through Qt's warning, ``qt_log_level_fail``).

One ``qtmodeltester`` fixture holds a single tester, and a ``QAbstractItemModelTester`` made
without a parent is garbage-collected at once and watches nothing; so the testers are kept here,
per test (``tests/conftest.py`` opens and closes the list), and helpers that build a view can
check its models without taking a fixture.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import pytest

M = TypeVar("M")

_testers: list[Any] = []  # pytestqt.modeltest.ModelTester, imported once Qt is set up
_config: pytest.Config | None = None


@contextmanager
def watching(config: pytest.Config) -> Iterator[None]:
    global _config
    _config = config
    try:
        yield
    finally:
        for tester in _testers:
            tester._cleanup()
        _testers.clear()
        _config = None


def check_model(model: M, *, force_py: bool = False) -> M:
    """Check ``model`` now and after everything that changes it, until the test ends.

    ``force_py``: pytest-qt's Python tester instead of Qt's, for a model that fetches rows on
    demand. Both testers re-walk the model on ``modelReset`` *before* marking the reset done,
    and their walk's ``fetchMore`` then reports its own row insertion as one made during the
    reset; the Python tester's handlers are reordered here (reset done first, then the walk).
    """
    from pytestqt.modeltest import ModelTester

    assert _config is not None, "check_model runs inside a test"
    tester = ModelTester(_config)
    tester.check(model, force_py=force_py)
    if force_py:
        model.modelReset.disconnect(tester._run)  # type: ignore[attr-defined]
        model.modelReset.connect(tester._run)  # type: ignore[attr-defined]
    _testers.append(tester)
    return model


def checked(models: Any) -> list[Any]:
    return [check_model(m) for m in models]
