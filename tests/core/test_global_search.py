"""Global search over every registered kind (core/records/search.py), its pages and the command
palette's answers: grouped by kind, limited by permission, and never across organizations."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kliento.core.permissions import Permission
from kliento.core.records import kinds
from kliento.core.records.kinds import RecordKind, register_kind
from kliento.core.records.search import (
    SearchResult,
    register_search_provider,
    search_records,
    unregister_search_provider,
)
from kliento.core.tenancy import active_organization
from kliento.customers import services
from kliento.customers.models import Contact


def _contact(member, first_name, last_name="", **data):
    return services.create_contact(
        member=member, data={"first_name": first_name, "last_name": last_name, **data}
    )


def _company(member, name, **data):
    return services.create_company(member=member, data={"name": name, **data})


@pytest.fixture
def secret_kind():
    """A kind only members allowed to manage API keys may see, found by any query."""
    register_kind(
        RecordKind(
            key="test_secret",
            model=Contact,
            label="Secret",
            label_plural="Secrets",
            detail_url_name="web:home",
            icon="lock",
            view_permission=Permission.MANAGE_API_KEYS,
            order=999,
        )
    )
    register_search_provider(
        "test_secret", lambda member, query, limit: [SearchResult(title=f"Secret {query}", url="/secret/")]
    )
    yield
    unregister_search_provider("test_secret")
    kinds._kinds.pop("test_secret", None)


def test_results_come_grouped_by_kind_with_the_best_match_first(alice):
    _contact(alice, "Tom", "Thornton")
    _company(alice, "Thornton Holdings")

    by_company = search_records(alice, "thornton holdings", limit=5)
    by_contact = search_records(alice, "tom thornton", limit=5)
    both = search_records(alice, "thornton", limit=5)

    assert [group.kind.key for group in by_company] == ["company"]
    assert [group.kind.key for group in by_contact] == ["contact"]
    assert [(group.kind.key, [result.title for result in group.results]) for group in both] == [
        ("contact", ["Tom Thornton"]),
        ("company", ["Thornton Holdings"]),
    ]


def test_a_result_carries_its_link_subtitle_and_stage(alice):
    contact = _contact(alice, "Ada", "Lovelace", emails=["ada@example.com"], lifecycle_stage="active")

    [group] = search_records(alice, "lovelace", limit=5)

    [result] = group.results
    assert result.url == reverse("customers:contact-detail", args=[contact.pk])
    assert result.subtitle == "ada@example.com"
    assert str(result.badge) == "Active customer"
    assert result.badge_class == "stage-badge stage-active"


def test_a_group_knows_when_its_kind_has_more(alice):
    for number in range(3):
        _company(alice, f"Lovelace Works {number}")

    [group] = search_records(alice, "lovelace", limit=2)

    assert len(group.results) == 2
    assert group.has_more is True
    assert group.see_all_url == reverse("core:search") + "?q=lovelace&kind=company"
    assert group.list_url == reverse("customers:company-list") + "?q=lovelace"


def test_kinds_the_member_may_not_see_are_not_searched(alice, bob, secret_kind):
    assert "test_secret" in [group.kind.key for group in search_records(alice, "anything", limit=5)]
    assert "test_secret" not in [group.kind.key for group in search_records(bob, "anything", limit=5)]


def test_another_organizations_records_are_never_found(alice, olga, alice_client, olga_client):
    _contact(alice, "Tom", "Thornton")
    with active_organization(olga.organization_id):
        theirs = _contact(olga, "Tina", "Thornton")
        theirs_url = reverse("customers:contact-detail", args=[theirs.pk])
        assert [r.title for g in search_records(olga, "thornton", limit=5) for r in g.results] == [
            "Tina Thornton"
        ]

    titles = [
        result.title for group in search_records(alice, "thornton", limit=5) for result in group.results
    ]
    page = alice_client.get(reverse("core:search"), {"q": "thornton"}).content.decode()
    dropdown = alice_client.get(reverse("core:search"), {"q": "thornton"}, headers={"HX-Request": "true"})
    palette = alice_client.get(reverse("core:palette"), {"q": "thornton"}, headers={"HX-Request": "true"})

    assert titles == ["Tom Thornton"]
    for content in (page, dropdown.content.decode(), palette.content.decode()):
        assert "Tina" not in content
        assert theirs_url not in content


def test_the_page_of_one_kind_shows_only_that_kind(alice_client, alice):
    _contact(alice, "Tom", "Thornton")
    _company(alice, "Thornton Holdings")

    response = alice_client.get(reverse("core:search"), {"q": "thornton", "kind": "company"})

    assert [group.kind.key for group in response.context["groups"]] == ["company"]
    assert response.context["kind"].key == "company"


def test_an_unknown_or_forbidden_kind_searches_every_kind(bob_client, bob, secret_kind):
    _contact(bob, "Tom", "Thornton", owner_id=bob.user_id)

    for kind in ("spaceship", "test_secret"):
        response = bob_client.get(reverse("core:search"), {"q": "thornton", "kind": kind})

        assert response.status_code == 200
        assert response.context["kind"] is None
        assert [group.kind.key for group in response.context["groups"]] == ["contact"]


def test_the_search_pages_need_a_member(client, db):
    for name in ("core:search", "core:palette"):
        assert client.get(reverse(name), {"q": "thorn"}).status_code == 302


# The command palette -------------------------------------------------------------------------


def test_the_palette_offers_commands_before_anything_is_typed(alice_client):
    response = alice_client.get(reverse("core:palette"), headers={"HX-Request": "true"})

    labels = [command.label for command in response.context["commands"]]
    assert labels[:2] == ["New contact", "New company"]
    assert "Go to Companies" in labels
    assert b'role="listbox"' in response.content
    assert b'role="option"' in response.content


def test_the_palette_finds_records_and_commands(alice_client, alice):
    contact = _contact(alice, "Margaret", "Thornton")

    response = alice_client.get(reverse("core:palette"), {"q": "thornton"}, headers={"HX-Request": "true"})

    assert [r.title for g in response.context["groups"] for r in g.results] == ["Margaret Thornton"]
    assert reverse("customers:contact-detail", args=[contact.pk]) in response.content.decode()


def test_a_command_whose_name_starts_with_the_query_comes_before_records(alice_client, alice):
    _contact(alice, "Newton", "Contacto")

    response = alice_client.get(reverse("core:palette"), {"q": "new con"}, headers={"HX-Request": "true"})

    assert response.context["commands_first"] is True
    assert response.context["commands"][0].label == "New contact"


def test_the_palette_leaves_out_commands_the_role_does_not_allow(client, acme):
    from tests.factories import MembershipFactory

    viewer = MembershipFactory(organization=acme, role="viewer")
    client.force_login(viewer.user)

    response = client.get(reverse("core:palette"), headers={"HX-Request": "true"})

    labels = [command.label for command in response.context["commands"]]
    assert "New contact" not in labels
    assert "Go to Contacts" in labels
    assert "Go to API keys" not in labels


def test_the_palette_says_when_nothing_matches(alice_client):
    response = alice_client.get(reverse("core:palette"), {"q": "zzzqqq"}, headers={"HX-Request": "true"})

    assert b'data-testid="palette-empty"' in response.content


@pytest.mark.parametrize("rows", [2, 12])
@pytest.mark.usefixtures("only_customers_searched")
def test_the_palette_runs_a_fixed_number_of_queries(alice_client, alice, rows, django_assert_num_queries):
    for number in range(rows):
        _contact(alice, "Tom", f"Thornton {number}")
    url = reverse("core:palette")
    alice_client.get(url)  # the first request of a session stores the chosen organization

    # User and membership; contacts by name prefix and by fragment; companies the same way.
    with django_assert_num_queries(6):
        alice_client.get(url, {"q": "thornton"}, headers={"HX-Request": "true"})
