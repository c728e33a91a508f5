"""Global search: the top bar's as-you-type dropdown (htmx) and the full results page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kliento.core.views import member_required
from kliento.customers.search import MAX_QUERY_LENGTH, parse_query, search_customers

DROPDOWN_HITS = 8
PAGE_HITS = 50


@member_required()
def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")[:MAX_QUERY_LENGTH].strip()
    member = request.member  # type: ignore[attr-defined]
    searchable = parse_query(query, member.organization.default_region) is not None
    context = {"query": query, "searchable": searchable}
    if request.headers.get("HX-Request") == "true":
        # One more than shown tells whether the full page has more to offer.
        hits = search_customers(query, member=member, limit=DROPDOWN_HITS + 1)
        context |= {"hits": hits[:DROPDOWN_HITS], "has_more": len(hits) > DROPDOWN_HITS}
        return render(request, "customers/_search_results.html", context)
    hits = search_customers(query, member=member, limit=PAGE_HITS)
    context |= {"hits": hits, "is_capped": len(hits) == PAGE_HITS}
    return render(request, "customers/search.html", context)
