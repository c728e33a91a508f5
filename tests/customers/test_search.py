import pytest
from django.urls import reverse

from kliento.core.models import Organization
from kliento.core.tenancy import active_organization
from kliento.customers import services
from kliento.customers.models import Contact
from kliento.customers.search import ELSEWHERE, EXACT, PREFIX, SearchHit, search_customers


def _contact(member, first_name="", last_name="", **data):
    return services.create_contact(
        member=member, data={"first_name": first_name, "last_name": last_name, **data}
    )


def _company(member, name, **data):
    return services.create_company(member=member, data={"name": name, **data})


def _titles(query, member, limit=10):
    return [hit.title for hit in search_customers(query, member=member, limit=limit)]


def _in_germany(organization):
    organization.default_region = "DE"
    organization.save()


# Names in four scripts ----------------------------------------------------------------------


def test_a_fragment_in_the_middle_of_a_latin_name_finds_the_contact(alice):
    _contact(alice, "Margaret", "Thornton")
    _contact(alice, "Ada", "Lovelace")

    assert _titles("rnto", alice) == ["Margaret Thornton"]


def test_a_two_character_chinese_name_finds_the_contact(alice):
    _contact(alice, "伟", "王")
    _contact(alice, "芳", "王")
    _contact(alice, "伟", "李")

    assert _titles("王伟", alice) == ["王伟"]


def test_a_chinese_family_name_alone_finds_everyone_of_that_family(alice):
    _contact(alice, "伟", "王")
    _contact(alice, "芳", "王")
    _contact(alice, "伟", "李")

    assert _titles("王", alice) == ["王伟", "王芳"]


def test_a_given_name_alone_finds_the_chinese_contact(alice):
    _contact(alice, "明", "谢")
    _contact(alice, "伟", "王")

    assert _titles("明", alice) == ["谢明"]


@pytest.mark.parametrize("fragment", ["永新", "服装", "有限"])
def test_two_characters_inside_a_chinese_company_name_find_the_company(alice, fragment):
    _company(alice, "北京永新服装有限公司")
    _company(alice, "上海华美贸易公司")

    assert _titles(fragment, alice) == ["北京永新服装有限公司"]


def test_a_character_from_the_middle_of_a_chinese_company_name_finds_it(alice):
    _company(alice, "北京永新服装有限公司")
    _company(alice, "上海华美贸易公司")

    assert _titles("装", alice) == ["北京永新服装有限公司"]


def test_characters_that_are_not_neighbours_do_not_find_the_name(alice):
    _company(alice, "北京永新服装有限公司")

    assert _titles("京新", alice) == []


def test_a_kanji_or_kana_fragment_inside_a_japanese_name_finds_the_contact(alice):
    _contact(alice, "はなこ", "山田")
    _contact(alice, "太郎", "田中")

    assert _titles("なこ", alice) == ["山田はなこ"]
    assert _titles("田", alice) == ["田中太郎", "山田はなこ"]  # a name starting with it first


def test_a_hangul_fragment_inside_a_korean_name_finds_the_contact(alice):
    _contact(alice, "민수", "김")
    _contact(alice, "지은", "이")

    assert _titles("민", alice) == ["김민수"]
    assert _titles("지은", alice) == ["이지은"]


def test_a_renamed_chinese_company_is_found_by_a_fragment_of_its_new_name_only(alice):
    company = _company(alice, "北京永新服装有限公司")

    services.update_company(company=company, member=alice, data={"name": "广州华美贸易公司"})

    assert _titles("永新", alice) == []
    assert _titles("华美", alice) == ["广州华美贸易公司"]


def test_a_short_chinese_fragment_finds_nothing_in_another_organization(alice, olga):
    with active_organization(olga.organization_id):
        _contact(olga, "明", "谢")

    assert _titles("明", alice) == []


