import pytest
from django.test import Client

from kliento.core.permissions import Role
from kliento.core.services import create_api_key


@pytest.fixture
def api(alice) -> Client:
    """Acme's API as its owner's key."""
    raw = create_api_key(name="Owner key", role=Role.OWNER, member=alice)[1]
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


@pytest.fixture
def viewer_api(alice) -> Client:
    raw = create_api_key(name="Viewer key", role=Role.VIEWER, member=alice)[1]
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
