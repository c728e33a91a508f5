"""The organization settings page refuses what the API refuses (tests/api/test_crafted_input.py)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kliento.core.models import Organization

SETTINGS = {
    "name": "Acme",
    "base_currency": "USD",
    "default_locale": "en",
    "time_zone": "UTC",
    "default_region": "US",
    "record_visibility": "everyone",
}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", "   "),
        ("name", "Acme\u202e"),
        ("name", "Acme\x1b"),
        ("default_region", "ZZ"),
        ("base_currency", "ABC"),
        ("base_currency", "XXX"),
    ],
)
def test_an_invalid_organization_setting_is_a_form_error_on_its_field(alice_client, alice, field, value):
    response = alice_client.post(reverse("core:organization-settings"), {**SETTINGS, field: value})

    assert response.status_code == 400
    assert list(response.context["form"].errors) == [field]
    organization = Organization.objects.get(pk=alice.organization_id)
    assert (organization.name, organization.default_region, organization.base_currency) == (
        "Acme",
        "US",
        "USD",
    )


def test_a_real_region_and_currency_are_saved(alice_client, alice):
    response = alice_client.post(
        reverse("core:organization-settings"), {**SETTINGS, "default_region": "XK", "base_currency": "JPY"}
    )

    assert response.status_code == 302
    organization = Organization.objects.get(pk=alice.organization_id)
    assert (organization.default_region, organization.base_currency) == ("XK", "JPY")
