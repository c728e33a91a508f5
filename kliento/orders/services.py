"""Every write of sales settings, quotes and orders: one transaction each, rows locked, only
changed fields saved, the audit entry written with them.

A document's money is computed once, here, from its lines (lines.clean_lines, pricing.compute)
and stored: lines with their net, tax and gross, the totals, the rate of the document's date and
the total in the base currency. A caller may send the `total` it expects; a total that does not
add up to the lines is refused rather than stored. Numbers come from the organization's sales
settings row, locked while numbering, so they are unique and without gaps caused by a race.

Orders that become, stop being or change as purchases refresh their customers' purchase summary
and lifecycle (purchases.refresh_customers) in the same transaction.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from kliento.catalog.money import check_currency, to_base
from kliento.catalog.services import check_amount, shown
from kliento.core.audit import (
    column_values,
    create_record,
    lock_record,
    move_to_trash,
    record_change,
    restore_from_trash,
    save_changed_fields,
)
from kliento.core.errors import DomainError, InvalidInput
from kliento.core.models import MAX_ID, AuditEntry, Membership
from kliento.core.permissions import Permission
from kliento.core.records import tags as record_tags
from kliento.core.records.fields.values import clean_custom_values, definitions_for, store_custom_values
from kliento.core.services import require
from kliento.core.text import text_problem
from kliento.customers.models import Company, Contact
from kliento.deals.models import Deal, DealLine
from kliento.orders.lines import CleanLine, clean_lines, totals_of
from kliento.orders.models import (
    PURCHASE_STATUSES,
    Order,
    OrderLine,
    OrderStatus,
    Quote,
    QuoteLine,
    QuoteStatus,
    Rounding,
    SalesChannel,
    SalesSettings,
)
from kliento.orders.purchases import refresh_customers, settings_of_organization

Document = Quote | Order
DocumentT = TypeVar("DocumentT", Quote, Order)

ORDER_FIELDS = frozenset(
    {
        "contact_id",
        "company_id",
        "deal_id",
        "owner_id",
        "currency",
        "ordered_on",
        "channel",
        "notes",
        "external_id",
    }
)
QUOTE_FIELDS = frozenset(
    {
        "contact_id",
        "company_id",
        "deal_id",
        "owner_id",
        "currency",
        "issued_on",
        "valid_until",
        "language",
        "notes",
        "terms",
    }
)
EXTRAS = frozenset({"lines", "tags", "custom_fields", "total"})

# Which status may follow which; a status is never left for itself.
ORDER_MOVES: dict[str, frozenset[str]] = {
    OrderStatus.PLACED: frozenset({OrderStatus.PAID, OrderStatus.FULFILLED, OrderStatus.CANCELLED}),
    OrderStatus.PAID: frozenset({OrderStatus.FULFILLED, OrderStatus.REFUNDED, OrderStatus.CANCELLED}),
    OrderStatus.FULFILLED: frozenset({OrderStatus.REFUNDED}),
    OrderStatus.CANCELLED: frozenset(),
    OrderStatus.REFUNDED: frozenset(),
}
QUOTE_MOVES: dict[str, frozenset[str]] = {
    QuoteStatus.DRAFT: frozenset({QuoteStatus.SENT, QuoteStatus.ACCEPTED, QuoteStatus.DECLINED}),
    QuoteStatus.SENT: frozenset(
        {QuoteStatus.ACCEPTED, QuoteStatus.DECLINED, QuoteStatus.EXPIRED, QuoteStatus.DRAFT}
    ),
    QuoteStatus.ACCEPTED: frozenset(),
    QuoteStatus.DECLINED: frozenset({QuoteStatus.DRAFT}),
    QuoteStatus.EXPIRED: frozenset({QuoteStatus.DRAFT}),
}
EDITABLE_QUOTE = frozenset({QuoteStatus.DRAFT, QuoteStatus.SENT})


def _is_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID


def _check_known(data: Mapping[str, Any], allowed: frozenset[str]) -> None:
    unknown = set(data) - allowed
    if unknown:
        raise ValidationError({name: [_("There is no such field.")] for name in sorted(unknown)})


def _date(value: Any, field: str) -> datetime.date:
    if isinstance(value, datetime.datetime):
        raise InvalidInput(_("Enter a date."), field=field)
    if isinstance(value, datetime.date):
        return value
    parsed = None
    if isinstance(value, str):
        try:
            parsed = parse_date(value)
        except ValueError:
            parsed = None
    if parsed is None:
        raise InvalidInput(_("Enter a date such as 2026-12-31."), field=field)
    return parsed


# Settings -------------------------------------------------------------------------------------

SETTINGS_FIELDS = frozenset(
    {
        "rounding",
        "default_tax_rate",
        "quote_valid_days",
        "quote_prefix",
        "order_prefix",
        "activate_on_first_purchase",
        "loyal_purchases",
        "loyal_window_days",
        "lapse_days",
    }
)


def _locked_settings(organization_id: int) -> SalesSettings:
    """The organization's settings row, created on first use, locked until the transaction ends."""
    settings = SalesSettings.objects.select_for_update().filter(organization_id=organization_id).first()
    if settings is None:
        try:
            with transaction.atomic():
                SalesSettings.objects.create(organization_id=organization_id)
        except IntegrityError:
            pass  # created by a parallel request meanwhile: lock that one
        settings = SalesSettings.objects.select_for_update().get(organization_id=organization_id)
    return settings


