"""The Checks tab: validation problems and lint warnings of the saved catalog, worked out off
the GUI thread."""

from __future__ import annotations

from typing import Any

import pytest
from model_testers import check_model
from PySide6.QtCore import Qt

from app.catalog.database import store
from app.views.review.checks import LintView

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


def make_view(qtbot: Any, db: Any) -> LintView:
    view = LintView(db)
    qtbot.addWidget(view)
    check_model(view.model)
    check_model(view.proxy)
    return view


def settled(qtbot: Any, view: LintView) -> None:
    qtbot.waitUntil(lambda: not view.is_running(), timeout=20_000)


def deactivate_all_frequencies(db: Any, name: str) -> store.Changes:
    doc = store.package_document(db, name)
    for freq in doc["frequencies"]:
        freq["active"] = False
    return store.save_package(db, doc, original_name=name)


def test_a_clean_catalog_has_no_problems(qtbot: Any, demo_db: Any) -> None:
    view = make_view(qtbot, demo_db)
    settled(qtbot, view)
    assert view.model.rowCount() == 0
    assert view.summary.text() == "No problems found in the saved catalog."
    assert not view.progress.isVisibleTo(view) and not view.cancel_button.isVisibleTo(view)


def test_shows_the_warning_of_an_enabled_package_that_cannot_be_sold(
        qtbot: Any, demo_db: Any) -> None:
    view = make_view(qtbot, demo_db)
    view.show()
    settled(qtbot, view)
    changes = deactivate_all_frequencies(demo_db, "Mobile")
    view.on_catalog_changed(changes)
    assert view.is_running() and view.cancel_button.isVisible()
    with qtbot.waitSignal(view.checked, timeout=20_000):
        pass
    rows = view.model.rows()
    assert len(rows) == 1
    severity, path, message, frequency = rows[0]
    assert severity == "warning"
    assert path.startswith("packages[") and path.endswith("].enabled")
    assert frequency == "Mobile"  # the package: the path points at no frequency
    assert "'Mobile' is enabled but has no active frequency" in message
    assert view.summary.text() == "0 errors, 1 warning in the saved catalog."
    assert view.model.data(view.model.index(0, 2), Qt.ItemDataRole.ToolTipRole) == message


def test_refreshes_when_shown_after_a_change_and_on_the_button(
        qtbot: Any, demo_db: Any) -> None:
    view = make_view(qtbot, demo_db)
    settled(qtbot, view)
    view.on_catalog_changed(deactivate_all_frequencies(demo_db, "Mobile"))
    assert view.model.rowCount() == 0  # hidden: read when shown
    view.show()
    qtbot.waitUntil(lambda: view.model.rowCount() == 1 and not view.is_running())
    deactivate_all_frequencies(demo_db, "Home Phone")
    qtbot.mouseClick(view.refresh_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.model.rowCount() == 2 and not view.is_running())


