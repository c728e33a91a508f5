"""Writers at the same time: no acknowledged change is lost, stage moves run one after the other,
and a write based on an old version is refused (API If-Match, the edit forms' hidden version)."""

import itertools
import json

import pytest
from django.test import Client
from django.urls import reverse

from kliento.core.models import AuditEntry
from kliento.core.permissions import Role
from kliento.core.services import create_api_key
from kliento.customers import services
from kliento.customers.models import Company, Contact, LifecycleStage, LifecycleTransition
from tests.parallel import in_parallel

# Parallel writers commit for real, each on its own connection.
parallel = pytest.mark.django_db(transaction=True)

# Twelve columns a PATCH can change, each sent by its own writer.
FIELDS = {
    "first_name": "Grace", "last_name": "Hopper", "job_title": "Admiral", "street": "1 Navy Way",
    "city": "Arlington", "region": "Virginia", "postal_code": "22201", "country": "US",
    "description": "Wrote the first compiler.", "source": "referral", "preferred_language": "en",
    "preferred_channel": "phone",
}  # fmt: skip


@pytest.fixture
def api_key(alice) -> str:
    return create_api_key(name="parallel", role=Role.ADMIN, member=alice)[1]


def patch(key: str, url: str, data: dict, **headers: str):
    client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client.patch(url, json.dumps(data), content_type="application/json", headers=headers)


def post(key: str, url: str, data: dict):
    client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client.post(url, json.dumps(data), content_type="application/json")


def ada(alice) -> Contact:
    return services.create_contact(member=alice, data={"first_name": "Ada", "last_name": "Lovelace"})


@parallel
def test_every_change_of_parallel_patches_survives(alice, api_key):
    contact = ada(alice)
    url = f"/api/v1/contacts/{contact.pk}"

    responses = in_parallel(*[lambda n=n, v=v: patch(api_key, url, {n: v}) for n, v in FIELDS.items()])

    assert [response.status_code for response in responses] == [200] * len(FIELDS)
    stored = Contact.objects.get(pk=contact.pk)
    assert {name: getattr(stored, name) for name in FIELDS} == FIELDS


@parallel
def test_parallel_patches_audit_the_values_each_one_replaced(alice, api_key):
    contact = ada(alice)
    url = f"/api/v1/contacts/{contact.pk}"

    in_parallel(*[lambda n=n, v=v: patch(api_key, url, {n: v}) for n, v in FIELDS.items()])

    entries = AuditEntry.objects.filter(action=AuditEntry.Action.UPDATE, record_id=contact.pk)
    changed = {name: values for entry in entries for name, values in entry.changes.items()}
    assert {name: changed[name] for name in FIELDS} == {
        name: [{"first_name": "Ada", "last_name": "Lovelace"}.get(name, ""), value]
        for name, value in FIELDS.items()
    }


@parallel
def test_of_parallel_stage_moves_from_lead_exactly_one_leaves_lead(alice, api_key):
    contact = ada(alice)
    url = f"/api/v1/contacts/{contact.pk}/lifecycle"
    targets = [LifecycleStage.ACTIVE, LifecycleStage.LOST] * 10

    responses = in_parallel(*[lambda to=to: post(api_key, url, {"to_stage": to}) for to in targets])

    assert all(response.status_code in (201, 409) for response in responses)
    moves = list(LifecycleTransition.objects.filter(contact=contact).order_by("id"))
    assert [move.from_stage for move in moves].count(LifecycleStage.LEAD) == 1
    # Each move starts where the one before it ended.
    assert all(move.from_stage == before.to_stage for before, move in itertools.pairwise(moves))
    assert Contact.objects.get(pk=contact.pk).lifecycle_stage == moves[-1].to_stage


@parallel
def test_two_companies_patched_in_parallel_keep_both_changes(alice, api_key):
    company = services.create_company(member=alice, data={"name": "Initech"})
    url = f"/api/v1/companies/{company.pk}"

    responses = in_parallel(
        lambda: patch(api_key, url, {"website": "https://initech.example"}),
        lambda: patch(api_key, url, {"industry": "Software"}),
        lambda: patch(api_key, url, {"city": "Austin"}),
    )

    assert [response.status_code for response in responses] == [200, 200, 200]
    stored = Company.objects.get(pk=company.pk)
    assert (stored.website, stored.industry, stored.city) == ("https://initech.example", "Software", "Austin")


# Optimistic concurrency in the API ------------------------------------------------------------


def test_reading_a_contact_gives_an_etag_that_changes_with_the_contact(alice, api_key):
    contact = ada(alice)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {api_key}")
    first = client.get(f"/api/v1/contacts/{contact.pk}")["ETag"]

    patch(api_key, f"/api/v1/contacts/{contact.pk}", {"city": "London"})

    assert first.startswith('"') and first != client.get(f"/api/v1/contacts/{contact.pk}")["ETag"]


