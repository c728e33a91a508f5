"""Template helpers of record cards (`core/card.html`)."""

from __future__ import annotations

from django import template
from django.template.context import Context
from django.utils.safestring import SafeString

from kliento.core.records.panels import PanelOnCard

register = template.Library()


@register.simple_tag(takes_context=True)
def card_panel(context: Context, panel: PanelOnCard) -> SafeString:
    """Render one registered panel's template with the card's context plus the panel's own."""
    # A tag runs inside a template being rendered, so the context has one.
    panel_template = context.template.engine.get_template(panel.part.template)  # type: ignore[union-attr]
    with context.push(panel.context, panel=panel):
        return panel_template.render(context)
