"""A real Chromium, driven by Playwright, against pytest-django's live server.

Debian's Chromium (/usr/bin/chromium) is used, never a browser downloaded by Playwright. Without it
the browser tests are skipped locally and fail in CI (CI=true), where they must run."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from kliento.core.services import create_api_key
from kliento.customers import services
from kliento.customers.models import Company, Contact
from tests.customers.factories import CustomFieldFactory

# Playwright's sync API runs an event loop in the main thread; without this Django refuses the
# test's own database access there (SynchronousOnlyOperation). Set before any test runs.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
LONG_EMAIL = "first-name.middle-name.last-name@a-rather-long-company-domain.example"
SCREENSHOTS_DIR = Path(__file__).resolve().parents[2] / "var" / "screenshots"


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing: install Debian's chromium package to run the browser tests."
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="en-US")
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def server_url(transactional_db, live_server) -> str:
    """The live server's address; transactional_db first so the personas land in its database."""
    return live_server.url


@pytest.fixture
def screenshots_dir() -> Path:
    SCREENSHOTS_DIR.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS_DIR


@pytest.fixture
def records(alice) -> dict[str, Contact | Company]:
    """A company and a contact with every kind of value the card shows (and some history)."""
    CustomFieldFactory(
        organization=alice.organization,
        entity="contact",
        key="plan",
        label="Plan",
        field_type="choice",
        choices=["Gold"],
    )
    company = services.create_company(
        member=alice,
        data={"name": "Demo Trading Co.", "city": "Berlin", "country": "DE", "street": "Unter den Linden 1",
              "postal_code": "10117", "website": "https://trading.example", "tags": ["key account"]},
    )  # fmt: skip
    contact = services.create_contact(
        member=alice,
        data={
            "first_name": "Layla",
            "last_name": "Haddad",
            "company_id": company.pk,
            "emails": [{"email": LONG_EMAIL, "is_primary": True}, {"email": "layla@home.example"}],
            "phones": [{"number": "+49 30 1234567", "is_primary": True}],
            "tags": ["vip"],
            "country": "DE",
            "city": "Berlin",
            "custom_fields": {"plan": "Gold"},
        },
    )
    services.change_lifecycle_stage(
        customer=contact, to_stage="active", actor=alice.user, reason="Signed", member=alice
    )
    # Long values, as real data has: the list must still fit a desktop screen.
    for number in range(3):
        other = services.create_company(
            member=alice, data={"name": f"International Consolidated Holdings {number}"}
        )
        services.create_contact(
            member=alice,
            data={
                "first_name": f"Maximiliana-Alexandra {number}",
                "last_name": "Featherstonehaugh-Worthington",
                "company_id": other.pk,
                "emails": [
                    {"email": f"maximiliana.featherstonehaugh{number}@international-holdings.example"}
                ],
                "phones": [{"number": "+49 30 12345678"}],
                "tags": ["enterprise customer", "newsletter", "trade fair 2026"],
                "source": "referral",
            },
        )
    create_api_key(name="Reporting", role="viewer", member=alice)
    return {"contact": contact, "company": company}
