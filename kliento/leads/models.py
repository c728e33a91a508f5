"""Leads: unqualified requests and enquiries, before anyone knows whether they are customers.

A lead is not a contact whose lifecycle stage is "lead": it is what someone asked (a form, a call,
an email), kept apart until qualified, then converted into a contact (and company) that it links to.
"""

from __future__ import annotations

from typing import Self

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kliento.core.models import Membership, Tag, Team, User
from kliento.core.records.tags import TagLink
from kliento.core.tenancy import SoftDeleteModel, TenantManager, TenantModel, TenantQuerySet

NAME_MAX = 150
MESSAGE_MAX = 5000
UTM_KEYS = ("source", "medium", "campaign", "term", "content")
UTM_VALUE_MAX = 200


class LeadSource(models.TextChoices):
    WEB_FORM = "web_form", _("Web form")
    PHONE = "phone", _("Phone call")
    EMAIL = "email", _("Email")
    CHAT = "chat", _("Chat")
    REFERRAL = "referral", _("Referral")
    EVENT = "event", _("Event")
    IMPORT = "import", _("Import")
    OTHER = "other", _("Other")


class LeadStatus(models.TextChoices):
    NEW = "new", _("New")
    CONTACTED = "contacted", _("Contacted")
    QUALIFIED = "qualified", _("Qualified")
    DISQUALIFIED = "disqualified", _("Disqualified")


OPEN_STATUSES = (LeadStatus.NEW, LeadStatus.CONTACTED, LeadStatus.QUALIFIED)


class LeadQuerySet(TenantQuerySet["Lead"]):
    def visible_to(self, member: Membership) -> Self:
        """Every lead, or only the member's own and their team's when visibility is limited."""
        if member.sees_all_records:
            return self
        return self.filter(owner_id__in=member.team_member_ids())

    def open(self) -> Self:
        """Leads someone still works on: not disqualified and not yet converted."""
        return self.filter(status__in=OPEN_STATUSES, contact__isnull=True)


LeadManager = TenantManager.from_queryset(LeadQuerySet)