def test_lists_each_problem_once_as_validate_does(qtbot: Any, db: Any, spec_catalog: Any,
                                                  tmp_path: Any) -> None:
    """The spec's catalog has tiers under tiering none: one warning from ``validate``, and one
    row here (the rule used to be written in validation and in lint, and the tab showed both)."""
    import json

    from click.testing import CliRunner

    from app.cli import cli

    store.import_catalog(db, spec_catalog)
    path = tmp_path / "saved.json"
    path.write_text(json.dumps(store.export_catalog(db)), encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", str(path)])
    assert result.exit_code == 0, result.output
    prefix = f"{path}: warning: "
    from_cli = sorted(line.removeprefix(prefix) for line in result.stderr.splitlines())
    view = make_view(qtbot, db)
    view.show()
    qtbot.waitUntil(lambda: not view.is_running() and view.model.rowCount() > 0)
    shown = sorted(f"{p}: {m}" for _s, p, m, _f in view.model.rows())
    assert shown == from_cli
    assert len(shown) == len(set(shown)) == 2  # the ignored tiers, the unused promo code


def test_an_entry_names_the_place_in_the_catalogs_words_and_opens_it(
        qtbot: Any, db: Any, spec_catalog: Any) -> None:
    """The spec catalog's ignored tiers: the row says where in the catalog's words, and Enter
    on it opens the frequency at the Recurring tab, on the price book, currency and row."""
    from app.views.main_window import MainWindow

    store.import_catalog(db, spec_catalog)
    window = MainWindow(db)
    qtbot.addWidget(window, before_close_func=lambda w: w.editor._drop_draft())
    window.show()
    window.tabs.setCurrentIndex(4)
    view = window.lint_view
    assert isinstance(view, LintView)
    check_model(view.model)
    qtbot.waitUntil(lambda: not view.is_running() and view.model.rowCount() > 0)
    rows = [view.model.data(view.model.index(r, 1)) for r in range(view.model.rowCount())]
    assert "Home Bundle Monthly › Standard › USD › Internet 100 › Tiers" in rows
    row = rows.index("Home Bundle Monthly › Standard › USD › Internet 100 › Tiers")
    tooltip = view.model.data(view.model.index(row, 1), Qt.ItemDataRole.ToolTipRole)
    assert tooltip.startswith("packages[0].frequencies[0].price_books.standard.USD.recurring[0]")
    view.table.setFocus()
    view.table.setCurrentIndex(view.proxy.index(row, 2))
    qtbot.keyClick(view.table, Qt.Key.Key_Return)
    assert window.tabs.currentIndex() == 0
    editor = window.editor
    assert editor.draft is not None and editor.draft.doc["name"] == "Home Bundle"
    fp = editor.frequency_panel
    assert fp.tabs.currentWidget() is fp.recurring_tab
    assert (fp.selection.book, fp.selection.currency) == ("standard", "USD")
    current = fp.recurring_tab.view.currentIndex()
    assert current.isValid() and fp.recurring_tab.model.services[current.row()] == "Internet 100"


def test_a_reference_problem_opens_its_row_in_setup(qtbot: Any, db: Any,
                                                    spec_catalog: Any) -> None:
    from app.views.main_window import MainWindow

    store.import_catalog(db, spec_catalog)
    window = MainWindow(db)
    qtbot.addWidget(window, before_close_func=lambda w: w.editor._drop_draft())
    window.show()
    assert window.open_problem("services[1].tax_category")
    assert window.tabs.currentIndex() == 1
    setup = window.setup_view
    assert setup is not None and setup.kind() == "services" and setup.current_row() == 1


def test_filters_by_severity_and_frequency_as_typed(qtbot: Any, demo_db: Any) -> None:
    doc = store.package_document(demo_db, "Mobile")
    doc["enabled"] = False  # its active frequencies cannot be sold: a warning on each
    store.save_package(demo_db, doc, original_name="Mobile")
    deactivate_all_frequencies(demo_db, "Home Phone")
    view = make_view(qtbot, demo_db)
    view.show()
    settled(qtbot, view)
    everything = view.proxy.rowCount()
    assert everything >= 2
    name = doc["frequencies"][0]["name"]
    qtbot.keyClicks(view.filter_edit, name.lower())
    shown = [view.proxy.index(r, 3).data() for r in range(view.proxy.rowCount())]
    assert shown and all(s == name for s in shown)
    view.filter_edit.clear()
    assert view.proxy.rowCount() == everything
    view.severity_combo.setCurrentIndex(view.severity_combo.findData("error"))
    assert view.proxy.rowCount() == 0  # warnings only in this catalog
    view.severity_combo.setCurrentIndex(view.severity_combo.findData("warning"))
    assert view.proxy.rowCount() == everything


def test_cancel_stops_the_checks_and_input_stays_responsive(qtbot: Any, demo_db: Any) -> None:
    view = make_view(qtbot, demo_db)
    view.show()
    settled(qtbot, view)
    view.refresh()
    assert view.is_running()
    qtbot.keyClicks(view.filter_edit, "Mobile")  # typing while the checks run
    assert view.filter_edit.text() == "Mobile"
    qtbot.mouseClick(view.cancel_button, Qt.MouseButton.LeftButton)
    assert not view.is_running() and "cancelled" in view.summary.text()
    assert not view.cancel_button.isVisible()
    qtbot.mouseClick(view.refresh_button, Qt.MouseButton.LeftButton)
    settled(qtbot, view)
    assert view.summary.text() == "No problems found in the saved catalog."


def test_a_large_catalog_is_checked_in_a_process_of_its_own_with_the_same_rows(
        qtbot: Any, db: Any, spec_catalog: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """From ``CHILD_FROM_PACKAGES`` packages the checks run in a separate process (the whole
    catalog as objects stays out of the window's memory, the work off its Python lock): the
    rows listed are those of the checks run in the window's own process."""
    import multiprocessing

    from app.catalog import checks

    store.import_catalog(db, spec_catalog)
    view = make_view(qtbot, db)
    view.show()
    settled(qtbot, view)
    in_process = view.model.rows()
    assert len(in_process) == 2
    started: list[Any] = []
    real_context = multiprocessing.get_context

    def watched(method: str) -> Any:
        context = real_context(method)
        real_process = context.Process

        def process(*args: Any, **kwargs: Any) -> Any:
            started.append(real_process(*args, **kwargs))
            return started[-1]

        monkeypatch.setattr(context, "Process", process)
        return context

    monkeypatch.setattr(checks.multiprocessing, "get_context", watched)
    monkeypatch.setattr(checks, "CHILD_FROM_PACKAGES", 1)
    with qtbot.waitSignal(view.checked, timeout=60_000):
        qtbot.mouseClick(view.refresh_button, Qt.MouseButton.LeftButton)
    assert len(started) == 1 and started[0].exitcode == 0
    assert view.model.rows() == in_process
    assert view.summary.text() == "0 errors, 2 warnings in the saved catalog."


def test_cancel_ends_the_checking_process(qtbot: Any, demo_db: Any,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from app.catalog import checks

    monkeypatch.setattr(checks, "CHILD_FROM_PACKAGES", 1)
    alive: list[bool] = []
    steps = checks.checked_steps(demo_db, cancelled=lambda: bool(alive))
    assert next(steps)[2] == "reading the saved catalog"
    alive.append(True)  # Cancel: the process is ended, no further step comes
    assert list(steps) == []
    import multiprocessing

    assert not [p for p in multiprocessing.active_children()
                if p.name == "catalog-editor checks"]
