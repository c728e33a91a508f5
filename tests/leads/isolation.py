"""Isolation cases of the leads app (see tests/isolation.py): every model, and the pages and
endpoints that take a lead's id."""

from django.urls import reverse

from kliento.leads.models import DisqualifyReason, Lead, LeadSubmission, LeadTag, WebForm
from tests.customers.factories import TagFactory
from tests.isolation import IsolationCase, Request, register
from tests.leads.factories import (
    DisqualifyReasonFactory,
    LeadFactory,
    LeadSubmissionFactory,
    WebFormFactory,
    tag_lead,
)


def _api(lead: Lead) -> str:
    return f"/api/v1/leads/{lead.pk}"


def _page(name: str):
    return lambda lead: reverse(name, args=[lead.pk])


register(
    IsolationCase(
        model=Lead,
        make=lambda organization: LeadFactory(organization=organization, status="qualified"),
        pages=(
            Request("get", _page("leads:lead-detail")),
            Request("get", _page("leads:lead-history")),
            Request("get", lambda lead: reverse("core:record-card", args=["lead", lead.pk])),
            Request("get", _page("leads:lead-edit")),
            Request("post", _page("leads:lead-edit"), {"name": "Taken over", "source": "other"}),
            Request("post", _page("leads:lead-delete")),
            Request("post", _page("leads:lead-status"), {"status": "contacted"}),
            Request("post", _page("leads:lead-respond")),
            Request("post", _page("leads:lead-convert"), {"company": "none"}),
        ),
        api=(
            Request("get", _api),
            Request("patch", _api, {"name": "Taken over"}),
            Request("delete", _api),
        ),
    )
)
register(
    IsolationCase(
        model=LeadTag,
        make=lambda organization: tag_lead(
            LeadFactory(organization=organization), TagFactory(organization=organization)
        ),
    )
)
register(
    IsolationCase(
        model=DisqualifyReason,
        make=lambda organization: DisqualifyReasonFactory(organization=organization),
        pages=(Request("post", lambda reason: reverse("leads:settings-toggle-reason", args=[reason.pk])),),
    )
)
register(IsolationCase(model=WebForm, make=lambda organization: WebFormFactory(organization=organization)))
register(
    IsolationCase(
        model=LeadSubmission, make=lambda organization: LeadSubmissionFactory(organization=organization)
    )
)
