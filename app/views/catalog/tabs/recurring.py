"""The Recurring tab (seed 004, "Configuring Recurring Charges"); the price book and currency bar
it shares with the Transition and One Time tabs is in :mod:`app.views.catalog.price_book_bar`.

The grid is the package's recurring and usage services by billable status in the selected price
book and currency. Amounts are typed into :class:`~app.views.common.money.MoneyEdit` editors; in
another price book an empty cell shows the standard book's price as a hint ("$50.00 standard"). The
columns on the right open the tiers, usage bucket, service settings and discounts modals.
"""

from __future__ import annotations

import copy
import importlib
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QMessageBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from app.catalog.database.editing import (
    RECURRING_BASE_TYPES,
    Path,
    base_types,
    billable_statuses,
    charges_of,
    minor_units,
    recurring_row,
)
from app.views.catalog.price_book_bar import PriceBookBar, PricingSelection, edit_price_books
from app.views.common.fields import ErrorLabel, note
from app.views.common.icons import icon
from app.views.common.money import (
    HINT_ROLE,
    AmountNote,
    MoneyDelegate,
    format_money,
    grid_keys,
)
from app.views.common.undo import PackageDraft

_Index = QModelIndex | QPersistentModelIndex


def modal(parent: QWidget, module: str, name: str) -> Any | None:
    """The modal class ``app.views.catalog.dialogs.<module>.<name>``, or None (with a message)
    when this build does not have it yet."""
    try:
        return getattr(importlib.import_module(f"app.views.catalog.dialogs.{module}"), name)
    except (ImportError, AttributeError):
        QMessageBox.information(parent, "Not available", f"The {name} editor is not available "
                                "in this build.")
        return None


def tiers_summary(tiers: list[dict[str, Any]], currency: str, units: int) -> str:
    if not tiers:
        return "Click for pricing"
    amounts = [format_money(t["amount"], currency, units) for t in tiers]
    if len(tiers) == 1:
        return f"{amounts[0]} (one tier)"
    return f"{len(tiers)} tiers: " + " \N{RIGHTWARDS ARROW} ".join(amounts)


