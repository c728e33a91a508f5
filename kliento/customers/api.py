"""API of customer cards: contacts, companies, lifecycle, consent, custom fields, tags and search.

Schemas check shapes, types and lengths (a wrong one is a 422 naming the field, unknown fields
included); services check the rules, so the API, pages and imports refuse the same input;
selectors decide what the member may see, and anything else is a plain 404.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Status
from pydantic import BaseModel

from kliento.api.concurrency import if_match, set_etag
from kliento.core.counting import count_rows
from kliento.core.pagination import keyset_page
from kliento.core.requests import OrgRequest
from kliento.customers import selectors, services
from kliento.customers.kinds import CUSTOMER_KINDS, CustomerKind
from kliento.customers.models import Consent, LifecycleTransition, Tag
from kliento.customers.schemas import (
    BulkIn,
    BulkOut,
    ChannelName,
    ConsentIn,
    ConsentOut,
    ListCount,
    ListParams,
    TagIn,
    TagOut,
    TagPage,
    TagParams,
    TransitionIn,
    TransitionOut,
)

router = Router(tags=["customers"])


# Contacts and companies: one set of endpoints per customer kind (`kinds.py`), under the kind's
# plural (`/contacts`, `/companies`). The functions and their OpenAPI operation ids are named for
# the kind (`list_contacts`, `read_company`, …) and the record's id for its kind (`contact_id`),
# as clients and the published document know them.


def _endpoint(
    view: Callable[..., Any], name: str, kind: CustomerKind, *, record_id: str | None, **annotations: Any
) -> Callable[..., Any]:
    """The view as the kind's endpoint `name`: its record id parameter renamed `record_id` (the
    path's), the schemas of its payload and answer given, for Ninja, which reads the signature."""
    signature = inspect.signature(view)
    parameters = [
        parameter.replace(
            name=record_id if parameter.name == "record_id" and record_id else parameter.name,
            annotation=annotations.get(parameter.name, parameter.annotation),
        )
        for parameter in signature.parameters.values()
    ]

    @functools.wraps(view)
    def endpoint(request: OrgRequest, **arguments: Any) -> Any:
        if record_id:
            arguments["record_id"] = arguments.pop(record_id)
        return view(request, kind=kind, **arguments)

    endpoint.__name__ = endpoint.__qualname__ = name
    # Read by inspect.signature(), and so by Ninja; functions do not declare it.
    endpoint.__signature__ = signature.replace(  # type: ignore[attr-defined]
        parameters=[parameter for parameter in parameters if parameter.name != "kind"]
    )
    return endpoint


# Lists: rows of only the columns the items show, the tags in one more query, no COUNT.


def _filtered(request: OrgRequest, kind: CustomerKind) -> tuple[QuerySet[Any], list[str]]:
    member = request.member
    query = selectors.parse_list_query(kind.key, request.GET, member=member)
    return selectors.filtered_customers(query, member=member)


def list_customers(request: OrgRequest, params: Query[ListParams], *, kind: CustomerKind) -> HttpResponse:
    queryset, ordering = _filtered(request, kind)
    # The sort columns too: the cursor is made of the last row's values.
    rows = queryset.values(*dict.fromkeys([*kind.item_columns, *(name.lstrip("-") for name in ordering)]))
    page = keyset_page(rows, ordering=ordering, cursor=params.cursor, limit=params.limit)
    tags = selectors.tags_of_page(kind.model, [row["id"] for row in page.items])
    for row in page.items:
        row["tags"] = [name for name, _color in tags[row["id"]]]
        kind.item_extras(row)
    answer = kind.schema_page(items=page.items, next_cursor=page.next_cursor)
    return HttpResponse(answer.model_dump_json(), content_type="application/json; charset=utf-8")


def count_customers(request: OrgRequest, params: Query[ListParams], *, kind: CustomerKind) -> ListCount:
    queryset, _ordering = _filtered(request, kind)
    count = count_rows(queryset)
    return ListCount(count=count.value, is_estimate=count.is_estimate)


def create_customer(request: OrgRequest, payload: BaseModel, *, kind: CustomerKind) -> Status[Any]:
    record = kind.create(member=request.member, data=payload.model_dump(exclude_unset=True))
    return Status(201, record)


def bulk_customers(request: OrgRequest, payload: BulkIn, *, kind: CustomerKind) -> dict[str, int]:
    count = services.bulk_update_customers(
        kind.model,
        payload.ids,
        member=request.member,
        action=payload.action,
        value=payload.value,
        reason=payload.reason,
    )
    return {"count": count}


def read_customer(request: OrgRequest, record_id: int, response: HttpResponse, *, kind: CustomerKind) -> Any:
    record = kind.access(member=request.member, record_id=record_id)
    set_etag(response, record)
    return record


def update_customer(
    request: OrgRequest, record_id: int, payload: BaseModel, response: HttpResponse, *, kind: CustomerKind
) -> Any:
    member = request.member
    record = kind.access(member=member, record_id=record_id, write=True)
    record = kind.update(
        record=record,
        member=member,
        data=payload.model_dump(exclude_unset=True),
        expected_version=if_match(request),
    )
    set_etag(response, record)
    return record


