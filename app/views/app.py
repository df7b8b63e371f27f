"""Starting the window: the QApplication, the database, the main window."""

from __future__ import annotations

import os
import sys

from app.paths import default_database

QUIT_AFTER_ENV = "CATALOG_EDITOR_QUIT_AFTER_MS"
"""Set to a number of milliseconds to close the window by itself (smoke tests of a build)."""


def last_database() -> str | None:
    """The database opened last (remembered between runs), when it still exists."""
    from pathlib import Path

    from app.views.common import settings

    last = settings.get(settings.LAST_DATABASE)
    return last if last and Path(last).is_file() else None


def run(db_path: str | None = None, load_demo: bool = False) -> int:
    """Open the main window over the database at ``db_path`` (default: the user data folder)."""
    from PySide6.QtWidgets import QApplication, QMessageBox

    from app import __version__
    from app.catalog.database.sharing import open_for_window
    from app.catalog.database.store import DatabaseError
    from app.views.main_window import MainWindow

    existing = QApplication.instance()
    qt_app = existing if isinstance(existing, QApplication) else QApplication(sys.argv)
    qt_app.setApplicationName("Catalog Editor")
    qt_app.setOrganizationName("CatalogEditor")
    qt_app.setApplicationVersion(__version__)
    from PySide6.QtGui import QIcon

    from app.package_data import resource

    qt_app.setWindowIcon(QIcon(str(resource("icons", "catalog-editor-256.png"))))
    target = db_path or last_database() or str(default_database())
    try:
        db = open_for_window(target)  # read-only when another window has it
    except DatabaseError as exc:
        QMessageBox.critical(None, "Catalog Editor", str(exc))
        return 2
    window = MainWindow(db)
    from app.views.common import failure_hook
    from app.views.common.backups_dialog import announce_backup

    failure_hook.install(lambda: window.db.location)
    window.offer_demo(force=load_demo)
    window.show()
    announce_backup(window)
    quit_after = os.environ.get(QUIT_AFTER_ENV)
    if quit_after:
        from PySide6.QtCore import QTimer

        def report_and_quit() -> None:
            print(f"window shown: {window.windowTitle()}", flush=True)
            window.close()
            qt_app.quit()

        QTimer.singleShot(int(quit_after), report_and_quit)
    return qt_app.exec()
