"""The telephony webhook: signatures (generic and Twilio's), upserts by the provider's call id,
caller identification by number in any format."""

import datetime
import json
import time
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.utils import timezone

from kliento.activities import telephony
from kliento.activities.models import Call
from kliento.activities.selectors import identify_caller, normalized_number
from kliento.core.models import AuditEntry
from kliento.customers import services as customer_services

GENERIC_URL = "/api/v1/telephony/generic?organization=acme"
TWILIO_URL = "/api/v1/telephony/twilio?organization=acme"
TOKEN = "twilio-auth-token-123"


@pytest.fixture
def german(acme):
    acme.default_region = "DE"
    acme.save()
    return acme


@pytest.fixture
def secret(german):
    return telephony.generic_secret(telephony.settings_of(german))


@pytest.fixture
def twilio_token(german, alice):
    telephony.set_twilio_token(member=alice, token=TOKEN)
    return TOKEN


def event(**fields):
    return {
        "call_id": "c-1",
        "from": "030 901820",
        "to": "+49 30 555000",
        "direction": "inbound",
        "status": "ringing",
        "started_at": timezone.now().isoformat(),
        **fields,
    }


def send_generic(body, secret, *, timestamp=None, signature=None, url=GENERIC_URL):
    raw = json.dumps(body).encode()
    timestamp = int(time.time()) if timestamp is None else timestamp
    headers = {
        "HTTP_X_KLIENTO_TIMESTAMP": str(timestamp),
        "HTTP_X_KLIENTO_SIGNATURE": signature or telephony.sign_generic(secret, raw, timestamp),
    }
    return Client().post(url, raw, content_type="application/json", **headers)


def send_twilio(params, token, *, url=TWILIO_URL, signature=None):
    signature = signature or telephony.twilio_signature(token, "http://testserver" + url, params)
    return Client().post(
        url,
        urlencode(params),
        content_type="application/x-www-form-urlencoded",
        HTTP_X_TWILIO_SIGNATURE=signature,
    )


def all_calls():
    return Call.unscoped.all()


def test_a_signed_ringing_event_stores_the_call(secret, alice):
    response = send_generic(event(agent="alice@acme.test"), secret)

    assert response.status_code == 200, response.content
    call = all_calls().get()
    assert (call.provider, call.provider_call_id, call.status) == ("generic", "c-1", "ringing")
    assert (call.customer_number, call.agent) == ("+4930901820", alice.user)
    assert response.json() == {
        "call_id": call.pk,
        "status": "ringing",
        "customer_number": "+4930901820",
        "matches": 0,
    }
    assert AuditEntry.unscoped.get(record_type="activities.call").actor_label == "Generic"


def test_the_same_event_twice_stores_one_call(secret):
    send_generic(event(), secret)
    send_generic(event(), secret)

    assert all_calls().count() == 1


def test_events_move_the_call_forward_and_never_back(secret):
    start = timezone.now() - datetime.timedelta(minutes=3)
    answered = start + datetime.timedelta(seconds=12)
    ended = answered + datetime.timedelta(seconds=95)
    send_generic(event(started_at=start.isoformat()), secret)
    send_generic(
        event(status="answered", started_at=start.isoformat(), answered_at=answered.isoformat()), secret
    )
    send_generic(event(status="completed", ended_at=ended.isoformat()), secret)
    send_generic(event(status="ringing"), secret)  # late and out of order

    call = all_calls().get()
    assert call.status == "completed"
    assert (call.started_at, call.answered_at, call.ended_at) == (start, answered, ended)
    assert (call.duration_seconds, call.waiting_seconds) == (95, 12)


def test_a_call_that_ends_unanswered_is_missed(secret):
    send_generic(event(), secret)
    send_generic(event(status="completed", ended_at=timezone.now().isoformat()), secret)

    assert all_calls().get().status == "missed"


@pytest.mark.parametrize(
    "tampering",
    [
        {"signature": "sha256=" + "0" * 64},
        {"timestamp": int(time.time()) - 3600},
        {"url": "/api/v1/telephony/generic?organization=globex"},
        {"url": "/api/v1/telephony/generic"},
    ],
    ids=["bad-signature", "old-timestamp", "other-organization", "no-organization"],
)
def test_a_request_that_fails_the_check_is_refused_logged_and_stores_nothing(secret, olga, caplog, tampering):
    telephony.settings_of(olga.organization)

    response = send_generic(event(), secret, **tampering)

    assert response.status_code == 401
    assert all_calls().exists() is False
    assert "Telephony webhook refused" in caplog.text


def test_the_secret_of_another_organization_is_refused(secret, olga):
    theirs = telephony.generic_secret(telephony.settings_of(olga.organization))

    response = send_generic(event(), theirs)

    assert response.status_code == 401
    assert all_calls().exists() is False


