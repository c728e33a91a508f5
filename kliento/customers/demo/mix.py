"""What the demo customers are made of: their tags and custom fields, and the shares of stages,
sources, channels, languages and consent that the generator draws from."""

from __future__ import annotations

import random
from bisect import bisect
from collections.abc import Mapping
from itertools import accumulate
from typing import Any

from kliento.core.permissions import Role
from kliento.customers.models import (
    Channel,
    Consent,
    LifecycleStage,
    Source,
)
from kliento.demo import locales

EXAMPLE_DOMAINS = ("example.com", "example.org", "example.net")

TAGS = {
    "VIP": "#dc3545", "Newsletter": "#0d6efd", "Wholesale": "#6f42c1", "Retail": "#20c997",
    "Partner": "#fd7e14", "Trade show": "#0dcaf0", "Referral program": "#198754", "Follow up": "#ffc107",
    "Key account": "#d63384", "Price sensitive": "#6c757d", "Early adopter": "#6610f2",
    "Birthday club": "#e83e8c",
}  # fmt: skip
CONTACT_TAG_WEIGHTS = {
    "Newsletter": 30, "Retail": 14, "Follow up": 12, "Trade show": 8, "Referral program": 7,
    "Price sensitive": 7, "Wholesale": 6, "Birthday club": 6, "Early adopter": 4, "VIP": 3, "Partner": 2,
    "Key account": 1,
}  # fmt: skip
COMPANY_TAGS = ["Wholesale", "Partner", "Key account", "Retail", "VIP"]
MAILBOXES = ("info", "sales", "office", "hello", "contact")
BRANCHES = ["Online", "Main street store", "Mall branch", "Airport branch"]
EMPLOYEE_BANDS = {
    "1-9": (1, 9),
    "10-49": (10, 49),
    "50-249": (50, 249),
    "250-999": (250, 999),
    "1000+": (1000, 20000),
}
CUSTOM_FIELDS: list[dict[str, Any]] = [
    {"entity": "contact", "key": "customer_since", "label": "Customer since", "field_type": "date",
     "position": 1},
    {"entity": "contact", "key": "loyalty_card", "label": "Loyalty card", "field_type": "text",
     "is_unique": True, "position": 2},
    {"entity": "contact", "key": "preferred_branch", "label": "Preferred branch", "field_type": "choice",
     "choices": BRANCHES, "position": 3},
    {"entity": "company", "key": "employees_band", "label": "Company size", "field_type": "choice",
     "choices": list(EMPLOYEE_BANDS), "position": 1},
]  # fmt: skip
# Who owns customers: salespeople mostly, managers some, the rest a few; viewers none.
OWNER_WEIGHTS: dict[str, int] = {
    Role.SALESPERSON: 10, Role.SALES_MANAGER: 4, Role.OWNER: 1, Role.ADMIN: 1, Role.SUPPORT_AGENT: 1,
    Role.MARKETER: 1, Role.VIEWER: 0,
}  # fmt: skip
REASONS: dict[str, list[str]] = {
    LifecycleStage.ACTIVE: ["First order placed", "Signed the contract", "Bought a membership", "Came back"],
    LifecycleStage.LOYAL: ["Third purchase this year", "Renewed the annual plan",
                           "Joined the loyalty program"],
    LifecycleStage.LOST: ["No purchase for 12 months", "Moved to a competitor", "Closed the business",
                          "Price too high"],
    LifecycleStage.LEAD: ["Answered a win-back offer"],
}  # fmt: skip
RULES: dict[str, str] = {
    LifecycleStage.LOYAL: "repeat_purchases",
    LifecycleStage.LOST: "no_purchase_12_months",
}


class Weighted:
    """A fast weighted draw from a fixed list."""

    def __init__(self, weights: Mapping[Any, float]) -> None:
        self.items = list(weights)
        self.cumulative = list(accumulate(weights.values()))
        self.total = self.cumulative[-1]

    def __call__(self, rng: random.Random) -> Any:
        return self.items[bisect(self.cumulative, rng.random() * self.total)]


LANGUAGES = Weighted(locales.LANGUAGE_WEIGHTS)
COUNTRIES = {
    language: Weighted({country: country.weight for country in countries})
    for language, countries in locales.COUNTRIES.items()
}
STAGES = Weighted(
    {LifecycleStage.LEAD: 45, LifecycleStage.ACTIVE: 28, LifecycleStage.LOYAL: 14, LifecycleStage.LOST: 13}
)
SOURCES = Weighted({
    Source.WEBSITE: 26, Source.REFERRAL: 14, Source.WALK_IN: 10, Source.PHONE: 9, Source.EMAIL: 7,
    Source.SOCIAL: 12, Source.ADVERTISING: 8, Source.EVENT: 6, Source.PARTNER: 4, Source.IMPORT: 4,
})  # fmt: skip
CHANNELS = Weighted({"": 40, Channel.EMAIL: 25, Channel.PHONE: 15, Channel.SMS: 10, Channel.MESSAGING: 10})
TAG_COUNTS = Weighted({0: 40, 1: 35, 2: 18, 3: 7})
BANDS = Weighted({"1-9": 45, "10-49": 30, "50-249": 15, "250-999": 7, "1000+": 3})
CONSENT_SHARES = {Channel.EMAIL: 0.55, Channel.SMS: 0.3, Channel.PHONE: 0.15, Channel.MESSAGING: 0.1}
CONSENT_METHODS = Weighted({Consent.Method.FORM: 50, Consent.Method.IMPORT: 20, Consent.Method.VERBAL: 20,
                            Consent.Method.WRITTEN: 10})  # fmt: skip
