"""The card kit: registered parts (home widgets and card panels alike), panels for any record kind,
core's card page and its History tab at one URL pattern for every kind."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kliento.core.audit import update_record
from kliento.core.models import Organization
from kliento.core.parts import Part, PartRegistry
from kliento.core.permissions import Permission, Role
from kliento.core.records import cards
from kliento.core.records.kinds import UnknownKind
from kliento.core.records.panels import card_panels, register_card_panel, unregister_card_panel
from kliento.customers import services
from tests.customers.factories import CompanyFactory, ContactFactory
from tests.factories import MembershipFactory, UserFactory

HISTORY_TEMPLATE = "core/_history.html"  # any template that renders with an empty context


def member_with(acme, role):
    return MembershipFactory(organization=acme, user=UserFactory(), role=role)


def part(key: str, *, order: int = 100, permission: Permission | None = None, context=None) -> Part:
    return Part(
        key=key,
        title=key.title(),
        template=HISTORY_TEMPLATE,
        context=context or (lambda *args: {"args": args}),
        order=order,
        permission=permission,
    )


# Registered parts ----------------------------------------------------------------------------


def test_parts_come_in_order_then_by_key(alice):
    registry: PartRegistry[Part] = PartRegistry()
    for registered in (part("b", order=2), part("c", order=1), part("a", order=2)):
        registry.register(registered)

    assert [shown.key for shown in registry.shown_to(alice)] == ["c", "a", "b"]


def test_a_part_is_left_out_without_its_permission_or_when_its_context_is_none(acme):
    viewer = member_with(acme, Role.VIEWER)
    registry: PartRegistry[Part] = PartRegistry()
    registry.register(part("shown"))
    registry.register(part("audit", permission=Permission.VIEW_AUDIT))
    registry.register(part("empty", context=lambda *args: None))

    assert [shown.key for shown in registry.shown_to(viewer)] == ["shown"]


def test_a_part_gets_the_pages_arguments_and_registering_its_key_again_replaces_it(alice):
    registry: PartRegistry[Part] = PartRegistry()
    registry.register(part("one", order=5))
    registry.register(part("one", order=1, context=lambda request, record: {"record": record}))

    shown = registry.shown_to(alice, "request", "record")

    assert [(item.key, item.part.order, item.context) for item in shown] == [("one", 1, {"record": "record"})]


def test_an_unregistered_part_is_gone_and_unregistering_twice_is_harmless(alice):
    registry: PartRegistry[Part] = PartRegistry()
    registry.register(part("one"))

    registry.unregister("one")
    registry.unregister("one")

    assert registry.in_order() == []


# Panels for any kind ---------------------------------------------------------------------------


def test_a_panel_for_an_unregistered_kind_is_refused_when_registered():
    with pytest.raises(UnknownKind):
        register_card_panel(
            "spaceship", key="crew", title="Crew", template=HISTORY_TEMPLATE, context=lambda r, s: {}
        )


def test_a_panel_in_an_unknown_column_is_refused():
    with pytest.raises(ValueError, match="column"):
        register_card_panel(
            "company", key="x", title="X", template=HISTORY_TEMPLATE, context=lambda r, c: {}, column="top"
        )


def test_a_panel_joins_only_the_cards_of_its_kind(alice_client, alice):
    company = CompanyFactory(organization=alice.organization)
    contact = ContactFactory(organization=alice.organization)
    register_card_panel(
        "company",
        key="test-orders",
        title="Orders",
        template=HISTORY_TEMPLATE,
        context=lambda request, record: {"history": []},
        order=5,
        column="side",
    )
    try:
        company_card = alice_client.get(reverse("customers:company-detail", args=[company.pk]))
        contact_card = alice_client.get(reverse("customers:contact-detail", args=[contact.pk]))
    finally:
        unregister_card_panel("company", "test-orders")

    assert [panel.key for panel in company_card.context["panels"]["side"]] == [
        "test-orders",
        "profile",
        "purchases",
        "tasks",
    ]
    assert 'data-testid="panel-test-orders"' in company_card.content.decode()
    assert "test-orders" not in [p.key for column in contact_card.context["panels"].values() for p in column]
    assert "test-orders" not in [panel.key for panel in card_panels("company")]


def test_a_panel_whose_context_is_none_takes_no_room_on_the_card(alice_client, alice):
    company = CompanyFactory(organization=alice.organization)
    register_card_panel(
        "company", key="test-none", title="None", template=HISTORY_TEMPLATE, context=lambda r, c: None
    )
    try:
        response = alice_client.get(reverse("customers:company-detail", args=[company.pk]))
    finally:
        unregister_card_panel("company", "test-none")

    assert "test-none" not in [p.key for column in response.context["panels"].values() for p in column]


# Core's card page --------------------------------------------------------------------------------


@pytest.fixture
def frame_only(monkeypatch):
    """Companies as a kind that registered no card page of its own: core's frame and defaults."""
    monkeypatch.delitem(cards._pages, "company")


