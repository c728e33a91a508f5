"""Crafted input is refused with a 422 naming the field, never a 500: tampered cursors on every
list endpoint (found in the OpenAPI document, so a new one is covered by itself), ids too large
for the database, text the database cannot store or that hides what it says, unknown fields."""

from __future__ import annotations

import base64
import datetime
import json
from typing import Any

import pytest
from django.test import Client
from pydantic import ValidationError

from kliento.api.api import api as ninja_api
from kliento.api.schemas import InputSchema
from kliento.core.models import Organization
from kliento.core.permissions import Role
from kliento.core.records.fields.models import CustomField
from kliento.core.records.lists import get_list
from kliento.core.services import create_api_key
from kliento.customers import services
from kliento.customers.models import Company, Contact, CustomerEntity
from tests.activities.factories import CallFactory
from tests.catalog.factories import ExchangeRateFactory, PriceListFactory, ProductFactory
from tests.customers.factories import CompanyFactory, ContactFactory, CustomFieldFactory, TagFactory
from tests.deals.factories import DealFactory
from tests.factories import MembershipFactory
from tests.leads.factories import LeadFactory
from tests.orders.factories import OrderFactory, QuoteFactory
from tests.tasks.factories import MeetingFactory, NotificationFactory, TaskFactory

PROBLEM = "application/problem+json"
TOO_LARGE = 2**63
LIST_KINDS = (*CustomerEntity.values, "lead", "order")  # the kinds whose API lists take custom-field sorts
# The list endpoints sorted as another kind's list page than the contacts'.
SORTED_AS = {"/api/v1/orders": "order"}


def _openapi() -> dict[str, Any]:
    return ninja_api.get_openapi_schema()


def _list_endpoints() -> list[tuple[str, str | None]]:
    """(path, sort) for every GET that pages with a cursor; each sort of the lists that take one."""
    document, found = _openapi(), []
    for path, operations in document["paths"].items():
        if "{" in path:  # a record's own list (a timeline): tested with a record by its app
            continue
        parameters = {p["name"] for p in operations.get("get", {}).get("parameters", [])}
        if "cursor" not in parameters or "next_cursor" not in json.dumps(
            _answer(document, operations["get"])
        ):
            continue
        sorts = (
            [*get_list(SORTED_AS.get(path, "contact")).sorts, "cf.size", "-cf.size", "cf.plan", "-cf.plan"]
            if "sort" in parameters
            else []
        )
        found += [(path, sort) for sort in [None, *sorts]]
    return found


def _answer(document: dict[str, Any], operation: dict[str, Any]) -> dict[str, Any]:
    """The schema of an operation's 200 answer (a count answers no page, so has no cursor)."""
    answer = operation["responses"].get(200) or operation["responses"].get("200", {})
    schema = answer.get("content", {}).get("application/json", {}).get("schema", {})
    return (
        document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]] if "$ref" in schema else schema
    )


