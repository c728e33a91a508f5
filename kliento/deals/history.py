"""How the audit entries of deals and the sales settings read."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kliento.catalog.models import Product
from kliento.core.history import ChangeLine, HistoryContext, HistoryField, register_history
from kliento.core.records.fields.values import definitions_for
from kliento.deals.models import Deal, LostReason, Pipeline, Stage


def _shown(value: Any) -> str | None:
    if value is None or value == "" or value == []:
        return None
    return ", ".join(str(item) for item in value) if isinstance(value, list) else str(value)


def _custom_fields(old: Any, new: Any, context: HistoryContext) -> list[ChangeLine]:
    old, new = old or {}, new or {}
    definitions = {definition.key: definition for definition in definitions_for("deal")}
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


def _lines(value: Any, context: HistoryContext) -> str:
    """Lines as "2 x Chair at 120 (-10 %)", the products by name (one query per entry shown)."""
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
        if line.get("discount") not in (None, "0"):
            text += " " + _("(-%(discount)s %%)") % {"discount": line.get("discount")}
        parts.append(text)
    return "; ".join(parts)


def register() -> None:
    register_history(
        Deal,
        fields={
            "custom_fields": HistoryField(expand=_custom_fields),
            "lines": HistoryField(label=gettext_lazy("Products"), format=_lines),
            "action": HistoryField(label=gettext_lazy("Action")),
        },
        hidden={"ids", "position", "stage_changed_at"},
        link="deals:deal-detail",
        visible=lambda member: Deal.objects.visible_to(member),
    )
    register_history(Pipeline)
    register_history(Stage)
    register_history(LostReason)
