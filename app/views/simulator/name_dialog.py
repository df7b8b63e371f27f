"""Asking for a scenario name (new, rename, duplicate); refuses an empty or taken name."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.views.simulator.problem_label import ProblemLabel


class NameDialog(QDialog):
    """A one-field dialog for a scenario name. Never writes the database.

    Signals: none (use :meth:`ask`).
    """

    def __init__(self, parent: QWidget | None, title: str, label: str, text: str,
                 taken: set[str]) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.taken = taken
        self.edit = QLineEdit(text)
        self.edit.selectAll()
        self.edit.setMinimumWidth(280)
        self.problem = ProblemLabel(self)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        form = QFormLayout()
        form.addRow(label, self.edit)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.edit.textChanged.connect(self._check)
        self._check(text)

    def ok_button(self) -> QPushButton:
        button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        assert button is not None
        return button

    def _check(self, text: str) -> None:
        name = text.strip()
        message = ""
        if not name:
            message = "Enter a name."
        elif name in self.taken:
            message = f"A scenario named '{name}' already exists."
        self.problem.show_messages([message] if message else [])
        self.ok_button().setEnabled(not message)

    def value(self) -> str:
        return self.edit.text().strip()

    @classmethod
    def ask(cls, parent: QWidget | None, title: str, label: str, text: str = "",
            taken: set[str] | None = None) -> str | None:
        """The name entered, or None when cancelled."""
        dialog = cls(parent, title, label, text, taken or set())
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        value = dialog.value()
        dialog.deleteLater()
        return value if accepted else None
