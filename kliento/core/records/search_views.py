"""Global search pages: the top bar's as-you-type results (htmx), the full results page (all kinds
or one), and the command palette's list of commands and records."""

from __future__ import annotations

import unicodedata

from django.http import HttpResponse
from django.shortcuts import render

from kliento.core.commands import commands_for, folded
from kliento.core.records.kinds import UnknownKind
from kliento.core.records.search import clean_query, search_records, searchable_kind
from kliento.core.requests import OrgRequest
from kliento.core.views import member_required

DROPDOWN_RESULTS = 5  # of each kind
PAGE_RESULTS = 10  # of each kind, when the page shows every kind
KIND_PAGE_RESULTS = 50  # when it shows one
PALETTE_RESULTS = 4  # of each kind
PALETTE_COMMANDS = 5  # with something typed; all of them (up to a screen) otherwise
PALETTE_ALL_COMMANDS = 40  # every command and place: the empty palette is the list of what one can do


def long_enough(query: str) -> bool:
    """Two characters, or one Chinese, Japanese or Korean one (a whole name may be one or two)."""
    return len(query) >= 2 or any(unicodedata.east_asian_width(char) in "WF" for char in query)


@member_required()
def search(request: OrgRequest) -> HttpResponse:
    member = request.member
    query = clean_query(request.GET.get("q", ""))
    searchable = long_enough(query)
    context: dict[str, object] = {"query": query, "searchable": searchable}
    if request.headers.get("HX-Request") == "true":
        groups = search_records(member, query, limit=DROPDOWN_RESULTS) if searchable else []
        count = sum(len(group.results) for group in groups)
        return render(
            request, "core/_search_results.html", context | {"groups": groups, "result_count": count}
        )
    try:
        kind = searchable_kind(member, request.GET["kind"]) if request.GET.get("kind") else None
    except UnknownKind:
        kind = None  # an old or mistyped link: every kind rather than an error
    limit = KIND_PAGE_RESULTS if kind else PAGE_RESULTS
    groups = search_records(member, query, limit=limit, kinds=[kind] if kind else None) if searchable else []
    return render(request, "core/search.html", context | {"groups": groups, "kind": kind})


@member_required()
def palette(request: OrgRequest) -> HttpResponse:
    member = request.member
    query = clean_query(request.GET.get("q", ""))
    commands = commands_for(member, query, limit=PALETTE_COMMANDS if query else PALETTE_ALL_COMMANDS)
    groups = search_records(member, query, limit=PALETTE_RESULTS) if long_enough(query) else []
    # A command whose name starts with what was typed ("new c") comes before records; a name that
    # only contains it ("co" in "Go to Companies") after them.
    commands_first = not groups or bool(commands and folded(commands[0].label).startswith(folded(query)))
    return render(
        request,
        "core/_palette_results.html",
        {"query": query, "commands": commands, "groups": groups, "commands_first": commands_first},
    )
