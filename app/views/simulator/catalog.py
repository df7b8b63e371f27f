"""What the scenario editor needs to know about the catalog, read from the catalog document.

Choices for the combo boxes (currencies, price books, frequencies, a package's services,
statuses, promo codes), the currency's minor units for money fields and the labels shown in the
tables. Rebuilt whenever the catalog changes.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

Doc = dict[str, Any]

BILL_FREQUENCY_LABELS = {
    "weekly": "weekly", "monthly": "monthly", "quarterly": "quarterly",
    "semiannual": "semi-annual", "annual": "annual",
}


def bill_frequency_label(value: Any) -> str:
    if isinstance(value, dict):
        months = value.get("months")
        return f"every {months} months"
    return BILL_FREQUENCY_LABELS.get(str(value), str(value))


@dataclass(frozen=True)
class FrequencyInfo:
    name: str
    package: str
    active: bool
    enabled: bool
    bill_frequency: Any
    currencies: tuple[str, ...]
    services: tuple[str, ...]
    rollup: bool

    @cached_property
    def label(self) -> str:
        # kept: the Simulator lists tens of thousands, and a catalog edit shares the
        # FrequencyInfo of every package it did not touch
        return f"{self.name} ({bill_frequency_label(self.bill_frequency)})"

    @cached_property
    def choice(self) -> tuple[str, str]:
        """(name, label), as a frequency combo lists it."""
        return self.name, self.label

    @property
    def on_sale(self) -> bool:
        return self.active and self.enabled


@dataclass
class CatalogLookup:
    """Name lookups over one catalog document."""

    doc: Doc = field(default_factory=dict)

    def __post_init__(self) -> None:
        doc = self.doc
        self.currencies: dict[str, int] = {
            c["code"]: int(c["minor_units"]) for c in doc.get("currencies", [])}
        self.price_books: dict[str, str] = {
            b["code"]: b.get("name") or b["code"] for b in doc.get("price_books", [])}
        self.book_countries: dict[str, list[str]] = {
            b["code"]: list(b.get("countries", [])) for b in doc.get("price_books", [])}
        self.statuses: list[str] = [s["name"] for s in doc.get("statuses", [])]
        self.cancelled_statuses = {s["name"] for s in doc.get("statuses", [])
                                   if s.get("cancelled")}
        self.services: dict[str, Doc] = {s["name"]: s for s in doc.get("services", [])}
        self.promo_codes: list[str] = [p["code"] for p in doc.get("promo_codes", [])]
        self.promo_docs: dict[str, Doc] = {p["code"]: p for p in doc.get("promo_codes", [])}
        self.price_plans: list[str] = [p["name"] for p in doc.get("price_plans", [])]
        countries = {t["country"] for t in doc.get("tax_rates", [])}
        for book in doc.get("price_books", []):
            countries.update(book.get("countries", []))
        self.countries: list[str] = sorted(countries)
        self.frequencies: dict[str, FrequencyInfo] = {}
        self._package_frequencies: dict[str, list[str]] = {}  # package -> its frequencies
        self._on_sale: list[FrequencyInfo] | None = None  # made on first use
        self._on_sale_at: dict[str, int] | None = None  # name -> its place in _on_sale
        self._add_packages(doc.get("packages", []))

    def _add_packages(self, packages: list[Doc]) -> None:
        for pkg in packages:
            names = []
            for freq in pkg.get("frequencies", []):
                self.frequencies[freq["name"]] = FrequencyInfo(
                    name=freq["name"], package=pkg["name"], active=bool(freq.get("active")),
                    enabled=bool(pkg.get("enabled", True)),
                    bill_frequency=freq.get("bill_frequency"),
                    currencies=tuple(freq.get("currencies", [])),
                    services=tuple(pkg.get("services", [])),
                    rollup=bool(pkg.get("rollup_services")))
                names.append(freq["name"])
            self._package_frequencies[pkg["name"]] = names

    def replacing(self, doc: Doc, packages: list[Doc], removed: set[str]) -> CatalogLookup:
        """The lookups of ``doc``, which differs from this one's document only in the packages
        ``removed`` (names) and ``packages`` (documents): the rest is copied, not rebuilt, and
        what changes costs those packages, not the catalog (tens of thousands of frequencies
        are copied as one dict, not filtered one by one). A frequency saved again keeps its
        place; a new one comes last."""
        lookup = copy.copy(self)
        lookup.doc = doc
        gone = removed | {p["name"] for p in packages}
        lookup.frequencies = dict(self.frequencies)
        lookup._package_frequencies = dict(self._package_frequencies)
        kept = {f["name"] for p in packages for f in p.get("frequencies", [])}
        dropped: set[str] = set()
        for name in gone:
            for frequency in lookup._package_frequencies.pop(name, ()):
                info = lookup.frequencies.get(frequency)
                if info is not None and info.package == name:
                    dropped.add(frequency)
                    if frequency not in kept:  # (one saved again keeps its place)
                        del lookup.frequencies[frequency]
        lookup._add_packages(packages)
        lookup._on_sale = None
        if self._on_sale is not None:
            lookup._on_sale = self._patched_on_sale(lookup, packages, dropped)
        return lookup

    def _patched_on_sale(self, lookup: CatalogLookup, packages: list[Doc],
                         dropped: set[str]) -> list[FrequencyInfo] | None:
        """``lookup``'s frequencies on sale, from this one's, in the order of ``frequencies``:
        a package saved with the same frequencies, each as much on sale as before, in its place
        (a copy of the list and a few assignments); else None, to be listed again."""
        assert self._on_sale is not None
        added = [info for p in packages for f in lookup._package_frequencies[p["name"]]
                 if (info := lookup.frequencies[f]).on_sale]
        old = {name for name in dropped
               if (before := self.frequencies.get(name)) is not None and before.on_sale}
        if {f.name for f in added} == old and len(added) == len(old):
            if self._on_sale_at is None or len(self._on_sale_at) != len(self._on_sale):
                self._on_sale_at = {f.name: i for i, f in enumerate(self._on_sale)}
            out = list(self._on_sale)
            for info in added:
                out[self._on_sale_at[info.name]] = info
            lookup._on_sale_at = self._on_sale_at
            return out
        lookup._on_sale_at = None
        return None  # listed again on first use

    def minor_units(self, currency: str | None) -> int:
        return self.currencies.get(currency or "", 2)

    def frequencies_on_sale(self) -> list[FrequencyInfo]:
        """The frequencies on sale, in catalog order (a new list: the caller may keep it)."""
        if self._on_sale is None:
            self._on_sale = [f for f in self.frequencies.values() if f.on_sale]
        return list(self._on_sale)

    def base_type(self, service: str) -> str | None:
        found = self.services.get(service)
        return None if found is None else str(found.get("base_type"))

    def package_services(self, frequency: str) -> list[str]:
        info = self.frequencies.get(frequency)
        return list(info.services) if info else []

    def recurring_services(self, frequency: str) -> list[str]:
        return [s for s in self.package_services(frequency) if self.base_type(s) == "recurring"]

    def default_status(self) -> str:
        """The status new services get: ``Active`` when the catalog has it."""
        if "Active" in self.statuses:
            return "Active"
        usable = [s for s in self.statuses if s not in self.cancelled_statuses]
        return usable[0] if usable else (self.statuses[0] if self.statuses else "Active")

    def book_for_country(self, country: str) -> str | None:
        for code, countries in self.book_countries.items():
            if country in countries:
                return code
        return None
