"""How a lead's score (0 to 100) is made: a few plain rules a salesperson can read on the lead's
card and on the leads settings page, applied again by every service that changes a lead.

Each rule adds its points when it holds; the total is capped at 100, and a disqualified lead
scores 0. The rules are deliberately simple and visible: a business that knows why a lead scores
75 trusts the number, and can ask for a rule to change.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kliento.leads.models import Lead, LeadSource, LeadStatus

MAX_SCORE = 100
DETAILED_MESSAGE = 80  # characters: someone who explains what they need is more likely to buy

# Points by where the lead came from: a referral or a meeting at an event beats an anonymous email.
SOURCE_POINTS = {
    LeadSource.REFERRAL: 25,
    LeadSource.EVENT: 20,
    LeadSource.PHONE: 15,
    LeadSource.WEB_FORM: 10,
    LeadSource.CHAT: 10,
    LeadSource.EMAIL: 5,
    LeadSource.IMPORT: 0,
    LeadSource.OTHER: 0,
}


@dataclass(frozen=True)
class ScoreRule:
    key: str
    label: str | Promise
    points: Callable[[Lead], int]  # what the rule adds for this lead (0 when it does not hold)
    shown_points: str  # how many points it gives, as the rules table shows it


def _when(condition: Callable[[Lead], bool], points: int) -> Callable[[Lead], int]:
    return lambda lead: points if condition(lead) else 0


RULES: tuple[ScoreRule, ...] = (
    ScoreRule("email", _("Left an email address"), _when(lambda lead: bool(lead.email), 15), "15"),
    ScoreRule("phone", _("Left a phone number"), _when(lambda lead: bool(lead.phone), 15), "15"),
    ScoreRule("company", _("Named their company"), _when(lambda lead: bool(lead.company_name), 10), "10"),
    ScoreRule(
        "message",
        _("Described what they need (80 characters or more)"),
        _when(lambda lead: len(lead.message.strip()) >= DETAILED_MESSAGE, 10),
        "10",
    ),
    ScoreRule(
        "source",
        _("Source: referral 25, event 20, phone 15, web form or chat 10, email 5"),
        lambda lead: SOURCE_POINTS.get(LeadSource(lead.source), 0) if lead.source in LeadSource else 0,
        "0-25",
    ),
    ScoreRule(
        "campaign",
        _("Came from a marketing campaign (UTM campaign)"),
        _when(lambda lead: bool(lead.first_touch.get("campaign") or lead.last_touch.get("campaign")), 5),
        "5",
    ),
    ScoreRule(
        "contacted",
        _("Answered by us and still open"),
        _when(lambda lead: lead.status == LeadStatus.CONTACTED, 5),
        "5",
    ),
    ScoreRule(
        "qualified",
        _("Qualified by a salesperson"),
        _when(lambda lead: lead.status == LeadStatus.QUALIFIED, 20),
        "20",
    ),
)


@dataclass(frozen=True)
class ScoreLine:
    label: str | Promise
    points: int


def score_lines(lead: Lead) -> list[ScoreLine]:
    """The rules that hold for this lead, with their points: what its card explains the score with."""
    if lead.status == LeadStatus.DISQUALIFIED:
        return []
    lines = [ScoreLine(rule.label, rule.points(lead)) for rule in RULES]
    return [line for line in lines if line.points]


def score_of(lead: Lead) -> int:
    """The lead's score from its current values: 0 to 100, 0 once disqualified."""
    return min(MAX_SCORE, sum(line.points for line in score_lines(lead)))
