"""Customer cards: companies, contacts, their emails, phones, tags, consent, lifecycle and custom fields."""

from __future__ import annotations

from typing import Self

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_stubs_ext import StrOrPromise

from kliento.core.models import LANGUAGE_CHOICES, Membership, User
from kliento.core.models import Tag as Tag  # in core since any kind may carry tags; named here too
from kliento.core.records.tags import TagLink
from kliento.core.tenancy import M, SoftDeleteModel, TenantManager, TenantModel, TenantQuerySet

NAME_MAX = 150
TEXT_MAX = 5000


class LifecycleStage(models.TextChoices):
    LEAD = "lead", _("Lead")
    ACTIVE = "active", _("Active customer")
    LOYAL = "loyal", _("Loyal customer")
    LOST = "lost", _("Lost")


# Which stage may follow which when changed by hand or by a rule; staying put is not a change.
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    LifecycleStage.LEAD: frozenset({LifecycleStage.ACTIVE, LifecycleStage.LOST}),
    LifecycleStage.ACTIVE: frozenset({LifecycleStage.LOYAL, LifecycleStage.LOST}),
    LifecycleStage.LOYAL: frozenset({LifecycleStage.ACTIVE, LifecycleStage.LOST}),
    LifecycleStage.LOST: frozenset({LifecycleStage.LEAD, LifecycleStage.ACTIVE}),
}


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    SMS = "sms", _("SMS")
    PHONE = "phone", _("Phone")
    MESSAGING = "messaging", _("Messaging")


class Source(models.TextChoices):
    WEBSITE = "website", _("Website")
    REFERRAL = "referral", _("Referral")
    WALK_IN = "walk_in", _("Walk-in")
    PHONE = "phone", _("Phone call")
    EMAIL = "email", _("Email")
    SOCIAL = "social", _("Social media")
    ADVERTISING = "advertising", _("Advertising")
    EVENT = "event", _("Event")
    PARTNER = "partner", _("Partner")
    IMPORT = "import", _("Import")
    OTHER = "other", _("Other")


class CustomerEntity(models.TextChoices):
    """The record kinds of this app, by their keys in the record-kind registry."""

    CONTACT = "contact", _("Contacts")
    COMPANY = "company", _("Companies")


class CustomerQuerySet(TenantQuerySet[M]):
    def visible_to(self, member: Membership) -> Self:
        """Every row, or only the member's own and their team's when visibility is limited."""
        if member.sees_all_records:
            return self
        return self.filter(owner_id__in=member.team_member_ids())


CustomerManager = TenantManager.from_queryset(CustomerQuerySet)


