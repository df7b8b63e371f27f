"""The Custom Fields tab (seed 004): the custom fields whose entity is Package Frequency, each
with an input of its type (text, number, date, yes/no, choice); required ones are marked."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QDate, QLocale
from PySide6.QtGui import QDoubleValidator
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.catalog.database.editing import Path, frequency_custom_fields
from app.views.common.fields import ErrorLabel, note, required, with_error
from app.views.common.undo import PackageDraft, affects

NO_DATE = QDate(1900, 1, 1)


def number_value(text: str) -> int | float | None:
    """The JSON number typed (an integer when it has no fraction), or None when empty."""
    text = text.strip()
    if not text:
        return None
    value = float(text)
    return int(value) if value.is_integer() and "." not in text else value


class CustomFieldsTab(QWidget):
    """The Custom Fields tab page: ``load`` fills the inputs, ``commit`` puts typed text into
    the draft (check boxes, dates and choices are committed as they change). No signals."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.draft: PackageDraft | None = None
        self.fi = 0
        self.fields: list[dict[str, Any]] = []
        self.inputs: dict[str, QWidget] = {}
        self.errors: dict[str, ErrorLabel] = {}
        self.form_host = QWidget(self)
        self.form = QFormLayout(self.form_host)
        self.error = ErrorLabel(self)
        self.empty = note("No custom fields are set up for package frequencies "
                          "(Setup > Custom fields, entity Package Frequency).")
        layout = QVBoxLayout(self)
        layout.addWidget(self.error)
        layout.addWidget(self.form_host)
        layout.addWidget(self.empty)
        layout.addStretch(1)

    def set_reference(self, reference: dict[str, Any]) -> None:
        while self.form.rowCount():
            self.form.removeRow(0)
        self.inputs, self.errors = {}, {}
        self.fields = frequency_custom_fields(reference)
        for field in self.fields:
            name = field["name"]
            widget = self._input(field)
            widget.setAccessibleName(name)
            needed = ", required" if field["required"] else ""
            widget.setToolTip(f"{name} ({field['type']}{needed})")
            error = ErrorLabel(self)
            self.inputs[name], self.errors[name] = widget, error
            shown = required(widget) if field["required"] else widget
            self.form.addRow(name, with_error(shown, error))
        self.empty.setVisible(not self.fields)

    def _input(self, field: dict[str, Any]) -> QWidget:
        name, kind = field["name"], field["type"]
        if kind == "boolean":
            box = QCheckBox(self)
            box.toggled.connect(lambda checked, name=name: self._set(name, checked))
            return box
        if kind == "choice":
            combo = QComboBox(self)
            combo.addItem("", None)
            for option in field.get("options") or []:
                combo.addItem(option, option)
            combo.activated.connect(lambda _i, name=name, combo=combo: self._set(
                name, combo.currentData()))
            return combo
        if kind == "date":
            date = QDateEdit(self)
            date.setCalendarPopup(True)
            date.setDisplayFormat("yyyy-MM-dd")
            date.setMinimumDate(NO_DATE)
            date.setSpecialValueText("(no date)")
            date.setDate(NO_DATE)
            date.editingFinished.connect(lambda name=name, date=date: self._date_changed(
                name, date))
            date.dateChanged.connect(lambda _d, name=name, date=date: self._date_changed(
                name, date) if not date.hasFocus() else None)
            return date
        edit = QLineEdit(self)
        if kind == "number":
            validator = QDoubleValidator(edit)
            validator.setLocale(QLocale.c())
            validator.setNotation(QDoubleValidator.Notation.StandardNotation)
            edit.setValidator(validator)
            edit.setPlaceholderText("a number, e.g. 500")
        edit.editingFinished.connect(self.commit)
        return edit

    def load(self, draft: PackageDraft, fi: int) -> None:
        self.draft, self.fi = draft, fi
        self.refresh(force=True)

    def reload(self, path: Path) -> None:
        if affects(path, ("frequencies", self.fi, "custom_fields")):
            self.refresh(force=False)

    def refresh(self, *, force: bool) -> None:
        if self.draft is None:
            return
        values = self.draft.frequency(self.fi).get("custom_fields") or {}
        for field in self.fields:
            name, widget = field["name"], self.inputs[field["name"]]
            value = values.get(name)
            widget.blockSignals(True)
            if isinstance(widget, QCheckBox):
                widget.setChecked(bool(value))
            elif isinstance(widget, QComboBox):
                widget.setCurrentIndex(max(0, widget.findData(value)))
            elif isinstance(widget, QDateEdit):
                date = QDate.fromString(value, "yyyy-MM-dd") if isinstance(value, str) else None
                widget.setDate(date if date is not None and date.isValid() else NO_DATE)
            elif isinstance(widget, QLineEdit) and (force or not widget.isModified()):
                text = "" if value is None else str(value)
                if widget.text() != text:
                    widget.setText(text)
                widget.setModified(False)
            widget.blockSignals(False)

    def _value_of(self, field: dict[str, Any]) -> Any:
        widget = self.inputs[field["name"]]
        assert isinstance(widget, QLineEdit)
        if field["type"] == "number":
            try:
                return number_value(widget.text())
            except ValueError:
                return None
        return widget.text().strip() or None

    def commit(self) -> None:
        """Put every typed text or number into the draft (one undoable edit)."""
        if self.draft is None:
            return
        values = dict(self.draft.frequency(self.fi).get("custom_fields") or {})
        changed = False
        for field in self.fields:
            widget = self.inputs[field["name"]]
            if isinstance(widget, QLineEdit) and widget.isModified():
                value = self._value_of(field)
                if values.get(field["name"]) != value:
                    changed = True
                    self._put(values, field["name"], value)
                widget.setModified(False)
        if changed:
            self.draft.set(("frequencies", self.fi, "custom_fields"), values,
                           "Edit custom fields")

    def _put(self, values: dict[str, Any], name: str, value: Any) -> None:
        if value is None:
            values.pop(name, None)
        else:
            values[name] = value
        order = [f["name"] for f in self.fields]
        ordered = {n: values[n] for n in order if n in values}
        values.clear()
        values.update(ordered)

    def _set(self, name: str, value: Any) -> None:
        if self.draft is None:
            return
        values = dict(self.draft.frequency(self.fi).get("custom_fields") or {})
        self._put(values, name, value)
        self.draft.set(("frequencies", self.fi, "custom_fields"), values, f"Set {name}")

    def _date_changed(self, name: str, date: QDateEdit) -> None:
        value = None if date.date() == NO_DATE else date.date().toString("yyyy-MM-dd")
        current = (self.draft.frequency(self.fi).get("custom_fields") or {}).get(name) \
            if self.draft else None
        if value != current:
            self._set(name, value)

    def typed(self, values: dict[str, Any]) -> dict[str, Any]:
        """``values`` with what is typed in the text and number inputs right now."""
        for field in self.fields:
            if isinstance(self.inputs[field["name"]], QLineEdit):
                self._put(values, field["name"], self._value_of(field))
        return values

    def show_problems(self, problems: list[tuple[Path, str]]) -> None:
        general = []
        by_field: dict[str, list[str]] = {}
        for path, message in problems:
            if len(path) >= 2 and path[1] in self.errors:
                by_field.setdefault(str(path[1]), []).append(message)
            else:
                general.append(message)
        for name, label in self.errors.items():
            label.show_error("; ".join(by_field.get(name, [])) or None)
        self.error.show_error("\n".join(general) or None)
