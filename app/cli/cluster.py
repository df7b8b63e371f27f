"""``simulate-book --cluster ADDRESS``: the book's chunks on a Dask cluster.

The client connects to the scheduler at ADDRESS (``tcp://HOST:8786``) within
:data:`CONNECT_TIMEOUT` seconds, checks that its workers run this version of catalog-editor, and
scatters the catalog document once to every worker (``broadcast=True``), as compact JSON: a
pickled snapshot is larger and slower to unpickle than the document is to parse and build
(10,000 packages: 3.7 CPU s against 2.5 per worker). Each worker process builds its snapshot from
it on first use, keeps it for the chunks that follow and only reads it; the chunks are
:func:`app.cli.book.simulate_chunk` on it, submitted in the book's order and gathered in that
order, so the output is the local run's, line for line. Dask is an optional dependency
(``pip install 'catalog-editor[dask]'``): it is imported only here, when --cluster is given.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import importlib.metadata
import threading
from typing import Any

from app import __version__
from app.cli.book import chunk_size, chunks, simulate_chunk
from app.cli.simulate import BadInput

CONNECT_TIMEOUT = 10.0
"""Seconds to reach the scheduler, and then for a first worker to be there."""

INSTALL_HINT = "pip install 'catalog-editor[dask]' (or pip install 'dask[distributed]')"

_snapshot: tuple[str, Any] | None = None  # (key of the scattered document, its snapshot)
_snapshot_lock = threading.Lock()


def _worker_snapshot(catalog_json: bytes, key: str) -> Any:
    """The snapshot of the scattered document ``key``, built once in this worker process (the
    first chunk builds it, the worker's other threads wait for it)."""
    global _snapshot
    with _snapshot_lock:
        if _snapshot is None or _snapshot[0] != key:
            import orjson

            from app.engine import catalog_from_document

            _snapshot = None  # another run's snapshot goes before this one is built
            _snapshot = (key, catalog_from_document(orjson.loads(catalog_json), check=False))
            gc.freeze()  # as in the forked workers: not walked by every full collection
        return _snapshot[1]


def simulate_chunk_on_worker(lines: list[str], start: dt.date, periods: int,
                             catalog_json: bytes, key: str) -> tuple[list[dict[str, Any]], float]:
    """:func:`simulate_chunk` on a Dask worker, with the snapshot of the scattered catalog."""
    return simulate_chunk(lines, start, periods, _worker_snapshot(catalog_json, key))


def forget_snapshot(key: str) -> None:
    """Let the worker's snapshot of ``key`` go (run on every worker at the end of a book)."""
    global _snapshot
    with _snapshot_lock:
        if _snapshot is not None and _snapshot[0] == key:
            _snapshot = None
            gc.unfreeze()


def connect(address: str, timeout: float) -> Any:
    """A ``distributed.Client`` on the scheduler at ``address``, or :class:`BadInput` saying
    why not (Dask missing, not a Dask address, nothing answering within ``timeout``)."""
    where = f"simulate-book: --cluster {address}"
    if address.lower().startswith("ray://"):
        raise BadInput(f"{where}: Ray clusters are not supported; give the address of a Dask "
                       "scheduler (tcp://HOST:8786)")
    try:
        from distributed import Client
    except ImportError:
        raise BadInput(f"{where}: Dask is not installed; {INSTALL_HINT}") from None
    try:
        return Client(address, timeout=timeout, set_as_default=False)  # type: ignore[no-untyped-call]
    except ValueError as exc:  # an unknown scheme, a port that is not a number
        raise BadInput(f"{where}: not a Dask scheduler address (tcp://HOST:8786): "
                       f"{exc}") from None
    except (OSError, TimeoutError):  # refused, unresolvable, or silent until the timeout
        raise BadInput(f"{where}: no Dask scheduler answered within {timeout:g} s; is the "
                       "address right and the scheduler running?") from None


def _check_workers(client: Any, where: str, timeout: float) -> dict[str, int]:
    """The workers' threads by address, once at least one worker is there and every worker
    runs this version of catalog-editor (another version may bill differently)."""
    try:
        client.wait_for_workers(1, timeout=timeout)
    except TimeoutError:
        raise BadInput(f"{where}: the cluster has no workers (none joined within "
                       f"{timeout:g} s)") from None
    try:
        versions = client.run(importlib.metadata.version, "catalog-editor")
    except importlib.metadata.PackageNotFoundError:
        raise BadInput(f"{where}: catalog-editor is not installed on every worker; install "
                       f"catalog-editor {__version__} beside Dask on each") from None
    other = sorted(f"{worker} ({version})" for worker, version in versions.items()
                   if version != __version__)
    if other:
        raise BadInput(f"{where}: the workers must run catalog-editor {__version__}, as this "
                       f"command does; these do not: {', '.join(other)}")
    threads: dict[str, int] = client.nthreads()
    return threads


def simulate_on_cluster(address: str, document: Any, lines: list[str], start: dt.date,
                        periods: int, timeout: float | None = None
                        ) -> tuple[list[dict[str, Any]], float, str]:
    """Every account's totals in the book's order, the CPU seconds the workers spent on them,
    and the workers for the summary (``"2 worker(s) of the Dask cluster at ADDRESS"``)."""
    import orjson

    timeout = CONNECT_TIMEOUT if timeout is None else timeout
    where = f"simulate-book: --cluster {address}"
    with connect(address, timeout) as client:
        threads = _check_workers(client, where, timeout)
        total_threads = sum(threads.values())
        catalog = client.scatter(orjson.dumps(document), broadcast=True, hash=False)
        results: list[dict[str, Any]] = []
        cpu = 0.0
        try:
            futures = [client.submit(simulate_chunk_on_worker, part, start, periods, catalog,
                                     catalog.key, pure=False)
                       for part in chunks(lines, chunk_size(len(lines), total_threads))]
            for future in futures:  # in submission order: the book's
                rows, seconds = future.result()
                future.release()
                results.extend(rows)
                cpu += seconds
        finally:
            with contextlib.suppress(OSError, TimeoutError):  # best effort: the cluster's memory
                client.run(forget_snapshot, catalog.key)
        described = f"{len(threads)} worker(s)"
        if total_threads != len(threads):
            described += f" ({total_threads} threads)"
    return results, cpu, f"{described} of the Dask cluster at {address}"