class Customer(TenantModel, SoftDeleteModel):
    """What companies and contacts share: owner, stage, source, tags, address, custom fields."""

    owner = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("owner")
    )
    lifecycle_stage = models.CharField(
        _("lifecycle stage"), max_length=8, choices=LifecycleStage, default=LifecycleStage.LEAD
    )
    source = models.CharField(_("source"), max_length=20, choices=Source, blank=True)
    street = models.CharField(_("street"), max_length=200, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    region = models.CharField(_("region"), max_length=100, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    country = models.CharField(
        _("country"), max_length=2, blank=True, help_text=_("Two-letter code, e.g. DE")
    )
    description = models.TextField(_("notes"), max_length=TEXT_MAX, blank=True)
    custom_fields = models.JSONField(_("custom fields"), default=dict, blank=True)
    # Lower-cased name for sorting and prefix search; names, emails and phone digits for fragment search.
    sort_name = models.CharField(max_length=NAME_MAX * 2, editable=False, default="")
    search_text = models.TextField(editable=False, default="")
    # The CJK characters and character pairs of search_text, space-separated: trigram indexes
    # cannot find a one- or two-character fragment inside a Chinese, Japanese or Korean name.
    search_grams = models.TextField(editable=False, default="")
    # The purchase summary, kept by the orders' services from the orders that are purchases (paid
    # or fulfilled): read by cards, lists and the lifecycle rules without adding up orders.
    first_purchase_on = models.DateField(_("first purchase"), null=True, blank=True, editable=False)
    last_purchase_on = models.DateField(_("last purchase"), null=True, blank=True, editable=False)
    purchase_count = models.PositiveIntegerField(_("purchases"), default=0, editable=False)
    revenue_base = models.DecimalField(
        _("lifetime revenue"), max_digits=16, decimal_places=4, default=0, editable=False
    )

    # A manager with the queryset's own methods: of another class than TenantModel's, over the same rows.
    objects = CustomerManager()  # type: ignore[assignment,misc]
    with_trash = TenantManager.from_queryset(CustomerQuerySet)(include_trash=True)

    class Meta:
        abstract = True


class Company(Customer):
    name = models.CharField(_("name"), max_length=NAME_MAX)
    website = models.URLField(_("website"), max_length=200, blank=True)
    industry = models.CharField(_("industry"), max_length=100, blank=True)
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    tags: models.ManyToManyField[Tag, CompanyTag] = models.ManyToManyField(
        "core.Tag", through="CompanyTag", related_name="+", blank=True, verbose_name=_("tags")
    )

    class Meta:
        verbose_name = _("company")
        verbose_name_plural = _("companies")
        indexes = [
            models.Index(fields=["organization", "sort_name", "id"], name="company_org_sort_name"),
            models.Index(fields=["organization", "-created_at", "-id"], name="company_org_created"),
            models.Index(fields=["organization", "-updated_at", "-id"], name="company_org_updated"),
            models.Index(fields=["organization", "owner", "sort_name", "id"], name="company_org_owner"),
            models.Index(
                fields=["organization", "lifecycle_stage", "sort_name", "id"], name="company_org_stage"
            ),
            models.Index(fields=["organization", "last_purchase_on", "id"], name="company_org_last_purchase"),
            models.Index(fields=["organization", "-revenue_base", "-id"], name="company_org_revenue"),
        ]

    def __str__(self) -> str:
        return self.name


class Contact(Customer):
    first_name = models.CharField(_("first name"), max_length=NAME_MAX, blank=True)
    last_name = models.CharField(_("last name"), max_length=NAME_MAX, blank=True)
    company = models.ForeignKey(
        Company,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contacts",
        verbose_name=_("company"),
    )
    job_title = models.CharField(_("job title"), max_length=100, blank=True)
    birthday = models.DateField(_("birthday"), null=True, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=10, choices=LANGUAGE_CHOICES, blank=True
    )
    preferred_channel = models.CharField(_("preferred channel"), max_length=10, choices=Channel, blank=True)
    # The primary email and phone, copied from their rows for lists and the duplicate check.
    email = models.CharField(_("email"), max_length=254, blank=True, editable=False)
    phone = models.CharField(_("phone"), max_length=20, blank=True, editable=False)
    tags: models.ManyToManyField[Tag, ContactTag] = models.ManyToManyField(
        "core.Tag", through="ContactTag", related_name="+", blank=True, verbose_name=_("tags")
    )

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        indexes = [
            models.Index(fields=["organization", "sort_name", "id"], name="contact_org_sort_name"),
            models.Index(fields=["organization", "-created_at", "-id"], name="contact_org_created"),
            models.Index(fields=["organization", "-updated_at", "-id"], name="contact_org_updated"),
            models.Index(fields=["organization", "owner", "sort_name", "id"], name="contact_org_owner"),
            models.Index(
                fields=["organization", "lifecycle_stage", "sort_name", "id"], name="contact_org_stage"
            ),
            models.Index(fields=["organization", "company", "sort_name", "id"], name="contact_org_company"),
            # The nightly lapse rule and "most valuable customers".
            models.Index(fields=["organization", "last_purchase_on", "id"], name="contact_org_last_purchase"),
            models.Index(fields=["organization", "-revenue_base", "-id"], name="contact_org_revenue"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(first_name="", last_name=""), name="contact_has_a_name"),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return display_name(self.first_name, self.last_name)


class ContactTag(TagLink):
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="tag_links")

    class Meta(TagLink.Meta):
        verbose_name = _("tag of a contact")
        verbose_name_plural = _("tags of contacts")
        indexes = [models.Index(fields=["organization", "tag", "contact"], name="contacttag_org_tag")]
        constraints = [models.UniqueConstraint(fields=["contact", "tag"], name="contacttag_unique")]

    def __str__(self) -> str:
        return f"{self.contact_id}: {self.tag_id}"


class CompanyTag(TagLink):
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="tag_links")

    class Meta(TagLink.Meta):
        verbose_name = _("tag of a company")
        verbose_name_plural = _("tags of companies")
        indexes = [models.Index(fields=["organization", "tag", "company"], name="companytag_org_tag")]
        constraints = [models.UniqueConstraint(fields=["company", "tag"], name="companytag_unique")]

    def __str__(self) -> str:
        return f"{self.company_id}: {self.tag_id}"


def _is_cjk(text: str) -> bool:
    return any("\u3040" <= char <= "\u9fff" or "\uac00" <= char <= "\ud7af" for char in text)


def display_name(first_name: str, last_name: str) -> str:
    """Chinese, Japanese and Korean names read family name first, without a space."""
    if _is_cjk(first_name + last_name):
        return f"{last_name}{first_name}"
    return " ".join(part for part in (first_name, last_name) if part)


class ContactEmail(TenantModel):
    class Label(models.TextChoices):
        WORK = "work", _("Work")
        HOME = "home", pgettext_lazy("contact label", "Home")  # else translated as the home page
        OTHER = "other", _("Other")

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="emails")
    email = models.CharField(_("email"), max_length=254)  # normalized by email-validator, lower-cased
    label = models.CharField(_("label"), max_length=10, choices=Label, default=Label.WORK)
    is_primary = models.BooleanField(_("primary"), default=False)

    class Meta:
        verbose_name = _("email address")
        verbose_name_plural = _("email addresses")
        indexes = [models.Index(fields=["organization", "email"], name="contactemail_org_email")]
        constraints = [
            models.UniqueConstraint(fields=["contact", "email"], name="contactemail_unique_per_contact")
        ]

    def __str__(self) -> str:
        return self.email


