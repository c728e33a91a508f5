"""No stored value is ever emitted as markup, and user content sits inside `hx-disable`.

Every free-text field of every kind of record holds a payload (a script, an `onerror` image, an
htmx element that would post with the viewer's CSRF header on load); every page and fragment that
shows them is fetched as the organization's owner. On each one:

- the payload never appears as markup: not in the raw response, and the parsed page has no
  injected script, event handler attribute or htmx element;
- every text that came from a stored value is inside an `[hx-disable]` element (or in `<title>`,
  `<option>` or `<textarea>`, which cannot hold elements), and no `hx-*` attribute carries one;
- the page does show the values it is listed with, escaped: the test cannot pass by showing
  nothing.

To cover a new field, add it to `STORED` (and store it in `world`); to cover a new page or
fragment, add it to `PAGES` with the fields it shows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from kliento.core import services as core_services
from kliento.core.models import Membership, SavedView, Team
from kliento.core.records.fields import services as field_services
from kliento.core.records.fields.models import CustomField
from kliento.core.records.lists import saved_views
from kliento.customers import services
from kliento.customers.models import Company, Contact, CustomerEntity

SCRIPT = "<script>alert(1)</script>"
ONERROR = "<img src=x onerror=alert(1)>"
HTMX = (
    '<div hx-post="/settings/members/1/role/" hx-vals=\'{"role": "admin"}\' hx-trigger="load" '
    'hx-swap="none"></div>'
)
PAYLOADS = {"script": SCRIPT, "onerror": ONERROR, "htmx": HTMX}
# What a stored payload starts with once decoded: our own text never contains these.
PAYLOAD_STARTS = ("<script", "<img", "<div hx")
TEXT_ONLY_ELEMENTS = {"title", "option", "textarea"}  # their content cannot become elements
VOID_ELEMENTS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
HTMX_HEADERS = {"HTTP_HX_REQUEST": "true"}


def stored(marker: str, payload: str, max_length: int) -> str:
    """A field's value: its own marker, then the payload, cut to what the field holds (a cut tag
    is still a dangerous prefix)."""
    return f"{marker}{payload}"[:max_length]


# Every free-text field (choices, emails, phones, numbers and dates cannot hold a payload), with
# the length it holds. The value of "contact.city" is stored("q05", payload, 100), and so on.
STORED: dict[str, int] = {
    "contact.first_name": 150,
    "contact.last_name": 150,
    "contact.job_title": 100,
    "contact.street": 200,
    "contact.postal_code": 20,
    "contact.city": 100,
    "contact.region": 100,
    "contact.description": 5000,
    "contact.tag": 60,
    "contact.cf_text": 5000,
    "contact.cf_choice": 200,
    "contact.cf_multi": 200,
    "contact.stage_reason": 500,
    "contact.stage_rule": 100,
    "contact.consent_note": 300,
    "company.name": 150,
    "company.industry": 100,
    "company.street": 200,
    "company.postal_code": 20,
    "company.city": 100,
    "company.region": 100,
    "company.description": 5000,
    "company.tag": 60,
    "company.cf_text": 5000,
    "company.stage_reason": 500,
    "field.contact_text.label": 100,
    "field.contact_text.help_text": 200,
    "field.contact_choice.label": 100,
    "field.contact_multi.label": 100,
    "field.contact_number.label": 100,
    "field.contact_date.label": 100,
    "field.contact_bool.label": 100,
    "field.company_text.label": 100,
    "view.name": 100,
    "team.name": 100,
    "member.full_name": 150,  # Bob, a salesperson: owner of the records and author of the changes
    "organization.name": 150,
    "api_key.name": 100,
    "trashed_contact.last_name": 150,
    "trashed_company.name": 150,
    "trashed_team.name": 100,
}
MARKERS = {name: f"q{index:02d}" for index, name in enumerate(STORED)}


@dataclass
class World:
    payload: str
    values: dict[str, str]
    contact: Contact
    company: Company
    team: Team
    view: SavedView
    fields: dict[str, CustomField]
    invitation_token: str

    def value(self, name: str) -> str:
        return self.values[name]


@pytest.fixture(params=list(PAYLOADS), ids=list(PAYLOADS))
def world(request, alice: Membership, bob: Membership) -> World:
    """Acme with every free-text field holding the payload, written by Bob through the services
    (as the API and the forms would), and Alice, the owner, about to look at it."""
    payload = PAYLOADS[request.param]
    values = {name: stored(MARKERS[name], payload, length) for name, length in STORED.items()}
    acme = alice.organization
    bob.user.full_name = values["member.full_name"]
    bob.user.save()
    bob.role = "admin"  # he may define custom fields and teams; his role is not what is tested
    bob.save()
    core_services.update_organization(
        organization=acme, member=alice, changes={"name": values["organization.name"]}
    )

    def custom_field(entity: str, key: str, field_type: str, **extra: Any) -> CustomField:
        data = {"entity": entity, "key": key, "field_type": field_type, **extra}
        data.setdefault("label", values[f"field.{entity}_{key}.label"])
        return field_services.save_custom_field(member=bob, data=data)

    contact_entity, company_entity = CustomerEntity.CONTACT, CustomerEntity.COMPANY
    fields = {
        "contact_text": custom_field(
            contact_entity, "text", "text", help_text=values["field.contact_text.help_text"]
        ),
        "contact_choice": custom_field(
            contact_entity, "choice", "choice", choices=[values["contact.cf_choice"]]
        ),
        "contact_multi": custom_field(
            contact_entity, "multi", "multi_choice", choices=[values["contact.cf_multi"], "plain"]
        ),
        "contact_number": custom_field(contact_entity, "number", "number"),
        "contact_date": custom_field(contact_entity, "date", "date"),
        "contact_bool": custom_field(contact_entity, "bool", "boolean"),
        "company_text": custom_field(company_entity, "text", "text"),
    }
    company = services.create_company(
        member=bob,
        data={
            "name": values["company.name"],
            "industry": values["company.industry"],
            "street": values["company.street"],
            "postal_code": values["company.postal_code"],
            "city": values["company.city"],
            "region": values["company.region"],
            "description": values["company.description"],
            "tags": [values["company.tag"]],
            "custom_fields": {"text": values["company.cf_text"]},
        },
    )
    contact = services.create_contact(
        member=bob,
        data={
            "first_name": values["contact.first_name"],
            "last_name": values["contact.last_name"],
            "job_title": "Engineer",
            "company_id": company.pk,
            "street": values["contact.street"],
            "postal_code": values["contact.postal_code"],
            "city": values["contact.city"],
            "region": values["contact.region"],
            "description": values["contact.description"],
            "tags": [values["contact.tag"]],
            "emails": [{"email": "ada@example.com", "is_primary": True}],
            "custom_fields": {
                "text": values["contact.cf_text"],
                "choice": values["contact.cf_choice"],
                "multi": [values["contact.cf_multi"]],
                "number": 7,
                "bool": True,
            },
        },
    )
    services.change_lifecycle_stage(
        customer=contact, to_stage="active", actor=bob.user, reason=values["contact.stage_reason"], member=bob
    )
    services.change_lifecycle_stage(
        customer=contact, to_stage="loyal", actor=None, rule=values["contact.stage_rule"]
    )
    services.change_lifecycle_stage(
        customer=company, to_stage="active", actor=bob.user, reason=values["company.stage_reason"], member=bob
    )
    services.set_consent(
        contact=contact,
        channel="email",
        granted=True,
        method="written",
        member=bob,
        note=values["contact.consent_note"],
    )
    # A change, so that the history shows the stored value as a new value.
    services.update_contact(contact=contact, member=bob, data={"job_title": values["contact.job_title"]})
    contact.refresh_from_db()
    view = saved_views.save_view(
        member=bob,
        kind=contact_entity,
        name=values["view.name"],
        query={"stage": ["loyal"]},
        columns=["name", "company", "owner", "tags", "cf.text", "cf.choice", "cf.multi"],
        shared=True,
    )
    team = core_services.create_team(name=values["team.name"], member=bob, manager=bob.user)
    core_services.set_team_members(team=team, users=[bob.user], member=bob)
    core_services.create_api_key(name=values["api_key.name"], role="viewer", member=bob)
    _invitation, token = core_services.invite_member(email="new@example.com", role="viewer", member=bob)
    trashed_contact = services.create_contact(
        member=bob, data={"first_name": "Gone", "last_name": values["trashed_contact.last_name"]}
    )
    services.delete_customer(customer=trashed_contact, member=bob)
    trashed_company = services.create_company(member=bob, data={"name": values["trashed_company.name"]})
    services.delete_customer(customer=trashed_company, member=bob)
    trashed_team = core_services.create_team(name=values["trashed_team.name"], member=bob)
    core_services.delete_team(team=trashed_team, member=bob)
    return World(
        payload=payload,
        values=values,
        contact=contact,
        company=company,
        team=team,
        view=view,
        fields=fields,
        invitation_token=token,
    )


# Pages and fragments ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    """One page or fragment: how to ask for it, and which stored values it must show."""

    name: str
    url: Callable[[World], str]
    shows: tuple[str, ...]
    htmx: bool = False
    post: Callable[[World], dict[str, str]] | None = None
    status: int = 200
    follow: bool = False  # to the page that shows the message a post leaves


def contact_url(name: str, *extra: Any) -> Callable[[World], str]:
    return lambda world: reverse(f"customers:contact-{name}", args=[world.contact.pk, *extra])


def company_url(name: str, *extra: Any) -> Callable[[World], str]:
    return lambda world: reverse(f"customers:company-{name}", args=[world.company.pk, *extra])


def search_for(name: str, url_name: str = "core:search") -> Callable[[World], str]:
    return lambda world: reverse(url_name) + "?q=" + MARKERS[name]


def fixed(url_name: str, query: str = "") -> Callable[[World], str]:
    return lambda world: reverse(url_name) + query


CONTACT_NAME = ("contact.first_name", "contact.last_name")
CONTACT_ADDRESS = ("contact.street", "contact.postal_code", "contact.city", "contact.region")
COMPANY_ADDRESS = ("company.street", "company.postal_code", "company.city", "company.region")
CONTACT_FIELD_LABELS = tuple(
    f"field.contact_{key}.label" for key in ("text", "choice", "multi", "number", "date", "bool")
)
CONTACT_COLUMNS = "?columns=name,company,owner,tags,city,cf.text,cf.choice,cf.multi,cf.number,cf.bool"
SETTINGS_SHELL = ("organization.name",)

CONTACT_INLINE_GROUPS = {
    "name": CONTACT_NAME,
    "job_title": ("contact.job_title",),
    "owner": ("member.full_name",),
    "tags": ("contact.tag",),
    "address": CONTACT_ADDRESS,
    "description": ("contact.description",),
    "cf_text": ("contact.cf_text", "field.contact_text.label"),
    "cf_choice": ("contact.cf_choice", "field.contact_choice.label"),
    "cf_multi": ("contact.cf_multi", "field.contact_multi.label"),
    "cf_number": ("field.contact_number.label",),
    "cf_date": ("field.contact_date.label",),
    "cf_bool": ("field.contact_bool.label",),
}
COMPANY_INLINE_GROUPS = {
    "name": ("company.name",),
    "industry": ("company.industry",),
    "owner": ("member.full_name",),
    "tags": ("company.tag",),
    "address": COMPANY_ADDRESS,
    "description": ("company.description",),
    "cf_text": ("company.cf_text", "field.company_text.label"),
}

PAGES: list[Page] = [
    # Lists, with every column and the filters that name tags, owners, teams and choices.
    Page(
        "contact list",
        fixed("customers:contact-list", CONTACT_COLUMNS),
        (
            *CONTACT_NAME,
            "company.name",
            "member.full_name",
            "contact.tag",
            "contact.city",
            "contact.cf_text",
            "contact.cf_choice",
            "contact.cf_multi",
            "team.name",
            "view.name",
            "organization.name",
            *CONTACT_FIELD_LABELS,
        ),
    ),
    Page(
        "contact list rows (htmx)",
        fixed("customers:contact-list", CONTACT_COLUMNS),
        (*CONTACT_NAME, "company.name", "contact.tag", "contact.cf_text", "contact.cf_multi"),
        htmx=True,
    ),
    Page(
        "contact list in a saved view",
        lambda world: reverse("customers:contact-list") + f"?view={world.view.pk}",
        ("view.name", *CONTACT_NAME, "contact.cf_choice"),
    ),
    Page(
        "contact list filtered by company",
        lambda world: reverse("customers:contact-list") + f"?company={world.company.pk}",
        ("company.name", *CONTACT_NAME),
    ),
    Page(
        "company list",
        fixed("customers:company-list", "?columns=name,owner,tags,city,cf.text"),
        (
            "company.name",
            "member.full_name",
            "company.tag",
            "company.city",
            "company.cf_text",
            "field.company_text.label",
        ),
    ),
    # Cards and their fragments.
    Page(
        "contact card",
        contact_url("detail"),
        (
            *CONTACT_NAME,
            "contact.job_title",
            "company.name",
            "member.full_name",
            "contact.tag",
            *CONTACT_ADDRESS,
            "contact.description",
            "contact.cf_text",
            "contact.cf_choice",
            "contact.cf_multi",
            *CONTACT_FIELD_LABELS,
            "contact.stage_reason",
            "contact.stage_rule",
            "contact.consent_note",
        ),
    ),
    Page(
        "contact history",
        contact_url("history"),
        ("member.full_name", "contact.job_title", "contact.cf_text", "field.contact_text.label"),
        htmx=True,
    ),
    *[
        Page(f"contact inline edit of {group}", contact_url("inline-edit", group), shows, htmx=True)
        for group, shows in CONTACT_INLINE_GROUPS.items()
    ],
    *[
        Page(
            f"contact inline display of {group}",
            lambda world, group=group: contact_url("inline-edit", group)(world) + "?display=1",
            shows,
            htmx=True,
        )
        for group, shows in CONTACT_INLINE_GROUPS.items()
    ],
    Page(
        "contact inline save answering with the display",
        contact_url("inline-edit", "job_title"),
        ("contact.job_title",),
        htmx=True,
        post=lambda world: {"job_title": world.value("contact.job_title")},
    ),
    Page(
        "contact inline save refused with the form",
        contact_url("inline-edit", "cf_choice"),
        ("field.contact_choice.label", "contact.cf_choice"),
        htmx=True,
        post=lambda world: {"cf_choice": "not one of the choices"},
        status=400,
    ),
    Page(
        "contact stage change answering with the panel",
        contact_url("change-stage"),
        ("contact.stage_reason", "contact.stage_rule", "member.full_name"),
        htmx=True,
        post=lambda world: {"to_stage": "lost", "reason": world.value("contact.stage_reason")},
    ),
    Page(
        "contact stage change refused with the reason kept",
        contact_url("change-stage"),
        ("contact.stage_reason",),
        htmx=True,
        post=lambda world: {"to_stage": "", "reason": world.value("contact.stage_reason")},
        status=400,
    ),
    Page(
        "contact consent answering with the panel",
        contact_url("consent"),
        ("contact.consent_note", "member.full_name"),
        htmx=True,
        post=lambda world: {"channel": "sms", "method": "written", "granted": "1"},
    ),
    Page(
        "contact edit form",
        contact_url("edit"),
        (
            *CONTACT_NAME,
            "company.name",
            *CONTACT_ADDRESS,
            "contact.description",
            "contact.tag",
            *CONTACT_FIELD_LABELS,
            "field.contact_text.help_text",
            "contact.cf_choice",
            "contact.cf_multi",
        ),
    ),
    Page(
        "new contact form",
        fixed("customers:contact-create"),
        (*CONTACT_FIELD_LABELS, "contact.cf_choice", "contact.cf_multi", "member.full_name"),
    ),
    Page(
        "company picker suggestions",
        lambda world: reverse("customers:contact-create") + "?company_search=" + MARKERS["company.name"],
        ("company.name", "company.city"),
        htmx=True,
    ),
    Page(
        "duplicate warning",
        fixed("customers:contact-duplicates", "?emails-0-email=ada@example.com"),
        CONTACT_NAME,
        htmx=True,
    ),
    Page(
        "company card",
        company_url("detail"),
        (
            "company.name",
            "company.industry",
            "member.full_name",
            "company.tag",
            *COMPANY_ADDRESS,
            "company.description",
            "company.cf_text",
            "field.company_text.label",
            "company.stage_reason",
            *CONTACT_NAME,
            "contact.job_title",
        ),
    ),
    Page("company history", company_url("history"), ("member.full_name", "company.cf_text"), htmx=True),
    *[
        Page(f"company inline edit of {group}", company_url("inline-edit", group), shows, htmx=True)
        for group, shows in COMPANY_INLINE_GROUPS.items()
    ],
    Page(
        "company edit form",
        company_url("edit"),
        (
            "company.name",
            "company.industry",
            *COMPANY_ADDRESS,
            "company.description",
            "company.tag",
            "field.company_text.label",
        ),
    ),
    # Search: the page, the top bar's dropdown, and a query that is itself a payload.
    Page(
        "search page for a contact", search_for("contact.first_name"), ("contact.first_name", "company.name")
    ),
    Page("search page for a company", search_for("company.name"), ("company.name",)),
    Page(
        "search dropdown", search_for("contact.first_name"), ("contact.first_name", "company.name"), htmx=True
    ),
    Page(
        "command palette",
        search_for("contact.first_name", "core:palette"),
        ("contact.first_name", "company.name"),
        htmx=True,
    ),
    # Home feed, audit log, trash, settings.
    Page(
        "home",
        fixed("web:home"),
        ("organization.name", "member.full_name", "trashed_team.name"),
    ),
    Page(
        "audit log",
        fixed("core:audit-log"),
        (
            "member.full_name",
            "contact.first_name",
            "company.name",
            "team.name",
            "view.name",
            "api_key.name",
            "contact.job_title",
        ),
    ),
    Page(
        "trash",
        fixed("core:trash"),
        ("trashed_contact.last_name", "trashed_company.name", "trashed_team.name", "member.full_name"),
    ),
    Page("members", fixed("core:members"), ("member.full_name", *SETTINGS_SHELL)),
    Page("teams", fixed("core:teams"), ("team.name", "member.full_name")),
    Page(
        "team",
        lambda world: reverse("core:team-edit", args=[world.team.pk]),
        ("team.name", "member.full_name"),
    ),
    Page("API keys", fixed("core:api-keys"), ("api_key.name", "member.full_name")),
    Page("organization settings", fixed("core:organization-settings"), SETTINGS_SHELL),
    Page("profile", fixed("core:profile"), SETTINGS_SHELL),
    Page(
        "custom fields",
        fixed("core:custom-field-list"),
        (
            *CONTACT_FIELD_LABELS,
            "field.contact_text.help_text",
            "contact.cf_choice",
            "contact.cf_multi",
            "field.company_text.label",
        ),
    ),
    Page(
        "custom field",
        lambda world: reverse("core:custom-field-edit", args=[world.fields["contact_choice"].pk]),
        ("field.contact_choice.label", "contact.cf_choice"),
    ),
    Page(
        "custom field deletion",
        lambda world: reverse("core:custom-field-delete", args=[world.fields["contact_text"].pk]),
        ("field.contact_text.label",),
    ),
    Page(
        "invitation",
        lambda world: reverse("core:invitation-accept", args=[world.invitation_token]),
        ("organization.name",),
    ),
    # Last: it moves the company to the trash, and the next page says so.
    Page(
        "the message after moving a company to the trash",
        company_url("delete"),
        ("company.name",),
        post=lambda world: {},
        follow=True,
    ),
]


# Reading a page ---------------------------------------------------------------------------------


@dataclass
class Text:
    value: str
    ancestors: list[tuple[str, dict[str, str]]]


class PageReader(HTMLParser):
    """The texts of a page with their ancestors, and every element's attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, dict[str, str]]] = []
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.texts: list[Text] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = (tag, {name: value or "" for name, value in attrs})
        self.elements.append(element)
        if tag not in VOID_ELEMENTS:
            self.stack.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, {name: value or "" for name, value in attrs}))

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                return

    def handle_data(self, data: str) -> None:
        if data.strip():
            self.texts.append(Text(data, list(self.stack)))


