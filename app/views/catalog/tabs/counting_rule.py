"""The Counting Rule tab (seed 004): shown only with bracket tiering; read only. It says what the
frequency's counting rule counts (packages or services), which ones, and in which statuses."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QFormLayout, QLabel, QVBoxLayout, QWidget

from app.catalog.database.editing import Path
from app.views.common.fields import note
from app.views.common.undo import PackageDraft


class CountingRuleTab(QWidget):
    """The Counting Rule tab page (``load``/``commit``; nothing to commit). No signals."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.draft: PackageDraft | None = None
        self.fi = 0
        self.reference: dict[str, Any] = {}
        self.rule_label = QLabel(self)
        self.counts_label = QLabel(self)
        self.items_label = QLabel(self)
        self.statuses_label = QLabel(self)
        for label in (self.rule_label, self.counts_label, self.items_label, self.statuses_label):
            label.setWordWrap(True)
        self.message = note("")
        form = QFormLayout()
        form.addRow("Counting rule", self.rule_label)
        form.addRow("Counts", self.counts_label)
        form.addRow("Which", self.items_label)
        form.addRow("In statuses", self.statuses_label)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(note(
            "Bracket pricing counts these units on the account; the tier the total reaches "
            "prices every unit. The rule is edited in Setup > Counting rules."))
        layout.addStretch(1)

    def set_reference(self, reference: dict[str, Any]) -> None:
        self.reference = reference

    def load(self, draft: PackageDraft, fi: int) -> None:
        self.draft, self.fi = draft, fi
        self.refresh()

    def reload(self, _path: Path) -> None:
        self.refresh()

    def commit(self) -> None:
        """Read only: nothing to commit."""

    def refresh(self) -> None:
        if self.draft is None:
            return
        name = self.draft.frequency(self.fi).get("counting_rule")
        rule = next((r for r in self.reference.get("counting_rules", []) if r["name"] == name),
                    None)
        if rule is None:
            self.rule_label.setText(name or "(none)")
            for label in (self.counts_label, self.items_label, self.statuses_label):
                label.setText("")
            self.message.setText("Type the name of a counting rule in the Counting Rule field "
                                 "to use bracket pricing." if not name else
                                 f"There is no counting rule named '{name}'.")
            self.message.show()
            return
        self.message.hide()
        self.rule_label.setText(rule["name"])
        self.counts_label.setText(
            "Packages on the account" if rule["counts"] == "packages"
            else "Services on the account")
        self.items_label.setText(", ".join(rule["items"]) or "(none)")
        self.statuses_label.setText(", ".join(rule["statuses"]) or "(any status)")
