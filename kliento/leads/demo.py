"""The leads' demo step: leads in every status, most answered within hours, a few still waiting
for hours, written with the same derived values (score, inbox rank, search text) the services keep
and a Created entry each, so their history reads like a real one."""

from __future__ import annotations

import datetime
import random
from collections.abc import Mapping
from typing import Any

from django.utils import timezone

from kliento.core.audit import field_values, record_type
from kliento.core.models import AuditEntry, Membership, Organization
from kliento.core.records.bulk import BulkWriter
from kliento.core.records.demo import DemoOutcome, DemoSize, DemoStep
from kliento.customers.models import display_name
from kliento.demo.locales import LANGUAGE_WEIGHTS, company_name, country_for, person
from kliento.leads.models import DisqualifyReason, Lead, LeadSource, LeadStatus
from kliento.leads.services import default_reason_labels, refresh_derived

STATUS_WEIGHTS = {
    LeadStatus.NEW: 25,
    LeadStatus.CONTACTED: 35,
    LeadStatus.QUALIFIED: 20,
    LeadStatus.DISQUALIFIED: 20,
}
SOURCE_WEIGHTS = {
    LeadSource.WEB_FORM: 40,
    LeadSource.PHONE: 15,
    LeadSource.EMAIL: 15,
    LeadSource.CHAT: 10,
    LeadSource.REFERRAL: 8,
    LeadSource.EVENT: 7,
    LeadSource.OTHER: 5,
}
CAMPAIGNS = ("spring_sale", "newsletter", "webinar", "brand", "retargeting")
MEDIUMS = {"google": "cpc", "facebook": "social", "newsletter": "email", "partner_blog": "referral"}
MESSAGES = (
    "Could you send me a price list and your delivery times?",
    "We are looking for a supplier for our three branches and would like a call this week"
    " to talk about volumes and terms.",
    "Is a demo possible next Tuesday?",
    "I was referred by a colleague who is happy with your service. What would it cost for a team of twenty?",
    "Please call me back.",
    "",
)
STALE_NEW = 3  # new leads left unanswered for hours: what the inbox puts first


def _weighted(rng: random.Random, weights: Mapping[Any, int]) -> str:
    return str(rng.choices(list(weights), weights=list(weights.values()))[0])


def _received_at(rng: random.Random, now: datetime.datetime, status: str, index: int) -> datetime.datetime:
    """New leads arrived in the last hours (a few waited long), the others over the last weeks."""
    if status == LeadStatus.NEW:
        hours = rng.uniform(3, 9) if index < STALE_NEW else rng.expovariate(1 / 0.75)
        return now - datetime.timedelta(hours=min(hours, 20))
    return now - datetime.timedelta(days=rng.uniform(0.5, 45))


def fill_leads(
    organization: Organization, size: Mapping[str, int], rng: random.Random, writer: BulkWriter
) -> DemoOutcome:
    wanted, have = size.get("leads", 0), Lead.objects.count()
    reasons = list(DisqualifyReason.objects.filter(is_active=True))
    if not reasons:
        for position, label in enumerate(default_reason_labels()):
            DisqualifyReason.objects.create(organization=organization, label=label, position=position)
        reasons = list(DisqualifyReason.objects.all())
    owners = list(Membership.objects.active().values_list("user_id", flat=True))
    now = timezone.now()
    leads: list[Lead] = []
    new_so_far = Lead.objects.filter(status=LeadStatus.NEW).count()
    for index in range(have, wanted):
        status = list(STATUS_WEIGHTS)[index % 4] if index < 4 else _weighted(rng, STATUS_WEIGHTS)
        language = _weighted(rng, LANGUAGE_WEIGHTS)
        name = person(rng, language)
        country = country_for(rng, language)
        company, latin = company_name(rng, country, rng.choice(country.cities))
        source = _weighted(rng, SOURCE_WEIGHTS)
        received = _received_at(rng, now, status, new_so_far)
        if status == LeadStatus.NEW:
            new_so_far += 1
        lead = Lead(
            organization=organization,
            name=display_name(name.first_name, name.last_name),
            company_name=company if rng.random() < 0.7 else "",
            email=f"{name.latin_first}.{name.latin_last}{index}@{latin or 'example'}.example.com"
            if rng.random() < 0.85
            else "",
            message=rng.choice(MESSAGES),
            source=source,
            status=status,
            owner_id=rng.choice(owners)
            if owners and (status != LeadStatus.NEW or rng.random() < 0.6)
            else None,
            created_at=received,
        )
        if source == LeadSource.WEB_FORM:
            origin = rng.choice(list(MEDIUMS))
            touch = {"source": origin, "medium": MEDIUMS[origin], "campaign": rng.choice(CAMPAIGNS)}
            lead.first_touch, lead.last_touch = touch, touch if rng.random() < 0.6 else {"source": "direct"}
        if status != LeadStatus.NEW:
            # Most answered within a couple of hours, some the next day.
            lead.first_response_at = min(now, received + datetime.timedelta(hours=rng.expovariate(1 / 3)))
            lead.first_response_by_id = lead.owner_id
        if status == LeadStatus.DISQUALIFIED:
            lead.disqualify_reason = rng.choice(reasons)
        refresh_derived(lead)
        leads.append(lead)
    Lead.objects.bulk_create(leads, batch_size=500)
    # bulk_create keeps the given created_at but sets updated_at to now: a demo lead changed when it arrived.
    AuditEntry.objects.bulk_create(
        [
            AuditEntry(
                organization=organization,
                action=AuditEntry.Action.CREATE,
                record_type=record_type(Lead),
                record_id=lead.pk,
                record_label=str(lead)[:200],
                changes={
                    key: [None, value]
                    for key, value in field_values(lead).items()
                    if value not in (None, "", {})
                },
                created_at=lead.created_at,
            )
            for lead in leads
        ],
        batch_size=500,
    )
    return DemoOutcome(added={"leads": len(leads)}, counts={"leads": Lead.objects.count()})


LEADS_STEP = DemoStep(
    key="leads",
    run=fill_leads,
    sizes=(DemoSize("leads", default=80, help="fill the organization up to this many leads (80)"),),
    order=30,
)
