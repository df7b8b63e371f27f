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
from app.views.simulator.bill_model import kind_label, period_label, quantity_text

Doc = dict[str, Any]

CSV_COLUMNS = ("period_start", "period_end", "package", "service", "service_id", "kind",
               "status", "quantity", "unit_price", "amount", "currency", "gl_code",
               "price_source", "explanation")


def write_csv(bill: Doc, path: str | Path) -> int:
    """One row per detailed bill line (every period), amounts as exact decimal text.
    Returns the number of lines written. Atomic: a failure leaves an existing file as it was."""
    count = 0
    with open_atomically(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(CSV_COLUMNS)
        for period in bill.get("periods", []):
            for line in period.get("lines", []):
                row = dict(line, period_start=period.get("start"), period_end=period.get("end"),
                           currency=bill.get("currency"))
                writer.writerow(["" if row.get(c) is None else row.get(c) for c in CSV_COLUMNS])
                count += 1
    return count


def _money(value: Any, currency: str, minor_units: int) -> str:
    return escape(format_money(Decimal(str(value)), currency, minor_units))


def invoice_html(bill: Doc, scenario: Doc, minor_units: int = 2,
                 today: dt.date | None = None) -> str:
    """The bill as an invoice page: account header, the customer's printed lines per period,
    subtotal, tax and total, and the grand total."""
    account = scenario.get("account", {})
    currency = str(bill.get("currency", account.get("currency", "")))
    issued = (today or dt.date.today()).isoformat()
    periods = bill.get("periods", [])
    span = ""
    if periods:
        span = period_label({"start": periods[0]["start"], "end": periods[-1]["end"]})
    parts = [
        "<html><body style='font-family: sans-serif; font-size: 10pt;'>",
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
        f"<p>Billing periods: <b>{escape(span)}</b></p>",
    ]
    for period in periods:
        lines = period.get("printed_lines")
        if lines is None:
            lines = period.get("lines", [])
        charges = [ln for ln in lines if ln.get("kind") != "tax"]
        taxes = [ln for ln in lines if ln.get("kind") == "tax"]
        parts.append(f"<h3 style='margin-bottom:4px'>{escape(period_label(period))}</h3>")
        parts.append("<table width='100%' cellspacing='0' cellpadding='4' "
                     "style='border-collapse: collapse;'>")
        parts.append("<tr style='background:#e8eaf6'><th align='left'>Description</th>"
                     "<th align='left'>Kind</th><th align='right'>Qty</th>"
                     "<th align='right'>Unit price</th><th align='right'>Amount</th></tr>")
        for line in charges:
            description = escape(str(line.get("description") or line.get("service")
                                     or line.get("package") or ""))
            parts.append(
                f"<tr><td>{description}</td><td>{escape(kind_label(line.get('kind')))}</td>"
                f"<td align='right'>{escape(quantity_text(line.get('quantity')))}</td>"
                f"<td align='right'>{_money(line.get('unit_price', 0), currency, minor_units)}"
                f"</td><td align='right'>{_money(line.get('amount', 0), currency, minor_units)}"
                "</td></tr>")
        parts.append(f"<tr><td colspan='4' align='right'>Subtotal</td><td align='right'>"
                     f"{_money(period.get('subtotal', 0), currency, minor_units)}</td></tr>")
        for line in taxes:
            label = str(line.get("description") or line.get("service") or "Tax")
            amount = _money(line.get("amount", 0), currency, minor_units)
            if line.get("included") or line.get("tax_inclusive"):
                label = label.replace("(included)", "").strip()
                label, amount = f"{label}, included in the prices above", f"({amount})"
            parts.append(f"<tr><td colspan='4' align='right'>{escape(label)}</td>"
                         f"<td align='right'>{amount}</td></tr>")
        if not taxes:
            parts.append(f"<tr><td colspan='4' align='right'>Tax</td><td align='right'>"
                         f"{_money(period.get('tax', 0), currency, minor_units)}</td></tr>")
        parts.append(f"<tr><td colspan='4' align='right'><b>Period total</b></td>"
                     f"<td align='right'><b>"
                     f"{_money(period.get('total', 0), currency, minor_units)}</b></td></tr>")
        parts.append("</table>")
    parts.append(f"<h2 align='right'>Total due: "
                 f"{_money(bill.get('total', 0), currency, minor_units)}</h2>")
    parts.append("<p style='color:#666; font-size: 8pt;'>This is a simulation of the bill from "
                 "the product catalog; the final invoice may differ.</p>")
    parts.append("</body></html>")
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
