"""Schedule (or edit) a catalog version: its effective date and name, what happens to the
subscribers who already hold a package, and the recurring prices it changes (docs/versions.md).

The dialog only asks: :meth:`PriceChangeDialog.ask` returns a :class:`ScheduledChange` (or
``None``); the Scheduled changes tab writes it through ``store.schedule_version`` /
``store.edit_version``. Amounts are typed in the application's one amount editor
(:class:`~app.views.common.money.MoneyEdit`), which refuses what is not an amount for the
row's currency, beside the field; OK stays disabled while anything is refused.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.views.common.fields import ErrorLabel, note
from app.views.common.money import AmountNote, MoneyEdit, format_money

Doc = dict[str, Any]
Key = tuple[str, str, str, str]  # frequency, price book, currency, service


@dataclass(frozen=True)
class ScheduledChange:
    """What the administrator asked for (the arguments of ``store.schedule_version``)."""

    effective_date: dt.date
    name: str | None
    policy: str  # "grandfathered" or "move"
    existing_from: dt.date | None
    prices: list[Doc] = field(default_factory=list)


@dataclass
class PriceChoices:
    """The recurring prices a version can change, with the price in force before it."""

    prices: dict[Key, dict[str, str]]  # status -> amount in force before the version
    statuses: dict[Key, list[str]]  # the statuses the line can be priced for
    minor_units: dict[str, int]
    sources: dict[tuple[Key, str], str] = field(default_factory=dict)  # the version it is from

    def frequencies(self) -> list[str]:
        return sorted({k[0] for k in self.prices})

    def options(self, *fixed: str) -> list[str]:
        """The values of the next key part, given the first ``len(fixed)`` ones."""
        n = len(fixed)
        return sorted({k[n] for k in self.prices if k[:n] == fixed})


def price_choices(doc: Doc, earlier: list[tuple[str, list[Doc]]]) -> PriceChoices:
    """Every recurring price line of the catalog ``doc``, with the price changes of the
    ``earlier`` versions (name, changes; oldest first) applied: what a new version changes
    from."""
    statuses = [s["name"] for s in doc.get("statuses") or () if not s.get("cancelled")]
    prices: dict[Key, dict[str, str]] = {}
    allowed: dict[Key, list[str]] = {}
    for package in doc.get("packages") or ():
        for freq in package.get("frequencies") or ():
            for book, by_currency in (freq.get("price_books") or {}).items():
                for currency, lines in (by_currency or {}).items():
                    for line in (lines or {}).get("recurring") or ():
                        if line.get("tiers"):
                            continue  # tiered prices are changed in the JSON (not here)
                        key = (freq["name"], book, currency, line["service"])
                        prices[key] = dict(line.get("amounts") or {})
                        allowed[key] = statuses
    sources: dict[tuple[Key, str], str] = {}
    for version, changes in earlier:
        for change in changes:
            key = (change["frequency"], change.get("price_book") or "standard",
                   change["currency"], change["service"])
            if key in prices:
                prices[key].update(change.get("amounts") or {})
                sources.update({(key, status): version for status in change.get("amounts") or {}})
    units = {c["code"]: int(c.get("minor_units", 2)) for c in doc.get("currencies") or ()}
    return PriceChoices(prices, allowed, units, sources)


def _date(value: QDate) -> dt.date:
    return dt.date(value.year(), value.month(), value.day())


class PriceRow:
    """One price change: frequency, price book, currency, service, status, the new amount
    (with its note) and the current price. Not a widget: its widgets sit in the dialog's
    grid."""

    def __init__(self, dialog: PriceChangeDialog, change: Doc | None = None,
                 status: str | None = None) -> None:
        self.dialog = dialog
        self.choices = dialog.choices
        parent = dialog.rows_box
        self.combos = [QComboBox(parent) for _ in range(5)]
        names = ("Package frequency", "Price book", "Currency", "Service", "Status")
        for combo, name in zip(self.combos, names, strict=True):
            combo.setAccessibleName(name)
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.amount = MoneyEdit(parent, 2)
        self.amount.setAccessibleName("New amount")
        self.amount.setMinimumWidth(110)
        self.note = AmountNote(parent)
        self.amount.set_note(self.note)
        self.current = QLabel(parent)
        self.remove = QPushButton("Remove", parent)
        self.remove.setToolTip("Remove this price change")
        self.combos[0].addItems(self.choices.frequencies())
        for i, combo in enumerate(self.combos):
            combo.currentTextChanged.connect(lambda _t, i=i: self._cascade(i + 1))
        self.amount.textChanged.connect(lambda _t: dialog.update_ok())
        self.remove.clicked.connect(lambda: dialog.remove_row(self))
        self._cascade(1)
        if change is not None:
            parts = (change["frequency"], change.get("price_book") or "standard",
                     change["currency"], change["service"], status or "")
            for combo, value in zip(self.combos, parts, strict=True):
                if combo.findText(value) < 0:
                    combo.addItem(value)  # a price the catalog lost: shown as it is
                combo.setCurrentText(value)
            self.amount.set_amount((change.get("amounts") or {}).get(status or ""))

    def widgets(self) -> list[QWidget]:
        return [*self.combos, self.amount, self.current, self.remove]

    def key(self) -> Key:
        f, b, c, s = (combo.currentText() for combo in self.combos[:4])
        return (f, b, c, s)

    def status(self) -> str:
        return self.combos[4].currentText()

    def _cascade(self, start: int) -> None:
        if start <= 3:
            fixed = tuple(c.currentText() for c in self.combos[:start])
            combo = self.combos[start]
            old = combo.currentText()
            combo.blockSignals(True)
            combo.clear()
            combo.addItems(self.choices.options(*fixed))
            if combo.findText(old) >= 0:
                combo.setCurrentText(old)
            combo.blockSignals(False)
            self._cascade(start + 1)
            return
        key = self.key()
        if start == 4:
            combo = self.combos[4]
            old = combo.currentText()
            combo.blockSignals(True)
            combo.clear()
            priced = self.choices.prices.get(key) or {}
            combo.addItems(self.choices.statuses.get(key) or sorted(priced))
            combo.setCurrentText(old if combo.findText(old) >= 0 else
                                 ("Active" if combo.findText("Active") >= 0 else
                                  combo.itemText(0)))
            combo.blockSignals(False)
        currency = key[2]
        self.amount.set_currency(currency, self.choices.minor_units.get(currency, 2))
        amount = (self.choices.prices.get(key) or {}).get(self.status())
        source = self.choices.sources.get((key, self.status()))
        self.current.setText(
            (format_money(Decimal(amount), currency, self.amount.minor_units())
             + (f" ({source})" if source else ""))
            if amount is not None else "not priced")
        self.current.setToolTip(
            f"The price before this version: from catalog version {source}" if source else
            "The price before this version: the catalog's own")
        self.dialog.update_ok()


class PriceChangeDialog(QDialog):
    """Ask for a scheduled price change (a new catalog version), or the new policy and prices
    of a draft one (``version`` given: its date and name stay).

    Signals: only QDialog's ``accepted`` / ``rejected``.
    """

    COLUMNS = ("Package frequency", "Price book", "Currency", "Service", "Status",
               "New amount", "Current price")

    def __init__(self, parent: QWidget | None = None, *, choices: PriceChoices,
                 after: dt.date | None, version: Any = None) -> None:
        super().__init__(parent)
        self.choices = choices
        self.after = after
        self.editing = version is not None
        self.setWindowTitle("Edit scheduled price change" if self.editing
                            else "Schedule a price change")
        self.rows: list[PriceRow] = []
        start = (version.effective_date if version is not None else
                 max(after + dt.timedelta(days=1) if after else dt.date.today(),
                     dt.date.today()))
        self.date_edit = QDateEdit(QDate(start.year, start.month, start.day), self)
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("yyyy-MM-dd")
        self.date_edit.setAccessibleName("Effective date")
        self.name_edit = QLineEdit(self)
        self.name_edit.setPlaceholderText("e.g. 2027 prices (default: the date)")
        self.name_edit.setAccessibleName("Name")
        self.keep_radio = QRadioButton("keep their price (grandfathered)", self)
        self.move_radio = QRadioButton("move to the new price from", self)
        group = QButtonGroup(self)
        group.addButton(self.keep_radio)
        group.addButton(self.move_radio)
        self.keep_radio.setChecked(True)
        self.move_date = QDateEdit(self.date_edit.date(), self)
        self.move_date.setCalendarPopup(True)
        self.move_date.setDisplayFormat("yyyy-MM-dd")
        self.move_date.setAccessibleName("Move existing subscribers from")
        move_row = QHBoxLayout()
        move_row.addWidget(self.move_radio)
        move_row.addWidget(self.move_date)
        move_row.addStretch(1)
        policy = QVBoxLayout()
        policy.addWidget(self.keep_radio)
        policy.addLayout(move_row)
        self.name_edit.setMinimumWidth(320)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        form.addRow("Effective from", self.date_edit)
        form.addRow("Name", self.name_edit)
        form.addRow("Existing subscribers", policy)

        self.rows_box = QWidget(self)
        self.grid = QGridLayout(self.rows_box)
        self.grid.setHorizontalSpacing(6)
        for column, title in enumerate(self.COLUMNS):
            label = QLabel(f"<b>{title}</b>", self.rows_box)
            self.grid.addWidget(label, 0, column)
        self.grid.setColumnStretch(len(self.COLUMNS) + 1, 1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.rows_box)
        self.add_button = QPushButton("Add a price change", self)
        self.add_button.clicked.connect(lambda: self.add_row())
        self.error = ErrorLabel(self)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Save change" if self.editing else "Schedule")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note("The prices this version changes (the others stay as they are). "
                              "New subscriptions from the effective date pay the new amount."))
        layout.addWidget(scroll, 1)
        adding = QHBoxLayout()
        adding.addWidget(self.add_button)
        adding.addStretch(1)
        layout.addLayout(adding)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

        for widget in (self.date_edit, self.move_date):
            widget.dateChanged.connect(lambda _d: self.update_ok())
        self.keep_radio.toggled.connect(lambda _c: self.update_ok())
        if version is not None:
            self.date_edit.setEnabled(False)
            self.date_edit.setToolTip("The date of a scheduled version stays; delete it and "
                                      "schedule another to change it")
            self.name_edit.setText(version.name)
            self.name_edit.setEnabled(False)
            if version.policy == "move":
                self.move_radio.setChecked(True)
                moved = version.existing_from or version.effective_date
                self.move_date.setDate(QDate(moved.year, moved.month, moved.day))
            for change in version.prices:
                for status in change.get("amounts") or {}:
                    self.add_row(change, status)
        if not self.rows:
            self.add_row()
        self.resize(1000, 460)
        self.update_ok()

    # --- rows

    def add_row(self, change: Doc | None = None, status: str | None = None) -> PriceRow:
        row = PriceRow(self, change, status)
        self.rows.append(row)
        self._relayout()
        self.update_ok()
        return row

    def remove_row(self, row: PriceRow) -> None:
        self.rows.remove(row)
        for widget in [*row.widgets(), row.note]:
            self.grid.removeWidget(widget)
            widget.deleteLater()
        self._relayout()
        self.update_ok()

    def _relayout(self) -> None:
        for i, row in enumerate(self.rows):  # a line of fields, and the amount's note below
            for column, widget in enumerate(row.widgets()):
                self.grid.addWidget(widget, 1 + 2 * i, column)
            self.grid.addWidget(row.note, 2 + 2 * i, 5, 1, len(self.COLUMNS) - 4)
        for line in range(self.grid.rowCount()):
            self.grid.setRowStretch(line, 0)
        self.grid.setRowStretch(1 + 2 * len(self.rows), 1)

    # --- reading

    def effective_date(self) -> dt.date:
        return _date(self.date_edit.date())

    def problem(self) -> str:
        """Why OK is disabled ("" when the change can be scheduled)."""
        date = self.effective_date()
        if not self.editing and self.after is not None and date <= self.after:
            return (f"The effective date must come after the last version ({self.after}): "
                    "a new version is dated after the last one.")
        if self.move_radio.isChecked() and _date(self.move_date.date()) < date:
            return (f"Existing subscribers cannot move before the effective date ({date}).")
        if not self.rows:
            return "Add at least one price change."
        seen: set[tuple[Key, str]] = set()
        for i, row in enumerate(self.rows, start=1):
            where = f"Price change {i} ({row.key()[0]} / {row.key()[3]})"
            if not all(row.key()) or not row.status():
                return f"Price change {i}: choose a recurring price."
            if row.amount.problem():
                return f"{where}: {row.amount.problem()}"
            if row.amount.amount() is None:
                return f"{where}: type the new amount."
            if (row.key(), row.status()) in seen:
                return f"{where}: the {row.status()} price is changed twice."
            seen.add((row.key(), row.status()))
        return ""

    def update_ok(self) -> None:
        if not hasattr(self, "ok_button"):
            return  # rows built while the dialog is
        self.move_date.setEnabled(self.move_radio.isChecked())
        problem = self.problem()
        self.ok_button.setEnabled(not problem)
        self.error.show_error(problem)

    def values(self) -> ScheduledChange:
        prices: dict[Key, dict[str, str]] = {}
        for row in self.rows:
            text = row.amount.text_value()
            assert text is not None
            prices.setdefault(row.key(), {})[row.status()] = text
        policy = "move" if self.move_radio.isChecked() else "grandfathered"
        return ScheduledChange(
            self.effective_date(), self.name_edit.text().strip() or None, policy,
            _date(self.move_date.date()) if policy == "move" else None,
            [{"frequency": f, "price_book": b, "currency": c, "service": s, "amounts": a}
             for (f, b, c, s), a in prices.items()])

    @classmethod
    def ask(cls, parent: QWidget | None, *, choices: PriceChoices, after: dt.date | None,
            version: Any = None) -> ScheduledChange | None:
        """Show the dialog (modal); the change when the user confirms it."""
        dialog = cls(parent, choices=choices, after=after, version=version)
        try:
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return None
            return dialog.values()
        finally:
            dialog.deleteLater()
