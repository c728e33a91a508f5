"""Quotes and orders with their lines, and each organization's sales settings.

Money: a quote or order stores its lines' computed amounts and its totals (net, discount, tax,
total) in its own currency, with the rate and the total in the base currency that the catalogue's
`to_base` gave on the document's date. Pages, PDFs and reports read these stored values; nothing
recomputes them later, so a changed rate, tax or rounding policy never changes a document already
written (see pricing.py for the arithmetic).

Orders are the purchase history: the services keep each customer's purchase summary (first and
last purchase, count, revenue in the base currency; columns of contacts and companies) and
lifecycle stage current from the orders that count as purchases (paid and fulfilled ones).
"""

from __future__ import annotations

from typing import Self

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kliento.catalog.money import AMOUNT_DIGITS, AMOUNT_PLACES, RATE_DIGITS, RATE_PLACES
from kliento.core.models import LANGUAGE_CHOICES, Membership, User, validate_currency
from kliento.core.models import Tag as Tag
from kliento.core.records.tags import TagLink
from kliento.core.tenancy import M, SoftDeleteModel, TenantManager, TenantModel, TenantQuerySet

TEXT_MAX = 5000
MAX_LINES = 200


class Rounding(models.TextChoices):
    PER_LINE = "line", _("Round each line, then add up")
    PER_TOTAL = "total", _("Add up exactly, then round the totals")


class OrderStatus(models.TextChoices):
    PLACED = "placed", _("Placed")
    PAID = "paid", _("Paid")
    FULFILLED = "fulfilled", _("Fulfilled")
    CANCELLED = "cancelled", _("Cancelled")
    REFUNDED = "refunded", _("Refunded")


# The orders that are purchases: they make the purchase history, the revenue and lifecycle moves.
PURCHASE_STATUSES = frozenset({OrderStatus.PAID, OrderStatus.FULFILLED})


class SalesChannel(models.TextChoices):
    STORE = "store", _("Store")
    ONLINE = "online", _("Online")
    PHONE = "phone", _("Phone")
    PARTNER = "partner", _("Partner")
    MARKETPLACE = "marketplace", _("Marketplace")
    FIELD = "field", _("Field sales")
    OTHER = "other", _("Other")


class QuoteStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SENT = "sent", _("Sent")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    EXPIRED = "expired", _("Expired")


class SalesSettings(TenantModel):
    """One row per organization: document arithmetic, numbering and the purchase lifecycle rules.
    Numbering locks this row, so two documents created at once never get the same number."""

    rounding = models.CharField(_("rounding"), max_length=5, choices=Rounding, default=Rounding.PER_LINE)
    default_tax_rate = models.DecimalField(
        _("default tax rate (%)"), max_digits=5, decimal_places=2, default=0
    )
    quote_valid_days = models.PositiveSmallIntegerField(_("quotes valid for (days)"), default=30)
    quote_prefix = models.CharField(_("quote number prefix"), max_length=10, default="Q-", blank=True)
    order_prefix = models.CharField(_("order number prefix"), max_length=10, default="", blank=True)
    next_quote_number = models.PositiveBigIntegerField(default=1)
    next_order_number = models.PositiveBigIntegerField(default=1)
    activate_on_first_purchase = models.BooleanField(
        _("first purchase makes a customer active"), default=True
    )
    loyal_purchases = models.PositiveSmallIntegerField(
        _("purchases that make a customer loyal"),
        default=2,
        help_text=_("This many purchases within the window below; 0 turns the rule off."),
    )
    loyal_window_days = models.PositiveSmallIntegerField(_("loyalty window (days)"), default=365)
    lapse_days = models.PositiveSmallIntegerField(
        _("lost after days without a purchase"),
        default=365,
        help_text=_("Checked every night; 0 turns the rule off."),
    )

    class Meta:
        verbose_name = _("sales settings")
        verbose_name_plural = _("sales settings")
        constraints = [
            models.UniqueConstraint(fields=["organization"], name="salessettings_one_per_org"),
            models.CheckConstraint(
                condition=Q(default_tax_rate__gte=0, default_tax_rate__lte=100),
                name="salessettings_tax_0_100",
            ),
        ]

    def __str__(self) -> str:
        return str(_("Sales settings"))


class DocumentQuerySet(TenantQuerySet[M]):
    def visible_to(self, member: Membership) -> Self:
        """Every document, or only the member's own and their team's when visibility is limited."""
        if member.sees_all_records:
            return self
        return self.filter(owner_id__in=member.team_member_ids())


DocumentManager = TenantManager.from_queryset(DocumentQuerySet)


