"""Isolation cases of the customers app: how to make one record of each model in an organization, and
the pages and endpoints that touch it (see tests/isolation.py).

Only JSON requests go in `api`: tests/test_isolation.py sends a POST as a form, which the API
refuses as unreadable (400) before it looks the record up, so POST endpoints are left out there.
"""

from django.urls import reverse
from django.utils import timezone

from kliento.core.records.fields.models import CustomField
from kliento.customers.models import (
    Company,
    CompanyTag,
    Consent,
    Contact,
    ContactEmail,
    ContactPhone,
    ContactTag,
    LifecycleTransition,
    Tag,
)
from tests.customers.factories import CompanyFactory, ContactFactory, CustomFieldFactory, TagFactory
from tests.isolation import IsolationCase, Request, register


def _contact_url(contact: Contact) -> str:
    return f"/api/v1/contacts/{contact.pk}"


def _company_url(company: Company) -> str:
    return f"/api/v1/companies/{company.pk}"


register(
    IsolationCase(
        model=Contact,
        make=lambda organization: ContactFactory(organization=organization),
        api=(
            Request("get", _contact_url),
            Request("patch", _contact_url, {"first_name": "Taken over"}),
            Request("delete", _contact_url),
            Request("get", lambda c: f"{_contact_url(c)}/lifecycle"),
            Request("put", lambda c: f"{_contact_url(c)}/consents/email", {"granted": True}),
        ),
    )
)
register(
    IsolationCase(
        model=Company,
        make=lambda organization: CompanyFactory(organization=organization),
        api=(
            Request("get", _company_url),
            Request("patch", _company_url, {"name": "Taken over"}),
            Request("delete", _company_url),
            Request("get", lambda c: f"{_company_url(c)}/lifecycle"),
        ),
    )
)
register(
    IsolationCase(
        model=Tag,
        make=lambda organization: TagFactory(organization=organization),
        api=(Request("delete", lambda t: f"/api/v1/tags/{t.pk}"),),
    )
)
register(
    IsolationCase(
        model=CustomField,
        make=lambda organization: CustomFieldFactory(organization=organization),
        api=(
            Request("patch", lambda f: f"/api/v1/custom-fields/{f.pk}", {"label": "Taken over"}),
            Request("delete", lambda f: f"/api/v1/custom-fields/{f.pk}"),
        ),
    )
)


# Pages that take a record id, and the models that hang off a contact.
def _another_contact(organization):
    return ContactFactory(organization=organization)


def _contact_page(name: str):
    return lambda record: reverse(f"customers:contact-{name}", args=[record.contact_id])


register(
    IsolationCase(
        model=ContactEmail,
        make=lambda organization: ContactEmail.unscoped.create(
            organization=organization, contact=_another_contact(organization), email="x@example.com"
        ),
        pages=(
            Request("get", _contact_page("detail")),
            Request("get", _contact_page("edit")),
            Request("get", _contact_page("history")),
            Request("post", _contact_page("change-stage"), {"to_stage": "active", "reason": "x"}),
            Request("post", _contact_page("consent"), {"channel": "email", "granted": "1", "method": "form"}),
            Request("post", _contact_page("delete")),
        ),
    )
)
register(
    IsolationCase(
        model=ContactPhone,
        make=lambda organization: ContactPhone.unscoped.create(
            organization=organization,
            contact=_another_contact(organization),
            number="+12015550123",
            reversed_digits="32105551021",
        ),
        pages=(
            Request(
                "get",
                lambda phone: reverse("customers:contact-inline-edit", args=[phone.contact_id, "names"]),
            ),
        ),
    )
)
register(
    IsolationCase(
        model=Consent,
        make=lambda organization: Consent.unscoped.create(
            organization=organization,
            contact=_another_contact(organization),
            channel="email",
            status="granted",
            method="form",
            changed_at=timezone.now(),
        ),
    )
)
register(
    IsolationCase(
        model=LifecycleTransition,
        make=lambda organization: LifecycleTransition.unscoped.create(
            organization=organization, company=CompanyFactory(organization=organization), to_stage="lead"
        ),
        pages=(
            Request("get", lambda t: reverse("customers:company-detail", args=[t.company_id])),
            Request("get", lambda t: reverse("customers:company-edit", args=[t.company_id])),
            Request(
                "post",
                lambda t: reverse("customers:company-change-stage", args=[t.company_id]),
                {"to_stage": "active"},
            ),
            Request("post", lambda t: reverse("customers:company-delete", args=[t.company_id])),
        ),
    )
)


# Link rows: a tag on a record of another organization. Their pages and endpoints are the record's.
def _contact_tag(organization):
    contact = _another_contact(organization)
    return ContactTag.unscoped.create(
        organization=organization, contact=contact, tag=TagFactory(organization=organization)
    )


def _company_tag(organization):
    company = CompanyFactory(organization=organization)
    return CompanyTag.unscoped.create(
        organization=organization, company=company, tag=TagFactory(organization=organization)
    )


register(
    IsolationCase(
        model=ContactTag,
        make=_contact_tag,
        pages=(
            Request("get", _contact_page("detail")),
            Request("get", _contact_page("edit")),
            Request("post", _contact_page("edit"), {"first_name": "Taken", "last_name": "Over", "tags": "x"}),
        ),
        api=(
            Request("get", lambda link: _contact_url(link.contact)),
            Request("patch", lambda link: _contact_url(link.contact), {"tags": ["taken over"]}),
        ),
    )
)
register(
    IsolationCase(
        model=CompanyTag,
        make=_company_tag,
        pages=(
            Request("get", lambda link: reverse("customers:company-detail", args=[link.company_id])),
            Request("get", lambda link: reverse("customers:company-edit", args=[link.company_id])),
        ),
        api=(
            Request("get", lambda link: _company_url(link.company)),
            Request("patch", lambda link: _company_url(link.company), {"tags": ["taken over"]}),
        ),
    )
)
