"""One function per job, called by both the window and the command line.

- :func:`read_document`: read a catalog or account file with the hardened reader
  (:mod:`app.catalog.document.safe_json`): a duplicated key, ``NaN``, bytes that are not UTF-8
  are refused, with the file, line and column named;
- :func:`check_catalog`: the JSON Schema, the references and business rules, then the lint
  smells, each problem once;
- :func:`prepare_billing` and :func:`bill_account`: simulate; a catalog from a file gets the
  same checks as ``validate`` (and ``import``) first, so nothing refused there is billed here;
- :func:`export_data` and :func:`write_export`: an export of the saved catalog, as JSON or Kill
  Bill XML, written whole or not at all and recorded for the Changes tab.

The window (``app.views``) and the commands (``app.cli``) only parse, show and ask; when both
do a job they go through the same function here, so they cannot disagree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from sqlalchemy.exc import DBAPIError

from app.catalog.atomic_write import write_bytes_atomically
from app.catalog.database.store import Changes, export_catalog, record_export
from app.catalog.database.store import check_catalog as store_check_catalog
from app.catalog.document.safe_json import load_json_document
from app.catalog.errors import ImportFailure
from app.engine.problems import Problem, ScenarioError
from app.models.database import Database

# The views reach these through this module (``lint-imports`` keeps them off app.models).
from app.models.failures import database_failure_message as database_failure_message
from app.models.failures import file_failure_message as file_failure_message

#: The database failures a view catches (busy, read-only, full disk...).
DatabaseFailure = DBAPIError

Doc = dict[str, Any]

__all__ = [
    "Billing",
    "BillOutcome",
    "bill_account",
    "check_catalog",
    "check_catalog_file",
    "errors_of",
    "export_data",
    "prepare_billing",
    "read_document",
    "write_export",
]


# --- reading a file --------------------------------------------------------------------------


def read_document(path: str | Path, *, source: str | None = None) -> object:
    """The JSON document in the file at ``path``, read with the hardened reader.

    Raises :class:`ImportFailure` naming ``source`` (default: the path) for a file that cannot
    be read, is not UTF-8, is not JSON, or holds what JSON readers silently accept but an
    import must not (a duplicated key, ``NaN``, a number too long, nesting too deep).
    """
    name = str(path) if source is None else source
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        message = f"{name}: cannot read the file ({exc.strerror or exc})"
        raise ImportFailure(message, [Problem("", f"cannot read the file ({exc.strerror or exc})")]
                            ) from exc
    return load_json_document(data, source=name)


# --- checking a catalog ----------------------------------------------------------------------


def errors_of(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity == "error"]


def check_catalog(doc: object, *, lint: bool = True) -> list[Problem]:
    """Every problem of a catalog document, each once: the schema, the references and business
    rules (errors, and a few warnings) in document order, then the lint smells (warnings) when
    the document's structure held. Never raises for JSON-like input."""
    return store_check_catalog(doc, lint=lint).problems


def check_catalog_file(path: str | Path) -> tuple[Doc | None, list[Problem]]:
    """Read and check a catalog file: the document (when the text is a JSON object, even one
    with problems, else ``None``) and its problems; a file that cannot be read or parsed is one
    problem naming the line and column."""
    try:
        doc = read_document(path)
    except ImportFailure as exc:
        first = exc.problems[0] if exc.problems else Problem("", exc.message)
        return None, [Problem(first.path, exc.message)]
    return (doc if isinstance(doc, dict) else None), check_catalog(doc)


# --- simulating ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Billing:
    """A catalog ready to bill (the engine's snapshot), or the problems that prevent it."""

    catalog: Any
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.catalog is not None


@dataclass(frozen=True)
class BillOutcome:
    """One simulation: the bill document, or the problems that prevent it. With a bill,
    ``problems`` holds the warnings (things billed anyway that deserve a look). ``catalog_fault``
    says the catalog, not the account, is at fault."""

    bill: Doc | None
    problems: list[Problem] = field(default_factory=list)
    catalog_fault: bool = False

    @property
    def ok(self) -> bool:
        return self.bill is not None


def prepare_billing(doc: object, *, trusted: bool) -> Billing:
    """The engine's snapshot of a catalog document.

    ``trusted`` is for the saved catalog: the database's constraints already hold every
    reference, so each package frequency is built (and checked) when an account first uses
    it, which keeps a large catalog quick. Any other document (a file) gets the checks of
    ``validate`` and ``import`` first: a catalog they refuse is not billed.
    """
    from app.engine import catalog_from_document

    if not trusted:
        checked = store_check_catalog(doc)
        errors = errors_of(checked.problems)
        if errors:
            return Billing(None, errors)
        doc = checked.document  # as the contract reads it (nulls dropped, x- keys taken out)
    if not isinstance(doc, Mapping):
        return Billing(None, [Problem("", "a catalog document must be a JSON object")])
    try:
        return Billing(catalog_from_document(doc, check=not trusted))
    except ScenarioError as exc:
        return Billing(None, list(exc.problems))


