"""The checks of the saved catalog, as the Checks tab runs them: the checks of ``catalog-editor
validate`` (``store.check_catalog``), then the lint smells in steps, each fault once; each
problem with the package frequency it is in and where it is, in the catalog's words.

A large catalog is checked in a process of its own (:func:`checked_steps` with ``in_child``):
checking reads the whole catalog as objects (about 410 MB at 30,000 frequencies) and its ten
seconds of work would hold Python's lock against the window. The window then only receives the
rows, as each step finishes, and Cancel ends the process.
"""

from __future__ import annotations

import multiprocessing
import re
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection
from typing import Any

from app.catalog.database import store
from app.catalog.document.lint import PACKAGES_PER_STEP, lint_steps
from app.catalog.document.paths import describe_path
from app.catalog.errors import Problem
from app.models.database import Database, open_database

Row = tuple[Problem, str, str]
"""A problem, the frequency (else the package) it is in, and where it is."""
Step = tuple[int, int, str, list[Row]]
"""Steps done, steps in all, what is being done, and the rows this step found."""

CHILD_FROM_PACKAGES = 2000
"""From this many packages the checks run in a process of their own."""

_FREQUENCY_PATH = re.compile(r"^packages\[(\d+)\](?:\.frequencies\[(\d+)\])?")


def frequency_of(doc: dict[str, Any], path: str) -> str:
    """The package frequency (else the package) a problem's path points into, or ""."""
    match = _FREQUENCY_PATH.match(path)
    if match is None:
        return ""
    try:
        package = doc["packages"][int(match.group(1))]
        if match.group(2) is None:
            return str(package["name"])
        return str(package["frequencies"][int(match.group(2))]["name"])
    except (KeyError, IndexError, TypeError):
        return ""


def check_steps(doc: dict[str, Any]) -> Iterator[Step]:
    """The checks of ``doc`` (a whole catalog document, plain lists), step by step."""
    packages = len(doc.get("packages") or [])
    steps = 2 + max(1, -(-packages // PACKAGES_PER_STEP))
    yield 0, steps, "checking the schema, references and rules", []
    checked = store.check_catalog(doc)
    seen = set(checked.problems)

    def row(p: Problem) -> Row:
        return p, frequency_of(doc, p.path), (describe_path(doc, p.path) or "") if p.path else ""

    yield 1, steps, "checking the schema, references and rules", [
        row(p) for p in checked.problems]
    if any(p.severity == "error" for p in checked.problems) and not isinstance(
            checked.document, dict):
        return
    done = 1
    try:
        for step in lint_steps(doc):
            done += 1
            yield min(done, steps), steps, "looking for smells", [
                row(p) for p in step if p not in seen]
    except (KeyError, TypeError, AttributeError):
        pass  # lint expects a schema-valid document; validation has said why it is not


def checked_steps(db: Database, *, in_child: bool | None = None,
                  cancelled: Callable[[], bool] = lambda: False) -> Iterator[Step]:
    """The checks of the saved catalog of ``db``, step by step: in this process, or (with
    ``in_child``; None: when the catalog has :data:`CHILD_FROM_PACKAGES` packages or more) in
    a process of its own that opens the database read-only, ended as soon as ``cancelled()``
    says so. RuntimeError when that process fails."""
    if in_child is None:
        in_child = store.package_count(db) >= CHILD_FROM_PACKAGES
    if not in_child:
        yield 0, 0, "reading the saved catalog", []
        yield from check_steps(store.whole_snapshot_document(db))
        return
    target = (db.location if db.engine.dialect.name == "sqlite"
              else db.engine.url.render_as_string(hide_password=False))
    context = multiprocessing.get_context("spawn")  # no Qt, no threads copied into it
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(target, send), daemon=True,
                              name="catalog-editor checks")
    process.start()
    send.close()
    try:
        yield 0, 0, "reading the saved catalog", []
        while not cancelled():
            if not receive.poll(0.1):
                if not process.is_alive() and not receive.poll():
                    raise RuntimeError(f"the checking process stopped (exit code "
                                       f"{process.exitcode})")
                continue
            try:
                message = receive.recv()
            except EOFError:
                raise RuntimeError("the checking process stopped unexpectedly") from None
            if message is None:
                process.join(5)  # done: let it end on its own
                return
            if isinstance(message, str):
                raise RuntimeError(message)
            yield message
    finally:  # cancelled, failed or done
        if process.is_alive():
            process.terminate()
            process.join(5)
        receive.close()


def _child(target: str, send: Connection) -> None:
    """The checking process: the steps of :func:`check_steps` sent one by one, then None; a
    failure's message as a str."""
    try:
        db = open_database(target, create=False,
                           read_only_reason="the Checks only read it")
        try:
            doc = store.whole_snapshot_document(db)
            for step in check_steps(doc):
                send.send(step)
        finally:
            db.close()
        send.send(None)
    except Exception as exc:  # reported in the window, as the in-process checks would be
        send.send(f"{type(exc).__name__}: {exc}")
    finally:
        send.close()
