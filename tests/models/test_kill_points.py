"""kill -9 at random points of an import, a package save and a migration never leaves a mix.

The harness is ``tests/kill_harness.py``: a forked child doing the real operation sends itself
SIGKILL after a random SQL statement (sometimes a fraction of a millisecond later, inside the
next one); the file must then pass ``PRAGMA integrity_check``, open normally, and export as the
catalog before the operation or the catalog after it. ``CATALOG_EDITOR_KILLS`` sets the number
of kills per kind (default 10; ``benchmarks/bench_kills.py`` runs many more and prints the
figures).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from kill_harness import KINDS, run

KILLS = int(os.environ.get("CATALOG_EDITOR_KILLS", "10"))


@pytest.mark.parametrize("kind", KINDS)
def test_a_kill_leaves_the_whole_old_or_the_whole_new_catalog(
        tmp_path: Path, demo_catalog: dict[str, Any], kind: str) -> None:
    tally = run(kind, tmp_path, demo_catalog, KILLS)
    assert tally.kills == KILLS
    assert tally.damaged == 0, tally.line(kind)
    assert tally.states["mixed"] == 0 and tally.bytes_lost == 0, tally.line(kind)
    assert tally.finished < tally.kills, tally.line(kind)  # (some children were killed)
