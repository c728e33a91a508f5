import pytest
from django.core.exceptions import ValidationError

from kliento.core.errors import DomainError, NotAllowed
from kliento.core.models import AuditEntry, Organization
from kliento.core.permissions import Role
from kliento.core.records.fields import services as field_services
from kliento.core.records.fields.models import CustomField, UniqueCustomValue
from kliento.customers import services
from kliento.customers.models import (
    Company,
    Consent,
    Contact,
    ContactEmail,
    ContactPhone,
    LifecycleStage,
    LifecycleTransition,
    Tag,
)
from tests.customers.factories import CompanyFactory, ContactFactory, CustomFieldFactory
from tests.factories import MembershipFactory


def _contact(alice, **data):
    return services.create_contact(member=alice, data={"first_name": "Ada", "last_name": "Lovelace", **data})


def _set_region(organization: Organization, region: str) -> None:
    organization.default_region = region
    organization.save()


def test_a_new_contact_is_a_lead_owned_by_its_creator_with_its_first_transition(alice):
    contact = _contact(alice)

    assert (contact.lifecycle_stage, contact.owner_id) == (LifecycleStage.LEAD, alice.user_id)
    transition = LifecycleTransition.objects.get(contact=contact)
    assert (transition.from_stage, transition.to_stage, transition.created_by) == ("", "lead", alice.user)


def test_emails_are_validated_and_stored_normalized(alice):
    contact = _contact(
        alice, emails=[{"email": " Ada@Example.COM "}, {"email": "ada@home.example.org", "label": "home"}]
    )

    assert list(contact.emails.order_by("id").values_list("email", "is_primary")) == [
        ("ada@example.com", True),
        ("ada@home.example.org", False),
    ]
    assert contact.email == "ada@example.com"


def test_an_invalid_email_names_its_position_and_writes_nothing(alice):
    with pytest.raises(ValidationError) as raised:
        _contact(alice, emails=["ada@example.com", "not an email"])

    assert list(raised.value.message_dict) == ["emails.1.email"]
    assert Contact.objects.exists() is False


@pytest.mark.parametrize(
    ("region", "typed", "stored"),
    [
        ("DE", "030 1234567", "+49301234567"),
        ("DE", "+49 (30) 123-4567", "+49301234567"),
        ("US", "(201) 555-0123", "+12015550123"),
        ("GB", "020 7946 0018", "+442079460018"),
        ("RU", "8 (495) 123-45-67", "+74951234567"),
        ("CN", "010 1234 5678", "+861012345678"),
        ("US", "+44 20 7946 0018", "+442079460018"),
    ],
)
def test_phones_in_national_and_international_formats_are_stored_as_e164(alice, region, typed, stored):
    _set_region(alice.organization, region)
    alice.organization.refresh_from_db()

    contact = _contact(alice, phones=[typed])

    assert contact.phones.get().number == stored
    assert contact.phones.get().reversed_digits == stored[1:][::-1]


def test_an_invalid_phone_names_its_position_and_writes_nothing(alice):
    with pytest.raises(ValidationError) as raised:
        _contact(alice, phones=["12"])

    assert list(raised.value.message_dict) == ["phones.0.number"]
    assert ContactPhone.objects.exists() is False


def test_a_contact_needs_a_first_or_last_name(alice):
    with pytest.raises(ValidationError) as raised:
        services.create_contact(member=alice, data={"first_name": "  "})

    assert "last_name" in raised.value.message_dict


def test_an_unknown_field_is_refused_by_name(alice):
    with pytest.raises(ValidationError) as raised:
        _contact(alice, favourite_colour="green")

    assert list(raised.value.message_dict) == ["favourite_colour"]


def test_oversized_text_is_refused_naming_the_field(alice):
    with pytest.raises(ValidationError) as raised:
        _contact(alice, job_title="x" * 101)

    assert "job_title" in raised.value.message_dict
    assert Contact.objects.exists() is False


def test_a_company_of_another_organization_cannot_be_linked(alice, olga):
    theirs = CompanyFactory(organization=olga.organization)

    with pytest.raises(ValidationError) as raised:
        _contact(alice, company_id=theirs.pk)

    assert list(raised.value.message_dict) == ["company_id"]


def test_the_owner_must_be_a_member(alice, olga):
    with pytest.raises(ValidationError) as raised:
        _contact(alice, owner_id=olga.user_id)

    assert list(raised.value.message_dict) == ["owner_id"]


