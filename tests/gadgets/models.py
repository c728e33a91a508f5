from django.db import models

from kliento.core.tenancy import TenantModel


class Gadget(TenantModel):
    name = models.CharField(max_length=100)
    custom_fields = models.JSONField(default=dict, blank=True)

    def __str__(self) -> str:
        return self.name
