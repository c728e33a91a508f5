"""The customers API: contacts, companies, lifecycle, consent, custom fields, tags and search."""

import json

import pytest
from django.test import Client

from kliento.core.models import Membership
from kliento.core.permissions import Role
from kliento.core.records.fields.models import CustomField
from kliento.core.services import create_api_key
from kliento.customers import services
from kliento.customers.models import (
    Company,
    Consent,
    Contact,
    ContactEmail,
    LifecycleStage,
    LifecycleTransition,
    Tag,
)
from tests.customers.factories import CompanyFactory, ContactFactory, CustomFieldFactory, TagFactory, add_tags
from tests.factories import MembershipFactory, TeamFactory, UserFactory, add_team_members

PROBLEM = "application/problem+json"
NUMBER = CustomField.FieldType.NUMBER


def _key_client(member: Membership, role: str) -> Client:
    raw_key = create_api_key(name=f"{role} key", role=role, member=member)[1]
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw_key}")


@pytest.fixture
def api(alice) -> Client:
    return _key_client(alice, Role.ADMIN)


@pytest.fixture
def viewer_api(alice) -> Client:
    return _key_client(alice, Role.VIEWER)


def send(client: Client, method: str, url: str, data: object):
    return getattr(client, method)(url, json.dumps(data), content_type="application/json")


def fields(response) -> list[str]:
    return [error["field"] for error in response.json()["errors"]]


def ada(alice, **data) -> Contact:
    return services.create_contact(member=alice, data={"first_name": "Ada", "last_name": "Lovelace", **data})


def names(response) -> list[str]:
    return [item["full_name"] for item in response.json()["items"]]


def limit_visibility(member: Membership) -> None:
    member.organization.record_visibility = "own_and_team"
    member.organization.save()


# Lists: text search with filters ------------------------------------------------------------


def test_the_contact_list_api_combines_text_with_filters(api, alice):
    ContactFactory(
        organization=alice.organization, first_name="Ada", last_name="Lovelace", lifecycle_stage="active"
    )
    ContactFactory(
        organization=alice.organization, first_name="Adam", last_name="Lovell", lifecycle_stage="lead"
    )
    ContactFactory(
        organization=alice.organization, first_name="Grace", last_name="Hopper", lifecycle_stage="active"
    )

    response = api.get("/api/v1/contacts?q=love&stage=active")

    assert response.status_code == 200
    assert names(response) == ["Ada Lovelace"]


def test_the_company_list_api_finds_a_short_chinese_fragment_inside_a_name(api, alice):
    CompanyFactory(organization=alice.organization, name="北京永新服装有限公司")
    CompanyFactory(organization=alice.organization, name="上海华美贸易公司")

    response = api.get("/api/v1/companies", {"q": "服装"})

    assert [item["name"] for item in response.json()["items"]] == ["北京永新服装有限公司"]


def test_the_list_api_pages_through_text_matches_with_the_cursor(api, alice):
    for number in range(3):
        ContactFactory(organization=alice.organization, first_name=f"Ada{number}", last_name="Lovelace")
    ContactFactory(organization=alice.organization, first_name="Grace", last_name="Hopper")

    first = api.get("/api/v1/contacts?q=lovelace&limit=2").json()
    second = api.get(f"/api/v1/contacts?q=lovelace&limit=2&cursor={first['next_cursor']}").json()

    assert [item["full_name"] for item in first["items"] + second["items"]] == [
        "Ada0 Lovelace", "Ada1 Lovelace", "Ada2 Lovelace",
    ]  # fmt: skip
    assert second["next_cursor"] is None


def test_a_list_search_too_short_is_a_422_naming_q(api, alice):
    response = api.get("/api/v1/contacts?q=a")

    assert response.status_code == 422
    assert fields(response) == ["q"]


def test_the_count_endpoint_counts_the_list_with_its_text_and_filters_exactly(api, alice):
    ContactFactory(
        organization=alice.organization, first_name="Ada", last_name="Lovelace", lifecycle_stage="active"
    )
    ContactFactory(
        organization=alice.organization, first_name="Adam", last_name="Lovell", lifecycle_stage="lead"
    )

    response = api.get("/api/v1/contacts/count?q=love&stage=active")

    assert response.json() == {"count": 1, "is_estimate": False}


def test_the_count_endpoint_estimates_beyond_the_cap(api, alice, settings):
    settings.KLIENTO_EXACT_COUNT_CAP = 2
    CompanyFactory.create_batch(5, organization=alice.organization)

    body = api.get("/api/v1/companies/count").json()

    assert body["is_estimate"] is True
    assert body["count"] >= 3


def test_the_count_endpoint_names_a_bad_filter(api, alice):
    response = api.get("/api/v1/contacts/count?stage=asleep")

    assert response.status_code == 422
    assert fields(response) == ["stage"]


# Contacts: create, read, update, delete -----------------------------------------------------