def test_a_patch_with_the_current_etag_is_saved_and_answers_the_new_one(alice, api_key):
    contact = ada(alice)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {api_key}")
    etag = client.get(f"/api/v1/contacts/{contact.pk}")["ETag"]

    response = patch(api_key, f"/api/v1/contacts/{contact.pk}", {"city": "London"}, **{"If-Match": etag})

    assert response.status_code == 200
    assert response["ETag"] == client.get(f"/api/v1/contacts/{contact.pk}")["ETag"] != etag
    assert Contact.objects.get(pk=contact.pk).city == "London"


def test_a_patch_with_a_stale_etag_is_refused_with_412_and_changes_nothing(alice, api_key):
    contact = ada(alice)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {api_key}")
    etag = client.get(f"/api/v1/contacts/{contact.pk}")["ETag"]
    patch(api_key, f"/api/v1/contacts/{contact.pk}", {"city": "London"})  # someone else, meanwhile

    response = patch(api_key, f"/api/v1/contacts/{contact.pk}", {"city": "Paris"}, **{"If-Match": etag})

    assert response.status_code == 412
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["type"] == "urn:kliento:problem:stale-version"
    assert Contact.objects.get(pk=contact.pk).city == "London"


def test_a_delete_with_a_stale_etag_is_refused_with_412(alice, api_key):
    company = services.create_company(member=alice, data={"name": "Initech"})
    client = Client(HTTP_AUTHORIZATION=f"Bearer {api_key}")
    etag = client.get(f"/api/v1/companies/{company.pk}")["ETag"]
    patch(api_key, f"/api/v1/companies/{company.pk}", {"city": "Austin"})

    response = client.delete(f"/api/v1/companies/{company.pk}", headers={"If-Match": etag})

    assert response.status_code == 412
    assert Company.objects.filter(pk=company.pk).exists() is True


def test_a_stage_move_with_a_stale_etag_is_refused_with_412(alice, api_key):
    contact = ada(alice)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {api_key}")
    etag = client.get(f"/api/v1/contacts/{contact.pk}")["ETag"]
    post(api_key, f"/api/v1/contacts/{contact.pk}/lifecycle", {"to_stage": "active"})

    response = client.post(
        f"/api/v1/contacts/{contact.pk}/lifecycle",
        json.dumps({"to_stage": "lost"}),
        content_type="application/json",
        headers={"If-Match": etag},
    )

    assert response.status_code == 412
    assert Contact.objects.get(pk=contact.pk).lifecycle_stage == LifecycleStage.ACTIVE


# The edit forms -------------------------------------------------------------------------------


def _edit_form_data(client: Client, url: str) -> dict:
    """What the browser would post back: the form's fields as the page filled them in."""
    form = client.get(url).context["form"]
    return {bound.name: bound.value() for bound in form if bound.value() not in (None, [])}


def test_the_company_form_says_the_company_changed_meanwhile_and_keeps_it(alice, alice_client):
    company = services.create_company(member=alice, data={"name": "Initech", "city": "Austin"})
    url = reverse("customers:company-edit", args=[company.pk])
    data = _edit_form_data(alice_client, url)
    services.update_company(company=company, member=alice, data={"city": "Dallas"})  # someone else

    response = alice_client.post(url, {**data, "industry": "Software"})

    assert response.status_code == 400
    assert "Initech was changed by someone else in the meantime." in response.content.decode()
    stored = Company.objects.get(pk=company.pk)
    assert (stored.city, stored.industry) == ("Dallas", "")


def test_saving_the_company_form_again_after_the_warning_saves_it(alice, alice_client):
    company = services.create_company(member=alice, data={"name": "Initech", "city": "Austin"})
    url = reverse("customers:company-edit", args=[company.pk])
    data = _edit_form_data(alice_client, url)
    services.update_company(company=company, member=alice, data={"city": "Dallas"})
    warned = alice_client.post(url, {**data, "industry": "Software"}).context["form"]

    response = alice_client.post(url, {**data, "industry": "Software", "version": warned["version"].value()})

    assert response.status_code == 302
    assert Company.objects.get(pk=company.pk).industry == "Software"


def test_the_contact_form_says_the_contact_changed_meanwhile(alice, alice_client):
    contact = ada(alice)
    url = reverse("customers:contact-edit", args=[contact.pk])
    data = _edit_form_data(alice_client, url)
    services.update_contact(contact=contact, member=alice, data={"job_title": "Analyst"})

    response = alice_client.post(url, {**data, "city": "London"})

    assert response.status_code == 400
    assert "Ada Lovelace was changed by someone else in the meantime." in response.content.decode()
    assert Contact.objects.get(pk=contact.pk).city == ""


def test_an_inline_edit_says_the_contact_changed_meanwhile(alice, alice_client):
    contact = ada(alice)
    url = reverse("customers:contact-inline-edit", args=[contact.pk, "job_title"])
    version = alice_client.get(url).context["form"]["version"].value()
    services.update_contact(contact=contact, member=alice, data={"job_title": "Analyst"})

    response = alice_client.post(url, {"job_title": "Countess", "version": version}, HTTP_HX_REQUEST="true")

    assert response.status_code == 400
    assert "Ada Lovelace was changed by someone else in the meantime." in response.content.decode()
    assert Contact.objects.get(pk=contact.pk).job_title == "Analyst"
