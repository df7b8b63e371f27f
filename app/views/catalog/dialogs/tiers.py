"""Edit Tiered Charges (seed 004, "Configuring Tiered Pricing"): tiers by End value, amounts per
status (or one "Amount" for a one-time charge), the last tier open-ended."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRegularExpression,
    Qt,
)
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence, QRegularExpressionValidator
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.catalog.document.rules import sentence, tier_end_problem
from app.views.common.fields import ErrorLabel, beside, note, with_error
from app.views.common.focus import follow_the_form
from app.views.common.money import MoneyEdit, money_edit

Tiers = dict[str, list[dict[str, Any]]]
_Index = QModelIndex | QPersistentModelIndex

MAX_END = 1_000_000_000


class TierListModel(QAbstractListModel):
    """The tiers being edited: each ``{"end": int | None, "amounts": {status: text | None}}``.

    Shown as "Tier 1: 1–9", "Tier 2: 10+". No signals beyond the model's own.
    """

    def __init__(self, statuses: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.statuses = statuses
        self.tiers: list[dict[str, Any]] = [self.blank()]

    def blank(self) -> dict[str, Any]:
        return {"end": None, "amounts": dict.fromkeys(self.statuses)}

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.tiers)

    def start(self, row: int) -> int:
        """The first unit of tier ``row``."""
        return 1 if row == 0 else int(self.tiers[row - 1]["end"] or 0) + 1

    def label(self, row: int) -> str:
        start, end = self.start(row), self.tiers[row]["end"]
        if end is None:
            units = f"{start}+"
        elif end == start:
            units = f"{start}"
        else:
            units = f"{start}–{end}"
        return f"Tier {row + 1}: {units}"

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.tiers):
            return None
        row = index.row()
        amounts = self.tiers[row]["amounts"]
        if role == Qt.ItemDataRole.DisplayRole:
            text = self.label(row)
            if len(self.statuses) == 1 and amounts[self.statuses[0]] is not None:
                text += f"   ·   {amounts[self.statuses[0]]}"
            return text
        if role == Qt.ItemDataRole.ToolTipRole:
            return "\n".join(
                f"{s}: {amounts[s] if amounts[s] is not None else '(none)'}" for s in self.statuses
            )
        return None

    # --- edits ------------------------------------------------------------------------------

    def refresh_from(self, row: int) -> None:
        if self.tiers and row < len(self.tiers):
            self.dataChanged.emit(self.index(row), self.index(len(self.tiers) - 1))

    def set_amount(self, row: int, status: str, text: str | None) -> None:
        self.tiers[row]["amounts"][status] = text
        self.refresh_from(row)

    def set_end(self, row: int, end: int | None) -> None:
        self.tiers[row]["end"] = end
        self.refresh_from(row)

    def append_tier(self) -> None:
        count = len(self.tiers)
        self.beginInsertRows(QModelIndex(), count, count)
        self.tiers.append(self.blank())
        self.endInsertRows()

    def remove_tier(self, row: int) -> None:
        # Tiers are positional ("Tier 2" is whatever is second): shift the tiers after ``row``
        # up one place, then drop the last row.
        last = len(self.tiers) - 1
        self.tiers = [*self.tiers[:row], *self.tiers[row + 1 :], self.tiers[last]]
        self.refresh_from(row)
        self.beginRemoveRows(QModelIndex(), last, last)
        self.tiers.pop()
        self.endRemoveRows()
        if self.tiers:
            self.tiers[-1]["end"] = None
            self.refresh_from(max(0, row - 1))

    def is_empty(self, row: int) -> bool:
        return all(v is None for v in self.tiers[row]["amounts"].values())


def merge_incoming(statuses: list[str], tiers: Tiers) -> tuple[list[dict[str, Any]], str | None]:
    """The incoming per-status tiers as one list of shared ends, and a warning when the ends
    differed between statuses (the ends of the first status with tiers are used; every other
    status takes the amount of its tier that covers the start of each shared tier)."""
    present = [s for s in statuses if tiers.get(s)]
    if not present:
        return [{"end": None, "amounts": dict.fromkeys(statuses)}], None

    def ends_of(status: str) -> list[int | None]:
        ends = [t.get("end") for t in tiers[status]]
        return ends if ends[-1] is None else [*ends, None]

    # A status priced by one open tier (a static price, seed 004 step 10) fits any ends; the
    # ends shown are those of the first status that really has tiers.
    tiered = [s for s in present if ends_of(s) != [None]]
    leader = (tiered or present)[0]
    ends = ends_of(leader)
    differing = [s for s in tiered if ends_of(s) != ends]
    warning = None
    if differing:
        warning = (
            f"The tier ends differed between statuses ({', '.join(differing)}); the ends "
            f"of {leader} are shown. Check the amounts before you update."
        )
    out: list[dict[str, Any]] = []
    start = 1
    for end in ends:
        amounts: dict[str, str | None] = {}
        for status in statuses:
            amounts[status] = _amount_at(tiers.get(status) or [], start)
        out.append({"end": end, "amounts": amounts})
        start = (end or 0) + 1
    return out, warning


def _amount_at(tiers: list[dict[str, Any]], unit: int) -> str | None:
    for tier in tiers:
        end = tier.get("end")
        if end is None or unit <= end:
            return None if tier.get("amount") is None else str(tier["amount"])
    return None


class TieredChargesDialog(QDialog):
    """The Edit Tiered Charges modal.

    Setting an End value on the last tier creates the next tier; the last tier stays
    open-ended. The selected tier's amounts are edited per status on the right. Signals: only
    QDialog's ``accepted`` / ``rejected``.
    """

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        title: str,
        statuses: list[str],
        tiers: Tiers,
        minor_units: int,
        currency: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Edit Tiered Charges")
        self.statuses = list(statuses)
        self.model = TierListModel(self.statuses, self)
        merged, warning = merge_incoming(self.statuses, tiers)
        self.model.beginResetModel()
        self.model.tiers = merged
        self.model.endResetModel()
        self._loading = False
        self._shown_amounts: dict[str, Any] = {}

        first, _, rest = title.partition("\n")  # a second line explains (e.g. a flat amount)
        heading = QLabel(first)
        heading.setStyleSheet("font-weight: 600;")
        self.explanation = note(rest)
        self.explanation.setVisible(bool(rest))
        self.warning = ErrorLabel(self)
        self.warning.show_error(warning)

        self.list = QListView(self)
        self.list.setModel(self.model)
        self.list.setMinimumWidth(190)
        self.list.setAccessibleName("Tiers")
        self.end_edit = QLineEdit(self)
        # empty is acceptable too: it means open-ended (and Enter must commit it)
        self.end_edit.setValidator(
            QRegularExpressionValidator(QRegularExpression("^([1-9][0-9]{0,9})?$"), self)
        )
        self.end_edit.setPlaceholderText("open-ended")
        self.end_edit.setAccessibleName("End")
        self.end_edit.setMaximumWidth(110)
        self.end_error = ErrorLabel(self)
        self.remove_button = QPushButton("Remove tier", self)

        left = QVBoxLayout()
        left.addWidget(QLabel("Tiers"))
        left.addWidget(self.list, 1)
        end_row = QFormLayout()
        end_row.addRow("End", with_error(self.end_edit, self.end_error))
        left.addLayout(end_row)
        left.addWidget(
            note("Set an End value to create the next tier; leave the last tier open-ended.")
        )
        left.addWidget(self.remove_button)

        self.amounts_box = QGroupBox(self)
        form = QFormLayout(self.amounts_box)
        self.amount_edits: dict[str, MoneyEdit] = {}
        self.amount_errors: dict[str, ErrorLabel] = {}
        for status in self.statuses:
            edit, amount_note = money_edit(self, minor_units=minor_units, currency=currency)
            edit.setAccessibleName(status)
            edit.setMaximumWidth(140)
            error = ErrorLabel(self)
            edit.amountChanged.connect(lambda _v, s=status: self._amount_edited(s))
            edit.problemChanged.connect(lambda _p: self._amount_problems())
            self.amount_edits[status] = edit
            self.amount_errors[status] = error
            form.addRow(status, beside(with_error(edit, error), amount_note))

        panes = QHBoxLayout()
        panes.addLayout(left, 2)
        panes.addWidget(self.amounts_box, 3)

        self.buttons = QDialogButtonBox(self)
        self.update_button = self.buttons.addButton(
            "Update", QDialogButtonBox.ButtonRole.AcceptRole
        )
        cancel = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.error = ErrorLabel(self)
        self.update_button.clicked.connect(self._on_update)
        cancel.clicked.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.explanation)
        layout.addWidget(self.warning)
        layout.addLayout(panes, 1)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

        self.end_edit.editingFinished.connect(self.commit_end)
        self.end_edit.installEventFilter(self)  # Enter in End commits it, not the dialog
        self.remove_button.clicked.connect(self.remove_selected)
        remove = QAction("Remove", self.list)
        remove.setShortcut(QKeySequence.StandardKey.Delete)
        remove.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        remove.triggered.connect(self.remove_selected)
        self.list.addAction(remove)
        self.list.selectionModel().currentChanged.connect(self._current_changed)
        self.select_tier(0)
        self.resize(620, 360)
        follow_the_form(self)  # Tab goes through the fields as the form shows them

    @classmethod
    def ask(
        cls,
        parent: QWidget | None,
        *,
        title: str,
        statuses: list[str],
        tiers: Tiers,
        minor_units: int,
        currency: str | None = None,
    ) -> Tiers | None:
        """Show the modal; the edited tiers per status, or None when cancelled."""
        dialog = cls(parent, title=title, statuses=statuses, tiers=tiers, minor_units=minor_units,
                     currency=currency)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.result_value()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.end_edit
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        ):
            self.commit_end()
            return True
        return super().eventFilter(watched, event)

    # --- selection ------------------------------------------------------------------------

    def current_row(self) -> int:
        index = self.list.currentIndex()
        return index.row() if index.isValid() else 0

    def select_tier(self, row: int) -> None:
        self.list.setCurrentIndex(self.model.index(row))
        self._load(row)

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            self._load(current.row())

    def _load(self, row: int) -> None:
        self._loading = True
        try:
            tier = self.model.tiers[row]
            self._shown_amounts = dict(tier["amounts"])
            self.end_edit.setText("" if tier["end"] is None else str(tier["end"]))
            self.end_error.show_error(None)
            self._show_title(row)
            for status, edit in self.amount_edits.items():
                edit.set_amount(tier["amounts"].get(status))
                self.amount_errors[status].show_error(None)
        finally:
            self._loading = False
        self.remove_button.setEnabled(len(self.model.tiers) > 1)

    def _show_title(self, row: int) -> None:
        per = "amounts per status" if len(self.statuses) > 1 else "amount"
        self.amounts_box.setTitle(f"{self.model.label(row)} — {per}")

    def _amount_edited(self, status: str) -> None:
        if self._loading:
            return
        edit = self.amount_edits[status]
        row = self.current_row()
        if not edit.is_valid():  # told beside the field; the tier keeps the amount it had
            self.model.set_amount(row, status, self._shown_amounts.get(status))
            return
        self.model.set_amount(row, status, edit.text_value())
        self.amount_errors[status].show_error(None)

    def amount_problems(self) -> list[str]:
        """What is typed in the amount fields and is not an amount, per status."""
        return [f"{s}: {e.problem()}" for s, e in self.amount_edits.items() if not e.is_valid()]

    def _amount_problems(self) -> None:
        self.update_button.setEnabled(not self.amount_problems())

    # --- End values -----------------------------------------------------------------------

    def commit_end(self) -> bool:
        """Apply the End field to the selected tier; False (with the error beside the field)
        when the value would not keep the ends strictly increasing."""
        if self._loading:
            return True
        row = self.current_row()
        tiers = self.model.tiers
        text = self.end_edit.text().strip()
        end = int(text) if text else None
        if end == tiers[row]["end"]:
            self.end_error.show_error(None)
            return True
        last = len(tiers) - 1
        if end is None:
            if row == last - 1 and self.model.is_empty(last):
                self.model.remove_tier(last)
                self.end_error.show_error(None)
                self._load(row)
                return True
            self.end_error.show_error(
                "Only the last tier is open-ended: remove the tiers after this one first."
            )
            return False
        if end > MAX_END:
            self.end_error.show_error(f"End can be at most {MAX_END:,}.")
            return False
        problem = tier_end_problem(row, end, tiers[row - 1]["end"] if row > 0 else None)
        if problem:
            self.end_error.show_error(sentence(problem))
            return False
        upper = tiers[row + 1]["end"] if row < last else None
        if upper is not None and end >= upper:
            self.end_error.show_error(f"End must be less than {upper}, the end of tier {row + 2}.")
            return False
        self.end_error.show_error(None)
        self.model.set_end(row, end)
        if row == last:
            self.model.append_tier()
        self.remove_button.setEnabled(len(tiers) > 1)
        self._show_title(row)
        return True

    def remove_selected(self) -> None:
        if len(self.model.tiers) <= 1:
            return
        row = self.current_row()
        self.model.remove_tier(row)
        self.select_tier(min(row, len(self.model.tiers) - 1))

    # --- result ---------------------------------------------------------------------------

    def problems(self) -> list[tuple[int, str | None, str]]:
        """What stops the tiers from being used: (tier row, status or None, message)."""
        tiers = self.model.tiers
        used = [s for s in self.statuses if any(t["amounts"].get(s) is not None for t in tiers)]
        out: list[tuple[int, str | None, str]] = []
        if not used:
            return out
        for row, tier in enumerate(tiers):
            if self.model.is_empty(row):
                out.append(
                    (row, None, f"Tier {row + 1} has no amount: enter it or remove the tier.")
                )
                continue
            for status in used:
                if tier["amounts"].get(status) is None:
                    out.append(
                        (
                            row,
                            status,
                            f"Tier {row + 1} needs an amount for {status} "
                            "(it is priced in the other tiers).",
                        )
                    )
        return out

    def _on_update(self) -> None:
        if self.amount_problems():
            self.error.show_error(self.amount_problems()[0])
            return
        pending = self.end_edit.hasFocus() or self.end_edit.text() != self._shown_end()
        if pending and not self.commit_end():
            return
        problems = self.problems()
        if problems:
            row, status, message = problems[0]
            self.select_tier(row)
            if status is not None:
                self.amount_errors[status].show_error("Required")
                self.amount_edits[status].setFocus()
            self.error.show_error(message)
            return
        self.error.show_error(None)
        self.accept()

    def _shown_end(self) -> str:
        end = self.model.tiers[self.current_row()]["end"]
        return "" if end is None else str(end)

    def result_value(self) -> Tiers:
        """The tiers per status with the same ends; statuses never priced are left out."""
        out: Tiers = {}
        tiers = self.model.tiers
        for status in self.statuses:
            if all(t["amounts"].get(status) is None for t in tiers):
                continue
            out[status] = [
                {
                    "end": None if i == len(tiers) - 1 else t["end"],
                    "amount": t["amounts"].get(status),
                }
                for i, t in enumerate(tiers)
            ]
        return out