def test_a_fragment_of_an_arabic_name_finds_the_contact(alice):
    _contact(alice, "محمد", "عبدالله")
    _contact(alice, "فاطمة", "الزهراء")

    assert _titles("عبدال", alice) == ["محمد عبدالله"]


def test_a_cyrillic_fragment_finds_the_contact_whatever_the_case(alice):
    _contact(alice, "Пётр", "Иванов")
    _contact(alice, "Анна", "Смирнова")

    assert _titles("иван", alice) == ["Пётр Иванов"]
    assert _titles("ИВАНОВ", alice) == ["Пётр Иванов"]


def test_words_in_either_order_find_the_contact(alice):
    _contact(alice, "Margaret", "Thornton")

    assert _titles("thornton marg", alice) == ["Margaret Thornton"]


def test_a_two_letter_latin_name_is_found_by_prefix(alice):
    _contact(alice, "Wu", "")
    _contact(alice, "Walter", "White")

    assert _titles("wu", alice) == ["Wu"]


# Emails and phones --------------------------------------------------------------------------


def test_a_fragment_of_an_email_finds_the_contact(alice):
    _contact(alice, "Ada", "Lovelace", emails=["countess@analytical.example"])
    _contact(alice, "Charles", "Babbage", emails=["charles@difference.example"])

    assert _titles("ss@analyt", alice) == ["Ada Lovelace"]


def test_a_full_email_finds_the_contact_as_an_exact_match(alice):
    _contact(alice, "Ada", "Lovelace", emails=["work@ada.example", "countess@analytical.example"])

    hits = search_customers("Countess@Analytical.example", member=alice)

    assert [(hit.title, hit.score) for hit in hits] == [("Ada Lovelace", EXACT)]


def test_a_phone_number_in_e164_finds_the_contact(alice):
    _in_germany(alice.organization)
    _contact(alice, "Ada", "Lovelace", phones=["030 1234567"])
    _contact(alice, "Charles", "Babbage", phones=["030 7654321"])

    hits = search_customers("+49301234567", member=alice)

    assert [(hit.title, hit.subtitle, hit.score) for hit in hits] == [("Ada Lovelace", "030 1234567", EXACT)]


@pytest.mark.parametrize("typed", ["(030) 1234-567", "030 123 45 67", "030-1234567"])
def test_a_phone_number_in_national_format_finds_the_contact(alice, typed):
    _in_germany(alice.organization)
    _contact(alice, "Ada", "Lovelace", phones=["+49 30 1234567"])
    _contact(alice, "Charles", "Babbage", phones=["+49 30 7654321"])

    assert _titles(typed, alice) == ["Ada Lovelace"]


def test_the_last_digits_of_a_phone_number_find_the_contact(alice):
    _in_germany(alice.organization)
    _contact(alice, "Ada", "Lovelace", phones=["+49 30 1234567"])
    _contact(alice, "Charles", "Babbage", phones=["+49 30 7654321"])

    assert _titles("4567", alice) == ["Ada Lovelace"]


def test_last_digits_are_matched_against_one_phone_not_spread_over_two(alice):
    _in_germany(alice.organization)
    # One number sorts above the range of "555" reversed, the other below it: neither ends with 555.
    _contact(alice, "Ada", "Lovelace", phones=["+49 30 1234999", "+49 30 1234111"])

    assert _titles("555", alice) == []


@pytest.mark.parametrize("digits", ["999", "4999", "34999"])
def test_last_digits_made_of_nines_find_only_the_numbers_ending_with_them(alice, digits):
    _in_germany(alice.organization)
    _contact(alice, "Ada", "Lovelace", phones=["+49 30 1234999"])
    _contact(alice, "Charles", "Babbage", phones=["+49 30 1239989"])

    assert _titles(digits, alice) == ["Ada Lovelace"]


