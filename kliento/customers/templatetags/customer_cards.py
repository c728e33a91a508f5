"""Template helpers of the customer cards: phone display and stage colours."""

from __future__ import annotations

from django import template

from kliento.customers.models import LifecycleStage
from kliento.customers.normalize import format_phone

register = template.Library()


@register.filter
def phone(number: str, region: str = "") -> str:
    """`{{ phone.number|phone:organization.default_region }}`: national format at home, else international."""
    return format_phone(number or "", region or "")


@register.filter
def stage_badge(stage: str) -> str:
    """The badge classes of a lifecycle stage (the same colours as in the lists)."""
    return f"stage-badge stage-{stage}" if stage in LifecycleStage.values else "text-bg-light"
