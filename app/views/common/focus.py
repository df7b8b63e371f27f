"""Tab order that follows the form: the order in which a panel's or dialog's layouts place its
fields (a form row by row, a row of buttons left to right, a two-column form column by column),
not the order in which the widgets happened to be created."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QFormLayout,
    QGridLayout,
    QLayout,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QWidget,
)

_TAB = Qt.FocusPolicy.TabFocus


def _takes_tab(widget: QWidget) -> bool:
    return bool(widget.focusPolicy().value & _TAB.value)


def _layout_items(layout: QLayout) -> Iterator[QWidget | QLayout]:
    """The widgets and nested layouts of ``layout`` in reading order."""
    if isinstance(layout, QFormLayout):
        for row in range(layout.rowCount()):
            for role in (QFormLayout.ItemRole.LabelRole, QFormLayout.ItemRole.FieldRole,
                         QFormLayout.ItemRole.SpanningRole):
                item = layout.itemAt(row, role)
                if item is not None:
                    yield from _item(item)
        return
    indexes: list[int] = list(range(layout.count()))
    if isinstance(layout, QGridLayout):
        def place(i: int) -> tuple[int, int]:
            position: Any = layout.getItemPosition(i)  # row, column, row span, column span
            return int(position[0]), int(position[1])
        indexes.sort(key=place)
    for i in indexes:
        item = layout.itemAt(i)
        if item is not None:
            yield from _item(item)


def _item(item: object) -> Iterator[QWidget | QLayout]:
    widget = item.widget()  # type: ignore[attr-defined]
    if widget is not None:
        yield widget
        return
    nested = item.layout()  # type: ignore[attr-defined]
    if nested is not None:
        yield nested


def focus_chain(root: QWidget) -> list[QWidget]:
    """The widgets of ``root`` that Tab stops at, in the order its layouts show them."""
    out: list[QWidget] = []
    _collect_children(root, out)
    return out


def _collect_children(widget: QWidget, out: list[QWidget]) -> None:
    if isinstance(widget, QTabWidget):
        for i in range(widget.count()):
            page = widget.widget(i)
            if page is not None:
                _collect(page, out)
        return
    if isinstance(widget, QScrollArea):
        inner = widget.widget()
        if inner is not None:
            _collect(inner, out)
        return
    if isinstance(widget, (QSplitter, QStackedWidget)):
        for i in range(widget.count()):
            child = widget.widget(i)
            if child is not None:
                _collect(child, out)
        return
    layout = widget.layout()
    if layout is not None:
        _collect_layout(layout, out)


def _collect_layout(layout: QLayout, out: list[QWidget]) -> None:
    for entry in _layout_items(layout):
        if isinstance(entry, QLayout):
            _collect_layout(entry, out)
        else:
            _collect(entry, out)


def _collect(widget: QWidget, out: list[QWidget]) -> None:
    container = isinstance(widget, (QTabWidget, QScrollArea, QSplitter, QStackedWidget)) \
        or (widget.layout() is not None and not isinstance(widget, QAbstractScrollArea))
    if _takes_tab(widget) and not isinstance(widget, QScrollArea):
        out.append(widget)  # a checkable group box or a tab widget, too
    if container:
        _collect_children(widget, out)  # a field's own parts (a spin box's edit) are its own


def follow_the_form(root: QWidget) -> list[QWidget]:
    """Make Tab go through ``root``'s fields in the order its layouts show them (call once the
    layouts are built), and again each time ``root`` is shown (a button box lays its buttons
    out, and orders them, only then); returns that order."""
    if not any(isinstance(child, _Reorder) for child in root.children()):
        root.installEventFilter(_Reorder(root))
    return _apply(root)


def _apply(root: QWidget) -> list[QWidget]:
    chain = focus_chain(root)
    for before, after in zip(chain, chain[1:], strict=False):
        # A focusable container (a checkable group box, a tab widget) comes before its own
        # fields already; Qt would put ``after`` behind the container's last field instead.
        if not before.isAncestorOf(after):
            QWidget.setTabOrder(before, after)
    return chain


class _Reorder(QObject):
    """Applies the form's tab order when its widget is shown."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        if event.type() == QEvent.Type.Show and isinstance(watched, QWidget):
            _apply(watched)
        return False
