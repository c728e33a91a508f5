import ast
from pathlib import Path

import pytest
from django.db import connection

import kliento
from kliento.cli import main
from kliento.core.models import AuditEntry
from kliento.core.records.bulk import SQLITE_CACHE_KIB, BulkWriter
from kliento.core.records.demo import (
    DemoOutcome,
    DemoSize,
    DemoStep,
    demo_steps,
    register_demo_step,
    unregister_demo_step,
)
from kliento.core.tenancy import active_organization, active_organization_id
from kliento.demo.generate import load_demo
from tests.customers.test_demo import _fresh_organization

calls: list[dict] = []

NOTE_COLUMNS = (
    "organization_id", "created_at", "updated_at", "action", "actor_label", "record_type", "record_id",
    "record_label",
)  # fmt: skip
WRITTEN_AT = "2026-01-02 03:04:05"


def fill_notes(organization, size, rng, writer):
    """A step of a kind the demo does not know, written with the shared writer."""
    have = AuditEntry.objects.filter(record_type="tests.note").count()
    wanted = size["notes"]
    when = WRITTEN_AT + ("+00" if writer.is_postgresql else "")
    rows = [
        (
            organization.pk,
            when,
            when,
            AuditEntry.Action.CREATE,
            "demo",
            "tests.note",
            number,
            f"Note {rng.randrange(10**6)}",
        )
        for number in range(have, wanted)
    ]
    writer.insert(AuditEntry, NOTE_COLUMNS, rows)
    calls.append({"step": "notes", "organization": active_organization_id(), "size": dict(size),
                  "draw": rng.random(), "writer": writer})  # fmt: skip
    return DemoOutcome(added={"notes": len(rows)}, counts={"notes": max(have, wanted)})


def fill_memos(organization, size, rng, writer):
    calls.append({"step": "memos", "size": dict(size), "draw": rng.random(), "writer": writer})
    return DemoOutcome(added={"memos": 0}, counts={"memos": 0})


@pytest.fixture
def test_steps():
    calls.clear()
    register_demo_step(
        DemoStep("notes", fill_notes, (DemoSize("notes", default=3, help="notes (3)"),), order=50)
    )
    register_demo_step(DemoStep("memos", fill_memos, (DemoSize("memos", default=1),), order=40))
    yield
    unregister_demo_step("notes")
    unregister_demo_step("memos")


def test_customers_is_the_first_registered_step():
    assert next(demo_steps()).key == "customers"
    assert [size.name for size in next(demo_steps()).sizes] == ["contacts", "companies"]


def test_the_demo_runs_every_registered_step_in_order_with_one_writer(db, test_steps):
    organization = _fresh_organization("steps")

    result = load_demo(organization_slug="steps", contacts=5, companies=2, notes=4)

    assert [call["step"] for call in calls] == ["memos", "notes"]
    assert calls[0]["writer"] is calls[1]["writer"]
    assert isinstance(calls[0]["writer"], BulkWriter)
    assert calls[1]["organization"] == organization.pk
    assert (calls[0]["size"], calls[1]["size"]) == ({"memos": 1}, {"notes": 4})
    assert (result.added["notes"], result.counts["notes"], result.counts["contacts"]) == (4, 4, 5)
    with active_organization(organization.pk):
        assert AuditEntry.objects.filter(record_type="tests.note").count() == 4


def test_each_step_draws_from_its_own_generator_seeded_by_the_seed(db, test_steps):
    _fresh_organization("first")
    _fresh_organization("second")

    load_demo(organization_slug="first", seed=5, contacts=0, companies=0)
    load_demo(organization_slug="second", seed=5, contacts=0, companies=0)
    unregister_demo_step("memos")  # another step fewer changes no other step's draws
    load_demo(organization_slug="second", seed=6, contacts=0, companies=0)

    draws = [(call["step"], call["draw"]) for call in calls]
    assert draws[:2] == draws[2:4]
    assert draws[0][1] != draws[1][1]
    assert draws[4][0] == "notes" and draws[4][1] != draws[1][1]


def test_a_step_asked_again_adds_only_what_is_missing(db, test_steps):
    _fresh_organization("again")
    load_demo(organization_slug="again", contacts=0, companies=0, notes=2)

    result = load_demo(organization_slug="again", contacts=0, companies=0, notes=5)

    assert (result.added["notes"], result.counts["notes"]) == (3, 5)


def test_a_size_no_step_registered_is_refused(db):
    with pytest.raises(TypeError, match="widgets"):
        load_demo(widgets=3)


def test_two_steps_cannot_register_the_same_size_option(test_steps):
    with pytest.raises(ValueError, match="notes"):
        register_demo_step(DemoStep("other", fill_notes, (DemoSize("notes", default=1),)))


def test_the_demo_command_takes_the_size_options_steps_registered(alice, test_steps, capsys):
    assert main(["demo", "--org", "acme", "--contacts", "3", "--companies", "1", "--notes", "6"]) == 0

    assert calls[-1]["size"] == {"notes": 6}
    assert "notes: 6" in capsys.readouterr().out


def test_the_demo_command_refuses_a_negative_size_of_any_step(alice, test_steps, capsys):
    assert main(["demo", "--org", "acme", "--notes", "-2"]) == 2

    assert "--notes must be 0 or more" in capsys.readouterr().err
    assert calls == []


def _imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


@pytest.mark.parametrize("package", ["core", "demo"])
def test_the_demo_runner_and_the_records_kit_import_no_domain_app(package):
    root = Path(kliento.__file__).parent
    offenders = {
        str(path.relative_to(root)): sorted(
            name for name in _imported_modules(path) if name.startswith("kliento.customers")
        )
        for path in (root / package).rglob("*.py")
    }

    assert {path: names for path, names in offenders.items() if names} == {}


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's page cache")
def test_the_bulk_writer_holds_sqlites_page_cache_to_a_fixed_size_and_gives_it_back(db):
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size = -2000")
        with BulkWriter() as writer:
            assert writer.value("PRAGMA cache_size") == -SQLITE_CACHE_KIB
        cursor.execute("PRAGMA cache_size")
        assert cursor.fetchone()[0] == -2000
