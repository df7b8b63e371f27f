"""What a write changed: every function of the application layer that writes returns one.

The window hands the value to every view through one signal (``MainWindow.catalogChanged``,
like the "operation did" hook of Anki's ``aqt/operations``); each view refreshes what the value
names and nothing else, and no view reaches into another.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Kinds that are not part of the catalog document: saved account scenarios, the export history.
ACCOUNTS = "accounts"
EXPORTS = "exports"


@dataclass(frozen=True)
class Changes:
    """What a write changed: the kinds of object (``"packages"``, ``"services"``...,
    ``"accounts"``, ``"exports"``), the names of the packages and the account scenarios touched.
    Views refresh from this value."""

    kinds: frozenset[str] = frozenset()
    packages: frozenset[str] = frozenset()
    accounts: frozenset[str] = frozenset()
    versions: tuple[tuple[str, int], ...] = ()
    """``(package name, version now stored)`` of each package a save wrote."""
    renamed: bool = True
    """Whether something the account scenarios name may have been renamed (and the saved
    scenarios with it); False only when the writer knows nothing was."""

    def version_of(self, package: str) -> int | None:
        """The version package ``package`` has after this write (None when not written)."""
        return dict(self.versions).get(package)

    @property
    def catalog(self) -> bool:
        """Whether the catalog itself changed (not only scenarios or the export history)."""
        return bool(self.kinds - {ACCOUNTS, EXPORTS})


def accounts_changed(*names: str) -> Changes:
    return Changes(kinds=frozenset({ACCOUNTS}), accounts=frozenset(names))


EXPORTED = Changes(kinds=frozenset({EXPORTS}))
