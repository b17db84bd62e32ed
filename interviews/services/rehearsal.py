"""Rehearsal takes: keep a recording (or an uploaded audio file), mark one
"for my coach", delete, the coach's comment, and the retention sweep.

The rules (README, "Rehearsal"):

- Only the candidate records, marks and deletes, on their own written-answer
  items ("My answer") and their own stories.
- A take is kept, and "for my coach" changes, only while the checklist is
  editable (not while it is submitted, approved or withdrawn) or the story is
  not archived. Deleting is allowed at any time.
- One take per item (per story) is for the coach: marking one unmarks the
  others.
- Takes count against PRIVATE_FILES_QUOTA_BYTES together with item files.
- The worker's sweep deletes takes older than REHEARSAL_RETENTION_DAYS, except
  the one for the coach while its checklist is open (``OPEN_STATUSES``) or
  its story is not archived.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ..lib import files as lib_files
from ..models import (
    MAX_TAKE_SECONDS,
    Assignment,
    AssignmentItem,
    Candidate,
    RehearsalTake,
    RehearsalTimer,
    Story,
    User,
)
from ..selectors.rehearsal import rehearsable
from . import FileRefused, NotAllowed, WrongState
from .files import delete_bytes, quota_check

logger = logging.getLogger(__name__)

#: A checklist is "open" for the retention sweep while the coach may still
#: hear its take: not yet approved and not withdrawn (submitted included: the
#: coach is about to review it).
OPEN_STATUSES = (*Assignment.EDITABLE, Assignment.Status.SUBMITTED)
#: How many takes one sweep deletes at most; the next sweep goes on.
SWEEP_BATCH = 500


def clean_duration(value) -> int | None:
    """The browser's report of a take's length, in whole seconds, or None
    when it is missing or not believable (negative, not a number, longer
    than MAX_TAKE_SECONDS)."""
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        return None
    if not (0 <= seconds <= MAX_TAKE_SECONDS):  # also refuses NaN
        return None
    return round(seconds)


def clean_timer(value) -> int:
    """One of the timer choices (in seconds); anything else is "no timer"."""
    try:
        seconds = int(value)
    except (TypeError, ValueError):
        return RehearsalTimer.NONE
    return seconds if seconds in RehearsalTimer.values else RehearsalTimer.NONE


def _closed_reason(assignment: Assignment) -> str:
    return (
        f"This checklist is {assignment.get_status_display().lower()}: rehearsals can be "
        "kept and sent to your coach only while you can edit it. You can still listen to "
        "and delete your takes."
    )


def _archived_reason() -> str:
    return "This story is archived: restore it to rehearse it. You can still delete its takes."


def _owner_check(candidate: Candidate, by: User) -> None:
    if by.pk != candidate.user_id:
        raise NotAllowed("Only the candidate rehearses their own answers and stories.")


def take_add(
    *,
    upload,
    by: User,
    item: AssignmentItem | None = None,
    story: Story | None = None,
    duration_seconds=None,
    timer_seconds=0,
) -> RehearsalTake:
    """Keep a recording of a written-answer item of the candidate's editable
    checklist, or of one of their stories that is not archived.

    The bytes must be audio (``lib.files.check_audio``); the size cap and the
    quota shared with item files apply. All or nothing, as item_file_add: the
    bytes are stored first and deleted again if the row cannot be written."""
    if (item is None) == (story is None):
        raise ValueError("A take is of an item or of a story.")
    if item is not None:
        candidate = item.assignment.candidate
        _owner_check(candidate, by)
        if not rehearsable(item):
            raise NotAllowed("Only written answers (“My answer”) can be rehearsed.")
        if not item.assignment.is_editable:
            raise WrongState(_closed_reason(item.assignment))
    else:
        candidate = story.candidate
        _owner_check(candidate, by)
        if story.is_archived:
            raise WrongState(_archived_reason())
    try:
        checked = lib_files.check_audio(lib_files.read_upload(upload))
    except lib_files.FileRefused as exc:
        raise FileRefused(str(exc)) from None
    storage = lib_files.private_storage()
    key = storage.save(lib_files.new_key(lib_files.TAKES_PREFIX), ContentFile(checked.content))
    try:
        with transaction.atomic():
            # The candidate's row lock: two uploads at once cannot both fit the
            # quota; the checklist's (or story's): it cannot close meanwhile.
            Candidate.objects.select_for_update().get(pk=candidate.pk)
            if item is not None:
                locked = Assignment.objects.select_for_update().get(pk=item.assignment_id)
                if not locked.is_editable:
                    raise WrongState(_closed_reason(locked))
            else:
                if Story.objects.select_for_update().get(pk=story.pk).is_archived:
                    raise WrongState(_archived_reason())
            quota_check(candidate, checked.size, what="This recording")
            take = RehearsalTake.objects.create(
                candidate=candidate,
                item=item,
                story=story,
                key=key,
                content_type=checked.content_type,
                size=checked.size,
                sha256=checked.sha256,
                duration_seconds=clean_duration(duration_seconds),
                timer_seconds=clean_timer(timer_seconds),
            )
    except BaseException:
        storage.delete(key)
        raise
    return take


def _lock_subject(take: RehearsalTake) -> None:
    """Lock the take's checklist or story and check it still takes changes."""
    if take.item_id is not None:
        assignment = Assignment.objects.select_for_update().get(pk=take.item.assignment_id)
        if not assignment.is_editable:
            raise WrongState(_closed_reason(assignment))
    else:
        if Story.objects.select_for_update().get(pk=take.story_id).is_archived:
            raise WrongState(_archived_reason())


