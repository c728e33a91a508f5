"""Contact and company cards: what their header shows, inline editing of one value, lifecycle
changes, consent and trash (the full create and edit forms are in editing.py).

A card is core's card page (`kliento.core.records.cards`) for the kind: its header comes from
`card_header` below and its panels from `kliento.core.records.panels`; this module's own panels
(profile, consent, lifecycle, a company's contacts) are registered in CustomersConfig.ready() with
the context functions below, like any later app's. Each view takes the customer kind from its URL
(`kliento.customers.kinds`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kliento.core.countries import address_lines
from kliento.core.errors import DomainError, StaleRecord
from kliento.core.forms import expected_version, show_conflict
from kliento.core.permissions import Permission
from kliento.core.records.fields.models import CustomField
from kliento.core.records.fields.values import definitions_for
from kliento.core.requests import OrgRequest
from kliento.core.views import member_required
from kliento.customers import services
from kliento.customers.forms import CUSTOM_PREFIX, CustomerForm, apply_service_error
from kliento.customers.kinds import CONTACT, CUSTOMER_KINDS, CustomerKind
from kliento.customers.models import (
    ALLOWED_TRANSITIONS,
    Channel,
    Company,
    Consent,
    Contact,
    LifecycleStage,
)
from kliento.customers.normalize import format_phone
from kliento.customers.selectors import access_contact, company_totals, transitions_of

COMPANY_CONTACTS_SHOWN = 50
# Consent given by hand; the other methods are recorded by forms, imports and unsubscribe links.
MANUAL_CONSENT_METHODS = (Consent.Method.VERBAL, Consent.Method.WRITTEN, Consent.Method.FORM)


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def organization_region(request: OrgRequest) -> str:
    return request.organization.default_region


def kind_of(record: Contact | Company) -> CustomerKind:
    return next(kind for kind in CUSTOMER_KINDS.values() if isinstance(record, kind.model))


def _url(kind: CustomerKind, name: str, record: Contact | Company, *extra: Any) -> str:
    return reverse(f"customers:{kind.key}-{name}", args=[record.pk, *extra])


# One value on a card, shown and edited in place ---------------------------------------------


@dataclass
class FieldDisplay:
    """One inline-editable value of a card: `name` is the inline group (see the forms)."""

    entity: str
    name: str
    label: str
    value: str | SafeString
    edit_url: str
    is_link: bool = False
    is_multiline: bool = False  # shown with its line breaks (CSS), never turned into markup
    focus: bool = False

    @property
    def element_id(self) -> str:
        return f"field-{self.entity}-{self.name}"


def _address(record: Contact | Company) -> str:
    """The address laid out as its country writes it, one line per row (shown as lines by the card,
    is_multiline)."""
    lines = address_lines(
        street=record.street,
        postal_code=record.postal_code,
        city=record.city,
        region=record.region,
        country=record.country,
    )
    return "\n".join(lines)


def _tags(record: Contact | Company) -> SafeString | str:
    return format_html_join(
        "",
        '<span class="badge tag-badge"><span class="tag-dot" data-color="{}"></span>{}</span>',
        ((tag.color, tag.name) for tag in record.tags.all()),
    )


def _link(href: str, text: str) -> SafeString | str:
    return format_html('<a href="{}">{}</a>', href, text) if text else ""


def field_display(
    record: Contact | Company, kind: CustomerKind, name: str, *, definitions: list[CustomField], region: str
) -> FieldDisplay:
    """How a card shows one inline group of a record (the label, the value, where to edit it)."""
    value: str | SafeString = ""
    is_link = is_multiline = False
    declared = kind.form.declared_fields.get(name)
    label = str(declared.label) if declared is not None else ""
    if name.startswith(CUSTOM_PREFIX):
        definition = next(d for d in definitions if d.key == name[len(CUSTOM_PREFIX) :])
        label, value = definition.label, definition.type.display(record.custom_fields.get(definition.key))
    elif name == "name":
        label, value = _("Name"), str(record)
    elif name == "address":
        label, value, is_multiline = _("Address"), _address(record), True
    elif name == "tags":
        value = _tags(record)
    elif name == "owner":
        value = str(record.owner) if record.owner_id else ""
    elif name == "description":
        is_multiline, value = True, record.description
    elif name == "birthday":
        birthday = record.birthday  # type: ignore[union-attr]  # a contact's field
        value = formats.date_format(birthday, "DATE_FORMAT") if birthday else ""
    elif name in ("source", "preferred_language", "preferred_channel"):
        value = getattr(record, f"get_{name}_display")()
    elif name == "website":
        # A company's field.
        is_link, value = True, _link(record.website, record.website.split("://", 1)[-1].rstrip("/"))  # type: ignore[union-attr]
    elif name == "email":
        is_link, value = True, _link(f"mailto:{record.email}", record.email)
    elif name == "phone":
        shown = format_phone(record.phone, region)
        is_link, value = (
            True,
            format_html('<a href="tel:{}" dir="ltr">{}</a>', record.phone, shown) if shown else "",
        )
    elif name == "employees":
        employees = record.employees  # type: ignore[union-attr]  # a company's field
        value = formats.number_format(employees, force_grouping=True) if employees is not None else ""
    else:
        value = getattr(record, name) or ""
    return FieldDisplay(
        entity=kind.key,
        name=name,
        label=label,
        value=value,
        edit_url=_url(kind, "inline-edit", record, name),
        is_link=is_link,
        is_multiline=is_multiline,
    )


def _profile_fields(request: OrgRequest, record: Contact | Company) -> list[FieldDisplay]:
    kind = kind_of(record)
    definitions = definitions_for(kind.key)
    names = [
        *kind.profile_fields,
        *(CUSTOM_PREFIX + definition.key for definition in definitions),
        "description",
    ]
    region = organization_region(request)
    return [field_display(record, kind, name, definitions=definitions, region=region) for name in names]


def card_header(request: OrgRequest, record: Contact | Company) -> dict[str, Any]:
    """What a customer's card (customers/card.html) adds to core's frame: its inline-editable
    header values, its initials, the line under its name and the words of its trash button."""
    kind = kind_of(record)
    region = organization_region(request)
    return {
        "header": {
            name: field_display(record, kind, name, definitions=[], region=region)
            for name in kind.header_fields
        },
        "initials": kind.initials(record),
        "subtitle_template": kind.subtitle_template,
        "delete_confirm": kind.delete_confirm,
        "region": region,
    }


# Panels of this app (registered in CustomersConfig.ready()) ----------------------------------


def profile_panel(request: OrgRequest, record: Contact | Company) -> dict[str, Any]:
    return {"fields": _profile_fields(request, record)}


def contact_channels_panel(request: OrgRequest, contact: Contact) -> dict[str, Any]:
    """A contact's profile: its emails and phones above the values every customer has."""
    region = organization_region(request)
    return {
        "emails": list(contact.emails.order_by("-is_primary", "id")),
        "phones": [
            (phone, format_phone(phone.number, region))
            for phone in contact.phones.order_by("-is_primary", "id")
        ],
        **profile_panel(request, contact),
    }


