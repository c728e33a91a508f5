"""The kanban board of a pipeline: columns paged on the server, moves by drag or by the
keyboard's "move to stage" control, each refused move given back with its reason."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_POST

from kliento.catalog.templatetags.money import money_short
from kliento.core.audit import record_version
from kliento.core.errors import DomainError
from kliento.core.models import MAX_ID, Membership, Team
from kliento.core.permissions import Permission
from kliento.core.requests import OrgRequest
from kliento.core.views import member_required
from kliento.customers.forms import owner_choices
from kliento.deals import selectors, services
from kliento.deals.models import Pipeline


def _ids(values: list[str]) -> list[int]:
    return [int(value) for value in values if value.isdigit() and 0 < int(value) <= MAX_ID]


def board_filter(request: OrgRequest) -> tuple[selectors.BoardFilter, dict[str, Any]]:
    """The owner and team filters of the board, from the query string."""
    member: Membership = request.member
    owners = [member.user_id if value == "me" else value for value in request.GET.getlist("owner")]
    owner_ids = _ids([str(value) for value in owners])
    team_id = _ids([request.GET.get("team", "")])
    team_members: set[int] | None = None
    if team_id:
        team = Team.objects.filter(pk=team_id[0]).first()
        team_members = set(team.members.values_list("pk", flat=True)) if team else set()
        if team is not None and team.manager_id is not None:
            team_members.add(team.manager_id)
    chosen = {"owner": [str(pk) for pk in owner_ids], "team": str(team_id[0]) if team_id else ""}
    return selectors.BoardFilter(owner_ids=owner_ids, team_member_ids=team_members), chosen


def _query(chosen: dict[str, Any]) -> str:
    parts = [f"owner={pk}" for pk in chosen["owner"]]
    if chosen["team"]:
        parts.append(f"team={chosen['team']}")
    return "&".join(parts)


def move_options(columns: list[selectors.Column], lost_reasons: list[Any]) -> dict[str, str]:
    """The options of every card's Move form, rendered (and escaped) once for the whole board
    rather than once per card: a board of 150 cards spent most of its time on them."""
    context = {"columns": columns, "lost_reasons": lost_reasons}
    return {
        part: render_to_string("deals/_board_move_options.html", {**context, "part": part})
        for part in ("stages", "reasons")
    }


@member_required()
def board_index(request: OrgRequest) -> HttpResponse:
    pipeline = selectors.default_pipeline()
    if pipeline is None:
        return render(request, "deals/board_empty.html", {})
    return redirect("deals:board", pipeline.pk)


@member_required()
def board(request: OrgRequest, pipeline_id: int) -> HttpResponse:
    pipeline = selectors.access_pipeline(pipeline_id)
    board_filter_, chosen = board_filter(request)
    columns = selectors.board(request.member, pipeline, board_filter_)
    lost_reasons = list(selectors.lost_reasons())
    context = {
        "pipeline": pipeline,
        "pipelines": Pipeline.objects.order_by("position", "id"),
        "columns": columns,
        "base_currency": request.organization.base_currency,
        "lost_reasons": lost_reasons,
        "move_options": move_options(columns, lost_reasons),
        "owners": owner_choices()[1:],
        "teams": Team.objects.order_by("name"),
        "chosen": chosen,
        "filter_query": _query(chosen),
        "can_edit": request.member.can(Permission.EDIT_SALES),
    }
    return render(request, "deals/board.html", context)


@member_required()
def board_more(request: OrgRequest, pipeline_id: int, stage_id: int) -> HttpResponse:
    """The next cards of one column, after the position and id of its last card shown (htmx)."""
    pipeline = selectors.access_pipeline(pipeline_id)
    stage = selectors.access_stage(stage_id)
    if stage.pipeline_id != pipeline.pk:
        return HttpResponse(status=404)
    position, _comma, last_id = request.GET.get("after", "").partition(",")
    try:
        after = (int(position), int(last_id))
    except ValueError:
        return HttpResponse(status=400)
    board_filter_, chosen = board_filter(request)
    cards, has_more = selectors.column_page(request.member, stage, board_filter_, after=after)
    context = {
        "pipeline": pipeline,
        "column": selectors.Column(stage, cards=cards),
        "cards": cards,
        "has_more": has_more,
        "move_options": move_options(
            [selectors.Column(other) for other in selectors.stages_of(pipeline)],
            list(selectors.lost_reasons()),
        ),
        "base_currency": request.organization.base_currency,
        "filter_query": _query(chosen),
        "can_edit": request.member.can(Permission.EDIT_SALES),
    }
    return render(request, "deals/_board_more.html", context)


def _wants_json(request: OrgRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _totals(request: OrgRequest, pipeline: Pipeline) -> dict[str, Any]:
    board_filter_, _chosen = board_filter(request)
    totals = selectors.column_totals(selectors.board_deals(request.member, pipeline, board_filter_))
    currency = request.organization.base_currency
    empty = (0, Decimal(0))
    return {
        str(stage.pk): {
            "count": totals.get(stage.pk, empty)[0],
            "total": money_short(totals.get(stage.pk, empty)[1], currency),
        }
        for stage in selectors.stages_of(pipeline)
    }


@member_required(Permission.EDIT_SALES)
@require_POST
def deal_move(request: OrgRequest, record_id: int) -> HttpResponse:
    """A card dropped in a column (or moved with the keyboard's control): stage, the card it was put
    after, and a lost reason for a lost stage. A page asking for JSON gets the columns' new counts
    and totals, or the reason of a refusal (the card then goes back); a plain form goes back to the board."""
    member = request.member
    deal = selectors.access_deal(member=member, record_id=record_id, write=True)
    stage_ids, after_ids, reasons = (
        _ids([request.POST.get(name, "")]) for name in ("stage", "after", "lost_reason")
    )
    version = request.POST.get("version") or None
    try:
        services.move_deal(
            deal=deal,
            member=member,
            stage_id=stage_ids[0] if stage_ids else None,
            after_id=after_ids[0] if after_ids else None,
            lost_reason_id=reasons[0] if reasons else None,
            expected_version=version,
        )
    except (DomainError, ValidationError) as error:
        message = error.message if isinstance(error, DomainError) else " ".join(error.messages)
        field = error.field if isinstance(error, DomainError) else None
        status = error.status_code if isinstance(error, DomainError) else 422
        if _wants_json(request):
            return JsonResponse({"error": message, "field": field}, status=status)
        messages.warning(request, message)
    else:
        if _wants_json(request):
            pipeline = Pipeline.objects.get(pk=deal.pipeline_id)
            return JsonResponse(
                {
                    "ok": True,
                    "version": record_version(deal),
                    "stage": deal.stage_id,
                    "columns": _totals(request, pipeline),
                }
            )
    query = request.POST.get("filters", "")
    url = reverse("deals:board", args=[deal.pipeline_id])
    return redirect(f"{url}?{query}" if query else url)
