"""The home page: the member's own customers, the organization's figures for those who manage it,
and the widget registry later apps add to."""

from __future__ import annotations

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kliento.core.home import register_home_widget, unregister_home_widget
from kliento.core.permissions import Permission
from kliento.customers import services
from kliento.customers.models import Contact
from tests.customers.factories import CompanyFactory, ContactFactory


def home(client):
    return client.get(reverse("web:home"))


def widget_keys(response) -> list[str]:
    return [widget.key for widget in response.context["widgets"]]


def test_the_home_page_counts_the_members_own_contacts_by_stage(bob_client, bob, alice):
    for stage in ("lead", "lead", "active", "lost"):
        ContactFactory(organization=bob.organization, owner=bob.user, lifecycle_stage=stage)
    ContactFactory(organization=bob.organization, owner=alice.user, lifecycle_stage="lead")

    response = home(bob_client)

    counts = {row["stage"]: row["count"] for row in response.context["stages"]}
    assert counts == {"lead": 2, "active": 1, "loyal": 0, "lost": 1}


def test_each_stage_count_links_to_the_members_contacts_in_that_stage(bob_client, bob):
    ContactFactory(organization=bob.organization, owner=bob.user, lifecycle_stage="active")

    content = home(bob_client).content.decode()

    assert f'href="{reverse("customers:contact-list")}?owner=me&amp;stage=active"' in content


def test_the_home_page_lists_the_members_recently_changed_customers_and_not_others(bob_client, bob, alice):
    older = ContactFactory(organization=bob.organization, owner=bob.user, first_name="Older", last_name="One")
    newer = CompanyFactory(organization=bob.organization, owner=bob.user, name="Newer Company")
    ContactFactory(organization=bob.organization, owner=alice.user, first_name="Alices", last_name="Own")
    Contact.objects.filter(pk=older.pk).update(updated_at=datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC))

    response = home(bob_client)

    widget = next(w for w in response.context["widgets"] if w.key == "my_recent_customers")
    assert widget.html.index("Newer Company") < widget.html.index("Older One")
    assert "Alices Own" not in widget.html
    assert reverse("customers:company-detail", args=[newer.pk]) in widget.html


def test_the_home_page_lists_the_members_newest_leads(bob_client, bob):
    first = services.create_contact(member=bob, data={"first_name": "First", "last_name": "Lead"})
    services.create_contact(member=bob, data={"first_name": "Second", "last_name": "Lead"})
    services.create_contact(
        member=bob, data={"first_name": "Won", "last_name": "Already", "lifecycle_stage": "active"}
    )
    Contact.objects.filter(pk=first.pk).update(created_at=datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC))

    response = home(bob_client)

    leads = next(w for w in response.context["widgets"] if w.key == "my_recent_customers").html
    leads = leads.split('data-testid="own-new-leads"')[1]
    assert leads.index("Second Lead") < leads.index("First Lead")
    assert "Won Already" not in leads


def test_a_member_without_customers_is_told_what_to_do_next(bob_client, bob):
    response = home(bob_client)

    content = response.content.decode()
    assert 'data-testid="own-customers-empty"' in content
    assert f'href="{reverse("customers:contact-create")}"' in content
    assert "my_recent_customers" not in widget_keys(response)


def test_a_salesperson_does_not_see_the_organizations_figures(bob_client, bob):
    response = home(bob_client)

    assert "organization" not in widget_keys(response)
    assert 'data-testid="member-count"' not in response.content.decode()


def test_an_owner_sees_the_organizations_figures(alice_client, alice):
    response = home(alice_client)

    assert "organization" in widget_keys(response)
    assert 'data-testid="member-count"' in response.content.decode()


def test_a_registered_widget_joins_the_home_page_in_its_order(bob_client, bob):
    register_home_widget(
        key="test_first",
        title="First of all",
        template="core/_home_get_started.html",
        context=lambda r: {},
        order=1,
    )
    try:
        keys = widget_keys(home(bob_client))
    finally:
        unregister_home_widget("test_first")

    assert keys[0] == "test_first"


def test_a_widget_is_left_out_without_its_permission_or_without_content(bob_client, bob):
    register_home_widget(
        key="test_audit",
        title="Audit",
        template="core/_home_get_started.html",
        context=lambda r: {},
        permission=Permission.VIEW_AUDIT,
    )
    register_home_widget(
        key="test_empty", title="Empty", template="core/_home_get_started.html", context=lambda r: None
    )
    try:
        keys = widget_keys(home(bob_client))
    finally:
        unregister_home_widget("test_audit")
        unregister_home_widget("test_empty")

    assert "test_audit" not in keys and "test_empty" not in keys


def queries_for(client) -> int:
    home(client)  # the first page of a session also saves the session
    with CaptureQueriesContext(connection) as captured:
        assert home(client).status_code == 200
    return len(captured)


def test_the_home_page_of_a_salesperson_issues_a_fixed_number_of_queries(
    bob_client, bob, django_assert_num_queries
):
    ContactFactory(organization=bob.organization, owner=bob.user)
    few = queries_for(bob_client)
    company = CompanyFactory(organization=bob.organization, owner=bob.user)
    for index in range(20):
        ContactFactory(organization=bob.organization, owner=bob.user, company=company, last_name=f"N{index}")

    assert queries_for(bob_client) == few
    # session, user, membership with its organization; stage counts; recent contacts and companies;
    # new leads; the worker's heartbeat, the member's open tasks due by today and meetings of today;
    # the calls to return, the leads waiting for an answer and the deals without a next step
    with django_assert_num_queries(13):
        home(bob_client)


def test_the_home_page_of_an_owner_issues_a_fixed_number_of_queries(
    alice_client, alice, bob, django_assert_num_queries
):
    services.create_contact(member=alice, data={"first_name": "Ada"})
    services.create_company(member=alice, data={"name": "Navy"})
    few = queries_for(alice_client)
    for index in range(10):
        services.create_contact(member=bob, data={"first_name": "Ada", "last_name": f"N{index}"})
        services.create_company(member=alice, data={"name": f"Company {index}"})

    assert queries_for(alice_client) == few
    # and the organization's four figures, the recent changes, the names and links they show
    # and Today's heartbeat, tasks and meetings, the owner's team and its tasks, the calls to return,
    # leads waiting and deals without a next step
    with django_assert_num_queries(25):
        home(alice_client)