def test_creating_a_contact_stores_a_normalized_email_and_a_national_phone_as_e164(api, alice):
    alice.organization.default_region = "DE"
    alice.organization.save()

    response = send(
        api,
        "post",
        "/api/v1/contacts",
        {
            "first_name": "Anna",
            "last_name": "Schmidt",
            "emails": [{"email": " Anna.Schmidt@Example.COM "}],
            "phones": [{"number": "(030) 1234-5678", "label": "work"}],
        },
    )

    assert response.status_code == 201
    body = response.json()
    assert (body["email"], body["phone"]) == ("anna.schmidt@example.com", "+493012345678")
    assert body["emails"] == [{"email": "anna.schmidt@example.com", "label": "work", "is_primary": True}]
    assert body["phones"] == [{"number": "+493012345678", "label": "work", "is_primary": True}]
    contact = Contact.objects.get(pk=body["id"])
    assert contact.phones.get().number == "+493012345678"


def test_a_created_contact_is_a_lead_owned_by_whoever_made_the_key(api, alice):
    body = send(api, "post", "/api/v1/contacts", {"last_name": "Lovelace"}).json()

    assert body["lifecycle_stage"] == "lead"
    assert body["owner"] == {"id": alice.user_id, "email": "alice@acme.test", "full_name": "Alice Adams"}
    assert LifecycleTransition.objects.get(contact_id=body["id"]).to_stage == "lead"


def test_reading_a_contact_shows_its_whole_card(api, alice):
    CustomFieldFactory(organization=alice.organization, key="size", field_type=NUMBER)
    company = CompanyFactory(organization=alice.organization, name="Analytical Engines")
    contact = ada(
        alice,
        company_id=company.pk,
        job_title="Analyst",
        birthday="1815-12-10",
        emails=[
            {"email": "ada@home.example", "label": "home"},
            {"email": "ada@work.example", "is_primary": True},
        ],
        phones=["+44 20 7946 0018"],
        tags=["VIP"],
        custom_fields={"size": "38"},
    )
    services.set_consent(contact=contact, channel="email", granted=True, method="form", member=alice)

    body = api.get(f"/api/v1/contacts/{contact.pk}").json()

    assert body["full_name"] == "Ada Lovelace"
    assert (body["job_title"], body["birthday"]) == ("Analyst", "1815-12-10")
    assert body["company"] == {"id": company.pk, "name": "Analytical Engines"}
    assert body["owner"]["id"] == alice.user_id
    assert body["emails"] == [
        {"email": "ada@work.example", "label": "work", "is_primary": True},
        {"email": "ada@home.example", "label": "home", "is_primary": False},
    ]
    assert body["phones"] == [{"number": "+442079460018", "label": "mobile", "is_primary": True}]
    assert (body["tags"], body["custom_fields"]) == (["VIP"], {"size": 38})
    assert [(c["channel"], c["status"], c["method"]) for c in body["consents"]] == [
        ("email", "granted", "form")
    ]


def test_a_contact_that_does_not_exist_is_a_404_problem(api, alice):
    response = api.get("/api/v1/contacts/999999")

    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM
    assert response.json()["detail"] == "No such record."


def test_a_partial_update_changes_only_the_fields_sent(api, alice):
    contact = ada(alice, job_title="Analyst", emails=["ada@example.com"], tags=["VIP"])

    response = send(api, "patch", f"/api/v1/contacts/{contact.pk}", {"job_title": "Countess"})

    assert response.status_code == 200
    contact.refresh_from_db()
    assert (contact.first_name, contact.job_title, contact.email) == ("Ada", "Countess", "ada@example.com")
    assert list(contact.tags.values_list("name", flat=True)) == ["VIP"]


def test_giving_a_contact_another_owner_shows_the_new_owner(api, alice, bob):
    contact = ada(alice)

    body = send(api, "patch", f"/api/v1/contacts/{contact.pk}", {"owner_id": bob.user_id}).json()

    assert (body["owner_id"], body["owner"]["email"]) == (bob.user_id, "bob@acme.test")
    assert Contact.objects.get(pk=contact.pk).owner_id == bob.user_id


def test_emails_phones_and_tags_sent_in_an_update_replace_their_lists(api, alice):
    contact = ada(alice, emails=["ada@example.com"], phones=["+14155550100"], tags=["VIP", "Press"])

    body = send(
        api,
        "patch",
        f"/api/v1/contacts/{contact.pk}",
        {"emails": [{"email": "ada@new.example"}], "phones": [], "tags": ["Press"]},
    ).json()

    assert [email["email"] for email in body["emails"]] == ["ada@new.example"]
    assert (body["phones"], body["phone"], body["tags"]) == ([], "", ["Press"])
    assert list(ContactEmail.objects.values_list("email", flat=True)) == ["ada@new.example"]


def test_custom_fields_sent_in_an_update_are_merged_and_null_removes_one(api, alice):
    CustomFieldFactory(organization=alice.organization, key="size", field_type=NUMBER)
    CustomFieldFactory(organization=alice.organization, key="colour")
    contact = ada(alice, custom_fields={"size": 38, "colour": "green"})

    send(api, "patch", f"/api/v1/contacts/{contact.pk}", {"custom_fields": {"size": 40, "colour": None}})

    contact.refresh_from_db()
    assert contact.custom_fields == {"size": 40}


def test_null_for_a_field_that_cannot_be_empty_is_refused_by_name(api, alice):
    contact = ada(alice)

    response = send(api, "patch", f"/api/v1/contacts/{contact.pk}", {"first_name": None})

    assert (response.status_code, fields(response)) == (422, ["first_name"])
    contact.refresh_from_db()
    assert contact.first_name == "Ada"


