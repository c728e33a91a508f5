"""Every write of the activities app: notes (with mentions and attachments) and calls, each in one
transaction with its audit entry."""

from __future__ import annotations

import datetime
import mimetypes
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from kliento.activities import hooks
from kliento.activities.models import BODY_MAX, Activity, Attachment, Call, Direction, Mention
from kliento.activities.selectors import normalized_number
from kliento.core.audit import column_values, create_record, lock_record, record_change, save_changed_fields
from kliento.core.errors import InvalidInput
from kliento.core.models import AuditEntry, Membership, User
from kliento.core.text import text_problem

MAX_ATTACHMENTS = 10
MAX_CALL_SECONDS = 86_400
FOLLOW_UP_NOTE_MAX = 300


def _check_body(body: str, *, required: bool) -> str:
    body = body.strip()
    if required and not body:
        raise InvalidInput(_("Write something in the note."), field="body")
    if len(body) > BODY_MAX:
        raise InvalidInput(
            _("Keep the text under %(max)s characters.") % {"max": f"{BODY_MAX:,}"}, field="body"
        )
    problem = text_problem(body, multiline=True)
    if problem:
        raise InvalidInput(problem, field="body")
    return body


def _check_moment(value: datetime.datetime | None, field: str) -> datetime.datetime:
    if value is None:
        return timezone.now()
    if timezone.is_naive(value):
        raise InvalidInput(_("Give the time with its time zone."), field=field)
    if value > timezone.now() + datetime.timedelta(minutes=5):
        raise InvalidInput(_("This time is in the future."), field=field)
    return value


def mentioned_members(user_ids: Iterable[int], *, author: User | None) -> list[User]:
    """The active members of the organization named by id; anyone else is refused by name."""
    wanted = list(dict.fromkeys(user_ids))
    if not wanted:
        return []
    members = {
        membership.user_id: membership.user
        for membership in Membership.objects.active().filter(user_id__in=wanted).select_related("user")
    }
    missing = [user_id for user_id in wanted if user_id not in members]
    if missing:
        raise InvalidInput(
            _("Only members of this organization can be mentioned; %(count)s of the people named are not.")
            % {"count": len(missing)},
            field="mentions",
        )
    return [members[user_id] for user_id in wanted if author is None or user_id != author.pk]


def attachment_type(upload: UploadedFile) -> str:
    """The type the file is stored and served as, from its name: what a browser would take it for."""
    guessed, _encoding = mimetypes.guess_type(upload.name or "")
    return guessed or "application/octet-stream"


def check_attachments(files: Sequence[UploadedFile]) -> list[tuple[UploadedFile, str]]:
    """Each file with its type, or a refusal naming the first file over the limits."""
    if len(files) > MAX_ATTACHMENTS:
        raise InvalidInput(
            _("Attach at most %(max)s files to one note.") % {"max": MAX_ATTACHMENTS}, field="attachments"
        )
    checked = []
    for upload in files:
        name = upload.name or ""
        if (upload.size or 0) > settings.KLIENTO_ATTACHMENT_MAX_BYTES:
            raise InvalidInput(
                _("%(name)s is larger than %(limit)s, the largest file allowed.")
                % {"name": name, "limit": filesizeformat(settings.KLIENTO_ATTACHMENT_MAX_BYTES)},
                field="attachments",
            )
        content_type = attachment_type(upload)
        if content_type not in settings.KLIENTO_ATTACHMENT_TYPES:
            raise InvalidInput(
                _("%(name)s is of a type that cannot be attached (%(type)s).")
                % {"name": name, "type": content_type},
                field="attachments",
            )
        if not name or len(name) > 200 or text_problem(name):
            raise InvalidInput(_("Rename the file: its name cannot be stored."), field="attachments")
        checked.append((upload, content_type))
    return checked


def _subject_of(kind: str, record: Any) -> dict[str, Any]:
    return {"subject_kind": kind, "subject_id": record.pk}


@transaction.atomic
def add_note(
    *,
    member: Membership,
    kind: str,
    record: Any,
    body: str,
    mentions: Iterable[int] = (),
    files: Sequence[UploadedFile] = (),
    occurred_at: datetime.datetime | None = None,
) -> Activity:
    """A note on a record's timeline, with the colleagues it mentions (told once it is stored) and
    its files; every check runs before anything is written."""
    author = member.user
    body = _check_body(body, required=not files)
    moment = _check_moment(occurred_at, "occurred_at")
    users = mentioned_members(mentions, author=author)
    uploads = check_attachments(files)
    note = create_record(
        Activity(
            **_subject_of(kind, record),
            kind=Activity.Kind.NOTE,
            occurred_at=moment,
            author=author,
            body=body,
            participants=[user.full_name or user.email for user in users],
        ),
        actor=author,
        related={"mentions": [user.pk for user in users]},
        checked=["author"],
    )
    Mention.objects.bulk_create(
        [Mention(organization_id=note.organization_id, activity=note, user=user) for user in users]
    )
    _store_attachments(note, uploads, author=author)
    hooks.mentioned(hooks.Mentioned(activity=note, users=tuple(users), author=author))
    return note


