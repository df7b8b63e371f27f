"""The One Time tab (seed 004, "Configuring One Time Charges"): charges billed once, on the
first bill of the account-package. Only the package's one-time services can be added (the
Services field and "+Add"); each row has its amount, tiers (when the frequency is tiered) and
the service settings."""

from __future__ import annotations

import copy
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.catalog.database.editing import (
    Path,
    base_types,
    charges_of,
    empty_charges,
    minor_units,
    one_time_settings,
)
from app.views.catalog.price_book_bar import PricingSelection, edit_price_books
from app.views.catalog.tabs.recurring import (
    PricedTab,
    describe,
    modal,
    tax_categories,
    tiers_summary,
)
from app.views.common.fields import note
from app.views.common.icons import icon
from app.views.common.money import HINT_ROLE, format_money, grid_keys

_Index = QModelIndex | QPersistentModelIndex


class OneTimeChargesModel(QAbstractTableModel):
    """One-time charges (rows): Service, Amount (editable), Tiers (when tiered), Settings.
    No signals beyond the model's own."""

    def __init__(self, tab: OneTimeTab) -> None:
        super().__init__(tab)
        self.tab = tab
        self.rows: list[dict[str, Any]] = []
        self.columns: list[str] = []

    def reload(self) -> None:
        """Show the draft again: a reset when rows or columns change, else just new data (an
        open amount editor stays open)."""
        tab = self.tab
        rows: list[dict[str, Any]] = []
        if tab.draft is not None and tab.selection.currency:
            freq = tab.draft.frequency(tab.fi)
            rows = list(charges_of(freq, tab.selection.book,
                                   tab.selection.currency)["one_time"])
        columns = ["Service", "Amount"]
        if tab.tiering() != "none":
            columns.append("Tiers")
        columns.append("Settings")
        same = columns == self.columns and [r["service"] for r in rows] == [
            r["service"] for r in self.rows]
        if same:
            self.rows = rows
            if rows:
                self.dataChanged.emit(self.index(0, 0),
                                      self.index(len(rows) - 1, len(columns) - 1))
            return
        self.beginResetModel()
        self.rows, self.columns = rows, columns
        self.endResetModel()

    def standard(self, service: str) -> dict[str, Any] | None:
        tab = self.tab
        if tab.draft is None or not tab.selection.currency:
            return None
        for row in charges_of(tab.draft.frequency(tab.fi), "standard",
                              tab.selection.currency)["one_time"]:
            if row["service"] == service:
                found: dict[str, Any] = row
                return found
        return None

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.columns[section] if section < len(self.columns) else None
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self.columns[index.column()] == "Amount" and not self.tiers_bill(
                self.rows[index.row()]):
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def tiers_bill(self, row: dict[str, Any]) -> bool:
        """Whether the tiers, not the amount, price this charge (the engine's rule)."""
        return self.tab.tiering() != "none" and bool(row.get("tiers"))

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        column = self.columns[index.column()]
        currency = self.tab.selection.currency or ""
        units = minor_units(self.tab.reference, currency)
        if column == "Service":
            return row["service"] if role == Qt.ItemDataRole.DisplayRole else None
        if column == "Amount":
            amount = row.get("amount")
            if self.tiers_bill(row):  # the tiers bill: the amount is not authoritative
                if role == Qt.ItemDataRole.DisplayRole:
                    return (f"{format_money(amount, currency, units)} not billed: the tiers "
                            "apply") if amount is not None else "(the tiers apply)"
                if role == Qt.ItemDataRole.ForegroundRole:
                    return QPalette().color(QPalette.ColorGroup.Disabled,
                                            QPalette.ColorRole.Text)
                if role == Qt.ItemDataRole.FontRole:
                    font = QFont()
                    font.setItalic(True)
                    return font
                if role == Qt.ItemDataRole.ToolTipRole:
                    return ("The frequency is tiered and this charge has tiers: the bill uses "
                            "the tiers. Remove the tiers to bill a single amount.")
                return None
            if role == Qt.ItemDataRole.DisplayRole:
                return format_money(amount, currency, units) if amount is not None else ""
            if role == Qt.ItemDataRole.EditRole:
                return amount or ""
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if role == HINT_ROLE and amount is None and self.tab.selection.book != "standard":
                standard = (self.standard(row["service"]) or {}).get("amount")
                if standard is not None:
                    return f"{format_money(standard, currency, units)} standard"
            return None
        if column == "Tiers":
            if role == Qt.ItemDataRole.DisplayRole:
                if not row.get("tiers") and row.get("amount") is not None:
                    return "None: the amount applies (click to tier it)"
                return tiers_summary(row.get("tiers") or [], currency, units)
            if role == Qt.ItemDataRole.DecorationRole:
                return icon("tiers")
            if role == Qt.ItemDataRole.ToolTipRole:
                return "Edit the tiered charges of this one-time service"
            return None
        settings = row.get("settings") or {}
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{len(settings)} override{'s' if len(settings) != 1 else ''}" \
                if settings else ""
        if role == Qt.ItemDataRole.DecorationRole:
            return icon("settings")
        if role == Qt.ItemDataRole.ToolTipRole:
            return "Edit Service Details: GL code, tax category, tax inclusive"
        return None

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or self.columns[index.column()] != "Amount":
            return False
        self.tab.set_amount(index.row(), value or None)
        return True


