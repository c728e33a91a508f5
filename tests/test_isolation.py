"""No page or endpoint of one organization reads or changes another organization's data."""

import json

import pytest
from django.apps import apps
from django.test import Client

from kliento.core.audit import field_values
from kliento.core.permissions import Role
from kliento.core.services import create_api_key
from kliento.core.tenancy import TenantKeyedModel
from tests.isolation import load_cases

CASES = load_cases()
PAGE_REQUESTS = [(name, index) for name, case in CASES.items() for index in range(len(case.pages))]
API_REQUESTS = [(name, index) for name, case in CASES.items() for index in range(len(case.api))]


def _send(client: Client, request, record, **extra):
    url = request.url(record)
    if request.method in ("get", "delete"):
        return getattr(client, request.method)(url, **extra)
    if request.method == "post":
        return client.post(url, request.data, **extra)
    return getattr(client, request.method)(
        url, json.dumps(request.data), content_type="application/json", **extra
    )


def _snapshot(record):
    return field_values(type(record).unscoped.get(pk=record.pk))


def test_every_tenant_model_has_an_isolation_case():
    tenant_models = {model._meta.label for model in apps.get_models() if issubclass(model, TenantKeyedModel)}

    assert tenant_models - set(CASES) == set()


@pytest.mark.parametrize("name", list(CASES))
def test_another_organizations_records_are_invisible_to_queries(name, alice, olga):
    case = CASES[name]
    theirs = case.make(olga.organization)

    assert case.model.objects.filter(pk=theirs.pk).exists() is False


@pytest.mark.parametrize(("name", "index"), PAGE_REQUESTS)
def test_pages_refuse_another_organizations_records_as_not_found(name, index, alice_client, olga):
    case = CASES[name]
    theirs = case.make(olga.organization)
    before = _snapshot(theirs)

    response = _send(alice_client, case.pages[index], theirs)

    assert response.status_code == 404
    assert _snapshot(theirs) == before


@pytest.mark.parametrize(("name", "index"), API_REQUESTS)
def test_endpoints_refuse_another_organizations_records_as_not_found(name, index, alice, olga):
    case = CASES[name]
    theirs = case.make(olga.organization)
    before = _snapshot(theirs)
    _key, raw_key = create_api_key(name="Isolation", role=Role.OWNER, member=alice)

    response = _send(Client(), case.api[index], theirs, HTTP_AUTHORIZATION=f"Bearer {raw_key}")

    assert response.status_code == 404
    assert response.json()["detail"] == "No such record."
    assert _snapshot(theirs) == before