def _store_attachments(note: Activity, uploads: list[tuple[UploadedFile, str]], *, author: User) -> None:
    """Write the files and their rows; the storage is no database, so a failure on the way removes
    the files already written before the transaction rolls the rows back."""
    written: list[Attachment] = []
    try:
        for upload, content_type in uploads:
            attachment = Attachment(
                organization_id=note.organization_id,
                activity=note,
                name=upload.name or "",
                content_type=content_type,
                size=upload.size or 0,
                created_by=author,
                updated_by=author,
            )
            attachment.file.save(upload.name or "file", upload, save=False)
            written.append(attachment)
            attachment.save()
    except BaseException:
        for attachment in written:
            attachment.file.delete(save=False)
        raise


def _check_call(
    *,
    direction: str,
    outcome: str,
    duration_seconds: int | None,
    follow_up_note: str,
    body: str,
) -> str:
    if direction not in Direction.values:
        raise InvalidInput(_("Choose whether the call came in or went out."), field="direction")
    if outcome not in Call.Outcome.values:
        raise InvalidInput(_("Choose how the call went."), field="outcome")
    if duration_seconds is not None and not 0 <= duration_seconds <= MAX_CALL_SECONDS:
        raise InvalidInput(_("Give a duration between 0 and 24 hours."), field="duration_seconds")
    if len(follow_up_note) > FOLLOW_UP_NOTE_MAX or text_problem(follow_up_note):
        raise InvalidInput(
            text_problem(follow_up_note) or _("Keep the follow-up under 300 characters."),
            field="follow_up_note",
        )
    return _check_body(body, required=False)


def _call_details(call: Call) -> dict[str, Any]:
    details: dict[str, Any] = {"outcome": call.outcome, "duration_seconds": call.duration_seconds}
    if call.follow_up_at or call.follow_up_note:
        details["follow_up"] = {
            "at": call.follow_up_at.isoformat() if call.follow_up_at else None,
            "note": call.follow_up_note,
        }
    if call.customer_number:
        details["number"] = call.customer_number
    return details


@transaction.atomic
def log_call(
    *,
    member: Membership,
    kind: str,
    record: Any,
    direction: str,
    outcome: str,
    duration_seconds: int | None = None,
    body: str = "",
    occurred_at: datetime.datetime | None = None,
    follow_up_at: datetime.datetime | None = None,
    follow_up_note: str = "",
    number: str = "",
    call: Call | None = None,
) -> Call:
    """A call on a record's timeline: a new one logged by hand, or (given `call`) the outcome of a
    call the telephony reported, which then joins this record's timeline. A follow-up wish is kept
    on the call and handed to the tasks app's hook."""
    author = member.user
    body = _check_call(
        direction=direction,
        outcome=outcome,
        duration_seconds=duration_seconds,
        follow_up_note=follow_up_note.strip(),
        body=body,
    )
    follow_up_note = follow_up_note.strip()
    if follow_up_at is not None and timezone.is_naive(follow_up_at):
        raise InvalidInput(_("Give the time with its time zone."), field="follow_up_at")
    region = member.organization.default_region
    if call is not None:
        lock_record(call)
        if call.activity_id is not None:
            raise InvalidInput(_("This call is already logged."), field="call")
        before = column_values(call)
        call.outcome = outcome
        call.agent = call.agent or author
        call.follow_up_at, call.follow_up_note = follow_up_at, follow_up_note
        if call.duration_seconds is None and duration_seconds is not None:
            call.duration_seconds = duration_seconds
        moment = call.started_at
        direction = call.direction
    else:
        moment = _check_moment(occurred_at, "occurred_at")
        answered = outcome == Call.Outcome.ANSWERED
        call = Call(
            provider="",
            direction=direction,
            customer_number=normalized_number(number, region) if number else "",
            status=Call.Status.COMPLETED if answered else Call.Status.MISSED,
            outcome=outcome,
            started_at=moment,
            answered_at=moment if answered else None,
            ended_at=moment + datetime.timedelta(seconds=duration_seconds or 0),
            duration_seconds=duration_seconds if answered else (duration_seconds or 0),
            agent=author,
            follow_up_at=follow_up_at,
            follow_up_note=follow_up_note,
        )
        before = None
    activity = create_record(
        Activity(
            **_subject_of(kind, record),
            kind=Activity.Kind.CALL,
            direction=direction,
            occurred_at=moment,
            author=author,
            body=body,
            participants=[call.customer_number] if call.customer_number else [],
            details=_call_details(call),
        ),
        actor=author,
        checked=["author"],
    )
    call.activity = activity
    if direction == Direction.OUTBOUND:
        hooks.outbound_logged(hooks.Outbound(activity=activity, author=author))
    if before is None:
        call = create_record(call, actor=author, checked=["agent", "activity"])
    else:
        changes = save_changed_fields(call, before, actor=author)
        if changes:
            record_change(call, action=AuditEntry.Action.UPDATE, actor=author, changes=changes)
    if follow_up_at is not None or follow_up_note:
        hooks.follow_up_wished(
            hooks.FollowUpWished(call=call, due_at=follow_up_at, note=follow_up_note, author=author)
        )
    return call


def validation_error_of(error: InvalidInput) -> ValidationError:
    return ValidationError({error.field or "__all__": [error.message]})
