"""Creating and editing contacts and companies on their full forms, with the duplicate warning
as one types and the company picker of the contact form."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from kliento.core.errors import DomainError, StaleRecord
from kliento.core.forms import expected_version, show_conflict
from kliento.core.permissions import Permission
from kliento.core.records.fields.values import definitions_for
from kliento.core.requests import OrgRequest
from kliento.core.views import member_required
from kliento.customers import services
from kliento.customers.forms import CustomerForm, RowEntry, Rows, apply_rows_action, apply_service_error
from kliento.customers.kinds import COMPANY, CONTACT, CUSTOMER_KINDS, CustomerKind
from kliento.customers.models import Company, Contact
from kliento.customers.normalize import example_phone, normalize_email, normalize_phone
from kliento.customers.search import names_starting_with
from kliento.customers.selectors import access_contact
from kliento.customers.views.cards import is_htmx, organization_region

SUGGESTIONS_SHOWN = 8  # companies offered as one types a name


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
    request: OrgRequest, emails: list[str], phones: list[str], contact: Contact | None
) -> dict[str, Any]:
    """Other contacts that have one of these emails or phones (new ones only, when editing)."""
    member = request.member
    region = organization_region(request)
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
def contact_duplicates(request: OrgRequest) -> HttpResponse:
    """As the person types an email or phone: who already has it (htmx, into the form's warning)."""
    rows = [Rows.from_data(kind, request.GET) for kind in ("emails", "phones")]
    contact = None
    if (contact_id := request.GET.get("contact", "")).isdigit():
        contact = access_contact(member=request.member, contact_id=int(contact_id))
    context = _duplicates_context(
        request, [e.value for e in rows[0].entries], [p.value for p in rows[1].entries], contact
    )
    return render(request, "customers/_card_duplicates.html", context)


# Create and edit --------------------------------------------------------------------------


def _company_suggestions(request: OrgRequest) -> HttpResponse:
    """Companies whose name starts with what was typed, for the contact form's company picker."""
    member = request.member
    typed = services.sort_key(request.GET.get("company_search", ""))
    companies: list[Company] = []
    if typed:
        companies = list(names_starting_with(Company.objects.visible_to(member), typed)[:SUGGESTIONS_SHOWN])
    context = {"companies": companies, "typed": typed}
    return render(request, "customers/_field_company_suggestions.html", context)


def _picked_company(request: OrgRequest, company_id: Any) -> Company | None:
    try:
        pk = int(company_id)
    except (TypeError, ValueError):
        return None
    return Company.objects.visible_to(request.member).filter(pk=pk).first()


def _company_widget(request: OrgRequest) -> HttpResponse:
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
    request: OrgRequest, form: CustomerForm, rows: dict[str, Rows], contact: Contact | None, **extra: Any
) -> HttpResponse:
    status = extra.pop("status", 200)
    context = {
        "form": form,
        **_phone_hints(organization_region(request)),
        **_form_page_context(CONTACT, contact),
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


def _save(kind: CustomerKind, member: Any, record: Any, data: dict[str, Any], version: str | None) -> Any:
    if record is None:
        return kind.create(member=member, data=data)
    return kind.update(record=record, member=member, data=data, expected_version=version)


def _saved(request: HttpRequest, kind: CustomerKind, record: Any, saved: Any) -> HttpResponse:
    message = _("%(name)s was added.") if record is None else _("%(name)s was saved.")
    messages.success(request, message % {"name": saved})
    return redirect(f"customers:{kind.key}-detail", saved.pk)


def _form_page_context(kind: CustomerKind, record: Any) -> dict[str, Any]:
    """What customer_form.html needs beside the form: the kind, the record and where Cancel goes."""
    cancel_url = reverse(f"customers:{kind.key}-detail", args=[record.pk]) if record else ""
    return {
        "kind": kind,
        "record": record,
        kind.key: record,
        "cancel_url": cancel_url or reverse(f"customers:{kind.key}-list"),
    }


def _form_kwargs(request: OrgRequest, kind: CustomerKind, record: Any) -> dict[str, Any]:
    return {
        "member": request.member,
        "definitions": definitions_for(kind.key),
        "instance": record,
        "region": organization_region(request),
    }


def _contact_form_page(request: OrgRequest, contact: Contact | None) -> HttpResponse:
    if request.method == "GET" and is_htmx(request):
        # The company picker's search box and pick buttons.
        if "company_search" in request.GET:
            return _company_suggestions(request)
        if "company_pick" in request.GET:
            return _company_widget(request)
    member = request.member
    region = organization_region(request)
    heading = str(contact) if contact else ""  # taken before a refused save changes the instance
    kwargs = _form_kwargs(request, CONTACT, contact)
    if request.method != "POST":
        if contact is None and request.GET.get("company", "").isdigit():  # "Add a contact" on a company
            kwargs["initial"] = {"company": int(request.GET["company"])}
        form = CONTACT.form(**kwargs)
        rows = _contact_rows(contact, region)
        if contact is None and request.GET.get("phone"):  # "New contact" for a caller nobody knows
            rows["phones"] = Rows(kind="phones", entries=[RowEntry(value=request.GET["phone"][:40])])
        return _render_contact_form(request, form, rows, contact, heading=heading)
    rows = {kind: Rows.from_data(kind, request.POST) for kind in ("emails", "phones")}
    if action := request.POST.get("rows_action", ""):
        # Adding or removing a row is not a save: show the same values again, without errors.
        apply_rows_action(action, rows)
        form = CONTACT.form.from_posted(request.POST, **kwargs)
        focus = action.split(":")[1] if action.startswith("add:") else ""
        return _render_contact_form(request, form, rows, contact, heading=heading, rows_focus=focus)
    form = CONTACT.form(request.POST, **kwargs)
    duplicates: dict[str, Any] = {}
    if not form.is_valid():
        # The rows are checked by the service, which the invalid form never reaches: check them
        # too, so every problem shows at once.
        try:
            services.check_contact_channels(
                member=member,
                emails=rows["emails"].service_entries(),
                phones=rows["phones"].service_entries(),
            )
        except ValidationError as error:
            apply_service_error(form, error, rows)
    else:
        emails, phones = rows["emails"].service_entries(), rows["phones"].service_entries()
        data = {**form.service_data(), "emails": emails, "phones": phones}
        duplicates = _duplicates_context(
            request, [e["email"] for e in emails], [p["number"] for p in phones], contact
        )
        confirmed = set(request.POST.get("confirm_duplicate", "").split(","))
        unconfirmed = bool(duplicates["duplicate_ids"]) and not (
            set(duplicates["duplicate_ids"].split(",")) <= confirmed
        )
        version = expected_version(form)
        try:
            if unconfirmed:
                _dry_run(lambda: _save(CONTACT, member, contact, data, version))  # warn only if it would save
            else:
                saved = _save(CONTACT, member, contact, data, version)
        except StaleRecord as error:
            show_conflict(form, error, contact)
            duplicates = {}
        except (ValidationError, DomainError) as error:
            apply_service_error(form, error, rows)
            duplicates = {}
        else:
            if not unconfirmed:
                return _saved(request, CONTACT, contact, saved)
    has_errors = bool(form.errors) or any(r.has_errors for r in rows.values())
    return _render_contact_form(
        request, form, rows, contact, **duplicates, confirming=bool(duplicates.get("duplicate_ids")),
        heading=heading, status=400 if has_errors else 200,
    )  # fmt: skip


def _company_form_page(request: OrgRequest, company: Company | None) -> HttpResponse:
    heading = str(company) if company else ""  # taken before a refused save changes the instance
    form = COMPANY.form(
        request.POST if request.method == "POST" else None, **_form_kwargs(request, COMPANY, company)
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = _save(COMPANY, request.member, company, form.service_data(), expected_version(form))
        except StaleRecord as error:
            show_conflict(form, error, company)
        except (ValidationError, DomainError) as error:
            apply_service_error(form, error)
        else:
            return _saved(request, COMPANY, company, saved)
    context = {"form": form, "heading": heading, **_form_page_context(COMPANY, company)}
    return render(request, "customers/company_form.html", context, status=400 if form.errors else 200)


_FORM_PAGES: dict[str, Callable[[OrgRequest, Any], HttpResponse]] = {
    CONTACT.key: _contact_form_page,
    COMPANY.key: _company_form_page,
}


@member_required(Permission.EDIT_CUSTOMERS)
def create(request: OrgRequest, kind: str) -> HttpResponse:
    return _FORM_PAGES[kind](request, None)


@member_required(Permission.EDIT_CUSTOMERS)
def edit(request: OrgRequest, kind: str, record_id: int) -> HttpResponse:
    record = CUSTOMER_KINDS[kind].access(member=request.member, record_id=record_id, write=True)
    return _FORM_PAGES[kind](request, record)
