"""Every write to customer cards: create, change, lifecycle, consent, tags, bulk actions, trash.

Pages, the API and imports call these, so each path gets the same validation, normalization,
audit entry and history. Invalid input raises django's ValidationError keyed by field name
(`emails.0.email`, `custom_fields.shoe_size`); refused rules raise a DomainError.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kliento.core.audit import (
    audit_batch,
    bulk_move_to_trash,
    bulk_update_records,
    column_values,
    create_record,
    lock_record,
    move_to_trash,
    record_change,
    restore_from_trash,
    save_changed_fields,
)
from kliento.core.countries import is_country
from kliento.core.errors import DomainError, collect_errors
from kliento.core.models import MAX_ID, AuditEntry, Membership, Organization, User
from kliento.core.permissions import Permission
from kliento.core.records import tags as record_tags
from kliento.core.records.fields.values import clean_custom_values, definitions_for, store_custom_values
from kliento.core.records.kinds import kind_of_model
from kliento.core.services import require
from kliento.core.tenancy import active_api_key_id
from kliento.core.text import text_problem
from kliento.customers.models import (
    ALLOWED_TRANSITIONS,
    Company,
    Consent,
    Contact,
    ContactEmail,
    ContactPhone,
    LifecycleStage,
    LifecycleTransition,
    Tag,
    display_name,
)
from kliento.customers.normalize import digits_of, normalize_email, normalize_phone, reversed_digits
from kliento.customers.search import cjk_grams
from kliento.customers.tasks import refresh_company_contacts

CONTACT_FIELDS = {
    "first_name", "last_name", "company_id", "job_title", "birthday", "preferred_language",
    "preferred_channel", "source", "owner_id", "street", "city", "region", "postal_code", "country",
    "description",
}  # fmt: skip
COMPANY_FIELDS = {
    "name", "website", "industry", "employees", "email", "phone", "source", "owner_id",
    "street", "city", "region", "postal_code", "country", "description",
}  # fmt: skip
MAX_EMAILS = MAX_PHONES = 10
# Lists a change may replace beside the tags: a contact's emails and phones.
_CHANNEL_LISTS: dict[type[Contact | Company], set[str]] = {Contact: {"emails", "phones"}, Company: set()}
REFRESH_BATCH = 500


def _organization(member: Membership) -> Organization:
    return member.organization


# Search text --------------------------------------------------------------------------------


def contact_search_text(
    contact: Contact, emails: Iterable[str], phones: Iterable[str], company_name: str
) -> str:
    """What fragment search looks in: names both ways round, emails, phone digits, company."""
    parts = [contact.first_name, contact.last_name, display_name(contact.first_name, contact.last_name)]
    parts += list(emails) + [digits_of(phone) for phone in phones] + [company_name]
    return " ".join(part for part in parts if part).casefold()


def company_search_text(company: Company) -> str:
    parts = [company.name, company.email, digits_of(company.phone), company.website, company.city]
    return " ".join(part for part in parts if part).casefold()


def sort_key(name: str) -> str:
    return name.strip().casefold()[:300]


# Validation helpers -------------------------------------------------------------------------


def _check_known_fields(data: Mapping[str, Any], allowed: set[str], extra: set[str]) -> None:
    unknown = set(data) - allowed - extra
    if unknown:
        raise ValidationError({name: [_("There is no such field.")] for name in sorted(unknown)})


def _is_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID


def _check_owner(owner_id: int | None) -> None:
    if owner_id is not None and not (
        _is_id(owner_id) and Membership.objects.active().filter(user_id=owner_id).exists()
    ):
        raise ValidationError({"owner_id": [_("The owner must be an active member of the organization.")]})


def _check_company(company_id: int | None, member: Membership) -> Company | None:
    """The company, if the member may see it: one they may not is refused as if it did not exist,
    so walking ids reveals neither names nor which ids are taken."""
    if company_id is None:
        return None
    company = Company.objects.visible_to(member).filter(pk=company_id).first() if _is_id(company_id) else None
    if company is None:
        raise ValidationError({"company_id": [_("There is no such company.")]})
    return company


def check_contact_channels(*, member: Membership, emails: Sequence[Any], phones: Sequence[Any]) -> None:
    """Raise one ValidationError naming every bad email and phone (`emails.N.email`), for a form
    whose other fields already failed: its person then learns of every problem at once."""
    region = _organization(member).default_region
    collect_errors(lambda: _clean_emails(emails), lambda: _clean_phones(phones, region))


def _check_country(record: Contact | Company) -> None:
    if record.country and not is_country(record.country):
        raise ValidationError(
            {"country": [_("Choose a country from the list (a two-letter ISO 3166 code).")]}
        )


def _check_named(contact: Contact) -> None:
    if not contact.first_name and not contact.last_name:
        raise ValidationError({"last_name": [_("Give the contact a first or last name.")]})


def _clean_emails(entries: Sequence[Any]) -> list[dict[str, Any]]:
    """Each entry as {email, label, is_primary} with exactly one primary; errors name `emails.N.email`."""
    if len(entries) > MAX_EMAILS:
        raise ValidationError({"emails": [_("At most %(max)s email addresses.") % {"max": MAX_EMAILS}]})
    return _clean_entries(entries, "emails", "email", normalize_email, ContactEmail.Label)


def _clean_phones(entries: Sequence[Any], region: str) -> list[dict[str, Any]]:
    """Each entry as {number, label, is_primary} in E.164; errors name `phones.N.number`."""
    if len(entries) > MAX_PHONES:
        raise ValidationError({"phones": [_("At most %(max)s phone numbers.") % {"max": MAX_PHONES}]})
    return _clean_entries(
        entries, "phones", "number", lambda number: normalize_phone(number, region), ContactPhone.Label
    )


def _clean_entries(
    entries: Sequence[Any],
    name: str,
    key: str,
    normalize: Callable[[str], str],
    labels: type[models.TextChoices],
) -> list[dict[str, Any]]:
    """Emails or phones: normalized, labelled (the first label by default), repeats dropped."""
    cleaned, errors, seen = [], {}, set()
    for index, entry in enumerate(entries):
        entry = {key: entry} if isinstance(entry, str) else dict(entry)
        try:
            value = normalize(str(entry.get(key, "")))
        except ValidationError as error:
            errors[f"{name}.{index}.{key}"] = error.messages
            continue
        label = entry.get("label") or labels.values[0]
        if label not in labels.values:
            errors[f"{name}.{index}.label"] = [_("Unknown label.")]
            continue
        if value in seen:
            continue
        seen.add(value)
        cleaned.append({key: value, "label": label, "is_primary": bool(entry.get("is_primary"))})
    if errors:
        raise ValidationError(errors)
    return _one_primary(cleaned)


def _one_primary(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    primary_index = next((i for i, entry in enumerate(entries) if entry["is_primary"]), 0)
    for index, entry in enumerate(entries):
        entry["is_primary"] = index == primary_index
    return entries


def _primary(entries: list[dict[str, Any]], key: str) -> str:
    return next((entry[key] for entry in entries if entry["is_primary"]), "")


# Duplicates ---------------------------------------------------------------------------------


def find_duplicates(
    *, emails: Iterable[str] = (), phones: Iterable[str] = (), exclude_id: int | None = None
) -> list[Contact]:
    """Contacts of the organization that already have one of these normalized emails or phones."""
    emails, phones = [e for e in emails if e], [p for p in phones if p]
    if not emails and not phones:
        return []
    ids = (
        set(ContactEmail.objects.filter(email__in=emails).values_list("contact_id", flat=True))
        if emails
        else set()
    )
    if phones:
        ids |= set(ContactPhone.objects.filter(number__in=phones).values_list("contact_id", flat=True))
    if exclude_id is not None:
        ids.discard(exclude_id)
    return list(Contact.objects.filter(pk__in=ids).order_by("sort_name", "id")[:5])


# What creating and changing a contact or a company share ---------------------------------------


def _initial_stage(data: Mapping[str, Any]) -> str:
    stage = data.get("lifecycle_stage") or LifecycleStage.LEAD
    if stage not in LifecycleStage.values:
        raise ValidationError({"lifecycle_stage": [_("Unknown lifecycle stage.")]})
    return str(stage)


def _record_new_customer(
    customer: Contact | Company,
    *,
    member: Membership,
    tags: list[Tag],
    related: dict[str, Any],
    checked: list[str],
) -> None:
    """Save a new, validated customer with its Created entry, unique values, tags and first stage;
    `checked` names the references the service has already checked (see create_record)."""
    related = {**related, "tags": sorted(tag.name for tag in tags)}
    create_record(customer, actor=member.user, related=related, checked=checked)
    store_custom_values(customer, definitions_for(kind_of_model(type(customer)).key))
    if tags:
        record_tags.set_tags(customer, tags, actor=member.user)
    link: dict[str, Contact | Company] = (
        {"contact": customer} if isinstance(customer, Contact) else {"company": customer}
    )
    LifecycleTransition.objects.create(
        organization_id=customer.organization_id,
        to_stage=customer.lifecycle_stage,
        created_by=member.user,
        **link,
    )


def _lock_for_update(
    customer: Contact | Company,
    *,
    member: Membership,
    data: Mapping[str, Any],
    allowed: set[str],
    expected_version: str | None,
) -> dict[str, Any]:
    """Check the change may be made, then lock the customer's row: its columns as stored now."""
    require(member, Permission.EDIT_CUSTOMERS)
    _check_known_fields(data, allowed, {"tags", "custom_fields"} | _CHANNEL_LISTS[type(customer)])
    lock_record(customer, expected_version=expected_version)
    return column_values(customer)


