"""The timeline registry: sources merged into keyset pages, newest first, filtered by entry kind."""

import datetime

import pytest
from django.utils import timezone

from kliento.activities.models import Activity
from kliento.core.errors import InvalidInput
from kliento.core.records.timeline import (
    TimelineEntry,
    TimelineSource,
    entry_kinds_of,
    has_timeline,
    kinds_with_timeline,
    register_timeline_source,
    timeline_page,
    unregister_timeline_source,
)
from kliento.customers import services as customer_services
from tests.activities.factories import ActivityFactory
from tests.customers.factories import CompanyFactory, ContactFactory

NOW = timezone.now().replace(microsecond=0)


def _at(minutes_ago: int) -> datetime.datetime:
    return NOW - datetime.timedelta(minutes=minutes_ago)


def _note(contact, minutes_ago, **fields):
    return ActivityFactory(
        organization=contact.organization,
        subject_kind="contact",
        subject_id=contact.pk,
        occurred_at=_at(minutes_ago),
        **fields,
    )


def _all_pages(member, contact, **options):
    pages, cursor = [], None
    while True:
        page = timeline_page(member=member, kind="contact", record=contact, cursor=cursor, **options)
        pages.append(page.entries)
        cursor = page.next_cursor
        if cursor is None:
            return pages


def test_contacts_and_companies_have_a_timeline():
    assert has_timeline("contact") and has_timeline("company")
    assert {"contact", "company"} <= set(kinds_with_timeline())


def test_the_timeline_lists_a_records_entries_newest_first(alice):
    contact = ContactFactory(organization=alice.organization)
    old, new = _note(contact, 30), _note(contact, 5)
    _note(ContactFactory(organization=alice.organization), 1)  # another contact's

    page = timeline_page(member=alice, kind="contact", record=contact)

    assert [entry.details for entry in page.entries if entry.source == "activities"] == [new, old]


def test_the_contact_timeline_shows_lifecycle_changes_the_customers_app_stores(alice):
    contact = customer_services.create_contact(member=alice, data={"first_name": "Lin"})
    customer_services.change_lifecycle_stage(customer=contact, to_stage="active", actor=alice.user)

    page = timeline_page(member=alice, kind="contact", record=contact)

    assert [entry.kind for entry in page.entries] == ["lifecycle", "lifecycle"]
    assert page.entries[0].summary == "Lead → Active customer"
    assert page.entries[1].summary == "Created as Lead"


def test_the_company_timeline_shows_its_own_entries_only(alice):
    company = CompanyFactory(organization=alice.organization)
    contact = ContactFactory(organization=alice.organization, pk=company.pk + 1000)
    ActivityFactory(organization=alice.organization, subject_kind="company", subject_id=company.pk)
    ActivityFactory(organization=alice.organization, subject_kind="contact", subject_id=company.pk)
    _note(contact, 1)

    page = timeline_page(member=alice, kind="company", record=company)

    assert [(entry.details.subject_kind, entry.details.subject_id) for entry in page.entries] == [
        ("company", company.pk)
    ]


def test_pages_follow_each_other_without_gaps_or_repeats_across_sources(alice):
    contact = customer_services.create_contact(member=alice, data={"first_name": "Ana"})
    notes = [_note(contact, minutes) for minutes in range(1, 30)]
    # Several entries at the very same moment, from both sources: the id and source decide.
    same = [_note(contact, 15) for _ in range(4)]
    transition = contact.transitions.get()
    transition.created_at = _at(15)
    transition.save(update_fields=["created_at"])

    pages = _all_pages(alice, contact, limit=5)

    served = [entry.key for page in pages for entry in page]
    assert len(served) == len(set(served)) == len(notes) + len(same) + 1
    moments = [entry.occurred_at for page in pages for entry in page]
    assert moments == sorted(moments, reverse=True)
    assert all(len(page) == 5 for page in pages[:-1])


def test_a_filter_keeps_only_the_chosen_entry_kinds(alice):
    contact = customer_services.create_contact(member=alice, data={"first_name": "Kai"})
    _note(contact, 3)
    call = _note(contact, 2, kind=Activity.Kind.CALL)

    page = timeline_page(member=alice, kind="contact", record=contact, entry_kinds=["call"])

    assert [entry.details for entry in page.entries] == [call]
    lifecycle = timeline_page(member=alice, kind="contact", record=contact, entry_kinds=["lifecycle"])
    assert [entry.kind for entry in lifecycle.entries] == ["lifecycle"]


def test_the_filter_offers_the_entry_kinds_of_every_source():
    keys = [item.key for item in entry_kinds_of("contact")]

    assert {
        "note",
        "call",
        "email",
        "sms",
        "chat",
        "meeting",
        "lifecycle",
        "order_placed",
        "order_paid",
    } == set(keys)


def test_each_source_is_asked_for_one_page_at_most(alice):
    contact = ContactFactory(organization=alice.organization)
    asked = []

    def counting(query):
        asked.append(query.limit)
        return [
            TimelineEntry(kind="note", occurred_at=_at(index), id=index + 1, summary="x")
            for index in range(query.limit)
        ]

    register_timeline_source(
        "contact", TimelineSource(key="zz-test", entry_kinds=("note",), entries=counting)
    )
    try:
        page = timeline_page(member=alice, kind="contact", record=contact, limit=10)
    finally:
        unregister_timeline_source("contact", "zz-test")

    assert asked == [11]
    assert len(page.entries) == 10 and page.next_cursor


@pytest.mark.parametrize(
    "cursor", ["nonsense", "W10", "WyJ4IiwieSIsMV0", "WyIyMDI2LTAxLTAxVDAwOjAwOjAwIiwiYSIsMV0"]
)
def test_a_tampered_cursor_is_refused_naming_the_cursor(alice, cursor):
    contact = ContactFactory(organization=alice.organization)

    with pytest.raises(InvalidInput) as refused:
        timeline_page(member=alice, kind="contact", record=contact, cursor=cursor)

    assert refused.value.field == "cursor"


def test_the_first_page_of_a_long_timeline_runs_a_fixed_number_of_queries(alice, django_assert_num_queries):
    contact = ContactFactory(organization=alice.organization)
    Activity.objects.bulk_create(
        [
            Activity(
                organization=alice.organization,
                subject_kind="contact",
                subject_id=contact.pk,
                kind=Activity.Kind.NOTE,
                occurred_at=_at(index),
                body=f"n{index}",
            )
            for index in range(300)
        ]
    )

    # Entries, their files, lifecycle changes, the contact's meeting invitations and the meetings,
    # placed and paid orders.
    with django_assert_num_queries(7):
        page = timeline_page(member=alice, kind="contact", record=contact)

    assert len(page.entries) == 20
