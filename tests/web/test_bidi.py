"""Names, emails and phones keep their own direction among the page's text: "Demo Trading Co." keeps
its full stop at the end on an Arabic page."""

from django.template import Context, Template
from django.urls import reverse

from kliento.core.templatetags.kliento_ui import bidi, ltr


def test_bidi_isolates_a_value_in_its_own_direction_and_escapes_it():
    assert bidi("Demo Trading Co.") == '<bdi dir="auto" hx-disable>Demo Trading Co.</bdi>'
    assert bidi("<b>x</b>") == '<bdi dir="auto" hx-disable>&lt;b&gt;x&lt;/b&gt;</bdi>'


def test_ltr_keeps_an_email_left_to_right_and_escapes_it():
    assert ltr("a&b@example.com") == '<bdi dir="ltr" hx-disable>a&amp;b@example.com</bdi>'


def test_the_filters_are_available_to_templates():
    rendered = Template("{% load kliento_ui %}{{ name|bidi }}").render(Context({"name": "Acme Inc."}))

    assert rendered == '<bdi dir="auto" hx-disable>Acme Inc.</bdi>'


def test_the_top_bar_isolates_the_organization_and_user_names(alice, alice_client):
    alice.organization.name = "Demo Trading Co."
    alice.organization.save()

    html = alice_client.get(reverse("web:home"), HTTP_ACCEPT_LANGUAGE="ar").content.decode()

    assert '<bdi dir="auto" hx-disable>Demo Trading Co.</bdi>' in html
    assert '<bdi dir="auto" hx-disable>Alice Adams</bdi>' in html
    assert '<bdi dir="ltr" hx-disable>alice@acme.test</bdi>' in html


def test_the_members_page_isolates_names_and_emails(alice, alice_client):
    html = alice_client.get(reverse("core:members")).content.decode()

    assert '<td><bdi dir="auto" hx-disable>Alice Adams</bdi></td>' in html
    assert '<bdi dir="ltr" hx-disable>alice@acme.test</bdi>' in html
