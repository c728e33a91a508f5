"""How audit entries read (core.history) and the audit log page: labels, values, hidden fields,
filters, links, pages and query counts."""

from __future__ import annotations

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.text import capfirst

from kliento.core.history import readable_entries
from kliento.core.models import ApiKey, AuditEntry, Invitation
from kliento.core.permissions import Role
from kliento.core.services import change_member_role, create_api_key, remove_member
from kliento.customers import services as customers
from kliento.customers.models import Contact
from tests.customers.factories import CustomFieldFactory
from tests.factories import MembershipFactory, UserFactory


def entry(record_type: str, changes: dict, **fields) -> AuditEntry:
    return AuditEntry(action=AuditEntry.Action.UPDATE, record_type=record_type, changes=changes, **fields)


def read(alice, *entries: AuditEntry):
    return [readable.changes for readable in readable_entries(entries, organization=alice.organization)]


def make_contact(member, **data):
    data.setdefault("first_name", "Grace")
    data.setdefault("last_name", "Hopper")
    return customers.create_contact(member=member, data=data)


def audit_page(client, **query):
    return client.get(reverse("core:audit-log"), query)


def labels_on(response) -> list[str]:
    return [entry.record_label for entry in response.context["entries"]]


# Each kind of value ---------------------------------------------------------------------------


def test_a_field_reads_as_its_verbose_name_in_the_readers_language(alice):
    with translation.override("ru"):
        [changes] = read(alice, entry("customers.contact", {"job_title": ["", "CEO"]}))
        expected = capfirst(str(Contact._meta.get_field("job_title").verbose_name))

    assert list(changes) == [expected]
    assert expected != "Job title"


def test_a_reference_reads_as_the_referenced_records_name(alice, bob):
    [changes] = read(alice, entry("customers.contact", {"owner": [alice.user_id, bob.user_id]}))

    assert changes == {"Owner": ["Alice Adams", "Bob Brown"]}


def test_references_of_many_entries_are_resolved_in_one_query_per_model(alice, django_assert_num_queries):
    users = [UserFactory(full_name=f"Person {index}") for index in range(10)]
    entries = [entry("customers.contact", {"owner": [None, user.pk]}) for user in users]

    with django_assert_num_queries(1):
        readable = readable_entries(entries, organization=alice.organization)

    assert [r.changes["Owner"][1] for r in readable] == [f"Person {index}" for index in range(10)]


def test_a_yes_or_no_field_reads_as_yes_or_no(alice):
    [changes] = read(alice, entry("core.membership", {"is_active": [True, False]}))

    assert changes == {"Active": ["Yes", "No"]}


def test_a_choice_reads_as_its_label(alice):
    [changes] = read(alice, entry("core.membership", {"role": ["salesperson", "viewer"]}))

    assert changes == {"Role": ["Salesperson", "Viewer"]}


def test_custom_fields_read_one_line_per_field_with_its_label(alice):
    CustomFieldFactory(
        organization=alice.organization, key="shoe_size", label="Shoe size", field_type="number"
    )
    CustomFieldFactory(organization=alice.organization, key="vip", label="VIP", field_type="boolean")

    [changes] = read(
        alice,
        entry("customers.contact", {"custom_fields": [{"shoe_size": 42}, {"shoe_size": 43, "vip": True}]}),
    )

    assert changes == {"Shoe size": ["42", "43"], "VIP": [None, "Yes"]}


def test_a_moment_reads_in_the_readers_time_zone_and_format(alice):
    with translation.override("en"), timezone_of("Asia/Tokyo"):
        [changes] = read(alice, entry("core.invitation", {"revoked_at": [None, "2024-01-01T23:30:00+00:00"]}))

    assert changes == {"Revoked": [None, "01/02/2024 8:30 a.m."]}


def test_a_date_reads_in_the_readers_format(alice):
    with translation.override("en"):
        [changes] = read(alice, entry("customers.contact", {"birthday": [None, "1990-05-17"]}))

    assert changes == {"Birthday": [None, "May 17, 1990"]}


def test_a_list_reads_as_its_items_and_team_members_as_their_names(alice, bob):
    [changes] = read(alice, entry("core.team", {"members": [[alice.user_id], [alice.user_id, bob.user_id]]}))

    assert changes == {"Members": ["Alice Adams", "Alice Adams, Bob Brown"]}


# Hidden fields ----------------------------------------------------------------------------------


def test_an_api_keys_hash_and_prefix_are_never_stored_in_its_history(alice):
    key, _secret = create_api_key(name="Zapier", role="viewer", member=alice)

    changes = AuditEntry.objects.get(record_type="core.apikey", record_id=key.pk).changes

    assert "key_hash" not in changes and "prefix" not in changes
    assert changes["name"] == [None, "Zapier"]


def test_hidden_fields_of_an_older_entry_are_never_shown(alice_client, alice):
    key = ApiKey.objects.create(
        organization=alice.organization, name="Old", prefix="abcd1234", key_hash="f" * 64
    )
    AuditEntry.objects.create(
        organization=alice.organization,
        action=AuditEntry.Action.CREATE,
        record_type="core.apikey",
        record_id=key.pk,
        record_label="Old",
        changes={"name": [None, "Old"], "prefix": [None, "abcd1234"], "key_hash": [None, "f" * 64]},
    )

    content = audit_page(alice_client).content.decode()

    assert "abcd1234" not in content and "f" * 64 not in content


def test_a_contacts_derived_columns_are_never_shown(alice_client, alice):
    make_contact(alice)

    content = audit_page(alice_client).content.decode()

    assert "Sort name" not in content and "Search text" not in content and "sort_name" not in content