def _record_update(
    customer: Contact | Company, before: dict[str, Any], changes: dict[str, Any], *, member: Membership
) -> None:
    """Save the columns that changed and, if anything did, its unique values and one entry."""
    changes.update(save_changed_fields(customer, before, actor=member.user, touch=bool(changes)))
    if changes:
        if "custom_fields" in changes:
            store_custom_values(customer, definitions_for(kind_of_model(type(customer)).key))
        record_change(customer, action=AuditEntry.Action.UPDATE, actor=member.user, changes=changes)


# Contacts -----------------------------------------------------------------------------------


def _apply_contact_fields(contact: Contact, data: Mapping[str, Any]) -> None:
    for name in CONTACT_FIELDS & set(data):
        value = data[name]
        if isinstance(value, str):
            value = value.strip()
        setattr(contact, name, value)
    if contact.country:
        contact.country = contact.country.upper()


def _write_emails(contact: Contact, emails: list[dict[str, Any]], *, replace: bool = True) -> None:
    if replace:  # a new contact has none to remove
        ContactEmail.objects.filter(contact=contact).delete()
    ContactEmail.objects.bulk_create(
        [ContactEmail(organization_id=contact.organization_id, contact=contact, **entry) for entry in emails]
    )


def _write_phones(contact: Contact, phones: list[dict[str, Any]], *, replace: bool = True) -> None:
    if replace:
        ContactPhone.objects.filter(contact=contact).delete()
    ContactPhone.objects.bulk_create(
        [
            ContactPhone(
                organization_id=contact.organization_id,
                contact=contact,
                reversed_digits=reversed_digits(entry["number"]),
                **entry,
            )
            for entry in phones
        ]
    )