class ContactPhone(TenantModel):
    class Label(models.TextChoices):
        MOBILE = "mobile", _("Mobile")
        WORK = "work", _("Work")
        HOME = "home", pgettext_lazy("contact label", "Home")  # else translated as the home page
        OTHER = "other", _("Other")

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="phones")
    number = models.CharField(_("phone"), max_length=20)  # E.164
    # The digits backwards, so "ends with 4567" is an indexed prefix search.
    reversed_digits = models.CharField(max_length=20, editable=False)
    label = models.CharField(_("label"), max_length=10, choices=Label, default=Label.MOBILE)
    is_primary = models.BooleanField(_("primary"), default=False)

    class Meta:
        verbose_name = _("phone number")
        verbose_name_plural = _("phone numbers")
        indexes = [
            models.Index(fields=["organization", "number"], name="contactphone_org_number"),
            models.Index(fields=["organization", "reversed_digits"], name="contactphone_org_reversed"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["contact", "number"], name="contactphone_unique_per_contact")
        ]

    def __str__(self) -> str:
        return self.number


class Consent(TenantModel):
    """Whether a contact agreed to be contacted on one channel, and when and how that was recorded."""

    class Status(models.TextChoices):
        GRANTED = "granted", _("Given")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Method(models.TextChoices):
        FORM = "form", _("Web form")
        VERBAL = "verbal", _("Said so in person or by phone")
        WRITTEN = "written", _("In writing")
        IMPORT = "import", _("Imported")
        UNSUBSCRIBE = "unsubscribe", _("Unsubscribe link")
        API = "api", _("Through the API")

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="consents")
    channel = models.CharField(_("channel"), max_length=10, choices=Channel)
    status = models.CharField(_("status"), max_length=10, choices=Status)
    changed_at = models.DateTimeField(_("when"))
    method = models.CharField(_("how"), max_length=12, choices=Method)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        constraints = [models.UniqueConstraint(fields=["contact", "channel"], name="consent_unique_channel")]

    def __str__(self) -> str:
        return f"{self.get_channel_display()}: {self.get_status_display()}"


# Rules that move customers, by the key stored in LifecycleTransition.rule, with their names:
# apps register theirs (orders: first purchase, lapse, ...) so the card names them in the reader's language.
LIFECYCLE_RULES: dict[str, StrOrPromise] = {}


def register_lifecycle_rule(key: str, label: StrOrPromise) -> str:
    LIFECYCLE_RULES[key] = label
    return key


class LifecycleTransition(TenantModel):
    """One move of a customer between lifecycle stages: from, to, when, by whom or which rule, why."""

    contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, null=True, blank=True, related_name="transitions"
    )
    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, null=True, blank=True, related_name="transitions"
    )
    from_stage = models.CharField(_("from"), max_length=8, choices=LifecycleStage, blank=True)
    to_stage = models.CharField(_("to"), max_length=8, choices=LifecycleStage)
    rule = models.CharField(_("rule"), max_length=100, blank=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("lifecycle change")
        verbose_name_plural = _("lifecycle changes")
        indexes = [
            models.Index(fields=["organization", "contact", "-created_at"], name="transition_org_contact"),
            models.Index(fields=["organization", "company", "-created_at"], name="transition_org_company"),
            models.Index(fields=["organization", "to_stage", "-created_at"], name="transition_org_to_stage"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(contact__isnull=False, company__isnull=True)
                | Q(contact__isnull=True, company__isnull=False),
                name="transition_one_customer",
            )
        ]

    def __str__(self) -> str:
        return f"{self.from_stage or '—'} → {self.to_stage}"

    @property
    def rule_label(self) -> str:
        """The rule's name in the reader's language; a rule no app registers reads as stored."""
        return str(LIFECYCLE_RULES.get(self.rule, self.rule))