@transaction.atomic
def take_mark_for_coach(*, take: RehearsalTake, by: User, for_coach: bool) -> RehearsalTake:
    """Send this take to the coach (``for_coach``), unmarking the item's (or
    story's) other takes; or take it back. Only while the checklist is
    editable, or the story not archived: a submitted checklist's take is what
    the coach is hearing."""
    _owner_check(take.candidate, by)
    _lock_subject(take)
    take = RehearsalTake.objects.select_for_update().get(pk=take.pk)
    if take.for_coach == for_coach:
        return take
    if for_coach:
        siblings = (
            RehearsalTake.objects.filter(item_id=take.item_id)
            if take.item_id
            else RehearsalTake.objects.filter(story_id=take.story_id)
        )
        # First, so the one-per-item constraint never sees two.
        siblings.exclude(pk=take.pk).filter(for_coach=True).update(for_coach=False)
    take.for_coach = for_coach
    take.save(update_fields=["for_coach"])
    return take


@transaction.atomic
def take_delete(*, take: RehearsalTake, by: User) -> None:
    """Delete a take, whatever the state of its checklist or story (the
    candidate's own recording: they can always take it back). The bytes are
    deleted once the deletion is committed."""
    _owner_check(take.candidate, by)
    key = take.key
    RehearsalTake.objects.filter(pk=take.pk).delete()
    transaction.on_commit(lambda: delete_bytes([key]))


def _set_comment(take: RehearsalTake, body: str, by: User, now: datetime.datetime) -> bool:
    body = body.strip()
    if body == take.coach_comment:
        return False
    take.coach_comment = body
    take.comment_by = by if body else None
    take.commented_at = now if body else None
    take.save(update_fields=["coach_comment", "comment_by", "commented_at"])
    return True


def take_comments_save(
    *, assignment: Assignment, by: User, comments: dict[int, str], now: datetime.datetime
) -> int:
    """The coach's comments on the takes sent to them (by take id), saved with
    the review's verdict (services.checklists.assignment_review calls this in
    its transaction). A take deleted meanwhile, or one not of this checklist
    or not sent to the coach, is skipped. Returns how many changed."""
    if not comments:
        return 0
    takes = RehearsalTake.objects.select_for_update().filter(
        pk__in=list(comments), item__assignment=assignment, for_coach=True
    )
    return sum(_set_comment(take, comments[take.pk], by, now) for take in takes)


@transaction.atomic
def take_comment(*, take: RehearsalTake, by: User, body: str) -> bool:
    """The coach's comment on a story's take sent to them (an empty body
    removes it). Returns whether anything changed."""
    if by.pk != take.candidate.coach_id:
        raise NotAllowed("Only the candidate's coach comments on their rehearsals.")
    take = RehearsalTake.objects.select_for_update().get(pk=take.pk)
    if not take.for_coach:
        raise WrongState("This take is no longer sent to you: the candidate took it back.")
    return _set_comment(take, body, by, timezone.now())


def expired_takes(*, now: datetime.datetime):
    """Takes older than REHEARSAL_RETENTION_DAYS, except the one for the coach
    while its checklist is open or its story not archived."""
    cutoff = now - datetime.timedelta(days=settings.REHEARSAL_RETENTION_DAYS)
    kept = Q(for_coach=True) & (
        Q(item__assignment__status__in=OPEN_STATUSES)
        | Q(story__isnull=False, story__archived_at__isnull=True)
    )
    return RehearsalTake.objects.filter(created_at__lt=cutoff).exclude(kept)


def takes_expire(*, now: datetime.datetime) -> int:
    """The retention sweep (run by the worker's sweep, interviews/tasks.py):
    delete up to SWEEP_BATCH expired takes. The rows go in one transaction and
    the bytes once it is committed: a sweep killed before the commit leaves
    rows and bytes as they were; bytes that cannot be deleted after it are
    logged and found by ``manage.py private_files_orphans``."""
    with transaction.atomic():
        rows = list(
            expired_takes(now=now)
            .order_by("created_at", "pk")
            # Only the takes' rows: the checklists and stories read stay free.
            .select_for_update(of=("self",))
            .values_list("pk", "key")[:SWEEP_BATCH]
        )
        keys = [key for _, key in rows]
        deleted, _ = RehearsalTake.objects.filter(pk__in=[pk for pk, _ in rows]).delete()
        transaction.on_commit(lambda: delete_bytes(keys))
    if deleted:
        logger.info(
            "Deleted %s rehearsal take(s) older than %s days",
            deleted,
            settings.REHEARSAL_RETENTION_DAYS,
        )
    return deleted