def delete_customer(request: OrgRequest, record_id: int, *, kind: CustomerKind) -> Status[None]:
    member = request.member
    record = kind.access(member=member, record_id=record_id)
    services.delete_customer(customer=record, member=member, expected_version=if_match(request))
    return Status(204, None)


def customer_transitions(
    request: OrgRequest, record_id: int, *, kind: CustomerKind
) -> QuerySet[LifecycleTransition]:
    return selectors.transitions_of(kind.access(member=request.member, record_id=record_id))


def change_customer_stage(
    request: OrgRequest, record_id: int, payload: TransitionIn, *, kind: CustomerKind
) -> Status[LifecycleTransition]:
    member = request.member
    record = kind.access(member=member, record_id=record_id, write=True)
    transition = services.change_lifecycle_stage(
        customer=record,
        to_stage=payload.to_stage,
        reason=payload.reason,
        actor=member.user,
        member=member,
        expected_version=if_match(request),
    )
    return Status(201, transition)


def _add_kind_endpoints(kind: CustomerKind) -> None:
    key, plural, tags = kind.key, kind.plural, [kind.plural]
    one = f"/{plural}/{{{key}_id}}"
    endpoints: list[tuple[str, str, Callable[..., Any], str, Any, str, Any]] = [
        # (method, path, view, name, answer, description, payload)
        ("get", f"/{plural}", list_customers, f"list_{plural}", kind.schema_page,
         f"The {plural} this key or member may see, filtered and sorted as on the list page.", None),
        ("get", f"/{plural}/count", count_customers, f"count_{plural}", ListCount,
         f"How many {plural} the list with these filters holds; the list itself never counts.", None),
        ("post", f"/{plural}", create_customer, f"create_{key}", {201: kind.schema_out},
         f"A new {key}, validated as a whole.", kind.schema_in),
        ("post", f"/{plural}/bulk", bulk_customers, f"bulk_{plural}", BulkOut,
         f"One action on many visible {plural}; each one changed gets its own history entry, and all"
         " of them one batch id. `reason` goes with a change of stage, as for a single move.", None),
        ("get", one, read_customer, f"read_{key}", kind.schema_out,
         f"The {key}, with its version as the ETag to send back in If-Match when changing it.", None),
        ("patch", one, update_customer, f"update_{key}", kind.schema_out,
         "Change only the fields sent; lists (tags, a contact's emails and phones), when sent, replace"
         f" theirs. With If-Match, a 412 if the {key} changed since that ETag.", kind.schema_patch),
        ("delete", one, delete_customer, f"delete_{key}", {204: None},
         f"Move the {key} to the trash, from where it can be restored; If-Match as for PATCH.", None),
        ("get", f"{one}/lifecycle", customer_transitions, f"{key}_transitions", list[TransitionOut],
         f"The {key}'s moves between lifecycle stages, newest first.", None),
        ("post", f"{one}/lifecycle", change_customer_stage, f"change_{key}_stage", {201: TransitionOut},
         f"Move the {key} to another lifecycle stage; a move the rules forbid is a 409.", None),
    ]  # fmt: skip
    for method, path, view, name, answer, description, payload in endpoints:
        annotations = {"payload": payload} if payload is not None else {}
        endpoint = _endpoint(view, name, kind, record_id=f"{key}_id" if "{" in path else None, **annotations)
        router.api_operation(
            [method.upper()],
            path,
            response=answer,
            tags=tags,
            description=description,
            operation_id=f"kliento_customers_api_{name}",
        )(endpoint)


for _kind in CUSTOMER_KINDS.values():
    _add_kind_endpoints(_kind)


# Consent (contacts only)


@router.put("/contacts/{contact_id}/consents/{channel}", response=ConsentOut, tags=["contacts"])
def set_contact_consent(
    request: OrgRequest, contact_id: int, channel: ChannelName, payload: ConsentIn
) -> Consent:
    """Record that the contact gave (or withdrew) consent to be contacted on this channel."""
    member = request.member
    contact = selectors.access_contact(member=member, contact_id=contact_id, write=True)
    return services.set_consent(
        contact=contact,
        channel=channel,
        granted=payload.granted,
        method=payload.method,
        note=payload.note,
        member=member,
    )


# Tags


@router.get("/tags", response=TagPage, tags=["tags"])
def list_tags(request: OrgRequest, params: Query[TagParams]) -> dict[str, Any]:
    tags = Tag.objects.all()
    if params.q.strip():
        tags = tags.filter(name__istartswith=params.q.strip())
    page = keyset_page(tags, ordering=["name", "id"], cursor=params.cursor, limit=params.limit)
    return {"items": page.items, "next_cursor": page.next_cursor}


@router.post("/tags", response={201: TagOut}, tags=["tags"])
def create_tag(request: OrgRequest, payload: TagIn) -> Status[Tag]:
    return Status(201, services.create_tag(member=request.member, name=payload.name, color=payload.color))


@router.delete("/tags/{tag_id}", response={204: None}, tags=["tags"])
def delete_tag(request: OrgRequest, tag_id: int) -> Status[None]:
    services.delete_tag(member=request.member, tag=get_object_or_404(Tag.objects, pk=tag_id))
    return Status(204, None)