def test_a_tampered_body_is_refused(secret):
    raw = json.dumps(event()).encode()
    timestamp = int(time.time())
    signature = telephony.sign_generic(secret, raw, timestamp)

    response = Client().post(
        GENERIC_URL,
        json.dumps(event(**{"from": "+1 212 555 0100"})),
        content_type="application/json",
        HTTP_X_KLIENTO_TIMESTAMP=str(timestamp),
        HTTP_X_KLIENTO_SIGNATURE=signature,
    )

    assert response.status_code == 401
    assert all_calls().exists() is False


def test_a_rotated_secret_refuses_the_old_one(secret, alice):
    telephony.rotate_secret(member=alice)

    assert send_generic(event(), secret).status_code == 401


@pytest.mark.parametrize(
    ("fields", "field"),
    [({"status": "exploded"}, "status"), ({"direction": "up"}, "direction"), ({"call_id": ""}, "call_id"),
     ({"started_at": "yesterday"}, "started_at")],
)  # fmt: skip
def test_a_signed_event_with_bad_values_is_a_422_and_stores_nothing(secret, fields, field):
    response = send_generic(event(**fields), secret)

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == field
    assert all_calls().exists() is False


# Twilio -----------------------------------------------------------------------------------------


def twilio(status, **extra):
    return {"CallSid": "CA123", "From": "+4930901820", "To": "+4930555000", "Direction": "inbound",
            "CallStatus": status, **extra}  # fmt: skip


def test_twilio_callbacks_with_a_valid_signature_update_one_call(twilio_token):
    assert send_twilio(twilio("ringing"), twilio_token).status_code == 200
    assert send_twilio(twilio("in-progress"), twilio_token).status_code == 200
    response = send_twilio(twilio("completed", CallDuration="61"), twilio_token)

    assert response.status_code == 200
    call = all_calls().get()
    assert (call.provider, call.provider_call_id, call.status, call.duration_seconds) == (
        "twilio",
        "CA123",
        "completed",
        61,
    )


def test_twilios_documented_example_signature_is_reproduced():
    # The example of Twilio's security documentation: this URL, these parameters and this token.
    url = "https://mycompany.com/myapp.php?foo=1&bar=2"
    params = {
        "CallSid": "CA1234567890ABCDE",
        "Caller": "+12349013030",
        "Digits": "1234",
        "From": "+12349013030",
        "To": "+18005551212",
    }

    assert telephony.twilio_signature("12345", url, params) == "0/KCTR6DLpKmkAf8muzZqo1nDgQ="


def test_a_twilio_callback_with_a_bad_signature_is_refused(twilio_token, caplog):
    response = send_twilio(twilio("ringing"), twilio_token, signature="bm90IGl0")

    assert response.status_code == 401
    assert all_calls().exists() is False
    assert "Telephony webhook refused" in caplog.text


def test_a_twilio_callback_without_a_configured_token_is_refused(german):
    telephony.settings_of(german)

    assert send_twilio(twilio("ringing"), "").status_code == 401
    assert all_calls().exists() is False


def test_a_stored_token_is_encrypted(twilio_token, german):
    stored = telephony.settings_of(german).twilio_auth_token

    assert TOKEN not in stored and telephony.decrypt_token(stored) == TOKEN


# Caller identification --------------------------------------------------------------------------


@pytest.fixture
def ida(alice, german):
    return customer_services.create_contact(
        member=alice, data={"first_name": "Ida", "phones": [{"number": "+49 30 901820"}]}
    )


@pytest.mark.parametrize(
    "number", ["+4930901820", "030 901820", "(030) 90-18-20", "0049 30 901820", "+49.30.901820"]
)
def test_a_caller_is_identified_whatever_the_format(ida, number):
    assert identify_caller(number, region="DE") == [ida]


def test_a_number_several_contacts_share_finds_them_all(alice, ida):
    other = customer_services.create_contact(
        member=alice,
        data={"first_name": "Ole", "phones": [{"number": "030 901820"}]},
    )

    assert set(identify_caller("030901820", region="DE")) == {ida, other}


def test_an_unknown_or_unreadable_number_finds_nobody(ida):
    assert identify_caller("+4930111111", region="DE") == []
    assert identify_caller("anonymous", region="DE") == []
    assert normalized_number("anonymous", "DE") == ""


def test_identification_is_one_query(ida, django_assert_num_queries):
    with django_assert_num_queries(1):
        identify_caller("030 901820", region="DE")


def test_a_trashed_contact_is_not_identified(alice, ida):
    customer_services.delete_customer(customer=ida, member=alice)

    assert identify_caller("030 901820", region="DE") == []


def test_the_webhook_answers_how_many_contacts_match(secret, ida):
    assert send_generic(event(), secret).json()["matches"] == 1
