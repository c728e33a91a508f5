"""The app shell (web/base.html): sidebar by area, its remembered collapsed state, the phone's bottom
bar, the top bar's slots and the command palette's dialog."""

from __future__ import annotations

from django.urls import reverse

from kliento.web.context_processors import SIDEBAR_COOKIE


def test_the_sidebar_lists_the_areas_with_entries_and_marks_the_current_page(alice_client):
    content = alice_client.get(reverse("customers:company-list")).content.decode()

    assert 'id="nav-area-customers"' in content
    assert 'id="nav-area-settings"' in content
    assert 'id="nav-area-sales"' in content
    assert 'id="nav-area-reports"' not in content  # no reports entries yet
    assert 'aria-current="page" href="/companies/"' in content


def test_the_sidebar_is_drawn_collapsed_when_the_cookie_says_so(alice_client):
    expanded = alice_client.get(reverse("web:home")).content.decode()
    alice_client.cookies[SIDEBAR_COOKIE] = "collapsed"
    collapsed = alice_client.get(reverse("web:home")).content.decode()

    assert "app-shell is-auto" in expanded
    assert 'aria-pressed="false" data-sidebar-toggle' in expanded
    assert "app-shell is-collapsed" in collapsed
    assert 'aria-pressed="true" data-sidebar-toggle' in collapsed


def test_the_bottom_bar_has_the_pinned_places_and_the_menu(alice_client):
    content = alice_client.get(reverse("web:home")).content.decode()
    bar = content[content.index('data-testid="bottombar"') :]
    bar = bar[: bar.index("</nav>")]

    assert [href for href in ("/", "/contacts/", "/companies/") if f'href="{href}"' in bar] == [
        "/",
        "/contacts/",
        "/companies/",
    ]
    assert 'data-bs-target="#app-sidebar"' in bar


def test_the_top_bar_has_search_the_palette_and_the_menus_but_no_empty_notifications(alice_client):
    content = alice_client.get(reverse("web:home")).content.decode()

    assert 'id="global-search"' in content
    assert 'data-testid="palette-button"' in content
    assert 'data-testid="organization-menu"' in content
    assert 'data-testid="user-menu"' in content
    assert "bi-bell" not in content


def test_the_palette_is_a_dialog_with_a_combobox(alice_client):
    content = alice_client.get(reverse("web:home")).content.decode()

    assert '<dialog class="palette" id="command-palette"' in content
    assert 'role="combobox"' in content and 'aria-controls="palette-list"' in content
    assert f'hx-get="{reverse("core:palette")}"' in content


def test_the_sign_in_page_has_no_sidebar_bottom_bar_or_palette(client, db):
    content = client.get(reverse("core:login")).content.decode()

    assert 'id="app-sidebar"' not in content
    assert 'data-testid="bottombar"' not in content
    assert "command-palette" not in content


def test_the_settings_pages_list_the_settings_area(alice_client):
    content = alice_client.get(reverse("core:teams")).content.decode()
    pills = content[content.index('class="nav nav-pills') :]
    pills = pills[: pills.index("</nav>")]

    for url in ("/settings/organization/", "/settings/members/", "/settings/custom-fields/", "/trash/"):
        assert f'href="{url}"' in pills
