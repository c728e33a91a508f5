import datetime

from django.utils import timezone

from kliento.core.tenancy import active_organization
from kliento.customers.models import Contact, LifecycleStage
from kliento.orders import tasks
from kliento.orders.models import Quote, QuoteStatus
from tests.customers.factories import ContactFactory
from tests.orders.factories import QuoteFactory

LONG_AGO = datetime.date(2020, 1, 1)


def _lapsed(organization):
    return ContactFactory(
        organization=organization,
        lifecycle_stage=LifecycleStage.ACTIVE,
        last_purchase_on=LONG_AGO,
        first_purchase_on=LONG_AGO,
        purchase_count=1,
    )


def test_the_nightly_job_moves_lapsed_customers_of_every_organization_to_lost(alice, olga):
    ours = _lapsed(alice.organization)
    with active_organization(olga.organization_id):
        theirs = _lapsed(olga.organization)

    queued = tasks.queue_nightly_sales_jobs()

    assert queued == 2
    assert Contact.objects.get(pk=ours.pk).lifecycle_stage == LifecycleStage.LOST
    assert Contact.unscoped.get(pk=theirs.pk).lifecycle_stage == LifecycleStage.LOST


def test_a_customer_who_bought_recently_is_not_moved(alice):
    recent = _lapsed(alice.organization)
    Contact.objects.filter(pk=recent.pk).update(last_purchase_on=timezone.localdate())

    tasks.lapse_customers_of(alice.organization_id)

    assert Contact.objects.get(pk=recent.pk).lifecycle_stage == LifecycleStage.ACTIVE


def test_running_the_lapse_job_twice_moves_a_customer_once(alice):
    from kliento.customers.models import LifecycleTransition

    customer = _lapsed(alice.organization)

    tasks.lapse_customers_of(alice.organization_id)
    tasks.lapse_customers_of(alice.organization_id)

    assert LifecycleTransition.objects.filter(contact=customer, to_stage=LifecycleStage.LOST).count() == 1


def test_the_nightly_job_expires_sent_quotes_past_their_validity(alice, olga):
    past = timezone.localdate() - datetime.timedelta(days=3)
    sent = QuoteFactory(
        organization=alice.organization, status=QuoteStatus.SENT, issued_on=past, valid_until=past
    )
    draft = QuoteFactory(
        organization=alice.organization, status=QuoteStatus.DRAFT, issued_on=past, valid_until=past
    )

    tasks.queue_nightly_sales_jobs()

    assert Quote.objects.get(pk=sent.pk).status == QuoteStatus.EXPIRED
    assert Quote.objects.get(pk=draft.pk).status == QuoteStatus.DRAFT


def test_a_job_judges_today_in_the_organizations_time_zone(alice):
    alice.organization.time_zone = "Pacific/Kiritimati"  # UTC+14: already tomorrow in most places
    alice.organization.save()

    today = tasks._today_of(alice.organization_id)

    assert today == datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=14))).date()
