"""The deal board in a real browser: a card dragged to another column is saved and is still there
after a reload; a drop on a lost stage asks for the reason first; a refused drop goes back."""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import Locator, Page, expect

from kliento.deals.models import Deal, StageChange
from tests.conftest import PASSWORD
from tests.deals.factories import DealFactory, LostReasonFactory, sales_pipeline
from tests.e2e.test_browser import record_problems, sign_in

pytestmark = pytest.mark.e2e

TIMEOUT = 5_000  # milliseconds


def drag(page: Page, card: Locator, target: Locator) -> None:
    """A mouse drag in small steps, as a person's: SortableJS follows the pointer."""
    source = card.bounding_box()
    destination = target.bounding_box()
    assert source is not None and destination is not None
    page.mouse.move(source["x"] + source["width"] / 2, source["y"] + 12)
    page.mouse.down()
    page.mouse.move(source["x"] + source["width"] / 2 + 10, source["y"] + 20, steps=5)
    page.mouse.move(destination["x"] + destination["width"] / 2, destination["y"] + 20, steps=20)
    page.mouse.up()


def column(page: Page, name: str) -> Locator:
    return page.get_by_test_id("board-column").filter(has=page.get_by_role("heading", name=name, exact=False))


@pytest.fixture
def board(alice):
    pipeline, stages = sales_pipeline(alice.organization)
    DealFactory(
        organization=alice.organization,
        stage=stages["New"],
        title="Office refit",
        amount=Decimal("900"),
        owner=alice.user,
    )
    LostReasonFactory(organization=alice.organization, name="Price too high")
    return pipeline, stages


def test_a_dragged_card_stays_in_its_new_column_after_a_reload(page: Page, server_url: str, alice, board):
    pipeline, stages = board
    problems = record_problems(page)
    sign_in(page, server_url, "alice@acme.test", PASSWORD)
    page.goto(f"{server_url}/deals/board/{pipeline.pk}/")
    card = page.get_by_test_id("board-card").filter(has_text="Office refit")
    target = page.locator(f'[data-cards][data-stage="{stages["Proposal"].pk}"]')

    with page.expect_response(lambda response: "/move/" in response.url, timeout=TIMEOUT) as moved:
        drag(page, card, target)
    assert moved.value.ok
    expect(target.get_by_test_id("board-card")).to_have_count(1, timeout=TIMEOUT)
    expect(page.locator(f'[data-column="{stages["Proposal"].pk}"] [data-count]')).to_have_text("1")

    page.reload()

    reloaded = page.locator(f'[data-cards][data-stage="{stages["Proposal"].pk}"]').get_by_test_id(
        "board-card"
    )
    expect(reloaded).to_contain_text("Office refit", timeout=TIMEOUT)
    assert Deal.objects.get().stage == stages["Proposal"]
    assert StageChange.objects.get().to_stage == stages["Proposal"]
    assert problems == []


def test_a_drop_on_a_lost_stage_asks_for_the_reason_and_cancelling_puts_the_card_back(
    page: Page, server_url: str, alice, board
):
    pipeline, stages = board
    page.set_viewport_size({"width": 2200, "height": 900})  # every column in view, the lost one last
    sign_in(page, server_url, "alice@acme.test", PASSWORD)
    page.goto(f"{server_url}/deals/board/{pipeline.pk}/")
    card = page.get_by_test_id("board-card").filter(has_text="Office refit")
    lost = page.locator(f'[data-cards][data-stage="{stages["Lost"].pk}"]')

    drag(page, card, lost)
    expect(page.locator("#lost-reason-dialog")).to_be_visible(timeout=TIMEOUT)
    page.locator("#lost-reason-dialog").get_by_role("button", name="Cancel").click()

    expect(
        page.locator(f'[data-cards][data-stage="{stages["New"].pk}"]').get_by_test_id("board-card")
    ).to_have_count(1)
    assert Deal.objects.get().stage == stages["New"]
