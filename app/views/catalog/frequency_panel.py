"""The Edit Package Frequency panel (seed 004): the frequency's fields and its tabs Recurring,
Transition, One Time, Counting Rule and Custom Fields.

Required fields carry the seed's magenta left border, and Save stays disabled until they are
filled. Problems found when saving are shown beside the field at fault (a JSON path of the
catalog document maps to a field or a tab).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QStringListModel, Qt, Signal
from PySide6.QtGui import QIcon, QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.catalog.database.editing import BILL_FREQUENCIES, RECURRING_BASE_TYPES, Path, base_types
from app.views.catalog.package_form import PanelHeader, fill_combo, set_combo, set_text
from app.views.catalog.price_book_bar import PricingSelection
from app.views.catalog.tabs.counting_rule import CountingRuleTab
from app.views.catalog.tabs.custom_fields import CustomFieldsTab
from app.views.catalog.tabs.one_time import OneTimeTab
from app.views.catalog.tabs.recurring import RecurringTab
from app.views.catalog.tabs.transition import TransitionTab
from app.views.common.fields import ErrorLabel, note, required, with_error
from app.views.common.focus import follow_the_form
from app.views.common.icons import icon
from app.views.common.undo import PackageDraft, affects

BILL_LABELS = {"weekly": "Weekly", "monthly": "Monthly", "quarterly": "Quarterly",
               "semiannual": "Semi-annual", "annual": "Annual", "months": "Every N months"}
TIERING_LABELS = {"none": "None", "bracket": "Bracket", "progressive": "Progressive"}
FIELDS = ("name", "sku", "active", "bill_frequency", "contract", "rate_plan", "tiering",
          "counting_rule")


class FrequencyPanel(QWidget):
    """Edit Package Frequency: one frequency of the package draft.

    Signals:
        saveRequested(): Save.
        discardRequested(): Discard.
        edited(): the user typed in a field (the window re-checks whether Save can be enabled).
    """

    saveRequested = Signal()
    discardRequested = Signal()
    edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.draft: PackageDraft | None = None
        self.fi = 0
        self.reference: dict[str, Any] = {}
        self.selection = PricingSelection(self)
        self.header = PanelHeader("Edit Package Frequency", self)
        self.header.saveRequested.connect(self.saveRequested)
        self.header.discardRequested.connect(self.discardRequested)
        self.errors = {f: ErrorLabel(self) for f in FIELDS}

        self.name_edit = QLineEdit(self)
        self.name_edit.setAccessibleName("Name")
        self.name_edit.setPlaceholderText("e.g. Hosted Phone Monthly")
        self.sku_edit = QLineEdit(self)
        self.sku_edit.setAccessibleName("SKU")
        self.sku_edit.setPlaceholderText("internal product code")
        self.active_box = QCheckBox("Active", self)
        self.bill_combo = QComboBox(self)
        self.bill_combo.setAccessibleName("Bill Frequency")
        for key in (*BILL_FREQUENCIES, "months"):
            self.bill_combo.addItem(BILL_LABELS[key], key)
        self.months_spin = QSpinBox(self)
        self.months_spin.setRange(1, 120)
        self.months_spin.setSuffix(" months")
        self.months_spin.setAccessibleName("Every N months")
        self.contract_combo = QComboBox(self)
        self.contract_combo.setAccessibleName("Contract")
        self.rate_plan_combo = QComboBox(self)
        self.rate_plan_combo.setAccessibleName("Rate Plan")
        self.tiering_combo = QComboBox(self)
        self.tiering_combo.setAccessibleName("Tiering")
        for key, label in TIERING_LABELS.items():
            self.tiering_combo.addItem(label, key)
        self.rule_edit = QLineEdit(self)
        self.rule_edit.setAccessibleName("Counting Rule")
        self.rule_edit.setPlaceholderText("type a counting rule's name")
        self.rule_names = QStringListModel(self)
        self.rule_completer = QCompleter(self.rule_names, self)
        self.rule_completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.rule_completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.rule_edit.setCompleter(self.rule_completer)
        self.activation_edit = QLineEdit(self)
        self.activation_edit.setReadOnly(True)
        self.activation_edit.setAccessibleName("Billing Activation Service")
        self.activation_edit.setToolTip("Set on the package; read only here")
        palette = self.activation_edit.palette()
        palette.setColor(QPalette.ColorRole.Base, palette.color(QPalette.ColorRole.Window))
        self.activation_edit.setPalette(palette)

        bill_row = QWidget(self)
        bill_layout = QHBoxLayout(bill_row)
        bill_layout.setContentsMargins(0, 0, 0, 0)
        bill_layout.addWidget(self.bill_combo, 1)
        bill_layout.addWidget(self.months_spin)
        self.rule_field = required(self.rule_edit)

        left = QFormLayout()
        left.addRow("Name", with_error(required(self.name_edit), self.errors["name"]))
        left.addRow("SKU", with_error(self.sku_edit, self.errors["sku"]))
        left.addRow("", with_error(self.active_box, self.errors["active"]))
        left.addRow("Bill Frequency", with_error(required(bill_row), self.errors["bill_frequency"]))
        right = QFormLayout()
        right.addRow("Contract", with_error(self.contract_combo, self.errors["contract"]))
        self.rate_plan_row = with_error(self.rate_plan_combo, self.errors["rate_plan"])
        right.addRow("Rate Plan", self.rate_plan_row)
        right.addRow("Tiering", with_error(required(self.tiering_combo), self.errors["tiering"]))
        right.addRow("Counting Rule", with_error(self.rule_field, self.errors["counting_rule"]))
        right.addRow("Billing Activation Service", self.activation_edit)
        self.right_form = right
        columns = QHBoxLayout()
        columns.addLayout(left, 1)
        columns.addSpacing(16)
        columns.addLayout(right, 1)

        self.recurring_tab = RecurringTab(self.selection, self)
        self.transition_tab = TransitionTab(self.selection, self)
        self.one_time_tab = OneTimeTab(self.selection, self)
        self.counting_rule_tab = CountingRuleTab(self)
        self.custom_fields_tab = CustomFieldsTab(self)
        self.tabs = QTabWidget(self)
        self.pages: list[tuple[Any, str]] = [
            (self.recurring_tab, "Recurring"), (self.transition_tab, "Transition"),
            (self.one_time_tab, "One Time"), (self.counting_rule_tab, "Counting Rule"),
            (self.custom_fields_tab, "Custom Fields")]
        for page, title in self.pages:
            self.tabs.addTab(page, title)

        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addLayout(columns)
        layout.addWidget(note("Fields with a magenta left border are required."))
        layout.addWidget(self.tabs, 1)

        self.name_edit.editingFinished.connect(self.commit)
        self.sku_edit.editingFinished.connect(self.commit)
        self.rule_edit.editingFinished.connect(self.commit)
        self.rule_completer.activated.connect(lambda _text: self.commit())
        for edit in (self.name_edit, self.rule_edit):
            edit.textChanged.connect(lambda _t: self.edited.emit())
        for tab in (self.recurring_tab, self.one_time_tab):
            tab.amountProblem.connect(lambda _p: self.edited.emit())
        self.active_box.toggled.connect(self._active_toggled)
        self.bill_combo.activated.connect(lambda _i: self._bill_changed())
        self.months_spin.editingFinished.connect(self._bill_changed)
        self.contract_combo.activated.connect(
            lambda _i: self._set("contract", self.contract_combo.currentData(), "Set contract"))
        self.rate_plan_combo.activated.connect(
            lambda _i: self._set("rate_plan", self.rate_plan_combo.currentData(),
                                 "Set rate plan"))
        self.tiering_combo.activated.connect(
            lambda _i: self._set("tiering", self.tiering_combo.currentData(), "Set tiering"))
        follow_the_form(self)  # Tab goes through the fields as the form shows them

    # --- loading

    def set_reference(self, reference: dict[str, Any]) -> None:
        self.reference = reference
        fill_combo(self.contract_combo, [c["name"] for c in reference.get("contracts", [])])
        fill_combo(self.rate_plan_combo, [p["name"] for p in reference.get("rate_plans", [])])
        self.rule_names.setStringList([r["name"] for r in reference.get("counting_rules", [])])
        for page, _title in self.pages:
            page.set_reference(reference)

    def load(self, draft: PackageDraft, fi: int) -> None:
        """Show frequency ``fi`` of ``draft`` (everything, from scratch)."""
        same = self.draft is draft and self.fi == fi
        self.draft, self.fi = draft, fi
        freq = draft.frequency(fi)
        if not same:
            self.selection.reset(list(freq["currencies"]))
        for edit, key in ((self.name_edit, "name"), (self.sku_edit, "sku"),
                          (self.rule_edit, "counting_rule")):
            edit.setText(freq.get(key) or "")
            edit.setModified(False)
        self.reload(())
        for page, _title in self.pages:
            page.load(draft, fi)
        self.show_problems(draft.problems)

    def reload(self, path: Path) -> None:
        """The draft changed at ``path``: show it again where that matters."""
        draft = self.draft
        if draft is None or self.fi >= len(draft.doc["frequencies"]):
            return
        fi = self.fi
        here = ("frequencies", fi)
        freq = draft.frequency(fi)
        if affects(path, (*here, "name")) and path:
            set_text(self.name_edit, freq["name"])
            self.name_edit.setModified(False)
        if affects(path, (*here, "sku")) and path:
            set_text(self.sku_edit, freq.get("sku") or "")
            self.sku_edit.setModified(False)
        if affects(path, (*here, "counting_rule")) and path:
            set_text(self.rule_edit, freq.get("counting_rule") or "")
            self.rule_edit.setModified(False)
        self.active_box.blockSignals(True)
        self.active_box.setChecked(freq["active"])
        self.active_box.setEnabled(bool(freq["currencies"]) or freq["active"])
        self.active_box.setToolTip(
            "Only active frequencies can be added to accounts" if freq["currencies"] else
            "Enable a currency (Recurring tab) before making the frequency active")
        self.active_box.blockSignals(False)
        bill = freq["bill_frequency"]
        months = isinstance(bill, dict)
        set_combo(self.bill_combo, "months" if months else bill)
        self.months_spin.setVisible(months)
        if months:
            self.months_spin.setValue(int(bill["months"]))
        set_combo(self.contract_combo, freq.get("contract"))
        set_combo(self.rate_plan_combo, freq.get("rate_plan"))
        set_combo(self.tiering_combo, freq["tiering"])
        kinds = base_types(self.reference)
        has_usage = any(kinds.get(s) == "usage" for s in draft.doc["services"])
        self.right_form.setRowVisible(self.rate_plan_row, has_usage or bool(freq.get("rate_plan")))
        bracket = freq["tiering"] == "bracket"
        marker = self.rule_field.findChild(QWidget, "requiredMarker")
        if marker is not None:
            marker.setVisible(bracket)
        self.rule_edit.setEnabled(bracket or bool(freq.get("counting_rule")))
        self.activation_edit.setText(draft.doc.get("billing_activation_service") or "(none)")
        has_recurring = any(kinds.get(s) in RECURRING_BASE_TYPES for s in draft.doc["services"])
        self.tabs.setTabVisible(0, has_recurring)
        self.tabs.setTabVisible(3, bracket)
        if path:
            for page, _title in self.pages:
                page.reload(path)
        self.header.set_title(f"Edit Package Frequency: {freq['name']}" if freq["name"]
                              else "Edit Package Frequency")

    # --- edits

    def _set(self, key: str, value: Any, text: str) -> None:
        if self.draft is not None:
            self.draft.set(("frequencies", self.fi, key), value, text)

    def commit(self) -> None:
        """Put what is typed (Name, SKU, Counting Rule, custom fields) into the draft."""
        draft = self.draft
        if draft is None or self.fi >= len(draft.doc["frequencies"]):
            return
        freq = draft.frequency(self.fi)
        typed = {"name": self.name_edit.text().strip(),
                 "sku": self.sku_edit.text().strip() or None,
                 "counting_rule": self.rule_edit.text().strip() or None}
        changes = {k: v for k, v in typed.items() if freq.get(k) != v}
        if changes:
            draft.stack.beginMacro("Edit " + ", ".join(k.replace("_", " ") for k in changes))
            for key, value in changes.items():
                self._set(key, value, f"Set {key.replace('_', ' ')}")
            draft.stack.endMacro()
        for edit in (self.name_edit, self.sku_edit, self.rule_edit):
            edit.setModified(False)
        for page, _title in self.pages:
            page.commit()

    def _active_toggled(self, checked: bool) -> None:
        self._set("active", checked, "Activate" if checked else "Deactivate")

    def _bill_changed(self) -> None:
        key = self.bill_combo.currentData()
        value: Any = {"months": self.months_spin.value()} if key == "months" else key
        self._set("bill_frequency", value, "Set bill frequency")

    def typed(self, freq: dict[str, Any]) -> None:
        """Write what is typed right now (not yet committed) into ``freq``, a copy."""
        freq["name"] = self.name_edit.text().strip()
        freq["counting_rule"] = self.rule_edit.text().strip() or None
        freq["custom_fields"] = self.custom_fields_tab.typed(
            dict(freq.get("custom_fields") or {}))

    # --- problems

    def show_problems(self, problems: list[tuple[Path, str]]) -> list[tuple[Path, str]]:
        """Show the problems of this frequency beside their fields and tabs; return the rest."""
        mine: dict[str, list[tuple[Path, str]]] = {}
        rest = []
        for path, message in problems:
            if path[:2] != ("frequencies", self.fi):
                rest.append((path, message))
                continue
            local = path[2:]
            key = str(local[0]) if local else ""
            if key in self.errors:
                mine.setdefault(key, []).append((local, message))
            elif key == "price_books" and len(local) >= 4:
                section = {"transitions": "transition", "one_time": "one_time"}.get(
                    str(local[3]), "recurring")
                mine.setdefault(section, []).append((local, message))
            elif key in ("price_books", "currencies"):
                mine.setdefault("recurring", []).append((local, message))
            elif key == "custom_fields":
                mine.setdefault("custom", []).append((local, message))
            else:
                mine.setdefault("general", []).append((local, message))
        for key, label in self.errors.items():
            label.show_error("; ".join(m for _p, m in mine.get(key, [])) or None)
        self.recurring_tab.show_problems(mine.get("recurring", []))
        self.transition_tab.show_problems(mine.get("transition", []))
        self.one_time_tab.show_problems(mine.get("one_time", []))
        self.custom_fields_tab.show_problems(mine.get("custom", []))
        for index, key in ((0, "recurring"), (1, "transition"), (2, "one_time"), (4, "custom")):
            self.tabs.setTabIcon(index, icon("warning") if mine.get(key) else QIcon())
        self.header.errors.show_error("; ".join(m for _p, m in mine.get("general", [])) or None)
        return rest
