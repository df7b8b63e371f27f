"""Exporting a simulated bill: an invoice-like PDF a support agent can send, and a CSV of every
detailed line."""

from __future__ import annotations

import csv
import datetime as dt
import errno
from decimal import Decimal
from html import escape
from pathlib import Path
from typing import Any

from PySide6.QtCore import QMarginsF, QSize
from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPdfWriter, QTextDocument

from app.catalog.atomic_write import atomic_path, open_atomically
from app.views.common.money import format_money
from app.views.simulator.bill_model import kind_label, period_label, quantity_text, service_dates

Doc = dict[str, Any]

CSV_COLUMNS = ("period_start", "period_end", "package", "service", "service_id",
               "account_service", "description", "kind", "status", "service_from",
               "service_last_day", "tier", "quantity", "unit_price", "amount", "included_tax",
               "tax_inclusive", "currency", "gl_code", "price_source", "explanation")


def csv_row(line: Doc, period: Doc, currency: Any) -> dict[str, Any]:
    """One CSV row of a bill line. ``amount`` is what the line adds to the bill, so the column
    sums to the bill's total: a tax already included in tax-inclusive prices is 0 there and its
    amount is in ``included_tax``. ``tax_inclusive`` says whether the line's price contains its
    tax (or, on a tax line, whether that tax is the included kind). ``service_from`` and
    ``service_last_day`` are the days the line covers, both inclusive; ``period_end`` is the day
    after the period, as in the bill document."""
    included = line.get("kind") == "tax" and bool(line.get("tax_inclusive"))
    last = ""
    if line.get("to"):
        last = (dt.date.fromisoformat(str(line["to"])) - dt.timedelta(days=1)).isoformat()
    amount = str(line.get("amount", ""))
    return dict(
        line, period_start=period.get("start"), period_end=period.get("end"), currency=currency,
        account_service=line.get("account_service") or (
            line.get("service") if line.get("service_id") else None),
        service_from=line.get("from"), service_last_day=last or None,
        amount=_zero_like(amount) if included else amount,
        included_tax=amount if included else None,
        tax_inclusive="yes" if line.get("tax_inclusive") else "no",
    )


def _zero_like(amount: str) -> str:
    """``0.00`` with as many decimals as ``amount``."""
    decimals = len(amount.split(".", 1)[1]) if "." in amount else 0
    return format(Decimal(0).scaleb(-decimals), "f")