class Document(TenantModel, SoftDeleteModel):
    """What quotes and orders share: number, customer, owner, money and totals."""

    number = models.PositiveBigIntegerField(_("number"))
    contact = models.ForeignKey(
        "customers.Contact",
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("contact"),
    )
    company = models.ForeignKey(
        "customers.Company",
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("company"),
    )
    deal = models.ForeignKey(
        "deals.Deal",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("deal"),
    )
    owner = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("owner")
    )
    currency = models.CharField(_("currency"), max_length=3, validators=[validate_currency])
    rate = models.DecimalField(
        _("exchange rate"), max_digits=RATE_DIGITS, decimal_places=RATE_PLACES, default=1
    )
    rounding = models.CharField(_("rounding"), max_length=5, choices=Rounding, default=Rounding.PER_LINE)
    subtotal = models.DecimalField(
        _("subtotal"), max_digits=AMOUNT_DIGITS, decimal_places=AMOUNT_PLACES, default=0
    )
    discount_total = models.DecimalField(
        _("discount"), max_digits=AMOUNT_DIGITS, decimal_places=AMOUNT_PLACES, default=0
    )
    net_total = models.DecimalField(
        _("net total"), max_digits=AMOUNT_DIGITS, decimal_places=AMOUNT_PLACES, default=0
    )
    tax_total = models.DecimalField(
        _("tax"), max_digits=AMOUNT_DIGITS, decimal_places=AMOUNT_PLACES, default=0
    )
    total = models.DecimalField(_("total"), max_digits=AMOUNT_DIGITS, decimal_places=AMOUNT_PLACES, default=0)
    total_base = models.DecimalField(
        _("total in base currency"), max_digits=AMOUNT_DIGITS, decimal_places=AMOUNT_PLACES, default=0
    )
    notes = models.TextField(_("notes"), max_length=TEXT_MAX, blank=True)
    custom_fields = models.JSONField(_("custom fields"), default=dict, blank=True)

    objects = DocumentManager()  # type: ignore[assignment,misc]
    with_trash = TenantManager.from_queryset(DocumentQuerySet)(include_trash=True)

    class Meta:
        abstract = True


class Quote(Document):
    status = models.CharField(_("status"), max_length=9, choices=QuoteStatus, default=QuoteStatus.DRAFT)
    issued_on = models.DateField(_("date"))
    valid_until = models.DateField(_("valid until"))
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=LANGUAGE_CHOICES,
        help_text=_("The language the customer reads the quote in."),
    )
    terms = models.TextField(_("terms"), max_length=TEXT_MAX, blank=True)
    status_changed_on = models.DateField(_("status since"), null=True, blank=True)
    tags: models.ManyToManyField[Tag, QuoteTag] = models.ManyToManyField(
        "core.Tag", through="QuoteTag", related_name="+", blank=True, verbose_name=_("tags")
    )

    class Meta:
        verbose_name = _("quote")
        verbose_name_plural = _("quotes")
        constraints = [
            models.UniqueConstraint(fields=["organization", "number"], name="quote_unique_number"),
            models.CheckConstraint(condition=Q(rate__gt=0), name="quote_rate_gt_0"),
            models.CheckConstraint(
                condition=Q(contact__isnull=False) | Q(company__isnull=False), name="quote_has_customer"
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "-issued_on", "-id"], name="quote_org_issued"),
            models.Index(fields=["organization", "status", "-issued_on", "-id"], name="quote_org_status"),
            models.Index(fields=["organization", "deal"], name="quote_org_deal"),
            models.Index(fields=["organization", "contact", "-issued_on"], name="quote_org_contact"),
            models.Index(fields=["organization", "company", "-issued_on"], name="quote_org_company"),
            models.Index(fields=["organization", "-updated_at", "-id"], name="quote_org_updated"),
        ]

    def __str__(self) -> str:
        return str(_("Quote %(number)s") % {"number": self.number})


