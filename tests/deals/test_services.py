import datetime
import itertools
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from kliento.catalog.money import MissingRate
from kliento.core.audit import history_of, record_version
from kliento.core.errors import DomainError, InvalidInput, NotAllowed, StaleRecord
from kliento.core.models import Organization
from kliento.core.permissions import Role
from kliento.deals import services
from kliento.deals.models import POSITION_GAP, Deal, DealLine, StageChange, StageKind
from tests.catalog.factories import ExchangeRateFactory, ProductFactory
from tests.customers.factories import CompanyFactory, ContactFactory
from tests.deals.factories import DealFactory, LostReasonFactory, sales_pipeline
from tests.factories import MembershipFactory


def _create(member, **data):
    return services.create_deal(member=member, data={"title": "Fit-out", **data})


def column(stage):
    return list(Deal.objects.filter(stage=stage).order_by("position", "id").values_list("title", flat=True))


def test_a_new_deal_starts_in_the_default_pipelines_first_open_stage_with_its_first_change(alice, stages):
    deal = _create(alice, amount=Decimal("500"))

    assert deal.stage == stages["New"]
    assert deal.status == StageKind.OPEN
    change = StageChange.objects.get(deal=deal)
    assert (change.from_stage, change.to_stage, change.created_by) == (None, stages["New"], alice.user)


def test_an_amount_in_another_currency_is_stored_with_its_rate_and_base_amount(alice, stages):
    ExchangeRateFactory(
        organization=alice.organization,
        currency="EUR",
        rate=Decimal("1.085"),
        valid_from=datetime.date(2020, 1, 1),
    )

    deal = _create(alice, amount=Decimal("1000"), currency="EUR")

    deal.refresh_from_db()
    assert (deal.amount, deal.currency, deal.rate, deal.amount_base) == (
        Decimal("1000"),
        "EUR",
        Decimal("1.085"),
        Decimal("1085.00"),
    )


def test_an_amount_without_a_rate_is_refused_naming_the_currency(alice, stages):
    with pytest.raises(MissingRate) as refused:
        _create(alice, amount=Decimal("10"), currency="GBP")

    assert "GBP" in refused.value.message
    assert Deal.objects.exists() is False


def test_a_later_rate_does_not_change_a_stored_amount(alice, stages):
    ExchangeRateFactory(
        organization=alice.organization,
        currency="EUR",
        rate=Decimal("1.1"),
        valid_from=datetime.date(2020, 1, 1),
    )
    deal = _create(alice, amount=Decimal("100"), currency="EUR")
    ExchangeRateFactory(
        organization=alice.organization,
        currency="EUR",
        rate=Decimal("2"),
        valid_from=datetime.date(2021, 1, 1),
    )

    services.update_deal(deal=deal, member=alice, data={"title": "Renamed"})

    deal.refresh_from_db()
    assert deal.amount_base == Decimal("110.00")


def test_changing_the_amount_converts_it_again(alice, stages):
    ExchangeRateFactory(
        organization=alice.organization,
        currency="EUR",
        rate=Decimal("1.1"),
        valid_from=datetime.date(2020, 1, 1),
    )
    deal = _create(alice, amount=Decimal("100"), currency="EUR")

    services.update_deal(deal=deal, member=alice, data={"amount": Decimal("200")})

    deal.refresh_from_db()
    assert deal.amount_base == Decimal("220.00")


def test_product_lines_make_the_amount_with_discounts_rounded_half_up(alice, stages):
    chair = ProductFactory(organization=alice.organization)
    desk = ProductFactory(organization=alice.organization)

    deal = _create(
        alice,
        lines=[
            {
                "product_id": chair.pk,
                "quantity": Decimal("3"),
                "unit_price": Decimal("19.99"),
                "discount": Decimal("12.5"),
            },
            {"product_id": desk.pk, "quantity": Decimal("1"), "unit_price": Decimal("549")},
        ],
    )

    # 3 x 19.99 = 59.97, less 12.5 % = 52.47375 -> 52.47; plus 549.00.
    assert list(DealLine.objects.order_by("position").values_list("amount", flat=True)) == [
        Decimal("52.47"),
        Decimal("549"),
    ]
    deal.refresh_from_db()
    assert deal.amount == Decimal("601.47")


