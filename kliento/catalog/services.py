"""Every write of the catalogue: products, their prices, price lists and exchange rates.

Each service checks the member's permission, runs in one transaction, locks what it changes, saves
only changed fields and writes the audit entry; bad input is a ValidationError or InvalidInput
naming the field, so the API answers 422 and a form shows the error beside its input.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from decimal import ROUND_DOWN, Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kliento.catalog.models import ExchangeRate, PriceList, PriceListItem, Product, ProductPrice
from kliento.catalog.money import AMOUNT_DIGITS, AMOUNT_PLACES, RATE_DIGITS, RATE_PLACES, check_currency
from kliento.core.audit import (
    audit_batch,
    bulk_move_to_trash,
    bulk_update_records,
    column_values,
    create_record,
    lock_record,
    move_to_trash,
    record_change,
    restore_from_trash,
    save_changed_fields,
)
from kliento.core.errors import InvalidInput
from kliento.core.models import AuditEntry, Membership
from kliento.core.permissions import Permission
from kliento.core.records import tags as record_tags
from kliento.core.records.fields.values import clean_custom_values, definitions_for, store_custom_values
from kliento.core.services import require

PRODUCT_FIELDS = frozenset({"sku", "name", "category", "unit", "is_active", "description"})
PRODUCT_EXTRAS = frozenset({"tags", "custom_fields", "prices"})
BULK_LIMIT = 10_000
MAX_PRICES = 50


# Checks ---------------------------------------------------------------------------------------


def check_amount(
    value: Any, *, field: str = "amount", digits: int = AMOUNT_DIGITS, places: int = AMOUNT_PLACES
) -> Decimal:
    """A non-negative Decimal the amount columns hold exactly; InvalidInput naming the field."""
    if isinstance(value, bool) or not isinstance(value, Decimal | int | str):
        raise InvalidInput(_("Enter an amount, such as 12.50."), field=field)
    try:
        amount = Decimal(value)
    except InvalidOperation:
        raise InvalidInput(_("Enter an amount, such as 12.50."), field=field) from None
    if not amount.is_finite():
        raise InvalidInput(_("Enter an amount, such as 12.50."), field=field)
    if amount < 0:
        raise InvalidInput(_("An amount cannot be negative."), field=field)
    if amount >= Decimal(10) ** (digits - places):
        raise InvalidInput(_("This amount is too large."), field=field)
    if amount != amount.quantize(Decimal(1).scaleb(-places), rounding=ROUND_DOWN):
        raise InvalidInput(_("Use at most %(places)s decimal places.") % {"places": places}, field=field)
    return amount


def _check_known(data: Mapping[str, Any], allowed: frozenset[str]) -> None:
    unknown = set(data) - allowed
    if unknown:
        raise ValidationError({name: [_("There is no such field.")] for name in sorted(unknown)})


def _check_sku(product: Product) -> None:
    taken = Product.with_trash.filter(sku=product.sku).exclude(pk=product.pk)
    if product.sku and taken.exists():
        raise InvalidInput(
            _("Another product already has the SKU “%(sku)s”.") % {"sku": product.sku}, field="sku"
        )


def _clean_prices(prices: Any) -> dict[str, Decimal]:
    """{currency: amount} from a mapping of codes to amounts; errors name `prices.<code>`."""
    if not isinstance(prices, Mapping):
        raise InvalidInput(_("Give prices as currency codes with amounts."), field="prices")
    if len(prices) > MAX_PRICES:
        raise InvalidInput(
            _("A product has at most %(count)s prices.") % {"count": MAX_PRICES}, field="prices"
        )
    cleaned = {}
    for code, amount in prices.items():
        currency = check_currency(str(code), field=f"prices.{code}")
        cleaned[currency] = check_amount(amount, field=f"prices.{currency}")
    return cleaned


def _apply_fields(product: Product, data: Mapping[str, Any]) -> None:
    for name in PRODUCT_FIELDS & set(data):
        value = data[name]
        setattr(product, name, value.strip() if isinstance(value, str) else value)


def shown(amount: Decimal | None) -> str | None:
    """An amount as the history keeps it: without the column's trailing zeros."""
    return None if amount is None else f"{amount.normalize():f}"


# Products -------------------------------------------------------------------------------------


def _write_prices(product: Product, prices: Mapping[str, Decimal], *, replace: bool) -> dict[str, list[Any]]:
    """Give the product these prices (and, with replace, only these): {prices.EUR: [old, new]}."""
    current = {price.currency: price for price in ProductPrice.objects.filter(product=product)}
    changes: dict[str, list[Any]] = {}
    for currency, amount in prices.items():
        price = current.get(currency)
        if price is None:
            ProductPrice.objects.create(
                organization_id=product.organization_id, product=product, currency=currency, amount=amount
            )
            changes[f"prices.{currency}"] = [None, shown(amount)]
        elif price.amount != amount:
            changes[f"prices.{currency}"] = [shown(price.amount), shown(amount)]
            price.amount = amount
            price.save(update_fields=["amount", "updated_at"])
    if replace:
        gone = [currency for currency in current if currency not in prices]
        ProductPrice.objects.filter(product=product, currency__in=gone).delete()
        changes.update({f"prices.{currency}": [shown(current[currency].amount), None] for currency in gone})
    return changes