def test_deleting_a_contact_moves_it_to_the_trash_and_it_then_reads_as_not_found(api, alice):
    contact = ada(alice)

    response = api.delete(f"/api/v1/contacts/{contact.pk}")

    assert response.status_code == 204
    assert Contact.with_trash.get(pk=contact.pk).deleted_at is not None
    assert api.get(f"/api/v1/contacts/{contact.pk}").status_code == 404


# Bad input: a 422 naming the field, and nothing written ------------------------------------


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"emails": [{"email": "ada@example.com"}, {"email": "not an email"}]}, "emails.1.email"),
        ({"emails": [{"email": "ada@example.com", "label": "office"}]}, "emails.0.label"),
        ({"emails": "ada@example.com"}, "emails"),
        ({"phones": [{"number": "12"}]}, "phones.0.number"),
        ({"custom_fields": {"shoe": 1}}, "custom_fields.shoe"),
        ({"custom_fields": {"size": "large"}}, "custom_fields.size"),
        ({"custom_fields": {"size": {"eu": 38}}}, "custom_fields.size"),
        ({"custom_fields": ["size"]}, "custom_fields"),
        ({"birthday": "last spring"}, "birthday"),
        ({"owner_id": "me"}, "owner_id"),
        ({"owner_id": 999999}, "owner_id"),
        ({"company_id": 999999}, "company_id"),
        ({"first_name": "A" * 151}, "first_name"),
        ({"description": "x" * 5001}, "description"),
        ({"tags": ["x" * 61]}, "tags.0"),
        ({"country": "Germany"}, "country"),
        ({"lifecycle_stage": "customer"}, "lifecycle_stage"),
        ({"nickname": "Ada"}, "nickname"),
        ({"first_name": "", "last_name": ""}, "last_name"),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_invalid_contact_input_is_a_422_naming_the_field_and_writes_nothing(api, alice, payload, field):
    CustomFieldFactory(organization=alice.organization, key="size", field_type=NUMBER)

    response = send(
        api, "post", "/api/v1/contacts", {"first_name": "Ada", "last_name": "Lovelace", **payload}
    )

    assert response.status_code == 422
    assert response["Content-Type"] == PROBLEM
    assert fields(response) == [field]
    assert (Contact.with_trash.exists(), Tag.objects.exists()) == (False, False)


def test_a_missing_required_custom_field_is_a_422_naming_it(api, alice):
    CustomFieldFactory(organization=alice.organization, key="member_no", is_required=True)

    response = send(api, "post", "/api/v1/contacts", {"last_name": "Lovelace"})

    assert (response.status_code, fields(response)) == (422, ["custom_fields.member_no"])
    assert Contact.objects.exists() is False


def test_a_value_already_used_in_a_unique_custom_field_is_a_422_naming_it(api, alice):
    CustomFieldFactory(organization=alice.organization, key="member_no", is_unique=True)
    ada(alice, custom_fields={"member_no": "A-1"})

    response = send(
        api, "post", "/api/v1/contacts", {"last_name": "Byron", "custom_fields": {"member_no": "A-1"}}
    )

    assert (response.status_code, fields(response)) == (422, ["custom_fields.member_no"])
    assert Contact.objects.count() == 1


def test_malformed_json_is_a_400_problem_and_writes_nothing(api, alice):
    response = api.post("/api/v1/contacts", '{"last_name": "Lovelace",', content_type="application/json")

    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    assert Contact.objects.exists() is False


def test_an_invalid_email_in_an_update_changes_nothing(api, alice):
    contact = ada(alice, emails=["ada@example.com"])

    response = send(
        api,
        "patch",
        f"/api/v1/contacts/{contact.pk}",
        {"job_title": "Countess", "emails": [{"email": "ada@new.example"}, {"email": "nope"}]},
    )

    assert (response.status_code, fields(response)) == (422, ["emails.1.email"])
    contact.refresh_from_db()
    assert (contact.job_title, contact.email) == ("", "ada@example.com")
    assert list(ContactEmail.objects.values_list("email", flat=True)) == ["ada@example.com"]


def test_the_stage_cannot_be_patched_but_only_changed_through_the_lifecycle(api, alice):
    contact = ada(alice)

    response = send(api, "patch", f"/api/v1/contacts/{contact.pk}", {"lifecycle_stage": "lost"})

    assert (response.status_code, fields(response)) == (422, ["lifecycle_stage"])
    assert Contact.objects.get(pk=contact.pk).lifecycle_stage == "lead"


# Lists --------------------------------------------------------------------------------------


def test_the_contact_list_is_sorted_by_name_by_default(api, alice):
    for first_name in ("Cleo", "Anna", "Bea"):
        ContactFactory(organization=alice.organization, first_name=first_name, last_name="Smith")

    assert names(api.get("/api/v1/contacts")) == ["Anna Smith", "Bea Smith", "Cleo Smith"]