def _refresh_derived(contact: Contact, emails: list[str], phones: list[str]) -> None:
    company_name = contact.company.name if contact.company_id and contact.company else ""
    contact.sort_name = sort_key(contact.full_name)
    contact.search_text = contact_search_text(contact, emails, phones, company_name)
    contact.search_grams = cjk_grams(contact.search_text)


@transaction.atomic
def create_contact(*, member: Membership, data: Mapping[str, Any]) -> Contact:
    """A new contact with its emails, phones, tags and custom fields, validated as a whole."""
    require(member, Permission.EDIT_CUSTOMERS)
    _check_known_fields(
        data, CONTACT_FIELDS, {"emails", "phones", "tags", "custom_fields", "lifecycle_stage"}
    )
    organization = _organization(member)
    contact = Contact(organization_id=member.organization_id, owner_id=member.user_id)
    _apply_contact_fields(contact, data)
    contact.lifecycle_stage = _initial_stage(data)
    _owner, contact.company, emails, phones, contact.custom_fields, _name, _country = collect_errors(
        lambda: _check_owner(contact.owner_id),
        lambda: _check_company(contact.company_id, member),
        lambda: _clean_emails(data.get("emails") or []),
        lambda: _clean_phones(data.get("phones") or [], organization.default_region),
        lambda: clean_custom_values(kind_of_model(Contact).key, data.get("custom_fields") or {}),
        lambda: _check_named(contact),
        lambda: _check_country(contact),
    )
    contact.email, contact.phone = _primary(emails, "email"), _primary(phones, "number")
    _refresh_derived(contact, [e["email"] for e in emails], [p["number"] for p in phones])
    tags = _tags_named(data.get("tags") or [], member)
    related = {"emails": [e["email"] for e in emails], "phones": [p["number"] for p in phones]}
    _record_new_customer(contact, member=member, tags=tags, related=related, checked=["owner", "company"])
    _write_emails(contact, emails, replace=False)
    _write_phones(contact, phones, replace=False)
    return contact


