"""Guards the pinned Qt binding: PySide6 6.12.0 on CPython 3.11 drops a reference to None on
every call of a Qt method that returns nothing, and the interpreter aborts (none_dealloc) after a
few thousand calls. An upgrade that brings that back must fail here, not in a user's session."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject


def test_void_qt_calls_keep_none_alive() -> None:
    obj = QObject()
    before = sys.getrefcount(None)
    for i in range(10_000):
        obj.setObjectName(f"n{i % 7}")  # returns void
        obj.blockSignals(False)
    after = sys.getrefcount(None)
    # Other threads may hold or drop a few references meanwhile; a leak loses >= 10,000.
    assert after > before - 100, f"None refcount fell from {before} to {after}"


def test_pinned_binding_is_not_the_known_bad_release() -> None:
    import PySide6

    assert not (PySide6.__version__ == "6.12.0" and sys.version_info < (3, 12))
