import pytest
from django.test import Client

from kliento.core.permissions import Role
from kliento.core.services import create_api_key
from tests.deals.factories import LostReasonFactory, sales_pipeline


@pytest.fixture
def pipeline(alice):
    return sales_pipeline(alice.organization)


@pytest.fixture
def stages(pipeline):
    return pipeline[1]


@pytest.fixture
def reason(alice):
    return LostReasonFactory(organization=alice.organization, name="Price too high")


@pytest.fixture
def api(alice) -> Client:
    raw = create_api_key(name="Owner key", role=Role.OWNER, member=alice)[1]
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