def test_the_contact_list_items_carry_only_the_list_columns(api, alice):
    company = CompanyFactory(organization=alice.organization, name="Engines")
    ada(alice, company_id=company.pk, emails=["ada@example.com"], tags=["VIP"])

    item = api.get("/api/v1/contacts").json()["items"][0]

    assert set(item) == {
        "id", "first_name", "last_name", "full_name", "email", "phone", "company", "owner_id",
        "lifecycle_stage", "tags", "custom_fields", "created_at", "updated_at",
    }  # fmt: skip
    assert (item["company"], item["email"], item["tags"]) == (
        {"id": company.pk, "name": "Engines"},
        "ada@example.com",
        ["VIP"],
    )


def test_list_items_write_moments_exactly_as_the_card_does(api, alice):
    contact = ada(alice)

    item = api.get("/api/v1/contacts").json()["items"][0]
    card = api.get(f"/api/v1/contacts/{contact.pk}").json()

    assert (item["created_at"], item["updated_at"]) == (card["created_at"], card["updated_at"])


def test_the_contact_list_pages_with_a_cursor(api, alice):
    for letter in "ABCDE":
        ContactFactory(organization=alice.organization, first_name=letter, last_name="Smith")

    first = api.get("/api/v1/contacts?limit=2").json()
    second = api.get(f"/api/v1/contacts?limit=2&cursor={first['next_cursor']}").json()
    third = api.get(f"/api/v1/contacts?limit=2&cursor={second['next_cursor']}").json()

    pages = [[item["first_name"] for item in page["items"]] for page in (first, second, third)]
    assert pages == [["A", "B"], ["C", "D"], ["E"]]
    assert third["next_cursor"] is None


def test_the_cursor_keeps_the_filters_and_sort(api, alice):
    for index, letter in enumerate("ABCDE"):
        stage = LifecycleStage.ACTIVE if index % 2 == 0 else LifecycleStage.LEAD
        ContactFactory(
            organization=alice.organization, first_name=letter, last_name="S", lifecycle_stage=stage
        )

    first = api.get("/api/v1/contacts?stage=active&sort=-name&limit=2").json()
    second = api.get(f"/api/v1/contacts?stage=active&sort=-name&limit=2&cursor={first['next_cursor']}").json()

    assert [item["first_name"] for item in first["items"] + second["items"]] == ["E", "C", "A"]


def test_the_contact_list_filters_by_stage_and_tag(api, alice):
    ada(alice, tags=["VIP"])
    ada(alice, first_name="Anne", tags=["VIP"], lifecycle_stage="active")
    ada(alice, first_name="Amy", lifecycle_stage="active")

    response = api.get("/api/v1/contacts?stage=active&tag=vip")

    assert names(response) == ["Anne Lovelace"]


def test_the_contact_list_filters_on_a_custom_field_range_and_sorts_by_it(api, alice):
    CustomFieldFactory(organization=alice.organization, key="size", field_type=NUMBER)
    for first_name, size in [("Ann", 36), ("Bea", 42), ("Cat", 40), ("Dot", 44)]:
        ada(alice, first_name=first_name, custom_fields={"size": size})

    response = api.get("/api/v1/contacts?cf.size.min=40&cf.size.max=43&sort=-cf.size")

    assert names(response) == ["Bea Lovelace", "Cat Lovelace"]


def test_the_contact_list_filters_by_owner_me_and_sorts_newest_first(api, alice, bob):
    first = ContactFactory(organization=alice.organization, owner=alice.user)
    ContactFactory(organization=alice.organization, owner=bob.user)
    last = ContactFactory(organization=alice.organization, owner=alice.user)

    items = api.get("/api/v1/contacts?owner=me&sort=-created").json()["items"]

    assert [item["id"] for item in items] == [last.pk, first.pk]


def test_trashed_contacts_leave_the_list(api, alice):
    services.delete_customer(customer=ada(alice), member=alice)
    ada(alice, first_name="Anne")

    assert names(api.get("/api/v1/contacts")) == ["Anne Lovelace"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("stage=customer", "stage"),
        ("owner=someone", "owner"),
        ("owner=99999999999999999999999", "owner"),
        ("team=-1", "team"),
        ("company=99999999999999999999999", "company"),
        ("created_from=yesterday", "created_from"),
        ("cf.shoe=1", "cf.shoe"),
        ("cf.size=large", "cf.size"),
        ("sort=shoe", "sort"),
        ("limit=0", "limit"),
        ("limit=many", "limit"),
        ("cursor=%25%25%25", "cursor"),
    ],
)
def test_a_bad_list_parameter_is_a_422_naming_it(api, alice, query, field):
    CustomFieldFactory(organization=alice.organization, key="size", field_type=NUMBER)

    response = api.get(f"/api/v1/contacts?{query}")

    assert (response.status_code, fields(response)) == (422, [field])


def _busy_contacts(alice, count: int) -> None:
    CustomFieldFactory(organization=alice.organization, key="size", field_type=NUMBER)
    company = CompanyFactory(organization=alice.organization)
    tags = [TagFactory(organization=alice.organization, name=name) for name in ("vip", "press")]
    for index in range(count):
        contact = ContactFactory(
            organization=alice.organization,
            company=company,
            owner=alice.user,
            email=f"c{index}@example.com",
            custom_fields={"size": index},
        )
        add_tags(contact, *tags)


