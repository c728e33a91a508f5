"""How the audit entries of orders and the sales settings read: lines as "2 x Chair at 80 (-10 %,
tax 20 %)" with products by name; the totals, rate and rounding the lines derive are left out."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kliento.catalog.models import Product
from kliento.core.history import ChangeLine, HistoryContext, HistoryField, register_history
from kliento.core.records.fields.values import definitions_for
from kliento.orders.models import Order, SalesSettings

# Computed from the lines (or kept by the services): the lines' own change says it all.
DERIVED = frozenset(
    {
        "subtotal",
        "discount_total",
        "net_total",
        "tax_total",
        "total",
        "total_base",
        "rate",
        "rounding",
        "position",
    }
)


def _shown(value: Any) -> str | None:
    if value is None or value == "" or value == []:
        return None
    return ", ".join(str(item) for item in value) if isinstance(value, list) else str(value)


def custom_fields_of(entity: str) -> Any:
    """The expander of a document kind's custom fields: one line per field changed, by its label."""

    def expand(old: Any, new: Any, context: HistoryContext) -> list[ChangeLine]:
        old, new = old or {}, new or {}
        definitions = {definition.key: definition for definition in definitions_for(entity)}
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

    return expand


def document_lines(value: Any, context: HistoryContext) -> str:
    """One line of a document as the history keeps it (the reader formats a list item by item),
    its product by name."""
    lines = value if isinstance(value, list) else [value]
    ids = [line.get("product_id") for line in lines if isinstance(line, dict)]
    names = dict(
        Product.with_trash.filter(pk__in=[pk for pk in ids if isinstance(pk, int)]).values_list("pk", "name")
    )
    parts = []
    for line in lines:
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
            text += " (" + ", ".join(extras) + ")"
        if line.get("description"):
            text += " — " + str(line["description"])
        parts.append(text)
    return "; ".join(parts) or "—"


def register() -> None:
    register_history(
        Order,
        fields={
            "custom_fields": HistoryField(expand=custom_fields_of("order")),
            "lines": HistoryField(label=gettext_lazy("Lines"), format=document_lines),
        },
        hidden=DERIVED,
        link="orders:order-detail",
        visible=lambda member: Order.objects.visible_to(member),
    )
    register_history(SalesSettings, hidden={"next_quote_number", "next_order_number"})
