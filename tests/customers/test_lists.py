"""The contact and company list pages: filters, sorting, keyset pages, columns, saved views, bulk
actions, visibility and query counts."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from kliento.core.models import AuditEntry, Organization, SavedView
from kliento.core.permissions import Role
from kliento.core.records.fields.models import CustomField
from kliento.customers.models import Company, Contact, LifecycleStage, Source
from tests.customers.factories import CompanyFactory, ContactFactory, CustomFieldFactory, TagFactory, add_tags
from tests.factories import MembershipFactory, TeamFactory, UserFactory, add_team_members

CONTACTS = reverse("customers:contact-list")
COMPANIES = reverse("customers:company-list")
HTMX_RESULTS = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "list-results"}
HTMX_MORE = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "list-more"}


def names(response) -> list[str]:
    return [row.name for row in response.context["rows"]]


def contact(member, **fields) -> Contact:
    fields.setdefault("owner", member.user)
    return ContactFactory(organization=member.organization, **fields)


def next_page(client, response):
    url = response.context["next_url"]
    assert url, "expected another page"
    return client.get(url)


@pytest.fixture
def carol(acme):
    return MembershipFactory(
        organization=acme, user=UserFactory(full_name="Carol Cruz"), role=Role.SALESPERSON
    )


# The page ---------------------------------------------------------------------------------------


def test_the_contact_list_links_each_row_to_its_card(alice_client, alice):
    ada = contact(alice, first_name="Ada", last_name="Lovelace")

    response = alice_client.get(CONTACTS)

    assert response.status_code == 200
    assert names(response) == ["Ada Lovelace"]
    assert f'href="{reverse("customers:contact-detail", args=[ada.pk])}"' in response.content.decode()


def test_the_company_list_links_each_row_to_its_card(alice_client, alice):
    globex = CompanyFactory(organization=alice.organization, name="Initech")

    response = alice_client.get(COMPANIES)

    assert response.status_code == 200
    assert names(response) == ["Initech"]
    assert f'href="{reverse("customers:company-detail", args=[globex.pk])}"' in response.content.decode()


def test_an_empty_list_says_how_to_add_a_first_contact_or_load_demo_data(alice_client):
    response = alice_client.get(CONTACTS)

    content = response.content.decode()
    assert "No contacts yet — add your first contact, or load demo data with <code>kliento demo</code>" in (
        content
    )
    assert f'href="{reverse("customers:contact-create")}"' in content


def test_a_filter_that_matches_nothing_offers_to_clear_the_filters(alice_client, alice):
    contact(alice, lifecycle_stage=LifecycleStage.LEAD)

    response = alice_client.get(CONTACTS, {"stage": "lost"})

    assert response.status_code == 200
    assert "No contacts match these filters." in response.content.decode()


def test_the_primary_phone_is_shown_in_the_organizations_format(alice_client, alice):
    contact(alice, first_name="Local", last_name="One", phone="+14155550123")
    contact(alice, first_name="Berlin", last_name="Two", phone="+4930123456")

    content = alice_client.get(CONTACTS).content.decode()

    assert "(415) 555-0123" in content
    assert "+49 30 123456" in content


def test_a_viewer_sees_the_list_without_selection_boxes_or_the_new_button(client, alice, acme):
    viewer = MembershipFactory(organization=acme, role=Role.VIEWER)
    contact(alice, first_name="Ada", last_name="Lovelace")
    client.force_login(viewer.user)

    response = client.get(CONTACTS)

    content = response.content.decode()
    assert names(response) == ["Ada Lovelace"]
    assert 'name="ids"' not in content
    assert reverse("customers:contact-create") not in content


def test_an_htmx_request_from_the_filter_bar_gets_only_the_results(alice_client, alice):
    contact(alice, first_name="Ada", last_name="Lovelace")

    response = alice_client.get(CONTACTS, **HTMX_RESULTS)

    content = response.content.decode()
    assert response.status_code == 200
    assert "Ada Lovelace" in content
    assert "<html" not in content and 'id="list-filters"' not in content
    assert "HX-Target" in response["Vary"]


# Filters ----------------------------------------------------------------------------------------


def test_filtering_by_stage_keeps_only_that_stage(alice_client, alice):
    contact(alice, first_name="Lead", last_name="One", lifecycle_stage=LifecycleStage.LEAD)
    contact(alice, first_name="Loyal", last_name="Two", lifecycle_stage=LifecycleStage.LOYAL)
    contact(alice, first_name="Lost", last_name="Three", lifecycle_stage=LifecycleStage.LOST)

    response = alice_client.get(CONTACTS, {"stage": ["loyal", "lost"]})

    assert names(response) == ["Lost Three", "Loyal Two"]


def test_filtering_by_owner_keeps_only_their_contacts(alice_client, alice, bob):
    contact(alice, first_name="Alices", last_name="Contact")
    contact(bob, first_name="Bobs", last_name="Contact")

    response = alice_client.get(CONTACTS, {"owner": bob.user_id})

    assert names(response) == ["Bobs Contact"]


def test_filtering_by_owner_me_keeps_the_members_own_contacts(alice_client, alice, bob):
    contact(alice, first_name="Alices", last_name="Contact")
    contact(bob, first_name="Bobs", last_name="Contact")

    response = alice_client.get(CONTACTS, {"owner": "me"})

    assert names(response) == ["Alices Contact"]


def test_filtering_by_team_keeps_contacts_owned_by_its_members_and_manager(
    alice_client, alice, bob, carol, acme
):
    team = TeamFactory(organization=acme, name="North", manager=carol.user)
    add_team_members(team, bob.user)
    contact(alice, first_name="Alices", last_name="Contact")
    contact(bob, first_name="Bobs", last_name="Contact")
    contact(carol, first_name="Carols", last_name="Contact")

    response = alice_client.get(CONTACTS, {"team": team.pk})

    assert names(response) == ["Bobs Contact", "Carols Contact"]


def test_filtering_by_tag_keeps_contacts_with_that_tag(alice_client, alice):
    vip = TagFactory(organization=alice.organization, name="VIP")
    tagged = contact(alice, first_name="Tagged", last_name="One")
    add_tags(tagged, vip)
    contact(alice, first_name="Plain", last_name="Two")

    response = alice_client.get(CONTACTS, {"tag": "vip"})

    assert names(response) == ["Tagged One"]


def test_filtering_by_company_keeps_that_companys_contacts(alice_client, alice):
    initech = CompanyFactory(organization=alice.organization, name="Initech")
    contact(alice, first_name="Peter", last_name="Gibbons", company=initech)
    contact(alice, first_name="Free", last_name="Lancer")

    response = alice_client.get(CONTACTS, {"company": initech.pk})

    assert names(response) == ["Peter Gibbons"]
    assert "Company: Initech" in response.content.decode()


def test_filtering_by_source_keeps_contacts_from_that_source(alice_client, alice):
    contact(alice, first_name="Referred", last_name="One", source=Source.REFERRAL)
    contact(alice, first_name="Walked", last_name="In", source=Source.WALK_IN)

    response = alice_client.get(CONTACTS, {"source": "referral"})

    assert names(response) == ["Referred One"]


def test_filtering_by_creation_dates_keeps_contacts_created_in_the_range(alice_client, alice):
    moment = datetime.datetime(2024, 3, 15, 12, tzinfo=datetime.UTC)
    contact(alice, first_name="Before", last_name="X", created_at=moment - datetime.timedelta(days=30))
    contact(alice, first_name="Inside", last_name="X", created_at=moment)
    contact(alice, first_name="After", last_name="X", created_at=moment + datetime.timedelta(days=30))

    response = alice_client.get(CONTACTS, {"created_from": "2024-03-01", "created_to": "2024-03-31"})

    assert names(response) == ["Inside X"]


def test_filtering_by_change_dates_keeps_contacts_changed_in_the_range(alice_client, alice):
    old = contact(alice, first_name="Old", last_name="X")
    recent = contact(alice, first_name="Recent", last_name="X")
    Contact.objects.filter(pk=old.pk).update(updated_at=datetime.datetime(2023, 1, 5, tzinfo=datetime.UTC))
    Contact.objects.filter(pk=recent.pk).update(updated_at=datetime.datetime(2024, 6, 5, tzinfo=datetime.UTC))

    response = alice_client.get(CONTACTS, {"updated_from": "2024-06-01", "updated_to": "2024-06-30"})

    assert names(response) == ["Recent X"]


def test_filtering_by_a_custom_field_value_keeps_the_matching_contacts(alice_client, alice):
    CustomFieldFactory(
        organization=alice.organization,
        key="plan",
        label="Plan",
        field_type=CustomField.FieldType.CHOICE,
        choices=["gold", "silver"],
    )
    contact(alice, first_name="Gold", last_name="X", custom_fields={"plan": "gold"})
    contact(alice, first_name="Silver", last_name="X", custom_fields={"plan": "silver"})

    response = alice_client.get(CONTACTS, {"cf.plan": "gold"})

    assert names(response) == ["Gold X"]


def test_filtering_by_a_custom_number_range_keeps_the_contacts_inside_it(alice_client, alice):
    CustomFieldFactory(
        organization=alice.organization, key="size", label="Size", field_type=CustomField.FieldType.NUMBER
    )
    for size in (38, 41, 44):
        contact(alice, first_name=f"Size{size}", last_name="X", custom_fields={"size": size})

    response = alice_client.get(CONTACTS, {"cf.size.min": "40", "cf.size.max": "42"})

    assert names(response) == ["Size41 X"]


def test_companies_filter_by_stage_too(alice_client, alice):
    CompanyFactory(organization=alice.organization, name="Active Inc", lifecycle_stage=LifecycleStage.ACTIVE)
    CompanyFactory(organization=alice.organization, name="Lead Ltd", lifecycle_stage=LifecycleStage.LEAD)

    response = alice_client.get(COMPANIES, {"stage": "active"})

    assert names(response) == ["Active Inc"]


def test_each_applied_filter_shows_as_a_chip_that_removes_it(alice_client, alice):
    contact(alice, lifecycle_stage=LifecycleStage.LEAD)

    response = alice_client.get(CONTACTS, {"stage": ["lead", "lost"], "sort": "-created"})

    chips = {chip.label: chip.remove_url for chip in response.context["chips"]}
    assert chips == {
        "Stage: Lead": f"{CONTACTS}?stage=lost&sort=-created",
        "Stage: Lost": f"{CONTACTS}?stage=lead&sort=-created",
    }


def test_text_typed_in_the_list_combines_with_its_filters(alice_client, alice):
    contact(alice, first_name="Ada", last_name="Lovelace", lifecycle_stage=LifecycleStage.ACTIVE)
    contact(alice, first_name="Adam", last_name="Lovell", lifecycle_stage=LifecycleStage.LEAD)
    contact(alice, first_name="Grace", last_name="Hopper", lifecycle_stage=LifecycleStage.ACTIVE)

    response = alice_client.get(CONTACTS, {"q": "love", "stage": "active"})

    assert names(response) == ["Ada Lovelace"]


def test_a_short_chinese_fragment_in_the_list_finds_the_company_inside_its_filters(alice_client, alice):
    CompanyFactory(organization=alice.organization, name="北京永新服装有限公司", lifecycle_stage="active")
    CompanyFactory(organization=alice.organization, name="上海永新贸易公司", lifecycle_stage="lead")
    CompanyFactory(organization=alice.organization, name="广州华美服装公司", lifecycle_stage="active")

    response = alice_client.get(COMPANIES, {"q": "永新", "stage": "active"})

    assert names(response) == ["北京永新服装有限公司"]


def test_list_text_search_pages_through_every_match(alice_client, alice):
    for number in range(55):
        contact(alice, first_name=f"Ada{number:02}", last_name="Lovelace")
    contact(alice, first_name="Grace", last_name="Hopper")

    first = alice_client.get(CONTACTS, {"q": "lovelace"})
    second = next_page(alice_client, first)

    assert len(names(first)) == 50
    assert len(names(second)) == 5
    assert "Grace Hopper" not in names(first) + names(second)


def test_text_in_the_list_shows_as_a_chip_and_stays_in_the_search_box(alice_client, alice):
    contact(alice, first_name="Ada", last_name="Lovelace")

    response = alice_client.get(CONTACTS, {"q": "love"})

    content = response.content.decode()
    assert [chip.label for chip in response.context["chips"]] == ["Search: love"]
    assert 'id="filter-q" type="search" name="q" value="love"' in content


def test_one_latin_letter_in_the_list_search_answers_400_naming_it(alice_client, alice):
    response = alice_client.get(CONTACTS, {"q": "a"})

    assert response.status_code == 400
    assert "<strong>Search</strong>: Type at least two characters" in response.content.decode()


# Counts -----------------------------------------------------------------------------------------

CONTACT_COUNT = reverse("customers:contact-count")


@pytest.fixture
def fresh_totals():
    cache.clear()  # organization totals kept by an earlier test must not leak into this one


def test_a_first_page_with_more_after_it_asks_for_the_count_with_its_filters(alice_client, alice):
    for number in range(51):
        contact(
            alice, first_name=f"Ada{number:02}", last_name="Lovelace", lifecycle_stage=LifecycleStage.ACTIVE
        )

    response = alice_client.get(CONTACTS, {"stage": "active", "q": "lovelace"})

    content = response.content.decode()
    assert f'hx-get="{CONTACT_COUNT}?stage=active&amp;q=lovelace" hx-trigger="load"' in content
    assert "50+ contacts" in content


def test_a_list_that_fits_on_one_page_shows_its_count_without_asking_again(alice_client, alice):
    contact(alice, first_name="Ada", last_name="Lovelace")

    response = alice_client.get(CONTACTS)

    assert response.context["count_url"] == ""
    assert response.context["result_label"] == "1 contact"


def test_the_count_below_the_cap_is_exact_and_follows_the_filters(alice_client, alice):
    contact(alice, first_name="Ada", last_name="Lovelace", lifecycle_stage=LifecycleStage.ACTIVE)
    contact(alice, first_name="Adam", last_name="Lovell", lifecycle_stage=LifecycleStage.LEAD)
    contact(alice, first_name="Alan", last_name="Lovett", lifecycle_stage=LifecycleStage.ACTIVE)
    contact(alice, first_name="Grace", last_name="Hopper", lifecycle_stage=LifecycleStage.ACTIVE)

    response = alice_client.get(CONTACT_COUNT, {"stage": "active", "q": "lov"})

    assert response.context["label"] == "2 contacts"


def test_the_count_above_the_cap_is_an_estimate_said_as_about(alice_client, alice, settings, fresh_totals):
    settings.KLIENTO_EXACT_COUNT_CAP = 3
    for number in range(8):
        contact(alice, first_name=f"Ada{number}", last_name="Lovelace")

    response = alice_client.get(CONTACT_COUNT)

    assert response.context["label"].startswith("about ")
    assert response.context["label"].endswith(" contacts")


def test_an_estimate_is_written_with_the_languages_digit_grouping(alice):
    from kliento.core.records.lists import get_list

    with translation.override("en"):
        assert get_list("company").count_label(310000, estimate=True) == "about 310,000 companies"


def test_the_count_of_a_list_with_a_bad_filter_is_empty(alice_client, alice):
    response = alice_client.get(CONTACT_COUNT, {"stage": "asleep"})

    assert response.status_code == 400
    assert response.content == b""


def test_the_count_runs_a_few_queries_whatever_the_size(
    alice_client, alice, settings, fresh_totals, django_assert_max_num_queries
):
    settings.KLIENTO_EXACT_COUNT_CAP = 5
    for number in range(12):
        contact(alice, first_name=f"Ada{number}", last_name="Lovelace")

    # Six for the session and the member, as on every page; three for an estimate.
    with django_assert_max_num_queries(9):
        alice_client.get(CONTACT_COUNT, {"stage": "lead"})


def test_a_bad_date_filter_answers_400_naming_the_filter_with_an_empty_table(alice_client, alice):
    contact(alice, first_name="Ada", last_name="Lovelace")

    response = alice_client.get(CONTACTS, {"created_from": "yesterday"})

    content = response.content.decode()
    assert response.status_code == 400
    assert "<strong>Created from</strong>: Enter a date as YYYY-MM-DD." in content
    assert names(response) == []
    assert 'id="filter-created_from" name="created_from" value="yesterday" aria-invalid="true"' in content


def test_an_unknown_stage_answers_400_naming_the_stage_filter(alice_client, alice):
    response = alice_client.get(CONTACTS, {"stage": "asleep"})

    assert response.status_code == 400
    assert "<strong>Stage</strong>: Unknown lifecycle stage." in response.content.decode()


def test_an_unknown_custom_field_answers_400_naming_it(alice_client, alice):
    response = alice_client.get(CONTACTS, {"cf.shoe": "42"})

    assert response.status_code == 400
    assert "<strong>shoe</strong>: There is no custom field with this key." in response.content.decode()


def test_a_range_on_a_custom_field_filtered_by_equality_answers_400(alice_client, alice):
    CustomFieldFactory(
        organization=alice.organization,
        key="plan",
        label="Plan",
        field_type=CustomField.FieldType.CHOICE,
        choices=["gold", "silver"],
    )

    response = alice_client.get(CONTACTS, {"cf.plan.min": "gold"})

    assert response.status_code == 400
    assert "This field is not filtered by a range." in response.content.decode()


def test_both_bounds_of_a_custom_date_range_apply_together(alice_client, alice):
    CustomFieldFactory(
        organization=alice.organization, key="renewal", label="Renewal", field_type=CustomField.FieldType.DATE
    )
    for day in ("2024-01-10", "2024-02-10", "2024-03-10"):
        contact(alice, first_name=f"Due{day[5:7]}", last_name="X", custom_fields={"renewal": day})

    response = alice_client.get(CONTACTS, {"cf.renewal.min": "2024-02-01", "cf.renewal.max": "2024-02-28"})

    assert names(response) == ["Due02 X"]


def test_a_bad_filter_asked_for_by_htmx_still_gets_its_error_shown(alice_client, alice):
    response = alice_client.get(CONTACTS, {"owner": "someone"}, **HTMX_RESULTS)

    assert response.status_code == 400
    assert "<strong>Owner</strong>: Enter a number." in response.content.decode()


def test_an_owner_id_too_large_for_the_database_is_a_filter_error(alice_client, alice):
    response = alice_client.get(CONTACTS, {"owner": "9" * 30})

    assert response.status_code == 400
    assert "<strong>Owner</strong>: There is no such record." in response.content.decode()


def test_a_made_up_cursor_answers_400(alice_client, alice):
    contact(alice)

    response = alice_client.get(CONTACTS, {"cursor": "not-a-cursor"})

    assert response.status_code == 400
    assert "<strong>Page</strong>" in response.content.decode()


# Sorting and pages ------------------------------------------------------------------------------


def test_sorting_by_name_continues_across_pages_without_duplicates(alice_client, alice):
    for number in range(60):
        contact(alice, first_name="Person", last_name=f"{(number * 37) % 60:02d}")

    first = alice_client.get(CONTACTS, {"sort": "name"})
    second = next_page(alice_client, first)

    assert len(names(first)) == 50
    assert names(first) + names(second) == [f"Person {number:02d}" for number in range(60)]
    assert second.context["next_url"] == ""


def test_sorting_by_name_descending_reverses_the_order(alice_client, alice):
    for last_name in ("Ames", "Baker", "Cole"):
        contact(alice, first_name="A", last_name=last_name)

    response = alice_client.get(CONTACTS, {"sort": "-name"})

    assert names(response) == ["A Cole", "A Baker", "A Ames"]


def test_sorting_by_creation_newest_first_continues_across_pages(alice_client, alice):
    start = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)
    for number in range(55):
        contact(
            alice,
            first_name="Made",
            last_name=f"{number:02d}",
            created_at=start + datetime.timedelta(hours=(number * 7) % 55),
        )

    first = alice_client.get(CONTACTS, {"sort": "-created"})
    second = next_page(alice_client, first)

    hours = [int(name.split()[1]) * 7 % 55 for name in names(first) + names(second)]
    assert hours == list(range(54, -1, -1))


def test_sorting_by_a_custom_field_continues_across_pages(alice_client, alice):
    CustomFieldFactory(
        organization=alice.organization, key="size", label="Size", field_type=CustomField.FieldType.NUMBER
    )
    for number in range(60):
        contact(alice, first_name="Size", last_name=f"n{number}", custom_fields={"size": (number * 13) % 60})

    first = alice_client.get(CONTACTS, {"sort": "cf.size", "columns": "name,cf.size"})
    second = next_page(alice_client, first)

    sizes = [row.cells[1].value for row in first.context["rows"] + second.context["rows"]]
    assert sizes == list(range(60))


def test_the_sorted_column_header_says_so_to_screen_readers(alice_client, alice):
    contact(alice)

    content = alice_client.get(CONTACTS, {"sort": "-updated"}).content.decode()

    assert 'aria-sort="descending"' in content
    assert f'href="{CONTACTS}?sort=updated"' in content


def test_loading_more_rows_returns_only_the_next_rows(alice_client, alice):
    for number in range(55):
        contact(alice, first_name="Person", last_name=f"{number:02d}")
    first = alice_client.get(CONTACTS)

    more = alice_client.get(first.context["next_url"], **HTMX_MORE)

    content = more.content.decode()
    assert more.status_code == 200
    assert names(more) == [f"Person {number:02d}" for number in range(50, 55)]
    assert "<thead" not in content and 'id="list-more"' not in content


def test_a_first_page_with_more_rows_says_50_plus_without_counting(alice_client, alice):
    for number in range(51):
        contact(alice, first_name="Person", last_name=f"{number:02d}")

    response = alice_client.get(CONTACTS)

    assert response.context["result_label"] == "50+ contacts"


# Columns ----------------------------------------------------------------------------------------


def test_the_chosen_columns_are_shown_in_the_asked_order_after_the_name(alice_client, alice):
    CustomFieldFactory(organization=alice.organization, key="size", label="Shoe size")
    contact(alice, first_name="Ada", last_name="Lovelace", city="London", custom_fields={"size": "38"})

    response = alice_client.get(CONTACTS, {"columns": "city,cf.size"})

    assert [column.label for column in response.context["columns"]] == ["Name", "City", "Shoe size"]
    assert [cell.value for cell in response.context["rows"][0].cells] == ["Ada Lovelace", "London", "38"]


def test_the_country_column_names_the_country_in_the_readers_language(alice_client, alice):
    contact(alice, country="DE")

    english = alice_client.get(CONTACTS, {"columns": "country"})
    arabic = alice_client.get(CONTACTS, {"columns": "country"}, headers={"Accept-Language": "ar"})

    assert english.context["rows"][0].cells[1].value == "Germany"
    assert arabic.context["rows"][0].cells[1].value == "ألمانيا"


def test_columns_may_also_come_as_repeated_parameters_and_unknown_ones_are_skipped(alice_client, alice):
    contact(alice)

    response = alice_client.get(CONTACTS, {"columns": ["name", "email", "cf.gone", "country"]})

    assert [column.key for column in response.context["columns"]] == ["name", "email", "country"]


def test_without_a_column_choice_the_default_columns_are_shown(alice_client, alice):
    contact(alice)

    response = alice_client.get(CONTACTS)

    assert [column.key for column in response.context["columns"]] == [
        "name", "email", "phone", "company", "stage", "owner", "tags", "updated",
    ]  # fmt: skip


# Saved views ------------------------------------------------------------------------------------


def save_view(client, *, name="Hot leads", query="stage=lead&sort=-created", columns="name,email", **extra):
    return client.post(
        reverse("customers:saved-view-save", args=["contact"]),
        {"name": name, "query": query, "columns": columns, **extra},
    )


def test_saving_a_personal_view_keeps_its_filters_sort_and_columns(alice_client, alice):
    response = save_view(alice_client, query="stage=lead&sort=-created&cursor=abc")

    view = SavedView.objects.get()
    assert (view.name, view.kind, view.is_shared, view.owner_id) == (
        "Hot leads",
        "contact",
        False,
        alice.user_id,
    )
    assert view.query == {"stage": ["lead"], "sort": ["-created"]}
    assert view.columns == ["name", "email"]
    assert response["Location"] == f"{CONTACTS}?stage=lead&sort=-created&columns=name%2Cemail&view={view.pk}"


def test_opening_a_saved_view_applies_it_and_names_it(alice_client, alice):
    contact(alice, first_name="Lead", last_name="One", lifecycle_stage=LifecycleStage.LEAD)
    contact(alice, first_name="Lost", last_name="Two", lifecycle_stage=LifecycleStage.LOST)
    location = save_view(alice_client)["Location"]

    response = alice_client.get(location)

    assert names(response) == ["Lead One"]
    assert [column.key for column in response.context["columns"]] == ["name", "email"]
    assert response.context["active_view"].name == "Hot leads"


def test_an_owner_may_share_a_view_with_everyone(alice_client, alice, bob_client):
    save_view(alice_client, shared="on")

    response = bob_client.get(CONTACTS)

    assert SavedView.objects.get().is_shared is True
    assert [entry["view"].name for entry in response.context["shared_views"]] == ["Hot leads"]


def test_a_salesperson_may_not_share_a_view(bob_client, bob):
    response = save_view(bob_client, shared="on")

    assert response.status_code == 403
    assert SavedView.objects.exists() is False


def test_a_personal_view_is_not_listed_for_others(alice_client, bob_client):
    save_view(alice_client)

    alice_views = alice_client.get(CONTACTS).context["personal_views"]
    bob_response = bob_client.get(CONTACTS)

    assert [entry["view"].name for entry in alice_views] == ["Hot leads"]
    assert bob_response.context["personal_views"] == [] and bob_response.context["shared_views"] == []


def test_a_view_without_a_name_is_not_saved(alice_client, alice):
    response = save_view(alice_client, name="  ")

    assert response.status_code == 302
    assert SavedView.objects.exists() is False


def test_a_view_with_a_bad_filter_is_not_saved(alice_client, alice):
    save_view(alice_client, query="created_from=soon")

    assert SavedView.objects.exists() is False


def test_a_member_deletes_their_own_view(alice_client, alice):
    save_view(alice_client)
    view = SavedView.objects.get()

    response = alice_client.post(reverse("customers:saved-view-delete", args=[view.pk]))

    assert response["Location"] == CONTACTS
    assert SavedView.objects.exists() is False


def test_a_salesperson_may_not_delete_someone_elses_shared_view(alice_client, bob_client):
    save_view(alice_client, shared="on")
    view = SavedView.objects.get()

    response = bob_client.post(reverse("customers:saved-view-delete", args=[view.pk]))

    assert response.status_code == 403
    assert SavedView.objects.filter(pk=view.pk).exists() is True


def test_someone_elses_personal_view_cannot_be_deleted(alice_client, bob_client):
    save_view(alice_client)
    view = SavedView.objects.get()

    response = bob_client.post(reverse("customers:saved-view-delete", args=[view.pk]))

    assert response.status_code == 404
    assert SavedView.objects.filter(pk=view.pk).exists() is True


# Bulk actions -----------------------------------------------------------------------------------


def bulk(client, ids, action, url=None, **values):
    url = url or reverse("customers:contact-bulk")
    return client.post(url, {"ids": [str(pk) for pk in ids], "action": action, **values}, follow=True)


def bulk_entry(record_type="customers.contact") -> AuditEntry:
    return AuditEntry.objects.get(action=AuditEntry.Action.BULK, record_type=record_type)


def flash(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_assigning_an_owner_in_bulk_changes_the_selected_contacts_only(alice_client, alice, bob):
    first, second, untouched = contact(alice), contact(alice), contact(alice)

    response = bulk(alice_client, [first.pk, second.pk], "assign_owner", owner=bob.user_id)

    assert flash(response) == ["2 contacts updated."]
    assert set(Contact.objects.filter(owner=bob.user).values_list("pk", flat=True)) == {first.pk, second.pk}
    untouched.refresh_from_db()
    assert untouched.owner_id == alice.user_id
    assert bulk_entry().changes["count"] == 2


def test_adding_a_tag_in_bulk_tags_the_selected_contacts(alice_client, alice):
    first, second = contact(alice), contact(alice)

    response = bulk(alice_client, [first.pk, second.pk], "add_tag", tag="VIP")

    assert flash(response) == ["2 contacts updated."]
    assert set(Contact.objects.filter(tags__name="VIP").values_list("pk", flat=True)) == {first.pk, second.pk}
    assert bulk_entry().changes == {"action": "add_tag", "value": "VIP", "count": 2}


def test_removing_a_tag_in_bulk_untags_the_selected_contacts(alice_client, alice):
    vip = TagFactory(organization=alice.organization, name="VIP")
    first, kept = contact(alice), contact(alice)
    add_tags(first, vip)
    add_tags(kept, vip)

    response = bulk(alice_client, [first.pk], "remove_tag", tag="vip")

    assert flash(response) == ["1 contact updated."]
    assert list(Contact.objects.filter(tags=vip).values_list("pk", flat=True)) == [kept.pk]
    assert bulk_entry().changes["count"] == 1


def test_changing_the_stage_in_bulk_records_each_transition(alice_client, alice):
    first, second = contact(alice), contact(alice)

    response = bulk(alice_client, [first.pk, second.pk], "change_stage", stage="active")

    assert flash(response) == ["2 contacts updated."]
    assert set(Contact.objects.values_list("lifecycle_stage", flat=True)) == {"active"}
    assert bulk_entry().changes["count"] == 2


def test_a_stage_change_not_allowed_for_one_contact_changes_none(alice_client, alice):
    lead = contact(alice, lifecycle_stage=LifecycleStage.LEAD)
    active = contact(alice, lifecycle_stage=LifecycleStage.ACTIVE)

    response = bulk(alice_client, [lead.pk, active.pk], "change_stage", stage="loyal")

    assert flash(response) == ["A customer cannot move from Lead to Loyal customer."]
    assert dict(Contact.objects.values_list("pk", "lifecycle_stage")) == {
        lead.pk: "lead",
        active.pk: "active",
    }
    assert AuditEntry.objects.filter(action=AuditEntry.Action.BULK).exists() is False


def test_moving_contacts_to_the_trash_in_bulk_hides_them_from_the_list(alice_client, alice):
    gone, _kept = (
        contact(alice, first_name="Gone", last_name="X"),
        contact(alice, first_name="Kept", last_name="X"),
    )

    response = bulk(alice_client, [gone.pk], "trash")

    assert flash(response) == ["1 contact moved to the trash."]
    assert names(response) == ["Kept X"]
    assert Contact.with_trash.get(pk=gone.pk).deleted_at is not None
    assert bulk_entry().changes["count"] == 1


def test_a_bulk_action_returns_to_the_list_it_was_started_from(alice_client, alice):
    first = contact(alice)

    response = alice_client.post(
        reverse("customers:contact-bulk"),
        {"ids": [first.pk], "action": "add_tag", "tag": "x", "next": f"{CONTACTS}?stage=lead"},
    )

    assert response["Location"] == f"{CONTACTS}?stage=lead"


def test_a_bulk_action_without_its_value_changes_nothing(alice_client, alice):
    first = contact(alice)

    response = bulk(alice_client, [first.pk], "add_tag", tag="")

    assert flash(response) == ["Tag: This action needs a value."]
    assert AuditEntry.objects.filter(action=AuditEntry.Action.BULK).exists() is False


def test_a_salesperson_may_not_trash_in_bulk(bob_client, bob):
    mine = contact(bob)

    response = bob_client.post(reverse("customers:contact-bulk"), {"ids": [mine.pk], "action": "trash"})

    assert response.status_code == 403
    assert Contact.objects.filter(pk=mine.pk).exists() is True
    assert AuditEntry.objects.filter(action=AuditEntry.Action.BULK).exists() is False


def test_a_viewer_may_not_change_contacts_in_bulk(client, alice, acme):
    viewer = MembershipFactory(organization=acme, role=Role.VIEWER)
    first = contact(alice)
    client.force_login(viewer.user)

    response = client.post(
        reverse("customers:contact-bulk"), {"ids": [first.pk], "action": "add_tag", "tag": "x"}
    )

    assert response.status_code == 403
    assert first.tags.exists() is False


def test_bulk_actions_skip_contacts_the_salesperson_cannot_see(bob_client, bob, alice, acme):
    acme.record_visibility = Organization.RecordVisibility.OWN_AND_TEAM
    acme.save()
    mine, hidden = contact(bob), contact(alice)

    response = bulk(bob_client, [mine.pk, hidden.pk], "add_tag", tag="x")

    assert flash(response) == ["1 contact updated."]
    assert hidden.tags.exists() is False


def test_companies_are_tagged_in_bulk_with_one_audit_entry(alice_client, alice):
    first = CompanyFactory(organization=alice.organization)
    second = CompanyFactory(organization=alice.organization)

    response = bulk(
        alice_client, [first.pk, second.pk], "add_tag", url=reverse("customers:company-bulk"), tag="Key"
    )

    assert flash(response) == ["2 companies updated."]
    assert set(Company.objects.filter(tags__name="Key").values_list("pk", flat=True)) == {first.pk, second.pk}
    assert bulk_entry("customers.company").changes["count"] == 2


def test_companies_are_moved_to_the_trash_in_bulk(alice_client, alice):
    gone = CompanyFactory(organization=alice.organization)

    response = bulk(alice_client, [gone.pk], "trash", url=reverse("customers:company-bulk"))

    assert flash(response) == ["1 company moved to the trash."]
    assert Company.objects.filter(pk=gone.pk).exists() is False
    assert bulk_entry("customers.company").changes["count"] == 1


def test_companies_change_stage_and_owner_in_bulk(alice_client, alice, bob):
    first = CompanyFactory(organization=alice.organization, owner=alice.user)
    url = reverse("customers:company-bulk")

    bulk(alice_client, [first.pk], "change_stage", url=url, stage="active")
    bulk(alice_client, [first.pk], "assign_owner", url=url, owner=bob.user_id)

    first.refresh_from_db()
    assert (first.lifecycle_stage, first.owner_id) == ("active", bob.user_id)
    assert AuditEntry.objects.filter(action=AuditEntry.Action.BULK).count() == 2


# Visibility and isolation -----------------------------------------------------------------------


def test_a_salesperson_in_an_own_and_team_organization_sees_only_own_and_team_contacts(
    bob_client, alice, bob, carol, acme
):
    acme.record_visibility = Organization.RecordVisibility.OWN_AND_TEAM
    acme.save()
    team = TeamFactory(organization=acme, name="North")
    add_team_members(team, bob.user, carol.user)
    contact(alice, first_name="Alices", last_name="Contact")
    contact(bob, first_name="Bobs", last_name="Contact")
    contact(carol, first_name="Carols", last_name="Contact")

    response = bob_client.get(CONTACTS)

    assert names(response) == ["Bobs Contact", "Carols Contact"]


def test_another_organizations_contacts_are_never_listed(olga_client, olga, alice):
    contact(alice, first_name="Acme", last_name="Person")
    ContactFactory(organization=olga.organization, owner=olga.user, first_name="Globex", last_name="Person")

    response = olga_client.get(CONTACTS)
    filtered = olga_client.get(CONTACTS, {"owner": alice.user_id})

    assert names(response) == ["Globex Person"]
    assert names(filtered) == []


def test_another_organizations_contacts_cannot_be_changed_in_bulk(olga_client, olga, alice):
    acme_contact = contact(alice)

    response = olga_client.post(
        reverse("customers:contact-bulk"), {"ids": [acme_contact.pk], "action": "add_tag", "tag": "x"}
    )

    assert response.status_code == 302
    assert acme_contact.tags.exists() is False


# Query counts -----------------------------------------------------------------------------------


def fill(member, count, company, tag):
    for number in range(count):
        row = contact(
            member, first_name="Row", last_name=f"{number:03d}", company=company, phone="+14155550123"
        )
        add_tags(row, tag)


def test_the_list_issues_the_same_number_of_queries_for_5_and_60_rows(alice_client, alice):
    CustomFieldFactory(organization=alice.organization, key="size", label="Size")
    company = CompanyFactory(organization=alice.organization)
    tag = TagFactory(organization=alice.organization)
    columns = "name,email,phone,company,stage,owner,tags,source,city,country,created,updated,cf.size"
    fill(alice, 5, company, tag)
    alice_client.get(CONTACTS)  # the first request of a session also saves the session
    with CaptureQueriesContext(connection) as few:
        alice_client.get(CONTACTS, {"columns": columns, "sort": "cf.size"})
    fill(alice, 55, company, tag)
    with CaptureQueriesContext(connection) as many:
        response = alice_client.get(CONTACTS, {"columns": columns, "sort": "cf.size"})

    assert len(response.context["rows"]) == 50
    assert len(few.captured_queries) == len(many.captured_queries)


def test_the_list_page_stays_within_its_query_budget(alice_client, alice, django_assert_max_num_queries):
    company = CompanyFactory(organization=alice.organization)
    tag = TagFactory(organization=alice.organization)
    fill(alice, 60, company, tag)
    alice_client.get(CONTACTS)

    # user, membership; custom fields; rows and their tags; members, teams, tags, saved views; the menu
    with django_assert_max_num_queries(10):
        response = alice_client.get(CONTACTS, {"stage": "lead", "tag": tag.name})

    assert len(response.context["rows"]) == 50


def test_the_company_list_stays_within_its_query_budget(alice_client, alice, django_assert_max_num_queries):
    tag = TagFactory(organization=alice.organization)
    for _number in range(60):
        add_tags(CompanyFactory(organization=alice.organization, owner=alice.user), tag)
    alice_client.get(COMPANIES)

    with django_assert_max_num_queries(10):
        response = alice_client.get(COMPANIES)

    assert len(response.context["rows"]) == 50


def test_another_organizations_saved_views_are_neither_listed_nor_deletable(alice_client, olga_client, olga):
    save_view(alice_client, shared="on")
    view = SavedView.objects.get()

    listed = olga_client.get(CONTACTS)
    response = olga_client.post(reverse("customers:saved-view-delete", args=[view.pk]))

    assert listed.context["shared_views"] == [] and listed.context["personal_views"] == []
    assert response.status_code == 404
    assert SavedView.objects.filter(pk=view.pk).exists() is True


def test_the_rows_escape_what_people_typed(alice_client, alice):
    company = CompanyFactory(organization=alice.organization, name='Acme "<b>Labs</b>"')
    tag = TagFactory(organization=alice.organization, name="<i>vip</i>")
    typed = contact(alice, first_name="<script>alert(1)</script>", city='"><img src=x>', company=company)
    add_tags(typed, tag)

    response = alice_client.get(CONTACTS, {"columns": "company,city,tags"})

    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert '"><img src=x>' not in html and "&quot;&gt;&lt;img src=x&gt;" in html
    assert "<b>Labs</b>" not in html and "<i>vip</i>" not in html
