"""Saving through the audit helpers validates a record fully, without looking up again the references
Kliento itself set (organization, creator, changer)."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kliento.core.audit import create_record, update_record
from kliento.customers import services
from kliento.customers.models import Tag


def _lookups(queries, table: str) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].startswith("SELECT 1 AS") and f'FROM "{table}"' in q["sql"]]


def test_creating_a_contact_does_not_look_up_its_organization_or_checked_owner_again(alice):
    with CaptureQueriesContext(connection) as queries:
        services.create_contact(member=alice, data={"first_name": "Ana", "last_name": "Lima"})
    assert _lookups(queries.captured_queries, "core_organization") == []
    assert _lookups(queries.captured_queries, "core_user") == []


def test_changing_a_record_does_not_look_up_its_creator_again(alice):
    tag = create_record(Tag(name="vip"), actor=alice.user)
    with CaptureQueriesContext(connection) as queries:
        update_record(tag, {"color": "#198754"}, actor=alice.user)
    assert _lookups(queries.captured_queries, "core_user") == []
    assert _lookups(queries.captured_queries, "core_organization") == []


def test_a_unique_rule_with_the_organization_is_still_checked_with_a_field_error(alice):
    create_record(Tag(name="vip"), actor=alice.user)
    with pytest.raises(ValidationError) as refused:
        create_record(Tag(name="vip"), actor=alice.user)
    assert refused.value.message_dict  # a validation error, not the database's IntegrityError
    assert Tag.objects.filter(name="vip").count() == 1
