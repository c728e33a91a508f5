"""Throttling of sign-in and password-reset requests, shared by every app process.

An attempt is counted before the password is checked, in one transaction with the check of the
limit (the row is locked), so parallel tries can never check more passwords than the limit allows.
Past the limit, each further attempt waits twice as long as the last, up to a maximum.

- Sign-in is counted per account *and* client address, so someone failing from elsewhere never
  keeps the account's owner out, and more coarsely per client address across all accounts, with a
  limit high enough for an office behind one proxy, to stop password spraying.
- A successful sign-in forgets its pair's failures; a completed password reset forgets every
  failure on the account.
- Password-reset emails are limited per address and per client address.

The client address is REMOTE_ADDR, or, when that is one of `TRUSTED_PROXIES`, the right-most
address in X-Forwarded-For that is not a trusted proxy (what the outermost proxy saw).
"""

from __future__ import annotations

import datetime
import ipaddress
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.http import HttpRequest
from django.utils import timezone

from kliento.core.models import Throttle

Scope = Throttle.Scope


@dataclass(frozen=True)
class Rule:
    limit: int  # attempts allowed before the delays start
    first_delay: datetime.timedelta
    max_delay: datetime.timedelta
    forget_after: datetime.timedelta  # a key without attempts for this long starts again from zero

    def delay_after(self, attempts: int) -> datetime.timedelta | None:
        """How long to hold back the next attempt once this many were made."""
        if attempts < self.limit:
            return None
        doublings = min(attempts - self.limit, 30)
        factor: int = 2**doublings
        return min(self.first_delay * factor, self.max_delay)


# Scopes other apps throttle with their own rules (a public form's submissions per client address),
# stored by name beside core's scopes.
_app_rules: dict[str, Callable[[], Rule]] = {}


def register_scope(scope: str, rule: Callable[[], Rule]) -> None:
    """Throttle another kind of request with this rule (read again at each attempt, so it may
    come from settings); its attempts are counted with `allow`."""
    if scope in Scope.values or len(scope) > 20:  # Throttle.scope holds 20 characters
        raise ValueError(f"Choose another throttling scope than {scope!r}.")
    _app_rules[scope] = rule


def allow(scope: str, *, client: str, key: str = "") -> bool:
    """Count one attempt of a registered scope from this client (under `key`, if the limit is per
    form or per account); False if it must wait instead."""
    if scope not in _app_rules:
        raise LookupError(f"The throttling scope {scope!r} is not registered.")
    return _take([Key(scope, email=key[:254], client=client[:45])])


def _rule(scope: str) -> Rule:
    if scope in _app_rules:
        return _app_rules[scope]()
    seconds = datetime.timedelta(seconds=1)
    if scope in (Scope.SIGN_IN, Scope.SIGN_IN_CLIENT):
        return Rule(
            limit=settings.LOGIN_FAILURE_LIMIT
            if scope == Scope.SIGN_IN
            else settings.LOGIN_CLIENT_FAILURE_LIMIT,
            first_delay=settings.LOGIN_FIRST_DELAY_SECONDS * seconds,
            max_delay=settings.LOGIN_MAX_DELAY_SECONDS * seconds,
            forget_after=settings.LOGIN_FAILURE_WINDOW_SECONDS * seconds,
        )
    window = settings.PASSWORD_RESET_WINDOW_SECONDS * seconds
    limit = (
        settings.PASSWORD_RESET_LIMIT
        if scope == Scope.PASSWORD_RESET
        else settings.PASSWORD_RESET_CLIENT_LIMIT
    )
    return Rule(limit=limit, first_delay=window, max_delay=window, forget_after=window)


@dataclass(frozen=True)
class Key:
    scope: str
    email: str = ""
    client: str = ""


def _normalized(email: str) -> str:
    return email.strip().lower()[:254]


@transaction.atomic
def _take(keys: list[Key]) -> bool:
    """Count one attempt under every key, unless one of them is held back now (then count none).

    Keys come coarsest first: rows are locked in that order, so two requests cannot deadlock, and a
    held-back client adds no row for each account it goes on to try."""
    now = timezone.now()
    rows = []
    for key in keys:
        Throttle.objects.bulk_create(
            [Throttle(scope=key.scope, email=key.email, client=key.client, last_attempt_at=now)],
            ignore_conflicts=True,
        )
        row = Throttle.objects.select_for_update().get(scope=key.scope, email=key.email, client=key.client)
        if row.blocked_until is not None and row.blocked_until > now:
            return False
        rows.append(row)
    for row in rows:
        rule = _rule(row.scope)
        if now - row.last_attempt_at > rule.forget_after:
            row.attempts = 0
        row.attempts += 1
        row.last_attempt_at = now
        delay = rule.delay_after(row.attempts)
        row.blocked_until = now + delay if delay else None
        row.save(update_fields=["attempts", "last_attempt_at", "blocked_until"])
    if rows[0].attempts == 1:  # a new key: a good moment to sweep the old ones
        _forget_stale(now)
    return True


def _forget_stale(now: datetime.datetime) -> None:
    """Keep the table small: keys nobody has tried for longer than any rule remembers are gone."""
    longest = max(_rule(scope).forget_after for scope in [*Scope.values, *_app_rules])
    Throttle.objects.filter(
        Q(blocked_until=None) | Q(blocked_until__lt=now), last_attempt_at__lt=now - longest
    ).delete()


def _sign_in_keys(email: str, client: str) -> list[Key]:
    return [Key(Scope.SIGN_IN_CLIENT, client=client), Key(Scope.SIGN_IN, _normalized(email), client)]


def begin_sign_in(*, email: str, client: str) -> bool:
    """Count a sign-in attempt before its password is checked; False if it must wait instead."""
    return _take(_sign_in_keys(email, client))


@transaction.atomic
def sign_in_succeeded(*, email: str, client: str) -> None:
    """The attempt had the right password: forget the pair's failures, and take it off the client's."""
    client_key, pair_key = _sign_in_keys(email, client)
    Throttle.objects.filter(scope=pair_key.scope, email=pair_key.email, client=pair_key.client).delete()
    on_client = Throttle.objects.filter(scope=client_key.scope, email="", client=client_key.client)
    on_client.filter(attempts__gt=0).update(attempts=F("attempts") - 1)
    on_client.filter(attempts__lt=_rule(client_key.scope).limit).update(blocked_until=None)


def forget_account(*, email: str) -> None:
    """Forget every failed sign-in on the account, from any client (after a completed password reset)."""
    Throttle.objects.filter(scope=Scope.SIGN_IN, email=_normalized(email)).delete()


def allow_password_reset(*, email: str, client: str) -> bool:
    """Count a password-reset request; False if this address or client asked too often."""
    return _take(
        [Key(Scope.PASSWORD_RESET_CLIENT, client=client), Key(Scope.PASSWORD_RESET, _normalized(email))]
    )


def client_address(request: HttpRequest) -> str:
    """The address of whoever sent the request, trusting X-Forwarded-For only from configured proxies."""
    remote: str = request.META.get("REMOTE_ADDR", "")
    proxies = [ipaddress.ip_network(proxy, strict=False) for proxy in settings.TRUSTED_PROXIES]
    if not proxies or not _is_within(remote, proxies):
        return remote
    forwarded: str = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _is_within(hop, proxies):
            # Whatever the client wrote sits further left; this hop was written by a trusted proxy.
            return hop if _is_address(hop) else remote
    return hops[0] if hops else remote


def _is_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _is_within(text: str, networks: list[ipaddress.IPv4Network | ipaddress.IPv6Network]) -> bool:
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return False
    return any(address in network for network in networks)
