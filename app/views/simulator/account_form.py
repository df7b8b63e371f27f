"""The account part of a scenario: name, country, currency, price book, bill day, price plan and
promo codes. Each change is one undo command; problems show under the field at fault."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QRegularExpression, Qt
from PySide6.QtGui import QRegularExpressionValidator, QUndoStack
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLineEdit,
    QListView,
    QSpinBox,
    QWidget,
)

from app.views.simulator.catalog import CatalogLookup
from app.views.simulator.problem_label import FieldWithProblem
from app.views.simulator.scenario import Path, ScenarioDocument, push_set
from app.views.simulator.scenario_models import PromoCodesModel

NONE_LABEL = "(none)"


def fill_combo(combo: QComboBox, items: list[tuple[Any, str]], current: Any,
               missing: str = "{} (not in the catalog)") -> None:
    """Refill a combo with (value, label) items and select ``current`` without signals; a
    current value the items lack is shown anyway, labelled ``missing``."""
    combo.blockSignals(True)
    if getattr(combo, "_filled_with", None) != items:  # refilling thousands costs
        combo.clear()
        for value, label in items:
            combo.addItem(label, value)
        combo._filled_with = items  # type: ignore[attr-defined]
    elif combo.count() > len(items):  # the "not in the catalog" entry of the last fill
        combo.removeItem(combo.count() - 1)
    position = combo.findData(current)
    if position < 0 and current is not None:
        combo.addItem(missing.format(current), current)
        position = combo.count() - 1
    combo.setCurrentIndex(position)
    combo.blockSignals(False)


class AccountForm(QWidget):
    """The account fields of the scenario under edit.

    Signals: none (edits go to the undo stack; the document announces them).
    """

    FIELDS = ("name", "country", "currency", "price_book", "bill_day", "price_plan",
              "promo_codes")

    def __init__(self, scenario: ScenarioDocument, stack: QUndoStack, lookup: CatalogLookup,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.scenario = scenario
        self.stack = stack
        self.lookup = lookup

        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText("e.g. Jane Doe")
        self.name_edit.setAccessibleName("Account name")
        self.country_combo = QComboBox()
        self.country_combo.setEditable(True)
        self.country_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        line = self.country_combo.lineEdit()
        assert line is not None
        line.setValidator(QRegularExpressionValidator(QRegularExpression("[A-Za-z]{0,2}"), self))
        line.setPlaceholderText("two-letter code")
        self.country_combo.setToolTip("ISO 3166 country code: chooses the tax rates")
        self.currency_combo = QComboBox()
        self.price_book_combo = QComboBox()
        self.bill_day_spin = QSpinBox()
        self.bill_day_spin.setRange(1, 28)
        self.bill_day_spin.setToolTip("Day of the month every billing period starts on (1-28)")
        self.price_plan_combo = QComboBox()
        self.promo_model = PromoCodesModel(scenario, stack, lookup, self)
        self.promo_view = QListView()
        self.promo_view.setModel(self.promo_model)
        self.promo_view.setMaximumHeight(self.fontMetrics().height() * 2 + 16)
        self.promo_view.setFlow(QListView.Flow.LeftToRight)
        self.promo_view.setWrapping(True)
        self.promo_view.setSpacing(2)

        widgets = {
            "name": self.name_edit, "country": self.country_combo,
            "currency": self.currency_combo, "price_book": self.price_book_combo,
            "bill_day": self.bill_day_spin, "price_plan": self.price_plan_combo,
            "promo_codes": self.promo_view,
        }
        labels = {
            "name": "&Name *", "country": "C&ountry *", "currency": "C&urrency *",
            "price_book": "&Price book *", "bill_day": "&Bill day *",
            "price_plan": "Price p&lan", "promo_codes": "Promo c&odes",
        }
        self.rows = {key: FieldWithProblem(w) for key, w in widgets.items()}
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for key in self.FIELDS:
            form.addRow(labels[key], self.rows[key])

        self.name_edit.textEdited.connect(
            lambda text: self._set("name", text, "Rename account", merge=True))
        self.country_combo.editTextChanged.connect(self._country_typed)
        self.currency_combo.activated.connect(
            lambda _i: self._set("currency", self.currency_combo.currentData(),
                                 "Change currency"))
        self.price_book_combo.activated.connect(
            lambda _i: self._set("price_book", self.price_book_combo.currentData(),
                                 "Change price book"))
        self.bill_day_spin.valueChanged.connect(
            lambda value: self._set("bill_day", value, "Change bill day", merge=True))
        self.price_plan_combo.activated.connect(
            lambda _i: self._set("price_plan", self.price_plan_combo.currentData(),
                                 "Change price plan"))
        scenario.changed.connect(self._document_changed)
        self.refresh()

    def _set(self, key: str, value: Any, text: str, merge: bool = False) -> None:
        push_set(self.stack, self.scenario, ("account", key), value, text, merge)

    def _country_typed(self, text: str) -> None:
        upper = text.upper()
        if upper != text:
            self.country_combo.setEditText(upper)
            return
        if len(upper) == 2:
            self._set("country", upper, "Change country", merge=True)

    def set_lookup(self, lookup: CatalogLookup) -> None:
        self.lookup = lookup
        self.promo_model.set_lookup(lookup)
        self.refresh()

    def _document_changed(self, path: Path, kind: str, _index: int) -> None:
        if kind == "reset" or path[:1] == ("account",):
            self.refresh()

    def refresh(self) -> None:
        """Show the document's account values (without pushing any command)."""
        account = self.scenario.doc["account"]
        if self.name_edit.text() != account.get("name", ""):
            self.name_edit.setText(account.get("name", ""))
        country = account.get("country", "")
        self.country_combo.blockSignals(True)
        if [self.country_combo.itemText(i) for i in range(self.country_combo.count())] != \
                self.lookup.countries:
            self.country_combo.clear()
            self.country_combo.addItems(self.lookup.countries)
        if self.country_combo.currentText() != country:
            self.country_combo.setEditText(country)
        self.country_combo.blockSignals(False)
        fill_combo(self.currency_combo,
                   [(code, code) for code in self.lookup.currencies], account.get("currency"))
        fill_combo(self.price_book_combo,
                   [(code, f"{name} ({code})" if name != code else code)
                    for code, name in self.lookup.price_books.items()],
                   account.get("price_book"))
        self.bill_day_spin.blockSignals(True)
        self.bill_day_spin.setValue(int(account.get("bill_day") or 1))
        self.bill_day_spin.blockSignals(False)
        fill_combo(self.price_plan_combo,
                   [(None, NONE_LABEL)] + [(p, p) for p in self.lookup.price_plans],
                   account.get("price_plan"))

    def show_problems(self, problems: dict[Path, list[str]]) -> None:
        """Problems keyed by path relative to ``account`` (``("currency",)``...)."""
        by_field: dict[str, list[str]] = {key: [] for key in self.FIELDS}
        promo: dict[str, str] = {}
        codes = self.scenario.doc["account"].get("promo_codes", [])
        for path, messages in problems.items():
            key = str(path[0]) if path else "name"
            by_field.setdefault(key if key in by_field else "name", []).extend(messages)
            if key == "promo_codes" and len(path) > 1 and isinstance(path[1], int) \
                    and path[1] < len(codes):
                promo[codes[path[1]]] = "\n".join(messages)
        for key, row in self.rows.items():
            row.show_messages(by_field.get(key, []))
        self.promo_model.set_problems(promo)

    def focus_field(self, key: str) -> None:
        row = self.rows.get(key)
        if row is not None:
            row.field.setFocus(Qt.FocusReason.OtherFocusReason)
