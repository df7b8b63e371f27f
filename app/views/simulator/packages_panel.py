"""The account-packages of a scenario and, for the selected one, its account-services.

A table of account-packages with a form for the selected one (package frequency, start date,
cancellation date), and below it the package's account-services (service, quantity, custom
price) edited in place. Adding a package offers only the frequencies on sale and fills in the
package's recurring services, Active from the start date.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QDate, QItemSelectionModel, QModelIndex, Signal
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.views.simulator.account_form import fill_combo
from app.views.simulator.catalog import CatalogLookup
from app.views.simulator.delegates import (
    ChoiceDelegate,
    CountDelegate,
    DecimalDelegate,
    from_qdate,
    to_qdate,
)
from app.views.simulator.problem_label import FieldWithProblem, ProblemLabel
from app.views.simulator.scenario import InsertItem, Path, RemoveItem, ScenarioDocument, SetValue
from app.views.simulator.scenario_models import AccountServicesModel, PackagesModel


def make_table(model: Any, parent: QWidget | None = None, rows: int = 4) -> QTableView:
    """A row-selecting table showing ``rows`` rows (it scrolls beyond), so the editor's layout
    stays put whatever the problem messages around it."""
    view = QTableView(parent)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                         | QAbstractItemView.EditTrigger.EditKeyPressed
                         | QAbstractItemView.EditTrigger.SelectedClicked)
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setDefaultSectionSize(24)
    view.setAlternatingRowColors(True)
    view.horizontalHeader().setStretchLastSection(True)
    view.horizontalHeader().setHighlightSections(False)
    view.setFixedHeight(view.horizontalHeader().sizeHint().height() + rows * 24 + 2
                        * view.frameWidth() + 2)
    return view


def new_account_package(lookup: CatalogLookup, frequency: str, start: str,
                        new_id: Any) -> dict[str, Any]:
    """An account-package of ``frequency`` with its package's recurring services, each in the
    catalog's default status (Active) from ``start``. ``new_id(taken)`` allocates service ids."""
    taken: set[str] = set()
    services = []
    for service in lookup.recurring_services(frequency):
        sid = new_id(taken)
        taken.add(sid)
        services.append({"id": sid, "service": service, "quantity": 1, "price": None,
                         "statuses": [{"status": lookup.default_status(), "from": start}]})
    return {"frequency": frequency, "start": start, "cancelled": None, "services": services}


