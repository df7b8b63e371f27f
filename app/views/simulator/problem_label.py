"""Showing a problem beside the field at fault: a red message under it and a tinted field."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

PROBLEM_TINT = QColor("#fde2e1")
PROBLEM_TEXT = "#b3261e"


class ProblemLabel(QLabel):
    """A word-wrapped red message, hidden while there is nothing to say.

    Signals: none.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setStyleSheet(f"color: {PROBLEM_TEXT};")
        self.setObjectName("problem")
        self.hide()

    def show_messages(self, messages: list[str]) -> None:
        self.setText("\n".join(messages))
        self.setVisible(bool(messages))


def rows_with_problems(problems: Mapping[tuple[str | int, ...], list[str]],
                       label: str) -> tuple[dict[int, list[str]], list[str]]:
    """Problems keyed by paths relative to a list: those under a row (``(2, "date")``) by row,
    and every message for the panel's label, row ones as ``"<label> 3: ..."``."""
    rows: dict[int, list[str]] = {}
    messages: list[str] = []
    for path, found in problems.items():
        if path and isinstance(path[0], int):
            rows.setdefault(path[0], []).extend(found)
            messages += [f"{label} {path[0] + 1}: {m}" for m in found]
        else:
            messages += found
    return rows, messages


def mark_field(widget: QWidget, bad: bool) -> None:
    """Tint a field (its base and button colours) while it is at fault."""
    if bool(widget.property("problem")) == bad:
        return
    widget.setProperty("problem", bad)
    if bad:
        palette = QPalette(widget.palette())
        palette.setColor(QPalette.ColorRole.Base, PROBLEM_TINT)
        palette.setColor(QPalette.ColorRole.Button, PROBLEM_TINT)
        widget.setPalette(palette)
    else:
        widget.setPalette(QPalette())  # nothing resolved: inherit the parent's palette again


class FieldWithProblem(QWidget):
    """A field with its problem label under it, for one row of a form layout.

    Signals: none (connect to ``field``'s own).
    """

    def __init__(self, field: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.field = field
        self.problem = ProblemLabel(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(field)
        layout.addWidget(self.problem)

    def show_messages(self, messages: list[str]) -> None:
        self.problem.show_messages(messages)
        mark_field(self.field, bool(messages))