def consent_panel(request: OrgRequest, contact: Contact) -> dict[str, Any]:
    given = {consent.channel: consent for consent in contact.consents.select_related("updated_by")}
    return {
        "consent_rows": [(channel, label, given.get(channel)) for channel, label in Channel.choices],
        "consent_methods": [(method.value, method.label) for method in MANUAL_CONSENT_METHODS],
        "consent_url": _url(CONTACT, "consent", contact),
    }


def lifecycle_panel(request: OrgRequest, record: Contact | Company) -> dict[str, Any]:
    allowed = ALLOWED_TRANSITIONS[record.lifecycle_stage]
    return {
        "transitions": list(transitions_of(record)),
        "stage_targets": [(stage.value, stage.label) for stage in LifecycleStage if stage in allowed],
        "stage_url": _url(kind_of(record), "change-stage", record),
    }


def company_contacts_panel(request: OrgRequest, company: Company) -> dict[str, Any]:
    member = request.member
    contacts = (
        Contact.objects.visible_to(member)
        .filter(company=company)
        .select_related("owner")
        .order_by("sort_name", "id")[:COMPANY_CONTACTS_SHOWN]
    )
    return {
        "company_contacts": list(contacts),
        "totals": company_totals(company, member=member),
        "contacts_shown": COMPANY_CONTACTS_SHOWN,
        "contact_list_url": f"{reverse('customers:contact-list')}?company={company.pk}",
    }


# Trash ------------------------------------------------------------------------------------


@member_required(Permission.DELETE_CUSTOMERS)
@require_POST
def delete(request: OrgRequest, kind: str, record_id: int) -> HttpResponse:
    customer_kind = CUSTOMER_KINDS[kind]
    member = request.member
    record = customer_kind.access(member=member, record_id=record_id)
    services.delete_customer(customer=record, member=member)
    messages.success(
        request, _("%(name)s was moved to the trash, where it can be restored.") % {"name": record}
    )
    return redirect(f"customers:{kind}-list")


# Inline editing ---------------------------------------------------------------------------


