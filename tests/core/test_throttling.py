"""Sign-in and password-reset throttling: per account and client, per client, atomic, proxy-aware."""

import datetime
import threading

import pytest
from django.core import mail
from django.db import connection
from django.test import Client, RequestFactory
from django.urls import reverse

from kliento.core import throttling
from kliento.core.models import Throttle
from tests.conftest import PASSWORD

ATTACKER = "203.0.113.9"
ALICE_HOME = "198.51.100.7"
PROXY = "10.0.0.2"


def sign_in(
    client: Client, password: str, *, remote: str, forwarded: str | None = None, email="alice@acme.test"
):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post(reverse("core:login"), {"email": email, "password": password}, **extra)


def is_signed_in(response) -> bool:
    return response.status_code == 302 and "_auth_user_id" in response.client.session


@pytest.mark.django_db(transaction=True)
def test_forty_parallel_wrong_passwords_check_at_most_the_limit(alice, settings):
    settings.LOGIN_FAILURE_LIMIT = 5
    outcomes: list[str] = []
    start = threading.Barrier(40)

    def attempt() -> None:
        try:
            start.wait()
            content = sign_in(Client(), "wrong", remote=ATTACKER).content.decode()
            outcomes.append("checked" if "do not match" in content else "held back")
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(outcomes) == 40
    assert outcomes.count("checked") == 5
    assert Throttle.objects.get(scope=Throttle.Scope.SIGN_IN, email="alice@acme.test").attempts == 5


def test_a_correct_sign_in_from_another_client_works_while_an_attacker_keeps_failing(alice, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    for _attempt in range(10):
        sign_in(Client(), "wrong", remote=ATTACKER)

    assert is_signed_in(sign_in(Client(), PASSWORD, remote=ALICE_HOME))


def test_each_failure_past_the_limit_doubles_the_wait(alice, settings):
    settings.LOGIN_FAILURE_LIMIT, settings.LOGIN_FIRST_DELAY_SECONDS = 2, 30
    waits = []
    for _attempt in range(4):
        assert throttling.begin_sign_in(email="alice@acme.test", client=ATTACKER) is True
        row = Throttle.objects.get(scope=Throttle.Scope.SIGN_IN, email="alice@acme.test")
        waits.append(row.blocked_until and (row.blocked_until - row.last_attempt_at).total_seconds())
        Throttle.objects.filter(pk=row.pk).update(blocked_until=None)  # as if the wait had passed

    assert waits == [None, 30, 60, 120]


def test_the_wait_never_exceeds_the_maximum(alice, settings):
    settings.LOGIN_FAILURE_LIMIT, settings.LOGIN_FIRST_DELAY_SECONDS, settings.LOGIN_MAX_DELAY_SECONDS = (
        1,
        30,
        100,
    )
    for _attempt in range(50):
        throttling.begin_sign_in(email="alice@acme.test", client=ATTACKER)
        Throttle.objects.update(blocked_until=None)
    throttling.begin_sign_in(email="alice@acme.test", client=ATTACKER)

    row = Throttle.objects.get(scope=Throttle.Scope.SIGN_IN, email="alice@acme.test")
    assert row.blocked_until - row.last_attempt_at == datetime.timedelta(seconds=100)


def test_a_held_back_attempt_checks_no_password_and_counts_nothing(alice, settings):
    settings.LOGIN_FAILURE_LIMIT = 2
    for _attempt in range(2):
        sign_in(Client(), "wrong", remote=ATTACKER)

    response = sign_in(Client(), PASSWORD, remote=ATTACKER)

    assert "Too many failed attempts" in response.content.decode()
    assert Throttle.objects.get(scope=Throttle.Scope.SIGN_IN, email="alice@acme.test").attempts == 2


def test_a_successful_sign_in_forgets_the_pairs_failures(alice, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    for _attempt in range(2):
        sign_in(Client(), "wrong", remote=ALICE_HOME)

    sign_in(Client(), PASSWORD, remote=ALICE_HOME)

    assert Throttle.objects.filter(scope=Throttle.Scope.SIGN_IN).exists() is False
    assert Throttle.objects.get(scope=Throttle.Scope.SIGN_IN_CLIENT, client=ALICE_HOME).attempts == 2


def test_one_client_failing_across_many_accounts_is_held_back(alice, bob, settings):
    settings.LOGIN_CLIENT_FAILURE_LIMIT = 3
    for email in ["a@acme.test", "b@acme.test", "c@acme.test"]:
        sign_in(Client(), "wrong", remote=ATTACKER, email=email)

    response = sign_in(Client(), PASSWORD, remote=ATTACKER, email="bob@acme.test")

    assert "Too many failed attempts" in response.content.decode()


def test_failures_of_one_client_do_not_hold_back_another_client_on_other_accounts(alice, bob, settings):
    settings.LOGIN_CLIENT_FAILURE_LIMIT = 3
    for email in ["a@acme.test", "b@acme.test", "c@acme.test"]:
        sign_in(Client(), "wrong", remote=ATTACKER, email=email)

    assert is_signed_in(sign_in(Client(), PASSWORD, remote=ALICE_HOME, email="bob@acme.test"))


def test_a_completed_password_reset_clears_the_accounts_failures(client, alice, settings):
    settings.LOGIN_FAILURE_LIMIT = 2
    for _attempt in range(3):
        sign_in(Client(), "wrong", remote=ALICE_HOME)
    client.post(reverse("core:password-reset"), {"email": "alice@acme.test"}, REMOTE_ADDR=ALICE_HOME)
    link = next(line for line in mail.outbox[0].body.splitlines() if "/accounts/reset/" in line)
    form_url = client.get(link.removeprefix(settings.KLIENTO_BASE_URL), follow=True).redirect_chain[-1][0]

    client.post(form_url, {"new_password1": "a new Passw0rd!", "new_password2": "a new Passw0rd!"})

    assert Throttle.objects.filter(scope=Throttle.Scope.SIGN_IN).exists() is False
    assert is_signed_in(sign_in(Client(), "a new Passw0rd!", remote=ALICE_HOME))


def test_behind_a_trusted_proxy_each_forwarded_client_is_counted_apart(alice, settings):
    settings.LOGIN_FAILURE_LIMIT, settings.TRUSTED_PROXIES = 3, ["10.0.0.0/8"]
    for _attempt in range(10):
        sign_in(Client(), "wrong", remote=PROXY, forwarded=ATTACKER)

    assert is_signed_in(sign_in(Client(), PASSWORD, remote=PROXY, forwarded=ALICE_HOME))


def test_forwarded_for_from_an_untrusted_address_is_ignored(alice, settings):
    settings.LOGIN_FAILURE_LIMIT, settings.TRUSTED_PROXIES = 3, ["10.0.0.0/8"]
    for forged in ["192.0.2.1", "192.0.2.2", "192.0.2.3", "192.0.2.4"]:
        sign_in(Client(), "wrong", remote=ATTACKER, forwarded=forged)

    response = sign_in(Client(), PASSWORD, remote=ATTACKER, forwarded="192.0.2.5")

    assert "Too many failed attempts" in response.content.decode()


@pytest.mark.parametrize(
    ("remote", "forwarded", "expected"),
    [
        (ATTACKER, "192.0.2.1", ATTACKER),  # not from a proxy: the header is the sender's invention
        (PROXY, "192.0.2.1", "192.0.2.1"),
        (PROXY, "192.0.2.66, 192.0.2.1", "192.0.2.1"),  # the left part is whatever the client sent
        (PROXY, "192.0.2.1, 10.0.0.7", "192.0.2.1"),  # two trusted proxies in a row
        (PROXY, "10.0.0.9, 10.0.0.7", "10.0.0.9"),  # only proxies: the first one asked
        (PROXY, "", PROXY),
        (PROXY, "not-an-address", PROXY),
        ("2001:db8::5", "192.0.2.1", "2001:db8::5"),
    ],
)
def test_the_client_address_trusts_forwarded_for_only_from_trusted_proxies(
    settings, remote, forwarded, expected
):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)

    assert throttling.client_address(request) == expected


def test_without_trusted_proxies_forwarded_for_is_never_used(settings):
    settings.TRUSTED_PROXIES = []
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="192.0.2.1")

    assert throttling.client_address(request) == PROXY


