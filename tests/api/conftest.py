import pytest
from django.test import Client

from kliento.core.permissions import Role
from kliento.core.services import create_api_key


def bearer(raw_key: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw_key}"}


@pytest.fixture
def api_key_for(alice):
    """A raw API key of Acme with the given role."""

    def make(role: str = Role.ADMIN) -> str:
        return create_api_key(name=f"{role} key", role=role, member=alice)[1]

    return make


@pytest.fixture
def admin_api(api_key_for) -> Client:
    return Client(**bearer(api_key_for(Role.ADMIN)))
