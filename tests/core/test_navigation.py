"""The navigation registry (core/navigation.py) and the command registry (core/commands.py)."""

from __future__ import annotations

import pytest
from django.utils import translation

from kliento.core import navigation
from kliento.core.commands import commands_for, folded
from kliento.core.navigation import (
    NavItem,
    TopBarItem,
    current_item,
    nav_groups,
    nav_items_for,
    phone_items,
    register_nav_item,
    register_topbar_item,
    topbar_items_for,
)
from kliento.core.permissions import Permission


def test_entries_are_grouped_by_area_in_the_areas_order_and_empty_areas_are_left_out(alice):
    groups = nav_groups(nav_items_for(alice))

    assert [group.area.key if group.area else None for group in groups] == [
        None,
        "customers",
        "sales",
        "settings",
    ]
    assert [str(item.label) for item in groups[0].items] == ["Home"]
    assert [str(item.label) for item in groups[1].items] == ["Contacts", "Companies"]


def test_a_member_sees_only_the_entries_their_role_allows(alice, bob):
    alice_pages = {item.url_name for item in nav_items_for(alice)}
    bob_pages = {item.url_name for item in nav_items_for(bob)}

    assert {"core:organization-settings", "core:api-keys", "core:audit-log"} <= alice_pages
    assert bob_pages.isdisjoint({"core:organization-settings", "core:api-keys", "core:audit-log"})
    assert "customers:contact-list" in bob_pages
    assert nav_items_for(None) == []


def test_an_entry_in_an_unknown_area_is_refused():
    with pytest.raises(ValueError, match="area"):
        register_nav_item(NavItem("Spaceships", "web:home", "rocket", area="spaceships"))


def test_a_page_belongs_to_the_entry_with_the_longest_matching_address(alice):
    items = nav_items_for(alice)

    assert current_item(items, "/").url_name == "web:home"
    assert current_item(items, "/contacts/12/edit/").url_name == "customers:contact-list"
    assert current_item(items, "/settings/teams/3/").url_name == "core:teams"
    assert current_item(items, "/accounts/profile/") is None


def test_the_phone_bar_holds_at_most_four_pinned_places_in_slot_order(alice):
    extra = [NavItem(f"Place {n}", "web:home", "star", phone_slot=slot) for n, slot in enumerate((5, 50, 60))]

    places = phone_items(nav_items_for(alice) + extra)

    assert [str(item.label) for item in places] == ["Place 0", "Home", "Contacts", "Companies"]


def test_top_bar_items_show_by_permission_and_order(alice, bob, monkeypatch):
    monkeypatch.setattr(navigation, "_topbar", {})
    register_topbar_item(TopBarItem("b", "b.html", order=20))
    register_topbar_item(TopBarItem("a", "a.html", order=10, permission=Permission.MANAGE_API_KEYS))

    assert [item.key for item in topbar_items_for(alice)] == ["a", "b"]
    assert [item.key for item in topbar_items_for(bob)] == ["b"]
    assert topbar_items_for(None) == []


def test_every_navigation_entry_is_a_go_to_command(alice):
    labels = [command.label for command in commands_for(alice, "go to", limit=100)]

    assert {f"Go to {item.label}" for item in nav_items_for(alice)} == set(labels)


def test_commands_match_every_typed_word_ignoring_case_and_accents(alice):
    assert [command.label for command in commands_for(alice, "NEW cont")] == ["New contact"]
    assert [command.key for command in commands_for(alice, "compañ")] == [
        "new-company",
        "go:customers:company-list",
    ]
    assert commands_for(alice, "new spaceship") == []


def test_commands_match_in_the_readers_language(alice):
    with translation.override("ar"):
        found = commands_for(alice, "الشركات")

    assert [command.url for command in found] == ["/companies/"]


def test_a_role_without_the_permission_gets_no_such_command(bob, acme):
    from tests.factories import MembershipFactory

    viewer = MembershipFactory(organization=acme, role="viewer")

    assert "new-contact" in [command.key for command in commands_for(bob, "new")]
    assert "new-contact" not in [command.key for command in commands_for(viewer, "new")]


def test_folding_drops_case_accents_and_arabic_vowel_marks():
    assert folded("Compañía") == "compania"
    assert folded("مُحَمَّد") == "محمد"