@pytest.mark.parametrize(
    ("line", "field"),
    [
        ({"quantity": "0", "unit_price": "1"}, "lines.0.quantity"),
        ({"quantity": "-1", "unit_price": "1"}, "lines.0.quantity"),
        ({"quantity": "1", "unit_price": "-1"}, "lines.0.unit_price"),
        ({"quantity": "1", "unit_price": "1", "discount": "101"}, "lines.0.discount"),
    ],
)
def test_bad_lines_are_refused_by_field_and_nothing_is_written(alice, stages, line, field):
    product = ProductFactory(organization=alice.organization)

    with pytest.raises(InvalidInput) as refused:
        _create(alice, lines=[{"product_id": product.pk, **line}])

    assert refused.value.field == field
    assert Deal.objects.exists() is False


def test_a_line_with_another_organizations_product_is_refused(alice, olga, stages):
    theirs = ProductFactory(organization=olga.organization)

    with pytest.raises(InvalidInput) as refused:
        _create(alice, lines=[{"product_id": theirs.pk, "quantity": "1", "unit_price": "1"}])

    assert refused.value.field == "lines.0.product_id"


def test_a_contact_hidden_from_the_member_is_refused_as_unknown(alice, bob, stages):
    Organization.objects.filter(pk=alice.organization_id).update(record_visibility="own_and_team")
    bob.organization.refresh_from_db()
    hidden = ContactFactory(organization=alice.organization, owner=alice.user)

    with pytest.raises(InvalidInput) as refused:
        _create(bob, contact_id=hidden.pk)

    assert (refused.value.field, refused.value.message) == ("contact_id", "There is no such contact.")


def test_a_company_of_another_organization_is_refused(alice, olga, stages):
    theirs = CompanyFactory(organization=olga.organization)

    with pytest.raises(InvalidInput) as refused:
        _create(alice, company_id=theirs.pk)

    assert refused.value.field == "company_id"


def test_moving_records_the_change_with_time_and_author(alice, stages):
    deal = _create(alice)

    services.move_deal(deal=deal, member=alice, stage_id=stages["Proposal"].pk)

    change = StageChange.objects.filter(deal=deal).order_by("-id").first()
    assert (change.from_stage, change.to_stage, change.created_by) == (
        stages["New"],
        stages["Proposal"],
        alice.user,
    )
    assert history_of(deal).first().changes["stage"] == [stages["New"].pk, stages["Proposal"].pk]


def test_moving_to_a_stage_of_another_pipeline_is_refused(alice, stages):
    deal = _create(alice)
    _other, other_stages = sales_pipeline(alice.organization, "Renewals", is_default=False)

    with pytest.raises(DomainError) as refused:
        services.move_deal(deal=deal, member=alice, stage_id=other_stages["New"].pk)

    assert refused.value.field == "stage_id"
    assert "another pipeline" in refused.value.message
    deal.refresh_from_db()
    assert deal.stage == stages["New"]
    assert StageChange.objects.filter(deal=deal).count() == 1


def test_a_lost_stage_needs_a_reason(alice, stages):
    deal = _create(alice)

    with pytest.raises(InvalidInput) as refused:
        services.move_deal(deal=deal, member=alice, stage_id=stages["Lost"].pk)

    assert refused.value.field == "lost_reason_id"
    deal.refresh_from_db()
    assert deal.status == StageKind.OPEN


def test_lost_with_a_reason_closes_the_deal_today(alice, stages, reason):
    deal = _create(alice)

    services.mark_lost(deal=deal, member=alice, lost_reason_id=reason.pk)

    deal.refresh_from_db()
    assert (deal.status, deal.lost_reason, deal.stage) == (StageKind.LOST, reason, stages["Lost"])
    assert deal.closed_on is not None


def test_won_then_reopened_clears_the_close(alice, stages):
    deal = _create(alice)
    services.mark_won(deal=deal, member=alice)

    services.move_deal(deal=deal, member=alice, stage_id=stages["Negotiation"].pk)

    deal.refresh_from_db()
    assert (deal.status, deal.closed_on) == (StageKind.OPEN, None)
    assert [c.to_stage.name for c in StageChange.objects.filter(deal=deal).order_by("id")] == [
        "New",
        "Won",
        "Negotiation",
    ]