@pytest.mark.parametrize("rows", [5, 60])
@pytest.mark.parametrize(
    ("query", "queries"),
    [
        # The API key, the page, and the tags of its rows.
        ("", 3),
        # The same, the custom field definitions, once, to filter and sort by one, and how many
        # records the filter's index range holds, up to a cap (which decides the plan).
        ("?stage=lead&tag=vip&cf.size.min=1&sort=-cf.size", 5),
    ],
)
def test_the_contact_list_needs_the_same_few_queries_for_5_or_60_rows(
    api, alice, rows, query, queries, django_assert_max_num_queries
):
    _busy_contacts(alice, rows)
    api.get("/api/v1/me")  # the key's first use of the minute is recorded once

    with django_assert_max_num_queries(queries):
        response = api.get(f"/api/v1/contacts{query}")

    assert len(response.json()["items"]) == min(rows - (1 if query else 0), 50)
    assert response.json()["items"][0]["tags"] == ["press", "vip"]


@pytest.mark.parametrize("rows", [5, 60])
def test_the_company_list_needs_the_same_few_queries_for_5_or_60_rows(
    api, alice, rows, django_assert_max_num_queries
):
    tag = TagFactory(organization=alice.organization)
    for _index in range(rows):
        add_tags(CompanyFactory(organization=alice.organization), tag)
    api.get("/api/v1/me")

    with django_assert_max_num_queries(3):
        response = api.get("/api/v1/companies")

    assert len(response.json()["items"]) == min(rows, 50)


# Lifecycle and consent ----------------------------------------------------------------------


def test_an_allowed_stage_change_is_recorded_with_its_reason(api, alice):
    contact = ada(alice)

    response = send(
        api,
        "post",
        f"/api/v1/contacts/{contact.pk}/lifecycle",
        {"to_stage": "active", "reason": "First order"},
    )

    assert response.status_code == 201
    body = response.json()
    assert (body["from_stage"], body["to_stage"], body["reason"]) == ("lead", "active", "First order")
    assert body["created_by"]["id"] == alice.user_id
    assert Contact.objects.get(pk=contact.pk).lifecycle_stage == "active"


def test_the_lifecycle_lists_every_transition_newest_first(api, alice):
    contact = ada(alice)
    services.change_lifecycle_stage(customer=contact, to_stage="active", actor=alice.user, reason="Order")

    transitions = api.get(f"/api/v1/contacts/{contact.pk}/lifecycle").json()

    assert [(t["from_stage"], t["to_stage"], t["reason"]) for t in transitions] == [
        ("lead", "active", "Order"),
        ("", "lead", ""),
    ]


def test_a_stage_change_that_is_not_allowed_is_a_409_naming_to_stage(api, alice):
    contact = ada(alice)

    response = send(api, "post", f"/api/v1/contacts/{contact.pk}/lifecycle", {"to_stage": "loyal"})

    assert response.status_code == 409
    assert response["Content-Type"] == PROBLEM
    assert fields(response) == ["to_stage"]
    assert Contact.objects.get(pk=contact.pk).lifecycle_stage == "lead"
    assert LifecycleTransition.objects.filter(contact=contact).count() == 1


def test_an_unknown_stage_is_a_422_naming_to_stage(api, alice):
    contact = ada(alice)

    response = send(api, "post", f"/api/v1/contacts/{contact.pk}/lifecycle", {"to_stage": "customer"})

    assert (response.status_code, fields(response)) == (422, ["to_stage"])


def test_giving_consent_records_when_and_how(api, alice):
    contact = ada(alice)

    response = send(
        api, "put", f"/api/v1/contacts/{contact.pk}/consents/sms", {"granted": True, "method": "written"}
    )

    assert response.status_code == 200
    assert (response.json()["channel"], response.json()["status"]) == ("sms", "granted")
    consent = Consent.objects.get(contact=contact)
    assert (consent.channel, consent.status, consent.method) == ("sms", "granted", "written")


def test_a_consent_change_changes_the_contacts_etag(api, alice):
    contact = ada(alice)
    before = api.get(f"/api/v1/contacts/{contact.pk}")["ETag"]

    send(api, "put", f"/api/v1/contacts/{contact.pk}/consents/sms", {"granted": True, "method": "written"})

    assert api.get(f"/api/v1/contacts/{contact.pk}")["ETag"] != before


def test_withdrawing_consent_replaces_the_earlier_answer(api, alice):
    contact = ada(alice)
    services.set_consent(contact=contact, channel="email", granted=True, method="form", member=alice)

    send(
        api,
        "put",
        f"/api/v1/contacts/{contact.pk}/consents/email",
        {"granted": False, "note": "Asked by phone"},
    )

    consent = Consent.objects.get(contact=contact)
    assert (consent.status, consent.method, consent.note) == ("withdrawn", "api", "Asked by phone")
    assert services.has_consent(contact, "email") is False


@pytest.mark.parametrize(
    ("channel", "payload", "field"),
    [
        ("fax", {"granted": True}, "channel"),
        ("email", {"granted": "yes"}, "granted"),
        ("email", {}, "granted"),
    ],
)
def test_bad_consent_input_is_a_422_naming_the_field(api, alice, channel, payload, field):
    contact = ada(alice)

    response = send(api, "put", f"/api/v1/contacts/{contact.pk}/consents/{channel}", payload)

    assert (response.status_code, fields(response)) == (422, [field])
    assert Consent.objects.exists() is False


