"""`{{ value|inert }}`: how templates print stored and user-given text (see kliento.core.markup)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

from kliento.core import markup

register = template.Library()


@register.filter
def inert(value: Any) -> SafeString | str:
    """Escaped, inside an element htmx ignores; nothing at all for an empty value, so that
    `|default:` and `{% if %}` around it keep working."""
    if value is None or value == "":
        return ""
    return markup.inert(value)
