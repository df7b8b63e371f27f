"""The window's remembered settings, declared once, over ``QSettings``.

Each setting has one key, one type and one default here; nothing else in the views reads or
writes ``QSettings``. The file lives in the platform's user configuration folder (from
``platformdirs``, like every other path of the application), so tests that point
``XDG_CONFIG_HOME`` elsewhere stay out of the user's settings.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import platformdirs
from PySide6.QtCore import QByteArray, QSettings

from app.paths import APP_AUTHOR, APP_NAME


@dataclass(frozen=True)
class Setting:
    key: str
    type: type
    default: Any
    doc: str


WINDOW_GEOMETRY = Setting("window/geometry", QByteArray, QByteArray(),
                          "the main window's size and position")
WINDOW_STATE = Setting("window/state", QByteArray, QByteArray(), "toolbars and docks")
CATALOG_SPLITTER = Setting("catalog/splitter", QByteArray, QByteArray(),
                           "the split between the Packages panel and the editor")
LAST_DATABASE = Setting("database/last", str, "", "the database opened last")
RECENT_DATABASES = Setting("database/recent", list, [], "recently opened databases, newest first")
LAST_FOLDER = Setting("files/last_folder", str, "", "the folder of the last import or export")

ALL = (WINDOW_GEOMETRY, WINDOW_STATE, CATALOG_SPLITTER, LAST_DATABASE, RECENT_DATABASES,
       LAST_FOLDER)
MAX_RECENT = 8


def settings_file() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME, APP_AUTHOR)) / "settings.ini"


def _store() -> QSettings:
    return QSettings(str(settings_file()), QSettings.Format.IniFormat)


def get(setting: Setting) -> Any:
    """The stored value, or the default when unset or of the wrong type."""
    value = _store().value(setting.key, setting.default)
    if setting.type is list:
        if value is None:
            return []
        return [str(v) for v in value] if isinstance(value, list) else [str(value)]
    if setting.type is QByteArray:
        return value if isinstance(value, QByteArray) else setting.default
    return value if isinstance(value, setting.type) else setting.default


def put(setting: Setting, value: Any) -> None:
    store = _store()
    store.setValue(setting.key, value)
    store.sync()


def remember_database(path: str) -> None:
    """Record ``path`` as the last database and at the top of the recent list."""
    put(LAST_DATABASE, path)
    recent = [p for p in get(RECENT_DATABASES) if p != path]
    put(RECENT_DATABASES, [path, *recent][:MAX_RECENT])
