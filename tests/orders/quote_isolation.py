"""Isolation cases of quotes, their lines and tags (see tests/isolation.py)."""

from django.urls import reverse

from kliento.orders.models import Quote, QuoteLine, QuoteTag
from tests.customers.factories import TagFactory
from tests.isolation import IsolationCase, Request, register
from tests.orders.factories import QuoteFactory, QuoteLineFactory


def _api(quote: Quote) -> str:
    return f"/api/v1/quotes/{quote.pk}"


def _page(name: str):
    return lambda quote: reverse(f"orders:quote-{name}", args=[quote.pk])


QUOTE_PAGES = (
    Request("get", _page("detail")),
    Request("get", _page("edit")),
    Request("post", _page("edit"), {"contact": "", "currency": "USD", "issued_on": "2026-01-01"}),
    Request("post", _page("delete")),
    Request("post", _page("status"), {"status": "sent"}),
    Request("post", _page("order")),
    Request("get", _page("print")),
    Request("get", _page("pdf")),
    Request("get", _page("history")),
)

register(
    IsolationCase(
        model=Quote,
        make=lambda organization: QuoteFactory(organization=organization),
        pages=QUOTE_PAGES,
        api=(
            Request("get", _api),
            Request("patch", _api, {"notes": "Taken over"}),
            Request("delete", _api),
            Request("get", lambda quote: f"{_api(quote)}/pdf"),
            # POST endpoints (status, order, a deal's quote) are proven in test_quote_isolation.py.
        ),
    )
)


def _line(organization) -> QuoteLine:
    return QuoteLineFactory(organization=organization)


register(
    IsolationCase(
        model=QuoteLine,
        make=_line,
        pages=(
            Request("get", lambda line: reverse("orders:quote-detail", args=[line.quote_id])),
            Request("get", lambda line: reverse("orders:quote-print", args=[line.quote_id])),
        ),
        api=(Request("get", lambda line: f"/api/v1/quotes/{line.quote_id}"),),
    )
)


def _tagged(organization) -> QuoteTag:
    return QuoteTag.unscoped.create(
        organization=organization,
        quote=QuoteFactory(organization=organization),
        tag=TagFactory(organization=organization),
    )


register(
    IsolationCase(
        model=QuoteTag,
        make=_tagged,
        pages=(Request("get", lambda link: reverse("orders:quote-detail", args=[link.quote_id])),),
    )
)
