"""No stored value of quotes is emitted as markup (see test_stored_markup.py, whose checks this file
applies to every free-text field a quote shows: its notes, terms, line descriptions, tags, custom
fields, products and customer) on every page and fragment showing them, the print page and the
PDF's source among them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import reverse

from kliento.catalog import services as catalog_services
from kliento.core.models import Membership
from kliento.core.records.fields import services as field_services
from kliento.customers import services as customer_services
from kliento.deals import services as deal_services
from kliento.orders import services
from kliento.orders.models import Quote
from kliento.orders.pdf import quote_document_html
from tests.deals.factories import sales_pipeline
from tests.security.test_stored_markup import HTMX_HEADERS, PAYLOADS, problems_of, stored

STORED: dict[str, int] = {
    "quote.notes": 5000,
    "quote.terms": 5000,
    "quote.tag": 60,
    "quote.cf_text": 5000,
    "field.quote_text.label": 100,
    "line.description": 500,
    "line.product_name": 200,
    "line.product_unit": 30,
    "company.name": 150,
    "company.street": 200,
    "deal.title": 200,
}
MARKERS = {name: f"qt{index:02d}" for index, name in enumerate(STORED)}


@dataclass
class World:
    payload: str
    values: dict[str, str]
    quote_id: int
    deal_id: int


@pytest.fixture(params=list(PAYLOADS), ids=list(PAYLOADS))
def world(request, alice: Membership) -> World:
    payload = PAYLOADS[request.param]
    values = {name: stored(MARKERS[name], payload, length) for name, length in STORED.items()}
    field_services.save_custom_field(
        member=alice,
        data={
            "entity": "quote",
            "key": "text",
            "field_type": "text",
            "label": values["field.quote_text.label"],
        },
    )
    product = catalog_services.create_product(
        member=alice,
        data={"sku": "P-1", "name": values["line.product_name"], "unit": values["line.product_unit"]},
    )
    company = customer_services.create_company(
        member=alice, data={"name": values["company.name"], "street": values["company.street"]}
    )
    sales_pipeline(alice.organization)
    deal = deal_services.create_deal(
        member=alice,
        data={
            "title": values["deal.title"],
            "company_id": company.pk,
            "lines": [{"product_id": product.pk, "quantity": 1, "unit_price": 5}],
        },
    )
    quote = services.create_quote(
        member=alice,
        data={
            "company_id": company.pk,
            "deal_id": deal.pk,
            "notes": values["quote.notes"],
            "terms": values["quote.terms"],
            "tags": [values["quote.tag"]],
            "custom_fields": {"text": values["quote.cf_text"]},
            "lines": [
                {
                    "product_id": product.pk,
                    "quantity": 2,
                    "unit_price": 5,
                    "description": values["line.description"],
                }
            ],
        },
    )
    return World(payload, values, quote.pk, deal.pk)


@dataclass(frozen=True)
class Page:
    name: str
    url: Callable[[World], str]
    shows: tuple[str, ...]
    htmx: bool = False


def _quote(name: str) -> Callable[[World], str]:
    return lambda world: reverse(f"orders:quote-{name}", args=[world.quote_id])


PRINTED = (
    "quote.notes",
    "quote.terms",
    "line.description",
    "line.product_name",
    "line.product_unit",
    "company.name",
    "company.street",
)

PAGES = (
    Page(
        "list",
        lambda w: reverse("orders:quote-list") + "?columns=number,customer,deal,tags,cf.text",
        ("company.name", "deal.title", "quote.tag", "quote.cf_text"),
    ),
    Page(
        "list rows",
        lambda w: reverse("orders:quote-list") + "?columns=number,customer",
        ("company.name",),
        htmx=True,
    ),
    Page(
        "card",
        _quote("detail"),
        (
            "quote.notes",
            "quote.terms",
            "quote.tag",
            "quote.cf_text",
            "field.quote_text.label",
            "line.description",
            "line.product_name",
            "line.product_unit",
            "company.name",
            "deal.title",
        ),
    ),
    Page("history", _quote("history"), ("quote.notes", "quote.terms"), htmx=True),
    Page(
        "edit form",
        _quote("edit"),
        ("quote.notes", "quote.terms", "quote.tag", "quote.cf_text", "line.description", "line.product_name"),
    ),
    Page("new form", lambda w: reverse("orders:quote-create"), ("field.quote_text.label", "company.name")),
    Page("print page", _quote("print"), PRINTED),
    Page("deal card", lambda w: reverse("deals:deal-detail", args=[w.deal_id]), ("deal.title",)),
)


def test_no_quote_page_shows_a_stored_payload_as_markup(world: World, alice_client: Client):
    problems = {}
    for page in PAGES:
        response = alice_client.get(page.url(world), **(HTMX_HEADERS if page.htmx else {}))
        if response.status_code != 200:
            problems[page.name] = [f"answered {response.status_code}"]
        elif found := problems_of(
            response.content.decode(), world.payload, {name: world.values[name] for name in page.shows}
        ):
            problems[page.name] = found

    assert problems == {}


def test_the_pdfs_source_shows_no_stored_payload_as_markup(world: World, alice):
    html = quote_document_html(Quote.objects.get(pk=world.quote_id), for_pdf=True)

    assert problems_of(html, world.payload, {name: world.values[name] for name in PRINTED}) == []


def test_every_stored_quote_field_is_shown_on_some_page():
    assert set(STORED) - {name for page in PAGES for name in page.shows} == set()
