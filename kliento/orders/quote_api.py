"""API of quotes: CRUD (ETag and If-Match like deals), status moves, a quote from a deal's lines,
the order of an accepted quote, and the quote as a PDF.

Lists are keyset pages newest first; bad input is a 422 naming the field (`lines.0.quantity`), a
refused rule a 409 (a move a quote cannot make, an order from a quote not accepted), an old
If-Match a 412, a server without WeasyPrint a 503 saying what to install.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from ninja import Query, Router, Status
from ninja.errors import HttpError

from kliento.api.concurrency import if_match, set_etag
from kliento.core.pagination import keyset_page
from kliento.core.requests import OrgRequest
from kliento.deals.selectors import access_deal
from kliento.orders import services
from kliento.orders.models import Order, Quote
from kliento.orders.pdf import PdfUnavailable, pdf_filename, quote_pdf
from kliento.orders.quote_schemas import (
    OrderFromQuoteIn,
    QuoteFromDealIn,
    QuoteIn,
    QuoteOrderOut,
    QuoteOut,
    QuotePage,
    QuoteParams,
    QuotePatch,
    QuoteStatusIn,
)
from kliento.orders.quote_selectors import QuoteFilter, access_quote, filtered_quotes

router = Router(tags=["quotes"])

ITEM_COLUMNS = (
    "id", "number", "status", "issued_on", "valid_until", "contact_id", "company_id", "deal_id",
    "owner_id", "currency", "total", "total_base", "updated_at",
)  # fmt: skip


def _quote(request: OrgRequest, quote_id: int, *, write: bool = False) -> Quote:
    return access_quote(member=request.member, record_id=quote_id, write=write)


def _answer(response: HttpResponse, quote: Quote) -> Quote:
    set_etag(response, quote)
    return quote


@router.get("/quotes", response=QuotePage)
def list_quotes(request: OrgRequest, params: Query[QuoteParams]) -> dict[str, Any]:
    """Newest first (date, then id); filters combine."""
    given = QuoteFilter(
        status=params.status,
        contact=params.contact,
        company=params.company,
        deal=params.deal,
        owner=params.owner,
        issued_from=params.issued_from,
        issued_to=params.issued_to,
        number=params.q,
    )
    quotes = filtered_quotes(request.member, given).values(*ITEM_COLUMNS)
    page = keyset_page(quotes, ordering=["-issued_on", "-id"], cursor=params.cursor, limit=params.limit)
    return {"items": page.items, "next_cursor": page.next_cursor}


@router.post("/quotes", response={201: QuoteOut})
def create_quote(request: OrgRequest, payload: QuoteIn, response: HttpResponse) -> Status[Quote]:
    data = payload.model_dump(exclude_unset=True)
    for name in ("currency", "issued_on", "valid_until", "language", "total"):
        if data.get(name) is None:
            data.pop(name, None)
    quote = services.create_quote(member=request.member, data=data)
    set_etag(response, quote)
    return Status(201, quote)


@router.get("/quotes/{quote_id}", response=QuoteOut)
def read_quote(request: OrgRequest, quote_id: int, response: HttpResponse) -> Quote:
    return _answer(response, _quote(request, quote_id))


@router.patch("/quotes/{quote_id}", response=QuoteOut)
def update_quote(request: OrgRequest, quote_id: int, payload: QuotePatch, response: HttpResponse) -> Quote:
    quote = _quote(request, quote_id, write=True)
    services.update_quote(
        quote=quote,
        member=request.member,
        data=payload.model_dump(exclude_unset=True),
        expected_version=if_match(request),
    )
    return _answer(response, quote)


@router.delete("/quotes/{quote_id}", response={204: None})
def delete_quote(request: OrgRequest, quote_id: int) -> Status[None]:
    quote = _quote(request, quote_id, write=True)
    services.trash_quote(quote=quote, member=request.member, expected_version=if_match(request))
    return Status(204, None)


@router.post("/quotes/{quote_id}/status", response=QuoteOut)
def change_status(
    request: OrgRequest, quote_id: int, payload: QuoteStatusIn, response: HttpResponse
) -> Quote:
    """draft → sent → accepted or declined (or expired); a declined or expired quote back to draft."""
    quote = _quote(request, quote_id, write=True)
    services.change_quote_status(
        quote=quote, member=request.member, status=payload.status, expected_version=if_match(request)
    )
    return _answer(response, quote)


@router.post("/deals/{deal_id}/quote", response={201: QuoteOut})
def quote_from_deal(
    request: OrgRequest, deal_id: int, payload: QuoteFromDealIn, response: HttpResponse
) -> Status[Quote]:
    """A draft quote with the deal's customer, currency and product lines; 409 without lines."""
    deal = access_deal(member=request.member, record_id=deal_id, write=True)
    quote = services.quote_from_deal(
        member=request.member, deal=deal, data=payload.model_dump(exclude_unset=True)
    )
    set_etag(response, quote)
    return Status(201, quote)


@router.post("/quotes/{quote_id}/order", response={201: QuoteOrderOut})
def order_from_quote(request: OrgRequest, quote_id: int, payload: OrderFromQuoteIn) -> Status[Order]:
    """The order of an accepted quote, at the quote's prices; one order per quote (409 after)."""
    quote = _quote(request, quote_id, write=True)
    order = services.order_from_quote(
        quote=quote, member=request.member, data=payload.model_dump(exclude_unset=True)
    )
    return Status(201, order)


@router.get("/quotes/{quote_id}/pdf", response={200: None}, openapi_extra={"responses": {200: {
    "description": "The quote as a PDF, in its language",
    "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
}}})  # fmt: skip
def quote_as_pdf(request: OrgRequest, quote_id: int) -> HttpResponse:
    quote = _quote(request, quote_id)
    try:
        pdf = quote_pdf(quote)
    except PdfUnavailable as error:
        raise HttpError(503, str(error)) from error
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{pdf_filename(quote)}"'
    set_etag(response, quote)
    return response
