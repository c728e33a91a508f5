"""Global search: contacts and companies by a fragment of a name, an email or a phone number, ranked.

Candidates come from a few small indexed queries inside the member's organization, each capped,
and are ranked here: exact > prefix > a word's prefix > fragment of the name > anything else.

- Names: `sort_name` (the casefolded display name) is searched as a prefix range on its B-tree
  index; this also serves one- and two-character queries such as a Chinese family name or a
  two-character Chinese name, which trigram indexes cannot.
- Fragments of three characters or more: `search_text` (names both ways round, emails, phone
  digits, company name; see services.contact_search_text) through a trigram index: SQLite FTS5
  with the trigram tokenizer (migration 0002), PostgreSQL pg_trgm with LIKE '%…%'.
- One- and two-character Chinese, Japanese or Korean fragments (明 in 谢明, 永新 in 北京永新服装有限公司):
  `search_grams` holds every CJK character and pair of neighbouring CJK characters of search_text
  as words, indexed by SQLite FTS5 (unicode61 tokenizer) and a PostgreSQL GIN index over its words
  (migration 0005); a query's words must all be among them.
- Phones: a query that reads as a full number in the organization's region is matched exactly
  on ContactPhone.number; a run of digits also finds numbers that end with it
  (ContactPhone.reversed_digits prefix).
- Emails: a query with "@" is matched exactly on ContactEmail.email.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import phonenumbers
from django.db import connection
from django.db.models import BooleanField, F, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.functions import Collate
from django.urls import reverse

from kliento.core.models import Membership
from kliento.core.records.search import SearchResult
from kliento.core.records.text_index import fts_phrase, organization_key
from kliento.customers.models import (
    Company,
    Contact,
    ContactEmail,
    ContactPhone,
    LifecycleStage,
    display_name,
)
from kliento.customers.normalize import format_phone

MAX_QUERY_LENGTH = 100
MAX_LIMIT = 100
# How many rows a fragment (trigram) query brings back for ranking. SQLite's FTS index knows no
# owners, so for a member who sees only some records it reads more and drops the others after.
FRAGMENT_CANDIDATES = 200
FRAGMENT_CANDIDATES_LIMITED = 1000
TRIGRAM = 3
GRAM = 2  # the longest CJK fragment search_grams holds; longer ones go to the trigram index

EXACT = 1.0
PREFIX = 0.8
EMAIL_OR_PHONE_PREFIX = 0.7
WORD_PREFIX = 0.6
NAME_FRAGMENT = 0.4
ELSEWHERE = 0.2

_CJK = re.compile(
    "[\u1100-\u11ff\u2e80-\u9fff\ua960-\ua97f\uac00-\ud7af\uf900-\ufaff\uff66-\uff9f\U00020000-\U0003ffff]"
)
_CJK_RUN = re.compile(_CJK.pattern + "+")
_SHORT_CJK = re.compile(f"{_CJK.pattern}{{1,{GRAM}}}")
_PHONE_LIKE = re.compile(r"[\d\s\-().+/]+")
_TRIGRAM_WORD = re.compile(r"[^\W_]{3}")


@dataclass(frozen=True)
class SearchHit:
    kind: str  # "contact" | "company"
    id: int
    title: str
    subtitle: str
    stage: str
    score: float

    @property
    def url(self) -> str:
        return reverse(f"customers:{self.kind}-detail", args=[self.id])

    @property
    def stage_label(self) -> str:
        return str(LifecycleStage(self.stage).label) if self.stage in LifecycleStage.values else ""


@dataclass(frozen=True)
class ParsedQuery:
    """The typed text, cleaned, with what it could be: a name fragment, an email, a phone number."""

    text: str  # casefolded, single-spaced
    region: str
    digits: str  # set when the text looks like a phone number
    e164: str  # set when it reads as a full phone number in the region
    fragment_terms: tuple[str, ...]  # what search_text must all contain; empty if too short
    gram_terms: tuple[str, ...] = ()  # short CJK words that search_grams must all hold

    @property
    def is_email(self) -> bool:
        return "@" in self.text


def parse_query(raw: str, region: str) -> ParsedQuery | None:
    """The query ready to search, or None when it is too short to mean anything."""
    cleaned = "".join(char for char in raw[:MAX_QUERY_LENGTH] if unicodedata.category(char)[0] != "C")
    text = " ".join(cleaned.casefold().split())
    minimum = 1 if _CJK.search(text) else 2
    if len(text) < minimum:
        return None
    digits = e164 = ""
    if _PHONE_LIKE.fullmatch(text):
        digits = "".join(str(unicodedata.decimal(char)) for char in text if char.isdecimal())
        e164 = _full_number(cleaned, region) if len(digits) >= 5 else ""
        if len(digits) < TRIGRAM:
            digits = ""
    terms = text.split()
    if all(_SHORT_CJK.fullmatch(term) for term in terms):
        return ParsedQuery(
            text=text, region=region, digits="", e164="", fragment_terms=(), gram_terms=tuple(terms)
        )
    return ParsedQuery(
        text=text, region=region, digits=digits, e164=e164, fragment_terms=_fragment_terms(text, digits, e164)
    )


def cjk_grams(text: str) -> str:
    """Each CJK character of the text and each pair of neighbouring ones, once, space-separated."""
    grams: dict[str, None] = {}
    for run in _CJK_RUN.findall(text):
        for index in range(len(run)):
            grams[run[index]] = None
            if index + 1 < len(run):
                grams[run[index : index + 2]] = None
    return " ".join(grams)


def _fragment_terms(text: str, digits: str, e164: str) -> tuple[str, ...]:
    if e164:
        return (e164[1:],)
    if digits:
        return (digits,)
    terms = tuple(text.split())
    if all(len(term) >= TRIGRAM for term in terms):
        return terms
    # "li wei": a short word cannot be looked up alone, but the words together can.
    return (text,) if len(text) >= TRIGRAM else ()


def _full_number(text: str, region: str) -> str:
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return ""
    if not phonenumbers.is_valid_number(number):
        return ""
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


KINDS = ("contact", "company")


def search_customers(
    query: str, *, member: Membership, limit: int = 10, kinds: tuple[str, ...] = KINDS
) -> list[SearchHit]:
    """The member's visible, not trashed contacts and companies (or only the given kinds) that best
    match the query."""
    parsed = parse_query(query, member.organization.default_region)
    if parsed is None:
        return []
    limit = max(1, min(limit, MAX_LIMIT))
    candidates: dict[tuple[str, int], _Candidate] = {}
    if "contact" in kinds:
        contacts = Contact.objects.visible_to(member)
        for row in _contact_candidates(contacts, parsed, member, limit=limit):
            first, last = row["first_name"].casefold(), row["last_name"].casefold()
            names = {row["sort_name"], f"{first} {last}".strip(), f"{last} {first}".strip(), f"{last}{first}"}
            title = display_name(row["first_name"], row["last_name"])
            _consider(candidates, "contact", row, title, _score(parsed, names, row["search_text"]))
    if "company" in kinds:
        companies = Company.objects.visible_to(member)
        for row in _company_candidates(companies, parsed, member, limit=limit):
            score = _score(parsed, {row["sort_name"]}, row["search_text"])
            _consider(candidates, "company", row, row["name"], score)
    best = sorted(
        candidates.values(), key=lambda hit: (-hit.score, hit.title.casefold(), hit.kind, hit.row["id"])
    )
    # Phone numbers are formatted for the few shown only: it is the costly part.
    return [candidate.hit(parsed) for candidate in best[:limit]]


def provider(kind: str) -> Callable[[Membership, str, int], list[SearchResult]]:
    """The global search's provider of one kind (core/records/search.py): these hits as results."""

    def search(member: Membership, query: str, limit: int) -> list[SearchResult]:
        return [
            SearchResult(
                title=hit.title,
                subtitle=hit.subtitle,
                url=hit.url,
                badge=hit.stage_label,
                badge_class=f"stage-badge stage-{hit.stage}" if hit.stage_label else "",
                score=hit.score,
                record_id=hit.id,
            )
            for hit in search_customers(query, member=member, limit=limit, kinds=(kind,))
        ]

    return search


