from kliento.deals import services
from kliento.deals.search import search_deals
from tests.deals.factories import DealFactory


def _titles(member, text):
    return [result.title for result in search_deals(member, text, 10)]


def test_a_deal_is_found_by_a_fragment_of_its_title_in_any_case(alice, stages):
    DealFactory(organization=alice.organization, stage=stages["New"], title="Lovelace fit-out")
    DealFactory(organization=alice.organization, stage=stages["New"], title="Babbage engines")

    assert _titles(alice, "ovel") == ["Lovelace fit-out"]
    assert _titles(alice, "FIT-OUT") == ["Lovelace fit-out"]


def test_a_title_is_found_by_three_characters_not_two(alice, stages):
    DealFactory(organization=alice.organization, stage=stages["New"], title="Ox cart")

    assert _titles(alice, "ox") == []
    assert _titles(alice, "ox c") == ["Ox cart"]


def test_another_organizations_deals_are_not_found(alice, olga, stages):
    DealFactory(organization=olga.organization, title="Lovelace fit-out")

    assert _titles(alice, "Lovelace") == []


def test_a_renamed_deal_is_found_by_its_new_title_only(alice, stages):
    deal = services.create_deal(member=alice, data={"title": "Old name"})

    services.update_deal(deal=deal, member=alice, data={"title": "Fresh title"})

    assert _titles(alice, "Fresh") == ["Fresh title"]
    assert _titles(alice, "Old name") == []


def test_results_come_in_title_order(alice, stages):
    for title in ("Zeta plan", "alpha plan", "Mid plan"):
        DealFactory(organization=alice.organization, stage=stages["New"], title=title)

    assert _titles(alice, "plan") == ["alpha plan", "Mid plan", "Zeta plan"]
