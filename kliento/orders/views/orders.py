"""Order pages: the create and edit forms with their lines editor, status moves and the trash from
the card, the card's panels, and the Purchases and Orders panels of customers and deals."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kliento.catalog.models import Product, ProductPrice
from kliento.core.errors import DomainError, StaleRecord
from kliento.core.forms import expected_version, show_conflict
from kliento.core.models import MAX_ID
from kliento.core.permissions import Permission
from kliento.core.records import tags as record_tags
from kliento.core.records.fields.values import definitions_for
from kliento.core.requests import OrgRequest
from kliento.core.views import member_required
from kliento.customers.forms import owner_choices
from kliento.customers.models import Company, Contact
from kliento.deals.models import Deal
from kliento.orders import selectors, services
from kliento.orders.forms import LineRows, OrderForm, apply_service_error
from kliento.orders.lists import status_css
from kliento.orders.models import Order, OrderStatus, SalesChannel
from kliento.orders.purchases import settings_of_organization

REFERENCE_CHOICES = 200  # customers and deals a form offers: the latest changed the member sees
PRODUCT_CHOICES = 500  # active products a line offers, by name
# The status buttons of the card, in the order a sale goes; cancelling and refunding ask first.
STATUS_BUTTONS = (OrderStatus.PAID, OrderStatus.FULFILLED, OrderStatus.CANCELLED, OrderStatus.REFUNDED)
CONFIRMED = frozenset({OrderStatus.CANCELLED, OrderStatus.REFUNDED})


def _id(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 20 and 0 < int(value) <= MAX_ID else None


def _named(rows: list[tuple[int, str]]) -> list[tuple[Any, str]]:
    return [("", "—")] + [(str(pk), name) for pk, name in sorted(rows, key=lambda row: row[1].casefold())]


def _choices(request: OrgRequest, keep: dict[str, int | None]) -> dict[str, list[tuple[Any, str]]]:
    """The customers, deals and products a form offers: the latest changed the member sees, and
    the ones the order already names wherever they are."""
    member = request.member

    def contacts(queryset: Any) -> list[tuple[int, str]]:
        return [
            (pk, f"{first} {last}".strip())
            for pk, first, last in queryset.values_list("pk", "first_name", "last_name")
        ]

    visible_contacts = Contact.objects.visible_to(member)
    visible_companies = Company.objects.visible_to(member)
    visible_deals = Deal.objects.visible_to(member)
    contact_rows = contacts(visible_contacts.order_by("-updated_at", "-id")[:REFERENCE_CHOICES])
    company_rows = list(
        visible_companies.order_by("-updated_at", "-id").values_list("pk", "name")[:REFERENCE_CHOICES]
    )
    deal_rows = list(
        visible_deals.order_by("-updated_at", "-id").values_list("pk", "title")[:REFERENCE_CHOICES]
    )
    for rows, queryset, key, read in (
        (contact_rows, visible_contacts, "contact", contacts),
        (company_rows, visible_companies, "company", lambda qs: list(qs.values_list("pk", "name"))),
        (deal_rows, visible_deals, "deal", lambda qs: list(qs.values_list("pk", "title"))),
    ):
        wanted = keep.get(key)
        if wanted and wanted not in {pk for pk, _name in rows}:
            rows += read(queryset.filter(pk=wanted))
    return {
        "owner": owner_choices(),
        "contact": _named(contact_rows),
        "company": _named(company_rows),
        "deal": _named(deal_rows),
    }


def _products(rows: LineRows) -> list[tuple[str, str]]:
    """Active products by name for the line pickers, and those the lines hold (even if inactive)."""
    offered = list(
        Product.objects.filter(is_active=True)
        .order_by("name", "id")
        .values_list("pk", "name", "sku")[:PRODUCT_CHOICES]
    )
    shown = {pk for pk, _name, _sku in offered}
    missing = [pk for pk in rows.product_ids() if pk not in shown and 0 < pk <= MAX_ID]
    if missing:
        offered += list(Product.with_trash.filter(pk__in=missing).values_list("pk", "name", "sku"))
    return [("", "—")] + [(str(pk), f"{name} ({sku})" if sku else name) for pk, name, sku in offered]


def _prices(rows: LineRows, currency: str) -> dict[int, Decimal]:
    return dict(
        ProductPrice.objects.filter(product_id__in=rows.product_ids(), currency=currency).values_list(
            "product_id", "amount"
        )
    )


def _apply_lines_action(action: str, rows: LineRows, currency: str) -> str:
    """`add`, `remove:2` or `price:1` (a product was picked: its price in the currency); "add"
    when the new row's first input is to take the focus."""
    verb, _sep, index = action.partition(":")
    if verb == "add":
        rows.add_row(settings_of_organization().default_tax_rate)
        return "add"
    if verb == "remove" and index.isdigit():
        rows.remove_row(int(index))
    elif verb == "price" and index.isdigit():
        rows.fill_price(int(index), _prices(rows, currency))
    return ""


