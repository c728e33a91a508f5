"""Contact and company cards: the pages, their create and edit forms, inline editing of one field,
lifecycle changes, consent, history, trash, and the duplicate warning.

A card is a header plus the panels registered in `kliento.customers.panels`; this module's own
panels (profile, consent, lifecycle, a company's contacts) are registered in CustomersConfig.ready()
with the context functions below, like any later app's.
"""

from __future__ import annotations

import datetime
import decimal
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import transaction
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats
from django.utils.html import format_html, format_html_join, linebreaks
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kliento.core.audit import history_of
from kliento.core.errors import DomainError
from kliento.core.models import AuditEntry, User
from kliento.core.permissions import Permission
from kliento.core.views import member_required
from kliento.customers import services
from kliento.customers.custom_fields import definitions_for
from kliento.customers.forms import (
    CUSTOM_PREFIX,
    CompanyForm,
    ContactForm,
    CustomerForm,
    Rows,
    apply_rows_action,
    apply_service_error,
)
from kliento.customers.models import (
    ALLOWED_TRANSITIONS,
    Channel,
    Company,
    Consent,
    Contact,
    CustomField,
    LifecycleStage,
)
from kliento.customers.normalize import example_phone, format_phone, normalize_email, normalize_phone
from kliento.customers.panels import panels_for
from kliento.customers.selectors import access_company, access_contact, company_totals, transitions_of

CONTACT = CustomField.Entity.CONTACT
COMPANY = CustomField.Entity.COMPANY
COMPANY_CONTACTS_SHOWN = 50
HISTORY_SHOWN = 100
SUGGESTIONS_SHOWN = 8
# Consent given by hand; the other methods are recorded by forms, imports and unsubscribe links.
MANUAL_CONSENT_METHODS = (Consent.Method.VERBAL, Consent.Method.WRITTEN, Consent.Method.FORM)


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _region(request: HttpRequest) -> str:
    return request.organization.default_region  # type: ignore[attr-defined]


def _form_class(entity: str) -> type[CustomerForm]:
    return ContactForm if entity == CONTACT else CompanyForm


def _url(entity: str, name: str, record: Model, *extra: Any) -> str:
    return reverse(f"customers:{entity}-{name}", args=[record.pk, *extra])


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
    focus: bool = False

    @property
    def element_id(self) -> str:
        return f"field-{self.entity}-{self.name}"


def _custom_value(definition: CustomField, value: Any) -> str:
    if value is None or value == "" or value == []:
        return ""
    kind = definition.field_type
    if kind == CustomField.FieldType.BOOLEAN:
        return _("Yes") if value else _("No")
    if kind == CustomField.FieldType.MULTI_CHOICE:
        return ", ".join(str(item) for item in value)
    if kind == CustomField.FieldType.DATE:
        try:
            return formats.date_format(datetime.date.fromisoformat(value), "DATE_FORMAT")
        except (TypeError, ValueError):
            return str(value)
    if kind in (CustomField.FieldType.NUMBER, CustomField.FieldType.DECIMAL):
        try:
            return formats.number_format(decimal.Decimal(str(value)), use_l10n=True, force_grouping=True)
        except decimal.InvalidOperation:
            return str(value)
    return str(value)


def _address(record: Contact | Company) -> SafeString | str:
    town = " ".join(part for part in (record.postal_code, record.city) if part)
    lines = [line for line in (record.street, town, record.region, record.country) if line]
    return format_html_join(SafeString("<br>"), "{}", ((line,) for line in lines)) if lines else ""


def _tags(record: Contact | Company) -> SafeString | str:
    return format_html_join(
        "",
        '<span class="badge tag-badge"><span class="tag-dot" data-color="{}"></span>{}</span>',
        ((tag.color, tag.name) for tag in record.tags.all()),
    )


def _link(href: str, text: str) -> SafeString | str:
    return format_html('<a href="{}">{}</a>', href, text) if text else ""


