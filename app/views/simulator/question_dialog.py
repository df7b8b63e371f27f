"""Yes/no and save/discard questions of the simulator (deleting, leaving unsaved edits)."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

Button = QMessageBox.StandardButton


class QuestionDialog(QMessageBox):
    """A standard question box; :meth:`ask` returns the chosen answer's name.

    Signals: none.
    """

    ANSWERS = {Button.Yes: "yes", Button.No: "no", Button.Save: "save",
               Button.Discard: "discard", Button.Cancel: "cancel"}

    @classmethod
    def ask(cls, parent: QWidget | None, title: str, text: str,
            answers: tuple[str, ...] = ("yes", "no")) -> str:
        """``"yes"``/``"no"``, or ``"save"``/``"discard"``/``"cancel"`` (what ``answers`` offers);
        closing the box gives the last answer."""
        box = cls(parent)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(title)
        box.setText(text)
        buttons = {name: button for button, name in cls.ANSWERS.items()}
        for name in answers:
            box.addButton(buttons[name])
        box.setDefaultButton(buttons[answers[0]])
        box.setEscapeButton(buttons[answers[-1]])
        result = box.exec()
        box.deleteLater()
        return cls.ANSWERS.get(Button(result), answers[-1])