def test_custom_field_values_are_typed_and_stored(alice):
    CustomFieldFactory(organization=alice.organization, key="size", field_type=CustomField.FieldType.NUMBER)
    CustomFieldFactory(organization=alice.organization, key="vip", field_type=CustomField.FieldType.BOOLEAN)
    CustomFieldFactory(
        organization=alice.organization, key="branch", field_type="choice", choices=["North", "South"]
    )

    contact = _contact(alice, custom_fields={"size": "42", "vip": "yes", "branch": "North"})

    assert contact.custom_fields == {"size": 42, "vip": True, "branch": "North"}


@pytest.mark.parametrize(
    ("field_type", "value"),
    [("number", "4.5"), ("decimal", "abc"), ("date", "31/12/2024"), ("boolean", "maybe"), ("choice", "East")],
)
def test_a_wrongly_typed_custom_value_names_the_field(alice, field_type, value):
    CustomFieldFactory(organization=alice.organization, key="extra", field_type=field_type, choices=["North"])

    with pytest.raises(ValidationError) as raised:
        _contact(alice, custom_fields={"extra": value})

    assert list(raised.value.message_dict) == ["custom_fields.extra"]
    assert Contact.objects.exists() is False


def test_an_unknown_custom_field_is_refused(alice):
    with pytest.raises(ValidationError) as raised:
        _contact(alice, custom_fields={"nope": 1})

    assert list(raised.value.message_dict) == ["custom_fields.nope"]


def test_a_required_custom_field_must_be_given(alice):
    CustomFieldFactory(organization=alice.organization, key="card", is_required=True)

    with pytest.raises(ValidationError) as raised:
        _contact(alice)

    assert list(raised.value.message_dict) == ["custom_fields.card"]


def test_a_unique_custom_field_refuses_a_value_already_used(alice):
    CustomFieldFactory(organization=alice.organization, key="card", is_unique=True)
    _contact(alice, custom_fields={"card": "A-1"})

    with pytest.raises(ValidationError) as raised:
        _contact(alice, last_name="Byron", custom_fields={"card": "A-1"})

    assert list(raised.value.message_dict) == ["custom_fields.card"]
    assert Contact.objects.count() == 1


def test_a_unique_custom_value_may_repeat_in_another_organization(alice, olga):
    CustomFieldFactory(organization=alice.organization, key="card", is_unique=True)
    ContactFactory(organization=olga.organization, custom_fields={"card": "A-1"})

    assert _contact(alice, custom_fields={"card": "A-1"}).custom_fields == {"card": "A-1"}


def test_checking_a_unique_value_is_one_query_whatever_the_number_of_contacts(
    alice, django_assert_num_queries
):
    from kliento.core.records.fields.values import clean_custom_values

    definition = CustomFieldFactory(organization=alice.organization, key="card", is_unique=True)
    for number in range(30):
        ContactFactory(organization=alice.organization, custom_fields={"card": f"A-{number}"})

    with django_assert_num_queries(1):
        clean_custom_values("contact", {"card": "A-99"}, definitions=[definition])


def test_a_second_writer_that_passed_the_check_still_cannot_take_a_unique_value(alice):
    from kliento.core.records.fields.values import store_custom_values

    definition = CustomFieldFactory(organization=alice.organization, key="card", is_unique=True)
    _contact(alice, custom_fields={"card": "A-1"})
    racer = ContactFactory(organization=alice.organization)
    racer.custom_fields = {"card": "A-1"}

    with pytest.raises(ValidationError) as raised:
        store_custom_values(racer, [definition])

    assert list(raised.value.message_dict) == ["custom_fields.card"]


def test_changing_a_unique_value_frees_the_old_one(alice):
    CustomFieldFactory(organization=alice.organization, key="card", is_unique=True)
    first = _contact(alice, custom_fields={"card": "A-1"})
    services.update_contact(contact=first, member=alice, data={"custom_fields": {"card": "A-2"}})

    assert _contact(alice, last_name="Byron", custom_fields={"card": "A-1"}).custom_fields == {"card": "A-1"}


def test_a_trashed_contact_keeps_its_unique_value(alice):
    CustomFieldFactory(organization=alice.organization, key="card", is_unique=True)
    services.delete_customer(customer=_contact(alice, custom_fields={"card": "A-1"}), member=alice)

    with pytest.raises(ValidationError):
        _contact(alice, last_name="Byron", custom_fields={"card": "A-1"})


