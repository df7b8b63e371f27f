"""The pre-publish check: would Kill Bill refuse the export, or bill differently from the
simulator? One report, grouped by severity and frequency, summarised at scale.

Severities, in the administrator's words:

- ``error: not published``: a frequency (or one of its services) left out of the file
  because Kill Bill would refuse it or could not bill it (the reason is given);
- ``error: bills differently``: a subscriber Kill Bill would bill another amount than the
  simulator shows, in money terms (from :mod:`app.catalog.killbill.shadow`);
- ``warning: plans renamed``: a plan whose phases changed since the last publication, given
  a new name (Kill Bill refuses to change a plan's phases); existing subscriptions need a
  change of plan;
- ``warning: not expressed``: configuration Kill Bill has no place for (statuses, taxes,
  transition charges...), counted by kind, with one example each.

The command line exits 2 when there is an error (``check --target killbill``,
``export --strict``); the window shows the same report before writing the file.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from app.catalog.killbill.exporter import KillBillExport
from app.catalog.killbill.mapping import Doc
from app.catalog.killbill.shadow import differences

NOT_PUBLISHED = "error: not published"
BILLS_DIFFERENTLY = "error: bills differently"
RENAMED = "warning: plans renamed"
NOT_EXPRESSED = "warning: not expressed"
_FREQ_PATH = re.compile(r"^packages\[(\d+)\]\.frequencies\[(\d+)\]")
_VALUES = re.compile(r"'[^']*'|\"[^\"]*\"|\b\d[\d.,]*\b")


@dataclass(frozen=True)
class CheckEntry:
    severity: str
    frequency: str | None  # None: the catalog as a whole
    message: str


@dataclass
class PublishCheck:
    """The outcome of a pre-publish check on one export."""

    plans: int
    frequencies: int
    entries: list[CheckEntry] = field(default_factory=list)

    @property
    def errors(self) -> list[CheckEntry]:
        return [e for e in self.entries if e.severity.startswith("error")]

    @property
    def ok(self) -> bool:
        return not self.errors

    def lines(self, per_group: int = 20) -> list[str]:
        """The report: a summary line, then each severity with at most ``per_group`` entries
        (errors by frequency; warnings counted by kind, one example each)."""
        by_severity: dict[str, list[CheckEntry]] = defaultdict(list)
        for entry in self.entries:
            by_severity[entry.severity].append(entry)
        unpublished = {e.frequency for e in by_severity[NOT_PUBLISHED]}
        differing = {e.frequency for e in by_severity[BILLS_DIFFERENTLY]}
        out = [
            f"Kill Bill check: {self.plans} plans from {self.frequencies} frequencies; "
            f"{len(unpublished)} frequencies not (fully) published, {len(differing)} would "
            f"bill differently, {len(by_severity[NOT_EXPRESSED])} things not expressed"
        ]
        for severity in (NOT_PUBLISHED, BILLS_DIFFERENTLY, RENAMED):
            group = by_severity[severity]
            if not group:
                continue
            frequencies = {e.frequency for e in group}
            out.append(f"{severity} ({len(group)} in {len(frequencies)} frequencies):")
            for entry in group[:per_group]:
                out.append(f"  {entry.frequency or '(catalog)'}: {entry.message}")
            if len(group) > per_group:
                out.append(f"  ... and {len(group) - per_group} more")
        warnings = by_severity[NOT_EXPRESSED]
        if warnings:
            kinds: Counter[str] = Counter()
            example: dict[str, CheckEntry] = {}
            for entry in warnings:
                kind = _VALUES.sub("…", entry.message)
                kinds[kind] += 1
                example.setdefault(kind, entry)
            out.append(f"{NOT_EXPRESSED} ({len(warnings)}, {len(kinds)} kinds):")
            for kind, count in kinds.most_common(per_group):
                sample = example[kind]
                where = f"{sample.frequency}: " if sample.frequency else ""
                out.append(f"  {count} x {where}{sample.message}")
            if len(kinds) > per_group:
                rest = sum(c for _, c in kinds.most_common()[per_group:])
                out.append(f"  ... and {rest} more of {len(kinds) - per_group} other kinds")
        return out


def _frequency_names(doc: Doc) -> dict[tuple[int, int], str]:
    names = {}
    for i, pkg in enumerate(doc.get("packages") or []):
        if isinstance(pkg, dict):
            for j, freq in enumerate(pkg.get("frequencies") or []):
                if isinstance(freq, dict):
                    names[(i, j)] = str(freq.get("name"))
    return names


def _likely_cause(doc: Doc, frequency: str) -> str:
    """Why a frequency bills differently: the first thing it uses that the mapping does not
    express (see docs/killbill.md, "Shadow billing")."""
    for pkg in doc.get("packages") or []:
        for freq in pkg.get("frequencies") or []:
            if freq.get("name") != frequency:
                continue
            cells = [c for b in (freq.get("price_books") or {}).values() for c in b.values()]
            rows = [r for c in cells for r in c.get("recurring") or []]
            if freq.get("tiering") == "bracket":
                return "bracket tiers counted by a counting rule across services"
            if pkg.get("billing_activation_service"):
                return f"billing activation service {pkg['billing_activation_service']!r}"
            if any(r.get("tiers") for c in cells for r in c.get("one_time") or []):
                return "a tiered one-time charge (Kill Bill gets its first tier)"
            if freq.get("tiering") != "none" and any(r.get("discounts") for r in rows):
                return "discounts on tiered prices"
            if any(d.get("period_days") or d.get("period_months") for r in rows
                   for d in r.get("discounts") or []):  # fmt: skip
                return "a discount period ending inside a billing period (prorated otherwise)"
    return "see the notes of this frequency"


def check_publication(doc: Doc, done: KillBillExport, *, shadow: bool = True) -> PublishCheck:
    """Check an export of ``doc``: what was left out, who would be billed differently
    (``shadow``: bill each published frequency's subscribers both ways), what is lost."""
    names = _frequency_names(doc)
    check = PublishCheck(done.data.count(b"<plan name="), len(names))
    for note in done.notes:
        match = _FREQ_PATH.match(note.path)
        frequency = names.get((int(match[1]), int(match[2]))) if match else None
        if note.message.endswith("left out"):
            severity = NOT_PUBLISHED
        elif note.message.endswith("need a change of plan"):
            severity = RENAMED
        else:
            severity = NOT_EXPRESSED
        check.entries.append(CheckEntry(severity, frequency, note.message))
    if shadow:
        for diff in differences(doc, done.data, done.published.values()):
            cause = _likely_cause(doc, diff.frequency)
            check.entries.append(
                CheckEntry(BILLS_DIFFERENTLY, diff.frequency, f"{diff}: {cause}")
            )
    return check