class Order(Document):
    status = models.CharField(_("status"), max_length=9, choices=OrderStatus, default=OrderStatus.PLACED)
    ordered_on = models.DateField(_("order date"))
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    channel = models.CharField(
        _("sales channel"), max_length=12, choices=SalesChannel, default=SalesChannel.STORE
    )
    quote = models.OneToOneField(
        Quote, on_delete=models.SET_NULL, null=True, blank=True, related_name="order", verbose_name=_("quote")
    )
    external_id = models.CharField(
        _("external ID"),
        max_length=100,
        blank=True,
        help_text=_("The order's number in another system (a shop, a till); unique when given."),
    )
    tags: models.ManyToManyField[Tag, OrderTag] = models.ManyToManyField(
        "core.Tag", through="OrderTag", related_name="+", blank=True, verbose_name=_("tags")
    )

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        constraints = [
            models.UniqueConstraint(fields=["organization", "number"], name="order_unique_number"),
            models.UniqueConstraint(
                fields=["organization", "external_id"],
                condition=~Q(external_id=""),
                name="order_unique_external_id",
            ),
            models.CheckConstraint(condition=Q(rate__gt=0), name="order_rate_gt_0"),
            models.CheckConstraint(
                condition=Q(contact__isnull=False) | Q(company__isnull=False), name="order_has_customer"
            ),
        ]
        indexes = [
            # The order list: newest first, and a month of one channel or status in one index range.
            models.Index(fields=["organization", "-ordered_on", "-id"], name="order_org_date"),
            models.Index(fields=["organization", "channel", "-ordered_on", "-id"], name="order_org_channel"),
            models.Index(fields=["organization", "status", "-ordered_on", "-id"], name="order_org_status"),
            # A customer's orders and their purchase summary.
            models.Index(fields=["organization", "contact", "-ordered_on", "-id"], name="order_org_contact"),
            models.Index(fields=["organization", "company", "-ordered_on", "-id"], name="order_org_company"),
            models.Index(fields=["organization", "deal"], name="order_org_deal"),
            models.Index(fields=["organization", "-updated_at", "-id"], name="order_org_updated"),
            models.Index(fields=["organization", "total_base", "id"], name="order_org_total"),
        ]

    def __str__(self) -> str:
        return str(_("Order %(number)s") % {"number": self.number})

    @property
    def is_purchase(self) -> bool:
        return self.status in PURCHASE_STATUSES


class Line(TenantModel):
    """A product on a document: quantity x unit price, less the discount (per cent), plus tax (per
    cent of the net); net, tax and gross are stored as the document's rounding policy made them."""

    product = models.ForeignKey(
        "catalog.Product", on_delete=models.RESTRICT, related_name="+", verbose_name=_("product")
    )
    position = models.PositiveIntegerField(default=0)
    description = models.CharField(_("description"), max_length=500, blank=True)
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=3)
    unit_price = models.DecimalField(_("unit price"), max_digits=AMOUNT_DIGITS, decimal_places=AMOUNT_PLACES)
    discount = models.DecimalField(_("discount (%)"), max_digits=5, decimal_places=2, default=0)
    tax_rate = models.DecimalField(_("tax (%)"), max_digits=5, decimal_places=2, default=0)
    net = models.DecimalField(_("net"), max_digits=AMOUNT_DIGITS, decimal_places=AMOUNT_PLACES)
    tax = models.DecimalField(_("tax"), max_digits=AMOUNT_DIGITS, decimal_places=AMOUNT_PLACES)
    gross = models.DecimalField(_("amount"), max_digits=AMOUNT_DIGITS, decimal_places=AMOUNT_PLACES)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.quantity} x {self.product_id}"


def _line_checks(prefix: str) -> list[models.BaseConstraint]:
    return [
        models.CheckConstraint(condition=Q(quantity__gt=0), name=f"{prefix}_quantity_gt_0"),
        models.CheckConstraint(condition=Q(unit_price__gte=0), name=f"{prefix}_unit_price_gte_0"),
        models.CheckConstraint(
            condition=Q(discount__gte=0, discount__lte=100), name=f"{prefix}_discount_0_100"
        ),
        models.CheckConstraint(condition=Q(tax_rate__gte=0, tax_rate__lte=100), name=f"{prefix}_tax_0_100"),
    ]


class QuoteLine(Line):
    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="lines")

    class Meta:
        verbose_name = _("quote line")
        verbose_name_plural = _("quote lines")
        constraints = _line_checks("quoteline")
        indexes = [models.Index(fields=["organization", "quote", "position"], name="quoteline_org_quote")]


class OrderLine(Line):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")

    class Meta:
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        constraints = _line_checks("orderline")
        indexes = [
            models.Index(fields=["organization", "order", "position"], name="orderline_org_order"),
            # Revenue by product and "who bought this product".
            models.Index(fields=["organization", "product"], name="orderline_org_product"),
        ]


class QuoteTag(TagLink):
    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="tag_links")

    class Meta(TagLink.Meta):
        verbose_name = _("tag of a quote")
        verbose_name_plural = _("tags of quotes")
        indexes = [models.Index(fields=["organization", "tag", "quote"], name="quotetag_org_tag")]
        constraints = [models.UniqueConstraint(fields=["quote", "tag"], name="quotetag_unique")]

    def __str__(self) -> str:
        return f"{self.quote_id}: {self.tag_id}"


class OrderTag(TagLink):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="tag_links")

    class Meta(TagLink.Meta):
        verbose_name = _("tag of an order")
        verbose_name_plural = _("tags of orders")
        indexes = [models.Index(fields=["organization", "tag", "order"], name="ordertag_org_tag")]
        constraints = [models.UniqueConstraint(fields=["order", "tag"], name="ordertag_unique")]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.tag_id}"