def test_the_exact_phone_number_ranks_before_a_number_that_only_contains_it(alice):
    _in_germany(alice.organization)
    _company(alice, "Berlin Calling", phone="+49 30 12345678")
    _contact(alice, "Ada", "Lovelace", phones=["+49 30 1234567"])

    hits = search_customers("(030) 1234567", member=alice)

    assert [(hit.title, hit.score) for hit in hits] == [
        ("Ada Lovelace", EXACT),
        ("Berlin Calling", ELSEWHERE),
    ]


def test_a_secondary_phone_number_finds_the_contact_too(alice):
    _in_germany(alice.organization)
    _contact(alice, "Ada", "Lovelace", phones=["+49 30 7654321", "+49 40 9876543"])

    assert _titles("040 9876543", alice) == ["Ada Lovelace"]
    assert _titles("6543", alice) == ["Ada Lovelace"]


# Companies and ranking ----------------------------------------------------------------------


def test_a_fragment_of_a_company_name_finds_the_company(alice):
    company = _company(alice, "Analytical Engines Ltd")
    _company(alice, "Difference Works")

    hits = search_customers("engines", member=alice)

    assert [(hit.kind, hit.id, hit.title) for hit in hits] == [
        ("company", company.pk, "Analytical Engines Ltd")
    ]
    assert hits[0].url == reverse("customers:company-detail", args=[company.pk])


def test_a_contact_is_found_by_its_company_name_after_the_company_itself(alice):
    company = _company(alice, "Analytical Engines")
    _contact(alice, "Ada", "Lovelace", company_id=company.pk, emails=["ada@example.com"])

    hits = search_customers("analytical", member=alice)

    assert [(hit.kind, hit.title, hit.subtitle) for hit in hits] == [
        ("company", "Analytical Engines", ""),
        ("contact", "Ada Lovelace", "ada@example.com · Analytical Engines"),
    ]


def test_exact_matches_come_before_prefixes_and_prefixes_before_fragments(alice):
    _contact(alice, "Joanna", "Dark")
    _contact(alice, "Mary Annabel", "Smith")
    _company(alice, "Savanna Tours")
    _contact(alice, "Annabel", "Lee")
    _company(alice, "Anna GmbH")
    _contact(alice, "Anna", "")

    assert _titles("anna", alice) == [
        "Anna",  # exact
        "Anna GmbH",  # prefix (contacts and companies mixed, by name)
        "Annabel Lee",
        "Mary Annabel Smith",  # a word of the name starts with it
        "Joanna Dark",  # a fragment of the name
        "Savanna Tours",
    ]


def test_the_number_of_hits_is_limited(alice):
    for number in range(5):
        _contact(alice, "Ada", f"Lovelace {number}")

    assert len(search_customers("lovelace", member=alice, limit=3)) == 3


# What is not found --------------------------------------------------------------------------


def test_a_trashed_contact_is_not_found(alice):
    contact = _contact(alice, "Margaret", "Thornton")
    services.delete_customer(customer=contact, member=alice)

    assert _titles("thornton", alice) == []
    assert _titles("marg", alice) == []


def test_a_renamed_contact_is_found_by_its_new_name_only(alice):
    contact = _contact(alice, "Margaret", "Thornton")

    services.update_contact(contact=contact, member=alice, data={"last_name": "Hale"})

    assert _titles("thornton", alice) == []
    assert _titles("hale", alice) == ["Margaret Hale"]


def test_a_contact_deleted_for_good_is_not_found(alice):
    contact = _contact(alice, "Margaret", "Thornton")
    _contact(alice, "Tom", "Thornton")

    Contact.unscoped.filter(pk=contact.pk).delete()

    assert _titles("thornton", alice) == ["Tom Thornton"]


def test_another_organizations_customers_are_never_found(alice, olga):
    with active_organization(olga.organization_id):
        _contact(olga, "Margaret", "Thornton", emails=["margaret@globex.example"])
        _company(olga, "Thornton Holdings")
    _contact(alice, "Ada", "Lovelace")

    for query in ("thornton", "marg", "rnto", "margaret@globex.example"):
        assert _titles(query, alice) == []


