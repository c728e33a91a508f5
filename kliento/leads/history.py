"""How the audit entries of leads and their settings read (registered in LeadsConfig.ready())."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy

from kliento.core.history import ChangeLine, HistoryContext, HistoryField, register_history
from kliento.core.records.fields.values import definitions_for
from kliento.customers.normalize import format_phone
from kliento.leads.models import UTM_KEYS, DisqualifyReason, Lead, WebForm

DERIVED = {"sort_name", "search_text", "queue_rank"}
UTM_LABELS = {
    "source": gettext_lazy("UTM source"),
    "medium": gettext_lazy("UTM medium"),
    "campaign": gettext_lazy("UTM campaign"),
    "term": gettext_lazy("UTM term"),
    "content": gettext_lazy("UTM content"),
}


def _phone(number: Any, context: HistoryContext) -> str:
    region = context.organization.default_region if context.organization is not None else ""
    return format_phone(number, region) if isinstance(number, str) else str(number)


def _touch(value: Any, context: HistoryContext) -> str:
    if not isinstance(value, dict):
        return str(value)
    return ", ".join(f"{UTM_LABELS.get(key, key)}: {value[key]}" for key in UTM_KEYS if value.get(key))


def _custom_fields(old: Any, new: Any, context: HistoryContext) -> list[ChangeLine]:
    old, new = old or {}, new or {}
    definitions = {definition.key: definition for definition in definitions_for("lead")}
    lines = []
    for key in sorted(set(old) | set(new)):
        if old.get(key) == new.get(key):
            continue
        definition = definitions.get(key)
        label = definition.label if definition is not None else key
        shown = [
            (definition.type.display(value) if definition is not None else str(value)) or None
            if value not in (None, "", [])
            else None
            for value in (old.get(key), new.get(key))
        ]
        lines.append(ChangeLine(label, shown[0], shown[1]))
    return lines


def register() -> None:
    register_history(
        Lead,
        hidden=DERIVED,
        fields={
            "phone": HistoryField(format=_phone),
            "first_touch": HistoryField(format=_touch),
            "last_touch": HistoryField(format=_touch),
            "custom_fields": HistoryField(expand=_custom_fields),
        },
        link="leads:lead-detail",
        visible=lambda member: Lead.with_trash.visible_to(member),
    )
    register_history(DisqualifyReason)
    register_history(WebForm, hidden={"token", "last_assigned"})