@transaction.atomic
def create_product(*, member: Membership, data: Mapping[str, Any]) -> Product:
    """A new product with its prices, tags and custom values, and one Created entry holding them."""
    require(member, Permission.EDIT_SALES)
    _check_known(data, PRODUCT_FIELDS | PRODUCT_EXTRAS)
    product = Product(organization_id=member.organization_id)
    _apply_fields(product, data)
    _check_sku(product)
    prices = _clean_prices(data.get("prices") or {})
    product.custom_fields = clean_custom_values("product", data.get("custom_fields") or {})
    tags = record_tags.tags_named(
        data.get("tags") or [], actor=member.user, organization_id=member.organization_id
    )
    related: dict[str, Any] = {f"prices.{code}": shown(amount) for code, amount in prices.items()}
    related["tags"] = sorted(tag.name for tag in tags)
    create_record(product, actor=member.user, related=related)
    store_custom_values(product, definitions_for("product"))
    _write_prices(product, prices, replace=False)
    if tags:
        record_tags.set_tags(product, tags, actor=member.user)
    return product


@transaction.atomic
def update_product(
    *, product: Product, member: Membership, data: Mapping[str, Any], expected_version: str | None = None
) -> Product:
    """Change the fields given (prices, when given, replace all the product's prices), on the row
    as stored now; with expected_version, refuse if the product changed since."""
    require(member, Permission.EDIT_SALES)
    _check_known(data, PRODUCT_FIELDS | PRODUCT_EXTRAS)
    lock_record(product, expected_version=expected_version)
    before = column_values(product)
    _apply_fields(product, data)
    if "sku" in data:
        _check_sku(product)
    if "custom_fields" in data:
        product.custom_fields = clean_custom_values(
            "product", data["custom_fields"] or {}, current=product.custom_fields, record_id=product.pk
        )
    prices = _clean_prices(data["prices"] or {}) if "prices" in data else None
    product.full_clean(exclude=["tags", "organization", "created_by", "updated_by", "deleted_by"])
    changes: dict[str, Any] = {}
    if prices is not None:
        changes.update(_write_prices(product, prices, replace=True))
    if "tags" in data:
        changes.update(record_tags.set_tags(product, data["tags"] or [], actor=member.user))
    changes.update(save_changed_fields(product, before, actor=member.user, touch=bool(changes)))
    if changes:
        if "custom_fields" in changes:
            store_custom_values(product, definitions_for("product"))
        record_change(product, action=AuditEntry.Action.UPDATE, actor=member.user, changes=changes)
    return product


@transaction.atomic
def set_product_price(
    *, product: Product, member: Membership, currency: str, amount: Any, expected_version: str | None = None
) -> Product:
    """Set (or, with amount None, remove) the product's own price in one currency."""
    require(member, Permission.EDIT_SALES)
    currency = check_currency(currency)
    checked = None if amount is None else check_amount(amount)
    lock_record(product, expected_version=expected_version)
    if checked is None:
        old = ProductPrice.objects.filter(product=product, currency=currency).first()
        if old is None:
            return product
        old.delete()
        changes = {f"prices.{currency}": [shown(old.amount), None]}
    else:
        changes = _write_prices(product, {currency: checked}, replace=False)
    if changes:
        save_changed_fields(product, {}, actor=member.user, touch=True)
        record_change(product, action=AuditEntry.Action.UPDATE, actor=member.user, changes=changes)
    return product


def trash_product(*, product: Product, member: Membership, expected_version: str | None = None) -> None:
    require(member, Permission.EDIT_SALES)
    move_to_trash(product, actor=member.user, expected_version=expected_version)


def restore_product(*, product: Product, member: Membership) -> None:
    require(member, Permission.EDIT_SALES)
    restore_from_trash(product, actor=member.user)


@transaction.atomic
def bulk_update_products(
    *, member: Membership, ids: Sequence[int], action: str, value: Any = None, reason: str = ""
) -> int:
    """One action on a selection of products, an entry on each one changed under one batch id."""
    require(member, Permission.EDIT_SALES)
    ids = list(Product.objects.filter(pk__in=list(ids)[:BULK_LIMIT]).values_list("pk", flat=True))
    if not ids:
        return 0
    with audit_batch():
        if action in ("add_tag", "remove_tag"):
            record_tags.tag_records(Product, ids, name=value, add=action == "add_tag", member=member)
        elif action == "set_active":
            if value not in ("yes", "no"):
                raise ValidationError({"value": [_("Choose active or inactive.")]})
            bulk_update_records(Product, ids, {"is_active": value == "yes"}, actor=member.user)
        elif action == "trash":
            bulk_move_to_trash(Product, ids, actor=member.user)
        else:
            raise ValidationError({"action": [_("Unknown bulk action.")]})
    return len(ids)