@transaction.atomic
def update_contact(
    *, contact: Contact, member: Membership, data: Mapping[str, Any], expected_version: str | None = None
) -> Contact:
    """Change some fields (only those given) of the contact as stored now; emails or phones, when
    given, replace the lists. With expected_version, refuse if the contact changed since."""
    before = _lock_for_update(
        contact, member=member, data=data, allowed=CONTACT_FIELDS, expected_version=expected_version
    )
    _apply_contact_fields(contact, data)
    region = _organization(member).default_region if "phones" in data else ""
    _owner, company, custom, emails, phones, _name, _country = collect_errors(
        lambda: _check_owner(contact.owner_id) if "owner_id" in data else None,
        lambda: _check_company(contact.company_id, member) if "company_id" in data else None,
        lambda: (
            clean_custom_values(
                kind_of_model(Contact).key,
                data["custom_fields"] or {},
                current=contact.custom_fields,
                record_id=contact.pk,
            )
            if "custom_fields" in data
            else None
        ),
        lambda: _clean_emails(data["emails"] or []) if "emails" in data else None,
        lambda: _clean_phones(data["phones"] or [], region) if "phones" in data else None,
        lambda: _check_named(contact),
        lambda: _check_country(contact),
    )
    if "company_id" in data:
        contact.company = company
    if "custom_fields" in data:
        contact.custom_fields = custom
    changes: dict[str, Any] = {}
    if "emails" in data:
        old = sorted(contact.emails.values_list("email", flat=True))
        if old != sorted(e["email"] for e in emails) or contact.email != _primary(emails, "email"):
            changes["emails"] = [old, [e["email"] for e in emails]]
        _write_emails(contact, emails)
        contact.email = _primary(emails, "email")
    if "phones" in data:
        old = sorted(contact.phones.values_list("number", flat=True))
        if old != sorted(p["number"] for p in phones) or contact.phone != _primary(phones, "number"):
            changes["phones"] = [old, [p["number"] for p in phones]]
        _write_phones(contact, phones)
        contact.phone = _primary(phones, "number")
    if "tags" in data:
        changes.update(_set_tags(contact, data["tags"] or [], member))
    contact.full_clean(exclude=["tags"])
    _refresh_derived(
        contact,
        list(contact.emails.values_list("email", flat=True)),
        list(contact.phones.values_list("number", flat=True)),
    )
    _record_update(contact, before, changes, member=member)
    return contact


