"""The timeline and calls API."""

import json

import pytest
from django.test import Client

from kliento.activities.models import Activity, Call, Mention
from kliento.core.permissions import Role
from kliento.core.services import create_api_key
from kliento.customers import services as customer_services
from tests.activities.factories import ActivityFactory, CallFactory
from tests.api.test_crafted_input import TAMPERED
from tests.customers.factories import ContactFactory


def api(member, role=Role.ADMIN) -> Client:
    raw = create_api_key(name="Timeline", role=role, member=member)[1]
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


@pytest.fixture
def contact(alice, acme):
    acme.default_region = "DE"
    acme.save()
    return customer_services.create_contact(
        member=alice, data={"first_name": "Ida", "phones": [{"number": "+4930901820"}]}
    )


def test_the_timeline_lists_entries_with_keyset_pages(alice, contact):
    for index in range(5):
        ActivityFactory(
            organization=alice.organization, subject_kind="contact", subject_id=contact.pk, body=f"n{index}"
        )
    client = api(alice)

    first = client.get(f"/api/v1/timeline/contact/{contact.pk}?limit=4").json()
    second = client.get(f"/api/v1/timeline/contact/{contact.pk}?limit=4&cursor={first['next_cursor']}").json()

    assert len(first["items"]) == 4 and first["next_cursor"]
    assert len(second["items"]) == 2 and second["next_cursor"] is None
    kinds = [item["kind"] for item in first["items"] + second["items"]]
    assert kinds.count("note") == 5 and kinds.count("lifecycle") == 1
    assert first["items"][0]["details"]["body"] == "n4"


def test_the_timeline_filters_by_entry_kind(alice, contact):
    ActivityFactory(organization=alice.organization, subject_kind="contact", subject_id=contact.pk)

    items = api(alice).get(f"/api/v1/timeline/contact/{contact.pk}?entry_kind=lifecycle").json()["items"]

    assert [item["kind"] for item in items] == ["lifecycle"]
    assert items[0]["details"]["to_stage"] == "lead"


@pytest.mark.parametrize("tampering", [*TAMPERED.values(), "abc"], ids=[*TAMPERED.keys(), "short"])
def test_a_tampered_cursor_is_a_422_naming_it(alice, contact, tampering):
    response = api(alice).get(f"/api/v1/timeline/contact/{contact.pk}", {"cursor": tampering})

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "cursor"


def test_an_unknown_kind_is_a_404(alice):
    assert api(alice).get("/api/v1/timeline/spaceship/1").status_code == 404


def test_a_note_is_created_with_its_mentions(alice, bob, contact):
    response = post(
        api(alice),
        f"/api/v1/timeline/contact/{contact.pk}/notes",
        {"body": "Hi @Bob", "mentions": [bob.user_id]},
    )

    assert response.status_code == 201
    body = response.json()
    assert (body["kind"], body["body"], body["mentions"]) == ("note", "Hi @Bob", [bob.user_id])
    assert Mention.objects.get().user_id == bob.user_id


def test_a_note_mentioning_an_outsider_is_a_422_and_stores_nothing(alice, olga, contact):
    response = post(
        api(alice), f"/api/v1/timeline/contact/{contact.pk}/notes", {"body": "x", "mentions": [olga.user_id]}
    )

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "mentions"
    assert Activity.objects.exists() is False


@pytest.mark.parametrize(
    ("body", "field"),
    [({"body": ""}, "body"), ({"body": "x", "colour": "red"}, "colour"), ({"body": "a\u202eb\x00"}, "body")],
)
def test_a_bad_note_is_a_422_naming_the_field(alice, contact, body, field):
    response = post(api(alice), f"/api/v1/timeline/contact/{contact.pk}/notes", body)

    assert response.status_code == 422
    assert field in json.dumps(response.json()["errors"])
    assert Activity.objects.exists() is False


def test_a_viewer_may_read_the_timeline_but_not_write_on_it(alice, contact):
    viewer = api(alice, Role.VIEWER)

    assert viewer.get(f"/api/v1/timeline/contact/{contact.pk}").status_code == 200
    assert post(viewer, f"/api/v1/timeline/contact/{contact.pk}/notes", {"body": "x"}).status_code == 403
    assert Activity.objects.exists() is False


def test_a_call_is_logged_and_listed(alice, contact):
    client = api(alice)

    response = post(
        client,
        "/api/v1/calls",
        {
            "record_kind": "contact",
            "record_id": contact.pk,
            "direction": "outbound",
            "outcome": "no_answer",
            "number": "030 901820",
        },
    )

    assert response.status_code == 201, response.json()
    call = response.json()
    assert (call["status"], call["outcome"], call["customer_number"]) == (
        "missed",
        "no_answer",
        "+4930901820",
    )
    listed = client.get("/api/v1/calls?status=missed").json()
    assert [item["id"] for item in listed["items"]] == [call["id"]]
    assert client.get(f"/api/v1/calls/{call['id']}").json()["activity_id"] == Activity.objects.get().pk


def test_a_call_with_an_unknown_outcome_is_a_422(alice, contact):
    response = post(
        api(alice),
        "/api/v1/calls",
        {"record_kind": "contact", "record_id": contact.pk, "direction": "outbound", "outcome": "great"},
    )

    assert response.status_code == 422
    assert Call.objects.exists() is False


def test_calls_are_listed_newest_first_in_pages(alice):
    calls = [CallFactory(organization=alice.organization) for _ in range(3)]
    client = api(alice)

    first = client.get("/api/v1/calls?limit=2").json()
    second = client.get(f"/api/v1/calls?limit=2&cursor={first['next_cursor']}").json()

    served = [item["id"] for item in first["items"] + second["items"]]
    assert sorted(served) == sorted(call.pk for call in calls)


def test_another_organizations_record_has_no_timeline_here(alice, olga):
    theirs = ContactFactory(organization=olga.organization)

    assert api(alice).get(f"/api/v1/timeline/contact/{theirs.pk}").status_code == 404


def test_callers_are_identified_by_number_in_any_format(alice, contact):
    client = api(alice)

    found = client.get("/api/v1/calls/identify", {"number": "030 901820"}).json()
    none = client.get("/api/v1/calls/identify", {"number": "+4930111111"}).json()

    assert [(item["id"], item["full_name"]) for item in found] == [(contact.pk, "Ida")]
    assert none == []
