"""The coach's review page of a checklist (views/review.py), and the practice
lead's read-only copy of it: the answers with their history, the changes
since the last review, the comments, files, stories and rehearsal take, the
reviews, and when the coach last reminded the candidate."""

from __future__ import annotations

import datetime
import zoneinfo
from dataclasses import dataclass, field

from django.utils import timezone

from ..lib.diffing import FieldChange, response_changes
from ..lib.prepared import Prepared
from ..lib.readiness import Readiness
from ..lib.writing import Finding
from ..models import (
    AnswerRevision,
    Assignment,
    AssignmentItem,
    Comment,
    ItemFile,
    ItemFileEvent,
    Notification,
    NotificationKind,
    RehearsalTake,
    Review,
    User,
)
from .checklists import by_item, checklist_comments, checklist_files, item_findings, items_of
from .notifications import zone_of
from .rehearsal import coach_take
from .stories import ItemStories, item_stories, submitted_stories


@dataclass(frozen=True)
class ItemRelations:
    """What the review page shows around a checklist's items, each relation
    read in one query and grouped by item id as plain lists (oldest first;
    the takes only the one sent to the coach). Not ``prefetch_related``: its
    per-item managers, and a queryset copied for every ``.all()`` the page
    makes, cost more than the reading itself (issue 25)."""

    comments: dict[int, list[Comment]]
    revisions: dict[int, list[AnswerRevision]]
    files: dict[int, list[ItemFile]]
    file_events: dict[int, list[ItemFileEvent]]
    takes: dict[int, list[RehearsalTake]]


# Each with one value, the checklist, prepared once (lib/prepared.py;
# selectors/checklists.py prepares the reads the checklist page shares).
_CHECKLIST = Assignment(pk=-7_000_000_001)
_REVISIONS = Prepared(
    AnswerRevision,
    lambda checklist: AnswerRevision.objects.filter(item__assignment=checklist).select_related(
        "author"
    ),
    checklist=_CHECKLIST,
)
_FILE_EVENTS = Prepared(
    ItemFileEvent,
    lambda checklist: ItemFileEvent.objects.filter(item__assignment=checklist).select_related(
        "author"
    ),
    checklist=_CHECKLIST,
)
# Only the take sent to the coach: the others are the candidate's own.
_COACH_TAKES = Prepared(
    RehearsalTake,
    lambda checklist: RehearsalTake.objects.sent_to_coach().filter(item__assignment=checklist),
    checklist=_CHECKLIST,
)
_REVIEWS = Prepared(
    Review,
    lambda checklist: Review.objects.filter(assignment=checklist).select_related("reviewer"),
    checklist=_CHECKLIST,
)


def item_relations(assignment: Assignment) -> ItemRelations:
    """The comments and their authors, the answer revisions and theirs, the
    files, the files' history and its authors, and the rehearsal take sent
    to the coach, of the checklist's items: five queries whatever their number."""
    return ItemRelations(
        comments=checklist_comments(assignment),
        revisions=by_item(_REVISIONS(checklist=assignment)),
        files=checklist_files(assignment),
        file_events=by_item(_FILE_EVENTS(checklist=assignment)),
        takes=by_item(_COACH_TAKES(checklist=assignment)),
    )


def checklist_reviews(assignment: Assignment) -> list[Review]:
    """A checklist's reviews, newest first, with their reviewers."""
    reviews = _REVIEWS(checklist=assignment)
    for review in reviews:
        review.assignment = assignment
    return reviews


@dataclass(frozen=True)
class ItemForReview:
    """One item as the review page reads it."""

    #: With its comments and revisions prefetched.
    item: AssignmentItem
    #: What changed since the latest review, field by field (empty when nothing
    #: did); None before the first review.
    changes: list[FieldChange] | None
    #: Required and still incomplete; never flagged before the candidate started.
    incomplete: bool
    #: The writing checks of the answer or draft (``item_findings``).
    findings: list[Finding] = field(default_factory=list)
    #: The stories the answer used, as submitted.
    stories: ItemStories = field(default_factory=ItemStories)
    #: The rehearsal take the candidate sent to the coach, if any.
    take: RehearsalTake | None = None
    #: Oldest first: the thread, the answer's versions, the files and their history.
    comments: list[Comment] = field(default_factory=list)
    revisions: list[AnswerRevision] = field(default_factory=list)
    files: list[ItemFile] = field(default_factory=list)
    file_events: list[ItemFileEvent] = field(default_factory=list)