def field_display(
    record: Contact | Company, entity: str, name: str, *, definitions: list[CustomField], region: str
) -> FieldDisplay:
    """How a card shows one inline group of a record (the label, the value, where to edit it)."""
    value: str | SafeString = ""
    is_link = False
    declared = _form_class(entity).declared_fields.get(name)
    label = str(declared.label) if declared is not None else ""
    if name.startswith(CUSTOM_PREFIX):
        definition = next(d for d in definitions if d.key == name[len(CUSTOM_PREFIX) :])
        label, value = definition.label, _custom_value(definition, record.custom_fields.get(definition.key))
    elif name == "name":
        label, value = _("Name"), str(record)
    elif name == "address":
        label, value = _("Address"), _address(record)
    elif name == "tags":
        value = _tags(record)
    elif name == "owner":
        value = str(record.owner) if record.owner_id else ""
    elif name == "description":
        value = SafeString(linebreaks(record.description)) if record.description else ""
    elif name == "birthday":
        birthday = record.birthday  # type: ignore[union-attr]
        value = formats.date_format(birthday, "DATE_FORMAT") if birthday else ""
    elif name in ("source", "preferred_language", "preferred_channel"):
        value = getattr(record, f"get_{name}_display")()
    elif name == "website":
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
        employees = record.employees  # type: ignore[union-attr]
        value = formats.number_format(employees, force_grouping=True) if employees is not None else ""
    else:
        value = getattr(record, name) or ""
    return FieldDisplay(
        entity=entity,
        name=name,
        label=label,
        value=value,
        edit_url=_url(entity, "inline-edit", record, name),
        is_link=is_link,
    )


CONTACT_PROFILE_FIELDS = ("birthday", "preferred_language", "preferred_channel", "source", "address")
COMPANY_PROFILE_FIELDS = ("website", "email", "phone", "employees", "source", "address")


def _profile_fields(request: HttpRequest, record: Contact | Company, entity: str) -> list[FieldDisplay]:
    definitions = definitions_for(entity)
    names = list(CONTACT_PROFILE_FIELDS if entity == CONTACT else COMPANY_PROFILE_FIELDS)
    names += [CUSTOM_PREFIX + definition.key for definition in definitions] + ["description"]
    region = _region(request)
    return [field_display(record, entity, name, definitions=definitions, region=region) for name in names]


def _header_fields(request: HttpRequest, record: Contact | Company, entity: str) -> dict[str, FieldDisplay]:
    names = (
        ("name", "job_title", "owner", "tags") if entity == CONTACT else ("name", "industry", "owner", "tags")
    )
    region = _region(request)
    return {name: field_display(record, entity, name, definitions=[], region=region) for name in names}


# Panels of this app (registered in CustomersConfig.ready()) ----------------------------------


def contact_profile_panel(request: HttpRequest, contact: Contact) -> dict[str, Any]:
    region = _region(request)
    return {
        "emails": list(contact.emails.order_by("-is_primary", "id")),
        "phones": [
            (phone, format_phone(phone.number, region))
            for phone in contact.phones.order_by("-is_primary", "id")
        ],
        "fields": _profile_fields(request, contact, CONTACT),
    }


def company_profile_panel(request: HttpRequest, company: Company) -> dict[str, Any]:
    return {"fields": _profile_fields(request, company, COMPANY)}


def consent_panel(request: HttpRequest, contact: Contact) -> dict[str, Any]:
    given = {consent.channel: consent for consent in contact.consents.select_related("updated_by")}
    return {
        "consent_rows": [(channel, label, given.get(channel)) for channel, label in Channel.choices],
        "consent_methods": [(method.value, method.label) for method in MANUAL_CONSENT_METHODS],
        "consent_url": _url(CONTACT, "consent", contact),
    }


def lifecycle_panel(request: HttpRequest, record: Contact | Company) -> dict[str, Any]:
    entity = CONTACT if isinstance(record, Contact) else COMPANY
    allowed = ALLOWED_TRANSITIONS[record.lifecycle_stage]
    return {
        "transitions": list(transitions_of(record)),
        "stage_targets": [(stage.value, stage.label) for stage in LifecycleStage if stage in allowed],
        "stage_url": _url(entity, "change-stage", record),
    }


