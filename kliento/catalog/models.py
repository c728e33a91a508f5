"""The catalogue: exchange rates, products with a price per currency, and price lists."""

from __future__ import annotations

from typing import Self

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kliento.catalog.money import AMOUNT_DIGITS, AMOUNT_PLACES, RATE_DIGITS, RATE_PLACES
from kliento.core.models import Membership, validate_currency
from kliento.core.models import Tag as Tag
from kliento.core.records.tags import TagLink
from kliento.core.tenancy import M, SoftDeleteModel, TenantManager, TenantModel, TenantQuerySet

NAME_MAX = 200
TEXT_MAX = 5000


class ExchangeRate(TenantModel):
    """One unit of `currency` is worth `rate` units of the organization's base currency from
    `valid_from` on, until the next rate of the same currency."""

    currency = models.CharField(_("currency"), max_length=3, validators=[validate_currency])
    rate = models.DecimalField(_("rate"), max_digits=RATE_DIGITS, decimal_places=RATE_PLACES)
    valid_from = models.DateField(_("valid from"))

    class Meta:
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "currency", "valid_from"], name="exchangerate_unique_day"
            ),
            models.CheckConstraint(condition=Q(rate__gt=0), name="exchangerate_rate_gt_0"),
        ]

    def __str__(self) -> str:
        return f"{self.currency} {self.valid_from.isoformat()}"


class ProductQuerySet(TenantQuerySet[M]):
    def visible_to(self, member: Membership) -> Self:
        """The catalogue is the organization's: every member sees all of it."""
        return self

    def active(self) -> Self:
        return self.filter(is_active=True)


ProductManager = TenantManager.from_queryset(ProductQuerySet)


class Product(TenantModel, SoftDeleteModel):
    sku = models.CharField(_("SKU"), max_length=64, help_text=_("Unique within your organization."))
    name = models.CharField(_("name"), max_length=NAME_MAX)
    category = models.CharField(_("category"), max_length=100, blank=True)
    unit = models.CharField(
        _("unit"), max_length=30, blank=True, help_text=_("For example: piece, hour, kg.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    description = models.TextField(_("description"), max_length=TEXT_MAX, blank=True)
    custom_fields = models.JSONField(_("custom fields"), default=dict, blank=True)
    tags: models.ManyToManyField[Tag, ProductTag] = models.ManyToManyField(
        "core.Tag", through="ProductTag", related_name="+", blank=True, verbose_name=_("tags")
    )

    objects = ProductManager()  # type: ignore[assignment,misc]
    with_trash = TenantManager.from_queryset(ProductQuerySet)(include_trash=True)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        constraints = [
            # Trashed products keep their SKU: restoring one never meets a new product holding it.
            models.UniqueConstraint(fields=["organization", "sku"], name="product_unique_sku"),
        ]
        indexes = [
            models.Index(fields=["organization", "name", "id"], name="product_org_name"),
            models.Index(fields=["organization", "category", "name", "id"], name="product_org_category"),
            models.Index(fields=["organization", "-updated_at", "-id"], name="product_org_updated"),
            models.Index(fields=["organization", "-created_at", "-id"], name="product_org_created"),
        ]

    def __str__(self) -> str:
        return self.name


class ProductTag(TagLink):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="tag_links")

    class Meta(TagLink.Meta):
        verbose_name = _("tag of a product")
        verbose_name_plural = _("tags of products")
        indexes = [models.Index(fields=["organization", "tag", "product"], name="producttag_org_tag")]
        constraints = [models.UniqueConstraint(fields=["product", "tag"], name="producttag_unique")]

    def __str__(self) -> str:
        return f"{self.product_id}: {self.tag_id}"


class ProductPrice(TenantModel):
    """A product's own price in one currency: one row per product and currency."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="prices")
    currency = models.CharField(_("currency"), max_length=3, validators=[validate_currency])
    amount = models.DecimalField(_("price"), max_digits=AMOUNT_DIGITS, decimal_places=AMOUNT_PLACES)

    class Meta:
        verbose_name = _("product price")
        verbose_name_plural = _("product prices")
        constraints = [
            models.UniqueConstraint(fields=["product", "currency"], name="productprice_unique_currency"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="productprice_amount_gte_0"),
        ]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"


class PriceList(TenantModel):
    """Prices of some products in one currency (wholesale, a region, a season); a product not on
    the list is priced at its own price in that currency."""

    name = models.CharField(_("name"), max_length=100)
    currency = models.CharField(_("currency"), max_length=3, validators=[validate_currency])
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("price list")
        verbose_name_plural = _("price lists")
        constraints = [models.UniqueConstraint(fields=["organization", "name"], name="pricelist_unique_name")]

    def __str__(self) -> str:
        return self.name


class PriceListItem(TenantModel):
    price_list = models.ForeignKey(PriceList, on_delete=models.CASCADE, related_name="items")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="price_list_items")
    amount = models.DecimalField(_("price"), max_digits=AMOUNT_DIGITS, decimal_places=AMOUNT_PLACES)

    class Meta:
        verbose_name = _("price list item")
        verbose_name_plural = _("price list items")
        constraints = [
            models.UniqueConstraint(fields=["price_list", "product"], name="pricelistitem_unique_product"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="pricelistitem_amount_gte_0"),
        ]

    def __str__(self) -> str:
        return f"{self.price_list_id}: {self.product_id}"