def test_a_kind_without_a_card_page_of_its_own_gets_cores_frame(alice_client, alice, frame_only):
    company = CompanyFactory(organization=alice.organization, name="Nordwind")

    response = alice_client.get(reverse("core:record-card", args=["company", company.pk]))

    assert response.status_code == 200
    assert response.templates[0].name == "core/card.html"
    page = response.content.decode()
    assert "Nordwind" in page
    assert reverse("core:record-history", args=["company", company.pk]) in page
    # The orders panel is kliento/orders' registration, the deals panel kliento/deals', the
    # timeline kliento/activities'.
    assert [panel.key for panel in response.context["panels"]["main"]] == [
        "contacts",
        "lifecycle",
        "orders",
        "deals",
        "timeline",
    ]


def test_cores_frame_offers_no_action_the_kind_did_not_declare(alice_client, alice, frame_only):
    company = CompanyFactory(organization=alice.organization)

    response = alice_client.get(reverse("core:record-card", args=["company", company.pk]))

    assert (response.context["edit_url"], response.context["delete_url"]) == ("", "")


def test_cores_default_access_keeps_to_the_records_the_member_may_see(bob_client, bob, alice, frame_only):
    bob.organization.record_visibility = Organization.RecordVisibility.OWN_AND_TEAM
    bob.organization.save()
    theirs = CompanyFactory(organization=alice.organization, owner=alice.user)

    response = bob_client.get(reverse("core:record-card", args=["company", theirs.pk]))

    assert response.status_code == 404


def test_a_kinds_card_page_uses_its_template_access_and_actions(alice_client, alice):
    contact = ContactFactory(organization=alice.organization)

    response = alice_client.get(reverse("core:record-card", args=["contact", contact.pk]))

    assert [template.name for template in response.templates][:2] == ["customers/card.html", "core/card.html"]
    assert response.context["edit_url"] == reverse("customers:contact-edit", args=[contact.pk])
    assert response.context["delete_url"] == reverse("customers:contact-delete", args=[contact.pk])


def test_the_card_offers_only_the_actions_the_member_may_take(client, acme, alice):
    viewer = member_with(acme, Role.VIEWER)
    contact = ContactFactory(organization=alice.organization)
    client.force_login(viewer.user)

    response = client.get(reverse("customers:contact-detail", args=[contact.pk]))

    assert (response.context["edit_url"], response.context["delete_url"]) == ("", "")


def test_an_unknown_kind_has_no_card(alice_client):
    assert alice_client.get(reverse("core:record-card", args=["spaceship", 1])).status_code == 404


def test_another_organizations_record_has_no_card(olga_client, alice):
    contact = ContactFactory(organization=alice.organization)

    response = olga_client.get(reverse("core:record-card", args=["contact", contact.pk]))

    assert response.status_code == 404


# History at one URL pattern --------------------------------------------------------------------


def test_the_history_of_any_kind_reads_its_audit_entries(alice_client, alice):
    company = services.create_company(member=alice, data={"name": "Nordwind"})
    update_record(company, {"name": "Nordwind GmbH"}, actor=alice.user)

    response = alice_client.get(reverse("core:record-history", args=["company", company.pk]))

    history = response.context["history"]
    assert [entry.action for entry in history] == ["update", "create"]
    assert [(line.label, line.old, line.new) for line in history[0].lines] == [
        ("Name", "Nordwind", "Nordwind GmbH")
    ]


def test_a_kinds_own_history_url_answers_as_the_generic_one(alice_client, alice):
    contact = services.create_contact(member=alice, data={"first_name": "Ana"})

    own = alice_client.get(reverse("customers:contact-history", args=[contact.pk]))
    generic = alice_client.get(reverse("core:record-history", args=["contact", contact.pk]))

    assert own.content == generic.content


def test_the_history_of_another_organizations_record_is_not_found(olga_client, alice):
    contact = services.create_contact(member=alice, data={"first_name": "Ana"})

    response = olga_client.get(reverse("core:record-history", args=["contact", contact.pk]))

    assert response.status_code == 404


def test_the_history_of_an_unknown_kind_is_not_found(alice_client):
    assert alice_client.get(reverse("core:record-history", args=["spaceship", 1])).status_code == 404
