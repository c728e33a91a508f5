"""Stored and user-given text on a page: escaped, and inside an element that htmx ignores.

Escaping keeps a value from becoming markup. The `hx-disable` wrapper is the second wall: htmx 2
does not process an element inside `[hx-disable]`, so even a value that reached the page as
markup by some future mistake could not send a request with the viewer's CSRF header. Templates
print such values as `{{ value|inert }}` (a built-in filter, see settings.TEMPLATES); HTML
written in Python goes through `inert()` or puts `hx-disable` on an element that holds only
stored values and none of our htmx controls (the list rows). Values inside attributes, `<title>`,
`<option>` and `<textarea>` need only escaping: those places cannot hold elements.
"""

from __future__ import annotations

from typing import Any

from django.utils.html import format_html
from django.utils.safestring import SafeString

INERT_ATTRIBUTE = "hx-disable"


def inert(value: Any) -> SafeString:
    """The value escaped (markup we built with format_html is kept) inside an htmx-disabled span."""
    return format_html("<span " + INERT_ATTRIBUTE + ">{}</span>", value)
