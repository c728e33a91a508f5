"""Background jobs of notifications; `organization_task` makes each job's organization active."""

from kliento.core.jobs import organization_task
from kliento.notifications.services import deliver_email


@organization_task(retries=0)
def send_notification_email(notification_id: int, organization_id: int) -> None:
    # No retries: a send that failed half-way may have reached the person, so it is recorded as
    # failed with its reason rather than sent again.
    deliver_email(notification_id)


@organization_task(retries=0)
def send_notification_emails(notification_ids: list[int], organization_id: int) -> None:
    for notification_id in notification_ids:
        deliver_email(notification_id)