def is_user_content(text: str) -> bool:
    return any(start in text for start in PAYLOAD_STARTS)


def is_inert(text: Text) -> bool:
    return any(tag in TEXT_ONLY_ELEMENTS or "hx-disable" in attrs for tag, attrs in text.ancestors)


def problems_of(html: str, payload: str, shows: dict[str, str]) -> list[str]:
    """What is wrong with a page holding `payload` that must show `shows` (name: stored value)."""
    problems = []
    raw = payload[:12]
    if raw in html:
        problems.append(
            f"the payload appears unescaped: …{html[html.index(raw) - 80 : html.index(raw) + 80]}…"
        )
    reader = PageReader()
    reader.feed(html)
    for tag, attrs in reader.elements:
        handlers = [name for name in attrs if name.startswith("on")]
        if handlers:
            problems.append(f"<{tag}> has an event handler attribute {handlers}")
        if tag == "script" and "src" not in attrs:
            problems.append("an inline <script>")
        if tag == "img" and attrs.get("src") == "x":
            problems.append("an injected <img>")
        if attrs.get("hx-trigger") == "load" or attrs.get("hx-post", "").startswith("/settings/members/"):
            problems.append(f"an injected htmx element <{tag} {attrs}>")
        steering = [
            name for name, value in attrs.items() if name.startswith("hx-") and is_user_content(value)
        ]
        if steering:
            problems.append(f"<{tag}> carries a stored value in {steering}")
    for text in reader.texts:
        if is_user_content(text.value) and not is_inert(text):
            path = " > ".join(tag for tag, _attrs in text.ancestors[-4:])
            problems.append(f"stored text outside an hx-disable container ({path}): {text.value[:60]!r}")
    shown = [text.value for text in reader.texts] + [
        value for _tag, attrs in reader.elements for value in attrs.values()
    ]
    for name, value in shows.items():
        if not any(value in text for text in shown):
            problems.append(f"{name} is not shown")
    return problems


