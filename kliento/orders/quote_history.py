"""How the audit entries of quotes read: lines as "2 x Chair at 80 (-10 %, tax 19 %)"."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kliento.catalog.models import Product
from kliento.core.history import ChangeLine, HistoryContext, HistoryField, register_history
from kliento.core.records.fields.values import definitions_for
from kliento.orders.models import Quote


def _shown(value: Any) -> str | None:
    if value is None or value == "" or value == []:
        return None
    return ", ".join(str(item) for item in value) if isinstance(value, list) else str(value)


def _custom_fields(old: Any, new: Any, context: HistoryContext) -> list[ChangeLine]:
    old, new = old or {}, new or {}
    definitions = {definition.key: definition for definition in definitions_for("quote")}
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


def quote_lines_text(value: Any, context: HistoryContext | None = None) -> str:
    """Lines as people read them, the products by name (one query per entry shown); the history
    hands a list over line by line."""
    if isinstance(value, dict):
        value = [value]
    if not isinstance(value, list) or not value:
        return "—"
    ids = {line.get("product_id") for line in value if isinstance(line, dict)}
    names = dict(
        Product.with_trash.filter(pk__in=[pk for pk in ids if isinstance(pk, int)]).values_list("pk", "name")
    )
    parts = []
    for line in value:
        if not isinstance(line, dict):
            continue
        text = _("%(quantity)s x %(product)s at %(price)s") % {
            "quantity": line.get("quantity"),
            "product": names.get(line.get("product_id") or 0, line.get("product_id")),
            "price": line.get("unit_price"),
        }
        extras = []
        if line.get("discount") not in (None, "0"):
            extras.append(_("-%(discount)s %%") % {"discount": line.get("discount")})
        if line.get("tax_rate") not in (None, "0"):
            extras.append(_("tax %(rate)s %%") % {"rate": line.get("tax_rate")})
        if extras:
            text += f" ({', '.join(extras)})"
        if line.get("description"):
            text += f": {line['description']}"
        parts.append(text)
    return "; ".join(parts)


def register() -> None:
    register_history(
        Quote,
        fields={
            "custom_fields": HistoryField(expand=_custom_fields),
            "lines": HistoryField(label=gettext_lazy("Products"), format=quote_lines_text),
            "action": HistoryField(label=gettext_lazy("Action")),
        },
        hidden={"ids", "rounding", "status_changed_on"},
        link="orders:quote-detail",
        visible=lambda member: Quote.objects.visible_to(member),
    )