# Companies ----------------------------------------------------------------------------------


def _apply_company_fields(company: Company, data: Mapping[str, Any], region: str) -> None:
    for name in COMPANY_FIELDS & set(data):
        value = data[name]
        if isinstance(value, str):
            value = value.strip()
        setattr(company, name, value)
    errors: dict[str, list[str]] = {}
    if "email" in data and company.email:
        try:
            company.email = normalize_email(company.email)
        except ValidationError as error:
            errors["email"] = error.messages
    if "phone" in data and company.phone:
        try:
            company.phone = normalize_phone(company.phone, region)
        except ValidationError as error:
            errors["phone"] = error.messages
    if company.country:
        company.country = company.country.upper()
        try:
            _check_country(company)
        except ValidationError as error:
            errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    company.sort_name = sort_key(company.name)
    company.search_text = company_search_text(company)
    company.search_grams = cjk_grams(company.search_text)


@transaction.atomic
def create_company(*, member: Membership, data: Mapping[str, Any]) -> Company:
    require(member, Permission.EDIT_CUSTOMERS)
    _check_known_fields(data, COMPANY_FIELDS, {"tags", "custom_fields", "lifecycle_stage"})
    company = Company(organization_id=member.organization_id, owner_id=member.user_id)
    _apply_company_fields(company, data, _organization(member).default_region)
    company.lifecycle_stage = _initial_stage(data)
    _check_owner(company.owner_id)
    company.custom_fields = clean_custom_values(kind_of_model(Company).key, data.get("custom_fields") or {})
    tags = _tags_named(data.get("tags") or [], member)
    _record_new_customer(company, member=member, tags=tags, related={}, checked=["owner"])
    return company


@transaction.atomic
def update_company(
    *, company: Company, member: Membership, data: Mapping[str, Any], expected_version: str | None = None
) -> Company:
    """Change some fields (only those given) of the company as stored now; with expected_version,
    refuse if the company changed since."""
    before = _lock_for_update(
        company, member=member, data=data, allowed=COMPANY_FIELDS, expected_version=expected_version
    )
    old_name = company.name
    _apply_company_fields(company, data, _organization(member).default_region)
    if "owner_id" in data:
        _check_owner(company.owner_id)
    if "custom_fields" in data:
        company.custom_fields = clean_custom_values(
            kind_of_model(Company).key,
            data["custom_fields"] or {},
            current=company.custom_fields,
            record_id=company.pk,
        )
    changes: dict[str, Any] = {}
    if "tags" in data:
        changes.update(_set_tags(company, data["tags"] or [], member))
    company.full_clean(exclude=["tags"])
    _record_update(company, before, changes, member=member)
    if company.name != old_name:
        # A company may have many contacts: their search text follows in a job, not in this request.
        transaction.on_commit(
            lambda: refresh_company_contacts(company_id=company.pk, organization_id=company.organization_id)
        )
    return company


def refresh_contacts_of(*, company_id: int, after_id: int = 0) -> int | None:
    """Write again the search text of the company's contacts, which holds its name, a batch at a
    time: one UPDATE per batch, never a save per contact. Returns the last id written, or None
    when every contact is done."""
    contacts = list(
        Contact.objects.filter(company_id=company_id, pk__gt=after_id)
        .select_related("company")
        .prefetch_related("emails", "phones")
        .order_by("pk")[:REFRESH_BATCH]
    )
    for contact in contacts:
        _refresh_derived(
            contact, [e.email for e in contact.emails.all()], [p.number for p in contact.phones.all()]
        )
    Contact.objects.bulk_update(contacts, ["search_text", "search_grams"])
    return contacts[-1].pk if len(contacts) == REFRESH_BATCH else None


# Lifecycle ----------------------------------------------------------------------------------