def _check_settings(settings: SalesSettings) -> None:
    if settings.rounding not in Rounding.values:
        raise InvalidInput(_("Round per line or per total."), field="rounding")
    rate = check_amount(settings.default_tax_rate, field="default_tax_rate", digits=5, places=2)
    if rate > 100:
        raise InvalidInput(_("A tax rate is a per cent from 0 to 100."), field="default_tax_rate")
    settings.default_tax_rate = rate
    for name, low, high in (
        ("quote_valid_days", 1, 3650),
        ("loyal_purchases", 0, 1000),
        ("loyal_window_days", 1, 3650),
        ("lapse_days", 0, 3650),
    ):
        value = getattr(settings, name)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise InvalidInput(
                _("Enter a whole number from %(low)s to %(high)s.") % {"low": low, "high": high}, field=name
            )
    for name in ("quote_prefix", "order_prefix"):
        value = getattr(settings, name)
        if not isinstance(value, str) or len(value) > 10 or text_problem(value):
            raise InvalidInput(_("Use at most 10 plain characters."), field=name)


@transaction.atomic
def save_sales_settings(*, member: Membership, data: Mapping[str, Any]) -> SalesSettings:
    require(member, Permission.MANAGE_ORGANIZATION)
    _check_known(data, SETTINGS_FIELDS)
    settings = _locked_settings(member.organization_id)
    before = column_values(settings)
    for name, value in data.items():
        setattr(settings, name, value.strip() if isinstance(value, str) else value)
    if isinstance(settings.activate_on_first_purchase, str) or not isinstance(
        settings.activate_on_first_purchase, bool
    ):
        raise InvalidInput(_("Answer yes or no."), field="activate_on_first_purchase")
    _check_settings(settings)
    changes = save_changed_fields(settings, before, actor=member.user)
    if changes:
        record_change(settings, action=AuditEntry.Action.UPDATE, actor=member.user, changes=changes)
    return settings


