"""Each test gets a real database and three personas: Alice (owner at Acme), Bob (salesperson at
Acme) and Olga (owner elsewhere). Alice's organization is active unless a test switches."""

from __future__ import annotations

import pytest
from django.test import Client

from kliento.core.models import Membership
from kliento.core.permissions import Role
from kliento.core.tenancy import activate_organization, reset_organization
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory

PASSWORD = "correct horse battery"


@pytest.fixture
def acme(db):
    return OrganizationFactory(name="Acme", slug="acme")


@pytest.fixture
def alice(acme) -> Membership:
    return MembershipFactory(
        organization=acme, user=UserFactory(email="alice@acme.test", full_name="Alice Adams"), role=Role.OWNER
    )


@pytest.fixture
def bob(acme) -> Membership:
    return MembershipFactory(
        organization=acme,
        user=UserFactory(email="bob@acme.test", full_name="Bob Brown"),
        role=Role.SALESPERSON,
    )


@pytest.fixture
def olga(db) -> Membership:
    other = OrganizationFactory(name="Globex", slug="globex")
    return MembershipFactory(
        organization=other,
        user=UserFactory(email="olga@globex.test", full_name="Olga Orlova"),
        role=Role.OWNER,
    )


@pytest.fixture(autouse=True)
def _alice_organization_active(request):
    """Make Acme active for tests that use its people, as the middleware would for their requests."""
    if "alice" not in request.fixturenames and "bob" not in request.fixturenames:
        yield
        return
    acme = request.getfixturevalue("acme")
    token = activate_organization(acme.pk)
    yield
    reset_organization(token)


@pytest.fixture
def alice_client(alice) -> Client:
    client = Client()
    client.force_login(alice.user)
    return client


@pytest.fixture
def bob_client(bob) -> Client:
    client = Client()
    client.force_login(bob.user)
    return client


@pytest.fixture
def olga_client(olga) -> Client:
    client = Client()
    client.force_login(olga.user)
    return client


@pytest.fixture
def only_customers_searched():
    """Global search asks only the contacts' and companies' providers: a query budget that is the
    customers' own, whatever other kinds the installed apps make searchable."""
    from kliento.core.records import search

    kept = dict(search._providers)
    search._providers.clear()
    search._providers.update({key: kept[key] for key in ("contact", "company")})
    yield
    search._providers.clear()
    search._providers.update(kept)
