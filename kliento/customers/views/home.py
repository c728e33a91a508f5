"""The home page's widgets about the member's own customers (registered in CustomersConfig.ready())."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.http import urlencode

from kliento.core.requests import OrgRequest
from kliento.customers.models import Contact, LifecycleStage
from kliento.customers.selectors import own_new_leads, own_recently_changed, own_stage_counts

SHOWN = 8


def my_customers_widget(request: OrgRequest) -> dict[str, Any]:
    """The member's contacts by stage, each a link to the filtered list; what to do when there are none."""
    counts = own_stage_counts(member=request.member)
    contact_list = reverse("customers:contact-list")
    stages = [
        {
            "stage": stage.value,
            "label": stage.label,
            "count": counts[stage.value],
            "url": f"{contact_list}?{urlencode({'owner': 'me', 'stage': stage.value})}",
        }
        for stage in LifecycleStage
    ]
    return {"stages": stages, "total": sum(counts.values()), "all_url": f"{contact_list}?owner=me"}


def my_recent_customers_widget(request: OrgRequest) -> dict[str, Any] | None:
    """What the member's customers did lately: recently changed, and the newest leads."""
    member = request.member
    changed = own_recently_changed(member=member, limit=SHOWN)
    if not changed:
        return None  # nothing owned yet: the stage widget says what to do
    contact_url, company_url = "customers:contact-detail", "customers:company-detail"
    return {
        "recently_changed": [
            (record, reverse(contact_url if isinstance(record, Contact) else company_url, args=[record.pk]))
            for record in changed
        ],
        "new_leads": [
            (lead, reverse(contact_url, args=[lead.pk])) for lead in own_new_leads(member=member, limit=SHOWN)
        ],
        "leads_url": f"{reverse('customers:contact-list')}?{urlencode({'owner': 'me', 'stage': 'lead'})}",
    }