def test_making_a_field_unique_indexes_the_values_it_already_has(alice):
    definition = field_services.save_custom_field(
        member=alice, data={"entity": "contact", "key": "card", "label": "Card", "field_type": "text"}
    )
    _contact(alice, custom_fields={"card": "A-1"})
    field_services.save_custom_field(member=alice, field=definition, data={"is_unique": True})

    with pytest.raises(ValidationError) as raised:
        _contact(alice, last_name="Byron", custom_fields={"card": "A-1"})

    assert list(raised.value.message_dict) == ["custom_fields.card"]


def test_a_field_whose_values_repeat_cannot_be_made_unique(alice):
    definition = field_services.save_custom_field(
        member=alice, data={"entity": "contact", "key": "card", "label": "Card", "field_type": "text"}
    )
    _contact(alice, custom_fields={"card": "A-1"})
    _contact(alice, last_name="Byron", custom_fields={"card": "A-1"})

    with pytest.raises(ValidationError) as raised:
        field_services.save_custom_field(member=alice, field=definition, data={"is_unique": True})

    assert list(raised.value.message_dict) == ["is_unique"]
    assert CustomField.objects.get(pk=definition.pk).is_unique is False


def test_deleting_a_unique_field_deletes_the_index_of_its_values(alice):
    definition = field_services.save_custom_field(
        member=alice,
        data={"entity": "contact", "key": "card", "label": "Card", "field_type": "text", "is_unique": True},
    )
    _contact(alice, custom_fields={"card": "A-1"})

    field_services.delete_custom_field(member=alice, field=definition)

    assert UniqueCustomValue.objects.count() == 0


def test_updating_a_contact_audits_old_and_new_values(alice):
    contact = _contact(alice)

    services.update_contact(
        contact=contact, member=alice, data={"job_title": "Analyst", "emails": ["a@example.com"]}
    )

    entry = AuditEntry.objects.get(record_type="customers.contact", action="update")
    assert entry.changes["job_title"] == ["", "Analyst"]
    assert entry.changes["emails"] == [[], ["a@example.com"]]


def test_an_update_without_changes_leaves_no_entry(alice):
    contact = _contact(alice)

    services.update_contact(contact=contact, member=alice, data={"first_name": "Ada"})

    assert AuditEntry.objects.filter(action="update").exists() is False


def test_a_failed_update_changes_nothing(alice):
    contact = _contact(alice, emails=["ada@example.com"])

    with pytest.raises(ValidationError):
        services.update_contact(contact=contact, member=alice, data={"job_title": "CEO", "emails": ["bad"]})

    contact = Contact.objects.get(pk=contact.pk)
    assert (contact.job_title, contact.email) == ("", "ada@example.com")
    assert list(ContactEmail.objects.values_list("email", flat=True)) == ["ada@example.com"]


def test_lifecycle_changes_are_recorded_with_who_and_why(alice):
    contact = _contact(alice)

    services.change_lifecycle_stage(
        customer=contact, to_stage="active", actor=alice.user, reason="First order", member=alice
    )

    transition = LifecycleTransition.objects.filter(contact=contact).latest("id")
    assert (transition.from_stage, transition.to_stage, transition.reason) == (
        "lead",
        "active",
        "First order",
    )
    assert Contact.objects.get(pk=contact.pk).lifecycle_stage == "active"


def test_the_reason_of_a_stage_change_is_in_its_audit_entry(alice):
    contact = _contact(alice)

    services.change_lifecycle_stage(
        customer=contact, to_stage="active", actor=alice.user, reason="  First order ", member=alice
    )

    assert AuditEntry.objects.get(record_type="customers.contact", action="update").changes == {
        "lifecycle_stage": ["lead", "active"],
        "reason": [None, "First order"],
    }


def test_a_stage_change_without_a_reason_audits_only_the_stage(alice):
    contact = _contact(alice)

    services.change_lifecycle_stage(
        customer=contact, to_stage="active", actor=alice.user, reason=" ", member=alice
    )

    assert AuditEntry.objects.get(record_type="customers.contact", action="update").changes == {
        "lifecycle_stage": ["lead", "active"]
    }


def test_a_rule_can_change_the_stage_and_is_named(alice):
    contact = _contact(alice)

    services.change_lifecycle_stage(
        customer=contact, to_stage="active", actor=None, rule="First purchase rule"
    )

    assert LifecycleTransition.objects.filter(contact=contact).latest("id").rule == "First purchase rule"