def company_contacts_panel(request: HttpRequest, company: Company) -> dict[str, Any]:
    member = request.member  # type: ignore[attr-defined]
    contacts = (
        Contact.objects.visible_to(member)
        .filter(company=company)
        .select_related("owner")
        .order_by("sort_name", "id")[:COMPANY_CONTACTS_SHOWN]
    )
    return {
        "company_contacts": list(contacts),
        "totals": company_totals(company),
        "contacts_shown": COMPANY_CONTACTS_SHOWN,
        "contact_list_url": f"{reverse('customers:contact-list')}?company={company.pk}",
    }


# Cards ------------------------------------------------------------------------------------


def _card_context(request: HttpRequest, record: Contact | Company, entity: str) -> dict[str, Any]:
    return {
        "record": record,
        entity: record,
        "entity": entity,
        "region": _region(request),
        "header": _header_fields(request, record, entity),
        "panels": panels_for(request, entity, record),
        "history_url": _url(entity, "history", record),
    }


@member_required()
def contact_detail(request: HttpRequest, contact_id: int) -> HttpResponse:
    contact = access_contact(member=request.member, contact_id=contact_id)  # type: ignore[attr-defined]
    return render(request, "customers/contact_detail.html", _card_context(request, contact, CONTACT))


@member_required()
def company_detail(request: HttpRequest, company_id: int) -> HttpResponse:
    company = access_company(member=request.member, company_id=company_id)  # type: ignore[attr-defined]
    return render(request, "customers/company_detail.html", _card_context(request, company, COMPANY))


# Fields the services keep for search and sorting: not something a person changed.
HIDDEN_CHANGES = {"sort_name", "search_text"}


def _shown(value: Any) -> Any:
    if isinstance(value, list):
        return ", ".join(str(item) for item in value) or None
    if value == "" or value == {}:
        return None
    return value


def _phones_shown(value: Any, region: str) -> Any:
    """Stored E.164 numbers (one, or a contact's list) written as the card writes them."""
    if isinstance(value, list):
        return [format_phone(number, region) if isinstance(number, str) else number for number in value]
    return format_phone(value, region) if isinstance(value, str) else value


def readable_history(
    entries: list[AuditEntry], model: type[Contact] | type[Company], *, region: str
) -> list[AuditEntry]:
    """Audit entries with their changes labelled as on the card: field names, choice labels, the
    names of owners and companies, custom field labels, phones in the region's format (three
    queries, whatever the entries). A change is [old, new]; a one-item list (the reason of a stage
    change) is said alongside, not as a change."""
    definitions = {d.key: d.label for d in definitions_for(CONTACT if model is Contact else COMPANY)}
    user_ids, company_ids = set(), set()
    for entry in entries:
        for name, values in entry.changes.items():
            if name in ("owner", "company") and isinstance(values, list):
                (user_ids if name == "owner" else company_ids).update(v for v in values if isinstance(v, int))
    names: dict[str, dict[Any, str]] = {
        "owner": {user.pk: str(user) for user in User.objects.filter(pk__in=user_ids)},
        "company": {company.pk: company.name for company in Company.with_trash.filter(pk__in=company_ids)},
    }
    channels = dict(Channel.choices)
    for entry in entries:
        readable: dict[str, list[Any]] = {}
        for name, values in entry.changes.items():
            if name in HIDDEN_CHANGES or not isinstance(values, list) or len(values) != 2:
                continue
            if name == "custom_fields":
                old, new = values[0] or {}, values[1] or {}
                for key in sorted(set(old) | set(new)):
                    if old.get(key) != new.get(key):
                        readable[definitions.get(key, key)] = [_shown(old.get(key)), _shown(new.get(key))]
                continue
            if name.startswith("consent."):
                label = _("Consent: %(channel)s") % {"channel": channels.get(name[8:], name[8:])}
                readable[label] = values
                continue
            if name == "reason":
                readable[_("Reason")] = [values[1]]
                continue
            if name in ("phone", "phones"):
                values = [_phones_shown(value, region) for value in values]
            if name in ("emails", "phones"):
                # get_field() finds these reverse relations, but they have no label; and their own
                # labels keep them apart from the primary email and phone, which change with them.
                label, choices = (_("Email addresses") if name == "emails" else _("Phone numbers")), {}
            else:
                try:
                    model_field = model._meta.get_field(name)
                except FieldDoesNotExist:
                    label, choices = name, {}
                else:
                    label = str(getattr(model_field, "verbose_name", name)).capitalize()
                    choices = dict(getattr(model_field, "choices", None) or [])
            if name in names:
                values = [names[name].get(value, value) for value in values]
            readable[label] = [_shown(choices.get(value, value) if choices else value) for value in values]
        entry.changes = readable
    return entries


