"""Services of leads: creation, scoring, duplicates, status, first response, conversion, trash, bulk."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from kliento.core.errors import DomainError
from kliento.core.models import AuditEntry
from kliento.core.permissions import Role
from kliento.customers.models import Company, Contact, ContactEmail, ContactPhone
from kliento.leads import services
from kliento.leads.conversion import ConversionExtra, register_conversion_extra, unregister_conversion_extra
from kliento.leads.models import Lead, LeadStatus
from kliento.leads.scoring import score_of
from tests.customers.factories import CompanyFactory, ContactFactory
from tests.factories import MembershipFactory
from tests.leads.factories import DisqualifyReasonFactory, LeadFactory


def _lead(member, **data):
    return services.create_lead(member=member, data={"name": "Ada Lovelace", **data})


def test_a_new_lead_is_new_owned_by_its_creator_awaiting_and_audited(alice):
    lead = _lead(alice, email=" Ada@Example.COM ", phone="+1 415 555 2671", source="referral")

    assert (lead.status, lead.owner_id, lead.email, lead.phone) == (
        LeadStatus.NEW, alice.user_id, "ada@example.com", "+14155552671"
    )  # fmt: skip
    assert lead.queue_rank == Lead.QueueRank.AWAITING
    assert lead.score == 15 + 15 + 25
    entry = AuditEntry.objects.get(record_type="leads.lead", record_id=lead.pk)
    assert entry.action == AuditEntry.Action.CREATE
    assert entry.changes["email"] == [None, "ada@example.com"]


def test_invalid_email_and_phone_are_refused_by_name_and_nothing_is_written(alice):
    with pytest.raises(ValidationError) as refused:
        _lead(alice, email="not an email", phone="12")

    assert {"email", "phone"} <= set(refused.value.message_dict)
    assert Lead.objects.exists() is False


def test_an_unknown_field_and_a_bad_utm_key_are_refused(alice):
    with pytest.raises(ValidationError) as refused:
        _lead(alice, colour="red", first_touch={"gclid": "x"})

    assert "colour" in refused.value.message_dict


def test_a_bad_utm_key_names_it(alice):
    with pytest.raises(ValidationError) as refused:
        _lead(alice, first_touch={"gclid": "x"})

    assert "first_touch.gclid" in refused.value.message_dict


def test_one_touch_is_both_first_and_last(alice):
    lead = _lead(alice, last_touch={"utm_source": "google", "utm_campaign": "spring"})

    assert lead.first_touch == lead.last_touch == {"source": "google", "campaign": "spring"}


def test_control_characters_in_the_name_are_refused(alice):
    with pytest.raises(ValidationError) as refused:
        _lead(alice, name="Ada\x00")

    assert "name" in refused.value.message_dict


def test_a_lead_with_the_email_of_an_open_lead_is_kept_and_linked(alice):
    first = _lead(alice, email="ada@example.com")

    second = _lead(alice, name="Ada L.", email="ADA@example.com")

    assert second.duplicate_of_lead_id == first.pk
    assert second.is_duplicate and Lead.objects.count() == 2


def test_a_lead_with_the_phone_of_a_contact_is_linked_to_the_contact(alice):
    contact = ContactFactory(organization=alice.organization, phone="+14155552671")
    ContactPhone.objects.create(contact=contact, number="+14155552671", reversed_digits="1762555514")

    lead = _lead(alice, phone="+1 415 555 2671")

    assert (lead.duplicate_of_lead_id, lead.duplicate_of_contact_id) == (None, contact.pk)


def test_a_disqualified_lead_is_no_duplicate_target(alice):
    old = LeadFactory(organization=alice.organization, email="ada@example.com", status="disqualified")

    lead = _lead(alice, email="ada@example.com")

    assert lead.duplicate_of_lead_id is None and old.pk


def test_the_score_follows_changes(alice):
    lead = _lead(alice)
    assert lead.score == 0

    services.update_lead(lead=lead, member=alice, data={"email": "a@example.com", "company_name": "Acme"})

    lead.refresh_from_db()
    assert lead.score == 25 == score_of(lead)


def test_the_score_is_capped_at_100_and_zero_once_disqualified(alice):
    reason = DisqualifyReasonFactory(organization=alice.organization)
    lead = _lead(
        alice, email="a@example.com", phone="+14155552671", company_name="Acme", message="x" * 90,
        source="referral", last_touch={"campaign": "spring"},
    )  # fmt: skip
    services.qualify_lead(lead=lead, member=alice)
    lead.refresh_from_db()
    assert lead.score == 100

    services.disqualify_lead(lead=lead, member=alice, reason_id=reason.pk)

    lead.refresh_from_db()
    assert lead.score == 0


def test_disqualifying_needs_a_reason_of_the_organization(alice, olga):
    lead = _lead(alice)
    theirs = DisqualifyReasonFactory(organization=olga.organization)

    with pytest.raises(ValidationError) as refused:
        services.disqualify_lead(lead=lead, member=alice, reason_id=theirs.pk)

    assert "reason_id" in refused.value.message_dict
    lead.refresh_from_db()
    assert lead.status == LeadStatus.NEW


def test_a_reason_goes_away_when_the_lead_is_requalified(alice):
    reason = DisqualifyReasonFactory(organization=alice.organization)
    lead = _lead(alice)
    services.disqualify_lead(lead=lead, member=alice, reason_id=reason.pk)

    services.change_status(lead=lead, member=alice, status="contacted")

    lead.refresh_from_db()
    assert (lead.status, lead.disqualify_reason_id) == ("contacted", None)


def test_leaving_new_records_the_first_response_and_settles_the_inbox_rank(alice):
    lead = _lead(alice)

    services.change_status(lead=lead, member=alice, status="contacted")

    lead.refresh_from_db()
    assert lead.first_response_at is not None and lead.first_response_by == alice.user
    assert lead.queue_rank == Lead.QueueRank.SETTLED


def test_the_first_response_is_set_once(alice, bob):
    lead = _lead(alice)
    first = timezone.now() - datetime.timedelta(hours=2)

    assert services.record_first_response(lead.pk, at=first, by=bob.user) is True
    assert services.record_first_response(lead, by=alice.user) is False

    lead.refresh_from_db()
    assert (lead.first_response_at, lead.first_response_by, lead.status) == (first, bob.user, "contacted")
    assert AuditEntry.objects.filter(record_id=lead.pk, action="update").count() == 1


def test_a_first_response_in_the_future_is_taken_as_now(alice):
    lead = _lead(alice)

    services.record_first_response(lead, at=timezone.now() + datetime.timedelta(days=3))

    lead.refresh_from_db()
    assert lead.first_response_at <= timezone.now()


def test_the_first_response_of_an_unknown_lead_does_nothing(alice):
    assert services.record_first_response(987654) is False


def test_a_viewer_may_not_create_or_change_leads(alice):
    viewer = MembershipFactory(organization=alice.organization, role=Role.VIEWER)
    lead = _lead(alice)

    with pytest.raises(PermissionDenied):
        _lead(viewer)
    with pytest.raises(PermissionDenied):
        services.change_status(lead=lead, member=viewer, status="qualified")

    lead.refresh_from_db()
    assert lead.status == "new"


# Conversion --------------------------------------------------------------------------------


def _qualified(member, **data):
    lead = _lead(member, **data)
    services.qualify_lead(lead=lead, member=member)
    return lead


def test_converting_makes_a_contact_and_a_new_company_linked_from_the_lead(alice):
    lead = _qualified(alice, email="ada@example.com", phone="+14155552671", company_name="Engines Ltd")

    conversion = services.convert_lead(lead=lead, member=alice)

    contact = Contact.objects.get()
    assert (contact.first_name, contact.last_name, contact.email, contact.phone) == (
        "Ada", "Lovelace", "ada@example.com", "+14155552671"
    )  # fmt: skip
    assert contact.company.name == "Engines Ltd" and conversion.company == contact.company
    lead.refresh_from_db()
    assert (lead.contact_id, lead.company_id) == (contact.pk, contact.company_id)
    assert lead.converted_at is not None and lead.queue_rank == Lead.QueueRank.SETTLED


def test_converting_into_an_existing_company(alice):
    company = CompanyFactory(organization=alice.organization, name="Known Ltd")
    lead = _qualified(alice, company_name="Typed Ltd")

    services.convert_lead(lead=lead, member=alice, company_id=company.pk)

    assert Contact.objects.get().company == company
    assert Company.objects.count() == 1


def test_converting_without_a_company(alice):
    lead = _qualified(alice, company_name="Typed Ltd")

    services.convert_lead(lead=lead, member=alice, new_company_name="")

    assert Contact.objects.get().company is None and Company.objects.exists() is False


@pytest.mark.parametrize("status", ["new", "contacted", "disqualified"])
def test_an_unqualified_lead_cannot_be_converted_and_nothing_is_written(alice, status):
    lead = LeadFactory(organization=alice.organization, status=status, company_name="Acme")

    with pytest.raises(DomainError):
        services.convert_lead(lead=lead, member=alice)

    assert Contact.objects.exists() is False and Company.objects.exists() is False
    lead.refresh_from_db()
    assert lead.contact_id is None


def test_a_converted_lead_cannot_be_converted_again(alice):
    lead = _qualified(alice, company_name="Acme")
    services.convert_lead(lead=lead, member=alice)

    with pytest.raises(DomainError):
        services.convert_lead(lead=lead, member=alice)

    assert Contact.objects.count() == 1 and Company.objects.count() == 1


def test_a_company_of_another_organization_is_refused_and_nothing_is_written(alice, olga):
    theirs = CompanyFactory(organization=olga.organization)
    lead = _qualified(alice, email="ada@example.com")

    with pytest.raises(ValidationError) as refused:
        services.convert_lead(lead=lead, member=alice, company_id=theirs.pk)

    assert "company_id" in refused.value.message_dict
    assert Contact.objects.exists() is False and ContactEmail.objects.exists() is False


def test_a_converted_lead_keeps_its_status(alice):
    lead = _qualified(alice)
    services.convert_lead(lead=lead, member=alice)

    with pytest.raises(DomainError):
        services.change_status(lead=lead, member=alice, status="new")


def test_a_conversion_extra_runs_with_the_new_contact_in_the_same_transaction(alice):
    seen = []
    register_conversion_extra(
        ConversionExtra(key="probe", label="Probe", run=lambda step: seen.append(step.contact.pk) or "made")
    )
    try:
        lead = _qualified(alice)
        conversion = services.convert_lead(lead=lead, member=alice, extras={"probe": {}})
    finally:
        unregister_conversion_extra("probe")

    assert seen == [conversion.contact.pk] and conversion.extras == {"probe": "made"}


def test_a_refusing_extra_undoes_the_whole_conversion(alice):
    def refuse(step):
        raise ValidationError({"extras.deal.title": ["Give the deal a title."]})

    register_conversion_extra(ConversionExtra(key="deal", label="Deal", run=refuse))
    try:
        lead = _qualified(alice, company_name="Acme")
        with pytest.raises(ValidationError):
            services.convert_lead(lead=lead, member=alice, extras={"deal": {}})
    finally:
        unregister_conversion_extra("deal")

    assert Contact.objects.exists() is False and Company.objects.exists() is False
    lead.refresh_from_db()
    assert lead.contact_id is None


def test_an_unknown_extra_is_refused_by_name(alice):
    lead = _qualified(alice)

    with pytest.raises(ValidationError) as refused:
        services.convert_lead(lead=lead, member=alice, extras={"nope": {}})

    assert "extras.nope" in refused.value.message_dict


# Trash and bulk ------------------------------------------------------------------------------


def test_trash_and_restore(alice):
    lead = _lead(alice)

    services.delete_lead(lead=lead, member=alice)
    assert Lead.objects.exists() is False

    services.restore_lead(lead=Lead.with_trash.get(pk=lead.pk), member=alice)
    assert Lead.objects.filter(pk=lead.pk).exists()


def test_bulk_assignment_and_status_leave_an_entry_on_each_lead_under_one_batch(alice, bob):
    leads = [_lead(alice, name=f"Lead {n}") for n in range(3)]
    ids = [lead.pk for lead in leads]

    assert services.bulk_update_leads(ids=ids, member=alice, action="assign_owner", value=bob.user_id) == 3
    assert services.bulk_update_leads(ids=ids, member=alice, action="change_status", value="qualified") == 3

    assert set(Lead.objects.values_list("owner_id", "status")) == {(bob.user_id, "qualified")}
    assert Lead.objects.filter(first_response_at__isnull=True).exists() is False
    batches = AuditEntry.objects.filter(record_type="leads.lead", action="update").values_list(
        "batch_id", flat=True
    )
    assert len(set(batches)) == 2 and len(batches) == 6


def test_bulk_disqualifying_is_refused(alice):
    lead = _lead(alice)

    with pytest.raises(ValidationError):
        services.bulk_update_leads(ids=[lead.pk], member=alice, action="change_status", value="disqualified")


def test_bulk_actions_touch_only_visible_leads(alice, olga):
    theirs = LeadFactory(organization=olga.organization)

    assert services.bulk_update_leads(ids=[theirs.pk], member=alice, action="trash") == 0
    assert Lead.unscoped.get(pk=theirs.pk).deleted_at is None
