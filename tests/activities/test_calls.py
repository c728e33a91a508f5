"""The call screen: pop-ups for ringing calls with the caller's summary, logging the outcome there,
missed calls with a call back, the day's figures, the telephony settings and `kliento demo calls`."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kliento.activities import stats, telephony
from kliento.activities.callers import register_caller_part, unregister_caller_part
from kliento.activities.models import Activity, Call
from kliento.activities.views.calls import active_calls, fingerprint
from kliento.core.permissions import Role
from kliento.customers import services as customer_services
from tests.activities.factories import ActivityFactory, CallFactory
from tests.customers.factories import CompanyFactory, ContactFactory
from tests.factories import MembershipFactory, UserFactory

HTMX = {"HTTP_HX_REQUEST": "true"}
NUMBER = "+4930901820"


@pytest.fixture(autouse=True)
def _german(acme):
    acme.default_region = "DE"
    acme.save()


@pytest.fixture
def ida(alice):
    company = CompanyFactory(organization=alice.organization, name="Ida's Bakery")
    return customer_services.create_contact(
        member=alice,
        data={"first_name": "Ida", "last_name": "Berg", "company_id": company.pk, "owner_id": alice.user_id,
              "phones": [{"number": "030 901820"}]},
    )  # fmt: skip


def ring(organization, number=NUMBER, **fields):
    return CallFactory(organization=organization, customer_number=number, from_number=number, **fields)


def test_a_ringing_call_pops_up_with_the_callers_summary(alice_client, alice, ida):
    ActivityFactory(
        organization=alice.organization, subject_kind="contact", subject_id=ida.pk, body="Ordered rolls"
    )
    ring(alice.organization)

    page = alice_client.get(reverse("activities:calls")).content.decode()

    assert 'data-testid="call-popup"' in page
    assert "Ida Berg" in page and "Ida&#x27;s Bakery" in page and "Lead" in page and "Alice Adams" in page
    assert "Ordered rolls" in page
    assert 'href="tel:+4930901820"' in page


def test_a_call_for_another_agent_does_not_pop_up(alice_client, alice, bob, ida):
    ring(alice.organization, agent=bob.user)

    page = alice_client.get(reverse("activities:calls")).content.decode()

    assert 'data-testid="call-popup"' not in page


def test_an_unknown_caller_gets_a_new_contact_button_with_the_number(alice_client, alice):
    ring(alice.organization, number="+4940123456")

    page = alice_client.get(reverse("activities:calls")).content.decode()

    assert 'data-testid="unknown-caller"' in page
    assert "/contacts/new/?phone=%2B4940123456" in page


def test_the_new_contact_form_starts_with_the_callers_number(alice_client):
    page = alice_client.get(reverse("customers:contact-create") + "?phone=%2B4940123456").content.decode()

    assert 'value="+4940123456"' in page


def test_a_number_several_contacts_share_shows_them_all_to_pick_from(alice_client, alice, ida):
    other = customer_services.create_contact(
        member=alice, data={"first_name": "Ole", "phones": [{"number": NUMBER}]}
    )
    call = ring(alice.organization)

    page = alice_client.get(reverse("activities:calls")).content.decode()

    assert page.count('data-testid="caller"') == 2
    assert (
        f'name="call-{call.pk}-contact"' in page
        and f'value="{other.pk}"' in page
        and f'value="{ida.pk}"' in page
    )
    assert "Several contacts have this number: pick who is calling." in page


def test_the_poll_answers_204_while_the_calls_are_the_same(alice_client, alice, ida):
    call = ring(alice.organization)
    url = reverse("activities:calls-ringing")
    seen = fingerprint([call])

    unchanged = alice_client.get(url, {"seen": seen}, **HTMX)
    call.status = Call.Status.ANSWERED
    call.save()
    answered = alice_client.get(url, {"seen": seen}, **HTMX)

    assert unchanged.status_code == 204
    assert answered.status_code == 200 and 'data-testid="call-popup"' in answered.content.decode()


def test_the_outcome_is_logged_on_the_picked_contacts_timeline(alice_client, alice, ida):
    call = ring(alice.organization, status=Call.Status.ANSWERED)

    response = alice_client.post(
        reverse("activities:call-log", args=[call.pk]),
        {f"call-{call.pk}-contact": ida.pk, f"call-{call.pk}-direction": "inbound",
         f"call-{call.pk}-outcome": "answered", f"call-{call.pk}-body": "Wants more rolls"},
        **HTMX,
    )  # fmt: skip

    assert response.status_code == 200
    call.refresh_from_db()
    assert (call.activity.subject_id, call.activity.body, call.agent) == (
        ida.pk,
        "Wants more rolls",
        alice.user,
    )
    assert call.activity.occurred_at == call.started_at
    assert 'data-testid="call-popup"' not in response.content.decode()


def test_logging_without_picking_a_caller_is_refused(alice_client, alice, ida):
    call = ring(alice.organization, status=Call.Status.ANSWERED)

    response = alice_client.post(
        reverse("activities:call-log", args=[call.pk]),
        {f"call-{call.pk}-direction": "inbound", f"call-{call.pk}-outcome": "answered"},
        **HTMX,
    )

    assert response.status_code == 400
    assert "Choose who called." in response.content.decode()
    assert Activity.objects.exists() is False


def test_a_call_cannot_be_logged_on_a_contact_the_agent_may_not_see(alice_client, alice, olga):
    call = ring(alice.organization, status=Call.Status.ANSWERED)
    theirs = ContactFactory(organization=olga.organization)

    response = alice_client.post(
        reverse("activities:call-log", args=[call.pk]),
        {f"call-{call.pk}-contact": theirs.pk, f"call-{call.pk}-direction": "inbound",
         f"call-{call.pk}-outcome": "answered"},
        **HTMX,
    )  # fmt: skip

    assert response.status_code == 404
    call.refresh_from_db()
    assert call.activity is None


def test_a_logged_call_is_not_logged_twice(alice_client, alice, ida):
    call = ring(alice.organization, status=Call.Status.ANSWERED)
    data = {f"call-{call.pk}-contact": ida.pk, f"call-{call.pk}-direction": "inbound",
            f"call-{call.pk}-outcome": "answered"}  # fmt: skip
    alice_client.post(reverse("activities:call-log", args=[call.pk]), data, **HTMX)

    again = alice_client.post(reverse("activities:call-log", args=[call.pk]), data, **HTMX)

    assert again.status_code == 400
    assert Activity.objects.count() == 1


def test_missed_calls_offer_a_call_back(alice_client, alice, ida):
    ring(alice.organization, status=Call.Status.MISSED)

    page = alice_client.get(reverse("activities:calls")).content.decode()

    assert 'data-testid="call-back"' in page and 'href="tel:+4930901820"' in page
    assert "Ida Berg" in page


def test_parts_other_apps_register_show_for_each_caller(alice_client, alice, ida):
    register_caller_part(
        key="test-deals",
        title="Open deals",
        template="activities/_entry_lifecycle.html",
        context=lambda request, contacts: {"entry": {"details": {"reason": f"{len(contacts)} deals"}}},
    )
    try:
        ring(alice.organization)
        page = alice_client.get(reverse("activities:calls")).content.decode()
    finally:
        unregister_caller_part("test-deals")

    assert "Open deals" in page and "1 deals" in page


def _queries(client, url, **extra) -> int:
    client.get(reverse("web:home"))
    with CaptureQueriesContext(connection) as captured:
        client.get(url, **extra)
    return len(captured)


def test_the_call_screen_runs_as_many_queries_for_many_calls_as_for_one(alice_client, alice, ida):
    ring(alice.organization)
    ring(alice.organization, status=Call.Status.MISSED)
    one = _queries(alice_client, reverse("activities:calls"))
    for index in range(4):
        customer_services.create_contact(
            member=alice, data={"first_name": f"P{index}", "phones": [{"number": f"030 90182{index}"}]}
        )
        ring(alice.organization, number=f"+493090182{index}")
        ring(alice.organization, number=f"+493090182{index}", status=Call.Status.MISSED)
        ActivityFactory(organization=alice.organization, subject_kind="contact", subject_id=ida.pk)

    assert _queries(alice_client, reverse("activities:calls")) == one


def test_the_poll_with_nothing_new_is_cheap(alice_client, alice, ida):
    ring(alice.organization)
    seen = fingerprint(active_calls(alice))

    assert _queries(alice_client, reverse("activities:calls-ringing") + f"?seen={seen}", **HTMX) <= 5


# Statistics ---------------------------------------------------------------------------------------


@pytest.fixture
def day():
    return timezone.now().replace(hour=10, minute=0, second=0, microsecond=0) - datetime.timedelta(days=1)


def _call(organization, start, *, agent=None, answered_after=None, duration=None, direction="inbound"):
    answered = start + datetime.timedelta(seconds=answered_after) if answered_after is not None else None
    return CallFactory(
        organization=organization,
        started_at=start,
        answered_at=answered,
        duration_seconds=duration,
        direction=direction,
        agent=agent,
        status=Call.Status.COMPLETED if answered else Call.Status.MISSED,
    )


def test_statistics_over_a_day(alice, bob, day):
    org = alice.organization
    _call(org, day, agent=alice.user, answered_after=10, duration=60)
    _call(org, day + datetime.timedelta(minutes=5), agent=alice.user, answered_after=30, duration=120)
    _call(org, day + datetime.timedelta(minutes=70), agent=bob.user)
    _call(
        org, day + datetime.timedelta(minutes=75), agent=bob.user, answered_after=None, direction="outbound"
    )
    _call(
        org, day - datetime.timedelta(days=2), agent=bob.user, answered_after=5, duration=999
    )  # another day
    period = stats.Period(day - datetime.timedelta(hours=1), day + datetime.timedelta(hours=12))

    per_hour = stats.calls_per_agent_and_hour(period, zone="UTC")

    assert [(row.agent_id, row.hour.hour, row.calls, row.answered) for row in per_hour] == [
        (alice.user_id, 10, 2, 2),
        (bob.user_id, 11, 2, 0),
    ]
    assert stats.answer_rate(period) == pytest.approx(2 / 3)
    assert stats.average_duration(period) == pytest.approx(90)
    assert stats.average_waiting(period) == pytest.approx(20)


def test_hours_are_counted_in_the_readers_time_zone(alice, day):
    _call(alice.organization, day, agent=alice.user)
    period = stats.Period(day - datetime.timedelta(hours=1), day + datetime.timedelta(hours=1))

    (row,) = stats.calls_per_agent_and_hour(period, zone="Asia/Tokyo")

    assert row.hour.hour == 19  # 10:00 UTC


def test_figures_without_calls_are_empty(alice, day):
    period = stats.Period(day, day + datetime.timedelta(hours=1))

    assert (stats.answer_rate(period), stats.average_duration(period), stats.average_waiting(period)) == (
        None, None, None
    )  # fmt: skip


def test_a_day_is_its_local_midnights(alice):
    period = stats.day_in("Europe/Berlin", datetime.date(2026, 7, 1))

    assert (period.start.isoformat(), period.end.isoformat()) == (
        "2026-06-30T22:00:00+00:00", "2026-07-01T22:00:00+00:00"
    )  # fmt: skip


def test_the_call_screen_shows_the_days_figures_to_those_who_see_reports(alice_client, alice, acme, client):
    _call(
        alice.organization,
        timezone.now() - datetime.timedelta(minutes=1),
        agent=alice.user,
        answered_after=4,
        duration=60,
    )
    support = MembershipFactory(organization=acme, user=UserFactory(), role=Role.SUPPORT_AGENT)
    client.force_login(support.user)

    assert 'data-testid="call-figures"' in alice_client.get(reverse("activities:calls")).content.decode()
    assert 'data-testid="call-figures"' not in client.get(reverse("activities:calls")).content.decode()


# Telephony settings ---------------------------------------------------------------------------------


def test_the_owner_sees_the_webhook_addresses_and_secret(alice_client, alice):
    page = alice_client.get(reverse("activities:telephony-settings")).content.decode()

    secret = telephony.generic_secret(telephony.settings_of(alice.organization))
    assert secret in page
    assert "/api/v1/telephony/generic/?organization=acme" in page


def test_a_salesperson_may_not_see_the_secret(bob_client):
    assert bob_client.get(reverse("activities:telephony-settings")).status_code == 403


def test_a_new_secret_replaces_the_old_one(alice_client, alice):
    before = telephony.generic_secret(telephony.settings_of(alice.organization))

    alice_client.post(reverse("activities:telephony-settings"), {"action": "rotate"})

    assert telephony.generic_secret(telephony.settings_of(alice.organization)) != before


def test_twilios_token_is_saved_encrypted(alice_client, alice):
    alice_client.post(
        reverse("activities:telephony-settings"), {"action": "twilio", "twilio_auth_token": "tok"}
    )

    stored = telephony.settings_of(alice.organization).twilio_auth_token
    assert stored != "tok" and telephony.decrypt_token(stored) == "tok"


def test_another_organizations_ringing_calls_never_pop_up(alice_client, alice, olga):
    CallFactory(organization=olga.organization, customer_number=NUMBER)

    page = alice_client.get(reverse("activities:calls")).content.decode()

    assert 'data-testid="call-popup"' not in page
    assert 'data-testid="no-calls"' in page