@member_required()
def contact_history(request: HttpRequest, contact_id: int) -> HttpResponse:
    contact = access_contact(member=request.member, contact_id=contact_id)  # type: ignore[attr-defined]
    history = readable_history(list(history_of(contact)[:HISTORY_SHOWN]), Contact, region=_region(request))
    return render(request, "core/_history.html", {"history": history})


@member_required()
def company_history(request: HttpRequest, company_id: int) -> HttpResponse:
    company = access_company(member=request.member, company_id=company_id)  # type: ignore[attr-defined]
    history = readable_history(list(history_of(company)[:HISTORY_SHOWN]), Company, region=_region(request))
    return render(request, "core/_history.html", {"history": history})


@member_required(Permission.DELETE_CUSTOMERS)
@require_POST
def contact_delete(request: HttpRequest, contact_id: int) -> HttpResponse:
    contact = access_contact(member=request.member, contact_id=contact_id)  # type: ignore[attr-defined]
    services.delete_customer(customer=contact, member=request.member)  # type: ignore[attr-defined]
    messages.success(
        request, _("%(name)s was moved to the trash, where it can be restored.") % {"name": contact}
    )
    return redirect("customers:contact-list")


@member_required(Permission.DELETE_CUSTOMERS)
@require_POST
def company_delete(request: HttpRequest, company_id: int) -> HttpResponse:
    company = access_company(member=request.member, company_id=company_id)  # type: ignore[attr-defined]
    services.delete_customer(customer=company, member=request.member)  # type: ignore[attr-defined]
    messages.success(
        request, _("%(name)s was moved to the trash, where it can be restored.") % {"name": company}
    )
    return redirect("customers:company-list")


# Inline editing ---------------------------------------------------------------------------


def _inline_edit(request: HttpRequest, record: Contact | Company, entity: str, group: str) -> HttpResponse:
    member = request.member  # type: ignore[attr-defined]
    definitions = definitions_for(entity)
    form_class = _form_class(entity)
    names = form_class.inline_fields(group, definitions)
    region = _region(request)
    display = field_display(record, entity, group, definitions=definitions, region=region)
    context: dict[str, Any] = {"field": display, "record": record, "entity": entity}
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
        form = _inline_form(form_class(**kwargs))
        return render(request, "customers/_field_form.html", {**context, "form": form})
    form = _inline_form(form_class(request.POST, **kwargs))
    if form.is_valid():
        update = services.update_contact if entity == CONTACT else services.update_company
        try:
            record = update(**{entity: record}, member=member, data=form.service_data())  # type: ignore[operator]
        except (ValidationError, DomainError) as error:
            apply_service_error(form, error)
        else:
            if not _is_htmx(request):
                return redirect(_url(entity, "detail", record))
            display = field_display(record, entity, group, definitions=definitions, region=region)
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


@member_required(Permission.EDIT_CUSTOMERS)
def contact_inline_edit(request: HttpRequest, contact_id: int, field: str) -> HttpResponse:
    contact = access_contact(member=request.member, contact_id=contact_id, write=True)  # type: ignore[attr-defined]
    return _inline_edit(request, contact, CONTACT, field)


@member_required(Permission.EDIT_CUSTOMERS)
def company_inline_edit(request: HttpRequest, company_id: int, field: str) -> HttpResponse:
    company = access_company(member=request.member, company_id=company_id, write=True)  # type: ignore[attr-defined]
    return _inline_edit(request, company, COMPANY, field)


# Lifecycle and consent ----------------------------------------------------------------------


