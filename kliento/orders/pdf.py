"""A quote as the customer reads it: one HTML template (orders/quote_document.html) for the print
page and the PDF, in the quote's language, from the values stored on the quote and its lines.

Nothing here computes money: amounts are the stored ones, formatted with Babel in the quote's
locale (format_currency, format_date), so a printed quote says what was sent whatever rates, taxes
or rounding rules say today. Arabic prints right to left (`dir="rtl"`; the stylesheet uses logical
properties, so the table's columns and the amounts' alignment follow the direction).

WeasyPrint is imported only when a PDF is made: an installation without it or its system library
Pango still serves every page, and the PDF endpoints answer `PdfUnavailable`'s message (503).
Fonts come from fontconfig: DejaVu (Debian's fonts-dejavu-core) covers Latin, Cyrillic and Arabic;
Chinese needs a CJK font such as fonts-noto-cjk (docs/architecture.md, "Quotes and PDF").
"""

from __future__ import annotations

import datetime
import gc
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from babel.dates import format_date
from babel.numbers import format_currency, format_decimal
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from kliento.core.countries import address_lines
from kliento.customers.models import Company, Contact
from kliento.orders.models import Quote, QuoteLine
from kliento.orders.quote_selectors import lines_of, quote_number

STYLESHEET = Path(__file__).resolve().parent / "static" / "orders" / "quote_document.css"
INSTALL_HINT = (
    "pip install 'weasyprint>=66,<71' and the Pango library (Debian: apt install libpango-1.0-0 "
    "libpangoft2-1.0-0)"
)


class PdfUnavailable(Exception):
    """WeasyPrint or a system library it needs is missing; the message says what to install."""

    def __init__(self, cause: str) -> None:
        self.cause = cause
        super().__init__(
            _("PDFs cannot be made on this server: %(hint)s. (%(cause)s)")
            % {"hint": INSTALL_HINT, "cause": cause}
        )


@dataclass(frozen=True)
class PrintedLine:
    product: str
    sku: str
    description: str
    quantity: str
    unit: str
    unit_price: str
    discount: str
    tax_rate: str
    net: str
    tax: str
    gross: str


@dataclass(frozen=True)
class PrintedQuote:
    """Every text of a printed quote, formatted in its language; amounts as stored."""

    language: str
    direction: str
    number: str
    status: str
    organization: str
    customer: str
    attention: str
    address: list[str]
    issued_on: str
    valid_until: str
    issued_on_iso: str
    valid_until_iso: str
    currency: str
    lines: list[PrintedLine]
    subtotal: str
    discount_total: str
    net_total: str
    tax_total: str
    total: str
    has_discount: bool
    has_tax: bool
    terms: str
    notes: str


def _locale(language: str) -> str:
    return translation.to_locale(language or "en")


def _money(amount: Decimal, currency: str, locale: str) -> str:
    return format_currency(amount, currency, locale=locale)


def _number(value: Decimal, locale: str) -> str:
    return format_decimal(value.normalize(), locale=locale, decimal_quantization=False)


def _percent(value: Decimal, locale: str) -> str:
    return f"{_number(value, locale)} %" if value else ""


def _date(value: datetime.date, locale: str) -> str:
    return format_date(value, format="long", locale=locale)


def _customer(quote: Quote) -> tuple[str, str, list[str]]:
    """Who the quote is for (the company, else the contact), whom it is addressed to, the address."""
    company = Company.with_trash.filter(pk=quote.company_id).first() if quote.company_id is not None else None
    contact = Contact.with_trash.filter(pk=quote.contact_id).first() if quote.contact_id is not None else None
    holder: Company | Contact | None = company or contact
    if holder is None:
        return "", "", []
    address = address_lines(
        street=holder.street,
        postal_code=holder.postal_code,
        city=holder.city,
        region=holder.region,
        country=holder.country,
    )
    attention = str(contact) if company is not None and contact is not None else ""
    return str(holder), attention, address


def _line(line: QuoteLine, currency: str, locale: str) -> PrintedLine:
    return PrintedLine(
        product=line.product.name,
        sku=line.product.sku,
        description=line.description,
        quantity=_number(line.quantity, locale),
        unit=line.product.unit,
        unit_price=_money(line.unit_price, currency, locale),
        discount=_percent(line.discount, locale),
        tax_rate=_percent(line.tax_rate, locale),
        net=_money(line.net, currency, locale),
        tax=_money(line.tax, currency, locale),
        gross=_money(line.gross, currency, locale),
    )


def printed_quote(quote: Quote, *, prefix: str | None = None) -> PrintedQuote:
    """The quote's texts in its language (call inside `translation.override(quote.language)`)."""
    locale = _locale(quote.language)
    currency = quote.currency
    customer, attention, address = _customer(quote)
    return PrintedQuote(
        language=quote.language,
        direction="rtl" if translation.get_language_bidi() else "ltr",
        number=quote_number(quote, prefix),
        status=quote.get_status_display(),
        organization=quote.organization.name,
        customer=customer,
        attention=attention,
        address=address,
        issued_on=_date(quote.issued_on, locale),
        valid_until=_date(quote.valid_until, locale),
        issued_on_iso=quote.issued_on.isoformat(),
        valid_until_iso=quote.valid_until.isoformat(),
        currency=currency,
        lines=[_line(line, currency, locale) for line in lines_of(quote)],
        subtotal=_money(quote.subtotal, currency, locale),
        discount_total=_money(quote.discount_total, currency, locale),
        net_total=_money(quote.net_total, currency, locale),
        tax_total=_money(quote.tax_total, currency, locale),
        total=_money(quote.total, currency, locale),
        has_discount=bool(quote.discount_total),
        has_tax=bool(quote.tax_total),
        terms=quote.terms,
        notes=quote.notes,
    )


def quote_document_html(quote: Quote, *, for_pdf: bool, extra: dict[str, Any] | None = None) -> str:
    """The quote as one HTML document in its own language: the print page, or the PDF's source."""
    with translation.override(quote.language or "en"):
        document = printed_quote(quote)
        return render_to_string(
            "orders/quote_document.html", {"document": document, "for_pdf": for_pdf, **(extra or {})}
        )


@cache
def _weasyprint() -> tuple[Any, Any]:
    """WeasyPrint's HTML class and the parsed stylesheet, loaded once per process."""
    try:
        from weasyprint import CSS, HTML
    except (ImportError, OSError) as error:  # OSError: Pango or another library it loads is missing
        raise PdfUnavailable(str(error).splitlines()[0] if str(error) else type(error).__name__) from error
    return HTML, CSS(filename=str(STYLESHEET))


def quote_pdf(quote: Quote) -> bytes:
    """The quote as a PDF: the print page's HTML laid out by WeasyPrint with the same stylesheet."""
    html_class, stylesheet = _weasyprint()  # a failure is not cached: an install is noticed at once
    html = quote_document_html(quote, for_pdf=True)
    # Layout makes hundreds of thousands of short-lived objects; with the collector on, its full
    # passes walk the whole process's heap (a Django worker's is large) and doubled the time.
    collecting = gc.isenabled()
    gc.disable()
    try:
        pdf: bytes = html_class(string=html, base_url=str(STYLESHEET.parent)).write_pdf(
            stylesheets=[stylesheet]
        )
    finally:
        if collecting:
            gc.enable()
    return pdf


def pdf_filename(quote: Quote) -> str:
    safe = "".join(character for character in quote_number(quote) if character.isalnum() or character in "-_")
    return f"quote-{safe or quote.number}.pdf"
