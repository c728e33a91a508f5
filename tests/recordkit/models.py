from django.db import models

from kliento.core.models import User
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

    class Meta:
        indexes = [models.Index(fields=["organization", "name", "id"], name="specimen_org_name")]

    def __str__(self) -> str:
        return self.name
