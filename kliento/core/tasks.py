"""Background jobs of the core app; `organization_task` makes each job's organization active."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from kliento.core.jobs import organization_task
from kliento.core.models import Invitation
from kliento.core.records.fields.tasks import reindex_custom_field  # noqa: F401  # the worker finds jobs here
from kliento.core.services import invitation_token


@organization_task(retries=3, retry_delay=60)
def send_invitation_email(invitation_id: int, organization_id: int) -> None:
    invitation = (
        Invitation.objects.select_related("organization", "created_by").filter(pk=invitation_id).first()
    )
    if invitation is None or not invitation.is_pending or not invitation.token_salt:
        return  # gone, used, or made before tokens were derived: nothing can rebuild its link
    link = settings.KLIENTO_BASE_URL + reverse(
        "core:invitation-accept", args=[invitation_token(invitation.token_salt)]
    )
    with translation.override(invitation.organization.default_locale):
        context = {"invitation": invitation, "link": link}
        subject = render_to_string("core/email/invitation_subject.txt", context).strip()
        body = render_to_string("core/email/invitation.txt", context)
    send_mail(subject, body, None, [invitation.email])
