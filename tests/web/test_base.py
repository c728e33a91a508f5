"""The page shell every signed-in page shares (web/base.html)."""

from __future__ import annotations

from django.urls import reverse


def test_the_search_box_shows_a_short_placeholder_and_keeps_the_full_label(alice_client):
    content = alice_client.get(reverse("web:home")).content.decode()

    label = '<label class="visually-hidden" for="global-search">Search records</label>'
    assert label in content
    assert 'placeholder="Search…"' in content


def test_the_server_error_page_speaks_the_language_of_the_request(rf):
    from django.utils import translation

    from kliento.web.views import server_error

    with translation.override("es"):
        response = server_error(rf.get("/"))

    assert response.status_code == 500
    assert 'lang="es"' in response.content.decode()
    assert "Something went wrong" not in response.content.decode()