@dataclass(frozen=True)
class _Candidate:
    kind: str
    row: dict[str, Any]
    title: str
    score: float

    def hit(self, query: ParsedQuery) -> SearchHit:
        row = self.row
        phone = format_phone(row["phone"], query.region)
        detail = (phone if query.digits and phone else "") or row["email"] or phone
        context = row["company__name"] if self.kind == "contact" else row["city"]
        return SearchHit(
            kind=self.kind,
            id=row["id"],
            title=self.title,
            subtitle=" · ".join(part for part in (detail, context) if part),
            stage=row["lifecycle_stage"],
            score=self.score,
        )


def _consider(
    candidates: dict[tuple[str, int], _Candidate],
    kind: str,
    row: dict[str, Any],
    title: str,
    score: float | None,
) -> None:
    if score is not None:
        candidates.setdefault((kind, row["id"]), _Candidate(kind, row, title, score))


# Candidates ---------------------------------------------------------------------------------

CONTACT_COLUMNS = (
    "id", "first_name", "last_name", "sort_name", "search_text", "email", "phone", "lifecycle_stage",
    "company__name",
)  # fmt: skip
COMPANY_COLUMNS = ("id", "name", "sort_name", "search_text", "email", "phone", "city", "lifecycle_stage")


def _contact_candidates(
    contacts: QuerySet[Contact], query: ParsedQuery, member: Membership, *, limit: int
) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    if query.e164:
        numbers = ContactPhone.objects.filter(number=query.e164).values("contact_id")
        rows += contacts.filter(pk__in=numbers).values(*CONTACT_COLUMNS)[:limit]
    if query.is_email:
        addresses = ContactEmail.objects.filter(email=query.text).values("contact_id")
        rows += contacts.filter(pk__in=addresses).values(*CONTACT_COLUMNS)[:limit]
    # A full number or address found exactly needs no fragment search, which would be the costliest.
    found_exactly = bool(rows)
    if query.digits:
        # Numbers ending with the digits: a range on the (organization, reversed_digits) index. A join,
        # not `IN (… LIMIT n)`, which PostgreSQL may run again for every contact of a salesperson.
        # One filter() call: conditions on a multi-valued relation in separate calls would each get
        # their own join, and the range would no longer bound one and the same phone.
        reversed_digits = query.digits[::-1]
        phone_range = {
            "phones__organization_id": member.organization_id,
            "phones__reversed_digits__gte": reversed_digits,
        }
        if after := _digits_prefix_end(reversed_digits):
            phone_range["phones__reversed_digits__lt"] = after
        rows += contacts.filter(**phone_range).values(*CONTACT_COLUMNS)[:limit]
    elif not query.is_email:
        rows += names_starting_with(contacts, query.text).values(*CONTACT_COLUMNS)[:limit]
    if query.fragment_terms and not found_exactly:
        rows += _fragment(contacts, query, member, CONTACT_COLUMNS)
    if query.gram_terms:
        rows += _grams(contacts, query, member, CONTACT_COLUMNS)
    return rows


