"""The price book and currency bar that the Recurring, Transition and One Time tabs share
(:class:`PriceBookBar`), the selection it edits (:class:`PricingSelection`) and the one undoable
edit of a frequency's price books (:func:`edit_price_books`)."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QObject,
    Signal,
)
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QToolButton,
    QWidget,
)

from app.catalog.database.editing import (
    prune_charges,
)
from app.views.common.undo import PackageDraft

ADD_BOOK = "__add__"


def edit_price_books(draft: PackageDraft, fi: int, mutate: Callable[[dict[str, Any]], None],
                     text: str) -> None:
    """Change a frequency's price books as one undoable edit: ``mutate`` edits a copy, empty
    rows, currencies and books are pruned, and the result replaces the old price books."""
    books = copy.deepcopy(draft.get(("frequencies", fi, "price_books")) or {})
    mutate(books)
    draft.set(("frequencies", fi, "price_books"), prune_charges(books), text)


class PricingSelection(QObject):
    """The price book and currency the pricing tabs show, shared by the three of them.

    Signals:
        changed(): the price book or the currency changed.
    """

    changed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.book = "standard"
        self.currency: str | None = None
        self.extra_books: set[str] = set()

    def select(self, book: str | None = None, currency: str | None = None) -> None:
        changed = False
        if book is not None and book != self.book:
            self.book, changed = book, True
        if currency is not None and currency != self.currency:
            self.currency, changed = currency, True
        if changed:
            self.changed.emit()

    def reset(self, currencies: list[str]) -> None:
        self.book = "standard"
        self.currency = currencies[0] if currencies else None
        self.extra_books = set()
        self.changed.emit()


class PriceBookBar(QWidget):
    """Price Book (with "Add New Price Book +"), the currency check boxes (sell in this
    currency) and the currency buttons (show this currency). No signals: it edits the draft and
    the shared :class:`PricingSelection`."""

    def __init__(self, selection: PricingSelection, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.selection = selection
        self.draft: PackageDraft | None = None
        self.fi = 0
        self.reference: dict[str, Any] = {}
        self.book_combo = QComboBox(self)
        self.book_combo.setAccessibleName("Price Book")
        self.book_combo.setMinimumContentsLength(16)
        self.book_combo.activated.connect(self._book_chosen)
        self.currency_area = QHBoxLayout()
        self.currency_area.setSpacing(4)
        self.boxes: dict[str, QCheckBox] = {}
        self.buttons: dict[str, QToolButton] = {}
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel("Price Book"))
        layout.addWidget(self.book_combo)
        layout.addSpacing(16)
        layout.addWidget(QLabel("Currencies"))
        layout.addLayout(self.currency_area)
        layout.addStretch(1)
        selection.changed.connect(self.refresh)

    def set_reference(self, reference: dict[str, Any]) -> None:
        self.reference = reference
        while self.currency_area.count():
            item = self.currency_area.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.boxes.clear()
        self.buttons.clear()
        for c in reference.get("currencies", []):
            code = c["code"]
            box = QCheckBox(self)
            box.setToolTip(f"Sell this package frequency in {code}")
            box.setAccessibleName(f"Enable {code}")
            box.toggled.connect(lambda checked, code=code: self._currency_toggled(code, checked))
            button = QToolButton(self)
            button.setText(code)
            button.setCheckable(True)
            button.setAutoRaise(True)
            button.setToolTip(f"Show the {code} prices")
            button.clicked.connect(lambda _c=False, code=code: self.selection.select(
                currency=code))
            self.group.addButton(button)
            self.boxes[code], self.buttons[code] = box, button
            self.currency_area.addWidget(box)
            self.currency_area.addWidget(button)
            self.currency_area.addSpacing(6)

    def load(self, draft: PackageDraft, fi: int) -> None:
        self.draft, self.fi = draft, fi
        self.refresh()

    def books(self) -> list[tuple[str, str]]:
        """(code, name) of the books shown: standard, those with prices, those added."""
        assert self.draft is not None
        present = set(self.draft.get(("frequencies", self.fi, "price_books")) or {})
        present |= {"standard"} | self.selection.extra_books | {self.selection.book}
        return [(b["code"], b["name"]) for b in self.reference.get("price_books", [])
                if b["code"] in present]

    def refresh(self) -> None:
        if self.draft is None or self.fi >= len(self.draft.doc["frequencies"]):
            return  # (a frequency just deleted: the window shows the package next)
        freq = self.draft.frequency(self.fi)
        books = self.books()
        self.book_combo.blockSignals(True)
        self.book_combo.clear()
        for code, name in books:
            self.book_combo.addItem(name if name.casefold() == code.casefold()
                                    else f"{name} ({code})", code)
        if len({b["code"] for b in self.reference.get("price_books", [])} - {c for c, _ in books}):
            self.book_combo.addItem("Add New Price Book +", ADD_BOOK)
        self.book_combo.setCurrentIndex(max(0, self.book_combo.findData(self.selection.book)))
        self.book_combo.blockSignals(False)
        enabled = set(freq["currencies"])
        for code, box in self.boxes.items():
            box.blockSignals(True)
            box.setChecked(code in enabled)
            box.blockSignals(False)
            button = self.buttons[code]
            button.setEnabled(code in enabled)
            button.setChecked(code == self.selection.currency)
            font = button.font()
            font.setBold(code == self.selection.currency)
            button.setFont(font)

    def _book_chosen(self, index: int) -> None:
        code = self.book_combo.itemData(index)
        if code == ADD_BOOK:
            self.add_book()
        elif code:
            self.selection.select(book=code)

    def add_book(self) -> None:
        """"Add New Price Book +": choose a price book to set prices in."""
        shown = {c for c, _ in self.books()}
        choices = [b for b in self.reference.get("price_books", []) if b["code"] not in shown]
        labels = [f"{b['name']} ({b['code']})" for b in choices]
        label, ok = QInputDialog.getItem(self, "Add New Price Book",
                                         "Price book to configure prices for:", labels, 0, False)
        if ok and label in labels:
            code = choices[labels.index(label)]["code"]
            self.selection.extra_books.add(code)
            self.selection.select(book=code)
        self.refresh()

    def _currency_toggled(self, code: str, checked: bool) -> None:
        draft = self.draft
        if draft is None:
            return
        fi = self.fi
        freq = draft.frequency(fi)
        order = [c["code"] for c in self.reference.get("currencies", [])]
        current = set(freq["currencies"])
        current = current | {code} if checked else current - {code}
        new = [c for c in order if c in current]
        if checked:
            draft.set(("frequencies", fi, "currencies"), new, f"Enable {code}")
            if self.selection.currency not in current:
                self.selection.select(currency=code)
            return
        draft.stack.beginMacro(f"Disable {code}")
        draft.set(("frequencies", fi, "currencies"), new, f"Disable {code}")
        if any(code in by_currency for by_currency in freq["price_books"].values()):
            def drop(books: dict[str, Any]) -> None:
                for by_currency in books.values():
                    by_currency.pop(code, None)

            edit_price_books(draft, fi, drop, f"Remove the {code} prices")
        if not new and freq["active"]:
            draft.set(("frequencies", fi, "active"), False, "Deactivate")
        draft.stack.endMacro()
        if self.selection.currency == code:
            self.selection.select(currency=new[0] if new else None)
            if not new:
                self.selection.currency = None
                self.selection.changed.emit()