# Price lists ----------------------------------------------------------------------------------


def _check_price_list(price_list: PriceList) -> None:
    check_currency(price_list.currency)
    if not price_list.name:
        raise InvalidInput(_("Name the price list."), field="name")
    if PriceList.objects.filter(name__iexact=price_list.name).exclude(pk=price_list.pk).exists():
        raise InvalidInput(_("Another price list has this name."), field="name")


@transaction.atomic
def save_price_list(
    *, member: Membership, data: Mapping[str, Any], price_list: PriceList | None = None
) -> PriceList:
    """Create a price list, or change the name, currency or state of one."""
    require(member, Permission.EDIT_SALES)
    _check_known(data, frozenset({"name", "currency", "is_active"}))
    if price_list is None:
        price_list = PriceList(organization_id=member.organization_id)
        for name, value in data.items():
            setattr(price_list, name, value.strip() if isinstance(value, str) else value)
        _check_price_list(price_list)
        return create_record(price_list, actor=member.user)
    lock_record(price_list)
    before = column_values(price_list)
    for name, value in data.items():
        setattr(price_list, name, value.strip() if isinstance(value, str) else value)
    _check_price_list(price_list)
    changes = save_changed_fields(price_list, before, actor=member.user)
    if changes:
        record_change(price_list, action=AuditEntry.Action.UPDATE, actor=member.user, changes=changes)
    return price_list


@transaction.atomic
def delete_price_list(*, member: Membership, price_list: PriceList) -> None:
    """Delete a price list and its items for good (products keep their own prices)."""
    require(member, Permission.EDIT_SALES)
    lock_record(price_list)
    record_change(price_list, action=AuditEntry.Action.PURGE, actor=member.user)
    price_list.delete()


@transaction.atomic
def set_price_list_item(
    *, member: Membership, price_list: PriceList, product_id: Any, amount: Any
) -> PriceListItem | None:
    """Price a product on the list (amount None takes it off the list, back to its own price)."""
    require(member, Permission.EDIT_SALES)
    product = (
        Product.objects.filter(pk=product_id).first()
        if isinstance(product_id, int) and not isinstance(product_id, bool) and 0 < product_id < 2**63
        else None
    )
    if product is None:
        raise InvalidInput(_("There is no such product."), field="product_id")
    checked = None if amount is None else check_amount(amount)
    lock_record(price_list)
    item = PriceListItem.objects.filter(price_list=price_list, product=product).first()
    old = shown(item.amount) if item is not None else None
    if checked is None:
        if item is not None:
            item.delete()
        item = None
    elif item is None:
        item = PriceListItem.objects.create(
            organization_id=price_list.organization_id, price_list=price_list, product=product, amount=checked
        )
    elif item.amount != checked:
        item.amount = checked
        item.save(update_fields=["amount", "updated_at"])
    new = shown(checked)
    if old != new:
        save_changed_fields(price_list, {}, actor=member.user, touch=True)
        record_change(
            price_list,
            action=AuditEntry.Action.UPDATE,
            actor=member.user,
            changes={f"items.{product.sku}": [old, new]},
        )
    return item


# Exchange rates -------------------------------------------------------------------------------


def _check_rate(value: Any) -> Decimal:
    rate = check_amount(value, field="rate", digits=RATE_DIGITS, places=RATE_PLACES)
    if rate == 0:
        raise InvalidInput(_("A rate is more than zero."), field="rate")
    return rate


@transaction.atomic
def save_exchange_rate(
    *, member: Membership, currency: str, rate: Any, valid_from: datetime.date
) -> ExchangeRate:
    """The rate of a currency from a date on (replacing the rate entered for that same date)."""
    require(member, Permission.MANAGE_ORGANIZATION)
    currency = check_currency(currency)
    if currency == member.organization.base_currency:
        raise InvalidInput(_("The base currency needs no rate: it is always 1."), field="currency")
    if not isinstance(valid_from, datetime.date):
        raise InvalidInput(_("Enter a date."), field="valid_from")
    checked = _check_rate(rate)
    existing = ExchangeRate.objects.filter(currency=currency, valid_from=valid_from).first()
    if existing is None:
        return create_record(
            ExchangeRate(
                organization_id=member.organization_id, currency=currency, rate=checked, valid_from=valid_from
            ),
            actor=member.user,
        )
    lock_record(existing)
    before = column_values(existing)
    existing.rate = checked
    changes = save_changed_fields(existing, before, actor=member.user)
    if changes:
        record_change(existing, action=AuditEntry.Action.UPDATE, actor=member.user, changes=changes)
    return existing


@transaction.atomic
def delete_exchange_rate(*, member: Membership, rate: ExchangeRate) -> None:
    require(member, Permission.MANAGE_ORGANIZATION)
    lock_record(rate)
    record_change(rate, action=AuditEntry.Action.PURGE, actor=member.user)
    rate.delete()