def _change_stage(request: HttpRequest, record: Contact | Company, entity: str) -> HttpResponse:
    reason, to_stage = request.POST.get("reason", ""), request.POST.get("to_stage", "")
    error, status = "", 200
    try:
        if not to_stage:
            raise ValidationError({"to_stage": [_("Choose the stage to move to.")]})
        services.change_lifecycle_stage(
            customer=record,
            to_stage=to_stage,
            actor=request.user,  # type: ignore[arg-type]
            reason=reason,
            member=request.member,  # type: ignore[attr-defined]
        )
    except DomainError as refusal:
        error, status = refusal.message, 409
    except ValidationError as invalid:
        error, status = " ".join(invalid.messages), 400
    if not _is_htmx(request):
        if error:
            messages.error(request, error)
        else:
            messages.success(
                request, _("Stage changed to %(stage)s.") % {"stage": record.get_lifecycle_stage_display()}
            )
        return redirect(_url(entity, "detail", record))
    context = {
        "record": record,
        entity: record,
        "entity": entity,
        **lifecycle_panel(request, record),
        "stage_error": error,
        "reason": reason if error else "",
        "swap_stage_badge": not error,
    }
    return render(request, "customers/_panel_lifecycle.html", context, status=status)


@member_required(Permission.EDIT_CUSTOMERS)
@require_POST
def contact_change_stage(request: HttpRequest, contact_id: int) -> HttpResponse:
    contact = access_contact(member=request.member, contact_id=contact_id, write=True)  # type: ignore[attr-defined]
    return _change_stage(request, contact, CONTACT)


@member_required(Permission.EDIT_CUSTOMERS)
@require_POST
def company_change_stage(request: HttpRequest, company_id: int) -> HttpResponse:
    company = access_company(member=request.member, company_id=company_id, write=True)  # type: ignore[attr-defined]
    return _change_stage(request, company, COMPANY)


@member_required(Permission.EDIT_CUSTOMERS)
@require_POST
def contact_consent(request: HttpRequest, contact_id: int) -> HttpResponse:
    member = request.member  # type: ignore[attr-defined]
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
    if not _is_htmx(request):
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


# Duplicates -------------------------------------------------------------------------------


def _normalized(values: list[str], normalize: Any) -> list[str]:
    result = []
    for value in values:
        try:
            result.append(normalize(value))
        except ValidationError:
            continue  # the form reports it on save; here it simply cannot match anyone
    return result


def _duplicates_context(
    request: HttpRequest, emails: list[str], phones: list[str], contact: Contact | None
) -> dict[str, Any]:
    """Other contacts that have one of these emails or phones (new ones only, when editing)."""
    member = request.member  # type: ignore[attr-defined]
    region = _region(request)
    emails = _normalized(emails, normalize_email)
    phones = _normalized(phones, lambda value: normalize_phone(value, region))
    if contact is not None:
        known_emails = set(contact.emails.values_list("email", flat=True))
        known_phones = set(contact.phones.values_list("number", flat=True))
        emails = [email for email in emails if email not in known_emails]
        phones = [phone for phone in phones if phone not in known_phones]
    found = services.find_duplicates(emails=emails, phones=phones, exclude_id=contact.pk if contact else None)
    if not found:
        return {"duplicates": [], "hidden_duplicates": 0, "duplicate_ids": ""}
    visible = set(
        Contact.objects.visible_to(member).filter(pk__in=[c.pk for c in found]).values_list("pk", flat=True)
    )
    return {
        "duplicates": [c for c in found if c.pk in visible],
        "hidden_duplicates": len([c for c in found if c.pk not in visible]),
        "duplicate_ids": ",".join(str(c.pk) for c in found),
    }


@member_required(Permission.EDIT_CUSTOMERS)
def contact_duplicates(request: HttpRequest) -> HttpResponse:
    """As the person types an email or phone: who already has it (htmx, into the form's warning)."""
    rows = [Rows.from_data(kind, request.GET) for kind in ("emails", "phones")]
    contact = None
    if (contact_id := request.GET.get("contact", "")).isdigit():
        contact = access_contact(member=request.member, contact_id=int(contact_id))  # type: ignore[attr-defined]
    context = _duplicates_context(
        request, [e.value for e in rows[0].entries], [p.value for p in rows[1].entries], contact
    )
    return render(request, "customers/_card_duplicates.html", context)


# Create and edit --------------------------------------------------------------------------


