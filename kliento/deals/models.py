"""Pipelines and their stages, lost reasons, deals with their product lines, and each deal's
stage history.

Money: a deal keeps its amount in its own currency with the rate and the base-currency amount the
catalogue's `to_base` gave when the amount was set, so totals in the base currency never sum
different currencies and never change when a later rate is entered.

Board order: `position` orders the deals of one stage (smallest first). Positions are spaced
`POSITION_GAP` apart, so a card dropped between two neighbours takes the middle value and no
other row changes; only when two neighbours have no integer left between them is the column
renumbered (see services.move_deal).
"""

from __future__ import annotations

from typing import Self

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kliento.catalog.money import AMOUNT_DIGITS, AMOUNT_PLACES, RATE_DIGITS, RATE_PLACES
from kliento.core.models import Membership, User, validate_currency
from kliento.core.models import Tag as Tag
from kliento.core.records.tags import TagLink
from kliento.core.tenancy import M, SoftDeleteModel, TenantManager, TenantModel, TenantQuerySet

POSITION_GAP = 1024
TITLE_MAX = 200
TEXT_MAX = 5000


class StageKind(models.TextChoices):
    OPEN = "open", _("Open")
    WON = "won", _("Won")
    LOST = "lost", _("Lost")


class Pipeline(TenantModel):
    name = models.CharField(_("name"), max_length=100)
    is_default = models.BooleanField(_("default"), default=False)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("pipeline")
        verbose_name_plural = _("pipelines")
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="pipeline_unique_name"),
            models.UniqueConstraint(
                fields=["organization"], condition=Q(is_default=True), name="pipeline_one_default"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Stage(TenantModel):
    pipeline = models.ForeignKey(Pipeline, on_delete=models.CASCADE, related_name="stages")
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=4, choices=StageKind, default=StageKind.OPEN)
    position = models.PositiveIntegerField(_("position"), default=0)
    probability = models.PositiveSmallIntegerField(
        _("win probability"), default=0, help_text=_("Per cent, from 0 to 100.")
    )
    stale_after_days = models.PositiveSmallIntegerField(
        _("stale after days"),
        null=True,
        blank=True,
        help_text=_("A deal in this stage longer than this is marked stale; empty: never."),
    )

    class Meta:
        verbose_name = _("stage")
        verbose_name_plural = _("stages")
        indexes = [models.Index(fields=["organization", "pipeline", "position"], name="stage_org_pipeline")]
        constraints = [
            models.CheckConstraint(condition=Q(probability__lte=100), name="stage_probability_lte_100"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_closed(self) -> bool:
        return self.kind != StageKind.OPEN


class LostReason(TenantModel):
    name = models.CharField(_("name"), max_length=100)
    position = models.PositiveIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("lost reason")
        verbose_name_plural = _("lost reasons")
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="lostreason_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class DealQuerySet(TenantQuerySet[M]):
    def visible_to(self, member: Membership) -> Self:
        """Every deal, or only the member's own and their team's when visibility is limited."""
        if member.sees_all_records:
            return self
        return self.filter(owner_id__in=member.team_member_ids())

    def open(self) -> Self:
        return self.filter(status=StageKind.OPEN)


DealManager = TenantManager.from_queryset(DealQuerySet)


# References between deals and their settings RESTRICT rather than PROTECT: a stage or product in
# use cannot be deleted on its own, but an organization deleted as a whole takes them all.
class Deal(TenantModel, SoftDeleteModel):
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    pipeline = models.ForeignKey(
        Pipeline, on_delete=models.RESTRICT, related_name="deals", verbose_name=_("pipeline")
    )
    stage = models.ForeignKey(Stage, on_delete=models.RESTRICT, related_name="deals", verbose_name=_("stage"))
    position = models.BigIntegerField(_("position"), default=0)
    status = models.CharField(_("status"), max_length=4, choices=StageKind, default=StageKind.OPEN)
    amount = models.DecimalField(
        _("amount"), max_digits=AMOUNT_DIGITS, decimal_places=AMOUNT_PLACES, default=0
    )
    currency = models.CharField(_("currency"), max_length=3, validators=[validate_currency])
    rate = models.DecimalField(
        _("exchange rate"), max_digits=RATE_DIGITS, decimal_places=RATE_PLACES, default=1
    )
    amount_base = models.DecimalField(
        _("amount in base currency"), max_digits=AMOUNT_DIGITS, decimal_places=AMOUNT_PLACES, default=0
    )
    expected_close_on = models.DateField(_("expected close date"), null=True, blank=True)
    owner = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("owner")
    )
    contact = models.ForeignKey(
        "customers.Contact",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deals",
        verbose_name=_("contact"),
    )
    company = models.ForeignKey(
        "customers.Company",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deals",
        verbose_name=_("company"),
    )
    lost_reason = models.ForeignKey(
        LostReason,
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("lost reason"),
    )
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    stage_changed_at = models.DateTimeField(_("in this stage since"), null=True, blank=True)
    description = models.TextField(_("notes"), max_length=TEXT_MAX, blank=True)
    custom_fields = models.JSONField(_("custom fields"), default=dict, blank=True)
    tags: models.ManyToManyField[Tag, DealTag] = models.ManyToManyField(
        "core.Tag", through="DealTag", related_name="+", blank=True, verbose_name=_("tags")
    )

    objects = DealManager()  # type: ignore[assignment,misc]
    with_trash = TenantManager.from_queryset(DealQuerySet)(include_trash=True)

    class Meta:
        verbose_name = _("deal")
        verbose_name_plural = _("deals")
        indexes = [
            # A board column: its cards in order, and its count and total in one index range.
            models.Index(fields=["organization", "stage", "position", "id"], name="deal_org_stage_position"),
            models.Index(fields=["organization", "pipeline", "status"], name="deal_org_pipeline_status"),
            models.Index(fields=["organization", "title", "id"], name="deal_org_title"),
            models.Index(fields=["organization", "-updated_at", "-id"], name="deal_org_updated"),
            models.Index(fields=["organization", "-created_at", "-id"], name="deal_org_created"),
            models.Index(fields=["organization", "amount_base", "id"], name="deal_org_amount"),
            models.Index(fields=["organization", "owner", "title", "id"], name="deal_org_owner"),
            # A customer's latest deals: filtered and ordered by one index, or SQLite walks
            # deal_org_updated through every deal of the organization.
            models.Index(
                fields=["organization", "contact", "-updated_at", "-id"], name="deal_org_contact_updated"
            ),
            models.Index(
                fields=["organization", "company", "-updated_at", "-id"], name="deal_org_company_updated"
            ),
            # The board's column counts and totals, read from the index alone (selectors.column_totals).
            models.Index(
                fields=["organization", "pipeline", "stage", "amount_base"],
                condition=Q(deleted_at=None),
                name="deal_board_totals",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="deal_amount_gte_0"),
            models.CheckConstraint(condition=Q(rate__gt=0), name="deal_rate_gt_0"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_closed(self) -> bool:
        return self.status != StageKind.OPEN


class DealTag(TagLink):
    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="tag_links")

    class Meta(TagLink.Meta):
        verbose_name = _("tag of a deal")
        verbose_name_plural = _("tags of deals")
        indexes = [models.Index(fields=["organization", "tag", "deal"], name="dealtag_org_tag")]
        constraints = [models.UniqueConstraint(fields=["deal", "tag"], name="dealtag_unique")]

    def __str__(self) -> str:
        return f"{self.deal_id}: {self.tag_id}"


class DealLine(TenantModel):
    """A product on a deal: quantity x unit price less the discount (per cent), in the deal's currency."""

    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(
        "catalog.Product", on_delete=models.RESTRICT, related_name="+", verbose_name=_("product")
    )
    position = models.PositiveIntegerField(default=0)
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=3)
    unit_price = models.DecimalField(_("unit price"), max_digits=AMOUNT_DIGITS, decimal_places=AMOUNT_PLACES)
    discount = models.DecimalField(_("discount (%)"), max_digits=5, decimal_places=2, default=0)
    amount = models.DecimalField(_("amount"), max_digits=AMOUNT_DIGITS, decimal_places=AMOUNT_PLACES)

    class Meta:
        verbose_name = _("deal line")
        verbose_name_plural = _("deal lines")
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="dealline_quantity_gt_0"),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="dealline_unit_price_gte_0"),
            models.CheckConstraint(
                condition=Q(discount__gte=0, discount__lte=100), name="dealline_discount_0_100"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.product_id}"


class StageChange(TenantModel):
    """A deal entering a stage: when (created_at) and by whom (created_by); the first has no from_stage."""

    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.ForeignKey(Stage, on_delete=models.RESTRICT, null=True, blank=True, related_name="+")
    to_stage = models.ForeignKey(Stage, on_delete=models.RESTRICT, related_name="+")

    class Meta:
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")
        indexes = [models.Index(fields=["organization", "deal", "created_at"], name="stagechange_org_deal")]

    def __str__(self) -> str:
        return f"{self.deal_id}: {self.from_stage_id} → {self.to_stage_id}"
