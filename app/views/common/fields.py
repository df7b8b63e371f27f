"""Small form helpers shared by the Setup area and the modal dialogs.

Required fields carry the seed's mark (a magenta bar on their left edge), and every field can
show its error right beside it.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

REQUIRED_COLOUR = "#c2187a"
"""The seed's marker of a required field: a magenta left border."""

ERROR_COLOUR = "#b00020"


class RequiredField(QWidget):
    """A field wrapped with the required marker on its left edge. No signals of its own."""

    def __init__(self, field: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.field = field
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        bar = QFrame(self)
        bar.setObjectName("requiredMarker")
        bar.setFixedWidth(4)
        bar.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Expanding)
        bar.setStyleSheet(f"background-color: {REQUIRED_COLOUR}; border: none;")
        bar.setToolTip("Required")
        layout.addWidget(bar)
        layout.addWidget(field, 1)
        self.setFocusProxy(field)
        if field.maximumWidth() < 16777215:  # a narrow field keeps its marker beside it
            self.setMaximumWidth(field.maximumWidth() + bar.width())


def required(field: QWidget) -> RequiredField:
    """``field`` with the required marker."""
    return RequiredField(field)


class ErrorLabel(QLabel):
    """A red message shown beside (or under) a field; hidden while there is no error.

    No signals.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)
        palette = self.palette()
        palette.setColor(QPalette.ColorRole.WindowText, ERROR_COLOUR)
        self.setPalette(palette)
        self.setAccessibleName("error")
        self.hide()

    def show_error(self, message: str | None) -> None:
        self.setText(message or "")
        self.setVisible(bool(message))

    def error(self) -> str | None:
        return self.text() or None


def with_error(field: QWidget, error: ErrorLabel, *, below: bool = False) -> QWidget:
    """A row holding ``field`` and its error label, beside it (default) or below it."""
    box = QWidget()
    layout: QHBoxLayout | QVBoxLayout = QVBoxLayout(box) if below else QHBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(2 if below else 8)
    narrow = field.maximumWidth() < 16777215
    layout.addWidget(field, 0 if narrow else 1)
    layout.addWidget(error, 1)
    if narrow and not below:
        layout.addStretch(0)  # keep a narrow field at the left while its error is hidden
    return box


def note(text: str) -> QLabel:
    """A muted explanatory line (the seed's notes, hints)."""
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    palette = label.palette()
    palette.setColor(
        QPalette.ColorRole.WindowText,
        palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText),
    )
    label.setPalette(palette)
    return label


def beside(row: QWidget, extra: QWidget) -> QWidget:
    """``row`` (a field with its error) followed by ``extra`` (e.g. an amount's note)."""
    layout = row.layout()
    assert layout is not None
    layout.addWidget(extra)
    return row