class PackagesPanel(QWidget):
    """Account-packages and the account-services of the selected one.

    Signals:
        currentServiceChanged(object): the path of the selected account-service
            (``("packages", i, "services", j)``) or None; the status timeline follows it.
    """

    currentServiceChanged = Signal(object)

    def __init__(self, scenario: ScenarioDocument, stack: QUndoStack, lookup: CatalogLookup,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.scenario = scenario
        self.stack = stack
        self.lookup = lookup
        self._problems: dict[Path, list[str]] = {}

        self.packages_model = PackagesModel(scenario, stack, lookup, ("packages",), self)
        self.packages_view = make_table(self.packages_model, self, rows=3)
        self.packages_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.packages_view.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)
        for column in range(1, 5):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.add_package_button = QToolButton()
        self.add_package_button.setText("Add package")
        self.add_package_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.add_package_menu = QMenu(self)
        self.add_package_button.setMenu(self.add_package_menu)
        self.remove_package_button = QPushButton("Remove package")
        self.packages_problem = ProblemLabel(self)

        self.frequency_combo = QComboBox()
        self.start_edit = QDateEdit()
        self.start_edit.setCalendarPopup(True)
        self.start_edit.setDisplayFormat("yyyy-MM-dd")
        self.cancelled_check = QCheckBox("Cancelled on")
        self.cancelled_edit = QDateEdit()
        self.cancelled_edit.setCalendarPopup(True)
        self.cancelled_edit.setDisplayFormat("yyyy-MM-dd")
        cancelled_box = QWidget()
        cancelled_row = QHBoxLayout(cancelled_box)
        cancelled_row.setContentsMargins(0, 0, 0, 0)
        cancelled_row.addWidget(self.cancelled_check)
        cancelled_row.addWidget(self.cancelled_edit, 1)
        self.form_rows = {"frequency": FieldWithProblem(self.frequency_combo),
                          "start": FieldWithProblem(self.start_edit),
                          "cancelled": FieldWithProblem(cancelled_box)}
        self.package_form = QWidget()
        form = QFormLayout(self.package_form)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow("Package &frequency *", self.form_rows["frequency"])
        form.addRow("&Start *", self.form_rows["start"])
        form.addRow("Cancellation", self.form_rows["cancelled"])

        self.services_model = AccountServicesModel(scenario, stack, lookup, None, self)
        self.services_view = make_table(self.services_model, self, rows=5)
        self.services_view.setItemDelegateForColumn(1, ChoiceDelegate(self.services_view))
        self.services_view.setItemDelegateForColumn(2, CountDelegate(self.services_view))
        self.services_view.setItemDelegateForColumn(
            3, DecimalDelegate(self.services_view, placeholder="catalog price"))
        sheader = self.services_view.horizontalHeader()
        for column in range(4):
            sheader.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.services_title = QLabel("<b>Account-services</b>")
        self.add_service_button = QToolButton()
        self.add_service_button.setText("Add service")
        self.add_service_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.add_service_menu = QMenu(self)
        self.add_service_button.setMenu(self.add_service_menu)
        self.remove_service_button = QPushButton("Remove service")
        self.services_problem = ProblemLabel(self)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        top.addWidget(QLabel("<b>Account-packages</b>"))
        top.addStretch(1)
        top.addWidget(self.add_package_button)
        top.addWidget(self.remove_package_button)
        layout.addLayout(top)
        layout.addWidget(self.packages_view)
        layout.addWidget(self.packages_problem)
        layout.addWidget(self.package_form)
        middle = QHBoxLayout()
        middle.addWidget(self.services_title)
        middle.addStretch(1)
        middle.addWidget(self.add_service_button)
        middle.addWidget(self.remove_service_button)
        layout.addLayout(middle)
        layout.addWidget(self.services_view)
        layout.addWidget(self.services_problem)

        self.add_package_menu.aboutToShow.connect(self._fill_package_menu)
        self.add_service_menu.aboutToShow.connect(self._fill_service_menu)
        self.remove_package_button.clicked.connect(self.remove_current_package)
        self.remove_service_button.clicked.connect(self.remove_current_service)
        self.frequency_combo.activated.connect(self._frequency_picked)
        self.start_edit.dateChanged.connect(self._start_changed)
        self.cancelled_check.toggled.connect(self._cancelled_changed)
        self.cancelled_edit.dateChanged.connect(self._cancelled_changed)
        self.packages_view.selectionModel().currentRowChanged.connect(self._package_selected)
        self.services_view.selectionModel().currentRowChanged.connect(
            lambda *_a: self.currentServiceChanged.emit(self.current_service_path()))
        self.services_model.modelReset.connect(
            lambda: self.currentServiceChanged.emit(self.current_service_path()))
        self.packages_model.rowsInserted.connect(self._package_inserted)
        scenario.changed.connect(self._document_changed)
        self._package_selected()

    # --- selection ---

    def current_package(self) -> int | None:
        index = self.packages_view.currentIndex()
        return index.row() if index.isValid() else None

    def current_service_path(self) -> Path | None:
        row = self.current_package()
        index = self.services_view.currentIndex()
        if row is None or not index.isValid():
            return None
        return ("packages", row, "services", index.row())

    def select_package(self, row: int) -> None:
        if 0 <= row < self.packages_model.rowCount():
            self.packages_view.setCurrentIndex(self.packages_model.index(row, 0))

    def select_service(self, row: int) -> None:
        if 0 <= row < self.services_model.rowCount():
            self.services_view.setCurrentIndex(self.services_model.index(row, 1))

    def _package_inserted(self, _parent: QModelIndex, first: int, _last: int) -> None:
        self.select_package(first)

    def _package_selected(self, *_args: Any) -> None:
        row = self.current_package()
        path = None if row is None else ("packages", row, "services")
        self.services_model.bind(path)
        self.services_model.currency = self.scenario.doc["account"].get("currency", "USD")
        if path is not None and self.services_model.rowCount():
            self.select_service(0)
        self._refresh_form()
        self._show_row_problems()
        self.currentServiceChanged.emit(self.current_service_path())

    # --- the package form ---

    def _refresh_form(self) -> None:
        row = self.current_package()
        enabled = row is not None
        for widget in (self.package_form, self.services_view, self.add_service_button,
                       self.remove_service_button, self.remove_package_button):
            widget.setEnabled(enabled)
        if row is None:
            self.services_title.setText("<b>Account-services</b>")
            return
        pkg = self.scenario.doc["packages"][row]
        info = self.lookup.frequencies.get(pkg["frequency"])
        package = info.package if info else pkg["frequency"]
        self.services_title.setText(f"<b>Account-services of {package}</b>")
        items = [f.choice for f in self.lookup.frequencies_on_sale()]
        current_info = self.lookup.frequencies.get(pkg["frequency"])
        missing = "{} (not in the catalog)"
        if current_info is not None and not current_info.on_sale:
            missing = "{} (no longer sold)"
        fill_combo(self.frequency_combo, items, pkg["frequency"], missing)
        for edit, value in ((self.start_edit, pkg["start"]),
                            (self.cancelled_edit, pkg["cancelled"] or pkg["start"])):
            edit.blockSignals(True)
            date = to_qdate(value)
            edit.setDate(date if date.isValid() else QDate.currentDate())
            edit.blockSignals(False)
        self.cancelled_check.blockSignals(True)
        self.cancelled_check.setChecked(pkg["cancelled"] is not None)
        self.cancelled_check.blockSignals(False)
        self.cancelled_edit.setEnabled(pkg["cancelled"] is not None)

    def _frequency_picked(self, _index: int) -> None:
        row = self.current_package()
        frequency = self.frequency_combo.currentData()
        if row is None or frequency is None:
            return
        pkg = self.scenario.doc["packages"][row]
        if frequency == pkg["frequency"]:
            return
        old = self.lookup.frequencies.get(pkg["frequency"])
        new = self.lookup.frequencies.get(frequency)
        self.stack.beginMacro(f"Change package frequency to {frequency}")
        self.stack.push(SetValue(self.scenario, ("packages", row, "frequency"), frequency))
        if new is not None and (old is None or old.package != new.package):
            # Another package: its services replace the old package's.
            fresh = new_account_package(self.lookup, frequency, pkg["start"],
                                        self._id_allocator(exclude_package=row))
            self.stack.push(SetValue(self.scenario, ("packages", row, "services"),
                                     fresh["services"]))
        self.stack.endMacro()

    def _id_allocator(self, exclude_package: int | None = None) -> Any:
        used = {s["id"] for i, p in enumerate(self.scenario.doc["packages"])
                if i != exclude_package for s in p["services"]}

        def allocate(taken: set[str]) -> str:
            n = 1
            while f"s{n}" in used | taken:
                n += 1
            return f"s{n}"
        return allocate

    def _start_changed(self, date: QDate) -> None:
        """Move the start, and the status changes dated on the old start with it."""
        row = self.current_package()
        if row is None:
            return
        pkg = self.scenario.doc["packages"][row]
        old, new = pkg["start"], from_qdate(date)
        if old == new:
            return
        self.stack.beginMacro("Change start date")
        self.stack.push(SetValue(self.scenario, ("packages", row, "start"), new))
        for j, svc in enumerate(pkg["services"]):
            for k, change in enumerate(svc["statuses"]):
                if change["from"] == old:
                    self.stack.push(SetValue(
                        self.scenario, ("packages", row, "services", j, "statuses", k, "from"),
                        new))
        self.stack.endMacro()

    def _cancelled_changed(self, *_args: Any) -> None:
        row = self.current_package()
        if row is None:
            return
        value = from_qdate(self.cancelled_edit.date()) if self.cancelled_check.isChecked() \
            else None
        self.cancelled_edit.setEnabled(value is not None)
        if self.scenario.get(("packages", row, "cancelled")) != value:
            text = "Cancel package" if value else "Undo cancellation"
            self.stack.push(SetValue(self.scenario, ("packages", row, "cancelled"), value, text))

    # --- adding and removing ---

    def _fill_package_menu(self) -> None:
        self.add_package_menu.clear()
        on_sale = self.lookup.frequencies_on_sale()
        if not on_sale:
            action = self.add_package_menu.addAction("No package frequency is on sale")
            action.setEnabled(False)
            return
        currency = self.scenario.doc["account"].get("currency")
        for info in on_sale:
            label = f"{info.package}: {info.label}"
            if currency and currency not in info.currencies:
                label += f" (not sold in {currency})"
            action = self.add_package_menu.addAction(label)
            action.setData(info.name)
            action.triggered.connect(lambda _c=False, name=info.name: self.add_package(name))

    def default_start(self) -> str:
        starts = [p["start"] for p in self.scenario.doc["packages"] if p.get("start")]
        return max(starts) if starts else dt.date.today().isoformat()

    def add_package(self, frequency: str, start: str | None = None) -> None:
        pkg = new_account_package(self.lookup, frequency, start or self.default_start(),
                                  self.scenario.new_service_id)
        count = len(self.scenario.doc["packages"])
        self.stack.push(InsertItem(self.scenario, ("packages",), count, pkg,
                                   f"Add package {frequency}"))

    def remove_current_package(self) -> None:
        row = self.current_package()
        if row is not None:
            frequency = self.scenario.doc["packages"][row]["frequency"]
            self.stack.push(RemoveItem(self.scenario, ("packages",), row,
                                       f"Remove package {frequency}"))

    def _fill_service_menu(self) -> None:
        self.add_service_menu.clear()
        row = self.current_package()
        if row is None:
            return
        frequency = self.scenario.doc["packages"][row]["frequency"]
        for service in self.lookup.package_services(frequency):
            kind = self.lookup.base_type(service)
            if kind == "fee":
                continue
            action = self.add_service_menu.addAction(f"{service} ({kind.replace('_', '-')})"
                                                     if kind else service)
            action.setData(service)
            action.triggered.connect(lambda _c=False, name=service: self.add_service(name))

    def add_service(self, service: str) -> None:
        row = self.current_package()
        if row is None:
            return
        pkg = self.scenario.doc["packages"][row]
        value = {"id": self.scenario.new_service_id(), "service": service, "quantity": 1,
                 "price": None,
                 "statuses": [{"status": self.lookup.default_status(), "from": pkg["start"]}]}
        self.stack.push(InsertItem(self.scenario, ("packages", row, "services"),
                                   len(pkg["services"]), value, f"Add service {service}"))
        self.select_service(len(pkg["services"]) - 1)

    def remove_current_service(self) -> None:
        path = self.current_service_path()
        if path is not None:
            service = self.scenario.get(path)["service"]
            self.stack.push(RemoveItem(self.scenario, path[:-1], int(path[-1]),
                                       f"Remove service {service}"))

    # --- following the document and the catalog ---

    def _document_changed(self, path: Path, kind: str, _index: int) -> None:
        if kind == "reset":
            self._package_selected()
            if self.packages_model.rowCount():
                self.select_package(0)
            return
        if path[:1] == ("account",) and path[1:2] == ("currency",):
            self.services_model.currency = self.scenario.doc["account"].get("currency", "USD")
        if path[:1] == ("packages",):
            self._refresh_form()

    def set_lookup(self, lookup: CatalogLookup) -> None:
        self.lookup = lookup
        self.packages_model.set_lookup(lookup)
        self.services_model.set_lookup(lookup)
        self._refresh_form()

    # --- problems ---

    def show_problems(self, problems: dict[Path, list[str]]) -> None:
        """Problems keyed by path relative to ``packages`` (``(0, "services", 1, "id")``...)."""
        self._problems = problems
        rows: dict[int, list[str]] = {}
        for path, messages in problems.items():
            if path and isinstance(path[0], int):
                rows.setdefault(path[0], []).extend(
                    messages if len(path) <= 2 or path[1] != "services"
                    else [f"{self._service_label(path)}: {m}" for m in messages])
        self.packages_model.set_problems(rows)
        top = [m for path, messages in problems.items() if not path or
               not isinstance(path[0], int) for m in messages]
        self.packages_problem.show_messages(top + [
            f"Package {row + 1}: {m}" for row, ms in sorted(rows.items()) for m in ms
            if self.current_package() != row])
        self._show_row_problems()

    def _service_label(self, path: Path) -> str:
        svc = self.scenario.get(("packages", *path[:3]))
        if isinstance(svc, dict):
            return f"{svc.get('id')} {svc.get('service')}"
        return f"service {path[2]}"

    def _show_row_problems(self) -> None:
        row = self.current_package()
        fields: dict[str, list[str]] = {key: [] for key in self.form_rows}
        services: dict[int, list[str]] = {}
        other: list[str] = []
        for path, messages in self._problems.items():
            if not path or path[0] != row:
                continue
            rest = path[1:]
            if rest and rest[0] in fields:
                fields[str(rest[0])].extend(messages)
            elif len(rest) >= 2 and rest[0] == "services" and isinstance(rest[1], int):
                services.setdefault(rest[1], []).extend(messages)
            else:
                other.extend(messages)
        for key, field_row in self.form_rows.items():
            field_row.show_messages(fields[key] + (other if key == "frequency" else []))
        self.services_model.set_problems(services)
        self.services_problem.show_messages(
            [f"{self._service_label((row, 'services', r))}: {m}"
             for r, ms in sorted(services.items()) for m in ms] if row is not None else [])

    def focus_path(self, path: Path) -> None:
        """Select what a problem path (relative to ``packages``) names."""
        if not path or not isinstance(path[0], int):
            return
        self.select_package(path[0])
        if len(path) >= 3 and path[1] == "services" and isinstance(path[2], int):
            self.select_service(path[2])
            self.services_view.setFocus()
        elif len(path) >= 2 and path[1] in self.form_rows:
            self.form_rows[str(path[1])].field.setFocus()
        else:
            self.packages_view.setFocus()
        self.packages_view.selectionModel().select(
            self.packages_model.index(path[0], 0),
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows)
