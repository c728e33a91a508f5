"""The leads API: CRUD with keyset pages, status, qualify and disqualify, first response, conversion."""

import datetime
import json

import pytest
from django.test import Client
from django.utils import timezone

from kliento.core.models import Membership
from kliento.core.permissions import Role
from kliento.core.services import create_api_key
from kliento.customers.models import Company, Contact
from kliento.leads import services
from kliento.leads.models import Lead
from tests.customers.factories import CompanyFactory
from tests.leads.factories import DisqualifyReasonFactory, LeadFactory

PROBLEM = "application/problem+json"


def _key_client(member: Membership, role: str) -> Client:
    raw_key = create_api_key(name=f"{role} key", role=role, member=member)[1]
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw_key}")


@pytest.fixture
def api(alice) -> Client:
    return _key_client(alice, Role.ADMIN)


def send(client: Client, method: str, url: str, data: object = None, **headers):
    return getattr(client, method)(url, json.dumps(data or {}), content_type="application/json", **headers)


def fields(response) -> list[str]:
    return [error["field"] for error in response.json()["errors"]]


def test_create_read_update_and_delete(api, alice):
    created = send(
        api, "post", "/api/v1/leads", {"name": "Ada", "email": "ADA@example.com", "source": "event"}
    )
    assert created.status_code == 201, created.content
    lead_id = created.json()["id"]
    assert created.json()["email"] == "ada@example.com" and created.json()["score"] == 35

    read = api.get(f"/api/v1/leads/{lead_id}")
    assert read.status_code == 200 and read["ETag"]

    changed = send(api, "patch", f"/api/v1/leads/{lead_id}", {"company_name": "Engines", "tags": ["vip"]})
    assert changed.status_code == 200
    assert (changed.json()["company_name"], changed.json()["tags"]) == ("Engines", ["vip"])

    assert api.delete(f"/api/v1/leads/{lead_id}").status_code == 204
    assert api.get(f"/api/v1/leads/{lead_id}").status_code == 404


def test_bad_input_is_a_422_naming_the_field(api):
    response = send(api, "post", "/api/v1/leads", {"name": "Ada", "email": "nope", "source": "fax"})

    assert response.status_code == 422 and response["Content-Type"] == PROBLEM
    assert "source" in fields(response)
    response = send(api, "post", "/api/v1/leads", {"name": "Ada", "email": "nope"})
    assert fields(response) == ["email"]
    assert Lead.objects.exists() is False


def test_an_old_version_is_refused_with_412(api, alice):
    lead = services.create_lead(member=alice, data={"name": "Ada"})
    etag = api.get(f"/api/v1/leads/{lead.pk}")["ETag"]
    send(api, "patch", f"/api/v1/leads/{lead.pk}", {"name": "Ada L."})

    response = send(api, "patch", f"/api/v1/leads/{lead.pk}", {"name": "Stale"}, HTTP_IF_MATCH=etag)

    assert response.status_code == 412
    lead.refresh_from_db()
    assert lead.name == "Ada L."


def test_the_inbox_lists_the_longest_waiting_unanswered_first_in_keyset_pages(api, alice):
    now = timezone.now()
    waiting = [
        LeadFactory(
            organization=alice.organization,
            name=f"Waiting {hours}",
            created_at=now - datetime.timedelta(hours=hours),
        )
        for hours in (1, 5, 3)
    ]
    answered = LeadFactory(
        organization=alice.organization, name="Answered", status="contacted",
        created_at=now - datetime.timedelta(hours=9), first_response_at=now,
    )  # fmt: skip

    first = api.get("/api/v1/leads?limit=2")
    second = api.get(f"/api/v1/leads?limit=2&cursor={first.json()['next_cursor']}")

    names = [item["name"] for item in first.json()["items"] + second.json()["items"]]
    assert names == ["Waiting 5", "Waiting 3", "Waiting 1", "Answered"]
    assert second.json()["next_cursor"] is None and waiting and answered


def test_the_inbox_filters_by_status_owner_and_source(api, alice, bob):
    LeadFactory(organization=alice.organization, name="Mine", owner=alice.user, source="phone")
    LeadFactory(
        organization=alice.organization, name="Bobs", owner=bob.user, source="phone", status="qualified"
    )

    by_owner = api.get(f"/api/v1/leads?owner={bob.user_id}")
    by_status = api.get("/api/v1/leads?status=qualified&source=phone")
    bad = api.get("/api/v1/leads?status=maybe")

    assert [item["name"] for item in by_owner.json()["items"]] == ["Bobs"]
    assert [item["name"] for item in by_status.json()["items"]] == ["Bobs"]
    assert bad.status_code == 422 and fields(bad) == ["status"]
    assert api.get("/api/v1/leads/count?source=phone").json() == {"count": 2, "is_estimate": False}