@member_required(Permission.EDIT_CUSTOMERS)
def inline_edit(request: OrgRequest, kind: str, record_id: int, field: str) -> HttpResponse:
    customer_kind = CUSTOMER_KINDS[kind]
    member = request.member
    record = customer_kind.access(member=member, record_id=record_id, write=True)
    definitions = definitions_for(kind)
    names = customer_kind.form.inline_fields(field, definitions)
    region = organization_region(request)
    display = field_display(record, customer_kind, field, definitions=definitions, region=region)
    context: dict[str, Any] = {"field": display, "record": record, "entity": kind}
    kwargs = {
        "member": member,
        "definitions": definitions,
        "instance": record,
        "only": names,
        "region": region,
    }
    if request.method == "GET":
        if "display" in request.GET:
            display.focus = True
            return render(request, "customers/_field_display.html", context)
        form = _inline_form(customer_kind.form(**kwargs))
        return render(request, "customers/_field_form.html", {**context, "form": form})
    form = _inline_form(customer_kind.form(request.POST, **kwargs))
    if form.is_valid():
        try:
            record = customer_kind.update(
                record=record,
                member=member,
                data=form.service_data(),
                expected_version=expected_version(form),
            )
        except StaleRecord as error:
            show_conflict(form, error, record)
        except (ValidationError, DomainError) as error:
            apply_service_error(form, error)
        else:
            if not is_htmx(request):
                return redirect(_url(customer_kind, "detail", record))
            display = field_display(record, customer_kind, field, definitions=definitions, region=region)
            display.focus = True
            return render(request, "customers/_field_display.html", {**context, "field": display})
    return render(request, "customers/_field_form.html", {**context, "form": form}, status=400)


def _inline_form(form: CustomerForm) -> CustomerForm:
    """Small inputs, the first one focused: a form that opens inside a card."""
    for index, form_field in enumerate(form.fields.values()):
        attrs = form_field.widget.attrs
        css = attrs.get("class", "")
        css = css.replace("form-control", "form-control form-control-sm")
        attrs["class"] = css.replace("form-select", "form-select form-select-sm")
        if index == 0:
            attrs["autofocus"] = True
    return form


# Lifecycle and consent ----------------------------------------------------------------------


@member_required(Permission.EDIT_CUSTOMERS)
@require_POST
def change_stage(request: OrgRequest, kind: str, record_id: int) -> HttpResponse:
    customer_kind = CUSTOMER_KINDS[kind]
    record = customer_kind.access(member=request.member, record_id=record_id, write=True)
    reason, to_stage = request.POST.get("reason", ""), request.POST.get("to_stage", "")
    error, status = "", 200
    try:
        if not to_stage:
            raise ValidationError({"to_stage": [_("Choose the stage to move to.")]})
        services.change_lifecycle_stage(
            customer=record,
            to_stage=to_stage,
            actor=request.member.user,
            reason=reason,
            member=request.member,
        )
    except DomainError as refusal:
        error, status = refusal.message, 409
    except ValidationError as invalid:
        error, status = " ".join(invalid.messages), 400
    if not is_htmx(request):
        if error:
            messages.error(request, error)
        else:
            messages.success(
                request, _("Stage changed to %(stage)s.") % {"stage": record.get_lifecycle_stage_display()}
            )
        return redirect(_url(customer_kind, "detail", record))
    context = {
        "record": record,
        kind: record,
        "entity": kind,
        **lifecycle_panel(request, record),
        "stage_error": error,
        "reason": reason if error else "",
        "swap_stage_badge": not error,
    }
    return render(request, "customers/_panel_lifecycle.html", context, status=status)


@member_required(Permission.EDIT_CUSTOMERS)
@require_POST
def contact_consent(request: OrgRequest, contact_id: int) -> HttpResponse:
    member = request.member
    contact = access_contact(member=member, contact_id=contact_id, write=True)
    channel, method = request.POST.get("channel", ""), request.POST.get("method", "")
    error, status = "", 200
    if channel not in Channel.values:
        error, status = _("Choose a channel."), 400
    elif method not in Consent.Method.values:
        error, status = _("Choose how the consent was given or withdrawn."), 400
    else:
        try:
            services.set_consent(
                contact=contact,
                channel=channel,
                granted=request.POST.get("granted") == "1",
                method=method,
                member=member,
                note=request.POST.get("note", "")[:300],
            )
        except (ValidationError, DomainError) as invalid:
            error = " ".join(invalid.messages) if isinstance(invalid, ValidationError) else invalid.message
            status = 400
    if not is_htmx(request):
        if error:
            messages.error(request, error)
        return redirect(_url(CONTACT, "detail", contact))
    context = {
        "record": contact,
        "contact": contact,
        "consent_error": error,
        **consent_panel(request, contact),
    }
    return render(request, "customers/_panel_consent.html", context, status=status)
