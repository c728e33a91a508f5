"""Bulk actions leave an entry on every record they change, with its previous values, tied together
by one batch id; implicitly created tags are audited too."""

import json

from django.test import Client
from django.urls import reverse

from kliento.core.models import AuditEntry
from kliento.core.permissions import Role
from kliento.core.services import create_api_key
from kliento.customers import services
from kliento.customers.models import Company, Contact, LifecycleTransition, Tag
from tests.customers.factories import CompanyFactory, ContactFactory, TagFactory, add_tags


def contact(member, **fields) -> Contact:
    fields.setdefault("owner", member.user)
    return ContactFactory(organization=member.organization, **fields)


def bulk(client, ids, action, url=None, **values):
    url = url or reverse("customers:contact-bulk")
    return client.post(url, {"ids": [str(pk) for pk in ids], "action": action, **values}, follow=True)


def entries_of(record) -> list[AuditEntry]:
    return list(
        AuditEntry.objects.filter(record_type=record._meta.label_lower, record_id=record.pk)
        .exclude(action=AuditEntry.Action.CREATE)
        .order_by("id")
    )


def test_assigning_an_owner_in_bulk_audits_each_contact_with_its_previous_owner(alice_client, alice, bob):
    first, second = contact(alice), contact(alice)

    bulk(alice_client, [first.pk, second.pk], "assign_owner", owner=bob.user_id)

    for record in (first, second):
        [entry] = entries_of(record)
        assert (entry.action, entry.changes) == (
            AuditEntry.Action.UPDATE,
            {"owner": [alice.user_id, bob.user_id]},
        )


def test_the_entries_of_one_bulk_action_share_one_batch_id(alice_client, alice, bob):
    first, second = contact(alice), contact(alice)

    bulk(alice_client, [first.pk, second.pk], "assign_owner", owner=bob.user_id)

    summary = AuditEntry.objects.get(action=AuditEntry.Action.BULK)
    assert summary.batch_id is not None
    assert {entry.batch_id for entry in entries_of(first) + entries_of(second)} == {summary.batch_id}


def test_a_bulk_action_audits_only_the_records_it_changed(alice_client, alice, bob):
    already_bobs, alices = contact(alice, owner=bob.user), contact(alice)

    bulk(alice_client, [already_bobs.pk, alices.pk], "assign_owner", owner=bob.user_id)

    assert entries_of(already_bobs) == []
    assert len(entries_of(alices)) == 1


def test_adding_a_tag_in_bulk_audits_each_record_with_its_tags_before(alice_client, alice):
    vip = TagFactory(organization=alice.organization, name="VIP")
    first = contact(alice)
    add_tags(first, TagFactory(organization=alice.organization, name="Berlin"))
    second, tagged = contact(alice), contact(alice)
    add_tags(tagged, vip)

    bulk(alice_client, [first.pk, second.pk, tagged.pk], "add_tag", tag="VIP")

    assert entries_of(first)[0].changes == {"tags": [["Berlin"], ["Berlin", "VIP"]]}
    assert entries_of(second)[0].changes == {"tags": [[], ["VIP"]]}
    assert entries_of(tagged) == []


def test_removing_a_tag_in_bulk_audits_each_record_that_had_it(alice_client, alice):
    vip = TagFactory(organization=alice.organization, name="VIP")
    first = contact(alice)
    add_tags(first, vip)

    bulk(alice_client, [first.pk], "remove_tag", tag="VIP")

    assert entries_of(first)[0].changes == {"tags": [["VIP"], []]}
    assert first.tags.exists() is False


def test_trashing_in_bulk_audits_each_company(alice_client, alice):
    companies = [CompanyFactory(organization=alice.organization, owner=alice.user) for _ in range(2)]

    bulk(alice_client, [c.pk for c in companies], "trash", url=reverse("customers:company-bulk"))

    for company in companies:
        assert [entry.action for entry in entries_of(company)] == [AuditEntry.Action.DELETE]
    assert Company.objects.filter(pk__in=[c.pk for c in companies]).exists() is False


def test_changing_the_stage_in_bulk_records_the_reason_given(alice_client, alice):
    first = contact(alice)

    bulk(alice_client, [first.pk], "change_stage", stage="active", reason="Signed at the fair")

    move = LifecycleTransition.objects.get(contact=first, from_stage="lead")
    assert move.reason == "Signed at the fair"
    assert entries_of(first)[0].changes["reason"] == [None, "Signed at the fair"]


def test_changing_the_stage_in_bulk_is_in_the_batch(alice_client, alice):
    first = contact(alice)

    bulk(alice_client, [first.pk], "change_stage", stage="active")

    summary = AuditEntry.objects.get(action=AuditEntry.Action.BULK)
    assert [entry.batch_id for entry in entries_of(first)] == [summary.batch_id]


def test_the_history_tab_shows_a_bulk_change_of_owner(alice_client, alice, bob):
    first = contact(alice)

    bulk(alice_client, [first.pk], "assign_owner", owner=bob.user_id)

    history = alice_client.get(reverse("customers:contact-history", args=[first.pk])).content.decode()
    assert "Alice Adams" in history and "Bob Brown" in history


def test_the_api_changes_stages_in_bulk_with_a_reason(alice):
    first, second = contact(alice), contact(alice)
    key = create_api_key(name="bulk", role=Role.ADMIN, member=alice)[1]
    client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    body = {"ids": [first.pk, second.pk], "action": "change_stage", "value": "active", "reason": "Campaign"}

    response = client.post("/api/v1/contacts/bulk", json.dumps(body), content_type="application/json")

    assert (response.status_code, response.json()) == (200, {"count": 2})
    reasons = LifecycleTransition.objects.filter(from_stage="lead").values_list("reason", flat=True)
    assert list(reasons) == ["Campaign", "Campaign"]


def test_the_bulk_api_names_a_missing_value(alice):
    first = contact(alice)
    key = create_api_key(name="bulk", role=Role.ADMIN, member=alice)[1]
    client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")

    response = client.post(
        "/api/v1/contacts/bulk",
        json.dumps({"ids": [first.pk], "action": "assign_owner"}),
        content_type="application/json",
    )

    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == ["value"]
    assert entries_of(first) == []


def test_the_bulk_api_changes_nothing_of_another_organization(alice, olga):
    theirs = ContactFactory(organization=olga.organization, owner=olga.user)
    key = create_api_key(name="bulk", role=Role.ADMIN, member=alice)[1]
    client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    body = {"ids": [theirs.pk], "action": "trash"}

    response = client.post("/api/v1/contacts/bulk", json.dumps(body), content_type="application/json")

    assert response.json() == {"count": 0}
    assert Contact.unscoped.get(pk=theirs.pk).deleted_at is None


# Tags made by typing a new name -----------------------------------------------------------------


def test_a_tag_created_by_typing_its_name_is_audited(alice):
    services.create_contact(member=alice, data={"first_name": "Ada", "tags": ["Newsletter"]})

    tag = Tag.objects.get(name="Newsletter")
    entry = AuditEntry.objects.get(record_type="core.tag", record_id=tag.pk)
    assert (entry.action, entry.actor_id) == (AuditEntry.Action.CREATE, alice.user_id)


def test_a_tag_created_by_a_bulk_action_is_audited_in_its_batch(alice_client, alice):
    first = contact(alice)

    bulk(alice_client, [first.pk], "add_tag", tag="Fair 2026")

    tag = Tag.objects.get(name="Fair 2026")
    entry = AuditEntry.objects.get(record_type="core.tag", record_id=tag.pk)
    assert entry.batch_id == AuditEntry.objects.get(action=AuditEntry.Action.BULK).batch_id