def _company_suggestions(request: HttpRequest) -> HttpResponse:
    """Companies whose name starts with what was typed, for the contact form's company picker."""
    member = request.member  # type: ignore[attr-defined]
    typed = services.sort_key(request.GET.get("company_search", ""))
    companies: list[Company] = []
    if typed:
        queryset = Company.objects.visible_to(member).filter(sort_name__startswith=typed)
        if ord(typed[-1]) < 0x10FFFF:
            # A range on the sorted-name index finds the prefix fast, whatever the database's LIKE does.
            upper = typed[:-1] + chr(ord(typed[-1]) + 1)
            queryset = queryset.filter(sort_name__gte=typed, sort_name__lt=upper)
        companies = list(queryset.order_by("sort_name", "id")[:SUGGESTIONS_SHOWN])
    context = {"companies": companies, "typed": typed}
    return render(request, "customers/_field_company_suggestions.html", context)


def _picked_company(request: HttpRequest, company_id: Any) -> Company | None:
    try:
        pk = int(company_id)
    except (TypeError, ValueError):
        return None
    return Company.objects.visible_to(request.member).filter(pk=pk).first()  # type: ignore[attr-defined]


def _company_widget(request: HttpRequest) -> HttpResponse:
    company = _picked_company(request, request.GET.get("company_pick"))
    return render(request, "customers/_field_company.html", {"company": company, "focus": True})


def _phone_hints(region: str) -> dict[str, str]:
    """An example number of the region: written nationally as the phone rows' placeholder (like
    the email rows' name@example.com), internationally in the note below them; both empty for a
    region phonenumbers has no example of."""
    example = example_phone(region)
    if example is None:
        return {"phone_placeholder": "", "phone_hint": ""}
    national, international = example
    # Isolated (U+2066…U+2069): among Arabic words, "+1 201-555-0123" would read "201-555-0123 1+".
    hint = _("Write numbers from other countries with + and their country code, as in %(number)s.")
    return {"phone_placeholder": national, "phone_hint": hint % {"number": f"\u2066{international}\u2069"}}


def _render_contact_form(
    request: HttpRequest, form: CustomerForm, rows: dict[str, Rows], contact: Contact | None, **extra: Any
) -> HttpResponse:
    status = extra.pop("status", 200)
    context = {
        "form": form,
        **_phone_hints(_region(request)),
        "contact": contact,
        "emails": rows["emails"],
        "phones": rows["phones"],
        "company": _picked_company(request, form["company"].value()),
        "company_search": request.POST.get("company_search", ""),
        **extra,
    }
    return render(request, "customers/contact_form.html", context, status=status)


def _contact_rows(contact: Contact | None, region: str) -> dict[str, Rows]:
    if contact is None:
        return {"emails": Rows.empty("emails"), "phones": Rows.empty("phones")}
    return {
        "emails": Rows.from_records("emails", contact.emails.order_by("-is_primary", "id")),
        "phones": Rows.from_records("phones", contact.phones.order_by("-is_primary", "id"), region=region),
    }


class _DryRun(Exception):
    """Raised to roll back a save that only checked whether it would succeed."""


def _dry_run(save: Callable[[], Any]) -> None:
    """Run a save and roll it back: its ValidationError or DomainError, if any, comes through."""
    try:
        with transaction.atomic():
            save()
            raise _DryRun
    except _DryRun:
        pass


def _save_contact(member: Any, contact: Contact | None, data: dict[str, Any]) -> Contact:
    if contact is None:
        return services.create_contact(member=member, data=data)
    return services.update_contact(contact=contact, member=member, data=data)