@transaction.atomic
def change_lifecycle_stage(
    *,
    customer: Contact | Company,
    to_stage: str,
    actor: User | None,
    reason: str = "",
    rule: str = "",
    member: Membership | None = None,
    expected_version: str | None = None,
) -> LifecycleTransition:
    """Move a customer to another stage, by hand (member) or by a rule (rule name), and record why.
    Moves of one customer run one after the other, each checked against the stage stored now."""
    if member is not None:
        require(member, Permission.EDIT_CUSTOMERS)
    if to_stage not in LifecycleStage.values:
        raise ValidationError({"to_stage": [_("Unknown lifecycle stage.")]})
    lock_record(customer, expected_version=expected_version)
    from_stage = customer.lifecycle_stage
    if to_stage not in ALLOWED_TRANSITIONS[from_stage]:
        raise DomainError(
            _("A customer cannot move from %(from)s to %(to)s.")
            % {"from": LifecycleStage(from_stage).label, "to": LifecycleStage(to_stage).label},
            field="to_stage",
        )
    if len(reason) > 500:
        raise ValidationError({"reason": [_("At most 500 characters.")]})
    if problem := text_problem(reason):  # pages post the reason straight here, without a form
        raise ValidationError({"reason": [problem]})
    reason = reason.strip()
    customer.lifecycle_stage = to_stage
    customer.updated_by = actor
    customer.save(update_fields=["lifecycle_stage", "updated_by", "updated_at"])
    changes: dict[str, Any] = {"lifecycle_stage": [from_stage, to_stage]}
    if reason:
        # An [old, new] pair like every change, so pages that show changes raw need no case for it.
        changes["reason"] = [None, reason]
    record_change(customer, action=AuditEntry.Action.UPDATE, actor=actor, changes=changes, actor_label=rule)
    link: dict[str, Contact | Company] = (
        {"contact": customer} if isinstance(customer, Contact) else {"company": customer}
    )
    return LifecycleTransition.objects.create(
        organization_id=customer.organization_id,
        from_stage=from_stage,
        to_stage=to_stage,
        reason=reason,
        rule=rule,
        created_by=actor,
        **link,
    )


# Consent ------------------------------------------------------------------------------------


@transaction.atomic
def set_consent(
    *, contact: Contact, channel: str, granted: bool, method: str, member: Membership, note: str = ""
) -> Consent:
    """Record that a contact gave or withdrew consent for a channel (and when and how)."""
    require(member, Permission.EDIT_CUSTOMERS)
    lock_record(contact)  # one consent row per channel: two at once would both try to add it
    consent = Consent.objects.filter(contact=contact, channel=channel).first()
    status = Consent.Status.GRANTED if granted else Consent.Status.WITHDRAWN
    before = consent.status if consent else ""
    if consent is None:
        consent = Consent(organization_id=contact.organization_id, contact=contact, channel=channel)
    consent.status, consent.method, consent.note = status, method, note.strip()
    consent.changed_at = timezone.now()
    consent.updated_by = member.user
    consent.full_clean(exclude=["contact"])
    consent.save()
    # The contact's representation holds its consents: its version (the API's ETag) must move.
    contact.updated_by = member.user
    contact.save(update_fields=["updated_by", "updated_at"])
    record_change(
        contact,
        action=AuditEntry.Action.UPDATE,
        actor=member.user,
        changes={f"consent.{channel}": [before or None, f"{status} ({method})"]},
    )
    return consent


def has_consent(contact: Contact, channel: str) -> bool:
    """Whether sending on this channel is allowed: only with consent given and not withdrawn."""
    return Consent.objects.filter(contact=contact, channel=channel, status=Consent.Status.GRANTED).exists()


# Tags ---------------------------------------------------------------------------------------


def _tags_named(names: Iterable[str], member: Membership) -> list[Tag]:
    return record_tags.tags_named(names, actor=member.user, organization_id=member.organization_id)


def create_tag(*, member: Membership, name: str, color: str = "#6c757d") -> Tag:
    """A new tag; names are unique in the organization whatever their case."""
    require(member, Permission.EDIT_CUSTOMERS)
    return record_tags.create_tag(
        name=name, color=color, actor=member.user, organization_id=member.organization_id
    )