def _render(
    request: OrgRequest,
    form: OrderForm,
    rows: LineRows,
    order: Order | None,
    *,
    focus: str = "",
    status: int = 200,
) -> HttpResponse:
    cancel = reverse("orders:order-detail", args=[order.pk]) if order else reverse("orders:order-list")
    prefix = selectors.order_prefix(request.member)
    context = {
        "form": form,
        "rows": rows,
        "products": _products(rows),
        "record": order,
        "heading": selectors.order_title(order.number, prefix) if order else "",
        "cancel_url": cancel,
        "lines_focus": focus,
        "extra_errors": rows.error_links(),
    }
    return render(request, "orders/order_form.html", context, status=status)


def _save(request: OrgRequest, order: Order | None) -> HttpResponse:
    member = request.member
    definitions = definitions_for("order")
    prefill = {key: _id(request.GET.get(key)) for key in ("contact", "company", "deal")}
    keep = {key: prefill[key] or (getattr(order, f"{key}_id") if order else None) for key in prefill}
    kwargs: dict[str, Any] = {
        "definitions": definitions,
        "choices": _choices(request, keep),
        "instance": order,
        "tags": record_tags.tag_names(order) if order else [],
    }
    if request.method != "POST":
        if order is None:
            rules = settings_of_organization()
            kwargs["initial"] = {
                "currency": request.organization.base_currency,
                "owner": member.user_id,
                "ordered_on": timezone.localdate(),
                "channel": SalesChannel.STORE,
                "status": OrderStatus.PLACED,
                **{key: value for key, value in prefill.items() if value},
            }
            rows = LineRows.empty()
            rows.entries[0].values["tax_rate"] = f"{Decimal(rules.default_tax_rate).normalize():f}"
        else:
            rows = LineRows.from_lines(selectors.lines_of(order))
        return _render(request, OrderForm(**kwargs), rows, order)
    rows = LineRows.from_data(request.POST)
    if action := request.POST.get("lines_action", ""):
        # Adding, removing or pricing a line is not a save: the same values again, without errors.
        currency = request.POST.get("currency", "") or request.organization.base_currency
        focus = _apply_lines_action(action, rows, currency)
        return _render(request, OrderForm.from_posted(request.POST, **kwargs), rows, order, focus=focus)
    form = OrderForm(request.POST, **kwargs)
    if form.is_valid():
        data = form.service_data()
        lines = rows.service_lines()
        if order is None or lines != LineRows.from_lines(selectors.lines_of(order)).service_lines():
            data["lines"] = lines  # unchanged lines are not sent: the order is not priced again
        try:
            if order is None:
                order = services.create_order(member=member, data=data)
            else:
                services.update_order(
                    order=order, member=member, data=data, expected_version=expected_version(form)
                )
        except StaleRecord as error:
            assert order is not None
            show_conflict(form, error, order)
        except (ValidationError, DomainError) as error:
            apply_service_error(form, error, rows)
        else:
            title = selectors.order_title(order.number, selectors.order_prefix(request.member))
            messages.success(request, _("%(name)s was saved.") % {"name": title})
            return redirect("orders:order-detail", order.pk)
    return _render(request, form, rows, order, status=400)


@member_required(Permission.EDIT_SALES)
def order_create(request: OrgRequest) -> HttpResponse:
    return _save(request, None)


@member_required(Permission.EDIT_SALES)
def order_edit(request: OrgRequest, record_id: int) -> HttpResponse:
    order = selectors.access_order(member=request.member, record_id=record_id, write=True)
    return _save(request, order)


@member_required(Permission.EDIT_SALES)
@require_POST
def order_delete(request: OrgRequest, record_id: int) -> HttpResponse:
    order = selectors.access_order(member=request.member, record_id=record_id, write=True)
    services.trash_order(order=order, member=request.member)
    title = selectors.order_title(order.number, selectors.order_prefix(request.member))
    messages.success(
        request, _("%(name)s was moved to the trash, where it can be restored.") % {"name": title}
    )
    return redirect("orders:order-list")


