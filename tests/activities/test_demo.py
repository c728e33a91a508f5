"""The activities' demo step and `kliento demo calls`."""

import random

import pytest

from kliento.activities.demo import BUSIEST_SHARE, play_calls
from kliento.activities.models import Activity, Call
from kliento.core.tenancy import active_organization
from kliento.customers.models import Contact
from kliento.demo.generate import load_demo


def test_the_demo_fills_timelines_with_notes_and_calls_up_to_the_size(db):
    result = load_demo(contacts=40, companies=5, interactions=500)

    with active_organization(result.organization.pk):
        assert Activity.objects.count() == 500
        calls = Activity.objects.filter(kind="call").count()
        assert 0 < calls < 500
        assert Call.objects.filter(activity__kind="call").count() == calls
        first = Contact.objects.order_by("id").first()
        assert (
            Activity.objects.filter(subject_kind="contact", subject_id=first.pk).count()
            >= 500 // BUSIEST_SHARE
        )
        assert Call.objects.filter(status="completed", answered_at__isnull=True).exists() is False
    again = load_demo(contacts=40, companies=5, interactions=500)
    with active_organization(again.organization.pk):
        assert Activity.objects.count() == 500


@pytest.mark.django_db(transaction=True)
def test_demo_calls_ring_through_the_webhook_of_a_running_instance(live_server, alice):
    from kliento.customers import services as customer_services

    with active_organization(alice.organization_id):
        customer_services.create_contact(
            member=alice, data={"first_name": "Ida", "phones": [{"number": "+12025550123"}]}
        )

    lines = play_calls(
        base_url=live_server.url, organization=alice.organization, count=2, pause=0, rng=random.Random(1)
    )

    assert lines and all(line.endswith(": 200") for line in lines), lines
    with active_organization(alice.organization_id):
        assert Call.objects.filter(provider="generic").count() == 2
