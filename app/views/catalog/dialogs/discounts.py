"""Edit Discounts (seed 004, "Configuring Recurring Charges", step 7): a service's stacked
discounts, applied one after another in the order listed.

Why this module is over 600 lines: the dialog edits one list of discounts whose fields depend on
each other (type, amount in the currency's decimals, period window, status, promo code shown
read-only), with its list model and reordering; the next split is the list model into its own
module beside the dialog."""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QAbstractListModel, QDate, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QAction, QColor, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.catalog.document.rules import percent_problem, sentence
from app.views.common.fields import ERROR_COLOUR, ErrorLabel, note, required, with_error
from app.views.common.focus import follow_the_form
from app.views.common.icons import icon
from app.views.common.money import format_money, money_edit

Discount = dict[str, Any]
_Index = QModelIndex | QPersistentModelIndex

KINDS = (("discount", "Discount"), ("promo_code", "Promo Code"))
TYPES = (("fixed", "Fixed"), ("percent", "Percent"), ("price", "Price"))
PERIOD_UNITS = ("Months", "Days", "No end")
ANY_STATUS = "Any status"
DATE_FORMAT = "yyyy-MM-dd"


def new_discount(today: dt.date | None = None) -> Discount:
    """A fresh discount as the + icon adds it: active from today, 1 month, fixed."""
    return {
        "kind": "discount",
        "name": "",
        "gl_code": None,
        "active": True,
        "start": (today or dt.date.today()).isoformat(),
        "end": None,
        "prorate": False,
        "status": None,
        "type": "fixed",
        "amount": None,
        "period_months": 1,
    }


def summary(d: Discount) -> str:
    """The list's two lines: ``Free 3 months`` and ``price 0.00 · 3 months``."""
    name = d.get("name") or "(no name)"
    if d.get("kind") == "promo_code":  # billing uses the code's own settings
        flags = "" if d.get("active", True) else " · inactive"
        return f"{name}\n    promo code {d.get('promo_code') or '?'}'s settings{flags}"
    amount = d.get("amount")
    what = d.get("type", "")
    if amount is not None:
        what += f" {amount}{'%' if d.get('type') == 'percent' else ''}"
    if d.get("period_months"):
        period = f"{d['period_months']} month{'s' if d['period_months'] != 1 else ''}"
    elif d.get("period_days"):
        period = f"{d['period_days']} day{'s' if d['period_days'] != 1 else ''}"
    else:
        period = "no end"
    flags = "" if d.get("active", True) else " · inactive"
    if d.get("kind") == "promo_code":
        flags += f" · promo code {d.get('promo_code') or '?'}"
    return f"{name}\n    {what} · {period}{flags}"


def problems_of(d: Discount) -> dict[str, str]:
    """Field -> message for what is wrong with one discount (empty when it can be saved)."""
    out: dict[str, str] = {}
    if not (d.get("name") or "").strip():
        out["name"] = "A name is required."
    if d.get("kind") == "promo_code" and not d.get("promo_code"):
        out["promo_code"] = "Choose the promo code whose discount applies."
    if not d.get("start"):
        out["start"] = "A start date is required."
    if d.get("end") and d.get("start") and d["end"] < d["start"]:
        out["end"] = "The end date is before the start date."
    amount = d.get("amount")
    if amount is None:
        out["amount"] = "An amount is required."
    elif (problem := percent_problem(str(d.get("type")), Decimal(amount))) is not None:
        out["amount"] = sentence(problem)
    return out


