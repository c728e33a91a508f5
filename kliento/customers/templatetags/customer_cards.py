"""Template helpers of the customer cards: phone display, stage colours and card panels."""

from __future__ import annotations

from django import template
from django.template.context import Context
from django.utils.safestring import SafeString

from kliento.customers.models import LifecycleStage
from kliento.customers.normalize import format_phone
from kliento.customers.panels import PanelOnCard

register = template.Library()


@register.filter
def phone(number: str, region: str = "") -> str:
    """`{{ phone.number|phone:organization.default_region }}`: national format at home, else international."""
    return format_phone(number or "", region or "")


@register.filter
def stage_badge(stage: str) -> str:
    """The badge classes of a lifecycle stage (the same colours as in the lists)."""
    return f"stage-badge stage-{stage}" if stage in LifecycleStage.values else "text-bg-light"


@register.simple_tag(takes_context=True)
def card_panel(context: Context, panel: PanelOnCard) -> SafeString:
    """Render one registered panel's template with the card's context plus the panel's own."""
    panel_template = context.template.engine.get_template(panel.panel.template)  # type: ignore[union-attr]
    with context.push(panel.context, panel=panel):
        return panel_template.render(context)
