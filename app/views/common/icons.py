"""The editor's icons: small SVGs shipped under ``resources/icons/`` (package data), and the
platform style's standard icons for the generic ones (save, undo, arrows, warning)."""

from __future__ import annotations

from functools import cache
from importlib.resources import as_file

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QStyle

from app.package_data import resource

SVG_ICONS = (
    "add", "remove", "clone", "delete", "deactivate", "discount", "edit", "frequency-add",
    "package-add", "settings", "simulate", "tiers", "usage-bucket",
)  # fmt: skip

_STANDARD = {
    "save": QStyle.StandardPixmap.SP_DialogSaveButton,
    "discard": QStyle.StandardPixmap.SP_DialogResetButton,
    "up": QStyle.StandardPixmap.SP_ArrowUp,
    "down": QStyle.StandardPixmap.SP_ArrowDown,
    "warning": QStyle.StandardPixmap.SP_MessageBoxWarning,
    "open": QStyle.StandardPixmap.SP_DialogOpenButton,
}


@cache
def _svg(name: str) -> QIcon:
    with as_file(resource("icons", f"{name}.svg")) as path:
        return QIcon(str(path))


def icon(name: str) -> QIcon:
    """The icon called ``name`` (one of :data:`SVG_ICONS` or a standard one)."""
    if name in _STANDARD:
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        return app.style().standardIcon(_STANDARD[name])
    if name not in SVG_ICONS:
        raise KeyError(name)
    return _svg(name)
