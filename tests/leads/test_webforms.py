"""The public lead form: submissions stored as they came, spam and bad input refused with clear
errors, repeats made into one lead, duplicates flagged, UTM touches kept, owners in turn."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from kliento.core.models import AuditEntry, Throttle
from kliento.core.tenancy import active_organization
from kliento.leads import webforms
from kliento.leads.models import Lead, LeadSubmission, WebForm
from tests.factories import MembershipFactory, TeamFactory, UserFactory, add_team_members
from tests.leads.factories import LeadFactory, WebFormFactory
from tests.parallel import in_parallel

parallel = pytest.mark.django_db(transaction=True)
FIELDS = {"name": "Ada Lovelace", "email": "ada@example.com", "message": "Please call me."}


@pytest.fixture
def web_form(acme) -> WebForm:
    return WebFormFactory(organization=acme)


def url(web_form: WebForm, query: str = "") -> str:
    return reverse("leads:public-form", args=[web_form.token]) + query


def post(web_form: WebForm, data: dict, *, address: str = "203.0.113.5", query: str = "", **headers):
    return Client().post(url(web_form, query), data, REMOTE_ADDR=address, **headers)


def post_json(web_form: WebForm, data: dict, *, address: str = "203.0.113.5"):
    return Client().post(
        url(web_form), json.dumps(data), content_type="application/json", HTTP_ACCEPT="application/json",
        REMOTE_ADDR=address,
    )  # fmt: skip


def test_a_submission_makes_a_lead_from_the_web_form_and_keeps_the_raw_request(web_form):
    response = post(web_form, {**FIELDS, "utm_source": "google"}, HTTP_USER_AGENT="Browser/1")

    assert response.status_code == 201
    assert "Thank you" in response.content.decode()
    lead = Lead.unscoped.get()
    assert (lead.name, lead.email, lead.source, lead.organization_id) == (
        "Ada Lovelace", "ada@example.com", "web_form", web_form.organization_id
    )  # fmt: skip
    submission = LeadSubmission.unscoped.get()
    assert (submission.outcome, submission.lead_id, submission.client) == ("created", lead.pk, "203.0.113.5")
    assert submission.payload["fields"]["utm_source"] == "google"
    assert submission.user_agent == "Browser/1"
    entry = AuditEntry.unscoped.get(record_type="leads.lead", record_id=lead.pk)
    assert entry.actor_label == "Web form" and entry.actor is None


def test_utm_touches_come_from_hidden_fields_and_the_query(web_form):
    fields = {**FIELDS, "first_utm_source": "newsletter", "first_utm_campaign": "spring"}

    post(web_form, fields, query="?utm_source=google&utm_medium=cpc")

    lead = Lead.unscoped.get()
    assert lead.first_touch == {"source": "newsletter", "campaign": "spring"}
    assert lead.last_touch == {"source": "google", "medium": "cpc"}


def test_json_in_json_out(web_form):
    response = post_json(web_form, FIELDS)

    assert response.status_code == 201
    assert response.json()["status"] == 201


def test_the_api_path_answers_json_too_and_is_documented(web_form, client):
    response = Client().post(
        f"/api/v1/forms/lead/{web_form.token}", json.dumps(FIELDS), content_type="application/json",
        REMOTE_ADDR="203.0.113.9",
    )  # fmt: skip
    unknown = Client().post(
        f"/api/v1/forms/lead/{web_form.token}", json.dumps({**FIELDS, "colour": "red"}),
        content_type="application/json", REMOTE_ADDR="203.0.113.9",
    )  # fmt: skip

    assert response.status_code == 201 and response.json()["status"] == 201
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "colour"
    document = client.get("/api/openapi.json").json()
    assert "/api/v1/forms/lead/{token}" in document["paths"]


def test_the_honeypot_refuses_a_bot_but_keeps_what_it_sent(web_form):
    response = post(web_form, {**FIELDS, webforms.HONEYPOT: "http://spam.example"})

    assert response.status_code == 400
    assert "automated" in response.content.decode()
    assert Lead.unscoped.exists() is False
    assert LeadSubmission.unscoped.get().outcome == "spam"


def test_missing_fields_are_named_in_json(web_form):
    response = post_json(web_form, {"name": "", "message": "hi"})

    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    fields = {error["field"] for error in response.json()["errors"]}
    assert {"name", "email"} <= fields
    assert Lead.unscoped.exists() is False
    assert LeadSubmission.unscoped.get().outcome == "invalid"


def test_an_invalid_phone_is_shown_on_the_form_page(web_form):
    response = post(web_form, {"name": "Ada", "phone": "12"})

    assert response.status_code == 422
    html = response.content.decode()
    assert "is-invalid" in html and "Ada" in html


def test_a_double_submit_makes_one_lead(web_form):
    first = post(web_form, FIELDS)
    second = post(web_form, FIELDS)

    assert (first.status_code, second.status_code) == (201, 200)
    assert Lead.unscoped.count() == 1
    outcomes = sorted(LeadSubmission.unscoped.values_list("outcome", "lead_id"))
    assert outcomes == [("created", Lead.unscoped.get().pk), ("repeated", Lead.unscoped.get().pk)]


def test_a_changed_message_is_a_new_lead_flagged_as_duplicate(web_form):
    post(web_form, FIELDS)
    post(web_form, {**FIELDS, "message": "Something else."})

    first, second = Lead.unscoped.order_by("id")
    assert second.duplicate_of_lead_id == first.pk


def test_an_unknown_or_disabled_token_is_not_found(web_form):
    WebForm.unscoped.filter(pk=web_form.pk).update(is_enabled=False)

    assert post(web_form, FIELDS).status_code == 404
    assert Client().post("/forms/lead/nope/", FIELDS).status_code == 404
    assert LeadSubmission.unscoped.exists() is False


def test_a_rotated_token_stops_the_old_address(web_form, alice):
    old = url(web_form)

    webforms.rotate_token(member=alice, web_form=web_form)

    assert Client().post(old, FIELDS).status_code == 404
    assert post(web_form, FIELDS).status_code == 201


def test_too_large_a_submission_is_refused_before_it_is_read(web_form):
    response = post(web_form, {**FIELDS, "message": "x" * (webforms.MAX_BODY_BYTES + 10)})

    assert response.status_code == 413
    assert LeadSubmission.unscoped.exists() is False


def test_too_long_a_message_is_named(web_form):
    response = post_json(web_form, {**FIELDS, "message": "x" * 5001})

    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == ["message"]


def test_a_client_sending_too_many_forms_is_held_back(web_form):
    limit = webforms.throttle_rule().limit
    answers = [
        post(web_form, {**FIELDS, "message": f"Try {n}"}, address="198.51.100.7").status_code
        for n in range(limit + 1)
    ]

    assert answers[:limit] == [201] * limit and answers[limit] == 429
    assert post(web_form, {**FIELDS, "message": "another"}, address="198.51.100.8").status_code == 201
    assert Throttle.objects.filter(scope=webforms.THROTTLE_SCOPE).count() == 2


def test_a_signed_in_session_changes_nothing_about_a_submission(web_form, alice_client, alice):
    """The form never acts for whoever is signed in: the lead is the web form's, unowned."""
    response = alice_client.post(url(web_form), FIELDS, REMOTE_ADDR="203.0.113.5")

    assert response.status_code == 201
    lead = Lead.unscoped.get()
    assert lead.owner_id is None and lead.created_by_id is None


