"""How the audit entries of contacts, companies and their settings read (registered in
CustomersConfig.ready() with `kliento.core.history.register_history`)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kliento.core.history import ChangeLine, HistoryContext, HistoryField, register_history
from kliento.core.records.fields.values import definitions_for
from kliento.customers.models import Channel, Company, Consent, Contact, CustomerEntity
from kliento.customers.normalize import format_phone

# Kept by the services for search and sorting: not something a person changed.
DERIVED = {
    "sort_name",
    "search_text",
    "search_grams",
    "first_purchase_on",
    "last_purchase_on",
    "purchase_count",
    "revenue_base",
}
# Facts of a bulk action that say nothing to a reader (the records have their own entries).
BULK_INTERNALS = {"ids"}


def _phone(number: Any, context: HistoryContext) -> str:
    region = context.organization.default_region if context.organization is not None else ""
    return format_phone(number, region) if isinstance(number, str) else str(number)


def _consent_label(key: str) -> str:
    channel = key.partition(".")[2]
    return _("Consent: %(channel)s") % {"channel": dict(Channel.choices).get(channel, channel)}


def _consent(value: Any, context: HistoryContext) -> str:
    """Stored as "status (method)", or the bare status it had before."""
    status, _space, method = str(value).partition(" (")
    text = str(dict(Consent.Status.choices).get(status, status))
    if method:
        method = method.rstrip(")")
        text += f" ({dict(Consent.Method.choices).get(method, method)})"
    return text


def _custom_fields(entity: str) -> Any:
    def expand(old: Any, new: Any, context: HistoryContext) -> list[ChangeLine]:
        old, new = old or {}, new or {}
        definitions = {definition.key: definition for definition in definitions_for(entity)}
        lines = []
        for key in sorted(set(old) | set(new), key=lambda k: (k not in definitions, k)):
            if old.get(key) == new.get(key):
                continue
            definition = definitions.get(key)
            if definition is None:  # a field deleted since: its key is all that is left
                lines.append(ChangeLine(key, _shown(old.get(key)), _shown(new.get(key))))
                continue
            shown = [definition.type.display(value) or None for value in (old.get(key), new.get(key))]
            lines.append(ChangeLine(definition.label, shown[0], shown[1]))
        return lines

    return expand


def _shown(value: Any) -> str | None:
    if value is None or value == "" or value == []:
        return None
    return ", ".join(str(item) for item in value) if isinstance(value, list) else str(value)


def _bulk_action(value: Any, context: HistoryContext) -> str:
    from kliento.customers.lists import BULK_ACTIONS

    return str({key: label for key, label, _input in BULK_ACTIONS}.get(value, value))


def _visible_customers(model: type[Contact] | type[Company]) -> Any:
    return lambda member: model.objects.visible_to(member)


def register() -> None:
    shared = {
        "lifecycle_stage": HistoryField(),
        "reason": HistoryField(label=gettext_lazy("Reason"), note=True, after="lifecycle_stage"),
        "consent.*": HistoryField(label=_consent_label, format=_consent),
        "action": HistoryField(label=gettext_lazy("Action"), format=_bulk_action),  # of a bulk change
    }
    for model, entity, link in (
        (Contact, CustomerEntity.CONTACT, "customers:contact-detail"),
        (Company, CustomerEntity.COMPANY, "customers:company-detail"),
    ):
        fields = {
            **shared,
            "custom_fields": HistoryField(expand=_custom_fields(entity)),
            "phone": HistoryField(format=_phone),
            "phones": HistoryField(format=_phone),
        }
        register_history(
            model,
            hidden=DERIVED | BULK_INTERNALS,
            fields=fields,
            link=link,
            visible=_visible_customers(model),
        )