def _take_number(organization_id: int, kind: type[Document]) -> int:
    settings = _locked_settings(organization_id)
    field = "next_quote_number" if kind is Quote else "next_order_number"
    number: int = getattr(settings, field)
    # Numbers entered by hand or imported may be ahead of the counter: never hand one out twice.
    taken = (
        kind.with_trash.filter(number__gte=number)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    if taken is not None:
        number = taken + 1
    SalesSettings.objects.filter(pk=settings.pk).update(**{field: number + 1})
    return number


# Shared checks ----------------------------------------------------------------------------------


def _check_parties(document: Document, member: Membership) -> None:
    """A customer (contact or company) the member may see, a deal they may see, an active owner."""
    if document.contact_id is None and document.company_id is None:
        raise InvalidInput(_("Choose the customer: a contact or a company."), field="contact_id")
    for model, field, message in (
        (Contact, "contact_id", _("There is no such contact.")),
        (Company, "company_id", _("There is no such company.")),
        (Deal, "deal_id", _("There is no such deal.")),
    ):
        value = getattr(document, field)
        if value is not None and (
            not _is_id(value) or not model.objects.visible_to(member).filter(pk=value).exists()
        ):
            raise InvalidInput(message, field=field)
    if document.owner_id is not None and (
        not _is_id(document.owner_id)
        or not Membership.objects.active().filter(user_id=document.owner_id).exists()
    ):
        raise InvalidInput(_("The owner must be an active member of the organization."), field="owner_id")


def _check_text(document: Document) -> None:
    for name in ("notes", "terms", "external_id"):
        value = getattr(document, name, None)
        if value is None:
            continue
        if not isinstance(value, str):
            raise InvalidInput(_("Enter text."), field=name)
        if problem := text_problem(value, multiline=name != "external_id"):
            raise InvalidInput(problem, field=name)


def _apply(document: Document, data: Mapping[str, Any], fields: frozenset[str]) -> None:
    for name in fields & set(data):
        value = data[name]
        setattr(document, name, value.strip() if isinstance(value, str) else value)


def _price(
    document: Document, lines: list[CleanLine], on_date: datetime.date, expected_total: Any
) -> list[dict[str, Any]]:
    """Compute and set the document's totals and base amount; the rows of its lines."""
    totals = totals_of(lines, currency=document.currency, rounding=document.rounding)
    if expected_total is not None:
        expected = check_amount(expected_total, field="total")
        if expected != totals.total:
            raise InvalidInput(
                _("The lines add up to %(total)s %(currency)s, not %(expected)s.")
                % {"total": totals.total, "currency": document.currency, "expected": shown(expected)},
                field="total",
            )
    document.subtotal = totals.subtotal
    document.discount_total = totals.discount_total
    document.net_total = totals.net_total
    document.tax_total = totals.tax_total
    document.total = totals.total
    converted = to_base(totals.total, document.currency, on_date)
    document.rate, document.total_base = converted.rate, converted.amount_base
    return [
        {
            "product_id": line.product_id,
            "description": line.description,
            "quantity": line.quantity,
            "unit_price": line.unit_price,
            "discount": line.discount,
            "tax_rate": line.tax_rate,
            "net": amounts.net,
            "tax": amounts.tax,
            "gross": amounts.gross,
        }
        for line, amounts in zip(lines, totals.lines, strict=True)
    ]


def _line_model(document: Document) -> type[QuoteLine] | type[OrderLine]:
    return QuoteLine if isinstance(document, Quote) else OrderLine


def _write_lines(document: Document, rows: list[dict[str, Any]]) -> None:
    organization_id = document.organization_id
    if isinstance(document, Quote):
        QuoteLine.objects.filter(quote=document).delete()
        QuoteLine.objects.bulk_create(
            QuoteLine(organization_id=organization_id, quote=document, position=index, **row)
            for index, row in enumerate(rows)
        )
    else:
        OrderLine.objects.filter(order=document).delete()
        OrderLine.objects.bulk_create(
            OrderLine(organization_id=organization_id, order=document, position=index, **row)
            for index, row in enumerate(rows)
        )


def _audited_lines(rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Lines as the history keeps them: what was entered, amounts without trailing zeros."""
    return [
        {
            key: shown(row[key]) if isinstance(row[key], Decimal) else row[key]
            for key in ("product_id", "description", "quantity", "unit_price", "discount", "tax_rate")
            if row[key] not in ("", None)
        }
        for row in rows
    ]


def current_lines(document: Document) -> list[dict[str, Any]]:
    model = _line_model(document)
    link = "quote" if isinstance(document, Quote) else "order"
    rows = model.objects.filter(**{link: document}).order_by("position", "id")
    return [
        dict(row)
        for row in rows.values("product_id", "description", "quantity", "unit_price", "discount", "tax_rate")
    ]


def _create(
    document: DocumentT, *, member: Membership, data: Mapping[str, Any], on_date: datetime.date, entity: str
) -> DocumentT:
    """What creating a quote or an order shares, after its own fields are set and checked."""
    _check_parties(document, member)
    _check_text(document)
    check_currency(document.currency)
    rules = settings_of_organization()
    document.rounding = rules.rounding
    lines = clean_lines(
        data.get("lines"), currency=document.currency, default_tax_rate=rules.default_tax_rate
    )
    rows = _price(document, lines, on_date, data.get("total"))
    document.custom_fields = clean_custom_values(entity, data.get("custom_fields") or {})
    tags = record_tags.tags_named(
        data.get("tags") or [], actor=member.user, organization_id=member.organization_id
    )
    document.number = _take_number(member.organization_id, type(document))
    create_record(
        document,
        actor=member.user,
        related={"lines": _audited_lines(rows), "tags": sorted(tag.name for tag in tags)},
        checked=["owner", "contact", "company", "deal"],
    )
    store_custom_values(document, definitions_for(entity))
    _write_lines(document, rows)
    if tags:
        record_tags.set_tags(document, tags, actor=member.user)
    return document


def _update(
    document: Document,
    *,
    member: Membership,
    data: Mapping[str, Any],
    fields: frozenset[str],
    on_date_field: str,
    entity: str,
) -> dict[str, Any]:
    """Apply a change to a locked document; its changes as audited (saved, not yet recorded)."""
    before = column_values(document)
    _apply(document, data, fields)
    if {"contact_id", "company_id", "deal_id", "owner_id"} & set(data):
        _check_parties(document, member)
    _check_text(document)
    check_currency(document.currency)
    if on_date_field in data:
        setattr(document, on_date_field, _date(getattr(document, on_date_field), on_date_field))
    changes: dict[str, Any] = {}
    repriced = {"lines", "currency", on_date_field, "total"} & set(data)
    if repriced:
        old = current_lines(document)
        given = (
            data["lines"]
            if "lines" in data
            else [
                {key: value for key, value in line.items() if key != "description" or value} for line in old
            ]
        )
        lines = clean_lines(
            given, currency=document.currency, default_tax_rate=settings_of_organization().default_tax_rate
        )
        rows = _price(document, lines, getattr(document, on_date_field), data.get("total"))
        new_audited, old_audited = _audited_lines(rows), _audited_lines(old)
        if new_audited != old_audited:
            changes["lines"] = [old_audited, new_audited]
        _write_lines(document, rows)
    if "custom_fields" in data:
        document.custom_fields = clean_custom_values(
            entity, data["custom_fields"] or {}, current=document.custom_fields, record_id=document.pk
        )
    if "tags" in data:
        changes.update(record_tags.set_tags(document, data["tags"] or [], actor=member.user))
    changes.update(save_changed_fields(document, before, actor=member.user, touch=bool(changes)))
    if "custom_fields" in changes:
        store_custom_values(document, definitions_for(entity))
    return changes


# Orders ---------------------------------------------------------------------------------------


def _check_order(order: Order) -> None:
    if order.channel not in SalesChannel.values:
        raise InvalidInput(_("Choose a sales channel from the list."), field="channel")
    if order.external_id and len(order.external_id) > 100:
        raise InvalidInput(_("At most 100 characters."), field="external_id")
    if (
        order.external_id
        and Order.with_trash.filter(external_id=order.external_id).exclude(pk=order.pk).exists()
    ):
        raise InvalidInput(_("Another order has this external ID."), field="external_id")


@transaction.atomic
def create_order(*, member: Membership, data: Mapping[str, Any], quote: Quote | None = None) -> Order:
    """A new order (placed, or paid with `status`) for a contact or company, numbered, priced by its
    lines at the rate of its date; a purchase refreshes its customers' summary and lifecycle."""
    require(member, Permission.EDIT_SALES)
    _check_known(data, ORDER_FIELDS | EXTRAS | {"status", "paid_on"})
    today = timezone.localdate()
    order = Order(
        organization_id=member.organization_id,
        owner_id=member.user_id,
        currency=member.organization.base_currency,
        ordered_on=today,
        quote=quote,
    )
    _apply(order, data, ORDER_FIELDS)
    order.ordered_on = _date(order.ordered_on, "ordered_on")
    if order.ordered_on > today + datetime.timedelta(days=1):
        raise InvalidInput(_("An order date cannot be in the future."), field="ordered_on")
    status = data.get("status") or OrderStatus.PLACED
    if status not in (OrderStatus.PLACED, OrderStatus.PAID, OrderStatus.FULFILLED):
        raise InvalidInput(_("A new order is placed, paid or fulfilled."), field="status")
    order.status = status
    if status != OrderStatus.PLACED:
        order.paid_on = _date(data["paid_on"], "paid_on") if data.get("paid_on") else order.ordered_on
    _check_order(order)
    _create(order, member=member, data=data, on_date=order.ordered_on, entity="order")
    if order.is_purchase:
        refresh_customers(contact_ids=[order.contact_id], company_ids=[order.company_id], actor=member.user)
    return order


@transaction.atomic
def update_order(
    *, order: Order, member: Membership, data: Mapping[str, Any], expected_version: str | None = None
) -> Order:
    """Change the fields given; new lines, currency or date price the order again at the rate of
    its date. A cancelled or refunded order is closed: its money is no longer changed."""
    require(member, Permission.EDIT_SALES)
    _check_known(data, ORDER_FIELDS | EXTRAS)
    lock_record(order, expected_version=expected_version)
    was = (order.contact_id, order.company_id, order.ordered_on, order.total_base)
    if order.status in (OrderStatus.CANCELLED, OrderStatus.REFUNDED) and {"lines", "currency", "total"} & set(
        data
    ):
        raise DomainError(_("A cancelled or refunded order keeps its lines and amounts."), field="lines")
    changes = _update(
        order, member=member, data=data, fields=ORDER_FIELDS, on_date_field="ordered_on", entity="order"
    )
    _check_order(order)
    if changes:
        record_change(order, action=AuditEntry.Action.UPDATE, actor=member.user, changes=changes)
    if order.is_purchase and was != (order.contact_id, order.company_id, order.ordered_on, order.total_base):
        refresh_customers(
            contact_ids=[was[0], order.contact_id], company_ids=[was[1], order.company_id], actor=member.user
        )
    return order


@transaction.atomic
def change_order_status(
    *,
    order: Order,
    member: Membership,
    status: Any,
    on_date: Any = None,
    expected_version: str | None = None,
) -> Order:
    """Move an order along placed → paid → fulfilled, or to cancelled or refunded; the payment date
    is today unless given. Becoming or ceasing to be a purchase refreshes its customers."""
    require(member, Permission.EDIT_SALES)
    if status not in OrderStatus.values:
        raise InvalidInput(_("Choose a status from the list."), field="status")
    lock_record(order, expected_version=expected_version)
    if status == order.status:
        return order
    if status not in ORDER_MOVES[order.status]:
        raise DomainError(
            _("An order cannot go from %(from)s to %(to)s.")
            % {"from": OrderStatus(order.status).label, "to": OrderStatus(status).label},
            field="status",
        )
    was_purchase = order.is_purchase
    before = column_values(order, ["status", "paid_on"])
    order.status = status
    if status in PURCHASE_STATUSES and order.paid_on is None:
        order.paid_on = _date(on_date, "on_date") if on_date else timezone.localdate()
        if order.paid_on < order.ordered_on:
            raise InvalidInput(_("An order is paid on or after its order date."), field="on_date")
    changes = save_changed_fields(order, before, actor=member.user)
    record_change(order, action=AuditEntry.Action.UPDATE, actor=member.user, changes=changes)
    if was_purchase != order.is_purchase:
        refresh_customers(contact_ids=[order.contact_id], company_ids=[order.company_id], actor=member.user)
    return order


def trash_order(*, order: Order, member: Membership, expected_version: str | None = None) -> None:
    require(member, Permission.EDIT_SALES)
    with transaction.atomic():
        move_to_trash(order, actor=member.user, expected_version=expected_version)
        if order.is_purchase:
            refresh_customers(
                contact_ids=[order.contact_id], company_ids=[order.company_id], actor=member.user
            )


def restore_order(*, order: Order, member: Membership) -> None:
    require(member, Permission.EDIT_SALES)
    with transaction.atomic():
        restore_from_trash(order, actor=member.user)
        if order.is_purchase:
            refresh_customers(
                contact_ids=[order.contact_id], company_ids=[order.company_id], actor=member.user
            )


# Quotes ---------------------------------------------------------------------------------------


def _quote_language(quote: Quote, member: Membership) -> str:
    """The contact's preferred language, else the organization's."""
    if quote.contact_id is not None:
        preferred = (
            Contact.objects.filter(pk=quote.contact_id).values_list("preferred_language", flat=True).first()
        )
        if preferred:
            return preferred
    return member.organization.default_locale


def _check_quote(quote: Quote) -> None:
    from django.conf import settings

    if quote.language not in dict(settings.LANGUAGES):
        raise InvalidInput(_("Choose a language from the list."), field="language")
    if quote.valid_until < quote.issued_on:
        raise InvalidInput(_("A quote is valid until a day on or after its date."), field="valid_until")


@transaction.atomic
def create_quote(*, member: Membership, data: Mapping[str, Any]) -> Quote:
    """A new draft quote, numbered, priced by its lines, valid for the organization's period."""
    require(member, Permission.EDIT_SALES)
    _check_known(data, QUOTE_FIELDS | EXTRAS)
    today = timezone.localdate()
    quote = Quote(
        organization_id=member.organization_id,
        owner_id=member.user_id,
        currency=member.organization.base_currency,
        issued_on=today,
        language="",
    )
    _apply(quote, data, QUOTE_FIELDS)
    quote.issued_on = _date(quote.issued_on, "issued_on")
    if data.get("valid_until"):
        quote.valid_until = _date(data["valid_until"], "valid_until")
    else:
        quote.valid_until = quote.issued_on + datetime.timedelta(
            days=settings_of_organization().quote_valid_days
        )
    if not quote.language:
        quote.language = _quote_language(quote, member)
    _check_quote(quote)
    quote.status_changed_on = today
    return _create(quote, member=member, data=data, on_date=quote.issued_on, entity="quote")


@transaction.atomic
def quote_from_deal(*, member: Membership, deal: Deal, data: Mapping[str, Any] | None = None) -> Quote:
    """A draft quote with the deal's customer, currency and product lines (taxed at the default rate)."""
    lines = [
        {
            "product_id": line.product_id,
            "quantity": line.quantity,
            "unit_price": line.unit_price,
            "discount": line.discount,
        }
        for line in DealLine.objects.filter(deal=deal).order_by("position", "id")
    ]
    if not lines:
        raise DomainError(_("Add products to the deal first: a quote is made of its lines."), field="lines")
    given = {
        "deal_id": deal.pk,
        "contact_id": deal.contact_id,
        "company_id": deal.company_id,
        "currency": deal.currency,
        "lines": lines,
    }
    return create_quote(member=member, data={**given, **(data or {})})


@transaction.atomic
def update_quote(
    *, quote: Quote, member: Membership, data: Mapping[str, Any], expected_version: str | None = None
) -> Quote:
    require(member, Permission.EDIT_SALES)
    _check_known(data, QUOTE_FIELDS | EXTRAS)
    lock_record(quote, expected_version=expected_version)
    if quote.status not in EDITABLE_QUOTE:
        raise DomainError(
            _("A quote that is %(status)s is kept as it was: make a new quote instead.")
            % {"status": QuoteStatus(quote.status).label.lower()}
        )
    if "valid_until" in data:
        data = {**data, "valid_until": _date(data["valid_until"], "valid_until")}
    changes = _update(
        quote, member=member, data=data, fields=QUOTE_FIELDS, on_date_field="issued_on", entity="quote"
    )
    _check_quote(quote)
    if changes:
        record_change(quote, action=AuditEntry.Action.UPDATE, actor=member.user, changes=changes)
    return quote


@transaction.atomic
def change_quote_status(
    *, quote: Quote, member: Membership, status: Any, expected_version: str | None = None
) -> Quote:
    require(member, Permission.EDIT_SALES)
    if status not in QuoteStatus.values:
        raise InvalidInput(_("Choose a status from the list."), field="status")
    lock_record(quote, expected_version=expected_version)
    if status == quote.status:
        return quote
    if status not in QUOTE_MOVES[quote.status]:
        raise DomainError(
            _("A quote cannot go from %(from)s to %(to)s.")
            % {"from": QuoteStatus(quote.status).label, "to": QuoteStatus(status).label},
            field="status",
        )
    if status == QuoteStatus.ACCEPTED and quote.valid_until < timezone.localdate():
        raise DomainError(
            _("This quote expired on %(date)s: make a new one.") % {"date": quote.valid_until}, field="status"
        )
    before = column_values(quote, ["status", "status_changed_on"])
    quote.status, quote.status_changed_on = status, timezone.localdate()
    changes = save_changed_fields(quote, before, actor=member.user)
    record_change(quote, action=AuditEntry.Action.UPDATE, actor=member.user, changes=changes)
    return quote


@transaction.atomic
def order_from_quote(*, quote: Quote, member: Membership, data: Mapping[str, Any] | None = None) -> Order:
    """The order of an accepted quote: its customer, currency and lines at the quote's prices.
    One order per quote."""
    require(member, Permission.EDIT_SALES)
    lock_record(quote)
    if quote.status != QuoteStatus.ACCEPTED:
        raise DomainError(_("Only an accepted quote becomes an order."), field="status")
    if Order.with_trash.filter(quote=quote).exists():
        raise DomainError(_("This quote already has its order."))
    lines = [
        {key: value for key, value in line.items() if key != "description" or value}
        for line in current_lines(quote)
    ]
    given = {
        "contact_id": quote.contact_id,
        "company_id": quote.company_id,
        "deal_id": quote.deal_id,
        "currency": quote.currency,
        "lines": lines,
    }
    return create_order(member=member, data={**given, **(data or {})}, quote=quote)


def expire_quotes(*, today: datetime.date | None = None) -> int:
    """Sent quotes past their validity become expired (the nightly job); how many."""
    today = today or timezone.localdate()
    expired = 0
    with transaction.atomic():
        for quote in Quote.objects.select_for_update().filter(status=QuoteStatus.SENT, valid_until__lt=today):
            before = column_values(quote, ["status", "status_changed_on"])
            quote.status, quote.status_changed_on = QuoteStatus.EXPIRED, today
            changes = save_changed_fields(quote, before, actor=None)
            record_change(quote, action=AuditEntry.Action.UPDATE, actor=None, changes=changes)
            expired += 1
    return expired


def trash_quote(*, quote: Quote, member: Membership, expected_version: str | None = None) -> None:
    require(member, Permission.EDIT_SALES)
    move_to_trash(quote, actor=member.user, expected_version=expected_version)


def restore_quote(*, quote: Quote, member: Membership) -> None:
    require(member, Permission.EDIT_SALES)
    restore_from_trash(quote, actor=member.user)
