"""The records kit's list: a kind gets a list page with filters, sort, keyset pages, a count, saved
views and bulk actions by registration alone (the test-only kind in tests/recordkit)."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kliento.core.errors import NotAllowed
from kliento.core.models import AuditEntry, SavedView
from kliento.core.permissions import Role
from kliento.core.records.kinds import UnknownKind
from kliento.core.records.lists import ListSpec, columns, list_rows, register_list
from kliento.core.records.lists.saved_views import save_view
from kliento.core.tenancy import active_organization
from tests.factories import MembershipFactory
from tests.recordkit.models import Specimen

SPECIMENS = reverse("recordkit:specimen-list")


def specimen(member, **fields) -> Specimen:
    fields.setdefault("owner", member.user)
    fields.setdefault("name", "Specimen")
    return Specimen.objects.create(organization=member.organization, **fields)


def names(response) -> list[str]:
    return [row.name for row in response.context["rows"]]


def test_a_registered_kind_gets_a_list_page_linking_each_row_to_its_record(alice_client, alice):
    moss = specimen(alice, name="Moss")

    response = alice_client.get(SPECIMENS)

    assert response.status_code == 200
    assert names(response) == ["Moss"]
    assert f'href="{reverse("recordkit:specimen-detail", args=[moss.pk])}"' in response.content.decode()


def test_a_kinds_filter_keeps_the_matching_rows(alice_client, alice):
    specimen(alice, name="Kept", status=Specimen.Status.KEPT)
    specimen(alice, name="Fresh")

    response = alice_client.get(SPECIMENS, {"status": "kept"})

    assert names(response) == ["Kept"]
    assert [chip.label for chip in response.context["chips"]] == ["Status: Kept"]


def test_an_unknown_value_of_a_kinds_filter_answers_400_naming_it(alice_client, alice):
    response = alice_client.get(SPECIMENS, {"status": "rotten"})

    assert response.status_code == 400
    assert [error.label for error in response.context["errors"]] == ["Status"]


def test_a_kinds_list_sorts_and_pages_without_duplicates(alice_client, alice):
    for number in range(60):
        specimen(alice, name=f"S{number:02d}")

    first = alice_client.get(SPECIMENS, {"sort": "-name"})
    second = alice_client.get(first.context["next_url"])

    shown = names(first) + names(second)
    assert shown == [f"S{number:02d}" for number in reversed(range(60))]


def test_a_kinds_list_shows_the_columns_asked_for_after_the_name(alice_client, alice):
    specimen(alice)

    response = alice_client.get(SPECIMENS, {"columns": "updated,status,unknown"})

    assert [column.key for column in response.context["columns"]] == ["name", "updated", "status"]


def test_a_kinds_list_counts_its_filtered_rows_apart(alice_client, alice):
    specimen(alice, status=Specimen.Status.KEPT)
    specimen(alice, status=Specimen.Status.KEPT)
    specimen(alice)

    response = alice_client.get(reverse("recordkit:specimen-count"), {"status": "kept"})

    assert response.content.decode().strip() == '<span data-testid="list-count-figure">2 records</span>'


def test_the_list_issues_the_same_number_of_queries_for_5_and_60_rows(alice_client, alice):
    for number in range(5):
        specimen(alice, name=f"S{number:02d}")
    alice_client.get(SPECIMENS)
    with CaptureQueriesContext(connection) as few:
        alice_client.get(SPECIMENS, {"columns": "status,owner,updated"})
    for number in range(5, 60):
        specimen(alice, name=f"S{number:02d}")
    with CaptureQueriesContext(connection) as many:
        response = alice_client.get(SPECIMENS, {"columns": "status,owner,updated"})

    assert len(response.context["rows"]) == 50
    assert len(few.captured_queries) == len(many.captured_queries)


# Saved views ------------------------------------------------------------------------------------


def save(client, *, kind="specimen", **data):
    data = {"name": "Kept ones", "query": "status=kept", "columns": "name,status", **data}
    return client.post(reverse("core:saved-view-save", args=[kind]), data)


def test_a_view_of_a_kinds_list_is_saved_and_opens_with_its_filters(alice_client, alice):
    specimen(alice, name="Kept", status=Specimen.Status.KEPT)
    specimen(alice, name="Fresh")

    location = save(alice_client)["Location"]
    response = alice_client.get(location)

    view = SavedView.objects.get()
    assert (view.kind, view.query, view.columns) == ("specimen", {"status": ["kept"]}, ["name", "status"])
    assert names(response) == ["Kept"]
    assert response.context["active_view"] == view


def test_a_kinds_views_are_listed_on_its_own_list_only(alice_client, alice):
    save(alice_client)

    specimens = alice_client.get(SPECIMENS)
    contacts = alice_client.get(reverse("customers:contact-list"))

    assert [entry["view"].name for entry in specimens.context["personal_views"]] == ["Kept ones"]
    assert contacts.context["personal_views"] == []


def test_a_shared_view_is_listed_for_everyone_and_a_personal_one_for_its_owner(
    alice_client, alice, bob_client
):
    save(alice_client, name="Shared", shared="on")
    save(alice_client, name="Mine")

    response = bob_client.get(SPECIMENS)

    assert [entry["view"].name for entry in response.context["shared_views"]] == ["Shared"]
    assert response.context["personal_views"] == []


def test_a_view_of_a_kind_without_a_list_is_not_found(alice_client, alice):
    response = save(alice_client, kind="nothing")

    assert response.status_code == 404
    assert SavedView.objects.exists() is False


def test_a_salesperson_may_not_share_a_view(bob):
    with pytest.raises(NotAllowed):
        save_view(member=bob, kind="specimen", name="Mine", query={}, columns=[], shared=True)


def test_a_view_with_a_bad_filter_is_not_saved(alice_client, alice):
    save(alice_client, query="status=rotten")

    assert SavedView.objects.exists() is False


# Bulk actions -----------------------------------------------------------------------------------


def bulk(client, ids, **data):
    return client.post(
        reverse("recordkit:specimen-bulk"), {"ids": ids, "action": "set_status", "status": "gone", **data}
    )


def test_a_kinds_bulk_action_changes_the_selection_with_an_entry_on_each_record(alice_client, alice):
    first, second, untouched = specimen(alice), specimen(alice), specimen(alice)

    response = bulk(alice_client, [first.pk, second.pk])

    assert response.status_code == 302
    assert set(Specimen.objects.filter(status="gone").values_list("pk", flat=True)) == {first.pk, second.pk}
    entries = AuditEntry.objects.filter(record_type="recordkit.specimen")
    assert sorted(entries.values_list("record_id", flat=True)) == sorted([first.pk, second.pk])
    assert len(set(entries.values_list("batch_id", flat=True))) == 1
    untouched.refresh_from_db()
    assert untouched.status == Specimen.Status.FRESH


def test_a_bulk_action_without_its_value_changes_nothing(alice_client, alice):
    row = specimen(alice)

    bulk(alice_client, [row.pk], status="")

    row.refresh_from_db()
    assert row.status == Specimen.Status.FRESH


def test_a_viewer_gets_neither_selection_boxes_nor_bulk_actions(client, alice, acme):
    viewer = MembershipFactory(organization=acme, role=Role.VIEWER)
    row = specimen(alice)
    client.force_login(viewer.user)

    page = client.get(SPECIMENS)
    response = bulk(client, [row.pk])

    assert page.context["can_bulk"] is False
    assert response.status_code == 403
    row.refresh_from_db()
    assert row.status == Specimen.Status.FRESH


# Isolation --------------------------------------------------------------------------------------


def test_another_organizations_rows_are_neither_listed_nor_changed_in_bulk(olga_client, olga, alice):
    ours = specimen(alice, name="Ours")

    listed = olga_client.get(SPECIMENS)
    bulk(olga_client, [ours.pk])

    assert names(listed) == []
    with active_organization(alice.organization_id):
        ours.refresh_from_db()
    assert ours.status == Specimen.Status.FRESH


def test_another_organizations_shared_views_are_neither_listed_nor_deletable(alice_client, olga_client, olga):
    save(alice_client, shared="on")
    view = SavedView.objects.get()

    listed = olga_client.get(SPECIMENS)
    response = olga_client.post(reverse("core:saved-view-delete", args=[view.pk]))

    assert listed.context["shared_views"] == []
    assert response.status_code == 404
    assert SavedView.objects.filter(pk=view.pk).exists() is True


# The export hook and the registry -----------------------------------------------------------------


def test_list_rows_gives_the_filtered_rows_and_chosen_columns(alice):
    specimen(alice, name="Kept", status=Specimen.Status.KEPT)
    specimen(alice, name="Fresh")

    rows = list_rows("specimen", alice, {"status": ["kept"], "columns": ["status"]})

    assert [row.name for row in rows.queryset.order_by(*rows.ordering)] == ["Kept"]
    assert [column.key for column in rows.columns] == ["name", "status"]


def test_list_rows_refuses_a_bad_parameter_naming_it(alice):
    with pytest.raises(ValidationError) as raised:
        list_rows("specimen", alice, {"sort": "weight"})

    assert list(raised.value.message_dict) == ["sort"]


def test_a_list_is_registered_for_a_registered_kind_only():
    with pytest.raises(UnknownKind):
        register_list(ListSpec(kind="nothing", columns=(columns.name(),), default_columns=("name",)))
