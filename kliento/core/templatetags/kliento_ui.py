"""Template helpers every page shares: form fields with their help, errors and error summary, and
people's names, emails and phones isolated from the text around them (bidirectional text)."""

from __future__ import annotations

from typing import Any

from django import forms, template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from kliento.core.countries import country_name
from kliento.core.forms import ErrorLink
from kliento.core.markup import INERT_ATTRIBUTE

register = template.Library()


@register.filter
def bidi(value: Any) -> SafeString:
    """`{{ user|bidi }}`: a name in its own direction, so "Demo Trading Co." keeps its full stop at
    the end on an Arabic page (and an Arabic name keeps its order on an English one). Like `inert`,
    the element is one htmx ignores."""
    return format_html('<bdi dir="auto" ' + INERT_ATTRIBUTE + ">{}</bdi>", "" if value is None else value)


@register.filter
def initials(value: Any) -> str:
    """Up to two letters standing for a person: the first of their first and last words."""
    words = str(value or "").split("@")[0].split()
    letters = [word[0] for word in (words[:1] + words[1:][-1:])]
    return "".join(letters).upper()


@register.filter
def ltr(value: Any) -> SafeString:
    """`{{ email|ltr }}`: an email, phone or code, always read left to right as one unit."""
    return format_html('<bdi dir="ltr" ' + INERT_ATTRIBUTE + ">{}</bdi>", "" if value is None else value)


def form_error_links(form: forms.BaseForm) -> list[ErrorLink]:
    """Every error of a form, in field order, each pointing at the input it concerns."""
    links = [ErrorLink("", str(message), "") for message in form.non_field_errors()]
    for bound in form:
        for message in bound.errors:
            target = bound.id_for_label or bound.auto_id or ""
            if isinstance(bound.field.widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
                target = f"{bound.auto_id}_0"
            links.append(ErrorLink(str(bound.label), str(message), target))
    return links


@register.inclusion_tag("core/_error_summary.html")
def error_summary(form: forms.BaseForm | None, *extra: list[ErrorLink]) -> dict[str, Any]:
    """`{% error_summary form %}`: at the top of a form, a focused list of every problem with a link to
    its field, so a person who submits a long form learns of them all at once. Extra lists (the
    contact form's email and phone rows) join in after the form's own fields."""
    links = form_error_links(form) if form is not None and form.is_bound else []
    for more in extra:
        links.extend(more or [])
    return {"error_links": links}


@register.filter(name="country_name")
def country_name_filter(code: str) -> str:
    """`{{ record.country|country_name }}`: the country's name in the page's language."""
    return country_name(code) if code else ""