class RecurringPriceModel(QAbstractTableModel):
    """Services (rows) by billable status, then the action columns, in one book and currency.

    Column kinds: ``status`` (an amount, or the tiers when tiering is on), ``tiers`` ("Click
    for pricing": tiers across statuses), ``bucket`` (usage services), ``settings`` and
    ``discounts``. No signals beyond the model's own.
    """

    def __init__(self, tab: RecurringTab) -> None:
        super().__init__(tab)
        self.tab = tab
        self.services: list[str] = []
        self.columns: list[tuple[str, str]] = []

    def rebuild(self) -> None:
        self.beginResetModel()
        tab = self.tab
        kinds = base_types(tab.reference)
        if tab.draft is None:
            self.services, self.columns = [], []
        else:
            self.services = [s for s in tab.draft.doc["services"]
                             if kinds.get(s) in RECURRING_BASE_TYPES]
            statuses = billable_statuses(tab.reference)
            self.columns = [("status", s) for s in statuses]
            if tab.tiering() != "none":
                self.columns.append(("tiers", "All statuses"))
            if any(kinds.get(s) == "usage" for s in self.services):
                self.columns.append(("bucket", "Usage Bucket"))
            self.columns += [("settings", "Settings"), ("discounts", "Discounts")]
        self.endResetModel()

    def refresh(self) -> None:
        if self.services and self.columns:
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(len(self.services) - 1, len(self.columns) - 1))

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.services)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self.columns[section][1] if section < len(self.columns) else None
        return self.services[section] if section < len(self.services) else None

    def row(self, service: str, book: str | None = None) -> dict[str, Any] | None:
        tab = self.tab
        if tab.draft is None or tab.selection.currency is None:
            return None
        freq = tab.draft.frequency(tab.fi)
        charges = charges_of(freq, book or tab.selection.book, tab.selection.currency)
        for row in charges.get("recurring", []):
            if row["service"] == service:
                found: dict[str, Any] = row
                return found
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        kind = self.columns[index.column()][0]
        if kind == "status" and self.tab.tiering() == "none" and self.tab.selection.currency:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        service = self.services[index.row()]
        kind, label = self.columns[index.column()]
        row = self.row(service) or {}
        tab = self.tab
        currency = tab.selection.currency or ""
        units = tab.units()
        if kind == "status":
            if tab.tiering() != "none":
                tiers = (row.get("tiers") or {}).get(label, [])
                flat = (row.get("amounts") or {}).get(label)
                if role == Qt.ItemDataRole.DisplayRole:
                    if not tiers and flat is not None:  # billed as is: say so
                        return f"{format_money(flat, currency, units)} flat, not tiered"
                    return tiers_summary(tiers, currency, units)
                if role == Qt.ItemDataRole.DecorationRole:
                    return icon("tiers")
                if role == Qt.ItemDataRole.ToolTipRole:
                    if not tiers and flat is not None:
                        return (f"{service} while {label} is billed a flat "
                                f"{format_money(flat, currency, units)} per unit, whatever "
                                "the count. Click to turn it into a single tier.")
                    return f"Edit the tiered charges of {service} while {label}"
                return None
            amount = (row.get("amounts") or {}).get(label)
            if role == Qt.ItemDataRole.DisplayRole:
                return format_money(amount, currency, units) if amount is not None else ""
            if role == Qt.ItemDataRole.EditRole:
                return amount or ""
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if role == HINT_ROLE and amount is None and tab.selection.book != "standard":
                standard = ((self.row(service, "standard") or {}).get("amounts") or {}).get(label)
                if standard is not None:
                    return f"{format_money(standard, currency, units)} standard"
            if role == Qt.ItemDataRole.ToolTipRole:
                return f"{service} while {label}: leave empty for no recurring charge"
            return None
        if kind == "tiers":
            if role == Qt.ItemDataRole.DisplayRole:
                return "Click for Pricing"
            if role == Qt.ItemDataRole.DecorationRole:
                return icon("tiers")
            if role == Qt.ItemDataRole.ToolTipRole:
                return "Edit the tiers of every status at once"
            return None
        if kind == "bucket":
            if base_types(tab.reference).get(service) != "usage":
                return None
            bucket = row.get("usage_bucket")
            if role == Qt.ItemDataRole.DisplayRole:
                return bucket["bucket"] if bucket else "No bucket"
            if role == Qt.ItemDataRole.DecorationRole:
                return icon("usage-bucket")
            if role == Qt.ItemDataRole.ToolTipRole:
                return "Edit the usage bucket (flat charges, thresholds, unit)"
            return None
        if kind == "settings":
            settings = {k: v for k, v in (row.get("settings") or {}).items() if v is not None}
            if role == Qt.ItemDataRole.DisplayRole:
                return f"{len(settings)} override{'s' if len(settings) != 1 else ''}" \
                    if settings else ""
            if role == Qt.ItemDataRole.DecorationRole:
                return icon("settings")
            if role == Qt.ItemDataRole.ToolTipRole:
                shown = ", ".join(f"{k.replace('_', ' ')}: {v}" for k, v in settings.items())
                return "Service settings (GL code, tax category, rate plan, tax inclusive)" + (
                    f"\nOverridden here: {shown}" if shown else "")
            return None
        discounts = row.get("discounts") or []
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{len(discounts)} discount{'s' if len(discounts) != 1 else ''}" \
                if discounts else ""
        if role == Qt.ItemDataRole.DecorationRole:
            return icon("discount")
        if role == Qt.ItemDataRole.ToolTipRole:
            names = ", then ".join(d["name"] for d in discounts)
            return "Edit the discounts of this service" + (f"\n{names}" if names else "")
        return None

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        kind, status = self.columns[index.column()]
        if kind != "status":
            return False
        self.tab.set_amount(self.services[index.row()], status, value or None)
        return True


