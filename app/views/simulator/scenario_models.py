"""Item models over the scenario under edit: account-packages, account-services, status
timelines, usage records and the account's promo codes.

Each table model is bound to one list of the :class:`ScenarioDocument` (``("packages",)``,
``("packages", 0, "services")``...), follows the document's change signals with fine-grained
row insertions, removals and ``dataChanged``, and turns ``setData`` into undo commands. Rows that
a problem names are tinted and carry the message in their tooltip.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QUndoStack
from PySide6.QtWidgets import QApplication, QStyle

from app.views.common.money import format_money
from app.views.simulator.catalog import CatalogLookup
from app.views.simulator.delegates import CHOICES_ROLE, CURRENCY_ROLE, MINOR_UNITS_ROLE
from app.views.simulator.scenario import Path, ScenarioDocument, SetValue

Index = QModelIndex | QPersistentModelIndex
PROBLEM_BRUSH = QBrush(QColor("#fde2e1"))
DISPLAY = Qt.ItemDataRole.DisplayRole
EDIT = Qt.ItemDataRole.EditRole


class ScenarioTableModel(QAbstractTableModel):
    """Rows of one list of the scenario; subclasses name the columns and what each shows."""

    columns: tuple[str, ...] = ()
    keys: tuple[str | None, ...] = ()  # the JSON key a column edits (None: read only)

    def __init__(self, scenario: ScenarioDocument, stack: QUndoStack, lookup: CatalogLookup,
                 path: Path | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.scenario = scenario
        self.stack = stack
        self.lookup = lookup
        self._path = path
        self._problems: dict[int, list[str]] = {}
        self._pending: str | None = None  # the row operation begun before a document change
        self._rebind: tuple[Path | None] | None = None
        scenario.aboutToChange.connect(self._about_to_change)
        scenario.changed.connect(self._changed)

    # --- binding and problems ---

    @property
    def path(self) -> Path | None:
        return self._path

    def bind(self, path: Path | None) -> None:
        """Show the list at ``path``. Safe to call while the document is changing (a view
        reacting to another model's signal): the model's pending reset then covers it."""
        if path == self._path:
            return
        if self._pending == "reset":
            self._path = path
            self._problems = {}
            return
        if self._pending is not None:
            self._rebind = (path,)
            return
        self.beginResetModel()
        self._path = path
        self._problems = {}
        self.endResetModel()

    def set_lookup(self, lookup: CatalogLookup) -> None:
        self.lookup = lookup
        if self.rowCount():
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(self.rowCount() - 1, self.columnCount() - 1))

    def set_problems(self, problems: dict[int, list[str]]) -> None:
        """Row -> messages of the problems found in that row (replaces the previous ones)."""
        if problems == self._problems:
            return
        self._problems = dict(problems)
        if self.rowCount():
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(self.rowCount() - 1, self.columnCount() - 1))

    def row_problems(self, row: int) -> list[str]:
        return self._problems.get(row, [])

    def items(self) -> list[Any]:
        if self._path is None:
            return []
        found = self.scenario.get(self._path)
        return found if isinstance(found, list) else []

    def item(self, row: int) -> Any:
        return self.items()[row]

    # --- following the document ---

    def _about_to_change(self, path: Path, kind: str, index: int) -> None:
        if self._path is None or self._pending is not None:
            return
        prefix = self._path[:len(path)] == path
        if kind == "reset" or (prefix and (len(path) < len(self._path) or kind == "set")):
            self._pending = "reset"
            self.beginResetModel()
        elif path == self._path and kind == "insert":
            self._pending = "insert"
            self.beginInsertRows(QModelIndex(), index, index)
        elif path == self._path and kind == "remove":
            self._pending = "remove"
            self.beginRemoveRows(QModelIndex(), index, index)

    def _changed(self, path: Path, kind: str, index: int) -> None:
        pending, self._pending = self._pending, None
        if pending == "reset":
            self._problems = {}
            self.endResetModel()
        elif pending == "insert":
            self.endInsertRows()
        elif pending == "remove":
            self.endRemoveRows()
        elif (self._path is not None and len(path) > len(self._path)
              and path[:len(self._path)] == self._path and isinstance(path[len(self._path)], int)):
            row = int(path[len(self._path)])
            if 0 <= row < self.rowCount():
                self.dataChanged.emit(self.index(row, 0),
                                      self.index(row, self.columnCount() - 1))
        if self._rebind is not None:
            (target,), self._rebind = self._rebind, None
            self.bind(target)

    # --- Qt model interface ---

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.items())

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = DISPLAY) -> Any:
        if (orientation == Qt.Orientation.Horizontal and role == DISPLAY
                and 0 <= section < len(self.columns)):
            return self.columns[section]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self.keys[index.column()] is not None:
            base |= Qt.ItemFlag.ItemIsEditable
        return base

    def data(self, index: Index, role: int = DISPLAY) -> Any:
        if not index.isValid() or not 0 <= index.row() < self.rowCount():
            return None
        row = index.row()
        problems = self._problems.get(row)
        if problems:
            if role == Qt.ItemDataRole.BackgroundRole:
                return PROBLEM_BRUSH
            if role == Qt.ItemDataRole.ToolTipRole:
                return "\n".join(problems)
            if role == Qt.ItemDataRole.DecorationRole and index.column() == 0:
                style = QApplication.style()
                return style.standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        return self.cell(self.item(row), index.column(), role)

    def cell(self, item: Any, column: int, role: int) -> Any:
        raise NotImplementedError

    def setData(self, index: Index, value: Any, role: int = EDIT) -> bool:  # noqa: N802
        if role != EDIT or not index.isValid() or self._path is None:
            return False
        key = self.keys[index.column()]
        if key is None:
            return False
        value = self.convert(key, value)
        path = (*self._path, index.row(), key)
        if self.scenario.get(path) != value:
            self.stack.push(SetValue(self.scenario, path, value,
                                     f"Change {self.columns[index.column()].lower()}"))
        return True

    def convert(self, key: str, value: Any) -> Any:
        return value


class PackagesModel(ScenarioTableModel):
    """The account-packages: frequency, package, billing, start, cancellation, services."""

    columns = ("Package frequency", "Billed", "Start", "Cancelled", "Services")
    keys = (None, None, None, None, None)

    def cell(self, item: Any, column: int, role: int) -> Any:
        if role not in (DISPLAY, EDIT, Qt.ItemDataRole.ToolTipRole):
            return None
        info = self.lookup.frequencies.get(item.get("frequency", ""))
        if column == 0:
            if role == Qt.ItemDataRole.ToolTipRole and info is not None:
                return f"{info.name}, of package {info.package}"
            return item.get("frequency")
        if column == 1:
            return "" if info is None else info.label.split("(")[-1].rstrip(")")
        if column == 2:
            return item.get("start")
        if column == 3:
            return item.get("cancelled") or ""
        return str(len(item.get("services", [])))


def timeline_text(statuses: list[Any]) -> str:
    return " → ".join(f"{s.get('status')} {s.get('from')}" for s in statuses)


class AccountServicesModel(ScenarioTableModel):
    """The account-services of one account-package: id, service, quantity, custom price and a
    summary of the status timeline."""

    columns = ("Id", "Service", "Qty", "Custom price", "Status timeline")
    keys = (None, "service", "quantity", "price", None)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.currency = "USD"

    def _frequency(self) -> str:
        if self._path is None:
            return ""
        return str(self.scenario.get((*self._path[:-1], "frequency"), ""))

    def cell(self, item: Any, column: int, role: int) -> Any:
        minor = self.lookup.minor_units(self.currency)
        if role == CHOICES_ROLE and column == 1:
            return [(s, s) for s in self.lookup.package_services(self._frequency())]
        if role == MINOR_UNITS_ROLE and column == 3:
            return minor
        if role == CURRENCY_ROLE and column == 3:
            return self.currency
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (2, 3):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == EDIT:
            key = self.keys[column]
            return item.get(key) if key else None
        if role == Qt.ItemDataRole.ToolTipRole and column == 3:
            return "Empty: the catalog's price applies. A custom price wins over every other."
        if role == Qt.ItemDataRole.ToolTipRole and column == 4:
            return "\n".join(f"from {s.get('from')}: {s.get('status')}"
                             for s in item.get("statuses", []))
        if role != DISPLAY:
            return None
        if column == 0:
            return item.get("id")
        if column == 1:
            return item.get("service")
        if column == 2:
            return str(item.get("quantity", 1))
        if column == 3:
            price = item.get("price")
            return "" if price is None else format_money(Decimal(price), self.currency, minor)
        return timeline_text(item.get("statuses", []))

    def convert(self, key: str, value: Any) -> Any:
        if key == "quantity":
            return int(value)
        if key == "price":
            return value or None
        return value


class StatusTimelineModel(ScenarioTableModel):
    """The dated status changes of one account-service, in the order entered."""

    columns = ("From", "Status")
    keys = ("from", "status")

    def cell(self, item: Any, column: int, role: int) -> Any:
        if role == CHOICES_ROLE and column == 1:
            return [(s, s) for s in self.lookup.statuses]
        if role in (DISPLAY, EDIT):
            return item.get(self.keys[column] or "")
        return None


class UsageModel(ScenarioTableModel):
    """Usage records: date, the account-service (by id), quantity and unit."""

    columns = ("Date", "Account-service", "Quantity", "Unit")
    keys = ("date", "service_id", "quantity", "unit")

    def _service_labels(self) -> dict[str, str]:
        labels = {}
        for pkg in self.scenario.doc["packages"]:
            for svc in pkg["services"]:
                labels[svc["id"]] = f"{svc['id']} · {svc['service']}"
        return labels

    def cell(self, item: Any, column: int, role: int) -> Any:
        if role == CHOICES_ROLE and column == 1:
            labels = self._service_labels()
            usage_first = sorted(labels.items(), key=lambda kv: kv[1].split(" · ")[-1] not in {
                name for name, svc in self.lookup.services.items()
                if svc.get("base_type") == "usage"})
            return usage_first
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 2:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == EDIT:
            return item.get(self.keys[column] or "")
        if role != DISPLAY:
            return None
        if column == 1:
            return self._service_labels().get(item.get("service_id"), item.get("service_id"))
        value = item.get(self.keys[column] or "")
        return "" if value is None else str(value)

    def convert(self, key: str, value: Any) -> Any:
        if key == "quantity":
            return value or "0"
        if key == "unit":
            return value or None
        return value


class PromoCodesModel(QAbstractListModel):
    """The catalog's promo codes, ticked when the account supplies them (plus any code the
    scenario names that the catalog lacks, so it can be seen and unticked)."""

    def __init__(self, scenario: ScenarioDocument, stack: QUndoStack, lookup: CatalogLookup,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.scenario = scenario
        self.stack = stack
        self.lookup = lookup
        self._codes: list[str] = []
        self._problems: dict[str, str] = {}
        scenario.changed.connect(self._changed)
        self._refresh()

    def _wanted(self) -> list[str]:
        chosen = list(self.scenario.get(("account", "promo_codes"), []) or [])
        return self.lookup.promo_codes + [c for c in chosen if c not in self.lookup.promo_codes]

    def _refresh(self) -> None:
        wanted = self._wanted()
        if wanted != self._codes:
            self.beginResetModel()
            self._codes = wanted
            self.endResetModel()
        elif self._codes:
            self.dataChanged.emit(self.index(0), self.index(len(self._codes) - 1))

    def _changed(self, path: Path, kind: str, _index: int) -> None:
        if kind == "reset" or path[:2] == ("account", "promo_codes") or path == ("account",):
            self._refresh()

    def set_lookup(self, lookup: CatalogLookup) -> None:
        self.lookup = lookup
        self._refresh()

    def set_problems(self, problems: dict[str, str]) -> None:
        self._problems = dict(problems)
        if self._codes:
            self.dataChanged.emit(self.index(0), self.index(len(self._codes) - 1))

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._codes)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                | Qt.ItemFlag.ItemIsUserCheckable)

    def data(self, index: Index, role: int = DISPLAY) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._codes):
            return None
        code = self._codes[index.row()]
        chosen = self.scenario.get(("account", "promo_codes"), []) or []
        if role == DISPLAY:
            return code
        if role == Qt.ItemDataRole.CheckStateRole:
            return Qt.CheckState.Checked if code in chosen else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.ToolTipRole:
            if code in self._problems:
                return self._problems[code]
            promo = self.lookup.promo_docs.get(code)
            if promo is None:
                return "Not in the catalog"
            d = promo.get("discount", {})
            months = d.get("period_months")
            span = f" for {months} months" if months else ""
            return f"{d.get('type')} discount of {d.get('amount')}{span}"
        if role == Qt.ItemDataRole.BackgroundRole and code in self._problems:
            return PROBLEM_BRUSH
        return None

    def setData(self, index: Index, value: Any, role: int = EDIT) -> bool:  # noqa: N802
        if role != Qt.ItemDataRole.CheckStateRole or not index.isValid():
            return False
        code = self._codes[index.row()]
        chosen = list(self.scenario.get(("account", "promo_codes"), []) or [])
        checked = Qt.CheckState(value) == Qt.CheckState.Checked
        if checked and code not in chosen:
            chosen.append(code)
        elif not checked and code in chosen:
            chosen.remove(code)
        else:
            return True
        verb = "Add" if checked else "Remove"
        self.stack.push(SetValue(self.scenario, ("account", "promo_codes"), chosen,
                                 f"{verb} promo code {code}"))
        return True
