"""No stored value of deals and their settings is emitted as markup (see test_stored_markup.py,
whose checks this file applies to every free-text field of deals, pipelines, stages and lost
reasons and every page and fragment showing them: the board above all)."""

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
from kliento.deals import services
from tests.security.test_stored_markup import HTMX_HEADERS, PAYLOADS, problems_of, stored

STORED: dict[str, int] = {
    "deal.title": 200,
    "deal.description": 5000,
    "deal.tag": 60,
    "deal.cf_text": 5000,
    "field.deal_text.label": 100,
    "pipeline.name": 100,
    "stage.name": 100,
    "lost_reason.name": 100,
    "line.product_name": 200,
}
MARKERS = {name: f"d{index:02d}" for index, name in enumerate(STORED)}


@dataclass
class World:
    payload: str
    values: dict[str, str]
    deal_id: int
    pipeline_id: int
    stage_id: int
    contact_id: int
    company_id: int


@pytest.fixture(params=list(PAYLOADS), ids=list(PAYLOADS))
def world(request, alice: Membership) -> World:
    payload = PAYLOADS[request.param]
    values = {name: stored(MARKERS[name], payload, length) for name, length in STORED.items()}
    field_services.save_custom_field(
        member=alice,
        data={
            "entity": "deal",
            "key": "text",
            "field_type": "text",
            "label": values["field.deal_text.label"],
        },
    )
    pipeline = services.save_pipeline(member=alice, data={"name": values["pipeline.name"]})
    stage = services.save_stage(member=alice, data={"name": values["stage.name"]}, pipeline=pipeline)
    services.save_stage(member=alice, data={"name": "Lost", "kind": "lost"}, pipeline=pipeline)
    services.save_lost_reason(member=alice, data={"name": values["lost_reason.name"]})
    product = catalog_services.create_product(
        member=alice, data={"sku": "P-1", "name": values["line.product_name"]}
    )
    company = customer_services.create_company(member=alice, data={"name": "Plain company"})
    contact = customer_services.create_contact(
        member=alice, data={"last_name": "Plain", "company_id": company.pk}
    )
    deal = services.create_deal(
        member=alice,
        data={
            "title": values["deal.title"],
            "description": values["deal.description"],
            "tags": [values["deal.tag"]],
            "custom_fields": {"text": values["deal.cf_text"]},
            "contact_id": contact.pk,
            "company_id": company.pk,
            "lines": [{"product_id": product.pk, "quantity": Decimal(2), "unit_price": Decimal(5)}],
        },
    )
    return World(payload, values, deal.pk, pipeline.pk, stage.pk, contact.pk, company.pk)


@dataclass(frozen=True)
class Page:
    name: str
    url: Callable[[World], str]
    shows: tuple[str, ...]
    htmx: bool = False


def _deal(name: str) -> Callable[[World], str]:
    return lambda world: reverse(f"deals:deal-{name}", args=[world.deal_id])


PAGES = (
    Page(
        "board",
        lambda w: reverse("deals:board", args=[w.pipeline_id]),
        ("deal.title", "pipeline.name", "stage.name", "lost_reason.name"),
    ),
    Page(
        "board more",
        lambda w: reverse("deals:board-more", args=[w.pipeline_id, w.stage_id]) + "?after=-99999999,0",
        ("deal.title",),
        htmx=True,
    ),
    Page(
        "list",
        lambda w: reverse("deals:deal-list") + "?columns=title,stage,pipeline,tags,cf.text",
        ("deal.title", "stage.name", "pipeline.name", "deal.tag", "deal.cf_text"),
    ),
    Page(
        "list rows",
        lambda w: reverse("deals:deal-list") + "?columns=title,stage",
        ("deal.title", "stage.name"),
        htmx=True,
    ),
    Page(
        "card",
        _deal("detail"),
        (
            "deal.title",
            "deal.description",
            "deal.tag",
            "deal.cf_text",
            "field.deal_text.label",
            "pipeline.name",
            "stage.name",
            "line.product_name",
            "lost_reason.name",
        ),
    ),
    Page("history", _deal("history"), ("deal.title",), htmx=True),
    Page(
        "edit form",
        _deal("edit"),
        ("deal.title", "deal.description", "deal.tag", "deal.cf_text", "field.deal_text.label"),
    ),
    Page(
        "new form",
        lambda w: reverse("deals:deal-create"),
        ("pipeline.name", "stage.name", "field.deal_text.label"),
    ),
    Page(
        "contact card",
        lambda w: reverse("customers:contact-detail", args=[w.contact_id]),
        ("deal.title", "stage.name"),
    ),
    Page("company card", lambda w: reverse("customers:company-detail", args=[w.company_id]), ("deal.title",)),
    Page("pipelines", lambda w: reverse("deals:pipeline-list"), ("pipeline.name", "stage.name")),
    Page(
        "stage form",
        lambda w: reverse("deals:stage-edit", args=[w.pipeline_id, w.stage_id]),
        ("stage.name", "pipeline.name"),
    ),
    Page("pipeline form", lambda w: reverse("deals:pipeline-edit", args=[w.pipeline_id]), ("pipeline.name",)),
    Page("lost reasons", lambda w: reverse("deals:lost-reasons"), ("lost_reason.name",)),
    Page("search", lambda w: reverse("core:search") + "?q=" + MARKERS["deal.title"], ("deal.title",)),
    Page(
        "search box",
        lambda w: reverse("core:search") + "?q=" + MARKERS["deal.title"],
        ("deal.title",),
        htmx=True,
    ),
)


def test_no_deals_page_shows_a_stored_payload_as_markup(world: World, alice_client: Client):
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


def test_every_stored_deals_field_is_shown_on_some_page():
    assert set(STORED) - {name for page in PAGES for name in page.shows} == set()