def _cursor(values: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


TAMPERED = {
    "nulls": _cursor([None, None]),
    "words": _cursor(["x", "notint"]),
    "one-value": _cursor(["a"]),
    "null-alone": _cursor([None]),
    "word-alone": _cursor("a"),
    "empty-list": _cursor([]),
    "three-values": _cursor([1, 2, 3]),
    "too-large": _cursor([TOO_LARGE, TOO_LARGE]),
    "too-small": _cursor([-TOO_LARGE - 1, -TOO_LARGE - 1]),
    "booleans": _cursor([True, True]),
    "objects": _cursor([{"a": 1}, {"a": 1}]),
    "lists": _cursor([[1], [1]]),
    "nul": _cursor(["\x00", "\x00"]),
    "surrogate": _cursor(["\ud800", "\ud800"]),
    "not-base64": "!!!not base64!!!",
    "not-ascii": "é",
    "not-json": base64.urlsafe_b64encode(b"\xff\xfe{").decode(),
}


@pytest.fixture
def lists_with_rows(alice):
    """A row in every list, and the custom fields the custom sorts use."""
    for entity in LIST_KINDS:
        CustomFieldFactory(
            organization=alice.organization,
            entity=entity,
            key="size",
            field_type=CustomField.FieldType.NUMBER,
        )
        CustomFieldFactory(organization=alice.organization, entity=entity, key="plan")
    ContactFactory(organization=alice.organization, custom_fields={"size": 1, "plan": "a"})
    CompanyFactory(organization=alice.organization, custom_fields={"size": 1, "plan": "a"})
    LeadFactory(organization=alice.organization, custom_fields={"size": 1, "plan": "a"})
    OrderFactory(organization=alice.organization, custom_fields={"size": 1, "plan": "a"})
    TagFactory(organization=alice.organization)


def test_the_openapi_document_has_list_endpoints_to_check():
    paths = {path for path, _sort in _list_endpoints()}

    assert {"/api/v1/contacts", "/api/v1/companies", "/api/v1/members", "/api/v1/tags"} <= paths


@pytest.mark.parametrize("tampering", TAMPERED.values(), ids=TAMPERED.keys())
@pytest.mark.parametrize(("path", "sort"), _list_endpoints())
def test_a_tampered_cursor_on_any_list_endpoint_is_a_422_naming_the_cursor(
    admin_api, lists_with_rows, path, sort, tampering
):
    params = {"cursor": tampering, **({"sort": sort} if sort else {})}

    response = admin_api.get(path, params)

    assert response.status_code == 422, response.content
    assert response["Content-Type"] == PROBLEM
    assert [error["field"] for error in response.json()["errors"]] == ["cursor"]


MOMENT_SORTS = ["created", "-created", "updated", "-updated"]
# Values of the right shape for one sort and the wrong type for another.
WRONG_TYPE = [
    *[(sort, [1.5, 1]) for sort in MOMENT_SORTS],
    *[(sort, ["2024-01-01 10:00:00", 1]) for sort in MOMENT_SORTS],  # a moment without a time zone
    *[(sort, ["x", 1]) for sort in ("cf.size", "-cf.size")],
    *[(sort, [1, "1"]) for sort in ("name", "-name", "cf.plan")],
]


@pytest.mark.parametrize("path", ["/api/v1/contacts", "/api/v1/companies"])
@pytest.mark.parametrize(("sort", "values"), WRONG_TYPE)
def test_a_cursor_of_the_wrong_types_for_the_sort_is_a_422_naming_the_cursor(
    admin_api, lists_with_rows, path, sort, values
):
    response = admin_api.get(path, {"sort": sort, "cursor": _cursor(values)})

    assert response.status_code == 422, response.content
    assert [error["field"] for error in response.json()["errors"]] == ["cursor"]


@pytest.mark.parametrize(("path", "sort"), _list_endpoints())
def test_a_cursor_the_endpoint_gave_still_leads_to_the_next_page(admin_api, alice, path, sort):
    for number in range(3):
        ContactFactory(organization=alice.organization, custom_fields={"size": number, "plan": f"p{number}"})
        CompanyFactory(organization=alice.organization, custom_fields={"size": number, "plan": f"p{number}"})
        LeadFactory(organization=alice.organization, custom_fields={"size": number, "plan": f"p{number}"})
        TagFactory(organization=alice.organization)
        MembershipFactory(organization=alice.organization)
        create_api_key(name=f"Key {number}", role=Role.VIEWER, member=alice)
        CallFactory(organization=alice.organization)
        ProductFactory(organization=alice.organization)
        PriceListFactory(organization=alice.organization)
        ExchangeRateFactory(organization=alice.organization, valid_from=datetime.date(2026, 1, 1 + number))
        TaskFactory(organization=alice.organization)
        MeetingFactory(organization=alice.organization, organizer=alice.user)
        NotificationFactory(organization=alice.organization, recipient=alice.user)
        DealFactory(organization=alice.organization)
        QuoteFactory(organization=alice.organization, number=number + 1)
        OrderFactory(organization=alice.organization, custom_fields={"size": number, "plan": f"p{number}"})
    for entity in LIST_KINDS:
        CustomFieldFactory(
            organization=alice.organization,
            entity=entity,
            key="size",
            field_type=CustomField.FieldType.NUMBER,
        )
        CustomFieldFactory(organization=alice.organization, entity=entity, key="plan")
    params = {"limit": 1, **({"sort": sort} if sort else {})}

    first = admin_api.get(path, params).json()
    second = admin_api.get(path, {**params, "cursor": first["next_cursor"]})

    assert second.status_code == 200
    assert second.json()["items"][0]["id"] != first["items"][0]["id"]


# Ids too large for the database -------------------------------------------------------------


def _send(client: Client, method: str, url: str, data: object):
    return getattr(client, method)(url, json.dumps(data), content_type="application/json")


def _fields(response) -> list[str]:
    return [error["field"] for error in response.json()["errors"]]


@pytest.mark.parametrize("field", ["owner_id", "company_id"])
def test_creating_a_contact_with_an_id_too_large_for_the_database_is_a_422_naming_it(admin_api, field):
    response = _send(admin_api, "post", "/api/v1/contacts", {"last_name": "Big", field: TOO_LARGE})

    assert response.status_code == 422
    assert _fields(response) == [field]
    assert Contact.objects.exists() is False


@pytest.mark.parametrize("field", ["owner_id", "company_id"])
def test_changing_a_contact_to_an_id_too_large_for_the_database_is_a_422_naming_it(admin_api, alice, field):
    contact = services.create_contact(member=alice, data={"last_name": "Small"})

    response = _send(admin_api, "patch", f"/api/v1/contacts/{contact.pk}", {field: TOO_LARGE})

    assert response.status_code == 422
    assert _fields(response) == [field]
    contact.refresh_from_db()
    assert (contact.owner_id, contact.company_id) == (alice.user_id, None)


def test_changing_a_company_to_an_owner_too_large_for_the_database_is_a_422_naming_it(admin_api, alice):
    company = services.create_company(member=alice, data={"name": "Acme Two"})

    response = _send(admin_api, "patch", f"/api/v1/companies/{company.pk}", {"owner_id": TOO_LARGE})

    assert response.status_code == 422
    assert _fields(response) == ["owner_id"]
    company.refresh_from_db()
    assert company.owner_id == alice.user_id


# Text the database cannot store, or that hides what it says --------------------------------

BAD_TEXT = {
    "lone-surrogate": "Ada\ud800",
    "nul": "Ada\x00",
    "escape": "Ada\x1b[31m",
    "delete": "Ada\x7f",
    "c1-control": "Ada\x85b",
    "right-to-left-override": "Ada\u202egpj.exe",
    "first-strong-isolate": "Ada\u2068x\u2069",
}


def _input_schemas() -> list[type[InputSchema]]:
    """Every request body schema (and the ones nested in them), from the API's own operations."""
    seen: list[type[InputSchema]] = []
    pending = list(InputSchema.__subclasses__())
    while pending:
        schema = pending.pop()
        if schema not in seen:
            seen.append(schema)
            pending += schema.__subclasses__()
    return seen


def _text_fields() -> list[tuple[type[InputSchema], str]]:
    return [
        (schema, name)
        for schema in _input_schemas()
        for name, field in schema.model_fields.items()
        if "str" in str(field.annotation) and "Literal" not in str(field.annotation)
    ]


def test_every_request_body_of_the_api_refuses_unknown_fields():
    document = _openapi()
    bodies = [
        operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
        for path, operations in document["paths"].items()
        for operation in operations.values()
        # Webhooks take what a provider sends, fields added by the provider included.
        if "requestBody" in operation and not path.startswith("/api/v1/telephony/")
    ]

    assert bodies
    for name in bodies:
        assert document["components"]["schemas"][name].get("additionalProperties") is False, name


@pytest.mark.parametrize("bad", BAD_TEXT.values(), ids=BAD_TEXT.keys())
@pytest.mark.parametrize(("schema", "name"), _text_fields(), ids=lambda v: getattr(v, "__name__", v))
def test_every_text_field_of_every_request_body_refuses_text_that_cannot_be_stored_as_written(
    schema, name, bad
):
    if name in schema.multiline_fields and bad in (
        BAD_TEXT["right-to-left-override"],
        BAD_TEXT["first-strong-isolate"],
    ):
        pytest.skip("paragraphs of notes may set their direction")
    with pytest.raises(ValidationError) as raised:
        schema.model_validate({name: [bad] if "list" in str(schema.model_fields[name].annotation) else bad})

    assert name in [error["loc"][0] for error in raised.value.errors()]


def test_multi_line_notes_keep_their_tabs_and_line_breaks(admin_api):
    response = _send(
        admin_api, "post", "/api/v1/contacts", {"last_name": "Lines", "description": "one\n\ttwo\r\nthree"}
    )

    assert response.status_code == 201
    assert Contact.objects.get().description == "one\n\ttwo\r\nthree"


@pytest.mark.parametrize("bad", BAD_TEXT.values(), ids=BAD_TEXT.keys())
def test_creating_a_contact_with_unstorable_text_in_its_name_is_a_422_naming_it(admin_api, bad):
    response = _send(admin_api, "post", "/api/v1/contacts", {"first_name": bad, "last_name": "Lovelace"})

    assert response.status_code == 422
    assert _fields(response) == ["first_name"]
    assert Contact.objects.exists() is False


def test_a_nul_in_notes_is_a_422_naming_the_field(admin_api):
    response = _send(admin_api, "post", "/api/v1/companies", {"name": "Nul Co", "description": "a\x00b"})

    assert response.status_code == 422
    assert _fields(response) == ["description"]
    assert Company.objects.exists() is False


@pytest.mark.parametrize("bad", ["\ud800", "x\x00"])
def test_unstorable_text_in_a_unique_custom_field_value_is_a_422_naming_custom_fields(admin_api, alice, bad):
    CustomFieldFactory(organization=alice.organization, key="member_no", is_unique=True)

    response = _send(
        admin_api, "post", "/api/v1/contacts", {"last_name": "Unique", "custom_fields": {"member_no": bad}}
    )

    assert response.status_code == 422
    assert _fields(response) == ["custom_fields"]
    assert Contact.objects.exists() is False


def _text_query_parameters() -> list[tuple[str, str]]:
    """(path, parameter) for every text query parameter of every GET without path parameters."""
    found = []
    for path, operations in _openapi()["paths"].items():
        if "get" not in operations or "{" in path:
            continue
        for parameter in operations["get"].get("parameters", []):
            if parameter["in"] == "query" and "string" in json.dumps(parameter["schema"]):
                found.append((path, parameter["name"]))
    return found


@pytest.mark.parametrize(("path", "name"), _text_query_parameters())
def test_a_control_character_in_any_text_query_parameter_is_a_422_naming_it(admin_api, path, name):
    response = admin_api.get(path, {name: "a\x00"})

    assert response.status_code == 422, response.content
    assert _fields(response) == [name]


# A URL cannot carry a lone surrogate: Django decodes one as U+FFFD.
@pytest.mark.parametrize("bad", ["a\x00", "a\x1b"])
def test_unstorable_text_in_a_list_filter_is_a_422_naming_the_parameter(admin_api, bad):
    response = admin_api.get("/api/v1/contacts", {"tag": bad})

    assert response.status_code == 422
    assert _fields(response) == ["tag"]


# The organization ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", "   "),
        ("name", "Acme\u202e"),
        ("default_region", "ZZ"),
        ("base_currency", "ABC"),
        ("base_currency", "XXX"),
        ("time_zone", "UTC\x00"),
    ],
)
def test_changing_the_organization_to_an_invalid_setting_is_a_422_naming_it(admin_api, alice, field, value):
    response = _send(admin_api, "patch", "/api/v1/organization", {field: value})

    assert response.status_code == 422
    assert _fields(response) == [field]
    organization = Organization.objects.get(pk=alice.organization_id)
    assert (organization.name, organization.default_region, organization.base_currency) == (
        "Acme",
        "US",
        "USD",
    )


def test_changing_the_organization_to_a_real_region_and_currency_is_saved(admin_api, alice):
    response = _send(
        admin_api, "patch", "/api/v1/organization", {"default_region": "XK", "base_currency": "CHF"}
    )

    assert response.status_code == 200
    organization = Organization.objects.get(pk=alice.organization_id)
    assert (organization.default_region, organization.base_currency) == ("XK", "CHF")


def test_changing_the_organization_with_an_unknown_field_is_a_422_naming_it(admin_api, alice):
    response = _send(admin_api, "patch", "/api/v1/organization", {"name": "Acme 2", "plan": "enterprise"})

    assert response.status_code == 422
    assert _fields(response) == ["plan"]
    assert Organization.objects.get(pk=alice.organization_id).name == "Acme"
