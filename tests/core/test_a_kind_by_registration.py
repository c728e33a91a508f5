"""A kind of record gets every part of the records kit by registration alone: the test-only kind
in tests/recordkit registers in its AppConfig.ready() and writes no view, template or query of its
own beyond one panel's template and its search provider."""

from django.test import TestCase
from django.urls import reverse

from kliento.core.models import AuditEntry, Tag
from kliento.core.records import tags as record_tags
from kliento.core.records.fields import services as field_services
from kliento.core.records.fields.values import clean_custom_values, definitions_for, store_custom_values
from tests.recordkit.models import Specimen

SPECIMENS = reverse("recordkit:specimen-list")


def specimen(member, name="Moss", values=None, notes="") -> Specimen:
    record = Specimen.objects.create(
        organization=member.organization, name=name, owner=member.user, notes=notes
    )
    if values:
        record.custom_fields = clean_custom_values("specimen", values, record_id=record.pk)
        record.save()
        store_custom_values(record, definitions_for("specimen"))
    return record


def serial_field(member):
    with TestCase.captureOnCommitCallbacks(execute=True):  # the job that indexes its values
        return field_services.save_custom_field(
            member=member,
            data={"entity": "specimen", "label": "Serial", "key": "serial", "field_type": "text"},
        )


def test_the_card_shows_the_kinds_panels_with_its_custom_fields_and_tags(alice_client, alice):
    serial_field(alice)
    moss = specimen(alice, values={"serial": "S-42"}, notes="Found in the shade")
    record_tags.change_tags(record=moss, member=alice, add=["rare"])

    response = alice_client.get(reverse("recordkit:specimen-detail", args=[moss.pk]))

    assert response.status_code == 200
    content = response.content.decode()
    assert 'data-testid="panel-details"' in content
    assert "S-42" in content and "rare" in content
    assert 'data-testid="specimen-notes"' in content and "Found in the shade" in content


def test_the_cards_history_tab_reads_the_tag_change(alice_client, alice):
    moss = specimen(alice)
    record_tags.change_tags(record=moss, member=alice, add=["rare"])

    response = alice_client.get(reverse("core:record-history", args=["specimen", moss.pk]))

    assert response.status_code == 200
    assert "rare" in response.content.decode()


def test_the_list_filters_by_a_custom_field(alice_client, alice):
    serial_field(alice)
    specimen(alice, "Moss", values={"serial": "S-1"})
    specimen(alice, "Fern", values={"serial": "S-2"})

    response = alice_client.get(SPECIMENS, {"cf.serial": "S-2"})

    assert response.status_code == 200
    assert [row.name for row in response.context["rows"]] == ["Fern"]


def test_the_list_filters_by_tag_and_shows_the_tags(alice_client, alice):
    moss, fern = specimen(alice, "Moss"), specimen(alice, "Fern")
    record_tags.change_tags(record=fern, member=alice, add=["Rare"])

    response = alice_client.get(SPECIMENS, {"tag": "rare", "columns": "name,tags"})

    assert [row.name for row in response.context["rows"]] == ["Fern"]
    assert "Rare" in response.content.decode()
    assert moss.name not in [row.name for row in response.context["rows"]]


def test_the_lists_bulk_action_tags_each_record_with_its_own_history(alice_client, alice):
    moss, fern = specimen(alice, "Moss"), specimen(alice, "Fern")

    response = alice_client.post(
        reverse("recordkit:specimen-bulk"), {"action": "add_tag", "ids": [moss.pk, fern.pk], "tag": "dried"}
    )

    assert response.status_code in (200, 204, 302)
    assert record_tags.tag_names(moss) == record_tags.tag_names(fern) == ["dried"]
    entries = AuditEntry.objects.filter(record_type="recordkit.specimen", action=AuditEntry.Action.UPDATE)
    assert sorted(entries.values_list("record_id", flat=True)) == sorted([moss.pk, fern.pk])
    assert len(set(entries.values_list("batch_id", flat=True))) == 1
    assert Tag.objects.filter(name="dried").count() == 1


def test_global_search_finds_the_kind_in_its_own_group(alice_client, alice):
    moss = specimen(alice, "Mosswort")

    groups = alice_client.get("/api/v1/search", {"q": "moss"}).json()["groups"]

    assert [(group["kind"], [result["url"] for result in group["results"]]) for group in groups] == [
        ("specimen", [reverse("recordkit:specimen-detail", args=[moss.pk])])
    ]
    page = alice_client.get(reverse("core:search"), {"q": "moss"}, headers={"HX-Request": "true"})
    assert "Mosswort" in page.content.decode()


def test_a_new_field_is_indexed_by_a_job_and_not_filtered_by_before(alice_client, alice):
    Specimen.objects.create(organization=alice.organization, name="Old", custom_fields={"serial": "S-9"})

    with TestCase.captureOnCommitCallbacks(execute=False) as jobs:
        field = field_services.save_custom_field(
            member=alice,
            data={"entity": "specimen", "label": "Serial", "key": "serial", "field_type": "text"},
        )
    field.refresh_from_db()
    assert (field.index_ready, len(jobs)) == (False, 1)
    refused = alice_client.get(SPECIMENS, {"cf.serial": "S-9"})
    assert refused.status_code == 400
    assert [error.label for error in refused.context["errors"]] == ["Serial"]
    assert "being indexed" in refused.context["errors"][0].messages[0]

    jobs[0]()

    field.refresh_from_db()
    assert field.index_ready is True
    found = alice_client.get(SPECIMENS, {"cf.serial": "S-9"})
    assert [row.name for row in found.context["rows"]] == ["Old"]