# Companies ----------------------------------------------------------------------------------


def test_creating_a_company_normalizes_its_email_and_phone(api, alice):
    response = send(
        api,
        "post",
        "/api/v1/companies",
        {"name": "Initech", "email": "Info@Initech.EXAMPLE", "phone": "(415) 555-0132", "employees": 40},
    )

    assert response.status_code == 201
    body = response.json()
    assert (body["name"], body["email"], body["phone"]) == ("Initech", "info@initech.example", "+14155550132")
    assert body["totals"] == {"contacts": 0, "active": 0, "leads": 0}
    assert Company.objects.get().employees == 40


def test_reading_a_company_shows_its_contact_totals(api, alice):
    company = CompanyFactory(organization=alice.organization)
    for stage in ("lead", "lead", "active", "lost"):
        ContactFactory(organization=alice.organization, company=company, lifecycle_stage=stage)

    body = api.get(f"/api/v1/companies/{company.pk}").json()

    assert body["totals"] == {"contacts": 4, "active": 1, "leads": 2}


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "   "}, "name"),
        ({"website": "not a site"}, "website"),
        ({"email": "nope"}, "email"),
        ({"phone": "12"}, "phone"),
        ({"employees": -1}, "employees"),
        ({"employees": "many"}, "employees"),
        ({"industry": "x" * 101}, "industry"),
        ({"shares": 1}, "shares"),
    ],
)
def test_invalid_company_input_is_a_422_naming_the_field_and_writes_nothing(api, alice, payload, field):
    response = send(api, "post", "/api/v1/companies", {"name": "Initech", **payload})

    assert (response.status_code, fields(response)) == (422, [field])
    assert Company.with_trash.exists() is False


def test_a_company_without_a_name_is_refused_by_name(api, alice):
    response = send(api, "post", "/api/v1/companies", {"industry": "Software"})

    assert (response.status_code, fields(response)) == (422, ["name"])


def test_a_partial_update_of_a_company_changes_only_the_fields_sent(api, alice):
    company = services.create_company(member=alice, data={"name": "Initech", "industry": "Software"})

    body = send(api, "patch", f"/api/v1/companies/{company.pk}", {"city": "Austin"}).json()

    assert (body["name"], body["industry"], body["city"]) == ("Initech", "Software", "Austin")


def test_deleting_a_company_moves_it_to_the_trash(api, alice):
    company = CompanyFactory(organization=alice.organization)

    assert api.delete(f"/api/v1/companies/{company.pk}").status_code == 204
    assert Company.with_trash.get(pk=company.pk).deleted_at is not None
    assert api.get(f"/api/v1/companies/{company.pk}").status_code == 404


def test_the_company_list_filters_by_stage_and_sorts_by_name(api, alice):
    for name, stage in [("Umbrella", "active"), ("Initech", "lead"), ("Hooli", "active")]:
        CompanyFactory(organization=alice.organization, name=name, lifecycle_stage=stage)

    items = api.get("/api/v1/companies?stage=active").json()["items"]

    assert [item["name"] for item in items] == ["Hooli", "Umbrella"]


def test_a_company_stage_change_is_recorded(api, alice):
    company = services.create_company(member=alice, data={"name": "Initech"})

    response = send(api, "post", f"/api/v1/companies/{company.pk}/lifecycle", {"to_stage": "lost"})

    assert response.status_code == 201
    assert [t["to_stage"] for t in api.get(f"/api/v1/companies/{company.pk}/lifecycle").json()] == [
        "lost",
        "lead",
    ]


# Roles and visibility -----------------------------------------------------------------------


def test_a_viewer_key_can_read_contacts_but_not_create_them(viewer_api, alice):
    ada(alice)

    listed = viewer_api.get("/api/v1/contacts")
    created = send(viewer_api, "post", "/api/v1/contacts", {"last_name": "Byron"})

    assert listed.status_code == 200
    assert (created.status_code, created["Content-Type"]) == (403, PROBLEM)
    assert list(Contact.objects.values_list("last_name", flat=True)) == ["Lovelace"]


def test_a_viewer_key_cannot_change_a_contact(viewer_api, alice):
    contact = ada(alice)

    response = send(viewer_api, "patch", f"/api/v1/contacts/{contact.pk}", {"first_name": "Augusta"})

    assert response.status_code == 403
    assert Contact.objects.get(pk=contact.pk).first_name == "Ada"


def test_a_salesperson_cannot_move_a_contact_to_the_trash(bob_client, alice, bob):
    contact = ada(alice, owner_id=bob.user_id)

    response = bob_client.delete(f"/api/v1/contacts/{contact.pk}")

    assert response.status_code == 403
    assert Contact.objects.filter(pk=contact.pk).exists() is True


def test_a_salesperson_with_limited_visibility_lists_only_their_own_and_their_teams(bob_client, alice, bob):
    limit_visibility(bob)
    carol = MembershipFactory(organization=alice.organization, user=UserFactory(full_name="Carol"))
    team = TeamFactory(organization=alice.organization)
    add_team_members(team, bob.user, carol.user)
    for owner, last_name in [(bob, "Bob's"), (carol, "Carol's"), (alice, "Alice's")]:
        ContactFactory(organization=alice.organization, first_name="A", last_name=last_name, owner=owner.user)

    response = bob_client.get("/api/v1/contacts")

    assert names(response) == ["A Bob's", "A Carol's"]


