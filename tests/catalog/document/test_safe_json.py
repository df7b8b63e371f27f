"""load_json_document: what a user gets for good files and for hostile ones."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from app.catalog.document.safe_json import MAX_DEPTH, load_json_document
from app.catalog.errors import ImportFailure

DATA = Path(__file__).parent.parent / "data"


def refused(data: bytes | str, **kwargs: int) -> ImportFailure:
    with pytest.raises(ImportFailure) as info:
        load_json_document(data, source="cat.json", **kwargs)
    assert info.value.message.startswith("cat.json: ")
    return info.value


def test_the_spec_example_loads_exactly_as_json_does() -> None:
    raw = (DATA / "spec_example_catalog.json").read_bytes()
    assert load_json_document(raw, source="spec") == json.loads(raw)
    assert load_json_document(raw.decode("utf-8"), source="spec") == json.loads(raw)


def test_money_strings_and_small_numbers_come_back_unchanged() -> None:
    doc = load_json_document(b'{"amount": "50.00", "end": 9, "n": 1.5, "x": null}', source="s")
    assert doc == {"amount": "50.00", "end": 9, "n": 1.5, "x": None}


def test_duplicate_key_is_named_with_its_line_column_and_path() -> None:
    text = '{\n  "a": 1,\n  "b": {"c": 2, "c": 3}\n}'
    failure = refused(text.encode())
    assert "duplicate key 'c'" in failure.message
    assert "line 3 column 17" in failure.message
    assert [p.path for p in failure.problems] == ["b.c"]


def test_duplicate_keys_in_different_objects_are_fine() -> None:
    assert load_json_document('[{"a": 1}, {"a": 2}]', source="s") == [{"a": 1}, {"a": 2}]


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_refused(literal: str) -> None:
    failure = refused(f'{{"amount":\n {literal}}}'.encode())
    assert literal in failure.message
    assert "line 2 column 2" in failure.message


def test_enormous_integer_is_refused_quickly_with_its_position() -> None:
    started = time.perf_counter()
    failure = refused(b'{"end": ' + b"9" * 100_000 + b"}")
    assert time.perf_counter() - started < 1
    assert "too large" in failure.message and "line 1 column 9" in failure.message


def test_float_overflowing_to_infinity_is_refused() -> None:
    failure = refused(b"[1, 2e999]")
    assert "out of range" in failure.message and "column 5" in failure.message


def test_nesting_one_level_too_deep_is_refused_at_its_position() -> None:
    ok = "[" * MAX_DEPTH + "]" * MAX_DEPTH
    assert load_json_document(ok, source="s") is not None
    failure = refused("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1))
    assert f"deeper than {MAX_DEPTH}" in failure.message
    assert f"column {MAX_DEPTH + 1}" in failure.message


def test_a_hundred_thousand_levels_fail_fast_without_recursion() -> None:
    started = time.perf_counter()
    failure = refused(b'{"a": ' + b"[" * 100_000 + b"]" * 100_000 + b"}")
    assert "deeper than" in failure.message
    assert time.perf_counter() - started < 2


def test_brackets_inside_strings_do_not_count_as_nesting() -> None:
    text = json.dumps({"note": "[" * 500 + '\\"{{{', "x": ["]]]"]})
    assert load_json_document(text, source="s") == json.loads(text)


def test_non_utf8_bytes_are_refused_with_their_line() -> None:
    failure = refused(b'{\n"name": "caf\xe9"}')
    assert "not UTF-8" in failure.message and "line 2 column 13" in failure.message


def test_utf16_is_refused_and_a_utf8_byte_order_mark_is_accepted() -> None:
    refused('{"a": 1}'.encode("utf-16"))
    assert load_json_document(b'\xef\xbb\xbf{"a": 1}', source="s") == {"a": 1}


def test_size_limit() -> None:
    failure = refused(b'{"a": "' + b"x" * 100 + b'"}', max_bytes=50)
    assert "too large" in failure.message
    assert "109 bytes; the limit is 50 bytes" in failure.message
    assert "sized for catalogs of up to 30,000 packages" in failure.message


def test_the_limit_has_room_for_the_largest_catalog_the_editor_is_sized_for(
        tmp_path: Path) -> None:
    """The generator's largest catalog (30,000 packages, 90,000 frequencies), as the editor
    exports it (indented), scaled up from a hundredth of it, fits with room to spare (measured
    whole: 243 MB as generated, 775 MB exported; see benchmarks/bench_large_file.py)."""
    import sys

    from app.catalog.database import store
    from app.catalog.document import safe_json

    sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "benchmarks"))
    from generate_catalog import generate_catalog

    hundredth = generate_catalog(300, 900)
    db = store.open_catalog(tmp_path / "c.sqlite")
    store.import_catalog(db, hundredth)
    exported = store.export_catalog(db)
    db.close()
    size = len(json.dumps(exported, indent=2, ensure_ascii=False).encode("utf-8"))
    assert 1.2 * 100 * size < safe_json.MAX_BYTES
    assert 100 * size > safe_json.MAX_BYTES / 2  # and the limit is not far beyond


def test_validate_and_import_refuse_a_file_over_the_limit_saying_why(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from app.catalog.document import safe_json
    from app.cli import cli

    path = tmp_path / "big.json"
    path.write_text('{"format": "catalog", "version": 1, "packages": []}' + " " * 200)
    monkeypatch.setattr(safe_json, "MAX_BYTES", 100)
    for args in (["validate", str(path)], ["import", "--db", str(tmp_path / "c.sqlite"),
                                           str(path)]):
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 2
        assert "too large (251 bytes; the limit is 100 bytes" in result.output
        assert "30,000 packages" in result.output
    assert not (tmp_path / "c.sqlite").exists()  # refused before the database is touched


def test_lone_surrogate_is_refused_but_a_pair_is_text() -> None:
    assert load_json_document(b'["\\ud83d\\ude00"]', source="s") == ["\U0001f600"]
    failure = refused(b'["ok",\n "\\ud800"]')
    assert "surrogate" in failure.message and "line 2 column 3" in failure.message


def test_syntax_errors_name_line_and_column() -> None:
    failure = refused(b'{"a": 1,\n "b": }')
    assert "not valid JSON" in failure.message and "line 2 column 7" in failure.message


def test_wrong_argument_type_is_an_import_failure() -> None:
    with pytest.raises(ImportFailure):
        load_json_document(123, source="s")  # type: ignore[arg-type]


@pytest.mark.parametrize("text", [
    '{"a": {"b": [1, {"k": "x:y", "k": "z"}]}}',  # the duplicate's value holds a colon
    '{"a": 1, "b": {"c": 2}, "b": {"c": 2}}',  # duplicate at the top, equal values
    '{"t": "10:30", "t": "10:30"}',
])
def test_duplicates_are_refused_however_the_colons_fall(text: str) -> None:
    assert "duplicate key" in refused(text.encode()).message


def test_integers_past_64_bits_stay_exact_integers() -> None:
    doc = load_json_document(b'{"end": 18446744073709551617, "small": -9223372036854775809}',
                             source="s")
    assert doc == {"end": 18446744073709551617, "small": -9223372036854775809}
    assert all(type(v) is int for v in doc.values())  # type: ignore[union-attr]


def test_colons_inside_strings_and_escaped_colons_read_as_json_does() -> None:
    text = '{"url": "http://x:80/a", "esc": "a\\u003ab", "k\\u003a": {"q": "\\"x\\":1"}}'
    assert load_json_document(text.encode(), source="s") == json.loads(text)
    assert load_json_document(text, source="s") == json.loads(text)


def test_exactly_the_deepest_nesting_allowed_loads() -> None:
    text = "[" * MAX_DEPTH + "]" * MAX_DEPTH
    assert load_json_document(text.encode(), source="s") == json.loads(text)


def test_a_document_that_is_one_huge_number_stays_exact() -> None:
    text = "9" * 39
    assert load_json_document(text.encode(), source="s") == int(text)
