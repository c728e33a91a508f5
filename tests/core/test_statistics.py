import pytest
from django.db import connection

from kliento.core.statistics import analyze_new_indexes

pytestmark = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's planner statistics")


def _statistics_of(index):
    with connection.cursor() as cursor:
        cursor.execute("SELECT stat FROM sqlite_stat1 WHERE idx = %s", [index])
        return cursor.fetchone()


@pytest.mark.django_db(transaction=True)
def test_an_index_added_after_the_table_was_analyzed_gets_its_statistics(alice):
    from tests.customers.factories import ContactFactory

    ContactFactory.create_batch(3, organization=alice.organization)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE customers_contact")
        cursor.execute("CREATE INDEX test_contact_city ON customers_contact (organization_id, city)")
    try:
        assert _statistics_of("test_contact_city") is None

        assert "test_contact_city" in analyze_new_indexes()

        assert _statistics_of("test_contact_city") is not None
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP INDEX test_contact_city")
            cursor.execute("DELETE FROM sqlite_stat1")
