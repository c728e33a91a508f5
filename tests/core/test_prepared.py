from django.db import connection
from django.test.utils import CaptureQueriesContext

from kliento.core.models import ApiKey
from kliento.core.prepared import PreparedQuery
from kliento.core.services import create_api_key

KEY_BY_PREFIX = PreparedQuery(
    lambda prefix: ApiKey.unscoped.select_related("organization", "created_by").filter(prefix=prefix)
)


def test_a_prepared_query_gives_the_same_record_and_related_records_as_its_queryset(alice):
    key, _raw = create_api_key(name="sync", role="viewer", member=alice)
    expected = ApiKey.unscoped.select_related("organization", "created_by").get(prefix=key.prefix)

    found = KEY_BY_PREFIX.first(key.prefix)

    assert found is not None
    assert [getattr(found, f.attname) for f in ApiKey._meta.concrete_fields] == [
        getattr(expected, f.attname) for f in ApiKey._meta.concrete_fields
    ]
    assert found.created_at == expected.created_at  # dates come back converted, not as text
    with CaptureQueriesContext(connection) as queries:
        assert found.organization.name == "Acme"
        assert found.created_by.email == "alice@acme.test"
    assert len(queries) == 0


def test_a_prepared_query_runs_again_with_each_new_value_in_one_query(alice):
    first, _raw = create_api_key(name="one", role="viewer", member=alice)
    second, _raw = create_api_key(name="two", role="admin", member=alice)

    with CaptureQueriesContext(connection) as queries:
        names = [KEY_BY_PREFIX.first(key.prefix).name for key in (first, second)]

    assert names == ["one", "two"]
    assert len(queries) == 2


def test_a_prepared_query_gives_none_when_nothing_matches(alice):
    assert KEY_BY_PREFIX.first("nosuchprefix") is None