def test_the_other_organization_does_not_find_ours_either(alice, olga):
    _contact(alice, "Margaret", "Thornton")

    with active_organization(olga.organization_id):
        assert _titles("thornton", olga) == []
        assert _titles("ma", olga) == []


def test_a_salesperson_who_sees_only_own_and_team_records_does_not_find_others(alice, bob):
    alice.organization.record_visibility = Organization.RecordVisibility.OWN_AND_TEAM
    alice.organization.save()
    _contact(alice, "Margaret", "Thornton")
    _company(alice, "Thornton Holdings")
    _contact(bob, "Tom", "Thornton")

    assert _titles("thornton", bob) == ["Tom Thornton"]
    assert _titles("tom", bob) == ["Tom Thornton"]
    assert _titles("marg", bob) == []


@pytest.mark.parametrize("query", ["", " ", "a", "x "])
def test_an_empty_or_one_letter_query_finds_nothing(alice, query):
    _contact(alice, "Ada", "Lovelace")

    assert search_customers(query, member=alice) == []


@pytest.mark.parametrize(
    "query",
    [
        '"',
        '"ada',
        'ada"',
        '""""',
        "ada*",
        "*",
        "search_text:ada",
        "organization_key : x",
        "^ada",
        "(ada",
        "ada)",
        "ada AND love",
        "ada OR love",
        "NOT ada",
        "NEAR(ada love)",
        "ada + love",
        "{ada}",
        "%",
        "%%%",
        "_a_",
        "\\",
        "a\\b\\c",
        "'; DROP TABLE customers_contact; --",
        "ada\x00love",
        "\ue000\ue000\ue001",
        "🙂🙂🙂",
        "x" * 500,
    ],
)
def test_search_syntax_characters_are_taken_literally_and_never_fail(alice, query):
    _contact(alice, "Ada", "Lovelace")

    assert isinstance(search_customers(query, member=alice), list)


def test_punctuation_in_a_name_is_matched_literally(alice):
    _company(alice, 'O\'Brien & "Sons" (Dublin) 100%')
    _company(alice, "Brien Sons Dublin")

    assert _titles('"sons" (dub', alice) == ['O\'Brien & "Sons" (Dublin) 100%']
    assert _titles("100%", alice) == ['O\'Brien & "Sons" (Dublin) 100%']


def test_a_family_name_first_is_a_prefix_of_the_name_too(alice):
    _contact(alice, "Ada", "Lovelace")

    assert [hit.score for hit in search_customers("lovelace a", member=alice)] == [PREFIX]


def test_a_hit_carries_what_the_results_show(alice):
    contact = _contact(alice, "Ada", "Lovelace", emails=["ada@example.com"], lifecycle_stage="active")

    assert search_customers("lovelace", member=alice) == [
        SearchHit(
            kind="contact",
            id=contact.pk,
            title="Ada Lovelace",
            subtitle="ada@example.com",
            stage="active",
            score=PREFIX,
        )
    ]


# Pages --------------------------------------------------------------------------------------


