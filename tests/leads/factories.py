import secrets

import factory

from kliento.leads.models import DisqualifyReason, Lead, LeadSubmission, LeadTag, WebForm
from kliento.leads.services import refresh_derived
from tests.factories import OrganizationFactory, TenantFactory


def _derived(lead: Lead, create: bool, extracted: object, **kwargs: object) -> None:
    """As the services do: the score, the inbox's rank and the search text from the lead's values."""
    refresh_derived(lead)
    if create:
        Lead.unscoped.filter(pk=lead.pk).update(
            score=lead.score,
            queue_rank=lead.queue_rank,
            sort_name=lead.sort_name,
            search_text=lead.search_text,
        )


class LeadFactory(TenantFactory):
    """A lead written straight to the database (services are tested on their own)."""

    class Meta:
        model = Lead
        skip_postgeneration_save = True

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Lead {n}")
    email = factory.Sequence(lambda n: f"lead{n}@example.com")
    derived = factory.PostGeneration(_derived)


class DisqualifyReasonFactory(TenantFactory):
    class Meta:
        model = DisqualifyReason

    organization = factory.SubFactory(OrganizationFactory)
    label = factory.Sequence(lambda n: f"Reason {n}")


class WebFormFactory(TenantFactory):
    class Meta:
        model = WebForm

    organization = factory.SubFactory(OrganizationFactory)
    token = factory.LazyFunction(lambda: secrets.token_urlsafe(24))


class LeadSubmissionFactory(TenantFactory):
    class Meta:
        model = LeadSubmission

    organization = factory.SubFactory(OrganizationFactory)
    web_form = factory.SubFactory(WebFormFactory, organization=factory.SelfAttribute("..organization"))
    payload = factory.LazyFunction(lambda: {"fields": {"name": "Someone"}})
    outcome = LeadSubmission.Outcome.CREATED
    fingerprint = "x"


def tag_lead(lead: Lead, tag) -> LeadTag:
    return LeadTag.unscoped.create(organization_id=lead.organization_id, lead=lead, tag=tag)
