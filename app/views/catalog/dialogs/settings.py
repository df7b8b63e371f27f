"""Service settings (seed 004, "Configuring Tiered Pricing" step 6 and "Configuring One Time
Charges" step 6): GL code, tax category, rate plan and tax inclusive overrides of one service in
one price book. Empty means "inherit the service's own setting"."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.views.common.fields import note
from app.views.common.focus import follow_the_form

INHERIT = "(inherit)"
TAX_INCLUSIVE_CHOICES = (
    (None, "(inherit) the service's setting"),
    (True, "Yes: prices include tax"),
    (False, "No: tax is added to prices"),
)
ONE_TIME_RATE_PLAN_NOTE = "The Rate Plan is not relevant to one-time services and is ignored."
KEYS = ("gl_code", "tax_category", "rate_plan", "tax_inclusive")


class ServiceSettingsDialog(QDialog):
    """The service settings modal. Signals: only QDialog's ``accepted`` / ``rejected``."""

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        service: str,
        settings: dict[str, Any],
        rate_plans: list[str],
        tax_categories: list[str],
        one_time: bool,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Service Settings — {service}")
        self.one_time = one_time
        settings = settings or {}

        self.gl_edit = QLineEdit(self)
        self.gl_edit.setPlaceholderText("the service's GL code")
        self.gl_edit.setText(settings.get("gl_code") or "")
        self.gl_edit.setAccessibleName("General Ledger")

        self.tax_combo = QComboBox(self)
        self.tax_combo.setEditable(True)
        self.tax_combo.addItem("")
        self.tax_combo.addItems(sorted(set(tax_categories)))
        line = self.tax_combo.lineEdit()
        if line is not None:
            line.setPlaceholderText("the service's tax category")
        self.tax_combo.setCurrentText(settings.get("tax_category") or "")
        self.tax_combo.setAccessibleName("Service Tax Category")

        self.rate_plan_combo = QComboBox(self)
        self.rate_plan_combo.addItem(INHERIT, None)
        for plan in rate_plans:
            self.rate_plan_combo.addItem(plan, plan)
        current_plan = settings.get("rate_plan")
        if current_plan is not None and self.rate_plan_combo.findData(current_plan) < 0:
            self.rate_plan_combo.addItem(current_plan, current_plan)
        self.rate_plan_combo.setCurrentIndex(self.rate_plan_combo.findData(current_plan))
        self.rate_plan_combo.setAccessibleName("Rate Plan")
        self.rate_plan_note = note(
            ONE_TIME_RATE_PLAN_NOTE
            if one_time
            else "A rate plan here beats the package frequency's."
        )

        self.tax_inclusive_combo = QComboBox(self)
        for value, label in TAX_INCLUSIVE_CHOICES:
            self.tax_inclusive_combo.addItem(label, value)
        self.tax_inclusive_combo.setCurrentIndex(
            self.tax_inclusive_combo.findData(settings.get("tax_inclusive"))
        )
        self.tax_inclusive_combo.setAccessibleName("Tax Inclusive")

        if one_time:
            self.rate_plan_combo.setEnabled(False)

        form = QFormLayout()
        form.addRow("General Ledger", self.gl_edit)
        form.addRow("Service Tax Category", self.tax_combo)
        form.addRow("Rate Plan", self.rate_plan_combo)
        form.addRow("", self.rate_plan_note)
        form.addRow("Tax Inclusive", self.tax_inclusive_combo)

        heading = QLabel(f"Settings of {service} in this price book")
        heading.setStyleSheet("font-weight: 600;")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(note("Leave a field empty to use the service's own setting."))
        layout.addLayout(form)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.resize(460, 260)
        follow_the_form(self)  # Tab goes through the fields as the form shows them

    @classmethod
    def ask(
        cls,
        parent: QWidget | None,
        *,
        service: str,
        settings: dict[str, Any],
        rate_plans: list[str],
        tax_categories: list[str],
        one_time: bool,
    ) -> dict[str, Any] | None:
        """Show the modal; the settings overrides, or None when cancelled."""
        dialog = cls(
            parent,
            service=service,
            settings=settings,
            rate_plans=rate_plans,
            tax_categories=tax_categories,
            one_time=one_time,
        )
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.result_value()

    def result_value(self) -> dict[str, Any]:
        """All four keys for a recurring row; only the set ones for a one-time charge."""
        values = {
            "gl_code": self.gl_edit.text().strip() or None,
            "tax_category": self.tax_combo.currentText().strip() or None,
            "rate_plan": self.rate_plan_combo.currentData(),
            "tax_inclusive": self.tax_inclusive_combo.currentData(),
        }
        if self.one_time:
            return {k: v for k, v in values.items() if v is not None}
        return values