class DiscountListModel(QAbstractListModel):
    """The service's discounts in the order they apply. No signals beyond the model's own."""

    def __init__(self, discounts: list[Discount], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.discounts = [copy.deepcopy(d) for d in discounts]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.discounts)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.discounts):
            return None
        d = self.discounts[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return summary(d)
        if role == Qt.ItemDataRole.ToolTipRole:
            wrong = problems_of(d)
            return "\n".join(wrong.values()) if wrong else summary(d)
        if role == Qt.ItemDataRole.ForegroundRole and problems_of(d):
            return QColor(ERROR_COLOUR)
        return None

    def set_discount(self, row: int, d: Discount) -> None:
        self.discounts[row] = d
        self.dataChanged.emit(self.index(row), self.index(row))

    def add(self, d: Discount) -> int:
        row = len(self.discounts)
        self.beginInsertRows(QModelIndex(), row, row)
        self.discounts.append(d)
        self.endInsertRows()
        return row

    def remove(self, row: int) -> None:
        self.beginRemoveRows(QModelIndex(), row, row)
        del self.discounts[row]
        self.endRemoveRows()

    def move(self, row: int, delta: int) -> int:
        """Move a discount up (-1) or down (+1); returns its new row."""
        target = row + delta
        if not (0 <= row < len(self.discounts) and 0 <= target < len(self.discounts)):
            return row
        # beginMoveRows wants the destination *before* which the row lands
        dest = target + 1 if delta > 0 else target
        self.beginMoveRows(QModelIndex(), row, row, QModelIndex(), dest)
        self.discounts.insert(target, self.discounts.pop(row))
        self.endMoveRows()
        return target


def _to_qdate(text: str | None) -> QDate:
    if not text:
        return QDate.currentDate()
    d = dt.date.fromisoformat(text)
    return QDate(d.year, d.month, d.day)


def _iso(date: QDate) -> str:
    return dt.date(date.year(), date.month(), date.day()).isoformat()


class DiscountsDialog(QDialog):
    """The Edit Discounts modal: the list of a service's discounts (add, remove, up and down)
    and the selected discount's form, with errors beside the fields.

    Signals: only QDialog's ``accepted`` / ``rejected``.
    """

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        service: str,
        discounts: list[Discount],
        statuses: list[str],
        promo_codes: list[str],
        minor_units: int,
        currency: str | None = None,
        promo_configs: dict[str, dict[str, Any]] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Edit Discounts — {service}")
        self.minor_units = minor_units
        self.currency = currency
        self.promo_configs = promo_configs or {}
        self.model = DiscountListModel(discounts, self)
        self._loading = False

        # --- the list with its tools -----------------------------------------------------
        self.list = QListView(self)
        self.list.setModel(self.model)
        self.list.setAccessibleName("Discounts")
        self.list.setMinimumWidth(260)
        self.list.setSpacing(2)
        self.list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

        def tool(text: str, tip: str, icon_name: str) -> QToolButton:
            button = QToolButton(self)
            button.setText(text)
            button.setIcon(icon(icon_name))
            button.setToolTip(tip)
            button.setAccessibleName(tip)
            return button

        self.add_button = tool("+", "Add a discount", "add")
        self.add_button.setShortcut(QKeySequence.StandardKey.New)
        self.remove_button = tool("−", "Remove the selected discount", "remove")
        self.up_button = tool("Up", "Move up: applies earlier", "up")
        self.down_button = tool("Down", "Move down: applies later", "down")
        tools = QHBoxLayout()
        for button in (self.add_button, self.remove_button, self.up_button, self.down_button):
            tools.addWidget(button)
        tools.addStretch(1)
        left = QVBoxLayout()
        left.addWidget(QLabel("Discounts, in the order they apply"))
        left.addWidget(self.list, 1)
        left.addLayout(tools)

        # --- the form --------------------------------------------------------------------
        self.form_box = QGroupBox("Discount", self)
        form = QFormLayout(self.form_box)
        self.kind_combo = QComboBox(self)
        for value, label in KINDS:
            self.kind_combo.addItem(label, value)
        self.promo_combo = QComboBox(self)
        self.promo_combo.setPlaceholderText("Choose a promo code")
        for code in promo_codes:
            self.promo_combo.addItem(code, code)
        self.promo_error = ErrorLabel(self)
        self.promo_row = with_error(self.promo_combo, self.promo_error)
        self.promo_note = note(
            "No promo codes are set up yet (Setup › Promo Codes)."
            if not promo_codes
            else "The promo code's own discount configuration applies when an "
            "account supplies the code."
        )
        self.name_edit = QLineEdit(self)
        self.name_error = ErrorLabel(self)
        self.gl_edit = QLineEdit(self)
        self.gl_edit.setPlaceholderText("the service's GL code")
        self.active_check = QCheckBox("Active", self)
        self.start_edit = QDateEdit(self)
        self.end_check = QCheckBox("Ends on", self)
        self.end_check.setToolTip("Give the discount an end date (leave unticked: open-ended)")
        self.end_edit = QDateEdit(self)
        for date_edit in (self.start_edit, self.end_edit):
            date_edit.setCalendarPopup(True)
            date_edit.setDisplayFormat(DATE_FORMAT)
            date_edit.setMaximumWidth(140)
        self.end_error = ErrorLabel(self)
        end_row = QHBoxLayout()
        end_row.setContentsMargins(0, 0, 0, 0)
        end_row.addWidget(self.end_check)
        end_row.addWidget(self.end_edit)
        end_row.addWidget(self.end_error, 1)
        end_row.addStretch(0)
        end_box = QWidget(self)
        end_box.setLayout(end_row)
        self.prorate_check = QCheckBox("Prorate partial periods", self)
        self.status_combo = QComboBox(self)
        self.status_combo.addItem(ANY_STATUS, None)
        for status in statuses:
            self.status_combo.addItem(status, status)
        self.type_combo = QComboBox(self)
        for value, label in TYPES:
            self.type_combo.addItem(label, value)
        self.period_spin = QSpinBox(self)
        self.period_spin.setRange(1, 9999)
        self.period_unit = QComboBox(self)
        self.period_unit.addItems(PERIOD_UNITS)
        period_row = QHBoxLayout()
        period_row.setContentsMargins(0, 0, 0, 0)
        period_row.addWidget(self.period_spin)
        period_row.addWidget(self.period_unit)
        period_row.addStretch(1)
        period_box = QWidget(self)
        period_box.setLayout(period_row)
        self.amount_edit, self.amount_note = money_edit(self, minor_units=minor_units,
                                                        currency=currency)
        self.amount_edit.setMaximumWidth(140)
        self.amount_error = ErrorLabel(self)
        amount_row = QHBoxLayout()
        amount_row.setContentsMargins(0, 0, 0, 0)
        amount_row.addWidget(required(self.amount_edit))
        amount_row.addWidget(self.amount_note)
        amount_row.addWidget(self.amount_error, 1)
        amount_row.addStretch(0)
        amount_box = QWidget(self)
        amount_box.setLayout(amount_row)
        self.amount_box = amount_box
        self.period_box = period_box
        self.promo_gives = QLabel(self)
        self.promo_gives.setWordWrap(True)
        self.promo_gives.setAccessibleName("Promo code gives")
        self.promo_gives.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        form.addRow("Type", self.kind_combo)
        form.addRow("Promo Code", self.promo_row)
        form.addRow("", self.promo_note)
        form.addRow("Name", with_error(required(self.name_edit), self.name_error))
        form.addRow("GL Code", self.gl_edit)
        form.addRow("", self.active_check)
        form.addRow("Start Date", required(self.start_edit))
        form.addRow("End Date", end_box)
        form.addRow("", self.prorate_check)
        form.addRow("Service Status", self.status_combo)
        form.addRow("Discount Type", self.type_combo)
        form.addRow("Period", period_box)
        form.addRow("Amount", amount_box)
        form.addRow("The code gives", self.promo_gives)
        self.form = form
        self.empty_note = note("No discounts: click + to add one.")

        right = QVBoxLayout()
        right.addWidget(self.form_box)
        right.addWidget(self.empty_note)
        right.addStretch(1)
        panes = QHBoxLayout()
        panes.addLayout(left, 2)
        panes.addLayout(right, 3)

        self.buttons = QDialogButtonBox(self)
        self.save_button = self.buttons.addButton("Save", QDialogButtonBox.ButtonRole.AcceptRole)
        cancel = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.error = ErrorLabel(self)
        layout = QVBoxLayout(self)
        layout.addLayout(panes, 1)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

        # --- wiring ----------------------------------------------------------------------
        self.save_button.clicked.connect(self._on_save)
        cancel.clicked.connect(self.reject)
        self.add_button.clicked.connect(self.add_discount)
        self.remove_button.clicked.connect(self.remove_selected)
        remove = QAction("Remove", self.list)
        remove.setShortcut(QKeySequence.StandardKey.Delete)
        remove.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        remove.triggered.connect(self.remove_selected)
        self.list.addAction(remove)
        self.up_button.clicked.connect(lambda: self.move_selected(-1))
        self.down_button.clicked.connect(lambda: self.move_selected(+1))
        self.list.selectionModel().currentChanged.connect(self._current_changed)
        for signal in (
            self.kind_combo.currentIndexChanged,
            self.promo_combo.currentIndexChanged,
            self.name_edit.textChanged,
            self.gl_edit.textChanged,
            self.active_check.toggled,
            self.start_edit.dateChanged,
            self.end_check.toggled,
            self.end_edit.dateChanged,
            self.prorate_check.toggled,
            self.status_combo.currentIndexChanged,
            self.type_combo.currentIndexChanged,
            self.period_spin.valueChanged,
            self.period_unit.currentIndexChanged,
            self.amount_edit.textChanged,
        ):
            signal.connect(self._edited)
        self.amount_edit.problemChanged.connect(
            lambda problem: self.save_button.setEnabled(not problem))
        self._statuses = statuses

        if self.model.discounts:
            self.select(0)
        else:
            self._load(None)
        self.resize(820, 480)
        follow_the_form(self)  # Tab goes through the fields as the form shows them

    @classmethod
    def ask(
        cls,
        parent: QWidget | None,
        *,
        service: str,
        discounts: list[Discount],
        statuses: list[str],
        promo_codes: list[str],
        minor_units: int,
        currency: str | None = None,
        promo_configs: dict[str, dict[str, Any]] | None = None,
    ) -> list[Discount] | None:
        """Show the modal; the edited discounts in order, or None when cancelled."""
        dialog = cls(
            parent,
            service=service,
            discounts=discounts,
            statuses=statuses,
            promo_codes=promo_codes,
            minor_units=minor_units,
            currency=currency,
            promo_configs=promo_configs,
        )
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.result_value()

    # --- list actions -----------------------------------------------------------------------

    def current_row(self) -> int | None:
        index = self.list.currentIndex()
        return index.row() if index.isValid() else None

    def select(self, row: int) -> None:
        self.list.setCurrentIndex(self.model.index(row))
        self._load(row)

    def add_discount(self) -> None:
        row = self.model.add(new_discount())
        self.select(row)
        self.name_edit.setFocus()

    def remove_selected(self) -> None:
        row = self.current_row()
        if row is None:
            return
        self.model.remove(row)
        if self.model.discounts:
            self.select(min(row, len(self.model.discounts) - 1))
        else:
            self._load(None)

    def move_selected(self, delta: int) -> None:
        row = self.current_row()
        if row is None:
            return
        self.select(self.model.move(row, delta))

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self._load(current.row() if current.isValid() else None)

    def _update_tools(self) -> None:
        row = self.current_row()
        count = len(self.model.discounts)
        self.remove_button.setEnabled(row is not None)
        self.up_button.setEnabled(row is not None and row > 0)
        self.down_button.setEnabled(row is not None and row < count - 1)

    # --- the form ---------------------------------------------------------------------------

    def _ensure_item(self, combo: QComboBox, value: str | None) -> None:
        if value is not None and combo.findData(value) < 0:
            combo.addItem(value, value)

    def _load(self, row: int | None) -> None:
        self._loading = True
        try:
            self.form_box.setVisible(row is not None)
            self.empty_note.setVisible(row is None)
            if row is not None:
                d = self.model.discounts[row]
                self.form_box.setTitle(f"Discount {row + 1} of {len(self.model.discounts)}")
                self.kind_combo.setCurrentIndex(self.kind_combo.findData(d.get("kind")))
                self._ensure_item(self.promo_combo, d.get("promo_code"))
                self.promo_combo.setCurrentIndex(self.promo_combo.findData(d.get("promo_code")))
                self.name_edit.setText(d.get("name") or "")
                self.gl_edit.setText(d.get("gl_code") or "")
                self.active_check.setChecked(bool(d.get("active", True)))
                self.start_edit.setDate(_to_qdate(d.get("start")))
                self.end_check.setChecked(d.get("end") is not None)
                self.end_edit.setDate(_to_qdate(d.get("end") or d.get("start")))
                self.prorate_check.setChecked(bool(d.get("prorate")))
                self._ensure_item(self.status_combo, d.get("status"))
                self.status_combo.setCurrentIndex(self.status_combo.findData(d.get("status")))
                self.type_combo.setCurrentIndex(self.type_combo.findData(d.get("type")))
                if d.get("period_months"):
                    self.period_unit.setCurrentIndex(0)
                    self.period_spin.setValue(int(d["period_months"]))
                elif d.get("period_days"):
                    self.period_unit.setCurrentIndex(1)
                    self.period_spin.setValue(int(d["period_days"]))
                else:
                    self.period_unit.setCurrentIndex(2)
                self.amount_edit.set_amount(d.get("amount"))
        finally:
            self._loading = False
        self._update_form_state()
        self._update_tools()
        self._show_errors(row)

    def _update_form_state(self) -> None:
        promo = self.kind_combo.currentData() == "promo_code"
        self.form.setRowVisible(self.promo_row, promo)
        self.form.setRowVisible(self.promo_note, promo)
        # billing uses the promo code's own type, period and amount: show those, read only
        for field in (self.type_combo, self.period_box, self.amount_box):
            self.form.setRowVisible(field, not promo)
        self.form.setRowVisible(self.promo_gives, promo)
        if promo:
            self.promo_gives.setText(self._promo_text(self.promo_combo.currentData()))
        self.end_edit.setEnabled(self.end_check.isChecked())
        self.period_spin.setEnabled(self.period_unit.currentIndex() != 2)
        percent = self.type_combo.currentData() == "percent"
        self.amount_edit.set_unit("%" if percent else None)
        # a percentage may have decimals of its own (12.5 %)
        self.amount_edit.set_minor_units(max(2, self.minor_units) if percent else self.minor_units)

    def _promo_text(self, code: str | None) -> str:
        """What the promo code's own configuration gives, as billing applies it."""
        if not code:
            return "Choose a promo code."
        config = self.promo_configs.get(code)
        if config is None:
            return f"Promo code {code} is not set up (Setup › Promo Codes)."
        kind = config.get("type")
        amount = config.get("amount")
        if kind == "percent":
            what = f"{amount}% off"
        elif kind == "price":
            what = f"price {format_money(amount, self.currency, self.minor_units)}"
        else:
            what = f"{format_money(amount, self.currency, self.minor_units)} off"
        if config.get("period_months"):
            n = config["period_months"]
            what += f" for {n} month{'s' if n != 1 else ''}"
        elif config.get("period_days"):
            n = config["period_days"]
            what += f" for {n} day{'s' if n != 1 else ''}"
        else:
            what += ", with no end"
        extra = [f"{k.replace('_', ' ')} {config[k]}" for k in ("status", "start", "end",
                                                                 "gl_code")
                 if config.get(k) is not None]
        if config.get("prorate") is not None:
            extra.append("prorated" if config["prorate"] else "not prorated")
        return (what + (f" ({', '.join(extra)})" if extra else "")
                + f". These are promo code {code}'s own settings (Setup › Promo Codes); "
                "they win over this discount's.")

    def form_value(self) -> Discount:
        """The discount as the form shows it, in the catalog's format."""
        kind = self.kind_combo.currentData()
        d: Discount = {"kind": kind, "name": self.name_edit.text().strip()}
        if kind == "promo_code":
            d["promo_code"] = self.promo_combo.currentData()
        unit = self.period_unit.currentIndex()
        d.update(
            gl_code=self.gl_edit.text().strip() or None,
            active=self.active_check.isChecked(),
            start=_iso(self.start_edit.date()),
            end=_iso(self.end_edit.date()) if self.end_check.isChecked() else None,
            prorate=self.prorate_check.isChecked(),
            status=self.status_combo.currentData(),
            type=self.type_combo.currentData(),
            amount=self.amount_edit.text_value() if self.amount_edit.is_valid() else
            self._stored_amount(),
            period_months=self.period_spin.value() if unit == 0 else None,
        )
        if unit == 1:
            d["period_days"] = self.period_spin.value()
        config = self.promo_configs.get(d.get("promo_code") or "") if kind == "promo_code" \
            else None
        if config is not None:  # what is stored is what is billed: the code's own values
            d.update(type=config["type"], amount=config["amount"],
                     period_months=config.get("period_months"))
            d.pop("period_days", None)
            if config.get("period_days"):
                d["period_days"] = config["period_days"]
        return d

    def _stored_amount(self) -> str | None:
        row = self.current_row()
        return self.model.discounts[row].get("amount") if row is not None else None

    def _edited(self, *_args: object) -> None:
        if self._loading:
            return
        row = self.current_row()
        if row is None:
            return
        was_promo = self.model.discounts[row].get("kind") == "promo_code"
        self._update_form_state()
        value = self.form_value()
        if (
            value["kind"] == "promo_code"
            and not value["name"]
            and value.get("promo_code")
            and (not was_promo or self.sender() is self.promo_combo)
        ):
            self._loading = True
            self.name_edit.setText(value["promo_code"])  # the code names the discount
            self._loading = False
            value["name"] = value["promo_code"]
        self.model.set_discount(row, value)
        self._show_errors(row)

    def _show_errors(self, row: int | None) -> None:
        wrong = problems_of(self.model.discounts[row]) if row is not None else {}
        self.name_error.show_error(wrong.get("name"))
        self.promo_error.show_error(wrong.get("promo_code"))
        self.end_error.show_error(wrong.get("end"))
        self.amount_error.show_error(wrong.get("amount"))

    # --- result -----------------------------------------------------------------------------

    def _on_save(self) -> None:
        if not self.amount_edit.is_valid():
            self.error.show_error(f"Amount: {self.amount_edit.problem()}")
            return
        for row, d in enumerate(self.model.discounts):
            wrong = problems_of(d)
            if wrong:
                self.select(row)
                self.error.show_error(
                    f"Discount {row + 1} cannot be saved yet: {next(iter(wrong.values()))}"
                )
                return
        self.error.show_error(None)
        self.accept()

    def result_value(self) -> list[Discount]:
        """The discounts in order, in the catalog's format."""
        out = []
        for d in self.model.discounts:
            d = copy.deepcopy(d)
            if d.get("kind") != "promo_code":
                d.pop("promo_code", None)
            if not d.get("period_days"):
                d.pop("period_days", None)
            out.append(d)
        return out