def write_csv(bill: Doc, path: str | Path) -> int:
    """One row per detailed bill line (every period), amounts as exact decimal text; the
    ``amount`` column adds up to the bill's total. Returns the number of lines written.
    Atomic: a failure leaves an existing file as it was."""
    count = 0
    with open_atomically(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(CSV_COLUMNS)
        for period in bill.get("periods", []):
            for line in period.get("lines", []):
                row = csv_row(line, period, bill.get("currency"))
                writer.writerow(["" if row.get(c) is None else row.get(c) for c in CSV_COLUMNS])
                count += 1
    return count


def _money(value: Any, currency: str, minor_units: int) -> str:
    return escape(format_money(Decimal(str(value)), currency, minor_units))


def invoice_html(bill: Doc, scenario: Doc, minor_units: int = 2,
                 today: dt.date | None = None, period: int | None = None) -> str:
    """The bill of period ``period`` (an index into the bill's periods) as an invoice page:
    account header, the customer's printed lines with their service dates, subtotal, tax and
    the total due. ``None``: one such invoice per period, each on its own page."""
    periods = list(bill.get("periods", []))
    chosen = periods if period is None else periods[period:period + 1]
    pages = [_invoice_page(bill, scenario, minor_units, today, p) for p in chosen]
    breaker = "<div style='page-break-before: always'></div>"
    return ("<html><body style='font-family: sans-serif; font-size: 10pt;'>"
            + breaker.join(pages) + "</body></html>")


def _invoice_page(bill: Doc, scenario: Doc, minor_units: int, today: dt.date | None,
                  period: Doc) -> str:
    account = scenario.get("account", {})
    currency = str(bill.get("currency", account.get("currency", "")))
    issued = (today or dt.date.today()).isoformat()
    parts = [
        "<table width='100%'><tr>",
        "<td><h1 style='margin:0'>Invoice estimate</h1>"
        f"<p style='color:#555'>Simulated bill, issued {escape(issued)}</p></td>",
        "<td align='right' valign='top'>"
        f"<b>{escape(str(account.get('name', '')))}</b><br>"
        f"Country: {escape(str(account.get('country', '')))}<br>"
        f"Currency: {escape(currency)}<br>"
        f"Price book: {escape(str(account.get('price_book', '')))}<br>"
        f"Bill day: {escape(str(account.get('bill_day', '')))}</td>",
        "</tr></table>",
        f"<p>Billing period: <b>{escape(period_label(period))}</b></p>",
    ]
    lines = period.get("printed_lines")
    if lines is None:
        lines = period.get("lines", [])
    charges = [ln for ln in lines if ln.get("kind") != "tax"]
    taxes = [ln for ln in lines if ln.get("kind") == "tax"]
    parts.append("<table width='100%' cellspacing='0' cellpadding='3' "
                 "style='border-collapse: collapse; font-size: 9pt;'>")
    parts.append("<tr style='background:#e8eaf6'>"
                 "<th align='left' width='26%'>Description</th>"
                 "<th align='left' width='24%'>Service dates</th>"
                 "<th align='left' width='15%'>Kind</th><th align='right' width='7%'>Qty</th>"
                 "<th align='right' width='14%'>Unit price</th>"
                 "<th align='right' width='14%'>Amount</th></tr>")
    for line in charges:
        description = escape(str(line.get("description") or line.get("service")
                                 or line.get("package") or ""))
        parts.append(
            f"<tr><td>{description}</td><td>{escape(service_dates(line))}</td>"
            f"<td>{escape(kind_label(line.get('kind')))}</td>"
            f"<td align='right'>{escape(quantity_text(line.get('quantity')))}</td>"
            f"<td align='right'>{_money(line.get('unit_price', 0), currency, minor_units)}</td>"
            f"<td align='right'>{_money(line.get('amount', 0), currency, minor_units)}</td></tr>")
    parts.append(f"<tr><td colspan='5' align='right'>Subtotal</td><td align='right'>"
                 f"{_money(period.get('subtotal', 0), currency, minor_units)}</td></tr>")
    for line in taxes:
        label = str(line.get("description") or line.get("service") or "Tax")
        amount = _money(line.get("amount", 0), currency, minor_units)
        if line.get("included") or line.get("tax_inclusive"):
            label = label.replace("(included)", "").strip()
            label, amount = f"{label}, included in the prices above", f"({amount})"
        parts.append(f"<tr><td colspan='5' align='right'>{escape(label)}</td>"
                     f"<td align='right'>{amount}</td></tr>")
    if not taxes:
        parts.append(f"<tr><td colspan='5' align='right'>Tax</td><td align='right'>"
                     f"{_money(period.get('tax', 0), currency, minor_units)}</td></tr>")
    parts.append("</table>")
    parts.append(f"<h2 align='right'>Total due: "
                 f"{_money(period.get('total', 0), currency, minor_units)}</h2>")
    parts.append("<p style='color:#666; font-size: 8pt;'>This is a simulation of the bill from "
                 "the product catalog; the final invoice may differ.</p>")
    return "".join(parts)


def write_pdf(html: str, path: str | Path) -> None:
    """Print the invoice HTML to an A4 PDF file (atomically: a failure, such as a full disk,
    raises :class:`OSError` and leaves an existing file as it was)."""
    with atomic_path(path) as temporary:
        writer = QPdfWriter(str(temporary))
        writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
        writer.setPageMargins(QMarginsF(15, 15, 15, 15), QPageLayout.Unit.Millimeter)
        writer.setResolution(150)
        writer.setTitle("Invoice estimate")
        writer.setCreator("Catalog Editor")
        document = QTextDocument()
        document.setHtml(html)
        document.print_(writer)
        del writer  # closes the file
        with open(temporary, "rb") as handle:
            handle.seek(max(0, temporary.stat().st_size - 32))
            complete = b"%%EOF" in handle.read()
        if not complete:
            raise OSError(errno.EIO, "the PDF could not be written completely", str(path))


def render_pdf_page(path: str | Path, width: int = 1240) -> QImage:
    """The first page of a PDF as an image (for previews and screenshots)."""
    from PySide6.QtPdf import QPdfDocument

    pdf = QPdfDocument()
    pdf.load(str(path))
    size = pdf.pagePointSize(0)
    height = int(width * size.height() / size.width()) if size.width() else int(width * 1.414)
    image = pdf.render(0, QSize(width, height))
    pdf.close()
    return image


def pdf_text(path: str | Path) -> str:
    """All the text of a PDF (for checks)."""
    from PySide6.QtPdf import QPdfDocument

    pdf = QPdfDocument()
    pdf.load(str(path))
    text = "\n".join(pdf.getAllText(page).text() for page in range(pdf.pageCount()))
    pdf.close()
    return text
