from django.db import models

from kliento.core.models import Tag, User
from kliento.core.records.tags import TagLink
from kliento.core.tenancy import TenantModel


class Specimen(TenantModel):
    class Status(models.TextChoices):
        FRESH = "fresh", "Fresh"
        KEPT = "kept", "Kept"
        GONE = "gone", "Gone"

    name = models.CharField(max_length=100)
    status = models.CharField(max_length=10, choices=Status, default=Status.FRESH)
    owner = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    notes = models.TextField(blank=True)  # never read by the list
    custom_fields = models.JSONField(default=dict, blank=True)
    tags = models.ManyToManyField(Tag, through="SpecimenTag", related_name="+", blank=True)

    class Meta:
        indexes = [models.Index(fields=["organization", "name", "id"], name="specimen_org_name")]

    def __str__(self) -> str:
        return self.name


class SpecimenTag(TagLink):
    specimen = models.ForeignKey(Specimen, on_delete=models.CASCADE, related_name="tag_links")

    class Meta(TagLink.Meta):
        indexes = [models.Index(fields=["organization", "tag", "specimen"], name="specimentag_org_tag")]
        constraints = [models.UniqueConstraint(fields=["specimen", "tag"], name="specimentag_unique")]
