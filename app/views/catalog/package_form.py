"""The package form (seed 000, "Creating a Package"): Enabled, Name, Company, Rollup Services,
Billing Activation Service and the Services list with + and -.

A package that accounts use keeps its services: the form says so with the seed's advice (untick
Enabled and create a new package) and offers "Clone as new package" in one click. Also here: the
panel header (title, dirty marker, Save and Discard) that the frequency panel uses too.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.catalog.database.editing import Path, base_types
from app.views.common.fields import ErrorLabel, note, required, with_error
from app.views.common.focus import follow_the_form
from app.views.common.icons import icon
from app.views.common.undo import PackageDraft, affects

_Index = QModelIndex | QPersistentModelIndex
NONE = "(none)"

IN_USE_ADVICE = (
    "This package is used by {count} account(s) ({names}), so its services cannot change. "
    "Packages in use should not be modified: untick Enabled so it is no longer offered, and "
    "create a new package with the services you want.")


def set_text(edit: QLineEdit, text: str) -> None:
    """Show ``text`` unless the field already does (keeps the cursor where it is)."""
    if edit.text() != text:
        edit.setText(text)


def set_combo(combo: QComboBox, value: str | None) -> None:
    combo.blockSignals(True)
    combo.setCurrentIndex(max(0, combo.findData(value)))
    combo.blockSignals(False)


def fill_combo(combo: QComboBox, names: list[str], *, none: bool = True) -> None:
    combo.blockSignals(True)
    combo.clear()
    if none:
        combo.addItem(NONE, None)
    for name in names:
        combo.addItem(name, name)
    combo.blockSignals(False)


class PanelHeader(QWidget):
    """A panel's title with its dirty marker, Save and Discard, and a line for problems that
    belong to no particular field.

    Signals:
        saveRequested(): Save clicked.
        discardRequested(): Discard clicked.
    """

    saveRequested = Signal()
    discardRequested = Signal()

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._title = title
        self.title = QLabel(self)
        self.title.setObjectName("panelTitle")
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.title.setFont(font)
        self.save_button = QPushButton(icon("save"), "Save", self)
        self.save_button.setToolTip("Save the changes (Ctrl+S)")
        self.discard_button = QPushButton(icon("discard"), "Discard", self)
        self.discard_button.setToolTip("Forget the unsaved changes")
        self.save_button.clicked.connect(self.saveRequested)
        self.discard_button.clicked.connect(self.discardRequested)
        self.errors = ErrorLabel(self)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.title, 1)
        row.addWidget(self.save_button)
        row.addWidget(self.discard_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.errors)
        self.set_state(dirty=False, can_save=False)

    def set_title(self, title: str) -> None:
        self._title = title
        self.set_state(dirty=self.title.text().endswith("*"),
                       can_save=self.save_button.isEnabled())

    def set_state(self, *, dirty: bool, can_save: bool, missing: list[str] | None = None) -> None:
        self.title.setText(f"{self._title} *" if dirty else self._title)
        self.save_button.setEnabled(dirty and can_save)
        self.discard_button.setEnabled(dirty)
        if missing:
            self.save_button.setToolTip("Fill the required fields first: " + "; ".join(missing))
        else:
            self.save_button.setToolTip("Save the changes (Ctrl+S)")


class PackageServicesModel(QAbstractListModel):
    """The package's services, in order; editing a line picks another service. Every change
    goes to the draft as an undoable edit. No signals beyond the model's own."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.draft: PackageDraft | None = None
        self.kinds: dict[str, str] = {}
        self.read_only = False

    def services(self) -> list[str]:
        return list(self.draft.doc["services"]) if self.draft else []

    def reload(self) -> None:
        self.beginResetModel()
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() or self.draft is None else len(self.draft.doc["services"])

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or self.draft is None:
            return None
        name = self.draft.doc["services"][index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            kind = self.kinds.get(name, "unknown").replace("_", "-")
            return f"{name}  ({kind})"
        if role in (Qt.ItemDataRole.EditRole, Qt.ItemDataRole.UserRole):
            return name
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.isValid() and not self.read_only:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if self.draft is None or not index.isValid() or role != Qt.ItemDataRole.EditRole:
            return False
        services = self.services()
        if value in services and services.index(value) != index.row():
            return False
        services[index.row()] = value
        self.draft.set(("services",), services, f"Change service to {value}")
        return True


class ServiceChoiceDelegate(QStyledItemDelegate):
    """Edits a services line with a combo box of the catalog's services not yet in the package."""

    def __init__(self, form: PackageForm) -> None:
        super().__init__(form)
        self.form = form

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem,
                     index: _Index) -> QWidget:
        combo = QComboBox(parent)
        current = index.data(Qt.ItemDataRole.EditRole)
        taken = set(self.form.services_model.services()) - {current}
        for name, kind in self.form.kinds.items():
            if name not in taken:
                combo.addItem(f"{name}  ({kind.replace('_', '-')})", name)
        return combo

    def setEditorData(self, editor: QWidget, index: _Index) -> None:
        assert isinstance(editor, QComboBox)
        editor.setCurrentIndex(max(0, editor.findData(index.data(Qt.ItemDataRole.EditRole))))

    def setModelData(self, editor: QWidget, model: Any, index: _Index) -> None:
        assert isinstance(editor, QComboBox)
        if editor.currentData() is not None:
            model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)


