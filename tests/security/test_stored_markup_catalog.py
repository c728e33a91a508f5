"""No stored value of the catalogue is emitted as markup (see test_stored_markup.py, whose checks
this file applies to every free-text field of products and price lists and every page showing them)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from kliento.catalog import services
from kliento.core.models import Membership
from kliento.core.records.fields import services as field_services
from tests.security.test_stored_markup import HTMX_HEADERS, PAYLOADS, problems_of, stored

STORED: dict[str, int] = {
    "product.sku": 64,
    "product.name": 200,
    "product.category": 100,
    "product.unit": 30,
    "product.description": 5000,
    "product.tag": 60,
    "product.cf_text": 5000,
    "field.product_text.label": 100,
    "price_list.name": 100,
}
MARKERS = {name: f"c{index:02d}" for index, name in enumerate(STORED)}


@dataclass
class World:
    payload: str
    values: dict[str, str]
    product_id: int
    price_list_id: int


@pytest.fixture(params=list(PAYLOADS), ids=list(PAYLOADS))
def world(request, alice: Membership) -> World:
    payload = PAYLOADS[request.param]
    values = {name: stored(MARKERS[name], payload, length) for name, length in STORED.items()}
    field_services.save_custom_field(
        member=alice,
        data={
            "entity": "product",
            "key": "text",
            "field_type": "text",
            "label": values["field.product_text.label"],
        },
    )
    product = services.create_product(
        member=alice,
        data={
            "sku": values["product.sku"],
            "name": values["product.name"],
            "category": values["product.category"],
            "unit": values["product.unit"],
            "description": values["product.description"],
            "tags": [values["product.tag"]],
            "custom_fields": {"text": values["product.cf_text"]},
            "prices": {"USD": Decimal("10")},
        },
    )
    price_list = services.save_price_list(
        member=alice, data={"name": values["price_list.name"], "currency": "USD"}
    )
    services.set_price_list_item(
        member=alice, price_list=price_list, product_id=product.pk, amount=Decimal("9")
    )
    return World(payload=payload, values=values, product_id=product.pk, price_list_id=price_list.pk)


@dataclass(frozen=True)
class Page:
    name: str
    url: Callable[[World], str]
    shows: tuple[str, ...]
    htmx: bool = False


def _product(name: str) -> Callable[[World], str]:
    return lambda world: reverse(f"catalog:product-{name}", args=[world.product_id])


PRODUCT_TEXT = ("product.sku", "product.name", "product.category", "product.unit")
PAGES = (
    Page(
        "list",
        lambda w: reverse("catalog:product-list") + "?columns=name,sku,category,unit,tags,cf.text",
        (*PRODUCT_TEXT, "product.tag", "product.cf_text"),
    ),
    Page(
        "list rows",
        lambda w: reverse("catalog:product-list") + "?columns=name,sku,tags",
        ("product.name", "product.sku", "product.tag"),
        htmx=True,
    ),
    Page(
        "card",
        _product("detail"),
        (
            *PRODUCT_TEXT,
            "product.description",
            "product.tag",
            "product.cf_text",
            "field.product_text.label",
            "price_list.name",
        ),
    ),
    Page("history", _product("history"), ("product.name",), htmx=True),
    Page(
        "edit form",
        _product("edit"),
        (*PRODUCT_TEXT, "product.description", "product.tag", "product.cf_text", "field.product_text.label"),
    ),
    Page("new form", lambda w: reverse("catalog:product-create"), ("field.product_text.label",)),
    Page("price lists", lambda w: reverse("catalog:price-list-list"), ("price_list.name",)),
    Page(
        "price list",
        lambda w: reverse("catalog:price-list-detail", args=[w.price_list_id]),
        ("price_list.name", "product.name", "product.sku"),
    ),
    Page(
        "search",
        lambda w: reverse("core:search") + "?q=" + MARKERS["product.name"],
        ("product.name", "product.sku"),
    ),
    Page(
        "search box",
        lambda w: reverse("core:search") + "?q=" + MARKERS["product.name"],
        ("product.name",),
        htmx=True,
    ),
    Page("trash", lambda w: reverse("core:trash"), ()),
)


def test_no_catalogue_page_shows_a_stored_payload_as_markup(world: World, alice_client: Client):
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


def test_every_stored_catalogue_field_is_shown_on_some_page():
    assert set(STORED) - {name for page in PAGES for name in page.shows} == set()
