"""Where the application keeps its files: one module, all through platformdirs."""

from __future__ import annotations

from pathlib import Path

import platformdirs

APP_NAME = "catalog-editor"
APP_AUTHOR = "CatalogEditor"


def data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR))


def default_database() -> Path:
    """The database opened when no ``--db`` is given."""
    return data_dir() / "catalog.sqlite"
