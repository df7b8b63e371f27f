"""The Packages panel's tree: packages with their frequencies beneath, and the filter over it.

Built for 10,000 packages: the frequencies of a package are fetched into the tree only when the
view asks for them (``canFetchMore``/``fetchMore``), and the filter reads precomputed lower-case
search keys, so typing in the filter box does not walk 30,000 rows through Python.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QFont, QPalette

from app.catalog.database.store import FrequencySummary, PackageSummary

_Index = QModelIndex | QPersistentModelIndex

SEPARATOR = "\x1f"  # never typed into a filter box

KIND_ROLE = Qt.ItemDataRole.UserRole + 1
"""``"package"`` or ``"frequency"``."""
NAME_ROLE = Qt.ItemDataRole.UserRole + 2
"""The plain name (the display text may carry a marker)."""


def bill_label(bill: str | dict[str, int]) -> str:
    if isinstance(bill, dict):
        months = bill["months"]
        return "every month" if months == 1 else f"every {months} months"
    return {"semiannual": "semi-annual"}.get(bill, bill)


class FrequencyNode(NamedTuple):
    name: str
    active: bool
    bill_frequency: str | dict[str, int]
    in_use: bool = False


@dataclass
class PackageNode:
    key: int
    name: str
    enabled: bool
    frequencies: list[FrequencyNode] = field(default_factory=list)
    fetched: bool = False
    dirty: bool = False
    new: bool = False
    terms: str = ""
    """The package's company and services, as the filter also matches them."""
    skus: dict[str, str] = field(default_factory=dict)
    """Frequency name -> SKU."""
    _search: str | None = None

    @property
    def search(self) -> str:
        """The lower-case text the filter looks in: the names of the package and its
        frequencies, the SKUs, the company and the services (computed when first filtered)."""
        if self._search is None:
            self._search = SEPARATOR.join(
                [self.name.casefold(), *(f.name.casefold() for f in self.frequencies),
                 *(sku.casefold() for sku in self.skus.values()), self.terms.casefold()])
        return self._search

    def owns(self, needle: str) -> bool:
        """Whether the package itself matches (its name, company or a service): then every
        frequency shows."""
        return needle in self.name.casefold() or needle in self.terms.casefold()

    def frequency_matches(self, row: int, needle: str) -> bool:
        name = self.frequencies[row].name
        return needle in name.casefold() or needle in self.skus.get(name, "").casefold()

    def update_search(self) -> None:
        self._search = None


def _node(key: int, summary: PackageSummary) -> PackageNode:
    return PackageNode(key, summary.name, summary.enabled, [
        FrequencyNode(f.name, f.active, f.bill_frequency, f.in_use) for f in summary.frequencies])


