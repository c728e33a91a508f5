"""Every write to leads: create, change, status, first response, conversion, trash, bulk actions,
disqualification reasons. The public form's writes are in webforms.py.

Pages, the API, the public form and imports call these, so each path gets the same validation,
normalization, score, audit entry and history. Invalid input raises django's ValidationError keyed
by field name; refused rules raise a DomainError.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kliento.core.audit import (
    audit_batch,
    bulk_move_to_trash,
    column_values,
    create_record,
    lock_record,
    lock_records,
    move_to_trash,
    record_change,
    record_changes_in_bulk,
    restore_from_trash,
    save_changed_fields,
)
from kliento.core.errors import DomainError, collect_errors
from kliento.core.models import MAX_ID, AuditEntry, Membership, User
from kliento.core.permissions import Permission
from kliento.core.records import tags as record_tags
from kliento.core.records.fields.values import clean_custom_values, definitions_for, store_custom_values
from kliento.core.services import require
from kliento.core.text import text_problem
from kliento.customers import services as customer_services
from kliento.customers.models import Company, Contact, Source
from kliento.customers.normalize import normalize_email, normalize_phone
from kliento.leads.conversion import Conversion, ConversionStep, conversion_extra
from kliento.leads.models import (
    NAME_MAX,
    OPEN_STATUSES,
    UTM_KEYS,
    UTM_VALUE_MAX,
    DisqualifyReason,
    Lead,
    LeadSource,
    LeadStatus,
)
from kliento.leads.scoring import score_of

KIND = "lead"
LEAD_FIELDS = {"name", "company_name", "email", "phone", "message", "source", "owner_id"}
BULK_LIMIT = 10_000
# The customers' word for where a contact came from, for the contact a lead becomes.
CONTACT_SOURCE = {
    LeadSource.WEB_FORM: Source.WEBSITE,
    LeadSource.PHONE: Source.PHONE,
    LeadSource.EMAIL: Source.EMAIL,
    LeadSource.CHAT: Source.WEBSITE,
    LeadSource.REFERRAL: Source.REFERRAL,
    LeadSource.EVENT: Source.EVENT,
    LeadSource.IMPORT: Source.IMPORT,
    LeadSource.OTHER: Source.OTHER,
}


# Checks -------------------------------------------------------------------------------------


def _is_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID


def _check_known_fields(data: Mapping[str, Any], allowed: set[str]) -> None:
    unknown = set(data) - allowed
    if unknown:
        raise ValidationError({name: [_("There is no such field.")] for name in sorted(unknown)})


def _check_owner(owner_id: Any) -> None:
    if owner_id is not None and not (
        _is_id(owner_id) and Membership.objects.active().filter(user_id=owner_id).exists()
    ):
        raise ValidationError({"owner_id": [_("The owner must be an active member of the organization.")]})


def clean_touch(value: Any, name: str) -> dict[str, str]:
    """UTM parameters as {source, medium, campaign, term, content}: known keys only, short text."""
    if value in (None, ""):
        return {}
    if not isinstance(value, Mapping):
        raise ValidationError({name: [_("Give the UTM parameters as a set of named values.")]})
    cleaned, errors = {}, {}
    for key, raw in value.items():
        key = str(key).removeprefix("utm_")
        if key not in UTM_KEYS:
            errors[f"{name}.{key}"] = [_("Unknown UTM parameter.")]
            continue
        text = str(raw or "").strip()
        if len(text) > UTM_VALUE_MAX:
            errors[f"{name}.{key}"] = [_("At most %(max)s characters.") % {"max": UTM_VALUE_MAX}]
        elif problem := text_problem(text):
            errors[f"{name}.{key}"] = [problem]
        elif text:
            cleaned[key] = text
    if errors:
        raise ValidationError(errors)
    return cleaned


def _check_text(lead: Lead) -> None:
    """What forms and API bodies check already, for callers without either (the public form's
    service is given a form's values, imports will give raw rows)."""
    errors = {}
    for name in ("name", "company_name"):
        if problem := text_problem(getattr(lead, name)):
            errors[name] = [problem]
    if problem := text_problem(lead.message, multiline=True):
        errors["message"] = [problem]
    if not lead.name.strip():
        errors["name"] = [_("Give the lead a name.")]
    if errors:
        raise ValidationError(errors)


def _apply_fields(lead: Lead, data: Mapping[str, Any], region: str) -> None:
    """Copy the given fields onto the lead, normalizing its email and phone; errors name the field."""
    for name in LEAD_FIELDS & set(data):
        value = data[name]
        if isinstance(value, str):
            value = value.strip()
        setattr(lead, name, "" if value is None and name != "owner_id" else value)
    errors: dict[str, list[str]] = {}
    if "email" in data and lead.email:
        try:
            lead.email = normalize_email(lead.email)
        except ValidationError as error:
            errors["email"] = error.messages
    if "phone" in data and lead.phone:
        try:
            lead.phone = normalize_phone(lead.phone, region)
        except ValidationError as error:
            errors["phone"] = error.messages
    if lead.source not in LeadSource.values:
        errors["source"] = [_("Unknown source.")]
    if errors:
        raise ValidationError(errors)


def refresh_derived(lead: Lead) -> None:
    """What the services keep from the lead's own values: its score, its place in the inbox and
    what sorting and search read."""
    lead.score = score_of(lead)
    awaiting = lead.first_response_at is None and lead.status in OPEN_STATUSES and not lead.is_converted
    lead.queue_rank = Lead.QueueRank.AWAITING if awaiting else Lead.QueueRank.SETTLED
    lead.sort_name = lead.name.strip().casefold()[:300]
    parts = [lead.name, lead.company_name, lead.email, "".join(c for c in lead.phone if c.isdigit())]
    lead.search_text = " ".join(part for part in parts if part).casefold()


def find_duplicate(lead: Lead) -> tuple[Lead | None, Contact | None]:
    """An open lead or a contact of the organization with the lead's email or phone: the lead is
    then flagged and linked to it, never dropped."""
    if not lead.email and not lead.phone:
        return None, None
    same = Lead.objects.open().exclude(pk=lead.pk)
    match = None
    if lead.email:
        match = same.filter(email=lead.email).order_by("created_at", "id").first()
    if match is None and lead.phone:
        match = same.filter(phone=lead.phone).order_by("created_at", "id").first()
    if match is not None:
        return match, None
    contacts = customer_services.find_duplicates(
        emails=[lead.email] if lead.email else [], phones=[lead.phone] if lead.phone else []
    )
    return None, contacts[0] if contacts else None


# Create and change --------------------------------------------------------------------------


@transaction.atomic
def create_lead(
    *,
    member: Membership | None,
    data: Mapping[str, Any],
    organization_id: int | None = None,
    actor_label: str = "",
) -> Lead:
    """A new lead with its tags, custom fields and UTM touches, scored, and linked to an open lead
    or contact it duplicates. Without a member (the public form), the organization is named and
    the entry's author is `actor_label`."""
    if member is not None:
        require(member, Permission.EDIT_SALES)
        organization_id = member.organization_id
    if organization_id is None:
        raise TypeError("create_lead() needs a member or an organization_id.")
    _check_known_fields(data, LEAD_FIELDS | {"tags", "custom_fields", "first_touch", "last_touch"})
    lead = Lead(organization_id=organization_id, owner_id=member.user_id if member else None)
    region = (member.organization if member else _organization_of(organization_id)).default_region
    _fields, lead.custom_fields, lead.first_touch, lead.last_touch, _owner, _text = collect_errors(
        lambda: _apply_fields(lead, data, region),
        lambda: clean_custom_values(KIND, data.get("custom_fields") or {}),
        lambda: clean_touch(data.get("first_touch"), "first_touch"),
        lambda: clean_touch(data.get("last_touch"), "last_touch"),
        lambda: _check_owner(lead.owner_id) if "owner_id" in data else None,
        lambda: _check_text(lead),
    )
    if lead.last_touch and not lead.first_touch:
        lead.first_touch = dict(lead.last_touch)  # one visit is both the first and the last
    lead.duplicate_of_lead, lead.duplicate_of_contact = find_duplicate(lead)
    refresh_derived(lead)
    actor = member.user if member else None
    tags = (
        record_tags.tags_named(data.get("tags") or [], actor=member.user, organization_id=organization_id)
        if member is not None
        else []
    )
    related = {"tags": sorted(tag.name for tag in tags)}
    create_record(lead, actor=actor, actor_label=actor_label, related=related, checked=["owner"])
    store_custom_values(lead, definitions_for(KIND))
    if tags and member is not None:
        record_tags.set_tags(lead, tags, actor=member.user)
    return lead


def _organization_of(organization_id: int) -> Any:
    from kliento.core.models import Organization

    return Organization.objects.get(pk=organization_id)


def _save(lead: Lead, before: dict[str, Any], changes: dict[str, Any], *, actor: User | None) -> None:
    """Save the columns that changed (derived ones refreshed) and, if anything did, one entry."""
    refresh_derived(lead)
    changes.update(save_changed_fields(lead, before, actor=actor, touch=bool(changes)))
    if changes:
        if "custom_fields" in changes:
            store_custom_values(lead, definitions_for(KIND))
        record_change(lead, action=AuditEntry.Action.UPDATE, actor=actor, changes=changes)


@transaction.atomic
def update_lead(
    *, lead: Lead, member: Membership, data: Mapping[str, Any], expected_version: str | None = None
) -> Lead:
    """Change some fields (only those given) of the lead as stored now; with expected_version,
    refuse if the lead changed since."""
    require(member, Permission.EDIT_SALES)
    _check_known_fields(data, LEAD_FIELDS | {"tags", "custom_fields"})
    lock_record(lead, expected_version=expected_version)
    before = column_values(lead)
    _fields, custom, _owner, _text = collect_errors(
        lambda: _apply_fields(lead, data, member.organization.default_region),
        lambda: (
            clean_custom_values(
                KIND, data["custom_fields"] or {}, current=lead.custom_fields, record_id=lead.pk
            )
            if "custom_fields" in data
            else None
        ),
        lambda: _check_owner(lead.owner_id) if "owner_id" in data else None,
        lambda: _check_text(lead),
    )
    if "custom_fields" in data:
        lead.custom_fields = custom
    changes: dict[str, Any] = {}
    if "tags" in data:
        changes.update(record_tags.set_tags(lead, data["tags"] or [], actor=member.user))
    lead.full_clean(exclude=["tags", "owner", "disqualify_reason", "contact", "company"])
    _save(lead, before, changes, actor=member.user)
    return lead


# Status and first response ------------------------------------------------------------------


def _reason(reason_id: Any) -> DisqualifyReason:
    reason = (
        DisqualifyReason.objects.filter(pk=reason_id, is_active=True).first() if _is_id(reason_id) else None
    )
    if reason is None:
        raise ValidationError({"reason_id": [_("Choose a reason from the list.")]})
    return reason


def _respond(lead: Lead, at: datetime.datetime, by: User | None) -> bool:
    """Set the first response on a locked lead, once: False when it had one already."""
    if lead.first_response_at is not None:
        return False
    lead.first_response_at = min(at, timezone.now())
    lead.first_response_by = by
    return True


@transaction.atomic
def change_status(
    *,
    lead: Lead,
    member: Membership,
    status: str,
    reason_id: int | None = None,
    expected_version: str | None = None,
) -> Lead:
    """Move the lead to another status; disqualifying needs one of the organization's reasons.
    A converted lead keeps its status. Leaving "new" counts as the first response if none was
    recorded: someone has dealt with the request."""
    require(member, Permission.EDIT_SALES)
    if status not in LeadStatus.values:
        raise ValidationError({"status": [_("Unknown status.")]})
    lock_record(lead, expected_version=expected_version)
    if lead.is_converted:
        raise DomainError(_("This lead was converted already; its status no longer changes."), field="status")
    before = column_values(lead)
    if status == LeadStatus.DISQUALIFIED:
        lead.disqualify_reason = _reason(reason_id)
    elif reason_id is not None:
        raise ValidationError({"reason_id": [_("Only a disqualified lead has a reason.")]})
    else:
        lead.disqualify_reason = None
    lead.status = status
    if status != LeadStatus.NEW:
        _respond(lead, timezone.now(), member.user)
    _save(lead, before, {}, actor=member.user)
    return lead


def qualify_lead(*, lead: Lead, member: Membership, expected_version: str | None = None) -> Lead:
    return change_status(
        lead=lead, member=member, status=LeadStatus.QUALIFIED, expected_version=expected_version
    )


def disqualify_lead(
    *, lead: Lead, member: Membership, reason_id: int | None, expected_version: str | None = None
) -> Lead:
    return change_status(
        lead=lead,
        member=member,
        status=LeadStatus.DISQUALIFIED,
        reason_id=reason_id,
        expected_version=expected_version,
    )


@transaction.atomic
def record_first_response(
    lead: Lead | int, at: datetime.datetime | None = None, by: User | None = None
) -> bool:
    """The first time someone of the organization answered the lead (a call, an email sent): kept
    once, for the "time to process a request" figure; a new lead becomes "contacted". Safe to call
    on every outbound interaction: only the first sets it. Returns whether this call set it.

        record_first_response(activity.lead_id, at=activity.happened_at, by=activity.author)
    """
    if isinstance(lead, int):
        found = Lead.objects.filter(pk=lead).first()
        if found is None:
            return False
        lead = found
    lock_record(lead)
    before = column_values(lead)
    if not _respond(lead, at or timezone.now(), by):
        return False
    if lead.status == LeadStatus.NEW:
        lead.status = LeadStatus.CONTACTED
    _save(lead, before, {}, actor=by)
    return True


# Conversion ---------------------------------------------------------------------------------


def _split_name(name: str) -> tuple[str, str]:
    """First and last name from one field: the last word is the family name, or all of it for a
    one-word name (a contact needs one of the two)."""
    first, _space, last = name.strip().rpartition(" ")
    return (first.strip(), last) if first else ("", last)


@transaction.atomic
def convert_lead(
    *,
    lead: Lead,
    member: Membership,
    company_id: int | None = None,
    new_company_name: str | None = None,
    extras: Mapping[str, Mapping[str, Any]] | None = None,
    expected_version: str | None = None,
) -> Conversion:
    """Turn a qualified lead into a contact, with an existing company (`company_id`) or a new one
    (`new_company_name`, the lead's company name by default when neither is given), and run the
    chosen conversion extras, all in one transaction: any refusal writes nothing."""
    require(member, Permission.EDIT_SALES)
    require(member, Permission.EDIT_CUSTOMERS)
    lock_record(lead, expected_version=expected_version)
    if lead.is_converted:
        raise DomainError(_("This lead was converted already."), field="status")
    if lead.status != LeadStatus.QUALIFIED:
        raise DomainError(_("Only a qualified lead can be converted; qualify it first."), field="status")
    if company_id is not None and new_company_name:
        raise ValidationError({"company_id": [_("Choose an existing company or name a new one, not both.")]})
    requested = dict(extras or {})
    unknown = [key for key in requested if conversion_extra(key) is None]
    if unknown:
        raise ValidationError(
            {f"extras.{key}": [_("There is no such conversion option.")] for key in unknown}
        )
    company: Company | None = None
    if company_id is None:
        name = (new_company_name if new_company_name is not None else lead.company_name).strip()
        if name:
            try:
                company = customer_services.create_company(
                    member=member,
                    data={"name": name[:NAME_MAX], "source": CONTACT_SOURCE[LeadSource(lead.source)]},
                )
            except ValidationError as error:
                raise ValidationError(
                    {
                        ("new_company_name" if key == "name" else key): value
                        for key, value in error.message_dict.items()
                    }
                ) from error
    first_name, last_name = _split_name(lead.name)
    data: dict[str, Any] = {
        "first_name": first_name,
        "last_name": last_name,
        "company_id": company.pk if company is not None else company_id,
        "source": CONTACT_SOURCE[LeadSource(lead.source)],
        "owner_id": lead.owner_id or member.user_id,
        "emails": [lead.email] if lead.email else [],
        "phones": [lead.phone] if lead.phone else [],
    }
    contact = customer_services.create_contact(member=member, data=data)
    company = contact.company
    before = column_values(lead)
    lead.contact, lead.company, lead.converted_at = contact, company, timezone.now()
    _respond(lead, lead.converted_at, member.user)
    _save(lead, before, {}, actor=member.user)
    conversion = Conversion(lead=lead, contact=contact, company=company)
    for key, options in requested.items():
        extra = conversion_extra(key)
        assert extra is not None
        if extra.permission is not None:
            require(member, extra.permission)
        step = ConversionStep(lead=lead, contact=contact, company=company, member=member, options=options)
        conversion.extras[key] = extra.run(step)
    return conversion


# Trash --------------------------------------------------------------------------------------


def delete_lead(*, lead: Lead, member: Membership, expected_version: str | None = None) -> None:
    require(member, Permission.EDIT_SALES)
    move_to_trash(lead, actor=member.user, expected_version=expected_version)


def restore_lead(*, lead: Lead, member: Membership) -> None:
    require(member, Permission.EDIT_SALES)
    restore_from_trash(lead, actor=member.user)


# Bulk actions -------------------------------------------------------------------------------


@transaction.atomic
def bulk_update_leads(
    *, ids: Sequence[int], member: Membership, action: str, value: Any = None, reason: str = ""
) -> int:
    """One action on a selection of visible leads: assign an owner, change the status (not to
    disqualified, which needs a reason per lead… or one for all, given as `reason`'s id), or move
    to the trash; an entry on each lead changed, all under one batch id."""
    require(member, Permission.EDIT_SALES)
    visible = Lead.objects.visible_to(member).filter(pk__in=list(ids)[:BULK_LIMIT])
    lead_ids = list(visible.values_list("pk", flat=True))
    if not lead_ids:
        return 0
    with audit_batch() as batch_id:
        if action == "assign_owner":
            _check_owner(value)
            changed = _bulk_set(lead_ids, member, {"owner_id": value})
        elif action == "change_status":
            if value not in LeadStatus.values or value == LeadStatus.DISQUALIFIED:
                raise ValidationError({"value": [_("Choose new, contacted or qualified.")]})
            changed = _bulk_set(lead_ids, member, {"status": value})
        elif action == "trash":
            changed = len(bulk_move_to_trash(Lead, lead_ids, actor=member.user))
        else:
            raise ValidationError({"action": [_("Unknown bulk action.")]})
        AuditEntry.objects.create(
            organization_id=member.organization_id,
            batch_id=batch_id,
            action=AuditEntry.Action.BULK,
            actor=member.user,
            actor_label=str(member.user),
            record_type=Lead._meta.label_lower,
            record_label=_("%(count)s leads") % {"count": len(lead_ids)},
            changes={"action": action, "value": value, "count": len(lead_ids)},
            created_by=member.user,
        )
    return changed


def _bulk_set(ids: Iterable[int], member: Membership, values: Mapping[str, Any]) -> int:
    """Give the leads these values one by one (each keeps its score, status rules and derived
    columns right), with the entries written in one insert."""
    changed: list[tuple[Lead, dict[str, Any]]] = []
    now = timezone.now()
    for lead in lock_records(Lead, ids):
        if lead.is_converted and "status" in values:
            continue  # a converted lead keeps its status
        before = column_values(lead)
        for name, value in values.items():
            setattr(lead, name, value)
        if lead.status != LeadStatus.NEW:
            _respond(lead, now, member.user)
        refresh_derived(lead)
        diff = save_changed_fields(lead, before, actor=member.user)
        if diff:
            changed.append((lead, diff))
    record_changes_in_bulk(changed, action=AuditEntry.Action.UPDATE, actor=member.user)
    return len(changed)


# Reasons for disqualifying --------------------------------------------------------------------


@transaction.atomic
def add_disqualify_reason(*, member: Membership, label: str) -> DisqualifyReason:
    require(member, Permission.MANAGE_ORGANIZATION)
    label = label.strip()
    position = DisqualifyReason.objects.count()
    reason = DisqualifyReason(organization_id=member.organization_id, label=label, position=position)
    if problem := text_problem(label):
        raise ValidationError({"label": [problem]})
    return create_record(reason, actor=member.user)


@transaction.atomic
def set_disqualify_reason_offered(*, member: Membership, reason: DisqualifyReason, offered: bool) -> None:
    """Stop offering a reason (leads that have it keep it), or offer it again."""
    require(member, Permission.MANAGE_ORGANIZATION)
    lock_record(reason)
    before = column_values(reason)
    reason.is_active = offered
    changes = save_changed_fields(reason, before, actor=member.user)
    if changes:
        record_change(reason, action=AuditEntry.Action.UPDATE, actor=member.user, changes=changes)


def default_reason_labels() -> list[str]:
    """The reasons a new organization starts with, in its language."""
    return [_("No budget"), _("No need"), _("Chose a competitor"), _("Could not reach"), _("Spam")]