class PackageForm(QWidget):
    """Create or edit a package (seed 000).

    Signals:
        saveRequested(): Save.
        discardRequested(): Discard.
        cloneAsNewRequested(): "Clone as new package" (offered when accounts use the package).
        nameEdited(): the user typed in Name (the window re-checks whether Save can be enabled).
    """

    saveRequested = Signal()
    discardRequested = Signal()
    cloneAsNewRequested = Signal()
    nameEdited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.draft: PackageDraft | None = None
        self.reference: dict[str, Any] = {}
        self.kinds: dict[str, str] = {}
        self.users: list[str] = []

        self.header = PanelHeader("Package", self)
        self.header.saveRequested.connect(self.saveRequested)
        self.header.discardRequested.connect(self.discardRequested)

        self.enabled_box = QCheckBox("Enabled", self)
        self.enabled_box.setToolTip("Only enabled packages can be added to accounts")
        self.name_edit = QLineEdit(self)
        self.name_edit.setAccessibleName("Name")
        self.name_edit.setPlaceholderText("Shown on the customer account and on the invoice")
        self.name_error = ErrorLabel(self)
        self.company_combo = QComboBox(self)
        self.company_combo.setToolTip(
            "Only subscribers of this company can receive the package")
        self.company_error = ErrorLabel(self)
        self.rollup_box = QCheckBox("Rollup Services", self)
        self.rollup_box.setToolTip(
            "On: the invoice shows only the package name; off: every service is listed")
        self.activation_combo = QComboBox(self)
        self.activation_combo.setToolTip(
            "A service of the package whose activation starts billing the package")
        self.activation_error = ErrorLabel(self)

        self.services_model = PackageServicesModel(self)
        self.services_view = QListView(self)
        self.services_view.setModel(self.services_model)
        self.services_view.setItemDelegate(ServiceChoiceDelegate(self))
        self.services_view.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.SelectedClicked)
        self.services_view.setMinimumHeight(140)
        self.add_service_button = QToolButton(self)
        self.add_service_button.setIcon(icon("add"))
        self.add_service_button.setText("+")
        self.add_service_button.setToolTip("Add a service line")
        self.remove_service_button = QToolButton(self)
        self.remove_service_button.setIcon(icon("remove"))
        self.remove_service_button.setText("-")
        self.remove_service_button.setToolTip("Remove the selected service line")
        self.services_error = ErrorLabel(self)

        self.in_use_frame = QFrame(self)
        self.in_use_frame.setFrameShape(QFrame.Shape.StyledPanel)
        self.in_use_label = QLabel(self.in_use_frame)
        self.in_use_label.setWordWrap(True)
        self.clone_button = QPushButton(icon("clone"), "Clone as new package", self.in_use_frame)
        in_use_layout = QHBoxLayout(self.in_use_frame)
        in_use_layout.addWidget(QLabel("\N{WARNING SIGN}", self.in_use_frame))
        in_use_layout.addWidget(self.in_use_label, 1)
        in_use_layout.addWidget(self.clone_button)
        self.in_use_frame.hide()

        form = QFormLayout()
        form.addRow("", self.enabled_box)
        form.addRow("Name", with_error(required(self.name_edit), self.name_error))
        form.addRow("Company", with_error(self.company_combo, self.company_error))
        form.addRow("", self.rollup_box)
        form.addRow("Billing Activation Service",
                    with_error(self.activation_combo, self.activation_error))
        buttons = QHBoxLayout()
        buttons.addWidget(QLabel("<b>Services</b>"))
        buttons.addStretch(1)
        buttons.addWidget(self.add_service_button)
        buttons.addWidget(self.remove_service_button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.in_use_frame)
        layout.addWidget(self.services_view, 1)
        layout.addWidget(self.services_error)
        layout.addWidget(note("Frequencies of this package are listed beneath it in the "
                              "Packages panel; select one to set its prices."))

        self.enabled_box.toggled.connect(self._enabled_toggled)
        self.rollup_box.toggled.connect(self._rollup_toggled)
        self.name_edit.editingFinished.connect(self.commit)
        self.name_edit.textChanged.connect(lambda _t: self.nameEdited.emit())
        self.company_combo.currentIndexChanged.connect(self._company_changed)
        self.activation_combo.currentIndexChanged.connect(self._activation_changed)
        self.add_service_button.clicked.connect(self.add_service)
        self.remove_service_button.clicked.connect(self.remove_service)
        self.clone_button.clicked.connect(self.cloneAsNewRequested)
        follow_the_form(self)  # Tab goes through the fields as the form shows them

    # --- loading

    def set_reference(self, reference: dict[str, Any]) -> None:
        self.reference = reference
        self.kinds = base_types(reference)
        self.services_model.kinds = self.kinds
        fill_combo(self.company_combo, [c["name"] for c in reference.get("companies", [])])

    def load(self, draft: PackageDraft, users: list[str]) -> None:
        self.draft = draft
        self.users = users
        self.services_model.draft = draft
        self.services_model.read_only = bool(users)
        self.name_edit.setText(draft.doc["name"])
        self.name_edit.setModified(False)
        self.refresh(())
        if users:
            names = ", ".join(users[:3]) + (", ..." if len(users) > 3 else "")
            self.in_use_label.setText(IN_USE_ADVICE.format(count=len(users), names=names))
        self.in_use_frame.setVisible(bool(users))
        self.show_problems(draft.problems)

    def refresh(self, path: Any) -> None:
        """Show the draft again where ``path`` changed."""
        draft = self.draft
        if draft is None:
            return
        doc = draft.doc
        if affects(path, ("enabled",)):
            self.enabled_box.blockSignals(True)
            self.enabled_box.setChecked(doc["enabled"])
            self.enabled_box.blockSignals(False)
        if affects(path, ("rollup_services",)):
            self.rollup_box.blockSignals(True)
            self.rollup_box.setChecked(doc["rollup_services"])
            self.rollup_box.blockSignals(False)
        if affects(path, ("name",)) and path:
            set_text(self.name_edit, doc["name"])
            self.name_edit.setModified(False)
        if affects(path, ("company",)):
            set_combo(self.company_combo, doc["company"])
        if affects(path, ("services",)) or affects(path, ("billing_activation_service",)):
            self.services_model.reload()
            fill_combo(self.activation_combo, list(doc["services"]))
            set_combo(self.activation_combo, doc["billing_activation_service"])
        read_only = bool(self.users)
        self.add_service_button.setEnabled(not read_only)
        self.remove_service_button.setEnabled(not read_only and bool(doc["services"]))
        self.header.set_title(f"Package {doc['name']}" if doc["name"] else "New package")

    def name_text(self) -> str:
        return self.name_edit.text().strip()

    # --- edits

    def commit(self) -> None:
        """Put what is typed in Name into the draft (as an undoable edit)."""
        if self.draft is None:
            return
        name = self.name_edit.text().strip()
        if name != self.draft.doc["name"]:
            self.draft.set(("name",), name, "Rename package")
        self.name_edit.setModified(False)

    def _enabled_toggled(self, checked: bool) -> None:
        if self.draft is not None:
            self.draft.set(("enabled",), checked, "Enable package" if checked
                           else "Disable package")

    def _rollup_toggled(self, checked: bool) -> None:
        if self.draft is not None:
            self.draft.set(("rollup_services",), checked, "Change Rollup Services")

    def _company_changed(self, _index: int) -> None:
        if self.draft is not None:
            self.draft.set(("company",), self.company_combo.currentData(), "Change company")

    def _activation_changed(self, _index: int) -> None:
        if self.draft is not None:
            self.draft.set(("billing_activation_service",), self.activation_combo.currentData(),
                           "Change billing activation service")

    def add_service(self, service: str | None = None) -> None:
        """The + button: add a line (the first service not yet in the package, or
        ``service``) and open it for choosing."""
        if self.draft is None or self.users:
            return
        services = self.services_model.services()
        if not service:
            free = [n for n in self.kinds if n not in services]
            if not free:
                return
            service = free[0]
        if service in services:
            return
        self.draft.insert(("services",), len(services), service, f"Add service {service}")
        index = self.services_model.index(len(services), 0)
        self.services_view.setCurrentIndex(index)
        if self.isVisible():
            self.services_view.edit(index)

    def remove_service(self) -> None:
        """The - button: remove the selected line."""
        if self.draft is None or self.users:
            return
        row = self.services_view.currentIndex().row()
        services = self.draft.doc["services"]
        if not 0 <= row < len(services):
            return
        name = services[row]
        self.draft.stack.beginMacro(f"Remove service {name}")
        self.draft.remove(("services",), row, f"Remove service {name}")
        if self.draft.doc["billing_activation_service"] == name:
            self.draft.set(("billing_activation_service",), None,
                           "Clear billing activation service")
        self.draft.stack.endMacro()

    # --- problems

    def show_problems(self, problems: list[tuple[Path, str]]) -> list[tuple[Path, str]]:
        """Show each problem beside its field; returns those that belong to no field here."""
        labels = {"name": self.name_error, "company": self.company_error,
                  "billing_activation_service": self.activation_error,
                  "services": self.services_error}
        messages: dict[str, list[str]] = {}
        rest = []
        for path, message in problems:
            if path and path[0] in labels:
                messages.setdefault(str(path[0]), []).append(message)
            elif not path or path[0] != "frequencies":
                rest.append((path, message))
        for key, label in labels.items():
            label.show_error("; ".join(messages.get(key, [])) or None)
        return rest