@member_required(Permission.EDIT_SALES)
@require_POST
def order_status(request: OrgRequest, record_id: int) -> HttpResponse:
    """A status button of the card: paid (on a date, today by default), fulfilled, cancelled, refunded."""
    order = selectors.access_order(member=request.member, record_id=record_id, write=True)
    status = request.POST.get("status", "")
    raw_date = request.POST.get("on_date", "").strip()
    try:
        on_date = parse_date(raw_date) if raw_date else None
    except ValueError:
        on_date = None
    try:
        if raw_date and on_date is None:
            raise ValidationError(_("Enter a date such as 2026-12-31."))
        services.change_order_status(order=order, member=request.member, status=status, on_date=on_date)
    except DomainError as error:
        messages.warning(request, error.message)
    except ValidationError as error:
        messages.warning(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("The order is now %(status)s.") % {"status": order.get_status_display().lower()}
        )
    return redirect("orders:order-detail", order.pk)


# The card ------------------------------------------------------------------------------------


def card_header(request: OrgRequest, order: Order) -> dict[str, Any]:
    can_edit = request.member.can(Permission.EDIT_SALES)
    moves = services.ORDER_MOVES[order.status] if can_edit else frozenset()
    return {
        "title": selectors.order_title(order.number, selectors.order_prefix(request.member)),
        "status_css": status_css(order.status),
        "base_currency": request.organization.base_currency,
        "tags": record_tags.tag_names(order),
        "can_edit": can_edit,
        "status_buttons": [
            {"value": status.value, "label": status.label, "confirm": status in CONFIRMED}
            for status in STATUS_BUTTONS
            if status in moves
        ],
        "today": timezone.localdate(),
        "delete_confirm": _(
            "Move this order to the trash? Its customer's purchases stop counting it until it is restored."
        ),
    }


def lines_panel(request: OrgRequest, order: Order) -> dict[str, Any]:
    return {"lines": selectors.lines_of(order), "base_currency": request.organization.base_currency}


def order_details_panel(request: OrgRequest, order: Order) -> dict[str, Any]:
    """Customer, deal, owner, dates, channel and notes; references the member may not see are
    named but not linked."""
    order = Order.objects.select_related("owner", "company", "contact", "deal").get(pk=order.pk)
    member = request.member
    visible = {
        "contact": order.contact_id is not None
        and Contact.objects.visible_to(member).filter(pk=order.contact_id).exists(),
        "company": order.company_id is not None
        and Company.objects.visible_to(member).filter(pk=order.company_id).exists(),
        "deal": order.deal_id is not None
        and Deal.objects.visible_to(member).filter(pk=order.deal_id).exists(),
    }
    return {"order": order, "visible": visible}


def purchases_panel(request: OrgRequest, customer: Any) -> dict[str, Any]:
    """The customer's purchase summary as the services keep it on the customer: no query."""
    return {"customer": customer, "base_currency": request.organization.base_currency}


def customer_orders_panel(link: str) -> Any:
    """The Orders panel of a contact's or company's card: its latest orders, one indexed query."""

    def context(request: OrgRequest, customer: Any) -> dict[str, Any]:
        return _orders_context(request, link, customer, new_query=f"?{link}={customer.pk}")

    return context


def deal_orders_panel(request: OrgRequest, deal: Deal) -> dict[str, Any]:
    query = f"?deal={deal.pk}" + "".join(
        f"&{key}={value}"
        for key, value in (("contact", deal.contact_id), ("company", deal.company_id))
        if value
    )
    return _orders_context(request, "deal", deal, new_query=query)


def _orders_context(request: OrgRequest, link: str, record: Any, *, new_query: str) -> dict[str, Any]:
    rows = selectors.latest_orders(request.member, **{link: record})
    prefix = selectors.order_prefix(request.member) if rows else ""
    statuses = dict(OrderStatus.choices)
    orders = [
        {
            **row,
            "title": selectors.order_title(row["number"], prefix),
            "status_label": statuses.get(row["status"], row["status"]),
            "status_css": status_css(row["status"]),
        }
        for row in rows[: selectors.LATEST_ORDERS]
    ]
    list_url = reverse("orders:order-list") + f"?{link}={record.pk}"
    return {
        "orders": orders,
        "has_more": len(rows) > selectors.LATEST_ORDERS,
        "list_url": list_url,
        "new_order_query": new_query,
        "base_currency": request.organization.base_currency,
        "can_edit": request.member.can(Permission.EDIT_SALES),
    }
