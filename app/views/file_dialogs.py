"""Open, Save and folder dialogs that never read the files they list.

Qt's own file dialog asks its icon provider for each listed file's icon and type, and the stock
provider guesses the type from the file's first bytes (``QMimeDatabase``): it opens and closes
``cat.sqlite``, ``cat.sqlite-wal`` and ``cat.sqlite-shm`` inside the application's process. On
Unix, closing any descriptor of a file drops every POSIX lock the process holds on it, which is
how SQLite tells processes apart; a GTK dialog (the "native" one on Linux) sniffs files in the
process too. Every file dialog of the window therefore comes from here: Qt's dialog with an icon
provider that goes by the name alone (``stat`` only: folder or file, and the file's suffix).

On Windows the native dialog is kept: locks there belong to a handle, and closing another handle
of the same file leaves them alone. The database engine holds no connection between two units of
work anyway (see ``app.models.sqlite_safety``); this is the second fence.

The functions mirror ``QFileDialog``'s static ones and return the same values.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QFileInfo
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QFileDialog, QFileIconProvider, QWidget

NATIVE = sys.platform == "win32"
"""Whether the platform's own dialog is used (see the module docstring)."""


class NameOnlyIconProvider(QFileIconProvider):
    """Icons and types from a file's name and kind (folder or file), never its content."""

    def __init__(self) -> None:
        super().__init__()
        self.setOptions(QFileIconProvider.Option.DontUseCustomDirectoryIcons)

    def icon(self, what: object) -> QIcon:
        if isinstance(what, QFileInfo):
            kind = (QFileIconProvider.IconType.Folder if what.isDir()
                    else QFileIconProvider.IconType.File)
            return super().icon(kind)
        return QIcon(super().icon(what))  # type: ignore[call-overload]

    def type(self, info: QFileInfo) -> str:
        if info.isDir():
            return "Folder"
        suffix = info.suffix()
        return f"{suffix.upper()} file" if suffix else "File"


def _dialog(parent: QWidget | None, caption: str, directory: str, filters: str,
            mode: QFileDialog.FileMode, accept: QFileDialog.AcceptMode) -> QFileDialog:
    dialog = QFileDialog(parent, caption, directory, filters)
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    provider = NameOnlyIconProvider()
    dialog.setIconProvider(provider)
    dialog.icon_provider = provider  # type: ignore[attr-defined]  # kept alive with the dialog
    dialog.setFileMode(mode)
    dialog.setAcceptMode(accept)
    if mode == QFileDialog.FileMode.Directory:
        dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
    return dialog


def _run(dialog: QFileDialog) -> tuple[str, str]:
    """Show ``dialog`` modally: the chosen path and name filter, or ``("", "")``."""
    try:
        if dialog.exec() != QFileDialog.DialogCode.Accepted:
            return "", ""
        files = dialog.selectedFiles()
        return (files[0] if files else ""), dialog.selectedNameFilter()
    finally:
        dialog.deleteLater()


def get_open_file_name(parent: QWidget | None, caption: str, directory: str = "",
                       filters: str = "") -> tuple[str, str]:
    """An existing file to open: ``(path, the name filter chosen)``, ``("", "")`` on Cancel."""
    if NATIVE:
        return QFileDialog.getOpenFileName(parent, caption, directory, filters)
    return _run(_dialog(parent, caption, directory, filters, QFileDialog.FileMode.ExistingFile,
                        QFileDialog.AcceptMode.AcceptOpen))


def get_save_file_name(parent: QWidget | None, caption: str, directory: str = "",
                       filters: str = "") -> tuple[str, str]:
    """A file to write (asking before replacing one): ``(path, filter)``, or ``("", "")``."""
    if NATIVE:
        return QFileDialog.getSaveFileName(parent, caption, directory, filters)
    return _run(_dialog(parent, caption, directory, filters, QFileDialog.FileMode.AnyFile,
                        QFileDialog.AcceptMode.AcceptSave))


def get_existing_directory(parent: QWidget | None, caption: str, directory: str = "") -> str:
    """A folder: its path, or ``""`` on Cancel."""
    if NATIVE:
        return QFileDialog.getExistingDirectory(parent, caption, directory)
    return _run(_dialog(parent, caption, directory, "", QFileDialog.FileMode.Directory,
                        QFileDialog.AcceptMode.AcceptOpen))[0]
