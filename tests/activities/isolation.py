"""Isolation cases of the activities app (see tests/isolation.py)."""

from django.urls import reverse

from kliento.activities.models import Activity, Attachment, Call, Mention, TelephonySettings
from tests.activities.factories import (
    ActivityFactory,
    AttachmentFactory,
    CallFactory,
    MentionFactory,
    TelephonySettingsFactory,
)
from tests.customers.factories import ContactFactory
from tests.factories import UserFactory
from tests.isolation import IsolationCase, Request, register


def _entry(organization) -> Activity:
    contact = ContactFactory(organization=organization)
    return ActivityFactory(organization=organization, subject_kind="contact", subject_id=contact.pk)


register(
    IsolationCase(
        model=Activity,
        make=_entry,
        pages=(
            Request("get", lambda a: reverse("core:record-timeline", args=["contact", a.subject_id])),
            Request("get", lambda a: reverse("customers:contact-detail", args=[a.subject_id])),
            Request(
                "post",
                lambda a: reverse("activities:note-create", args=["contact", a.subject_id]),
                {"note-body": "x"},
            ),
            Request(
                "post",
                lambda a: reverse("activities:call-create", args=["contact", a.subject_id]),
                {"call-direction": "inbound", "call-outcome": "answered"},
            ),
        ),
        api=(Request("get", lambda a: f"/api/v1/timeline/contact/{a.subject_id}"),),
    )
)
register(
    IsolationCase(
        model=Mention,
        make=lambda organization: MentionFactory(
            organization=organization, activity=_entry(organization), user=UserFactory()
        ),
    )
)
register(
    IsolationCase(
        model=Attachment,
        make=lambda organization: AttachmentFactory(organization=organization, activity=_entry(organization)),
        pages=(Request("get", lambda a: reverse("activities:attachment", args=[a.pk])),),
    )
)
register(
    IsolationCase(
        model=Call,
        make=lambda organization: CallFactory(organization=organization),
        pages=(
            Request(
                "post",
                lambda c: reverse("activities:call-log", args=[c.pk]),
                {"call-1-outcome": "answered", "call-1-direction": "inbound"},
            ),
        ),
        api=(Request("get", lambda c: f"/api/v1/calls/{c.pk}"),),
    )
)
register(
    IsolationCase(
        model=TelephonySettings,
        make=lambda organization: TelephonySettingsFactory(organization=organization),
    )
)
