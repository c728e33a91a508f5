"""How the audit entries of products, price lists and exchange rates read."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kliento.catalog.models import ExchangeRate, PriceList, Product
from kliento.core.history import ChangeLine, HistoryContext, HistoryField, register_history
from kliento.core.records.fields.values import definitions_for


def _price_label(key: str) -> str:
    return _("Price in %(currency)s") % {"currency": key.partition(".")[2]}


def _item_label(key: str) -> str:
    return _("Price of %(sku)s") % {"sku": key.partition(".")[2]}


def _shown(value: Any) -> str | None:
    if value is None or value == "" or value == []:
        return None
    return ", ".join(str(item) for item in value) if isinstance(value, list) else str(value)


def _custom_fields(old: Any, new: Any, context: HistoryContext) -> list[ChangeLine]:
    old, new = old or {}, new or {}
    definitions = {definition.key: definition for definition in definitions_for("product")}
    lines = []
    for key in sorted(set(old) | set(new)):
        if old.get(key) == new.get(key):
            continue
        definition = definitions.get(key)
        if definition is None:
            lines.append(ChangeLine(key, _shown(old.get(key)), _shown(new.get(key))))
        else:
            shown = [definition.type.display(value) or None for value in (old.get(key), new.get(key))]
            lines.append(ChangeLine(definition.label, shown[0], shown[1]))
    return lines


def register() -> None:
    register_history(
        Product,
        fields={
            "prices.*": HistoryField(label=_price_label),
            "custom_fields": HistoryField(expand=_custom_fields),
            "action": HistoryField(label=gettext_lazy("Action")),
        },
        hidden={"ids"},
        link="catalog:product-detail",
    )
    register_history(
        PriceList, fields={"items.*": HistoryField(label=_item_label)}, link="catalog:price-list-detail"
    )
    register_history(ExchangeRate)