class PricedTab(QWidget):
    """Base of the tab pages priced per price book and currency (Recurring, Transition, One
    Time): the price book bar, the draft's frequency shown, the reference data, and ``load``.
    Subclasses build their table and implement ``refresh`` (and ``commit``).

    Signals:
        amountProblem(bool): the open amount cell holds a text that is not an amount (True),
            or no longer does (False); Save stays off meanwhile.
    """

    amountProblem = Signal(bool)

    def __init__(self, selection: PricingSelection, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.selection = selection
        self.draft: PackageDraft | None = None
        self.fi = 0
        self.reference: dict[str, Any] = {}
        self.bar = PriceBookBar(selection, self)
        self.error = ErrorLabel(self)
        self.amount_note = AmountNote(self)

    def money_delegate(self, view: QTableView, where: Callable[[QModelIndex], str]
                       ) -> MoneyDelegate:
        """The amount delegate of ``view``; what it tells goes above the grid, prefixed by
        ``where(index)`` (the cell in the catalog's words)."""
        delegate = MoneyDelegate(lambda _i: self.units(), view,
                                 currency=lambda _i: self.selection.currency)
        delegate.told.connect(lambda message, problem: self._told(view, where, message, problem))
        return delegate


    def set_reference(self, reference: dict[str, Any]) -> None:
        self.reference = reference
        self.bar.set_reference(reference)

    def _told(self, view: QTableView, where_of: Callable[[QModelIndex], str], message: str,
              problem: bool) -> None:
        """The open cell's parsed value, or why it is not an amount, above the grid."""
        if not isValid(view):
            return
        index = view.currentIndex()
        where = where_of(index) + ": " if message and index.isValid() else ""
        if problem:
            self.amount_note.show_problem(f"{where}{message} Not stored.")
        else:
            self.amount_note.show_value(f"{where}{message}" if message else "")
        self.amountProblem.emit(problem)

    def tiering(self) -> str:
        if self.draft is None:
            return "none"
        tiering: str = self.draft.frequency(self.fi)["tiering"]
        return tiering

    def gone(self) -> bool:
        """Whether the frequency shown is no longer in the draft (just deleted)."""
        return self.draft is not None and self.fi >= len(self.draft.doc["frequencies"])

    def units(self) -> int:
        """Decimals the selected currency allows."""
        return minor_units(self.reference, self.selection.currency)

    def load(self, draft: PackageDraft, fi: int) -> None:
        """Show frequency ``fi`` of ``draft``."""
        self.draft, self.fi = draft, fi
        self.bar.load(draft, fi)
        self.loaded()
        self.refresh()

    def loaded(self) -> None:
        """Called by ``load`` once the bar shows the new frequency, before ``refresh``."""

    def refresh(self) -> None:
        raise NotImplementedError


class RecurringTab(PricedTab):
    """The Recurring tab page: ``load`` shows a frequency of the draft, ``commit`` has nothing
    pending (each cell is committed when its editor closes). Signals: those of PricedTab."""

    def __init__(self, selection: PricingSelection, parent: QWidget | None = None) -> None:
        super().__init__(selection, parent)
        self.model = RecurringPriceModel(self)
        self.view = QTableView(self)
        self.view.setModel(self.model)
        delegate = self.money_delegate(self.view, self._where)
        self.view.setItemDelegate(delegate)
        grid_keys(self.view, delegate)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                  | QAbstractItemView.EditTrigger.SelectedClicked
                                  | QAbstractItemView.EditTrigger.EditKeyPressed
                                  | QAbstractItemView.EditTrigger.AnyKeyPressed)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.view.verticalHeader().setDefaultAlignment(
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.view.clicked.connect(self._clicked)
        self.empty_note = note("")
        layout = QVBoxLayout(self)
        layout.addWidget(self.bar)
        layout.addWidget(self.error)
        layout.addWidget(self.amount_note)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.empty_note)
        layout.addWidget(note(
            "Leave an amount empty for no recurring charge in that status (usage and other "
            "charges still apply). In other price books, grey amounts are the standard price "
            "book's, used until you set one here."))
        selection.changed.connect(self.refresh)

    # --- context

    def _where(self, index: QModelIndex) -> str:
        if index.row() >= len(self.model.services) or index.column() >= len(self.model.columns):
            return ""
        return f"{self.model.services[index.row()]} while {self.model.columns[index.column()][1]}"

    def loaded(self) -> None:
        self.model.rebuild()

    def reload(self, path: Path) -> None:
        """The draft changed at ``path``: show it again."""
        if self.draft is None:
            return
        if path[:1] == ("services",) or path[2:3] == ("tiering",) or not path:
            self.model.rebuild()
        self.refresh()

    def refresh(self) -> None:
        if self.gone():
            return
        self.bar.refresh()
        self.model.refresh()
        self.view.viewport().update()
        if self.selection.currency is None:
            self.empty_note.setText("Enable a currency (tick its box) to set prices.")
        elif not self.model.services:
            self.empty_note.setText("The package has no recurring or usage services.")
        else:
            self.empty_note.setText("")
        self.empty_note.setVisible(bool(self.empty_note.text()))
        self.view.setEnabled(self.selection.currency is not None)

    def commit(self) -> None:
        """Nothing is pending: cells are committed as their editors close."""

    # --- edits

    def _edit_row(self, service: str, mutate: Callable[[dict[str, Any]], None],
                  text: str) -> None:
        draft, book, currency = self.draft, self.selection.book, self.selection.currency
        if draft is None or currency is None:
            return
        order = list(draft.doc["services"])

        def change(books: dict[str, Any]) -> None:
            mutate(recurring_row(books, book, currency, service, order))

        edit_price_books(draft, self.fi, change, text)

    def set_amount(self, service: str, status: str, amount: str | None) -> None:
        def change(row: dict[str, Any]) -> None:
            if amount is None:
                row["amounts"].pop(status, None)
            else:
                row["amounts"][status] = amount
                order = billable_statuses(self.reference)
                row["amounts"] = {s: row["amounts"][s] for s in order if s in row["amounts"]} | {
                    s: v for s, v in row["amounts"].items() if s not in order}

        self._edit_row(service, change, f"Set {service} {status} price")

    def _clicked(self, index: QModelIndex) -> None:
        if not index.isValid():
            return
        kind, label = self.model.columns[index.column()]
        service = self.model.services[index.row()]
        if kind == "status" and self.tiering() != "none":
            self.edit_tiers(service, [label])
        elif kind == "tiers":
            self.edit_tiers(service, billable_statuses(self.reference))
        elif kind == "bucket" and base_types(self.reference).get(service) == "usage":
            self.edit_bucket(service)
        elif kind == "settings":
            self.edit_settings(service)
        elif kind == "discounts":
            self.edit_discounts(service)

    def edit_tiers(self, service: str, statuses: list[str]) -> None:
        dialog = modal(self, "tiers", "TieredChargesDialog")
        if dialog is None or self.selection.currency is None:
            return
        row = self.model.row(service) or {}
        current = row.get("tiers") or {}
        flats = {s: a for s, a in (row.get("amounts") or {}).items()
                 if s in statuses and not current.get(s)}
        title = f"Edit Tiered Charges: {service}" + (
            f" ({statuses[0]})" if len(statuses) == 1 else "")
        if flats:  # a flat amount is offered as a single tier (Update makes it one)
            shown = ", ".join(f"{s} {format_money(a, self.selection.currency, self.units())}"
                              for s, a in flats.items())
            title += (f"\nBilled today as a flat amount: {shown}. Update turns "
                      f"{'it' if len(flats) == 1 else 'each'} into a single tier.")
        start = {s: copy.deepcopy(current.get(s, [])) for s in statuses} | {
            s: [{"end": None, "amount": a}] for s, a in flats.items()}
        result = dialog.ask(self, title=title, statuses=statuses,
                            tiers=start,
                            minor_units=self.units(), currency=self.selection.currency)
        if result is None:
            return
        order = billable_statuses(self.reference)

        def change(row: dict[str, Any]) -> None:
            tiers = dict(row["tiers"])
            for status in statuses:
                if result.get(status):
                    tiers[status] = result[status]
                    # the tiers now bill this status: a flat amount would never be billed
                    row["amounts"].pop(status, None)
                else:
                    tiers.pop(status, None)
            row["tiers"] = {s: tiers[s] for s in order if s in tiers}

        self._edit_row(service, change, f"Set {service} tiers")

    def edit_bucket(self, service: str) -> None:
        dialog = modal(self, "usage_bucket", "UsageBucketDialog")
        if dialog is None:
            return
        buckets = [b for b in self.reference.get("usage_buckets", []) if b["service"] == service]
        current = (self.model.row(service) or {}).get("usage_bucket")
        result = dialog.ask(self, service=service, buckets=copy.deepcopy(buckets),
                            current=copy.deepcopy(current), minor_units=self.units(),
                            currency=self.selection.currency)
        if result is None:
            return
        self._edit_row(service, lambda row: row.update(usage_bucket=result.get("usage_bucket")),
                       f"Set {service} usage bucket")

    def edit_settings(self, service: str) -> None:
        dialog = modal(self, "settings", "ServiceSettingsDialog")
        if dialog is None:
            return
        current = (self.model.row(service) or {}).get("settings") or {}
        result = dialog.ask(self, service=service, settings=copy.deepcopy(current),
                            rate_plans=[p["name"] for p in self.reference.get("rate_plans", [])],
                            tax_categories=tax_categories(self.reference), one_time=False)
        if result is None:
            return
        settings = {k: result.get(k) for k in ("gl_code", "tax_category", "rate_plan",
                                               "tax_inclusive")}
        self._edit_row(service, lambda row: row.update(settings=settings),
                       f"Set {service} settings")

    def edit_discounts(self, service: str) -> None:
        dialog = modal(self, "discounts", "DiscountsDialog")
        if dialog is None:
            return
        current = (self.model.row(service) or {}).get("discounts") or []
        result = dialog.ask(self, service=service, discounts=copy.deepcopy(current),
                            statuses=billable_statuses(self.reference),
                            promo_codes=[p["code"] for p in self.reference.get("promo_codes", [])],
                            minor_units=self.units(), currency=self.selection.currency,
                            promo_configs={p["code"]: p["discount"]
                                           for p in self.reference.get("promo_codes", [])})
        if result is None:
            return
        self._edit_row(service, lambda row: row.update(discounts=list(result)),
                       f"Set {service} discounts")

    # --- problems

    def show_problems(self, problems: list[tuple[Path, str]]) -> None:
        self.error.show_error("\n".join(describe(path, message) for path, message in problems)
                              or None)


def tax_categories(reference: dict[str, Any]) -> list[str]:
    seen: dict[str, None] = {}
    for rate in reference.get("tax_rates", []):
        seen.setdefault(rate["category"], None)
    for service in reference.get("services", []):
        if service.get("tax_category"):
            seen.setdefault(service["tax_category"], None)
    return list(seen)


def describe(path: Path, message: str) -> str:
    """``("price_books", "EU", "EUR", "recurring", 0, "amounts", "Active")`` -> "EU / EUR,
    recurring row 1, amounts, Active: message"."""
    if len(path) >= 3 and path[0] == "price_books":
        where = [f"{path[1]} / {path[2]}"]
        rest = list(path[3:])
        if len(rest) >= 2 and isinstance(rest[1], int):
            where.append(f"{str(rest[0]).replace('_', ' ')} row {rest[1] + 1}")
            rest = rest[2:]
        where += [str(p) for p in rest]
        return f"{', '.join(where)}: {message}"
    return message
