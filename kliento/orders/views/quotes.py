"""Quote pages: the form with its lines editor, status moves and "Create order" from the card, the
trash, the print page and the PDF, a quote from a deal, and the card's panels (the quote's own and
the Quotes panel on a deal's card)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from kliento.catalog.models import Product
from kliento.catalog.selectors import price_of
from kliento.core.errors import DomainError, StaleRecord
from kliento.core.forms import expected_version, show_conflict
from kliento.core.models import MAX_ID
from kliento.core.permissions import Permission
from kliento.core.records import tags as record_tags
from kliento.core.records.fields.values import definitions_for
from kliento.core.requests import OrgRequest
from kliento.core.views import member_required
from kliento.customers.forms import owner_choices
from kliento.customers.models import Company, Contact
from kliento.deals.models import Deal
from kliento.deals.selectors import access_deal
from kliento.orders import services
from kliento.orders.models import Order, Quote, QuoteStatus
from kliento.orders.pdf import PdfUnavailable, pdf_filename, quote_document_html, quote_pdf
from kliento.orders.quote_forms import LineRow, QuoteForm, QuoteLines, apply_service_error
from kliento.orders.quote_selectors import (
    access_quote,
    lines_of,
    quote_number,
    quotes_of_deal,
    status_css,
)

REFERENCE_CHOICES = 200  # companies, contacts and deals a form offers: the member's latest changed
PRODUCT_CHOICES = 500  # active products a line offers, by name; a quote's own always among them

# The status buttons of the card: (target status, label, button style), shown when the move is allowed.
STATUS_ACTIONS = (
    (QuoteStatus.SENT, gettext_lazy("Mark as sent"), "btn-primary"),
    (QuoteStatus.ACCEPTED, gettext_lazy("Accept"), "btn-success"),
    (QuoteStatus.DECLINED, gettext_lazy("Decline"), "btn-outline-secondary"),
    (QuoteStatus.DRAFT, gettext_lazy("Back to draft"), "btn-outline-secondary"),
)


def _id(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and 0 < int(value) <= MAX_ID else None


def _contact_name(first: str, last: str) -> str:
    return f"{first} {last}".strip()


def _choices(request: OrgRequest, quote: Quote | None, keep: dict[str, int | None]) -> dict[str, Any]:
    """The form's selects: the member's latest changed companies, contacts and deals (and the ones
    the quote or the link names), active members as owners."""
    member = request.member
    companies = Company.objects.visible_to(member)
    contacts = Contact.objects.visible_to(member)
    deals = Deal.objects.visible_to(member)
    company_rows = list(
        companies.order_by("-updated_at", "-id").values_list("pk", "name")[:REFERENCE_CHOICES]
    )
    contact_rows = [
        (pk, _contact_name(first, last))
        for pk, first, last in contacts.order_by("-updated_at", "-id").values_list(
            "pk", "first_name", "last_name"
        )[:REFERENCE_CHOICES]
    ]
    deal_rows = list(deals.order_by("-updated_at", "-id").values_list("pk", "title")[:REFERENCE_CHOICES])
    for rows, records, name, read in (
        (company_rows, companies, "company", lambda query: list(query.values_list("pk", "name"))),
        (
            contact_rows,
            contacts,
            "contact",
            lambda query: [
                (pk, _contact_name(first, last))
                for pk, first, last in query.values_list("pk", "first_name", "last_name")
            ],
        ),
        (deal_rows, deals, "deal", lambda query: list(query.values_list("pk", "title"))),
    ):
        wanted = keep.get(name) or (getattr(quote, f"{name}_id") if quote else None)
        if wanted and wanted not in {pk for pk, _label in rows}:
            rows += read(records.filter(pk=wanted))
    blank = [("", "—")]

    def sorted_choices(rows: list[tuple[int, str]]) -> list[tuple[str, str]]:
        return blank + [(str(pk), label) for pk, label in sorted(rows, key=lambda row: row[1].casefold())]

    return {
        "owner": owner_choices(),
        "company": sorted_choices(company_rows),
        "contact": sorted_choices(contact_rows),
        "deal": sorted_choices(deal_rows),
    }


def _products(lines: QuoteLines) -> list[tuple[str, str]]:
    """Active products by name, and any product a row names (a trashed or inactive one shows too)."""
    rows = list(
        Product.objects.filter(is_active=True)
        .order_by("name", "id")
        .values_list("pk", "name", "sku")[:PRODUCT_CHOICES]
    )
    named = {int(row.product) for row in lines.rows if row.product.isdigit() and int(row.product) <= MAX_ID}
    missing = named - {pk for pk, _name, _sku in rows}
    if missing:
        rows += list(Product.objects.filter(pk__in=missing).values_list("pk", "name", "sku"))
    return [("", "—")] + [(str(pk), f"{name} ({sku})" if sku else name) for pk, name, sku in rows]


def _render_form(
    request: OrgRequest,
    form: QuoteForm,
    lines: QuoteLines,
    quote: Quote | None,
    heading: str,
    *,
    status: int = 200,
    focus: str = "",
) -> HttpResponse:
    cancel = reverse("orders:quote-detail", args=[quote.pk]) if quote else reverse("orders:quote-list")
    context = {
        "form": form,
        "lines": lines,
        "products": _products(lines),
        "record": quote,
        "heading": heading,
        "cancel_url": cancel,
        "lines_focus": focus,
    }
    return render(request, "orders/quote_form.html", context, status=status)


def _initial(request: OrgRequest) -> dict[str, Any]:
    """A new quote's values: the base currency, today, the member as owner, and the customer or deal
    the link names (with the contact's preferred language)."""
    member = request.member
    initial: dict[str, Any] = {
        "currency": request.organization.base_currency,
        "owner": member.user_id,
        "issued_on": timezone.localdate(),
    }
    for name, model in (("company", Company), ("contact", Contact)):
        wanted = _id(request.GET.get(name))
        if wanted and model.objects.visible_to(member).filter(pk=wanted).exists():
            initial[name] = wanted
    if initial.get("contact"):
        language = (
            Contact.objects.filter(pk=initial["contact"]).values_list("preferred_language", flat=True).first()
        )
        initial["language"] = language or ""
    return initial


def _save(request: OrgRequest, quote: Quote | None) -> HttpResponse:
    member = request.member
    definitions = definitions_for("quote")
    heading = quote_number(quote) if quote else ""
    keep = {name: _id(request.GET.get(name)) for name in ("company", "contact", "deal")}
    kwargs: dict[str, Any] = {
        "definitions": definitions,
        "choices": _choices(request, quote, keep),
        "instance": quote,
        "tags": record_tags.tag_names(quote) if quote else [],
    }
    if request.method != "POST":
        if quote is None:
            kwargs["initial"] = _initial(request)
        form = QuoteForm(**kwargs)
        lines = QuoteLines.from_lines(lines_of(quote)) if quote else QuoteLines.empty()
        return _render_form(request, form, lines, quote, heading)
    lines = QuoteLines.from_data(request.POST)
    currency = str(request.POST.get("currency", ""))
    if lines.apply_action(str(request.POST.get("lines_action", ""))):
        lines.fill_prices(currency)
        form = QuoteForm.from_posted(request.POST, **kwargs)
        return _render_form(request, form, lines, quote, heading, focus=str(len(lines.rows) - 1))
    form = QuoteForm(request.POST, **kwargs)
    if form.is_valid():
        data = {**form.service_data(), "lines": lines.service_lines()}
        try:
            if quote is None:
                quote = services.create_quote(member=member, data=data)
            else:
                services.update_quote(
                    quote=quote, member=member, data=data, expected_version=expected_version(form)
                )
        except StaleRecord as error:
            assert quote is not None
            show_conflict(form, error, quote)
        except (ValidationError, DomainError) as error:
            apply_service_error(form, lines, error)
        else:
            messages.success(request, _("Quote %(number)s was saved.") % {"number": quote_number(quote)})
            return redirect("orders:quote-detail", quote.pk)
    lines.fill_prices(currency)
    return _render_form(request, form, lines, quote, heading, status=400)


@member_required(Permission.EDIT_SALES)
def quote_create(request: OrgRequest) -> HttpResponse:
    return _save(request, None)


@member_required(Permission.EDIT_SALES)
def quote_edit(request: OrgRequest, record_id: int) -> HttpResponse:
    quote = access_quote(member=request.member, record_id=record_id, write=True)
    if quote.status not in services.EDITABLE_QUOTE:
        messages.warning(
            request,
            _("A quote that is %(status)s is kept as it was: make a new quote instead.")
            % {"status": QuoteStatus(quote.status).label.lower()},
        )
        return redirect("orders:quote-detail", quote.pk)
    return _save(request, quote)


@member_required(Permission.EDIT_SALES)
@require_GET
def quote_line_price(request: OrgRequest) -> HttpResponse:
    """The unit price input of one line, filled with the chosen product's price in the currency."""
    index = request.GET.get("index", "")
    if not index.isdigit() or int(index) >= 200:
        return HttpResponse(status=400)
    product_id = _id(request.GET.get(f"lines-{index}-product"))
    currency = str(request.GET.get("currency", ""))[:3]
    price = price_of(product_id, currency) if product_id and len(currency) == 3 else None
    row = LineRow(unit_price=format(price.normalize(), "f") if price is not None else "")
    return render(request, "orders/_quote_line_price.html", {"row": row, "index": int(index)})


@member_required(Permission.EDIT_SALES)
@require_POST
def quote_delete(request: OrgRequest, record_id: int) -> HttpResponse:
    quote = access_quote(member=request.member, record_id=record_id, write=True)
    services.trash_quote(quote=quote, member=request.member)
    messages.success(
        request,
        _("Quote %(number)s was moved to the trash, where it can be restored.")
        % {"number": quote_number(quote)},
    )
    return redirect("orders:quote-list")


@member_required(Permission.EDIT_SALES)
@require_POST
def quote_status(request: OrgRequest, record_id: int) -> HttpResponse:
    """Send, accept, decline or back to draft, from the card's buttons."""
    quote = access_quote(member=request.member, record_id=record_id, write=True)
    try:
        services.change_quote_status(quote=quote, member=request.member, status=request.POST.get("status"))
    except DomainError as error:
        messages.warning(request, error.message)
    else:
        messages.success(
            request,
            _("Quote %(number)s is now %(status)s.")
            % {"number": quote_number(quote), "status": QuoteStatus(quote.status).label.lower()},
        )
    return redirect("orders:quote-detail", quote.pk)


def order_url(order: Order) -> str:
    """The order's card; the quote's card while the order pages are not installed."""
    try:
        return reverse("orders:order-detail", args=[order.pk])
    except NoReverseMatch:
        return reverse("orders:quote-detail", args=[order.quote_id]) if order.quote_id else "/"


@member_required(Permission.EDIT_SALES)
@require_POST
def quote_order(request: OrgRequest, record_id: int) -> HttpResponse:
    """ "Create order" on an accepted quote: the order at the quote's prices, then its card."""
    quote = access_quote(member=request.member, record_id=record_id, write=True)
    try:
        order = services.order_from_quote(quote=quote, member=request.member)
    except (DomainError, ValidationError) as error:
        messages.warning(
            request, error.message if isinstance(error, DomainError) else " ".join(error.messages)
        )
        return redirect("orders:quote-detail", quote.pk)
    messages.success(request, _("Order %(number)s was created from this quote.") % {"number": order.number})
    return redirect(order_url(order))


@member_required(Permission.EDIT_SALES)
@require_POST
def quote_from_deal(request: OrgRequest, record_id: int) -> HttpResponse:
    """ "Create quote from this deal" on a deal's card: a draft with the deal's lines, then its form."""
    deal = access_deal(member=request.member, record_id=record_id, write=True)
    try:
        quote = services.quote_from_deal(member=request.member, deal=deal)
    except (DomainError, ValidationError) as error:
        messages.warning(
            request, error.message if isinstance(error, DomainError) else " ".join(error.messages)
        )
        return redirect("deals:deal-detail", deal.pk)
    messages.success(
        request, _("Quote %(number)s was made from this deal.") % {"number": quote_number(quote)}
    )
    return redirect("orders:quote-detail", quote.pk)


@member_required()
def quote_print(request: OrgRequest, record_id: int) -> HttpResponse:
    """The quote as it prints, in its own language, from its stored values."""
    quote = access_quote(member=request.member, record_id=record_id)
    html = quote_document_html(
        quote,
        for_pdf=False,
        extra={
            "card_url": reverse("orders:quote-detail", args=[quote.pk]),
            "pdf_url": reverse("orders:quote-pdf", args=[quote.pk]),
        },
    )
    return HttpResponse(html)


@member_required()
def quote_pdf_download(request: OrgRequest, record_id: int) -> HttpResponse:
    quote = access_quote(member=request.member, record_id=record_id)
    try:
        pdf = quote_pdf(quote)
    except PdfUnavailable as error:
        return render(
            request, "orders/quote_pdf_unavailable.html", {"record": quote, "message": str(error)}, status=503
        )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{pdf_filename(quote)}"'
    return response


# The card ------------------------------------------------------------------------------------


def card_header(request: OrgRequest, quote: Quote) -> dict[str, Any]:
    member = request.member
    can_edit = member.can(Permission.EDIT_SALES)
    allowed = services.QUOTE_MOVES[quote.status]
    order = Order.with_trash.filter(quote=quote).only("id", "number", "quote_id").first()
    return {
        "number": quote_number(quote),
        "status_css": status_css(quote.status),
        "base_currency": request.organization.base_currency,
        "can_edit": can_edit,
        "is_editable": quote.status in services.EDITABLE_QUOTE,
        "status_actions": [(status, label, css) for status, label, css in STATUS_ACTIONS if status in allowed]
        if can_edit
        else [],
        "order": order,
        "order_url": order_url(order) if order else "",
        "can_order": can_edit and quote.status == QuoteStatus.ACCEPTED and order is None,
    }


def lines_panel(request: OrgRequest, quote: Quote) -> dict[str, Any]:
    return {"lines": lines_of(quote)}


def info_panel(request: OrgRequest, quote: Quote) -> dict[str, Any]:
    """Who and what the quote is for; references the member may not see are named, not linked."""
    member = request.member
    quote = Quote.objects.select_related("owner", "company", "contact", "deal").get(pk=quote.pk)
    visible = {
        name: getattr(quote, f"{name}_id") is not None
        and model.objects.visible_to(member).filter(pk=getattr(quote, f"{name}_id")).exists()
        for name, model in (("company", Company), ("contact", Contact), ("deal", Deal))
    }
    return {"quote": quote, "visible": visible, "base_currency": request.organization.base_currency}


def deal_quotes_panel(request: OrgRequest, deal: Deal) -> dict[str, Any]:
    """The Quotes panel of a deal's card: its quotes with status and total, and the button."""
    found = quotes_of_deal(request.member, deal)
    return {
        "deal_quotes": [
            {
                "quote": quote,
                "number": quote_number(quote, found.prefix),
                "status_css": status_css(quote.status),
            }
            for quote in found.quotes
        ],
        "deal_has_lines": found.has_lines,
        "can_quote": request.member.can(Permission.EDIT_SALES),
        "quote_list_query": f"?deal={deal.pk}",
    }