def _company_candidates(
    companies: QuerySet[Company], query: ParsedQuery, member: Membership, *, limit: int
) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    if not query.digits and not query.is_email:
        rows += names_starting_with(companies, query.text).values(*COMPANY_COLUMNS)[:limit]
    if query.fragment_terms:
        rows += _fragment(companies, query, member, COMPANY_COLUMNS)
    if query.gram_terms:
        rows += _grams(companies, query, member, COMPANY_COLUMNS)
    return rows


def names_starting_with(queryset: QuerySet[Any], text: str) -> QuerySet[Any]:
    """Names starting with the text, in name order, as a range on the (organization, sort_name) index."""
    if connection.vendor == "postgresql":
        # Byte order, whatever the database's collation; migration 0002 indexes it.
        queryset = queryset.alias(name_key=Collate(F("sort_name"), "C"))
        key = "name_key"
    else:
        key = "sort_name"
    return queryset.filter(**{f"{key}__gte": text, f"{key}__lt": _prefix_end(text)}).order_by(key, "id")


def _fragment(
    queryset: QuerySet[Any], query: ParsedQuery, member: Membership, columns: tuple[str, ...]
) -> list[dict[str, Any]]:
    """Up to FRAGMENT_CANDIDATES rows whose search_text contains every fragment term."""
    terms = query.fragment_terms
    if connection.vendor == "sqlite":
        # Newest first, so a capped common fragment still shows recent customers.
        cap = FRAGMENT_CANDIDATES if member.sees_all_records else FRAGMENT_CANDIDATES_LIMITED
        condition = fragment_condition(queryset.model, terms, member.organization_id, cap)
        return list(queryset.filter(condition).values(*columns)[:FRAGMENT_CANDIDATES])
    # pg_trgm takes trigrams from runs of letters and digits; with none the index cannot help.
    if not any(_TRIGRAM_WORD.search(term) for term in terms):
        return []
    # A LIMIT lets the planner pick a sequential scan for a fragment it believes common; migration
    # 0002 raises search_text's statistics target so that belief is close enough.
    condition = fragment_condition(queryset.model, terms, member.organization_id)
    return list(queryset.filter(condition).values(*columns)[:FRAGMENT_CANDIDATES])