def test_a_contact_hidden_by_visibility_reads_exactly_like_a_missing_one(bob_client, alice, bob):
    limit_visibility(bob)
    hidden = ada(alice)

    response = bob_client.get(f"/api/v1/contacts/{hidden.pk}")
    missing = bob_client.get("/api/v1/contacts/999999")

    assert response.status_code == missing.status_code == 404
    assert {**response.json(), "instance": ""} == {**missing.json(), "instance": ""}


def test_a_salesperson_with_limited_visibility_cannot_change_anothers_contact(bob_client, alice, bob):
    limit_visibility(bob)
    hidden = ada(alice)

    patched = send(bob_client, "patch", f"/api/v1/contacts/{hidden.pk}", {"first_name": "Mine"})
    staged = send(bob_client, "post", f"/api/v1/contacts/{hidden.pk}/lifecycle", {"to_stage": "lost"})

    assert (patched.status_code, staged.status_code) == (404, 404)
    hidden.refresh_from_db()
    assert (hidden.first_name, hidden.lifecycle_stage) == ("Ada", "lead")


# Custom field definitions -------------------------------------------------------------------


def test_creating_a_custom_field_definition(api, alice):
    response = send(
        api,
        "post",
        "/api/v1/custom-fields",
        {
            "entity": "contact",
            "key": "plan",
            "label": "Plan",
            "field_type": "choice",
            "choices": ["Gold", "Silver"],
        },
    )

    assert response.status_code == 201
    assert response.json() == {
        "id": response.json()["id"], "entity": "contact", "key": "plan", "label": "Plan",
        "field_type": "choice", "choices": ["Gold", "Silver"], "is_required": False, "is_unique": False,
        "position": 0, "help_text": "",
    }  # fmt: skip
    assert CustomField.objects.get().key == "plan"


def test_custom_field_definitions_are_listed_for_one_entity(api, alice):
    CustomFieldFactory(organization=alice.organization, key="size", entity="contact")
    CustomFieldFactory(organization=alice.organization, key="tier", entity="company")

    listed = api.get("/api/v1/custom-fields?entity=company").json()

    assert [field["key"] for field in listed] == ["tier"]


def test_changing_a_custom_field_definition(api, alice):
    field = CustomFieldFactory(organization=alice.organization, key="size", label="Size")

    response = send(
        api, "patch", f"/api/v1/custom-fields/{field.pk}", {"label": "Shoe size", "is_required": True}
    )

    assert response.status_code == 200
    field.refresh_from_db()
    assert (field.label, field.is_required, field.key) == ("Shoe size", True, "size")


def test_the_key_of_a_custom_field_cannot_be_changed(api, alice):
    field = CustomFieldFactory(organization=alice.organization, key="size")

    response = send(api, "patch", f"/api/v1/custom-fields/{field.pk}", {"key": "shoe"})

    assert (response.status_code, fields(response)) == (422, ["key"])
    assert CustomField.objects.get(pk=field.pk).key == "size"


def test_deleting_a_custom_field_definition(api, alice):
    field = CustomFieldFactory(organization=alice.organization)

    assert api.delete(f"/api/v1/custom-fields/{field.pk}").status_code == 204
    assert CustomField.objects.exists() is False


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"key": "size"}, "key"),
        ({"key": "shoe size"}, "key"),
        ({"field_type": "choice"}, "choices"),
        ({"field_type": "colour"}, "field_type"),
        ({"entity": "spaceship"}, "entity"),  # no app registers such a kind
        ({"label": ""}, "label"),
        ({"is_required": "yes"}, "is_required"),
    ],
)
def test_an_invalid_custom_field_definition_is_a_422_naming_the_field(api, alice, payload, field):
    CustomFieldFactory(organization=alice.organization, key="size")
    definition = {"entity": "contact", "key": "shoe", "label": "Shoe", "field_type": "text", **payload}

    response = send(api, "post", "/api/v1/custom-fields", definition)

    assert (response.status_code, fields(response)) == (422, [field])
    assert CustomField.objects.count() == 1


def test_a_salesperson_cannot_define_custom_fields(bob_client, bob):
    response = send(
        bob_client,
        "post",
        "/api/v1/custom-fields",
        {"entity": "contact", "key": "x", "label": "X", "field_type": "text"},
    )

    assert response.status_code == 403
    assert CustomField.objects.exists() is False


def test_a_viewer_key_cannot_delete_a_custom_field(viewer_api, alice):
    field = CustomFieldFactory(organization=alice.organization)

    assert viewer_api.delete(f"/api/v1/custom-fields/{field.pk}").status_code == 403
    assert CustomField.objects.filter(pk=field.pk).exists() is True


# Tags ---------------------------------------------------------------------------------------


def test_creating_a_tag(api, alice):
    response = send(api, "post", "/api/v1/tags", {"name": "VIP", "color": "#ff0000"})

    assert response.status_code == 201
    tag = Tag.objects.get()
    assert response.json() == {"id": tag.pk, "name": "VIP", "color": "#ff0000"}