class PackagesModel(QAbstractItemModel):
    """Packages (top level) and their frequencies (children), one column; items are
    selectable and enabled (the base class's flags, kept in C++ for speed).

    Frequencies are identified by (package row, frequency row); a frequency index carries its
    package's stable key as internal id, so removing a package never confuses the others.
    No signals beyond the model's own.
    """

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._packages: list[PackageNode] = []
        self._by_key: dict[int, PackageNode] = {}
        self._rows: dict[int, int] = {}
        self._next_key = 1

    # --- loading and updating

    def _reindex(self) -> None:
        self._by_key = {p.key: p for p in self._packages}
        self._rows = {p.key: r for r, p in enumerate(self._packages)}

    def _new_key(self) -> int:
        key = self._next_key
        self._next_key += 1
        return key

    def load(self, summaries: list[PackageSummary]) -> None:
        self.beginResetModel()
        self._packages = [_node(self._new_key(), s) for s in summaries]
        self._reindex()
        self.endResetModel()

    def load_rows(self, rows: list[tuple[str, bool, list[tuple[Any, ...]]]]) -> None:
        """Load ``(name, enabled, [(frequency name, active, bill frequency, in use)...])``
        rows (the fast path for large catalogs, see ``editing.package_tree``)."""
        self.beginResetModel()
        make = FrequencyNode._make
        first = self._next_key
        self._packages = [PackageNode(first + k, name, enabled, [make(f) for f in freqs])
                          for k, (name, enabled, freqs) in enumerate(rows)]
        self._next_key = first + len(rows)
        self._reindex()
        self.endResetModel()

    def set_in_use(self, used: set[str]) -> None:
        """Mark the frequencies saved scenarios use (``used``: their names) and unmark the
        others; only the rows whose marker changes are repainted."""
        for row, package in enumerate(self._packages):
            parent = self.index(row, 0)
            for k, node in enumerate(package.frequencies):
                in_use = node.name in used
                if node.in_use != in_use:
                    package.frequencies[k] = node._replace(in_use=in_use)
                    if package.fetched:  # else its rows were never shown
                        index = self.index(k, 0, parent)
                        self.dataChanged.emit(index, index)

    def set_search_terms(self, terms: dict[str, tuple[str, dict[str, str]]]) -> None:
        """What the filter also matches per package name (``editing.package_search_terms``)."""
        for node in self._packages:
            node.terms, node.skus = terms.get(node.name, ("", {}))
            node.update_search()

    def set_package_terms(self, row: int, terms: tuple[str, dict[str, str]]) -> None:
        node = self._packages[row]
        node.terms, node.skus = terms
        node.update_search()

    def package_count(self) -> int:
        return len(self._packages)

    def node(self, row: int) -> PackageNode:
        return self._packages[row]

    def row_of_key(self, key: int) -> int | None:
        return self._rows.get(key)

    def row_of_name(self, name: str) -> int | None:
        for row, node in enumerate(self._packages):
            if node.name == name:
                return row
        return None

    def append_package(self, summary: PackageSummary, *, new: bool = False) -> int:
        row = len(self._packages)
        self.beginInsertRows(QModelIndex(), row, row)
        node = _node(self._new_key(), summary)
        node.new = new
        node.dirty = new
        self._packages.append(node)
        self._reindex()
        self.endInsertRows()
        return row

    def remove_package(self, row: int) -> None:
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._packages[row]
        self._reindex()
        self.endRemoveRows()

    def update_package(self, row: int, summary: PackageSummary, *, dirty: bool = False,
                       new: bool = False) -> None:
        """Show ``summary`` in place of row ``row`` (after a save, or while editing it)."""
        node = self._packages[row]
        parent = self.index(row, 0)
        frequencies = [FrequencyNode(f.name, f.active, f.bill_frequency, f.in_use)
                       for f in summary.frequencies]
        if not node.fetched:
            node.frequencies = []  # nothing of it was shown: insert what is there now
            node.fetched = True
        if len(frequencies) != len(node.frequencies):
            if node.frequencies:
                self.beginRemoveRows(parent, 0, len(node.frequencies) - 1)
                node.frequencies = []
                self.endRemoveRows()
            if frequencies:
                self.beginInsertRows(parent, 0, len(frequencies) - 1)
                node.frequencies = frequencies
                self.endInsertRows()
        else:
            node.frequencies = frequencies
            if frequencies:
                self.dataChanged.emit(self.index(0, 0, parent),
                                      self.index(len(frequencies) - 1, 0, parent))
        node.name, node.enabled, node.dirty, node.new = summary.name, summary.enabled, dirty, new
        node.update_search()
        self.dataChanged.emit(parent, parent)

    # --- indexes

    def package_index(self, row: int) -> QModelIndex:
        return self.index(row, 0)

    def frequency_index(self, row: int, frequency_row: int) -> QModelIndex:
        parent = self.index(row, 0)
        if self.canFetchMore(parent):
            self.fetchMore(parent)
        return self.index(frequency_row, 0, parent)

    def position(self, index: _Index) -> tuple[int, int | None]:
        """``(package row, frequency row or None)`` of a valid index of this model."""
        key = index.internalId()
        if key == 0:
            return index.row(), None
        return self._rows[key], index.row()

    # --- QAbstractItemModel

    def index(self, row: int, column: int, parent: _Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        if column != 0 or row < 0:
            return QModelIndex()
        if not parent.isValid():
            if row >= len(self._packages):
                return QModelIndex()
            return self.createIndex(row, 0, 0)
        if parent.internalId() != 0:
            return QModelIndex()
        node = self._packages[parent.row()]
        if not node.fetched or row >= len(node.frequencies):
            return QModelIndex()
        return self.createIndex(row, 0, node.key)

    def parent(self, index: _Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not index.isValid():
            return QModelIndex()
        key = index.internalId()
        if key == 0:
            return QModelIndex()
        return self.createIndex(self._rows[key], 0, 0)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        if not parent.isValid():
            return len(self._packages)
        if parent.internalId() != 0 or parent.column() != 0:
            return 0
        node = self._packages[parent.row()]
        return len(node.frequencies) if node.fetched else 0

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 1

    def hasChildren(self, parent: _Index = QModelIndex()) -> bool:  # noqa: B008
        if not parent.isValid():
            return bool(self._packages)
        if parent.internalId() != 0 or parent.column() != 0:
            return False
        return bool(self._packages[parent.row()].frequencies)

    def canFetchMore(self, parent: _Index) -> bool:
        if not parent.isValid() or parent.internalId() != 0:
            return False
        node = self._packages[parent.row()]
        return not node.fetched and bool(node.frequencies)

    def fetchMore(self, parent: _Index) -> None:
        if not self.canFetchMore(parent):
            return
        node = self._packages[parent.row()]
        self.beginInsertRows(parent, 0, len(node.frequencies) - 1)
        node.fetched = True
        self.endInsertRows()

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        key = index.internalId()
        if key == 0:
            return self._package_data(self._packages[index.row()], role)
        node = self._by_key[key]
        return self._frequency_data(node.frequencies[index.row()], role)

    def _package_data(self, node: PackageNode, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            name = node.name or "(new package)"
            return f"{name} *" if node.dirty else name
        if role == NAME_ROLE:
            return node.name
        if role == KIND_ROLE:
            return "package"
        if role == Qt.ItemDataRole.FontRole:
            font = QFont()
            font.setBold(True)
            font.setItalic(node.dirty)
            font.setStrikeOut(not node.enabled)
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            state = "enabled" if node.enabled else "disabled (not offered to new accounts)"
            count = len(node.frequencies)
            return f"Package {node.name}: {state}, {count} frequenc{'y' if count == 1 else 'ies'}"
        return None

    def _frequency_data(self, node: FrequencyNode, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return node.name or "(unnamed frequency)"
        if role == NAME_ROLE:
            return node.name
        if role == KIND_ROLE:
            return "frequency"
        if role == Qt.ItemDataRole.FontRole and not node.active:
            font = QFont()
            font.setItalic(True)
            return font
        if role == Qt.ItemDataRole.ForegroundRole and not node.active:
            return QPalette().brush(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
        if role == Qt.ItemDataRole.ToolTipRole:
            parts = [bill_label(node.bill_frequency),
                     "active" if node.active else "inactive"]
            if node.in_use:
                parts.append("used by accounts")
            return f"{node.name}: {', '.join(parts)}"
        return None


def summary_of(package: dict[str, Any], saved: PackageSummary | None) -> PackageSummary:
    """The tree's view of a package document being edited (``in_use`` from the saved one)."""
    used = {f.name for f in saved.frequencies if f.in_use} if saved else set()
    return PackageSummary(package["name"], package["enabled"], [
        FrequencySummary(f["name"], f["active"], f["bill_frequency"],
                         f.get("_saved_name") in used)
        for f in package["frequencies"]])


class PackagesFilterModel(QSortFilterProxyModel):
    """Filters the packages tree as you type: a package stays visible when its name, company,
    one of its services, or one of its frequencies' names or SKUs contains the text; under a
    package that matches itself (name, company, service), every frequency shows; otherwise
    only the matching frequencies. Case-insensitive.

    No signals beyond the model's own.
    """

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._needle = ""

    def needle(self) -> str:
        return self._needle

    def setFilterFixedString(self, text: str) -> None:
        """Filter by ``text`` (the fast path: no regular expression per row)."""
        self._needle = text.strip().casefold()
        super().setFilterFixedString(text)

    def filterAcceptsRow(self, source_row: int, source_parent: _Index) -> bool:
        needle = self._needle
        if not needle:
            return True
        model = self.sourceModel()
        assert isinstance(model, PackagesModel)
        if not source_parent.isValid():
            return needle in model.node(source_row).search
        node = model.node(source_parent.row())
        return node.owns(needle) or node.frequency_matches(source_row, needle)
