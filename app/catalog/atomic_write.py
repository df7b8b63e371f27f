"""Writing files so that a failure never destroys the file being replaced.

Every export (catalog JSON, Kill Bill XML, account scenarios, bills as JSON, CSV, text and PDF)
goes through :func:`atomic_path`: the content is written to a temporary file in the target's own
folder, flushed and fsynced, and only then renamed over the target with :func:`os.replace`
(atomic on POSIX and Windows). A full disk, a crash or a failing writer leaves the old file
exactly as it was and removes the temporary one.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from app.models.fsync import fsync_file, fsync_folder

__all__ = ["atomic_path", "fsync_file", "fsync_folder", "open_atomically", "write_bytes_atomically",
           "write_text_atomically"]


def _real_target(target: str | os.PathLike[str]) -> Path:
    path = Path(target)
    # a symbolic link is followed: the file it points to is the one replaced
    return Path(os.path.realpath(path)) if path.is_symlink() else path


def _mode_for(target: Path) -> int:
    try:
        return target.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike[str]) -> Iterator[Path]:
    """A temporary path beside ``target``; when the block ends without error the file written
    there is fsynced and replaces ``target``. On any error the temporary file is removed and
    ``target`` is untouched; the error propagates (an :class:`OSError` for a full disk or a
    folder that cannot be written)."""
    final = _real_target(target)
    folder = final.parent
    fd, name = tempfile.mkstemp(prefix=f".{final.name}.", suffix=".partial", dir=folder)
    os.close(fd)
    temporary = Path(name)
    try:
        yield temporary
        fsync_file(temporary)
        os.chmod(temporary, _mode_for(final))
        os.replace(temporary, final)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise
    fsync_folder(folder)


@contextlib.contextmanager
def open_atomically(
    target: str | os.PathLike[str], mode: str = "w", *, encoding: str | None = "utf-8",
    newline: str | None = None,
) -> Iterator[IO[Any]]:
    """Like :func:`open` for writing (``"w"`` or ``"wb"``), but atomic: see :func:`atomic_path`."""
    if mode not in ("w", "wb"):
        raise ValueError(f"open_atomically writes a new file; mode {mode!r} is not supported")
    with atomic_path(target) as temporary:
        if mode == "wb":
            with open(temporary, "wb") as handle:
                yield handle
                handle.flush()
        else:
            with open(temporary, "w", encoding=encoding, newline=newline) as handle:
                yield handle
                handle.flush()


def write_bytes_atomically(target: str | os.PathLike[str], data: bytes) -> None:
    """Replace ``target`` with ``data`` atomically."""
    with open_atomically(target, "wb") as handle:
        handle.write(data)


def write_text_atomically(target: str | os.PathLike[str], text: str,
                          encoding: str = "utf-8") -> None:
    """Replace ``target`` with ``text`` atomically."""
    write_bytes_atomically(target, text.encode(encoding))