@dataclass(frozen=True)
class ChecklistReview:
    """What the review page reads besides the checklist: the coach's page and
    the practice lead's read-only one draw the same things from it. Five
    queries whatever the number of items, comments, revisions, reviews,
    stories and takes."""

    rows: list[ItemForReview]
    #: Newest first.
    reviews: list[Review]
    readiness: Readiness
    #: The coach's latest "Remind now" (read only while the checklist is open).
    reminded: CoachReminder | None = None

    @property
    def items(self) -> list[AssignmentItem]:
        return [row.item for row in self.rows]

    @property
    def latest_review(self) -> Review | None:
        return self.reviews[0] if self.reviews else None

    @property
    def changed(self) -> list[ItemForReview]:
        return [row for row in self.rows if row.changes]


def _response_at(revisions: list[AnswerRevision], review: Review) -> dict:
    """The item's response as it stood when the review was written
    (``revisions``: the item's, oldest first)."""
    seen = AssignmentItem.EMPTY_RESPONSE
    for revision in revisions:
        if revision.created_at > review.created_at:
            break
        seen = revision.response()
    return seen


def checklist_review(assignment: Assignment, *, coach: User | None = None) -> ChecklistReview:
    """With ``coach`` (the coach's own page, not the lead's copy), also when
    they last used "Remind now", in their time zone (one query, while the
    checklist is open)."""
    items = items_of(assignment)
    related = item_relations(assignment)
    reviews = checklist_reviews(assignment)
    latest = reviews[0] if reviews else None
    started = assignment.status != Assignment.Status.ASSIGNED
    frozen = submitted_stories(assignment)
    times = {at for by_time in frozen.values() for at in by_time}
    # The submission the latest review read: the last one before it.
    reviewed_at = (
        max((at for at in times if at <= latest.created_at), default=None)
        if latest is not None
        else None
    )
    rows = [
        ItemForReview(
            item=item,
            changes=(
                None
                if latest is None
                else response_changes(
                    item.kind,
                    _response_at(related.revisions.get(item.pk, []), latest),
                    item.response(),
                )
            ),
            incomplete=item.required and not item.is_complete and started,
            findings=item_findings(
                item, assignment=assignment, items=items, uses_stories=item.pk in frozen
            ),
            stories=item_stories(
                frozen.get(item.pk, {}),
                latest_at=assignment.submitted_at,
                compare=latest is not None,
                reviewed_at=reviewed_at,
            )
            if item.pk in frozen
            else ItemStories(),
            take=coach_take(related.takes.get(item.pk, [])),
            comments=related.comments.get(item.pk, []),
            revisions=related.revisions.get(item.pk, []),
            files=related.files.get(item.pk, []),
            file_events=related.file_events.get(item.pk, []),
        )
        for item in items
    ]
    reminded = (
        last_coach_reminder(assignment, zone=zone_of(coach))
        if coach is not None and assignment.is_editable
        else None
    )
    return ChecklistReview(
        rows=rows, reviews=reviews, readiness=Readiness.of_items(items), reminded=reminded
    )


def next_submission(*, coach: User, excluding: Assignment) -> Assignment | None:
    """The submission waiting longest for ``coach``'s review, other than
    ``excluding`` (the one just reviewed): one query."""
    return (
        Assignment.objects.for_coach(coach)
        .awaiting_review()
        .exclude(pk=excluding.pk)
        .select_related("candidate")
        .order_by("submitted_at", "pk")
        .first()
    )


@dataclass(frozen=True)
class CoachReminder:
    """When the coach last used "Remind now" on a checklist."""

    at: datetime.datetime
    #: On the coach's calendar day of ``now``: the button waits for tomorrow.
    today: bool


def last_coach_reminder(
    assignment: Assignment, *, zone: zoneinfo.ZoneInfo, now: datetime.datetime | None = None
) -> CoachReminder | None:
    """The latest "Remind now" of a checklist (its candidate's notice), read
    with the coach's time ``zone``; None when it was never used."""
    user_id = assignment.candidate.user_id
    if user_id is None:
        return None
    at = (
        # The candidate's notices (indexed by user and time), newest first.
        Notification.objects.filter(
            user_id=user_id,
            kind=NotificationKind.COACH_REMINDER,
            object_key=f"assignment:{assignment.pk}",
        )
        .values_list("created_at", flat=True)
        .first()
    )
    if at is None:
        return None
    now = now or timezone.now()
    return CoachReminder(at=at, today=at.astimezone(zone).date() == now.astimezone(zone).date())