class Lead(TenantModel, SoftDeleteModel):
    class QueueRank(models.IntegerChoices):
        # The inbox shows the leads waiting for a first answer before the rest: an integer rather
        # than a condition on a nullable column, so one index serves the order and keyset pages.
        AWAITING = 0, _("Awaiting a first response")
        SETTLED = 1, _("Answered or closed")

    name = models.CharField(_("name"), max_length=NAME_MAX)
    company_name = models.CharField(_("company name"), max_length=NAME_MAX, blank=True)
    email = models.CharField(_("email"), max_length=254, blank=True)  # normalized, lower-cased
    phone = models.CharField(_("phone"), max_length=20, blank=True)  # E.164
    message = models.TextField(_("message"), max_length=MESSAGE_MAX, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=LeadSource, default=LeadSource.OTHER)
    status = models.CharField(_("status"), max_length=12, choices=LeadStatus, default=LeadStatus.NEW)
    disqualify_reason = models.ForeignKey(
        "leads.DisqualifyReason",
        on_delete=models.SET_NULL,  # reasons are withdrawn, never deleted, but for their organization
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reason for disqualifying"),
    )
    owner = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("owner")
    )
    score = models.PositiveSmallIntegerField(_("score"), default=0, editable=False)
    first_response_at = models.DateTimeField(_("first response"), null=True, blank=True, editable=False)
    first_response_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("first response by"),
    )
    queue_rank = models.PositiveSmallIntegerField(
        choices=QueueRank, default=QueueRank.AWAITING, editable=False
    )
    # UTM parameters of the first visit that brought the lead, and of the visit that sent the form.
    first_touch = models.JSONField(_("first touch"), default=dict, blank=True)
    last_touch = models.JSONField(_("last touch"), default=dict, blank=True)
    # What it became.
    contact = models.ForeignKey(
        "customers.Contact",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("contact"),
    )
    company = models.ForeignKey(
        "customers.Company",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("company"),
    )
    converted_at = models.DateTimeField(_("converted"), null=True, blank=True, editable=False)
    # A lead arriving with the email or phone of an open lead or a contact is kept and linked to it.
    duplicate_of_lead = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("possible duplicate of lead"),
    )
    duplicate_of_contact = models.ForeignKey(
        "customers.Contact",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("possible duplicate of contact"),
    )
    custom_fields = models.JSONField(_("custom fields"), default=dict, blank=True)
    sort_name = models.CharField(max_length=NAME_MAX * 2, editable=False, default="")
    search_text = models.TextField(editable=False, default="")
    tags: models.ManyToManyField[Tag, LeadTag] = models.ManyToManyField(
        "core.Tag", through="LeadTag", related_name="+", blank=True, verbose_name=_("tags")
    )

    objects = LeadManager()  # type: ignore[assignment,misc]
    with_trash = TenantManager.from_queryset(LeadQuerySet)(include_trash=True)

    class Meta:
        verbose_name = _("lead")
        verbose_name_plural = _("leads")
        indexes = [
            models.Index(fields=["organization", "queue_rank", "created_at", "id"], name="lead_org_queue"),
            models.Index(fields=["organization", "sort_name", "id"], name="lead_org_sort_name"),
            models.Index(fields=["organization", "-created_at", "-id"], name="lead_org_created"),
            models.Index(fields=["organization", "-updated_at", "-id"], name="lead_org_updated"),
            models.Index(fields=["organization", "-score", "-id"], name="lead_org_score"),
            models.Index(fields=["organization", "owner", "queue_rank", "created_at"], name="lead_org_owner"),
            models.Index(
                fields=["organization", "status", "queue_rank", "created_at"], name="lead_org_status"
            ),
            models.Index(fields=["organization", "email"], name="lead_org_email"),
            models.Index(fields=["organization", "phone"], name="lead_org_phone"),
            models.Index(fields=["organization", "contact"], name="lead_org_contact"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(score__lte=100), name="lead_score_lte_100"),
            models.CheckConstraint(
                condition=Q(status=LeadStatus.DISQUALIFIED) | Q(disqualify_reason__isnull=True),
                name="lead_reason_only_when_disqualified",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_converted(self) -> bool:
        return self.contact_id is not None or self.converted_at is not None

    @property
    def is_awaiting_response(self) -> bool:
        return self.queue_rank == self.QueueRank.AWAITING

    @property
    def is_duplicate(self) -> bool:
        return self.duplicate_of_lead_id is not None or self.duplicate_of_contact_id is not None


class LeadTag(TagLink):
    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="tag_links")

    class Meta(TagLink.Meta):
        verbose_name = _("tag of a lead")
        verbose_name_plural = _("tags of leads")
        indexes = [models.Index(fields=["organization", "tag", "lead"], name="leadtag_org_tag")]
        constraints = [models.UniqueConstraint(fields=["lead", "tag"], name="leadtag_unique")]

    def __str__(self) -> str:
        return f"{self.lead_id}: {self.tag_id}"


class DisqualifyReason(TenantModel):
    """One of the organization's reasons for disqualifying a lead (no budget, spam, …)."""

    label = models.CharField(_("label"), max_length=100)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("offered"), default=True)

    class Meta:
        verbose_name = _("reason for disqualifying")
        verbose_name_plural = _("reasons for disqualifying")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "label"], name="disqualifyreason_unique_label"),
        ]

    def __str__(self) -> str:
        return self.label


class WebForm(TenantModel):
    """The organization's public lead form: its secret token, whether it takes submissions, the
    team whose members get its leads in turn, and whose turn it was last."""

    token = models.CharField(max_length=64, unique=True, editable=False)
    is_enabled = models.BooleanField(_("accepting submissions"), default=True)
    team = models.ForeignKey(
        Team,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("team receiving the leads"),
    )
    last_assigned = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    token_rotated_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("web form")
        verbose_name_plural = _("web forms")
        constraints = [models.UniqueConstraint(fields=["organization"], name="webform_one_per_organization")]

    def __str__(self) -> str:
        return str(_("Lead form"))


class LeadSubmission(TenantModel):
    """One request to the public form exactly as it came, kept whatever became of it."""

    class Outcome(models.TextChoices):
        CREATED = "created", _("Created a lead")
        REPEATED = "repeated", _("Repeated a recent submission")
        SPAM = "spam", _("Refused as spam")
        INVALID = "invalid", _("Refused as invalid")

    web_form = models.ForeignKey(WebForm, on_delete=models.CASCADE, related_name="submissions")
    payload = models.JSONField(_("submitted fields"), default=dict)
    client = models.CharField(_("client address"), max_length=45, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)
    # A hash of what the person typed: the same form sent twice within the window is one lead.
    fingerprint = models.CharField(max_length=64, editable=False)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome)
    lead = models.ForeignKey(
        Lead, on_delete=models.SET_NULL, null=True, blank=True, related_name="submissions"
    )

    class Meta:
        verbose_name = _("form submission")
        verbose_name_plural = _("form submissions")
        indexes = [
            models.Index(fields=["organization", "fingerprint", "-created_at"], name="leadsubmission_org_fp"),
            models.Index(fields=["organization", "-created_at", "-id"], name="leadsubmission_org_created"),
        ]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} ({self.created_at:%Y-%m-%d %H:%M})"