def test_password_reset_emails_are_limited_per_address(client, alice, settings):
    settings.PASSWORD_RESET_LIMIT = 2
    for remote in ["192.0.2.1", "192.0.2.2"]:
        client.post(reverse("core:password-reset"), {"email": "alice@acme.test"}, REMOTE_ADDR=remote)

    response = client.post(
        reverse("core:password-reset"), {"email": "alice@acme.test"}, REMOTE_ADDR="192.0.2.3"
    )

    assert "Too many password reset requests" in response.content.decode()
    assert len(mail.outbox) == 2


def test_password_reset_requests_are_limited_per_client(client, alice, bob, settings):
    settings.PASSWORD_RESET_CLIENT_LIMIT = 2
    for email in ["nobody@acme.test", "bob@acme.test"]:
        client.post(reverse("core:password-reset"), {"email": email}, REMOTE_ADDR=ATTACKER)

    response = client.post(reverse("core:password-reset"), {"email": "alice@acme.test"}, REMOTE_ADDR=ATTACKER)

    assert "Too many password reset requests" in response.content.decode()
    assert [message.to for message in mail.outbox] == [["bob@acme.test"]]


def test_the_reset_link_uses_the_base_url_even_with_a_forged_host(client, alice, settings):
    settings.ALLOWED_HOSTS, settings.KLIENTO_BASE_URL = ["*"], "https://crm.example.com"

    client.post(reverse("core:password-reset"), {"email": "alice@acme.test"}, HTTP_HOST="evil.example")

    link = next(line for line in mail.outbox[0].body.splitlines() if "/accounts/reset/" in line)
    assert link.startswith("https://crm.example.com/accounts/reset/")
    assert "evil.example" not in mail.outbox[0].body


def test_a_held_back_client_leaves_no_row_for_each_account_it_tries(db, settings):
    settings.LOGIN_CLIENT_FAILURE_LIMIT = 2
    for index in range(10):
        throttling.begin_sign_in(email=f"user{index}@acme.test", client=ATTACKER)

    assert Throttle.objects.filter(scope=Throttle.Scope.SIGN_IN).count() == 2
