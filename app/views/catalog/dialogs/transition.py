"""Add Transition (seed 004, "Configuring Transition Charges"): a charge when a service makes a
status transition, on a fee service, with an optional penalty charge and its threshold."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.views.common.fields import ErrorLabel, beside, note, required, with_error
from app.views.common.focus import follow_the_form
from app.views.common.money import money_edit

NO_FEE_SERVICE = (
    "A transition charge is charged on a service whose base type is Fee, and "
    "there is none yet: add a Fee service under Setup › Services (and to the "
    "package) first."
)
THRESHOLD_UNITS = (("threshold_months", "Months"), ("threshold_days", "Days"))


class AddTransitionDialog(QDialog):
    """The Add Transition modal. Signals: only QDialog's ``accepted`` / ``rejected``."""

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        services: list[str],
        transitions: list[str],
        fee_services: list[str],
        current: dict[str, Any] | None,
        minor_units: int,
        currency: str | None = None,
    ) -> None:
        super().__init__(parent)
        editing = current is not None
        self.setWindowTitle("Edit Transition" if editing else "Add Transition")

        def combo(items: list[str], name: str, value: str | None) -> QComboBox:
            box = QComboBox(self)
            box.setPlaceholderText(f"Choose a {name.lower()}")
            box.addItems(items)
            if value is not None and box.findText(value) < 0:
                box.addItem(value)
            box.setCurrentIndex(
                box.findText(value) if value is not None else (0 if len(items) == 1 else -1)
            )
            box.setAccessibleName(name)
            return box

        current = current or {}
        self.service_combo = combo(services, "Service", current.get("service"))
        self.transition_combo = combo(transitions, "Service Transition", current.get("transition"))
        self.charge_combo = combo(fee_services, "Charge Service", current.get("charge_service"))
        self.amount_edit, amount_note = money_edit(self, minor_units=minor_units,
                                                   currency=currency)
        self.amount_edit.setMaximumWidth(140)
        self.amount_edit.set_amount(current.get("amount"))
        self.amount_edit.setAccessibleName("Amount")
        self.errors = {
            key: ErrorLabel(self)
            for key in ("service", "transition", "charge_service", "amount", "penalty_amount")
        }

        form = QFormLayout()
        form.addRow(
            "Service", with_error(required(self.service_combo), self.errors["service"], below=True)
        )
        form.addRow(
            "Service Transition",
            with_error(required(self.transition_combo), self.errors["transition"], below=True),
        )
        form.addRow(
            "Charge Service",
            with_error(required(self.charge_combo), self.errors["charge_service"], below=True),
        )
        self.no_fee_note = ErrorLabel(self)
        if not fee_services:
            self.no_fee_note.show_error(NO_FEE_SERVICE)
        form.addRow("", self.no_fee_note)
        form.setRowVisible(self.no_fee_note, not fee_services)
        form.addRow(
            "",
            note(
                "Only services whose base type is Fee can carry the charge; "
                "its tax settings decide whether the fee is taxed."
            ),
        )
        form.addRow("Amount", beside(with_error(required(self.amount_edit),
                                                self.errors["amount"]), amount_note))

        penalty = current.get("penalty")
        self.penalty_box = QGroupBox("Penalty Charge", self)
        self.penalty_box.setCheckable(True)
        self.penalty_box.setChecked(penalty is not None)
        self.penalty_amount, penalty_note = money_edit(self, minor_units=minor_units,
                                                       currency=currency)
        self.penalty_amount.setMaximumWidth(140)
        self.penalty_amount.setAccessibleName("Penalty amount")
        self.threshold_spin = QSpinBox(self)
        self.threshold_spin.setRange(1, 9999)
        self.threshold_spin.setAccessibleName("Threshold")
        self.threshold_unit = QComboBox(self)
        for key, label in THRESHOLD_UNITS:
            self.threshold_unit.addItem(label, key)
        if penalty is not None:
            self.penalty_amount.set_amount(penalty.get("amount"))
            if penalty.get("threshold_days") and not penalty.get("threshold_months"):
                self.threshold_unit.setCurrentIndex(1)
                self.threshold_spin.setValue(int(penalty["threshold_days"]))
            else:
                self.threshold_spin.setValue(int(penalty.get("threshold_months") or 1))
        threshold_row = QHBoxLayout()
        threshold_row.setContentsMargins(0, 0, 0, 0)
        threshold_row.addWidget(self.threshold_spin)
        threshold_row.addWidget(self.threshold_unit)
        threshold_row.addStretch(1)
        threshold_box = QWidget(self)
        threshold_box.setLayout(threshold_row)
        penalty_form = QFormLayout(self.penalty_box)
        penalty_form.addRow(
            "Amount", beside(with_error(required(self.penalty_amount),
                                        self.errors["penalty_amount"]), penalty_note)
        )
        penalty_form.addRow("Threshold", threshold_box)
        penalty_form.addRow(
            "",
            note(
                "Charged once when the service stays in the transition's "
                "from-status longer than the threshold without making "
                "the transition."
            ),
        )

        self.buttons = QDialogButtonBox(self)
        self.add_button = self.buttons.addButton(
            "Update" if editing else "Add", QDialogButtonBox.ButtonRole.AcceptRole
        )
        cancel = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.add_button.setEnabled(bool(fee_services))
        self.add_button.clicked.connect(self._on_add)
        cancel.clicked.connect(self.reject)
        # a message about a field goes once the field is set right
        for key, box in (("service", self.service_combo), ("transition", self.transition_combo),
                         ("charge_service", self.charge_combo)):
            box.currentIndexChanged.connect(
                lambda i, k=key: self.errors[k].show_error(None) if i >= 0 else None)
        for key, edit in (("amount", self.amount_edit), ("penalty_amount", self.penalty_amount)):
            edit.textChanged.connect(lambda _t, k=key: self.errors[k].show_error(None))
            edit.problemChanged.connect(lambda _p: self._amounts_changed())

        layout = QVBoxLayout(self)
        heading = QLabel("Transition charge")
        heading.setStyleSheet("font-weight: 600;")
        layout.addWidget(heading)
        layout.addLayout(form)
        layout.addWidget(self.penalty_box)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.resize(520, 420)
        follow_the_form(self)  # Tab goes through the fields as the form shows them

    @classmethod
    def ask(
        cls,
        parent: QWidget | None,
        *,
        services: list[str],
        transitions: list[str],
        fee_services: list[str],
        current: dict[str, Any] | None,
        minor_units: int,
        currency: str | None = None,
    ) -> dict[str, Any] | None:
        """Show the modal; the transition charge, or None when cancelled."""
        dialog = cls(
            parent,
            services=services,
            transitions=transitions,
            fee_services=fee_services,
            current=current,
            minor_units=minor_units,
            currency=currency,
        )
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.result_value()

    def _amounts_changed(self) -> None:
        penalty_ok = not self.penalty_box.isChecked() or self.penalty_amount.is_valid()
        self.add_button.setEnabled(self.charge_combo.count() > 0 and self.amount_edit.is_valid()
                                   and penalty_ok)

    def problems(self) -> dict[str, str]:
        out: dict[str, str] = {}
        if self.service_combo.currentIndex() < 0:
            out["service"] = "Choose the service."
        if self.transition_combo.currentIndex() < 0:
            out["transition"] = "Choose the service transition."
        if self.charge_combo.currentIndex() < 0:
            out["charge_service"] = "Choose the fee service to charge."
        if not self.amount_edit.is_valid():
            out["amount"] = "Not an amount."
        elif self.amount_edit.text_value() is None:
            out["amount"] = "An amount is required."
        if self.penalty_box.isChecked() and not self.penalty_amount.is_valid():
            out["penalty_amount"] = "Not an amount."
        elif self.penalty_box.isChecked() and self.penalty_amount.text_value() is None:
            out["penalty_amount"] = "Enter the penalty amount, or untick Penalty Charge."
        return out

    def _on_add(self) -> None:
        problems = self.problems()
        for key, label in self.errors.items():
            label.show_error(problems.get(key))
        if not problems:
            self.accept()

    def result_value(self) -> dict[str, Any]:
        penalty: dict[str, Any] | None = None
        if self.penalty_box.isChecked():
            penalty = {
                "amount": self.penalty_amount.text_value(),
                self.threshold_unit.currentData(): self.threshold_spin.value(),
            }
        return {
            "service": self.service_combo.currentText() or None,
            "transition": self.transition_combo.currentText() or None,
            "charge_service": self.charge_combo.currentText() or None,
            "amount": self.amount_edit.text_value(),
            "penalty": penalty,
        }