def replace_packages(catalog: Any, fresh: list[Any], removed: set[str]) -> Any:
    """The engine's snapshot ``catalog`` with the packages ``fresh`` rebuilt and ``removed``
    gone, the rest shared (what follows the save of one package)."""
    from app.engine import replace_packages as engine_replace_packages

    return engine_replace_packages(catalog, fresh, removed)


def bill_account(billing: Billing, account_doc: object, start: dt.date, periods: int, *,
                 trusted: bool = False) -> BillOutcome:
    """The bills of an account scenario for ``periods`` periods from ``start``.

    An account from a file is checked against the account JSON Schema first; ``trusted`` is
    for the simulator's own scenario (the editor writes well-typed values), checked against
    the schema only when the engine refuses it, since the schema is a third of the time of a
    recomputation.
    """
    from app.catalog.database.accounts import schema_problems
    from app.catalog.document.contract import normalize
    from app.engine import CatalogError, account_from_document, bill_to_document, simulate

    if not billing.ok:
        return BillOutcome(None, billing.problems, catalog_fault=True)
    account_doc, _extensions = normalize(account_doc, "account")
    if not trusted:
        problems = schema_problems(account_doc)
        if problems:
            return BillOutcome(None, problems)
    if not isinstance(account_doc, Mapping):
        return BillOutcome(None, [Problem("", "an account document must be a JSON object")])
    built = False
    try:
        account = account_from_document(account_doc, billing.catalog)
        built = True
        bill = bill_to_document(simulate(billing.catalog, account, start, periods))
    except ScenarioError as exc:  # a CatalogError: a frequency of a trusted catalog, built now
        return BillOutcome(None, list(exc.problems),
                           catalog_fault=built or isinstance(exc, CatalogError))
    except Exception as exc:
        if not trusted:
            raise  # the document passed the schema: the engine's fault (the CLI's status 1)
        # the window shows the scenario's faults (or the failure) beside the bill, never a crash
        return BillOutcome(None, schema_problems(account_doc) or [
            Problem("", f"the billing engine failed: {exc!r}")])
    return BillOutcome(bill, list(account.warnings))


# --- exporting -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportData:
    """An export of the saved catalog: the document, the bytes to write, and what the format
    could not carry (Kill Bill XML only)."""

    document: Doc
    data: bytes
    notes: list[Any] = field(default_factory=list)
    #: Set by :func:`write_export` when the file was written but the export not recorded.
    notice: str | None = None


def export_data(db: Database, fmt: str = "json") -> ExportData:
    """The saved catalog as JSON (``"json"``) or Kill Bill catalog XML (``"killbill-xml"``)."""
    doc = export_catalog(db)
    for version in doc.get("versions") or ():
        version["published"] = True  # exporting publishes every version (docs/versions.md)
    if fmt == "killbill-xml":
        from app.catalog.killbill import catalog_to_killbill

        data, notes = catalog_to_killbill(doc)
        return ExportData(doc, data, list(notes))
    from app.catalog.database.export import document_bytes

    return ExportData(doc, document_bytes(doc))


def write_file_atomically(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` whole or not at all (see :mod:`app.catalog.atomic_write`)."""
    write_bytes_atomically(path, data)


def write_export(db: Database, path: str, fmt: str = "json", *,
                 export: ExportData | None = None) -> tuple[Changes, ExportData]:
    """Export the saved catalog to ``path`` (``"-"``: nothing written, the caller prints the
    bytes) and record the export. Returns what changed (the export history) and the export.
    Raises ``OSError`` when the file cannot be written; nothing is recorded then."""
    export = export or export_data(db, fmt)
    if path != "-":
        write_file_atomically(path, export.data)
    if getattr(db, "read_only", False):
        export = replace(export, notice=f"{db.location}: read-only, so this export is not "
                         "recorded for `diff --since-last-export`")
        return Changes(), export
    try:
        return record_export(db, path, fmt, export.document), export
    except DBAPIError as exc:  # the file is written; only the history is not
        reason = database_failure_message(exc, str(db.location))
        if reason is None:
            raise
        export = replace(export, notice=f"{reason} (the export was written; it is not "
                         "recorded for `diff --since-last-export`)")
        return Changes(), export