@pytest.mark.parametrize("rows", [5, 60])
def test_the_inbox_needs_the_same_few_queries_for_5_or_60_rows(
    api, alice, rows, django_assert_max_num_queries
):
    for _index in range(rows):
        LeadFactory(organization=alice.organization, owner=alice.user)
    api.get("/api/v1/me")

    with django_assert_max_num_queries(2):
        response = api.get("/api/v1/leads")

    assert len(response.json()["items"]) == min(rows, 50)


def test_status_qualify_disqualify_and_first_response(api, alice):
    reason = DisqualifyReasonFactory(organization=alice.organization)
    lead = services.create_lead(member=alice, data={"name": "Ada"})
    base = f"/api/v1/leads/{lead.pk}"

    answered = send(api, "post", f"{base}/first-response", {"at": "2026-01-02T03:04:05Z"})
    assert answered.json()["first_response_at"].startswith("2026-01-02T03:04:05")
    again = send(api, "post", f"{base}/first-response", {})
    assert again.json()["first_response_at"] == answered.json()["first_response_at"]

    assert send(api, "post", f"{base}/qualify").json()["status"] == "qualified"
    missing = send(api, "post", f"{base}/status", {"status": "disqualified"})
    assert missing.status_code == 422 and fields(missing) == ["reason_id"]
    disqualified = send(api, "post", f"{base}/disqualify", {"reason_id": reason.pk})
    assert disqualified.json()["disqualify_reason"]["id"] == reason.pk and disqualified.json()["score"] == 0


def test_convert_makes_a_contact_and_company(api, alice):
    company = CompanyFactory(organization=alice.organization)
    lead = services.create_lead(member=alice, data={"name": "Ada Lovelace", "email": "ada@example.com"})
    services.qualify_lead(lead=lead, member=alice)

    response = send(api, "post", f"/api/v1/leads/{lead.pk}/convert", {"company_id": company.pk})

    assert response.status_code == 201, response.content
    contact = Contact.objects.get(pk=response.json()["contact_id"])
    assert contact.company_id == company.pk == response.json()["company_id"]
    assert response.json()["lead"]["contact_id"] == contact.pk


@pytest.mark.parametrize("status", ["new", "contacted", "disqualified"])
def test_converting_an_unqualified_lead_is_a_409_and_writes_nothing(api, alice, status):
    lead = LeadFactory(organization=alice.organization, status=status, company_name="Acme")

    response = send(api, "post", f"/api/v1/leads/{lead.pk}/convert", {})

    assert response.status_code == 409 and response["Content-Type"] == PROBLEM
    assert Contact.objects.exists() is False and Company.objects.exists() is False


def test_converting_twice_is_a_409(api, alice):
    lead = services.create_lead(member=alice, data={"name": "Ada"})
    services.qualify_lead(lead=lead, member=alice)
    assert send(api, "post", f"/api/v1/leads/{lead.pk}/convert", {}).status_code == 201

    response = send(api, "post", f"/api/v1/leads/{lead.pk}/convert", {})

    assert response.status_code == 409
    assert Contact.objects.count() == 1


def test_a_viewer_key_may_read_but_not_write(alice):
    viewer = _key_client(alice, Role.VIEWER)
    lead = LeadFactory(organization=alice.organization, status="qualified")

    assert viewer.get(f"/api/v1/leads/{lead.pk}").status_code == 200
    assert send(viewer, "post", "/api/v1/leads", {"name": "X"}).status_code == 403
    assert send(viewer, "post", f"/api/v1/leads/{lead.pk}/convert", {}).status_code == 403
    assert send(viewer, "post", f"/api/v1/leads/{lead.pk}/status", {"status": "new"}).status_code == 403
    assert Contact.objects.exists() is False


def test_bulk_assignment(api, alice, bob):
    leads = [LeadFactory(organization=alice.organization) for _ in range(2)]

    response = send(
        api,
        "post",
        "/api/v1/leads/bulk",
        {"ids": [lead.pk for lead in leads], "action": "assign_owner", "value": bob.user_id},
    )

    assert response.json() == {"count": 2}
    assert set(Lead.objects.values_list("owner_id", flat=True)) == {bob.user_id}


def test_another_organizations_lead_is_not_found_by_any_action(api, olga):
    theirs = LeadFactory(organization=olga.organization, status="qualified")

    for path, body in (
        ("status", {"status": "new"}),
        ("qualify", {}),
        ("convert", {}),
        ("first-response", {}),
    ):
        assert send(api, "post", f"/api/v1/leads/{theirs.pk}/{path}", body).status_code == 404
    assert Lead.unscoped.get(pk=theirs.pk).status == "qualified"