class OneTimeTab(PricedTab):
    """The One Time tab page (``load``/``commit``). No signals."""

    def __init__(self, selection: PricingSelection, parent: QWidget | None = None) -> None:
        super().__init__(selection, parent)
        self.model = OneTimeChargesModel(self)
        self.view = QTableView(self)
        self.view.setModel(self.model)
        delegate = self.money_delegate(
            self.view, lambda i: f"{self.model.rows[i.row()]['service']}, one-time amount"
            if i.row() < len(self.model.rows) else "")
        self.view.setItemDelegateForColumn(1, delegate)
        grid_keys(self.view, delegate)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                  | QAbstractItemView.EditTrigger.SelectedClicked
                                  | QAbstractItemView.EditTrigger.EditKeyPressed
                                  | QAbstractItemView.EditTrigger.AnyKeyPressed)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.view.verticalHeader().hide()
        self.view.clicked.connect(self._clicked)
        self.service_combo = QComboBox(self)
        self.service_combo.setAccessibleName("Services")
        self.service_combo.setMinimumContentsLength(18)
        self.service_combo.setPlaceholderText("(no other one-time service in the package)")
        self.add_button = QPushButton(icon("add"), "Add", self)
        self.add_button.setToolTip("Add a one-time charge for the chosen service")
        self.remove_button = QPushButton(icon("remove"), "Remove", self)
        self.add_button.clicked.connect(lambda: self.add_charge(self.service_combo.currentData()))
        self.remove_button.clicked.connect(
            lambda: self.remove_charge(self.view.currentIndex().row()))
        self.hint = note("")
        bottom = QHBoxLayout()
        bottom.addWidget(QLabel("Services"))
        bottom.addWidget(self.service_combo, 1)
        bottom.addWidget(self.add_button)
        bottom.addSpacing(12)
        bottom.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.bar)
        layout.addWidget(self.error)
        layout.addWidget(self.amount_note)
        layout.addWidget(self.view, 1)
        layout.addLayout(bottom)
        layout.addWidget(self.hint)
        selection.changed.connect(self.refresh)

    def reload(self, _path: Path) -> None:
        self.refresh()

    def commit(self) -> None:
        """Nothing is pending: amounts are committed as their editors close."""

    def one_time_services(self) -> list[str]:
        if self.draft is None:
            return []
        kinds = base_types(self.reference)
        return [s for s in self.draft.doc["services"] if kinds.get(s) == "one_time"]

    def refresh(self) -> None:
        if self.gone():
            return
        self.bar.refresh()
        self.model.reload()
        taken = {r["service"] for r in self.model.rows}
        self.service_combo.clear()
        for service in self.one_time_services():
            if service not in taken:
                self.service_combo.addItem(service, service)
        if self.service_combo.count():
            self.service_combo.setCurrentIndex(0)
        has_currency = self.selection.currency is not None
        self.add_button.setEnabled(has_currency and self.service_combo.count() > 0)
        self.service_combo.setEnabled(has_currency)
        self.remove_button.setEnabled(bool(self.model.rows))
        if not has_currency:
            self.hint.setText("Enable a currency (tick its box) to set one-time charges.")
        elif not self.one_time_services():
            self.hint.setText("The package has no one-time (non-recurring) services.")
        else:
            self.hint.setText("Charged once, on the package's first bill, whatever happens "
                              "to its services afterwards.")

    # --- edits

    def _change(self, change: Any, text: str) -> None:
        draft, book, currency = self.draft, self.selection.book, self.selection.currency
        if draft is None or currency is None:
            return

        def mutate(books: dict[str, Any]) -> None:
            change(books.setdefault(book, {}).setdefault(currency, empty_charges())["one_time"])

        edit_price_books(draft, self.fi, mutate, text)

    def add_charge(self, service: str | None) -> None:
        """"+Add": a one-time charge for ``service``; its amount is typed next."""
        if not service or service in {r["service"] for r in self.model.rows}:
            return
        row: dict[str, Any] = {"service": service, "amount": None, "tiers": None, "settings": {}}
        order = self.one_time_services()

        def change(rows: list[dict[str, Any]]) -> None:
            rows.append(row)
            rows.sort(key=lambda r: order.index(r["service"]) if r["service"] in order else 99)

        self._change(change, f"Add one-time charge {service}")
        for k, r in enumerate(self.model.rows):
            if r["service"] == service:
                self.view.setCurrentIndex(self.model.index(k, 1))

    def remove_charge(self, row: int) -> None:
        if not 0 <= row < len(self.model.rows):
            return
        service = self.model.rows[row]["service"]
        self._change(lambda rows: rows.pop(row), f"Remove one-time charge {service}")

    def set_amount(self, row: int, amount: str | None) -> None:
        service = self.model.rows[row]["service"]
        self._change(lambda rows: rows[row].update(amount=amount),
                     f"Set {service} one-time amount")

    def _clicked(self, index: QModelIndex) -> None:
        column = self.model.columns[index.column()]
        if column == "Tiers":
            self.edit_tiers(index.row())
        elif column == "Settings":
            self.edit_settings(index.row())

    def edit_tiers(self, row: int) -> None:
        dialog = modal(self, "tiers", "TieredChargesDialog")
        if dialog is None:
            return
        charge = self.model.rows[row]
        tiers = copy.deepcopy(charge.get("tiers") or [])
        title = f"Edit Tiered Charges: {charge['service']}"
        if not tiers and charge.get("amount") is not None:  # offered as a single tier
            tiers = [{"end": None, "amount": charge["amount"]}]
            title += (f"\nBilled today as the single amount "
                      f"{format_money(charge['amount'], self.selection.currency, self.units())}"
                      "; with tiers, the tiers bill and the amount is cleared.")
        result = dialog.ask(self, title=title,
                            statuses=["Amount"],
                            tiers={"Amount": tiers},
                            minor_units=self.units(), currency=self.selection.currency)
        if result is None:
            return
        tiers = result.get("Amount") or None
        # with tiers on a tiered frequency the amount is never billed: keep only one price
        cleared = {"amount": None} if tiers else {}
        if not tiers and charge.get("tiers") and charge.get("amount") is None:
            cleared = {"amount": charge["tiers"][0]["amount"]}  # keep a price to bill
        self._change(lambda rows: rows[row].update(tiers=tiers, **cleared),
                     f"Set {charge['service']} one-time tiers")

    def edit_settings(self, row: int) -> None:
        dialog = modal(self, "settings", "ServiceSettingsDialog")
        if dialog is None:
            return
        charge = self.model.rows[row]
        current = {"gl_code": None, "tax_category": None, "rate_plan": None,
                   "tax_inclusive": None} | (charge.get("settings") or {})
        result = dialog.ask(self, service=charge["service"], settings=current,
                            rate_plans=[p["name"] for p in self.reference.get("rate_plans", [])],
                            tax_categories=tax_categories(self.reference), one_time=True)
        if result is None:
            return
        settings = one_time_settings(result)
        self._change(lambda rows: rows[row].update(settings=settings),
                     f"Set {charge['service']} settings")

    def show_problems(self, problems: list[tuple[Path, str]]) -> None:
        self.error.show_error("\n".join(describe(p, m) for p, m in problems) or None)