def test_a_card_is_placed_between_its_new_neighbours(alice, stages):
    first, _second, _third = (
        DealFactory(organization=alice.organization, stage=stages["Proposal"], title=t) for t in "ABC"
    )
    moving = _create(alice, title="M")

    services.move_deal(deal=moving, member=alice, stage_id=stages["Proposal"].pk, after_id=first.pk)

    assert column(stages["Proposal"]) == ["A", "M", "B", "C"]


def test_a_card_moves_to_the_top_without_a_neighbour(alice, stages):
    for title in "AB":
        DealFactory(organization=alice.organization, stage=stages["Proposal"], title=title)
    moving = _create(alice, title="M")

    services.move_deal(deal=moving, member=alice, stage_id=stages["Proposal"].pk)

    assert column(stages["Proposal"]) == ["M", "A", "B"]


def test_a_column_without_room_is_renumbered(alice, stages):
    a = DealFactory(organization=alice.organization, stage=stages["Proposal"], title="A", position=10)
    DealFactory(organization=alice.organization, stage=stages["Proposal"], title="B", position=11)
    moving = _create(alice, title="M")

    services.move_deal(deal=moving, member=alice, stage_id=stages["Proposal"].pk, after_id=a.pk)

    assert column(stages["Proposal"]) == ["A", "M", "B"]
    positions = list(
        Deal.objects.filter(stage=stages["Proposal"]).order_by("position").values_list("position", flat=True)
    )
    assert all(later - earlier >= 2 for earlier, later in itertools.pairwise(positions))
    assert POSITION_GAP in positions


def test_reordering_within_a_column_records_no_stage_change(alice, stages):
    a, b = (DealFactory(organization=alice.organization, stage=stages["Proposal"], title=t) for t in "AB")

    services.move_deal(deal=a, member=alice, stage_id=stages["Proposal"].pk, after_id=b.pk)

    assert column(stages["Proposal"]) == ["B", "A"]
    assert StageChange.objects.exists() is False
    assert history_of(a).exists() is False


def test_a_stale_version_refuses_the_move(alice, stages):
    deal = _create(alice)
    version = record_version(deal)
    services.update_deal(deal=Deal.objects.get(pk=deal.pk), member=alice, data={"title": "Changed"})

    with pytest.raises(StaleRecord):
        services.move_deal(deal=deal, member=alice, stage_id=stages["Proposal"].pk, expected_version=version)


def test_a_viewer_cannot_move_deals(alice, acme, stages):
    viewer = MembershipFactory(organization=acme, role=Role.VIEWER)
    deal = _create(alice)

    with pytest.raises(NotAllowed):
        services.move_deal(deal=deal, member=viewer, stage_id=stages["Proposal"].pk)


def test_only_one_pipeline_is_the_default(alice):
    first = services.save_pipeline(member=alice, data={"name": "Sales"})
    second = services.save_pipeline(member=alice, data={"name": "Renewals", "is_default": True})

    first.refresh_from_db()
    assert (first.is_default, second.is_default) == (False, True)


def test_a_stage_with_deals_cannot_be_deleted(alice, stages):
    _create(alice)

    with pytest.raises(DomainError):
        services.delete_stage(member=alice, stage=stages["New"])


def test_a_salesperson_cannot_change_pipelines(bob, stages):
    with pytest.raises(NotAllowed):
        services.save_stage(member=bob, data={"name": "Extra"}, pipeline=stages["New"].pipeline)


def test_bad_stage_settings_are_refused_by_field(alice, pipeline):
    with pytest.raises(InvalidInput) as refused:
        services.save_stage(member=alice, data={"name": "X", "probability": 120}, pipeline=pipeline[0])

    assert refused.value.field == "probability"


def test_lost_reasons_are_unique_by_name(alice):
    LostReasonFactory(organization=alice.organization, name="Price")

    with pytest.raises(InvalidInput):
        services.save_lost_reason(member=alice, data={"name": "price"})


def test_bulk_trash_touches_only_visible_deals_with_an_entry_each(alice, olga, stages):
    mine = [_create(alice, title=f"D{i}") for i in range(2)]
    theirs = DealFactory(organization=olga.organization)

    count = services.bulk_update_deals(member=alice, ids=[d.pk for d in mine] + [theirs.pk], action="trash")

    assert count == 2
    assert Deal.objects.exists() is False
    assert Deal.unscoped.get(pk=theirs.pk).deleted_at is None


def test_an_unknown_field_is_refused(alice, stages):
    with pytest.raises(ValidationError):
        _create(alice, colour="red")
