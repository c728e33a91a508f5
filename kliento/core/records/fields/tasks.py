"""Background jobs of custom fields (core/jobs.py makes each job's organization active)."""

from django.db import transaction

from kliento.core.jobs import organization_task
from kliento.core.records.fields.models import CustomField
from kliento.core.records.fields.values import rebuild_custom_values


@organization_task(retries=3, retry_delay=30)
def reindex_custom_field(*, field_id: int, organization_id: int) -> None:
    """Index every record's value of a field anew, then let lists filter by it. Safe to run twice;
    the field's row is locked meanwhile, so a change to it waits and then schedules its own run."""
    with transaction.atomic():
        definition = CustomField.objects.select_for_update().filter(pk=field_id).first()
        if definition is None:  # deleted before the job ran: its index went with it
            return
        rebuild_custom_values(definition)
        CustomField.objects.filter(pk=field_id).update(index_ready=True)
