"""Tags for any kind of record (core.records.tags): link rows keyed by organization, changes
audited on the record, a new tag typed by two people at once made once."""

import json

import pytest
from django.db import connection
from django.test import Client

from kliento.core.models import AuditEntry, Membership, Tag
from kliento.core.records import tags as record_tags
from kliento.core.records.kinds import all_kinds
from kliento.core.tenancy import active_organization
from kliento.customers.models import Company, CompanyTag, Contact, ContactTag
from tests.customers.factories import CompanyFactory, ContactFactory, TagFactory, add_tags
from tests.factories import MembershipFactory
from tests.parallel import in_parallel


def test_every_kind_with_tags_links_them_through_a_tag_link_of_its_own_model():
    kinds = [kind for kind in all_kinds() if kind.tag_link is not None]

    assert {kind.key for kind in kinds} >= {"contact", "company"}
    for kind in kinds:
        record_tags.check_link(kind.tag_link, kind.model)


@pytest.mark.parametrize(("link", "record"), [(ContactTag, "contact"), (CompanyTag, "company")])
def test_a_link_table_has_the_index_lists_use_and_one_row_per_record_and_tag(link, record):
    indexes = [tuple(index.fields) for index in link._meta.indexes]
    uniques = [tuple(constraint.fields) for constraint in link._meta.constraints]

    assert ("organization", "tag", record) in indexes
    assert (record, "tag") in uniques


def test_setting_tags_writes_link_rows_with_the_records_organization(alice):
    contact = ContactFactory(organization=alice.organization)

    changes = record_tags.set_tags(contact, ["VIP", "Fair"], actor=alice.user)

    assert changes == {"tags": [[], ["Fair", "VIP"]]}
    assert set(ContactTag.objects.values_list("organization_id", "contact_id")) == {
        (alice.organization_id, contact.pk)
    }
    assert record_tags.tag_names(contact) == ["Fair", "VIP"]


def test_changing_a_records_tags_is_one_audit_entry_on_the_record(alice):
    company = CompanyFactory(organization=alice.organization)
    add_tags(company, TagFactory(organization=alice.organization, name="Old"))

    record_tags.change_tags(record=company, member=alice, add=["New"], remove=["old"])

    entry = AuditEntry.objects.get(record_type="customers.company", record_id=company.pk)
    assert (entry.action, entry.changes) == ("update", {"tags": [["Old"], ["New"]]})
    assert record_tags.tag_names(company) == ["New"]


def test_a_change_that_changes_nothing_writes_no_entry(alice):
    contact = ContactFactory(organization=alice.organization)
    add_tags(contact, TagFactory(organization=alice.organization, name="VIP"))

    record_tags.change_tags(record=contact, member=alice, add=["vip"])

    assert AuditEntry.objects.filter(record_type="customers.contact").exists() is False


def test_a_viewer_cannot_change_tags(alice):
    from kliento.core.errors import NotAllowed

    viewer = MembershipFactory(organization=alice.organization, role="viewer")
    contact = ContactFactory(organization=alice.organization)

    with pytest.raises(NotAllowed):
        record_tags.change_tags(record=contact, member=viewer, add=["VIP"])
    assert ContactTag.objects.exists() is False


def test_tagged_keeps_the_records_carrying_the_tag_in_any_case(alice):
    vip = TagFactory(organization=alice.organization, name="VIP")
    tagged, plain = (
        ContactFactory(organization=alice.organization),
        ContactFactory(organization=alice.organization),
    )
    add_tags(tagged, vip)

    assert list(record_tags.tagged(Contact.objects.all(), "vip")) == [tagged]
    assert plain not in record_tags.tagged(Contact.objects.all(), "VIP")


def test_the_tags_of_a_page_of_records_are_read_in_one_query(alice, django_assert_num_queries):
    contacts = [ContactFactory(organization=alice.organization) for _ in range(3)]
    add_tags(
        contacts[0],
        TagFactory(organization=alice.organization, name="b"),
        TagFactory(organization=alice.organization, name="a"),
    )

    with django_assert_num_queries(1):
        tags = record_tags.tags_of_page(Contact, [contact.pk for contact in contacts])

    assert [name for name, _color in tags[contacts[0].pk]] == ["a", "b"]
    assert tags[contacts[1].pk] == []


def test_the_tags_of_another_organizations_records_are_not_read(alice, olga):
    theirs = ContactFactory(organization=olga.organization)
    with active_organization(olga.organization_id):
        add_tags(theirs, TagFactory(organization=olga.organization, name="Secret"))

    assert record_tags.tags_of_page(Contact, [theirs.pk]) == {theirs.pk: []}


def test_a_kind_without_tags_is_refused():
    with pytest.raises(LookupError):
        record_tags.link_model(Membership)


def test_bulk_tagging_skips_records_already_tagged_and_audits_the_rest(alice):
    vip = TagFactory(organization=alice.organization, name="VIP")
    first, second = (
        CompanyFactory(organization=alice.organization),
        CompanyFactory(organization=alice.organization),
    )
    add_tags(first, vip)

    changed = record_tags.tag_records(Company, [first.pk, second.pk], name="vip", add=True, member=alice)

    assert changed == [second.pk]
    entry = AuditEntry.objects.get(record_type="customers.company")
    assert (entry.record_id, entry.changes) == (second.pk, {"tags": [[], ["VIP"]]})


def test_removing_a_tag_nobody_has_creates_no_tag(alice):
    contact = ContactFactory(organization=alice.organization)

    assert record_tags.tag_records(Contact, [contact.pk], name="Nope", add=False, member=alice) == []
    assert Tag.objects.exists() is False


parallel = pytest.mark.django_db(transaction=True)


@parallel
def test_two_requests_typing_the_same_new_tag_at_once_both_succeed_with_one_tag(alice):
    contacts = [ContactFactory(organization=alice.organization, owner=alice.user) for _ in range(2)]
    client = Client()
    client.force_login(alice.user)

    def tag(contact):
        return client.patch(
            f"/api/v1/contacts/{contact.pk}",
            json.dumps({"tags": ["Fair 2027"]}),
            content_type="application/json",
        )

    responses = in_parallel(*(lambda contact=contact: tag(contact) for contact in contacts))

    assert [response.status_code for response in responses] == [200, 200]
    with active_organization(alice.organization_id):
        assert Tag.objects.filter(name="Fair 2027").count() == 1
        assert ContactTag.objects.count() == 2
        assert AuditEntry.objects.filter(record_type="core.tag", action="create").count() == 1


@parallel
def test_a_new_tag_made_by_the_loser_of_a_race_is_the_winners(alice):
    """On PostgreSQL the second insert meets the unique constraint: its savepoint rolls back only
    that insert, and the transaction goes on with the tag the first one made."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one writing transaction at a time: there is no race to lose")
    from django.db import transaction

    from kliento.core.records.tags import tag_named

    def make():
        with active_organization(alice.organization_id), transaction.atomic():
            tag = tag_named("Launch", actor=alice.user, organization_id=alice.organization_id)
            Tag.objects.filter(pk=tag.pk).update(color="#000000")  # the transaction is still usable
            return tag.pk

    results = in_parallel(make, make, make)

    assert len(set(results)) == 1 and isinstance(results[0], int)
