"""Import with a preview of the changes (Apply / Cancel), and the Changes and Checks tabs of
the main window."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from model_testers import check_model
from PySide6.QtWidgets import QDialog

from app.catalog.database import store
from app.catalog.document.diff import diff_catalogs
from app.views import file_dialogs
from app.views.catalog.dialogs.import_preview import ImportPreviewDialog
from app.views.main_window import MainWindow
from app.views.review.changes import ChangesView
from app.views.review.checks import LintView

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints", "does not support raise",
                                       "does not support grabbing")


def make_window(qtbot: Any, db: Any) -> MainWindow:
    win = MainWindow(db)
    qtbot.addWidget(win, before_close_func=lambda w: w.editor._drop_draft())
    win.resize(1100, 700)
    win.show()
    return win


def answer(monkeypatch: pytest.MonkeyPatch, reply: bool) -> list[dict[str, Any]]:
    asked: list[dict[str, Any]] = []

    def ask(_parent: Any, *, source: str, changes: list[Any]) -> bool:
        asked.append({"source": source, "changes": changes})
        return reply

    monkeypatch.setattr(ImportPreviewDialog, "ask", staticmethod(ask))
    return asked


@pytest.fixture
def two_packages(tmp_path: Path, demo_catalog: dict[str, Any]) -> Path:
    doc = dict(demo_catalog)
    doc["packages"] = demo_catalog["packages"][:2]
    path = tmp_path / "two.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def test_cancel_changes_nothing(qtbot: Any, demo_db: Any, two_packages: Path,
                                monkeypatch: pytest.MonkeyPatch) -> None:
    window = make_window(qtbot, demo_db)
    before = store.export_catalog(demo_db)
    asked = answer(monkeypatch, False)
    with qtbot.assertNotEmitted(window.catalogChanged):
        assert not window.import_catalog(str(two_packages), preview=True)
    assert store.export_catalog(demo_db) == before
    [question] = asked
    assert question["source"] == "two.json"
    removed = {c.name for c in question["changes"] if c.kind == "package"}
    assert removed == {p["name"] for p in before["packages"][2:]}
    assert {c.action for c in question["changes"]} == {"removed"}


def test_apply_imports(qtbot: Any, demo_db: Any, two_packages: Path,
                       monkeypatch: pytest.MonkeyPatch) -> None:
    window = make_window(qtbot, demo_db)
    asked = answer(monkeypatch, True)
    with qtbot.waitSignal(window.catalogChanged):
        assert window.import_catalog(str(two_packages), preview=True)
    assert len(asked) == 1
    assert len(store.export_catalog(demo_db)["packages"]) == 2
    assert window.editor.panel.model.package_count() == 2


def test_file_import_previews(qtbot: Any, demo_db: Any, two_packages: Path,
                              monkeypatch: pytest.MonkeyPatch) -> None:
    window = make_window(qtbot, demo_db)
    asked = answer(monkeypatch, False)
    monkeypatch.setattr(file_dialogs, "get_open_file_name",
                        lambda *a, **k: (str(two_packages), ""))
    window.import_action.trigger()
    assert len(asked) == 1
    assert len(store.export_catalog(demo_db)["packages"]) > 2


def test_no_preview_for_an_empty_catalog_or_a_refused_file(
        qtbot: Any, db: Any, two_packages: Path, tmp_path: Path,
        demo_catalog: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    window = make_window(qtbot, db)
    asked = answer(monkeypatch, False)
    assert window.import_catalog(str(two_packages), preview=True)
    bad = dict(demo_catalog)
    bad["currencies"] = [{"code": "usd", "minor_units": 2}]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad), encoding="utf-8")
    assert not window.import_catalog(str(path), preview=True)  # the problems are listed
    window.last_report.close()
    assert asked == []
    assert len(store.export_catalog(db)["packages"]) == 2


def test_the_dialog_lists_the_changes(qtbot: Any, demo_db: Any,
                                      demo_catalog: dict[str, Any]) -> None:
    new = dict(demo_catalog)
    new["packages"] = demo_catalog["packages"][1:]
    changes = diff_catalogs(store.export_catalog(demo_db), new)
    dialog = ImportPreviewDialog(None, source="new.json", changes=changes)
    qtbot.addWidget(dialog)
    check_model(dialog.model)
    assert "new.json" in dialog.header.text()
    [(kind, name, action, field, old, new_value)] = dialog.model.rows()
    assert (kind, name, action, field, new_value) == (
        "package", demo_catalog["packages"][0]["name"], "removed", "", "")
    assert old.startswith('{"name": ') and old.endswith("…")
    assert dialog.summary.text() == "1 change: 1 removed. Apply them?"
    assert dialog.apply_button.text() == "Apply"
    dialog.show()
    dialog.cancel_button.click()
    assert dialog.result() == QDialog.DialogCode.Rejected


def test_the_changes_and_checks_tabs(qtbot: Any, demo_db: Any,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(MainWindow, "review_tabs", True)
    window = make_window(qtbot, demo_db)
    assert [window.tabs.tabText(i) for i in range(window.tabs.count())] == [
        "Catalog", "Setup", "Simulator", "Changes", "Checks", "Scheduled changes"]
    assert window.changes_view is None and window.lint_view is None  # built when first shown
    window.tabs.setCurrentIndex(3)
    assert isinstance(window.changes_view, ChangesView)
    assert window.tabs.currentWidget() is window.changes_view
    window.tabs.setCurrentIndex(4)
    assert isinstance(window.lint_view, LintView)
    lint = window.lint_view
    qtbot.waitUntil(lambda: not lint.is_running())
    assert lint.model.rowCount() == 0

    doc = store.package_document(demo_db, "Mobile")
    doc["frequencies"][0]["active"] = False
    changes = store.save_package(demo_db, doc, original_name="Mobile")
    window._broadcast(changes)
    qtbot.waitUntil(lambda: not lint.is_running() and lint.model.rowCount() == 1)
    window.tabs.setCurrentIndex(3)
    review = window.changes_view
    qtbot.waitUntil(lambda: not review.is_running())
    assert review.header.text() == "Never exported: everything is new"
    assert window.export_catalog(str(Path(demo_db.location).with_name("out.json")))
    qtbot.waitUntil(lambda: not review.is_running())
    assert review.model.rowCount() == 0


def test_preview_and_apply_validate_the_document_once(qtbot: Any, demo_db: Any,
                                                      two_packages: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """A large catalog takes seconds to check: the preview's check is the import's."""
    from app.catalog.document import validation

    window = make_window(qtbot, demo_db)
    calls: list[object] = []
    real = validation.validate_catalog_structure

    def counting(doc: object) -> Any:
        calls.append(doc)
        return real(doc)

    monkeypatch.setattr(validation, "validate_catalog_structure", counting)
    asked = answer(monkeypatch, True)
    with qtbot.waitSignal(window.catalogChanged):
        assert window.import_catalog(str(two_packages), preview=True)
    assert len(asked) == 1 and asked[0]["changes"]
    assert len(calls) == 1
    assert window.editor.panel.model.package_count() == 2


def test_a_file_the_hardened_reader_refuses_is_not_imported(qtbot: Any, demo_db: Any,
                                                             tmp_path: Path) -> None:
    window = make_window(qtbot, demo_db)
    before = store.export_catalog(demo_db)
    path = tmp_path / "twice.json"
    path.write_text('{"format": "catalog",\n "format": "catalog"}', encoding="utf-8")
    assert not window.import_catalog(str(path), preview=True)
    box = window.last_report
    assert "duplicate key 'format'" in box.text() and "line 2" in box.text()
    assert store.export_catalog(demo_db) == before
