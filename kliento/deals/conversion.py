"""Converting a lead may open a deal for the new customer at once (an extra of leads' conversion)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from kliento.core.errors import DomainError, InvalidInput
from kliento.deals.models import Deal
from kliento.deals.services import create_deal
from kliento.leads.conversion import ConversionStep

OPTIONS = frozenset({"title", "amount", "currency", "pipeline_id", "stage_id", "expected_close_on"})


def deal_from_lead(step: ConversionStep) -> Deal:
    """A deal of the new contact (and company), titled after the lead unless a title is given;
    refusals name `extras.deal.<field>` so the conversion form and the API point at the option."""
    unknown = sorted(set(step.options) - OPTIONS)
    if unknown:
        raise ValidationError({f"extras.deal.{name}": [_("There is no such field.")] for name in unknown})
    lead = step.lead
    data: dict[str, Any] = {
        "title": step.options.get("title") or lead.company_name or lead.name,
        "contact_id": step.contact.pk,
        "company_id": step.company.pk if step.company is not None else None,
        "owner_id": lead.owner_id or step.member.user_id,
    }
    data.update(
        {name: value for name, value in step.options.items() if name != "title" and value is not None}
    )
    try:
        return create_deal(member=step.member, data=data)
    except InvalidInput as refused:
        raise InvalidInput(refused.message, field=f"extras.deal.{refused.field or 'title'}") from refused
    except DomainError as refused:
        raise DomainError(
            refused.message, field=f"extras.deal.{refused.field}" if refused.field else None
        ) from refused