@pytest.mark.parametrize(("start", "target"), [("lead", "loyal"), ("lead", "lead"), ("active", "lead")])
def test_a_stage_change_that_is_not_allowed_is_refused(alice, start, target):
    contact = ContactFactory(organization=alice.organization, lifecycle_stage=start)

    with pytest.raises(DomainError) as raised:
        services.change_lifecycle_stage(customer=contact, to_stage=target, actor=alice.user, member=alice)

    assert raised.value.field == "to_stage"
    assert Contact.objects.get(pk=contact.pk).lifecycle_stage == start


def test_a_viewer_cannot_change_a_stage(alice):
    viewer = MembershipFactory(organization=alice.organization, role=Role.VIEWER)
    contact = ContactFactory(organization=alice.organization)

    with pytest.raises(NotAllowed):
        services.change_lifecycle_stage(customer=contact, to_stage="active", actor=viewer.user, member=viewer)


def test_consent_records_when_and_how_and_can_be_withdrawn(alice):
    contact = _contact(alice)

    services.set_consent(contact=contact, channel="email", granted=True, method="form", member=alice)
    assert services.has_consent(contact, "email") is True
    services.set_consent(contact=contact, channel="email", granted=False, method="unsubscribe", member=alice)

    consent = Consent.objects.get(contact=contact, channel="email")
    assert (consent.status, consent.method) == ("withdrawn", "unsubscribe")
    assert services.has_consent(contact, "email") is False
    assert services.has_consent(contact, "sms") is False


def test_duplicates_are_found_by_normalized_email_and_phone(alice):
    existing = _contact(alice, emails=["ada@example.com"], phones=["+12015550123"])

    assert services.find_duplicates(emails=["ada@example.com"]) == [existing]
    assert services.find_duplicates(phones=["+12015550123"]) == [existing]
    assert services.find_duplicates(emails=["ada@example.com"], exclude_id=existing.pk) == []


def test_duplicates_are_never_found_in_another_organization(alice, olga):
    from kliento.core.tenancy import active_organization

    with active_organization(olga.organization_id):
        services.create_contact(member=olga, data={"last_name": "Twin", "emails": ["ada@example.com"]})

    assert services.find_duplicates(emails=["ada@example.com"]) == []


def test_tags_are_created_once_per_organization_case_insensitively(alice):
    _contact(alice, tags=["VIP", "vip ", "Newsletter"])
    _contact(alice, last_name="Byron", tags=["vip"])

    assert sorted(Tag.objects.values_list("name", flat=True)) == ["Newsletter", "VIP"]


def test_deleting_a_contact_moves_it_to_the_trash_and_restore_brings_it_back(alice):
    contact = _contact(alice)

    services.delete_customer(customer=contact, member=alice)
    assert Contact.objects.filter(pk=contact.pk).exists() is False
    services.restore_customer(customer=Contact.with_trash.get(pk=contact.pk), member=alice)

    assert Contact.objects.filter(pk=contact.pk).exists()


def test_a_salesperson_cannot_delete_customers(alice, bob):
    contact = _contact(alice)

    with pytest.raises(NotAllowed):
        services.delete_customer(customer=contact, member=bob)


def test_bulk_assignment_leaves_one_audit_entry_with_the_count(alice, bob):
    contacts = [ContactFactory(organization=alice.organization) for _ in range(3)]

    count = services.bulk_update_contacts(
        contact_ids=[c.pk for c in contacts], member=alice, action="assign_owner", value=bob.user_id
    )

    assert count == 3
    assert set(Contact.objects.values_list("owner_id", flat=True)) == {bob.user_id}
    entry = AuditEntry.objects.get(action="bulk")
    assert entry.changes["count"] == 3


def test_bulk_actions_skip_contacts_the_member_cannot_see(alice, bob):
    alice.organization.record_visibility = "own_and_team"
    alice.organization.save()
    bob.refresh_from_db()
    mine = ContactFactory(organization=alice.organization, owner=bob.user)
    hers = ContactFactory(organization=alice.organization, owner=alice.user)

    count = services.bulk_update_contacts(
        contact_ids=[mine.pk, hers.pk], member=bob, action="add_tag", value="hot"
    )

    assert count == 1
    assert list(Contact.objects.filter(tags__name="hot")) == [mine]


def test_bulk_trash_needs_the_delete_permission(alice, bob):
    contact = ContactFactory(organization=alice.organization, owner=bob.user)

    with pytest.raises(NotAllowed):
        services.bulk_update_contacts(contact_ids=[contact.pk], member=bob, action="trash")
    assert Contact.objects.filter(pk=contact.pk).exists()