def test_the_top_bar_gets_a_dropdown_of_links_as_you_type(alice_client, alice):
    contact = _contact(alice, "Margaret", "Thornton")

    response = alice_client.get(reverse("core:search"), {"q": "thorn"}, headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert response.templates[0].name == "core/_search_results.html"
    assert reverse("customers:contact-detail", args=[contact.pk]) in response.content.decode()
    assert b"<html" not in response.content


def test_the_dropdown_says_when_nothing_matches(alice_client, alice):
    response = alice_client.get(reverse("core:search"), {"q": "nobody"}, headers={"HX-Request": "true"})

    assert b'data-testid="search-no-matches"' in response.content


def test_the_dropdown_is_empty_for_an_empty_query(alice_client, alice):
    response = alice_client.get(reverse("core:search"), {"q": ""}, headers={"HX-Request": "true"})

    assert response.content.strip() == b""


def test_the_dropdown_shows_five_matches_of_a_kind_and_a_link_to_all_of_them(alice_client, alice):
    for number in range(9):
        _contact(alice, "Ada", f"Lovelace {number}")

    response = alice_client.get(reverse("core:search"), {"q": "lovelace"}, headers={"HX-Request": "true"})

    [group] = response.context["groups"]
    assert group.kind.key == "contact"
    assert len(group.results) == 5
    assert group.has_more is True
    assert reverse("core:search") + "?q=lovelace&amp;kind=contact" in response.content.decode()


def test_without_htmx_the_search_is_a_full_page(alice_client, alice):
    _contact(alice, "Margaret", "Thornton")

    response = alice_client.get(reverse("core:search"), {"q": "thorn"})

    assert response.status_code == 200
    assert response.templates[0].name == "core/search.html"
    assert [result.title for group in response.context["groups"] for result in group.results] == [
        "Margaret Thornton"
    ]
    assert b"<html" in response.content


@pytest.mark.parametrize("query", ['"*:^()', "%_\\", "x" * 1000, "ann AND OR NEAR("])
def test_odd_input_on_the_page_is_no_error(alice_client, alice, query):
    response = alice_client.get(reverse("core:search"), {"q": query}, headers={"HX-Request": "true"})

    assert response.status_code == 200


def test_the_search_page_needs_a_signed_in_member(client, db):
    response = client.get(reverse("core:search"), {"q": "thorn"})

    assert response.status_code == 302


def test_the_top_bar_has_the_search_box(alice_client):
    response = alice_client.get(reverse("web:home"))

    assert b'id="global-search"' in response.content


@pytest.mark.parametrize("rows", [2, 12])
@pytest.mark.usefixtures("only_customers_searched")
def test_the_search_runs_a_fixed_number_of_queries(alice_client, alice, rows, django_assert_num_queries):
    _in_germany(alice.organization)
    company = _company(alice, "Thornton Holdings")
    for number in range(rows):
        _contact(
            alice, "Tom", f"Thornton {number}", company_id=company.pk, phones=[f"+49 30 12345{number:02}"]
        )
    url = reverse("core:search")
    alice_client.get(url)  # the first request of a session stores the chosen organization

    # User and membership; contacts by name prefix and by fragment; companies the same way.
    with django_assert_num_queries(6):
        alice_client.get(url, {"q": "thornton"}, headers={"HX-Request": "true"})
    # A full phone number: contacts by the exact number and by its last digits, companies by fragment.
    with django_assert_num_queries(5):
        alice_client.get(url, {"q": "030 1234501"}, headers={"HX-Request": "true"})
    # The full page adds the organization switcher of the top bar.
    with django_assert_num_queries(7):
        alice_client.get(url, {"q": "thornton"})


def test_search_results_colour_each_stage_as_the_lists_and_cards_do(alice_client, alice):
    from tests.customers.factories import ContactFactory

    ContactFactory(
        organization=alice.organization, first_name="Thora", last_name="Lead", lifecycle_stage="lead"
    )
    ContactFactory(
        organization=alice.organization, first_name="Thora", last_name="Loyal", lifecycle_stage="loyal"
    )

    content = alice_client.get(reverse("core:search"), {"q": "thora"}).content.decode()

    assert 'class="badge rounded-pill stage-badge stage-lead"' in content
    assert 'class="badge rounded-pill stage-badge stage-loyal"' in content
    assert "text-bg-secondary" not in content


@pytest.mark.django_db
def test_the_search_index_triggers_survive_every_migration():
    """A migration that rebuilds a customer table (Django's AddField of a NOT NULL column on SQLite)
    drops the triggers that keep the search indexes current; this fails if one ever does."""
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL keeps its search indexes without triggers")
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        triggers = {row[0] for row in cursor.fetchall()}
    for table in ("customers_contact", "customers_company"):
        for index in ("search", "grams"):
            for event in ("insert", "delete", "update"):
                assert f"{table}_{index}_{event}" in triggers
