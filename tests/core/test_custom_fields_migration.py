"""Moving custom fields from customers to core keeps every field, value, unique value and history
entry, indexes the values for filters, and leaves the customers tables (and SQLite's search
triggers on them) as they were."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("core", "0008_invitation_add_token_salt"), ("customers", "0007_tag_links_carry_organization")]


def _triggers() -> set[str]:
    if connection.vendor != "sqlite":
        return set()
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        return {name for (name,) in cursor.fetchall()}


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_custom_fields_move_to_core_with_their_values_and_history():
    triggers = _triggers()
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        old = _migrate(BEFORE)
        organization = old.get_model("core", "Organization").objects.create(name="Acme", slug="acme")
        field = old.get_model("customers", "CustomField").objects.create(
            organization=organization,
            entity="contact",
            key="card",
            label="Card",
            field_type="text",
            is_unique=True,
        )
        choice = old.get_model("customers", "CustomField").objects.create(
            organization=organization,
            entity="company",
            key="size",
            label="Size",
            field_type="multi_choice",
            choices=["S", "M"],
        )
        contact = old.get_model("customers", "Contact").objects.create(
            organization=organization, first_name="Ann", custom_fields={"card": "A-1"}
        )
        company = old.get_model("customers", "Company").objects.create(
            organization=organization, name="Acme", custom_fields={"size": ["S", "M"]}
        )
        old.get_model("customers", "UniqueCustomValue").objects.create(
            field=field, value_hash="f" * 64, contact=contact
        )
        old.get_model("core", "AuditEntry").objects.create(
            organization=organization,
            action="create",
            record_type="customers.customfield",
            record_id=field.pk,
        )

        new = _migrate(latest)

        moved = new.get_model("core", "CustomField").objects.get(key="card")
        assert (moved.pk, moved.entity, moved.is_unique) == (field.pk, "contact", True)
        unique = new.get_model("core", "UniqueCustomValue").objects.get()
        assert (unique.organization_id, unique.field_id, unique.record_id, unique.value_hash) == (
            organization.pk,
            field.pk,
            contact.pk,
            "f" * 64,
        )
        indexed = new.get_model("core", "CustomValue").objects.order_by("field_id", "text_value")
        assert [(row.field_id, row.record_id, row.text_value) for row in indexed] == [
            (field.pk, contact.pk, "A-1"),
            (choice.pk, company.pk, "M"),
            (choice.pk, company.pk, "S"),
        ]
        entry = new.get_model("core", "AuditEntry").objects.get()
        assert entry.record_type == "core.customfield"
        assert _triggers() == triggers
    finally:
        _migrate(latest)