def _contact_form_page(request: HttpRequest, contact: Contact | None) -> HttpResponse:
    member = request.member  # type: ignore[attr-defined]
    region = _region(request)
    heading = str(contact) if contact else ""  # taken before a refused save changes the instance
    kwargs: dict[str, Any] = {
        "member": member,
        "definitions": definitions_for(CONTACT),
        "instance": contact,
        "region": region,
    }
    if request.method != "POST":
        if contact is None and request.GET.get("company", "").isdigit():  # "Add a contact" on a company
            kwargs["initial"] = {"company": int(request.GET["company"])}
        form = ContactForm(**kwargs)
        return _render_contact_form(request, form, _contact_rows(contact, region), contact, heading=heading)
    rows = {kind: Rows.from_data(kind, request.POST) for kind in ("emails", "phones")}
    if action := request.POST.get("rows_action", ""):
        # Adding or removing a row is not a save: show the same values again, without errors.
        apply_rows_action(action, rows)
        form = ContactForm.from_posted(request.POST, **kwargs)
        focus = action.split(":")[1] if action.startswith("add:") else ""
        return _render_contact_form(request, form, rows, contact, heading=heading, rows_focus=focus)
    form = ContactForm(request.POST, **kwargs)
    duplicates: dict[str, Any] = {}
    if form.is_valid():
        emails, phones = rows["emails"].service_entries(), rows["phones"].service_entries()
        data = {**form.service_data(), "emails": emails, "phones": phones}
        duplicates = _duplicates_context(
            request, [e["email"] for e in emails], [p["number"] for p in phones], contact
        )
        confirmed = set(request.POST.get("confirm_duplicate", "").split(","))
        unconfirmed = bool(duplicates["duplicate_ids"]) and not (
            set(duplicates["duplicate_ids"].split(",")) <= confirmed
        )
        try:
            if unconfirmed:
                _dry_run(lambda: _save_contact(member, contact, data))  # warn only if it would save
            else:
                saved = _save_contact(member, contact, data)
        except (ValidationError, DomainError) as error:
            apply_service_error(form, error, rows)
            duplicates = {}
        else:
            if not unconfirmed:
                message = _("%(name)s was added.") if contact is None else _("%(name)s was saved.")
                messages.success(request, message % {"name": saved})
                return redirect("customers:contact-detail", saved.pk)
    has_errors = bool(form.errors) or any(r.has_errors for r in rows.values())
    return _render_contact_form(
        request, form, rows, contact, **duplicates, confirming=bool(duplicates.get("duplicate_ids")),
        heading=heading, status=400 if has_errors else 200,
    )  # fmt: skip


@member_required(Permission.EDIT_CUSTOMERS)
def contact_create(request: HttpRequest) -> HttpResponse:
    if request.method == "GET" and _is_htmx(request):
        # The company picker's search box and pick buttons (shared by the create and edit pages).
        if "company_search" in request.GET:
            return _company_suggestions(request)
        if "company_pick" in request.GET:
            return _company_widget(request)
    return _contact_form_page(request, None)


@member_required(Permission.EDIT_CUSTOMERS)
def contact_edit(request: HttpRequest, contact_id: int) -> HttpResponse:
    contact = access_contact(member=request.member, contact_id=contact_id, write=True)  # type: ignore[attr-defined]
    return _contact_form_page(request, contact)


def _company_form_page(request: HttpRequest, company: Company | None) -> HttpResponse:
    member = request.member  # type: ignore[attr-defined]
    heading = str(company) if company else ""  # taken before a refused save changes the instance
    kwargs = {
        "member": member,
        "definitions": definitions_for(COMPANY),
        "instance": company,
        "region": _region(request),
    }
    form = CompanyForm(request.POST if request.method == "POST" else None, **kwargs)
    if request.method == "POST" and form.is_valid():
        try:
            if company is None:
                saved = services.create_company(member=member, data=form.service_data())
            else:
                saved = services.update_company(company=company, member=member, data=form.service_data())
        except (ValidationError, DomainError) as error:
            apply_service_error(form, error)
        else:
            message = _("%(name)s was added.") if company is None else _("%(name)s was saved.")
            messages.success(request, message % {"name": saved})
            return redirect("customers:company-detail", saved.pk)
    context = {"form": form, "company": company, "heading": heading}
    return render(request, "customers/company_form.html", context, status=400 if form.errors else 200)


@member_required(Permission.EDIT_CUSTOMERS)
def company_create(request: HttpRequest) -> HttpResponse:
    return _company_form_page(request, None)


@member_required(Permission.EDIT_CUSTOMERS)
def company_edit(request: HttpRequest, company_id: int) -> HttpResponse:
    company = access_company(member=request.member, company_id=company_id, write=True)  # type: ignore[attr-defined]
    return _company_form_page(request, company)