def test_no_page_or_fragment_shows_a_stored_payload_as_markup(world: World, alice_client: Client):
    """One world per payload, every page looked at in turn (a world takes seconds to build)."""
    problems = {}
    for page in PAGES:
        url = page.url(world)
        headers = HTMX_HEADERS if page.htmx else {}
        if page.post is None:
            response = alice_client.get(url, **headers)
        else:
            response = alice_client.post(url, page.post(world), follow=page.follow, **headers)
        if response.status_code != page.status:
            problems[page.name] = [f"answered {response.status_code}"]
        elif found := problems_of(
            response.content.decode(), world.payload, {name: world.value(name) for name in page.shows}
        ):
            problems[page.name] = found

    assert problems == {}


@pytest.mark.parametrize("payload", list(PAYLOADS.values()), ids=list(PAYLOADS))
def test_a_search_for_a_payload_shows_it_as_inert_text(alice_client: Client, alice, payload: str):
    for url, headers in (("core:search", {}), ("core:search", HTMX_HEADERS), ("core:palette", HTMX_HEADERS)):
        response = alice_client.get(reverse(url), {"q": payload[:100]}, **headers)

        html = response.content.decode()
        reader = PageReader()
        reader.feed(html)
        assert payload[:12] not in html
        texts = [text for text in reader.texts if is_user_content(text.value)]
        assert texts, "the query is not shown"
        assert all(is_inert(text) for text in texts)


def test_every_stored_field_is_shown_on_some_page():
    """A field added to STORED must be looked for on at least one page."""
    looked_for = {name for page in PAGES for name in page.shows}

    assert set(STORED) - looked_for == set()


def test_the_reader_finds_markup_that_was_not_escaped():
    """The checks above would catch today's mistakes: a value emitted as markup, and one outside
    an hx-disable container."""
    shows = {"contact.description": "q00" + HTMX}

    unescaped = problems_of(f"<main><p>q00{HTMX}</p></main>", HTMX, shows)
    outside = problems_of(f"<main><p>q00{HTMX.replace('<', '&lt;')}</p></main>", HTMX, shows)
    inside = problems_of(f"<main><p hx-disable>q00{HTMX.replace('<', '&lt;')}</p></main>", HTMX, shows)

    assert any("unescaped" in problem for problem in unescaped)
    assert any("injected htmx element" in problem for problem in unescaped)
    assert outside == ["stored text outside an hx-disable container (main > p): " + repr(("q00" + HTMX)[:60])]
    assert inside == []