def test_the_form_page_and_cors_preflight(web_form):
    page = Client().get(url(web_form))
    preflight = Client().options(url(web_form))

    assert page.status_code == 200 and 'name="website"' in page.content.decode()
    assert preflight.status_code == 204 and preflight["Access-Control-Allow-Origin"] == "*"


def test_owners_take_turns_within_the_team(web_form, acme):
    users = [UserFactory() for _ in range(3)]
    for user in users:
        MembershipFactory(organization=acme, user=user)
    team = TeamFactory(organization=acme)
    with active_organization(acme.pk):
        add_team_members(team, *users)
    WebForm.unscoped.filter(pk=web_form.pk).update(team=team)

    for n in range(4):
        post(web_form, {**FIELDS, "message": f"Request {n}"}, address=f"203.0.113.{n}")

    owners = list(Lead.unscoped.order_by("id").values_list("owner_id", flat=True))
    expected = sorted(user.pk for user in users)
    assert owners == [*expected, expected[0]]


def test_a_duplicate_of_an_open_lead_is_flagged_never_dropped(web_form, acme):
    existing = LeadFactory(organization=acme, email="ada@example.com")

    post(web_form, FIELDS)

    lead = Lead.unscoped.exclude(pk=existing.pk).get()
    assert lead.duplicate_of_lead_id == existing.pk


@parallel
def test_parallel_submissions_get_distinct_owners_in_turn(acme):
    users = [UserFactory() for _ in range(4)]
    for user in users:
        MembershipFactory(organization=acme, user=user)
    team = TeamFactory(organization=acme)
    with active_organization(acme.pk):
        add_team_members(team, *users)
    web_form = WebFormFactory(organization=acme, team=team)

    answers = in_parallel(
        *[
            lambda n=n: post(web_form, {**FIELDS, "message": f"Parallel {n}"}, address=f"192.0.2.{n}")
            for n in range(4)
        ]
    )

    assert [answer.status_code for answer in answers] == [201] * 4
    owners = list(Lead.unscoped.values_list("owner_id", flat=True))
    assert sorted(owners) == sorted(user.pk for user in users)


@parallel
def test_a_parallel_double_submit_makes_one_lead(acme):
    web_form = WebFormFactory(organization=acme)

    answers = in_parallel(*[lambda n=n: post(web_form, FIELDS, address=f"192.0.2.{n}") for n in range(3)])

    assert sorted(answer.status_code for answer in answers) == [200, 200, 201]
    assert Lead.unscoped.count() == 1
    assert LeadSubmission.unscoped.count() == 3