def test_creating_a_company_normalizes_email_and_phone(alice):
    company = services.create_company(
        member=alice, data={"name": "Globex", "email": "Info@Globex.example", "phone": "(201) 555-0123"}
    )

    assert (company.email, company.phone, company.sort_name) == (
        "info@globex.example",
        "+12015550123",
        "globex",
    )


def test_renaming_a_company_updates_its_contacts_search_text(alice, django_capture_on_commit_callbacks):
    company = services.create_company(member=alice, data={"name": "Initech"})
    contact = _contact(alice, company_id=company.pk)

    with django_capture_on_commit_callbacks(execute=True):
        services.update_company(company=company, member=alice, data={"name": "Initrode"})

    assert "initrode" in Contact.objects.get(pk=contact.pk).search_text


def test_a_company_rename_rewrites_its_contacts_search_text_a_batch_per_statement(
    alice, monkeypatch, django_capture_on_commit_callbacks, django_assert_num_queries
):
    monkeypatch.setattr(services, "REFRESH_BATCH", 2)
    company = services.create_company(member=alice, data={"name": "北京永新"})
    contacts = [_contact(alice, company_id=company.pk, first_name=f"Ada{n}") for n in range(3)]
    with django_capture_on_commit_callbacks() as callbacks:
        services.update_company(company=company, member=alice, data={"name": "上海明珠"})

    # Per batch of two: the contacts, their emails, their phones, one UPDATE.
    with django_assert_num_queries(8):
        callbacks[0]()

    for contact in contacts:
        refreshed = Contact.objects.get(pk=contact.pk)
        assert refreshed.search_text.endswith("上海明珠")
        assert "明珠" in refreshed.search_grams.split() and "永新" not in refreshed.search_grams.split()


def test_search_text_holds_names_emails_and_phone_digits(alice):
    contact = services.create_contact(
        member=alice,
        data={
            "first_name": "伟",
            "last_name": "王",
            "emails": ["wei@example.com"],
            "phones": ["+8613800138000"],
        },
    )

    assert contact.full_name == "王伟"
    assert "王伟" in contact.search_text and "wei@example.com" in contact.search_text
    assert "8613800138000" in contact.search_text


def test_a_custom_field_key_is_unique_per_entity(alice):
    data = {"entity": "contact", "key": "size", "label": "Size", "field_type": "number"}
    field_services.save_custom_field(member=alice, data=data)

    with pytest.raises(ValidationError) as raised:
        field_services.save_custom_field(member=alice, data=data)

    assert list(raised.value.message_dict) == ["key"]


def test_a_choice_field_needs_choices(alice):
    with pytest.raises(ValidationError) as raised:
        field_services.save_custom_field(
            member=alice, data={"entity": "contact", "key": "tier", "label": "Tier", "field_type": "choice"}
        )

    assert list(raised.value.message_dict) == ["choices"]


def test_companies_and_contacts_are_separate_entities_for_custom_fields(alice):
    CustomFieldFactory(organization=alice.organization, key="size", entity="company", is_required=True)

    assert _contact(alice).custom_fields == {}
    with pytest.raises(ValidationError):
        services.create_company(member=alice, data={"name": "Acme"})
    assert Company.objects.exists() is False


def test_the_created_entry_of_a_contact_holds_all_its_emails_phones_and_tags(alice):
    contact = services.create_contact(
        member=alice,
        data={
            "first_name": "Ada",
            "emails": ["ada@example.com", "ada@home.example"],
            "phones": ["+49 30 12345678", "+1 650 253 0000"],
            "tags": ["vip", "berlin"],
        },
    )

    changes = AuditEntry.objects.get(
        record_type="customers.contact", record_id=contact.pk, action="create"
    ).changes

    assert changes["emails"] == [None, ["ada@example.com", "ada@home.example"]]
    assert changes["phones"] == [None, ["+493012345678", "+16502530000"]]
    assert changes["tags"] == [None, ["berlin", "vip"]]


def test_the_created_entry_of_a_company_holds_its_tags(alice):
    company = services.create_company(member=alice, data={"name": "Navy", "tags": ["fleet"]})

    assert AuditEntry.objects.get(
        record_type="customers.company", record_id=company.pk, action="create"
    ).changes["tags"] == [None, ["fleet"]]