def test_an_invitation_token_is_never_stored_in_its_history(alice):
    from kliento.core.services import invite_member

    invitation, _token = invite_member(email="new@acme.test", role=Role.VIEWER, member=alice)

    changes = AuditEntry.objects.get(record_type="core.invitation", record_id=invitation.pk).changes

    assert "token_hash" not in changes


# Filters --------------------------------------------------------------------------------------


def test_the_audit_log_filters_by_person(alice_client, alice, bob):
    make_contact(alice, last_name="ByAlice")
    make_contact(bob, last_name="ByBob")

    response = audit_page(alice_client, actor=bob.user_id)

    assert labels_on(response) == ["Grace ByBob"]


def test_the_audit_log_filters_by_kind_of_record(alice_client, alice):
    make_contact(alice)
    customers.create_company(member=alice, data={"name": "Navy"})

    response = audit_page(alice_client, record_type="customers.company")

    assert labels_on(response) == ["Navy"]


def test_the_audit_log_filters_by_action(alice_client, alice):
    contact = make_contact(alice)
    customers.update_contact(contact=contact, member=alice, data={"job_title": "Admiral"})

    response = audit_page(alice_client, action="update", record_type="customers.contact")

    assert [e.action for e in response.context["entries"]] == ["update"]


def test_the_audit_log_filters_by_dates_including_both_days(alice_client, alice):
    for day, name in ((1, "Before"), (2, "First"), (3, "Last"), (4, "After")):
        contact = make_contact(alice, last_name=name)
        AuditEntry.objects.filter(record_id=contact.pk, record_type="customers.contact").update(
            created_at=datetime.datetime(2024, 3, day, 12, tzinfo=datetime.UTC)
        )

    response = audit_page(alice_client, since="2024-03-02", until="2024-03-03")

    assert labels_on(response) == ["Grace Last", "Grace First"]


def test_an_end_date_before_the_start_date_is_an_error_naming_the_field(alice_client, alice):
    response = audit_page(alice_client, since="2024-03-03", until="2024-03-02")

    assert response.status_code == 200
    assert "until" in response.context["form"].errors
    assert response.context["entries"] == []


def test_a_tampered_cursor_is_an_error_not_a_crash(alice_client, alice):
    make_contact(alice)

    response = audit_page(alice_client, cursor="not-a-cursor")

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()


# Links and pages --------------------------------------------------------------------------------


def test_each_entry_links_to_its_record(alice_client, alice):
    contact = make_contact(alice)

    content = audit_page(alice_client).content.decode()

    assert f'href="{reverse("customers:contact-detail", args=[contact.pk])}"' in content


def test_an_entry_of_a_record_in_the_trash_has_no_link(alice_client, alice):
    contact = make_contact(alice)
    customers.delete_customer(customer=contact, member=alice)

    content = audit_page(alice_client).content.decode()

    assert reverse("customers:contact-detail", args=[contact.pk]) not in content
    assert "Grace Hopper" in content


def test_the_audit_log_pages_through_older_entries(alice_client, alice):
    for index in range(51):
        make_contact(alice, last_name=f"N{index:02}")
    AuditEntry.objects.exclude(record_type="customers.contact").delete()

    first = audit_page(alice_client)
    second = alice_client.get(reverse("core:audit-log") + first.context["next_url"])

    assert len(first.context["entries"]) == 50 and first.context["entries"][0].record_label == "Grace N50"
    assert labels_on(second) == ["Grace N00"] and second.context["next_url"] == ""


def test_the_next_page_keeps_the_filters(alice_client, alice):
    for index in range(51):
        make_contact(alice, last_name=f"N{index:02}")

    first = audit_page(alice_client, record_type="customers.contact")

    assert "record_type=customers.contact" in first.context["next_url"]


def queries_for(client, url) -> int:
    client.get(reverse("web:home"))
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_audit_log_issues_a_fixed_number_of_queries(alice_client, alice, bob, django_assert_num_queries):
    CustomFieldFactory(organization=alice.organization, key="size", label="Size", field_type="number")
    company = customers.create_company(member=alice, data={"name": "Navy"})
    contact = make_contact(alice, company_id=company.pk, custom_fields={"size": 1})
    url = reverse("core:audit-log")
    few = queries_for(alice_client, url)
    for index in range(20):
        customers.update_contact(
            contact=contact,
            member=alice,
            data={"owner_id": (bob if index % 2 else alice).user_id, "custom_fields": {"size": index}},
        )
        make_contact(alice, company_id=company.pk, last_name=f"N{index}")
    change_member_role(membership=bob, role=Role.VIEWER, member=alice)
    remove_member(membership=MembershipFactory(organization=alice.organization), member=alice)

    assert queries_for(alice_client, url) == few
    alice_client.get(reverse("web:home"))
    # session, user, membership, organization; the people filter; the entries; owners and companies
    # named; contacts and companies linked; custom field labels
    with django_assert_num_queries(11):
        alice_client.get(url)


def timezone_of(name: str):
    from django.utils import timezone

    return timezone.override(name)


def test_the_invitation_model_keeps_its_secret_out_of_history_declarations():
    from kliento.core.history import is_hidden

    assert is_hidden(Invitation, "token_hash") and is_hidden(ApiKey, "key_hash")


def test_a_bulk_change_names_its_action_and_hides_the_ids(alice):
    [changes] = read(
        alice,
        entry("customers.contact", {"action": "add_tag", "value": "vip", "count": 2, "ids": [4, 5]}),
    )

    assert changes["Action"] == ["Add tag"]
    assert "Ids" not in changes
