"""The Transition tab (seed 004, "Configuring Transition Charges"): the transition charges of the
selected price book and currency; "Add Transition" opens the Add Transition modal (Service,
Service Transition, Charge Service limited to fee services, Amount, Penalty Charge)."""

from __future__ import annotations

import copy
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.catalog.database.editing import Path, base_types, charges_of, empty_charges, minor_units
from app.views.catalog.price_book_bar import PricingSelection, edit_price_books
from app.views.catalog.tabs.recurring import (
    PricedTab,
    describe,
    modal,
)
from app.views.common.fields import note
from app.views.common.icons import icon
from app.views.common.money import format_money

_Index = QModelIndex | QPersistentModelIndex
COLUMNS = ("Service", "Service Transition", "Charge Service", "Amount", "Penalty Charge")


def penalty_text(penalty: dict[str, Any] | None, currency: str, units: int) -> str:
    if not penalty:
        return ""
    months, days = penalty.get("threshold_months"), penalty.get("threshold_days")
    after = (f"{months} month{'s' if months != 1 else ''}" if months
             else f"{days} day{'s' if days != 1 else ''}" if days else "?")
    return f"{format_money(penalty['amount'], currency, units)} after {after}"


class TransitionChargesModel(QAbstractTableModel):
    """The transition charges shown (rows) with their five columns; read only (edits go
    through the Add Transition modal). No signals beyond the model's own."""

    def __init__(self, tab: TransitionTab) -> None:
        super().__init__(tab)
        self.tab = tab
        self.charges: list[dict[str, Any]] = []
        self.inherited = False

    def reload(self) -> None:
        self.beginResetModel()
        tab = self.tab
        self.charges, self.inherited = [], False
        if tab.draft is not None and tab.selection.currency:
            freq = tab.draft.frequency(tab.fi)
            own = charges_of(freq, tab.selection.book, tab.selection.currency)["transitions"]
            self.charges = list(own)
            if not own and tab.selection.book != "standard":
                self.charges = list(charges_of(freq, "standard",
                                               tab.selection.currency)["transitions"])
                self.inherited = bool(self.charges)
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.charges)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        charge = self.charges[index.row()]
        currency = self.tab.selection.currency or ""
        units = minor_units(self.tab.reference, currency)
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            text = [charge["service"], charge["transition"], charge["charge_service"],
                    format_money(charge["amount"], currency, units),
                    penalty_text(charge.get("penalty"), currency, units)][column]
            if self.inherited and column == 3:
                return f"{text} standard"
            return text
        if role == Qt.ItemDataRole.ForegroundRole and self.inherited:
            from PySide6.QtGui import QPalette

            return QPalette().brush(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 3:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class TransitionTab(PricedTab):
    """The Transition tab page (``load``/``commit``). No signals."""

    def __init__(self, selection: PricingSelection, parent: QWidget | None = None) -> None:
        super().__init__(selection, parent)
        self.model = TransitionChargesModel(self)
        self.view = QTableView(self)
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.view.verticalHeader().hide()
        self.view.doubleClicked.connect(lambda index: self.edit_transition(index.row()))
        self.add_button = QPushButton(icon("add"), "Add Transition", self)
        self.edit_button = QPushButton(icon("edit"), "Edit", self)
        self.remove_button = QPushButton(icon("remove"), "Remove", self)
        self.add_button.clicked.connect(self.add_transition)
        self.edit_button.clicked.connect(lambda: self.edit_transition(self._row()))
        self.remove_button.clicked.connect(lambda: self.remove_transition(self._row()))
        self.hint = note("")
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.edit_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.bar)
        layout.addWidget(self.error)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.hint)
        selection.changed.connect(self.refresh)

    def reload(self, _path: Path) -> None:
        self.refresh()

    def commit(self) -> None:
        """Nothing is pending: each charge is committed when its modal closes."""

    def refresh(self) -> None:
        if self.gone():
            return
        self.bar.refresh()
        row = self._row()
        self.model.reload()
        if 0 <= row < self.model.rowCount():
            self.view.setCurrentIndex(self.model.index(row, 0))
        has_currency = self.selection.currency is not None
        own = not self.model.inherited
        self.add_button.setEnabled(has_currency)
        self.edit_button.setEnabled(has_currency and own and bool(self.model.charges))
        self.remove_button.setEnabled(has_currency and own and bool(self.model.charges))
        if not has_currency:
            self.hint.setText("Enable a currency (tick its box) to set transition charges.")
        elif self.model.inherited:
            self.hint.setText("These are the standard price book's transition charges, used "
                              "in this price book until you add its own.")
        else:
            self.hint.setText("A transition charge is billed once, on its fee service, when the "
                              "service makes the transition; the penalty when it has not made "
                              "it within the threshold.")

    def _row(self) -> int:
        return self.view.currentIndex().row()

    def _ask(self, current: dict[str, Any] | None) -> dict[str, Any] | None:
        dialog = modal(self, "transition", "AddTransitionDialog")
        if dialog is None or self.draft is None:
            return None
        kinds = base_types(self.reference)
        services = [s for s in self.draft.doc["services"] if kinds.get(s) != "fee"]
        fees = [s["name"] for s in self.reference.get("services", []) if s["base_type"] == "fee"]
        result: dict[str, Any] | None = dialog.ask(
            self, services=services,
            transitions=[t["name"] for t in self.reference.get("transitions", [])],
            fee_services=fees, current=copy.deepcopy(current),
            minor_units=minor_units(self.reference, self.selection.currency),
            currency=self.selection.currency)
        return result

    def _change(self, change: Any, text: str) -> None:
        draft, book, currency = self.draft, self.selection.book, self.selection.currency
        if draft is None or currency is None:
            return

        def mutate(books: dict[str, Any]) -> None:
            charges = books.setdefault(book, {}).setdefault(currency, empty_charges())
            change(charges["transitions"])

        edit_price_books(draft, self.fi, mutate, text)

    def add_transition(self) -> None:
        """"Add Transition": the modal, then the charge is added to this book and currency."""
        if self.selection.currency is None:
            return
        charge = self._ask(None)
        if charge is not None:
            self._change(lambda charges: charges.append(normal(charge)),
                         f"Add {charge['transition']} charge")

    def edit_transition(self, row: int) -> None:
        if self.model.inherited or not 0 <= row < len(self.model.charges):
            return
        charge = self._ask(self.model.charges[row])
        if charge is not None:
            self._change(lambda charges: charges.__setitem__(row, normal(charge)),
                         f"Edit {charge['transition']} charge")

    def remove_transition(self, row: int) -> None:
        if self.model.inherited or not 0 <= row < len(self.model.charges):
            return
        name = self.model.charges[row]["transition"]
        self._change(lambda charges: charges.pop(row), f"Remove {name} charge")

    def show_problems(self, problems: list[tuple[Path, str]]) -> None:
        self.error.show_error("\n".join(describe(p, m) for p, m in problems) or None)


def normal(charge: dict[str, Any]) -> dict[str, Any]:
    """A transition charge in the exporter's canonical shape."""
    penalty = charge.get("penalty")
    if penalty:
        penalty = {"amount": penalty["amount"]} | {
            k: penalty[k] for k in ("threshold_months", "threshold_days")
            if penalty.get(k) is not None}
    return {"service": charge["service"], "transition": charge["transition"],
            "charge_service": charge["charge_service"], "amount": charge["amount"],
            "penalty": penalty or None}
