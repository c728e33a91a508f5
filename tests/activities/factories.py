import datetime

import factory
from django.utils import timezone

from kliento.activities.models import Activity, Attachment, Call, Direction, Mention, TelephonySettings
from tests.factories import OrganizationFactory, TenantFactory, UserFactory


class ActivityFactory(TenantFactory):
    """An entry written straight to the table (services are tested on their own); give it a record
    with `subject_kind` and `subject_id`."""

    class Meta:
        model = Activity

    organization = factory.SubFactory(OrganizationFactory)
    subject_kind = "contact"
    subject_id = 1
    kind = Activity.Kind.NOTE
    occurred_at = factory.LazyFunction(timezone.now)
    body = factory.Sequence(lambda n: f"Note {n}")


class MentionFactory(TenantFactory):
    class Meta:
        model = Mention

    organization = factory.SubFactory(OrganizationFactory)
    activity = factory.SubFactory(ActivityFactory, organization=factory.SelfAttribute("..organization"))
    user = factory.SubFactory(UserFactory)


class AttachmentFactory(TenantFactory):
    class Meta:
        model = Attachment

    organization = factory.SubFactory(OrganizationFactory)
    activity = factory.SubFactory(ActivityFactory, organization=factory.SelfAttribute("..organization"))
    file = factory.django.FileField(filename="quote.pdf", data=b"%PDF-1.4 test")
    name = "quote.pdf"
    content_type = "application/pdf"
    size = 13


class CallFactory(TenantFactory):
    class Meta:
        model = Call

    organization = factory.SubFactory(OrganizationFactory)
    direction = Direction.INBOUND
    from_number = "+4930123456"
    customer_number = "+4930123456"
    status = Call.Status.RINGING
    started_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(seconds=5))


class TelephonySettingsFactory(TenantFactory):
    class Meta:
        model = TelephonySettings

    organization = factory.SubFactory(OrganizationFactory)
    secret_salt = factory.Sequence(lambda n: f"salt{n:012d}")
