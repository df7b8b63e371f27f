"""The usage bucket modal (seed 004, "Configuring Tiered Pricing", step 5): choose the usage
bucket of a usage service in one price book and currency, and override its flat charge,
threshold and unit per tier."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.catalog.document.rules import bucket_threshold_problem
from app.views.common.fields import ErrorLabel, note
from app.views.common.focus import follow_the_form
from app.views.common.money import AmountNote, MoneyDelegate, open_amount_problems

_Index = QModelIndex | QPersistentModelIndex
NO_BUCKET = "No bucket"
QUANTITY_DECIMALS = 6  # the exchange format's quantities have at most 6 decimals


def _same(a: str | None, b: str | None) -> bool:
    if a is None or b is None:
        return a is b
    return Decimal(a) == Decimal(b)


class BucketTierModel(QAbstractTableModel):
    """The tiers of the chosen bucket as edited here: Tier, Threshold, Flat charge.

    Values that differ from the bucket's own are shown in bold, with the bucket's value as a
    tooltip. No signals beyond the model's own.
    """

    COLUMNS = ("Tier", "Threshold", "Flat charge")
    KEYS = (None, "threshold", "flat_charge")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tiers: list[dict[str, str]] = []
        self.defaults: list[dict[str, str]] = []
        self.unit = ""

    def load(self, tiers: list[dict[str, str]], defaults: list[dict[str, str]], unit: str) -> None:
        self.beginResetModel()
        self.tiers = copy.deepcopy(tiers)
        self.defaults = copy.deepcopy(defaults)
        self.unit = unit
        self.endResetModel()

    def set_unit(self, unit: str) -> None:
        self.unit = unit
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 1, 1)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.tiers)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole or orientation != Qt.Orientation.Horizontal:
            return None
        if section == 1 and self.unit:
            return f"Threshold ({self.unit})"
        return self.COLUMNS[section] if 0 <= section < len(self.COLUMNS) else None

    def _default(self, row: int, key: str) -> str | None:
        return self.defaults[row].get(key) if row < len(self.defaults) else None

    def is_overridden(self, row: int, key: str) -> bool:
        return not _same(self.tiers[row].get(key), self._default(row, key))

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() > 0:
            base |= Qt.ItemFlag.ItemIsEditable
        return base

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.tiers):
            return None
        row, key = index.row(), self.KEYS[index.column()]
        if key is None:
            return f"Tier {row + 1}" if role == Qt.ItemDataRole.DisplayRole else None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return self.tiers[row].get(key)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and self.is_overridden(row, key):
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            default = self._default(row, key)
            return (
                f"Overrides the bucket's {default}"
                if self.is_overridden(row, key)
                else "The bucket's own value"
            )
        return None

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or index.column() == 0:
            return False
        if value is None or value == "":
            return False  # a tier keeps a value; Reset brings the bucket's back
        self.tiers[index.row()][self.KEYS[index.column()] or ""] = str(value)
        self.dataChanged.emit(index, index)
        return True


class UsageBucketDialog(QDialog):
    """Choose the usage bucket and override its flat charges, thresholds and unit.

    Signals: only QDialog's ``accepted`` / ``rejected``.
    """

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        service: str,
        buckets: list[dict[str, Any]],
        current: dict[str, Any] | None,
        minor_units: int,
        currency: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Usage Bucket — {service}")
        self.buckets = {b["name"]: b for b in buckets if b.get("service", service) == service}
        current = (current or {}).get("usage_bucket", current) if current else None
        if current and current.get("bucket") not in self.buckets:
            # keep a bucket chosen before, even when it belongs to another service now
            self.buckets.update({b["name"]: b for b in buckets if b["name"] == current["bucket"]})
        self.current = current
        self.model = BucketTierModel(self)

        self.bucket_combo = QComboBox(self)
        self.bucket_combo.addItem(NO_BUCKET, None)
        for name in self.buckets:
            self.bucket_combo.addItem(name, name)
        self.bucket_combo.setAccessibleName("Usage Bucket")
        self.unit_edit = QLineEdit(self)
        self.unit_edit.setAccessibleName("Unit")
        self.unit_edit.setMaximumWidth(140)
        self.reset_button = QPushButton("Reset to the bucket's values", self)
        self.reset_button.setAutoDefault(False)
        form = QFormLayout()
        form.addRow("Usage Bucket", self.bucket_combo)
        form.addRow("Unit", self.unit_edit)

        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.amount_note = AmountNote(self)
        for column, delegate in ((1, MoneyDelegate(QUANTITY_DECIMALS, self.table)),
                                 (2, MoneyDelegate(minor_units, self.table, currency=currency))):
            delegate.told.connect(self._told)
            self.table.setItemDelegateForColumn(column, delegate)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.AllEditTriggers)
        self.table.setAccessibleName("Bucket tiers")

        self.no_bucket_note = note(
            f"No usage bucket is set up for {service}: add one under Setup › Usage Buckets."
            if not self.buckets
            else "No bucket: usage of this service is rated by its rate plan alone."
        )
        self.error = ErrorLabel(self)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.buttons.accepted.connect(self._on_ok)
        self.buttons.rejected.connect(self.reject)

        heading = QLabel(f"Usage bucket of {service}")
        heading.setStyleSheet("font-weight: 600;")
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addLayout(form)
        layout.addWidget(self.no_bucket_note)
        layout.addWidget(self.amount_note)
        layout.addWidget(self.table, 1)
        tools = QHBoxLayout()
        tools.addWidget(
            note(
                "Edit a threshold or flat charge to override it here (bold); "
                "values equal to the bucket's are not stored."
            ),
            1,
        )
        tools.addWidget(self.reset_button)
        layout.addLayout(tools)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

        self.bucket_combo.currentIndexChanged.connect(self._bucket_changed)
        self.unit_edit.textChanged.connect(
            lambda text: self.model.set_unit(text.strip() or self._bucket_unit())
        )
        self.reset_button.clicked.connect(self.reset_to_bucket)

        chosen = current.get("bucket") if current else None
        self.bucket_combo.setCurrentIndex(max(0, self.bucket_combo.findData(chosen)))
        self._bucket_changed()
        if current and current.get("bucket") in self.buckets:
            self.unit_edit.setText(current.get("unit") or "")
            if current.get("tiers"):
                bucket = self.buckets[current["bucket"]]
                self.model.load(
                    current["tiers"], bucket["tiers"], current.get("unit") or bucket["unit"]
                )
        self.resize(520, 380)
        follow_the_form(self)  # Tab goes through the fields as the form shows them

    @classmethod
    def ask(
        cls,
        parent: QWidget | None,
        *,
        service: str,
        buckets: list[dict[str, Any]],
        current: dict[str, Any] | None,
        minor_units: int,
        currency: str | None = None,
    ) -> dict[str, Any] | None:
        """Show the modal: ``{"usage_bucket": setting or None}``, or None when cancelled."""
        dialog = cls(
            parent, service=service, buckets=buckets, current=current, minor_units=minor_units,
            currency=currency,
        )
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.result_value()

    def bucket(self) -> dict[str, Any] | None:
        name = self.bucket_combo.currentData()
        return self.buckets.get(name) if name else None

    def _bucket_unit(self) -> str:
        bucket = self.bucket()
        return str(bucket["unit"]) if bucket else ""

    def _bucket_changed(self, *_args: object) -> None:
        bucket = self.bucket()
        has = bucket is not None
        for widget in (self.unit_edit, self.table, self.reset_button):
            widget.setEnabled(has)
        self.table.setVisible(has)
        self.no_bucket_note.setVisible(not has)
        self.unit_edit.clear()
        self.unit_edit.setPlaceholderText(f"{bucket['unit']} (the bucket's unit)" if bucket else "")
        self.error.show_error(None)
        if bucket:
            self.model.load(bucket["tiers"], bucket["tiers"], bucket["unit"])
        else:
            self.model.load([], [], "")

    def reset_to_bucket(self) -> None:
        bucket = self.bucket()
        if bucket:
            self.unit_edit.clear()
            self.model.load(bucket["tiers"], bucket["tiers"], bucket["unit"])

    def problems(self) -> list[str]:
        out = []
        previous: Decimal | None = None
        for row, tier in enumerate(self.model.tiers):
            threshold = Decimal(tier["threshold"])
            problem = bucket_threshold_problem(row, threshold, previous)
            if problem:
                out.append(f"Tier {row + 1}: {problem}.")
            previous = threshold
        return out

    def _told(self, message: str, problem: bool) -> None:
        if problem:
            self.amount_note.show_problem(f"{message} Not stored.")
        else:
            self.amount_note.show_value(message)
        self.ok_button.setEnabled(not problem)

    def _on_ok(self) -> None:
        problems = open_amount_problems(self) + self.problems()
        if problems:
            self.error.show_error(problems[0])
            return
        self.accept()

    def result_value(self) -> dict[str, Any]:
        """``{"usage_bucket": {"bucket", "unit", "tiers"}}`` or ``{"usage_bucket": None}``."""
        bucket = self.bucket()
        if bucket is None:
            return {"usage_bucket": None}
        unit = self.unit_edit.text().strip() or None
        if unit == bucket["unit"]:
            unit = None
        tiers = self.model.tiers
        unchanged = len(tiers) == len(bucket["tiers"]) and all(
            _same(t["threshold"], d["threshold"]) and _same(t["flat_charge"], d["flat_charge"])
            for t, d in zip(tiers, bucket["tiers"], strict=True)
        )
        return {
            "usage_bucket": {
                "bucket": bucket["name"],
                "unit": unit,
                "tiers": None if unchanged else copy.deepcopy(tiers),
            }
        }