def test_a_tag_name_already_used_in_another_case_is_a_422_naming_name(api, alice):
    TagFactory(organization=alice.organization, name="VIP")

    response = send(api, "post", "/api/v1/tags", {"name": "vip"})

    assert (response.status_code, fields(response)) == (422, ["name"])
    assert Tag.objects.count() == 1


@pytest.mark.parametrize(
    ("payload", "field"), [({"name": "x" * 61}, "name"), ({"name": "A", "color": "red"}, "color")]
)
def test_an_invalid_tag_is_a_422_naming_the_field(api, alice, payload, field):
    response = send(api, "post", "/api/v1/tags", payload)

    assert (response.status_code, fields(response)) == (422, [field])
    assert Tag.objects.exists() is False


def test_tags_are_listed_by_name_with_a_cursor(api, alice):
    for name in ("press", "b2b", "vip"):
        TagFactory(organization=alice.organization, name=name)

    first = api.get("/api/v1/tags?limit=2").json()
    second = api.get(f"/api/v1/tags?limit=2&cursor={first['next_cursor']}").json()

    assert [tag["name"] for tag in first["items"] + second["items"]] == ["b2b", "press", "vip"]
    assert second["next_cursor"] is None


def test_deleting_a_tag_takes_it_off_its_contacts(api, alice):
    contact = ada(alice, tags=["VIP", "Press"])

    response = api.delete(f"/api/v1/tags/{Tag.objects.get(name='VIP').pk}")

    assert response.status_code == 204
    assert list(contact.tags.values_list("name", flat=True)) == ["Press"]
    assert Contact.objects.filter(pk=contact.pk).exists() is True


def test_a_viewer_key_cannot_create_a_tag(viewer_api, alice):
    assert send(viewer_api, "post", "/api/v1/tags", {"name": "VIP"}).status_code == 403
    assert Tag.objects.exists() is False


def test_a_salesperson_cannot_delete_a_tag(bob_client, bob):
    tag = TagFactory(organization=bob.organization)

    assert bob_client.delete(f"/api/v1/tags/{tag.pk}").status_code == 403
    assert Tag.objects.filter(pk=tag.pk).exists() is True


# Search -------------------------------------------------------------------------------------


def results(response) -> list[dict]:
    return [result for group in response.json()["groups"] for result in group["results"]]


def test_search_finds_a_contact_by_a_fragment_of_its_name_and_links_to_its_card(api, alice):
    contact = ada(alice, first_name="Anna", last_name="Schmidt")

    groups = api.get("/api/v1/search?q=schmi").json()["groups"]

    assert [(group["kind"], group["label"], group["has_more"]) for group in groups] == [
        ("contact", "Contacts", False)
    ]
    hit = groups[0]["results"][0]
    assert (hit["id"], hit["title"], hit["badge"]) == (contact.pk, "Anna Schmidt", "Lead")
    assert hit["url"] == f"/contacts/{contact.pk}/"
    assert isinstance(hit["score"], float)


def test_search_finds_a_company_and_links_to_its_card(api, alice):
    company = services.create_company(member=alice, data={"name": "Initech"})

    hits = results(api.get("/api/v1/search?q=initech"))

    assert [(hit["id"], hit["url"]) for hit in hits] == [(company.pk, f"/companies/{company.pk}/")]


def test_search_groups_results_by_kind_and_says_when_a_kind_has_more(api, alice):
    for number in range(3):
        ada(alice, first_name=f"Anna{number}", last_name="Initech")
    services.create_company(member=alice, data={"name": "Initech"})

    groups = api.get("/api/v1/search?q=initech&limit=2").json()["groups"]

    assert {group["kind"]: (len(group["results"]), group["has_more"]) for group in groups} == {
        "company": (1, False),
        "contact": (2, True),
    }
    assert groups[0]["kind"] == "company"  # the exact match first


def test_search_keeps_to_one_kind_when_asked(api, alice):
    ada(alice, first_name="Anna", last_name="Initech")
    services.create_company(member=alice, data={"name": "Initech"})

    groups = api.get("/api/v1/search?q=initech&kind=contact").json()["groups"]

    assert [group["kind"] for group in groups] == ["contact"]


def test_search_in_an_unknown_kind_is_a_422_naming_it(api, alice):
    response = api.get("/api/v1/search?q=initech&kind=spaceship")

    assert (response.status_code, fields(response)) == (422, ["kind"])


def test_search_leaves_out_what_the_member_cannot_see(bob_client, alice, bob):
    limit_visibility(bob)
    ada(alice, first_name="Anna", last_name="Schmidt")
    mine = ada(alice, first_name="Berta", last_name="Schmidt", owner_id=bob.user_id)

    hits = results(bob_client.get("/api/v1/search?q=schmidt"))

    assert [hit["id"] for hit in hits] == [mine.pk]


def test_an_empty_search_finds_nothing(api, alice):
    ada(alice)

    assert api.get("/api/v1/search?q=").json() == {"groups": []}


@pytest.mark.parametrize("query", ["limit=0", "limit=101", f"q={'x' * 101}"])
def test_a_bad_search_parameter_is_a_422_naming_it(api, alice, query):
    response = api.get(f"/api/v1/search?{query}")

    assert (response.status_code, fields(response)) == (422, [query.split("=")[0]])
