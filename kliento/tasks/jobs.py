"""Queued jobs of meetings (the reminder dispatcher's are in tasks.py)."""

from kliento.core.jobs import organization_task


@organization_task(retries=2, retry_delay=60)
def send_meeting_invitations(meeting_id: int, sequence: int, organization_id: int) -> None:
    from kliento.tasks.meetings import email_invitations

    email_invitations(meeting_id, sequence)
