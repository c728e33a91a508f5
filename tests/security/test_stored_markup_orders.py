"""No stored value of orders is emitted as markup (see test_stored_markup.py, whose checks this
file applies to every free-text field of orders and the sales settings, and every page and fragment
showing them: the list, the card, the form, the history, the customers' and deal's panels and
timelines, and the search)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from kliento.catalog import services as catalog_services
from kliento.core.models import Membership
from kliento.core.records.fields import services as field_services
from kliento.customers import services as customer_services
from kliento.deals import services as deal_services
from kliento.orders import services
from tests.security.test_stored_markup import HTMX_HEADERS, PAYLOADS, problems_of, stored

STORED: dict[str, int] = {
    "order.notes": 5000,
    "order.external_id": 100,
    "order.tag": 60,
    "order.cf_text": 5000,
    "field.order_text.label": 100,
    "line.description": 500,
    "line.product_name": 200,
    "settings.order_prefix": 10,
}
MARKERS = {name: f"o{index:02d}" for index, name in enumerate(STORED)}


@dataclass
class World:
    payload: str
    values: dict[str, str]
    order_id: int
    contact_id: int
    company_id: int
    deal_id: int


@pytest.fixture(params=list(PAYLOADS), ids=list(PAYLOADS))
def world(request, alice: Membership) -> World:
    payload = PAYLOADS[request.param]
    values = {name: stored(MARKERS[name], payload, length) for name, length in STORED.items()}
    field_services.save_custom_field(
        member=alice,
        data={
            "entity": "order",
            "key": "text",
            "field_type": "text",
            "label": values["field.order_text.label"],
        },
    )
    services.save_sales_settings(member=alice, data={"order_prefix": values["settings.order_prefix"]})
    product = catalog_services.create_product(
        member=alice, data={"sku": "P-1", "name": values["line.product_name"]}
    )
    company = customer_services.create_company(member=alice, data={"name": "Plain company"})
    contact = customer_services.create_contact(
        member=alice, data={"last_name": "Plain", "company_id": company.pk}
    )
    pipeline = deal_services.save_pipeline(member=alice, data={"name": "Sales"})
    deal_services.save_stage(member=alice, data={"name": "New"}, pipeline=pipeline)
    deal = deal_services.create_deal(
        member=alice, data={"title": "Plain deal", "contact_id": contact.pk, "company_id": company.pk}
    )
    order = services.create_order(
        member=alice,
        data={
            "contact_id": contact.pk,
            "company_id": company.pk,
            "deal_id": deal.pk,
            "status": "paid",
            "notes": values["order.notes"],
            "external_id": values["order.external_id"],
            "tags": [values["order.tag"]],
            "custom_fields": {"text": values["order.cf_text"]},
            "lines": [
                {
                    "product_id": product.pk,
                    "quantity": Decimal(2),
                    "unit_price": Decimal(5),
                    "description": values["line.description"],
                }
            ],
        },
    )
    services.update_order(order=order, member=alice, data={"notes": values["order.notes"] + " again"})
    return World(payload, values, order.pk, contact.pk, company.pk, deal.pk)


@dataclass(frozen=True)
class Page:
    name: str
    url: Callable[[World], str]
    shows: tuple[str, ...]
    htmx: bool = False


def _order(name: str) -> Callable[[World], str]:
    return lambda world: reverse(f"orders:order-{name}", args=[world.order_id])


PREFIX = "settings.order_prefix"
PAGES = (
    Page(
        "list",
        lambda w: reverse("orders:order-list") + "?columns=number,customer,tags,cf.text",
        (PREFIX, "order.tag", "order.cf_text", "field.order_text.label"),
    ),
    Page(
        "list rows",
        lambda w: reverse("orders:order-list") + "?columns=number,tags",
        (PREFIX, "order.tag"),
        htmx=True,
    ),
    Page(
        "card",
        _order("detail"),
        (
            PREFIX,
            "order.notes",
            "order.external_id",
            "order.tag",
            "order.cf_text",
            "field.order_text.label",
            "line.description",
            "line.product_name",
        ),
    ),
    Page("history", _order("history"), ("order.notes", "line.description", "line.product_name"), htmx=True),
    Page(
        "edit form",
        _order("edit"),
        (
            PREFIX,
            "order.notes",
            "order.external_id",
            "order.tag",
            "order.cf_text",
            "field.order_text.label",
            "line.description",
            "line.product_name",
        ),
    ),
    Page(
        "new form", lambda w: reverse("orders:order-create"), ("field.order_text.label", "line.product_name")
    ),
    Page("contact card", lambda w: reverse("customers:contact-detail", args=[w.contact_id]), (PREFIX,)),
    Page("company card", lambda w: reverse("customers:company-detail", args=[w.company_id]), (PREFIX,)),
    Page("deal card", lambda w: reverse("deals:deal-detail", args=[w.deal_id]), (PREFIX,)),
    Page(
        "contact timeline",
        lambda w: reverse("core:record-timeline", args=["contact", w.contact_id]),
        (PREFIX,),
        htmx=True,
    ),
    Page("sales settings", lambda w: reverse("orders:sales-settings"), (PREFIX,)),
    Page(
        "search",
        lambda w: reverse("core:search") + "?q=" + w.values["order.external_id"],
        (PREFIX, "order.external_id"),
    ),
    Page(
        "search box",
        lambda w: reverse("core:search") + "?q=" + w.values["order.external_id"],
        (PREFIX,),
        htmx=True,
    ),
)


def test_no_orders_page_shows_a_stored_payload_as_markup(world: World, alice_client: Client):
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


def test_every_stored_orders_field_is_shown_on_some_page():
    assert set(STORED) - {name for page in PAGES for name in page.shows} == set()