def fragment_condition(
    model: type[Any], terms: tuple[str, ...], organization_id: int, cap: int | None = None
) -> Q:
    """Rows whose search_text contains every term, through the trigram index (migration 0002);
    with a cap, only the newest `cap` of them on SQLite, whose index knows no other filter."""
    if connection.vendor == "sqlite":
        table = f"{model._meta.db_table}_search"
        match = " AND ".join(
            [f'organization_key : "{organization_key(organization_id)}"']
            + [f"search_text : {fts_phrase(term)}" for term in terms]
        )
        limit = f" ORDER BY rowid DESC LIMIT {int(cap)}" if cap else ""
        return Q(pk__in=RawSQL(f"SELECT rowid FROM {table} WHERE {table} MATCH %s{limit}", (match,)))
    condition = Q()
    for term in terms:
        condition &= Q(search_text__contains=term)
    return condition


def matching(queryset: QuerySet[Any], query: ParsedQuery, organization_id: int) -> QuerySet[Any]:
    """The rows of a list that match the typed text, for the list's own filters, sort and keyset
    pages to combine with: the index look-ups of the search, uncapped and unranked."""
    if query.fragment_terms:
        return queryset.filter(fragment_condition(queryset.model, query.fragment_terms, organization_id))
    if query.gram_terms:
        return queryset.filter(gram_condition(queryset.model, query.gram_terms, organization_id))
    return names_starting_with(queryset, query.text)


def _grams(
    queryset: QuerySet[Any], query: ParsedQuery, member: Membership, columns: tuple[str, ...]
) -> list[dict[str, Any]]:
    """Up to FRAGMENT_CANDIDATES rows whose search_grams hold every short CJK term, newest first."""
    cap = FRAGMENT_CANDIDATES if member.sees_all_records else FRAGMENT_CANDIDATES_LIMITED
    matching = queryset.filter(gram_condition(queryset.model, query.gram_terms, member.organization_id, cap))
    return list(matching.order_by("-id").values(*columns)[:FRAGMENT_CANDIDATES])


def gram_condition(
    model: type[Any], terms: tuple[str, ...], organization_id: int, cap: int | None = None
) -> Q:
    """Rows whose search_grams hold every term, as an index look-up (migration 0005); with a cap,
    only the newest `cap` of them on SQLite, whose index lists ids without the other filters."""
    table = model._meta.db_table
    if connection.vendor == "sqlite":
        index = f"{table}_grams"
        match = " AND ".join(
            [f'organization_key : "{organization_key(organization_id)}"']
            + [f"search_grams : {fts_phrase(term)}" for term in terms]
        )
        limit = f" ORDER BY rowid DESC LIMIT {int(cap)}" if cap else ""
        return Q(pk__in=RawSQL(f"SELECT rowid FROM {index} WHERE {index} MATCH %s{limit}", (match,)))
    # The same expression as the GIN index, so the planner can use it.
    return Q(
        RawSQL(
            f"string_to_array({connection.ops.quote_name(table)}.search_grams, ' ') @> %s::text[]",
            (list(terms),),
            output_field=BooleanField(),
        )
    )


def _digits_prefix_end(digits: str) -> str | None:
    """The first digit string after all that start with these digits ("7659" -> "766"), or None.

    Made of digits only, it orders the same under any collation, so the default-collation index
    on reversed_digits serves the range on PostgreSQL too.
    """
    stem = digits.rstrip("9")
    return stem[:-1] + str(int(stem[-1]) + 1) if stem else None


def _prefix_end(text: str) -> str:
    """The smallest string after every string that starts with text, in code point order."""
    while text:
        last = ord(text[-1]) + 1
        if 0xD800 <= last <= 0xDFFF:
            last = 0xE000
        if last <= 0x10FFFF:
            return text[:-1] + chr(last)
        text = text[:-1]
    return chr(0x10FFFF)


# Ranking ------------------------------------------------------------------------------------


def _score(query: ParsedQuery, names: set[str], search_text: str) -> float | None:
    """How well a candidate matches, or None if it does not (a capped index can be loose)."""
    text = query.text
    words = search_text.split()
    emails = [word for word in words if "@" in word]
    phones = [word for word in words if word.isdigit()]
    if text in names or text in emails or (query.e164 and query.e164[1:] in phones):
        return EXACT
    if any(name.startswith(text) for name in names):
        return PREFIX
    if (query.is_email and any(email.startswith(text) for email in emails)) or (
        query.digits and any(phone.endswith(query.digits) for phone in phones)
    ):
        return EMAIL_OR_PHONE_PREFIX
    if any(word.startswith(text) for name in names for word in name.split()):
        return WORD_PREFIX
    if any(text in name for name in names):
        return NAME_FRAGMENT
    if all(term in search_text for term in query.fragment_terms or query.text.split()):
        return ELSEWHERE
    return None
