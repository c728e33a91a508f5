"""Custom field keys are the organization's own words: filters and sorts on the list pages and
the API must address the JSON key itself, even one named like a Django lookup, an index or a path."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import reverse

from kliento.core.records.fields.models import CustomField
from kliento.customers.models import CustomerEntity
from tests.customers.factories import CompanyFactory, ContactFactory, CustomFieldFactory

# Lookup names, an array index, and paths.
KEYS = ["gt", "isnull", "contains", "in", "regex", "exact", "has_key", "0", "size__lt", "a__0"]
Type = CustomField.FieldType


@dataclass
class Case:
    """Two stored values, the lower one first, and the filter that keeps only the higher one."""

    field_type: str
    low: Any
    high: Any
    match: str

    def __str__(self) -> str:
        return self.field_type


CASES = [
    Case(Type.TEXT, "apple", "pear", "pear"),
    Case(Type.NUMBER, 7, 42, "42"),
    Case(Type.DECIMAL, "1.5", "12.5", "12.5"),
    Case(Type.DATE, "2024-05-01", "2024-06-01", "2024-06-01"),
    Case(Type.BOOLEAN, False, True, "true"),
    Case(Type.CHOICE, "a", "b", "b"),
    Case(Type.MULTI_CHOICE, ["a"], ["b"], "b"),
]
cases = pytest.mark.parametrize("case", CASES, ids=str)
keys = pytest.mark.parametrize("key", KEYS)


def _contacts(member, key: str, case: Case) -> None:
    CustomFieldFactory(
        organization=member.organization, key=key, field_type=case.field_type, choices=["a", "b"]
    )
    for name, value in (("Lowrow", case.low), ("Highrow", case.high)):
        ContactFactory(
            organization=member.organization, first_name=name, last_name="X", custom_fields={key: value}
        )
    ContactFactory(organization=member.organization, first_name="Nonerow", last_name="X", custom_fields={})


def _page_names(response) -> list[str]:
    return [row.name for row in response.context["rows"]]


def _api_names(response) -> list[str]:
    return [item["full_name"] for item in response.json()["items"]]


@keys
@cases
def test_a_list_page_filter_on_a_custom_field_keeps_only_matching_contacts_whatever_its_key(
    alice_client, alice, key, case
):
    _contacts(alice, key, case)

    response = alice_client.get(reverse("customers:contact-list"), {f"cf.{key}": case.match})

    assert response.status_code == 200
    assert _page_names(response) == ["Highrow X"]


@keys
@cases
def test_an_api_filter_on_a_custom_field_keeps_only_matching_contacts_whatever_its_key(
    alice_client, alice, key, case
):
    _contacts(alice, key, case)

    response = alice_client.get("/api/v1/contacts", {f"cf.{key}": case.match})

    assert response.status_code == 200
    assert _api_names(response) == ["Highrow X"]


@keys
@cases
def test_an_api_sort_on_a_custom_field_orders_by_its_values_whatever_its_key(alice_client, alice, key, case):
    _contacts(alice, key, case)

    ascending = alice_client.get("/api/v1/contacts", {"sort": f"cf.{key}"})
    descending = alice_client.get("/api/v1/contacts", {"sort": f"-cf.{key}"})

    assert _api_names(ascending) == ["Nonerow X", "Lowrow X", "Highrow X"]
    assert _api_names(descending) == ["Highrow X", "Lowrow X", "Nonerow X"]


@pytest.mark.parametrize("key", ["gt", "0", "size__lt"])
def test_a_list_page_sorted_on_a_custom_field_continues_across_pages_whatever_its_key(
    alice_client, alice, key
):
    CustomFieldFactory(organization=alice.organization, key=key, field_type=Type.NUMBER)
    for number in range(60):
        ContactFactory(
            organization=alice.organization,
            first_name="Row",
            last_name=f"{number:02}",
            custom_fields={key: (number * 7) % 60},
        )
    url = reverse("customers:contact-list")

    first = alice_client.get(url, {"sort": f"cf.{key}"})
    second = alice_client.get(first.context["next_url"])

    values = [int(name.split()[1]) * 7 % 60 for name in _page_names(first) + _page_names(second)]
    assert values == list(range(60))


@pytest.mark.parametrize("key", ["isnull", "0"])
def test_a_company_list_filter_on_a_yes_no_field_keeps_only_matching_companies(alice_client, alice, key):
    CustomFieldFactory(
        organization=alice.organization, entity=CustomerEntity.COMPANY, key=key, field_type=Type.BOOLEAN
    )
    CompanyFactory(organization=alice.organization, name="Yes Co", custom_fields={key: True})
    CompanyFactory(organization=alice.organization, name="No Co", custom_fields={key: False})
    CompanyFactory(organization=alice.organization, name="Blank Co", custom_fields={})

    response = alice_client.get("/api/v1/companies", {f"cf.{key}": "false"})

    assert [item["name"] for item in response.json()["items"]] == ["No Co"]