def delete_tag(*, member: Membership, tag: Tag) -> None:
    """Delete a tag for good; the customers that carried it lose only the tag."""
    require(member, Permission.DELETE_CUSTOMERS)
    record_tags.delete_tag(tag=tag, actor=member.user)


def _set_tags(record: Contact | Company, names: Iterable[str], member: Membership) -> dict[str, Any]:
    return record_tags.set_tags(record, names, actor=member.user)


# Trash --------------------------------------------------------------------------------------


def delete_customer(
    *, customer: Contact | Company, member: Membership, expected_version: str | None = None
) -> None:
    require(member, Permission.DELETE_CUSTOMERS)
    move_to_trash(customer, actor=member.user, expected_version=expected_version)


def restore_customer(*, customer: Contact | Company, member: Membership) -> None:
    require(member, Permission.DELETE_CUSTOMERS)
    restore_from_trash(customer, actor=member.user)


# Bulk actions -------------------------------------------------------------------------------

BULK_LIMIT = 10_000  # rows one action may change: what a page selection or a filtered view can hold


def bulk_update_contacts(
    *, contact_ids: Sequence[int], member: Membership, action: str, value: Any = None, reason: str = ""
) -> int:
    """Apply one action to a selection of visible contacts; an audit entry on each one changed."""
    return bulk_update_customers(
        Contact, contact_ids, member=member, action=action, value=value, reason=reason
    )


def bulk_update_companies(
    *, company_ids: Sequence[int], member: Membership, action: str, value: Any = None, reason: str = ""
) -> int:
    """Apply one action to a selection of visible companies; an audit entry on each one changed."""
    return bulk_update_customers(
        Company, company_ids, member=member, action=action, value=value, reason=reason
    )


@transaction.atomic
def bulk_update_customers(
    model: type[Contact | Company],
    record_ids: Sequence[int],
    *,
    member: Membership,
    action: str,
    value: Any,
    reason: str = "",
) -> int:
    """Apply one action to a selection of visible contacts or companies; an audit entry on each
    one changed, all of them and a summary entry tied by one batch id."""
    require(member, Permission.DELETE_CUSTOMERS if action == "trash" else Permission.EDIT_CUSTOMERS)
    visible = model.objects.visible_to(member).filter(pk__in=list(record_ids)[:BULK_LIMIT])
    ids = list(visible.values_list("pk", flat=True))
    if not ids:
        return 0
    with audit_batch() as batch_id:
        if action == "assign_owner":
            _check_owner(value)
            bulk_update_records(model, ids, {"owner_id": value}, actor=member.user)
        elif action in ("add_tag", "remove_tag"):
            record_tags.tag_records(model, ids, name=value, add=action == "add_tag", member=member)
        elif action == "change_stage":
            for record in model.objects.filter(pk__in=ids).order_by("pk"):
                if record.lifecycle_stage != value:
                    change_lifecycle_stage(
                        customer=record, to_stage=value, actor=member.user, reason=reason or _("Bulk change")
                    )
        elif action == "trash":
            bulk_move_to_trash(model, ids, actor=member.user)
        else:
            raise ValidationError({"action": [_("Unknown bulk action.")]})
        if model is Contact:
            label = _("%(count)s contacts") % {"count": len(ids)}
        else:
            label = _("%(count)s companies") % {"count": len(ids)}
        # What was asked for, once; each record's own entry (same batch) says what it changed.
        AuditEntry.objects.create(
            organization_id=member.organization_id,
            batch_id=batch_id,
            action=AuditEntry.Action.BULK,
            actor=member.user,
            actor_label=str(member.user),
            api_key_id=active_api_key_id(),
            record_type=model._meta.label_lower,
            record_label=label,
            changes={"action": action, "value": value, "count": len(ids)},
            created_by=member.user,
        )
    return len(ids)
