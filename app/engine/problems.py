"""Problems found in input documents, each naming the JSON path at fault."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with an input document.

    ``path`` uses the exchange format's JSON path style, e.g.
    ``packages[2].frequencies[0].price_books.standard.USD.recurring[0].amounts.Active``;
    an empty path means the document as a whole. ``severity`` is ``"error"`` (the document is
    refused) or ``"warning"`` (a smell the user should look at; the document is accepted).
    """

    path: str
    message: str
    severity: str = field(default="error", compare=False)

    def __str__(self) -> str:
        where = self.path or "(document)"
        return f"{where}: {self.message}"


#: A bracket frequency must name its counting rule (the exchange format: "A bracket frequency
#: names a counting_rule"); validation and the engine refuse one without, in these words.
BRACKET_NEEDS_COUNTING_RULE = ("bracket tiering needs a counting rule (it counts the units that "
                               "pick the tier)")


class ScenarioError(ValueError):
    """An account scenario (or catalog) that cannot be simulated; ``problems`` lists every fault."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(str(p) for p in self.problems))


def join_path(base: str, key: str | int) -> str:
    """Extend a JSON path: ``join_path("packages[0]", "name") == "packages[0].name"``."""
    if isinstance(key, int):
        return f"{base}[{key}]"
    return f"{base}.{key}" if base else key
