"""Checklists: assigning (and changing the date and instructions, reminding
the candidate), saving answers (optimistic locking, every change a
revision), the stories a written answer uses, submitting (which freezes
those stories), reviewing, withdrawing, comments.
"""

from __future__ import annotations

import datetime
import zoneinfo
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from ..lib.bulk import rows_update
from ..models import (
    AnswerRevision,
    Assignment,
    AssignmentItem,
    Candidate,
    ChecklistTemplate,
    Comment,
    InterviewRound,
    ItemKind,
    ItemStory,
    Notification,
    Review,
    Story,
    SubmittedStory,
    User,
)
from ..selectors import notifications as notifications_selectors
from ..selectors import review as review_selectors
from . import Conflict, EditConflict, IncompleteItems, NotAllowed, WrongState, emails
from .caseload import invitation_issue
from .library import check_visible
from .rehearsal import take_comments_save
from .rounds import require_started

# ---------------------------------------------------------------- assignments


#: A checklist for a round is due this many days before the interview unless
#: the coach picks another date: its "due today" and "overdue" reminders then
#: come on the two days before it, never on the interview's day
#: (services/reminders.py).
DUE_DAYS_BEFORE_INTERVIEW = 2


def default_due_date(round: InterviewRound | None, tz_name: str) -> datetime.date | None:
    """Two days before the interview, in the coach's time zone; today when
    that has passed (never a date in the past)."""
    if round is None or round.scheduled_at is None:
        return None
    zone = zoneinfo.ZoneInfo(tz_name)
    local = round.scheduled_at.astimezone(zone)
    today = timezone.now().astimezone(zone).date()
    return max(local.date() - datetime.timedelta(days=DUE_DAYS_BEFORE_INTERVIEW), today)


@transaction.atomic
def assignment_create(
    *,
    coach: User,
    candidate: Candidate,
    template: ChecklistTemplate,
    round: InterviewRound | None = None,
    due_date: datetime.date | None = None,
    instructions: str = "",
    send_invitation: bool = False,
) -> Assignment:
    """Give a candidate a checklist copied from a template (later template edits
    do not change it) and email them about it, truthfully: a joined candidate gets
    the link; one who has not joined gets, with ``send_invitation``, a fresh
    invitation link in the same email; a pending invitation is pointed at; a
    candidate never invited gets no email at all (they could not log in)."""
    candidate = Candidate.objects.select_for_update().get(pk=candidate.pk)
    if candidate.coach_id != coach.pk:
        raise NotAllowed("You can only assign checklists to your own candidates.")
    if candidate.archived:
        raise WrongState(f"{candidate} is archived. Restore them before assigning a checklist.")
    if round is not None and round.opportunity.candidate_id != candidate.pk:
        raise NotAllowed("That interview round belongs to another candidate.")
    check_visible(template, coach)
    items = list(template.items.all())
    if not items:
        raise WrongState(f"The template “{template}” has no items yet. Add some first.")
    if due_date is None:
        due_date = default_due_date(round, coach.time_zone)
    assignment = Assignment.objects.create(
        candidate=candidate,
        round=round,
        template=template,
        title=template.title,
        description=template.description,
        instructions=instructions,
        due_date=due_date,
        status=Assignment.Status.ASSIGNED,
    )
    AssignmentItem.objects.bulk_create(
        AssignmentItem(
            assignment=assignment,
            position=n,
            kind=item.kind,
            prompt=item.prompt,
            guidance=item.guidance,
            required=item.required,
            question_id=item.question_id,
        )
        for n, item in enumerate(items, start=1)
    )
    token = None
    if candidate.user_id is None and send_invitation:
        _invitation, token = invitation_issue(candidate)
    emails.send_assignment_created(assignment, invitation_token=token)
    return assignment


@dataclass(frozen=True)
class AssignmentUpdate:
    """What ``assignment_update`` changed, and whether the candidate was told."""

    assignment: Assignment
    due_date_changed: bool
    instructions_changed: bool
    candidate_told: bool

    @property
    def changed(self) -> bool:
        return self.due_date_changed or self.instructions_changed


@transaction.atomic
def assignment_update(
    *, assignment: Assignment, by: User, due_date: datetime.date | None, instructions: str
) -> AssignmentUpdate:
    """The coach moves a checklist's due date or rewrites its instructions, until
    it is approved or withdrawn. The candidate is told (a notice and an email,
    once they have joined). Reminders key on the due date, so a new date
    re-arms them: "due soon", "due today" and "overdue" come again for it."""
    assignment = _lock_for_coach(assignment, by)
    if assignment.status in (Assignment.Status.APPROVED, Assignment.Status.WITHDRAWN):
        raise WrongState(
            f"This checklist is {assignment.get_status_display().lower()}: its due date and "
            "instructions can no longer be changed."
        )
    instructions = instructions.strip().replace("\r\n", "\n")
    previous_due = assignment.due_date
    due_changed = due_date != previous_due
    instructions_changed = instructions != assignment.instructions
    if not (due_changed or instructions_changed):
        return AssignmentUpdate(assignment, False, False, candidate_told=False)
    assignment.due_date = due_date
    assignment.instructions = instructions
    assignment.save(update_fields=["due_date", "instructions", "updated_at"])
    told = emails.send_assignment_updated(
        assignment,
        previous_due=previous_due,
        due_date_changed=due_changed,
        instructions_changed=instructions_changed,
    )
    return AssignmentUpdate(assignment, due_changed, instructions_changed, candidate_told=told)


@transaction.atomic
def assignment_remind(*, assignment: Assignment, by: User) -> Notification:
    """The coach's "Remind now": one notice and email to the candidate about an
    open checklist (what is left, when it is due), at most once per checklist
    a day, the coach's calendar day. The day is the notice's occasion, so the
    database's unique constraint holds the limit even against a double click."""
    assignment = _lock_for_coach(assignment, by)
    candidate = assignment.candidate
    if candidate.archived:
        raise WrongState(f"{candidate} is archived. Restore them before reminding them.")
    if assignment.status not in Assignment.EDITABLE:
        raise WrongState(
            f"This checklist is {assignment.get_status_display().lower()}: there is nothing "
            f"open for {candidate} to finish, so no reminder was sent."
        )
    if candidate.user is None or not candidate.user.is_active:
        raise WrongState(
            f"{candidate} has not joined Coachsite yet, so a reminder could not reach them. "
            "Send them the invitation from their page: it leads to this checklist."
        )
    coach_zone = notifications_selectors.zone_of(by)
    today = timezone.now().astimezone(coach_zone).date()
    last = review_selectors.last_coach_reminder(assignment, zone=coach_zone)
    if last is not None and last.today:
        raise WrongState(_reminded_today(candidate, last.at, coach_zone))
    notification = emails.send_coach_reminder(assignment, by=by, day=today)
    if notification is None:  # another request made today's a moment ago
        last = review_selectors.last_coach_reminder(assignment, zone=coach_zone)
        raise WrongState(_reminded_today(candidate, last.at if last else None, coach_zone))
    return notification


def _reminded_today(
    candidate: Candidate, at: datetime.datetime | None, zone: zoneinfo.ZoneInfo
) -> str:
    when = f" at {at.astimezone(zone):%H:%M}" if at is not None else ""
    return (
        f"You already reminded {candidate} about this checklist today{when}. "
        "One reminder a day: you can send the next one tomorrow."
    )


def _lock(assignment: Assignment) -> Assignment:
    """Re-read the assignment with its row locked until the transaction ends."""
    return (
        # Lock only the assignment row: PostgreSQL refuses FOR UPDATE on the
        # nullable side of the outer join to candidate.user.
        Assignment.objects.select_for_update(of=("self",))
        .select_related("candidate__coach", "candidate__user")
        .get(pk=assignment.pk)
    )


def _lock_for_candidate(assignment: Assignment, by: User) -> Assignment:
    locked = _lock(assignment)
    if locked.candidate.user_id != by.pk:
        raise NotAllowed("Only the candidate can change their checklist.")
    return locked


def _lock_for_coach(assignment: Assignment, by: User) -> Assignment:
    locked = _lock(assignment)
    if locked.candidate.coach_id != by.pk:
        raise NotAllowed("Only the candidate's coach can do this.")
    return locked


def _require_editable(assignment: Assignment) -> None:
    if assignment.status not in Assignment.EDITABLE:
        if assignment.status == Assignment.Status.SUBMITTED:
            raise WrongState(
                "This checklist has been submitted and is waiting for your coach's review; "
                "it cannot be changed until the coach responds."
            )
        raise WrongState(
            f"This checklist is {assignment.get_status_display().lower()} and can no longer "
            "be changed."
        )


def _normalise(values: dict) -> dict:
    clean = {}
    for name in AssignmentItem.RESPONSE_FIELDS:
        if name not in values:
            continue
        value = values[name]
        if name == "done":
            clean[name] = bool(value)
        else:
            value = (value or "").replace("\r\n", "\n")
            clean[name] = "" if not value.strip() else value
    return clean


def _response_at(item: AssignmentItem, version: int, revisions: dict) -> dict:
    """The response as it stood at ``version`` (version 1 is the empty start)."""
    revision = revisions.get((item.pk, version))
    return revision.response() if revision else dict(AssignmentItem.EMPTY_RESPONSE)


@dataclass
class SaveResult:
    changed: list[AssignmentItem] = field(default_factory=list)
    replies: list[Comment] = field(default_factory=list)


@transaction.atomic
def assignment_save(
    *,
    assignment: Assignment,
    by: User,
    responses: dict[int, tuple[int, dict]],
    replies: dict[int, str] | None = None,
) -> SaveResult:
    """Save the candidate's responses: ``{item_id: (version_seen, values)}``, and
    post their replies typed in the same form: ``{item_id: body}`` (blank ones
    are skipped).

    Only items whose value differs from what is stored change, each one writing
    an AnswerRevision. If another tab changed an item after the user loaded it
    (its version moved on) and this save would change it too, the whole save is
    refused with EditConflict and nothing is written, replies included: no
    silent overwrite, and nothing half done.
    """
    assignment = _lock_for_candidate(assignment, by)
    _require_editable(assignment)
    items = {item.pk: item for item in assignment.items.select_for_update()}
    replies = {pk: body.strip() for pk, body in (replies or {}).items() if body.strip()}
    unknown = (set(responses) | set(replies)) - set(items)
    if unknown:
        raise NotAllowed("Some of the items sent do not belong to this checklist.")

    stale_pairs = [
        (pk, version) for pk, (version, _) in responses.items() if items[pk].version != version
    ]
    revisions = {}
    if stale_pairs:
        for revision in AnswerRevision.objects.filter(
            item_id__in=[pk for pk, _ in stale_pairs],
            item_version__in={version for _, version in stale_pairs},
        ):
            revisions[(revision.item_id, revision.item_version)] = revision

    to_change: list[tuple[AssignmentItem, dict]] = []
    conflicts: list[Conflict] = []
    for pk, (version, values) in responses.items():
        item = items[pk]
        stored = item.response()
        new = {**stored, **_normalise(values)}
        if new == stored:
            continue
        if item.version != version:
            seen = {**stored, **_response_at(item, version, revisions)}
            if new == seen:
                # The user did not touch this item; keep the newer stored value.
                continue
            conflicts.append(Conflict(item=item, mine=new))
            continue
        to_change.append((item, new))
    if conflicts:
        raise EditConflict(conflicts)

    now = timezone.now()
    # One UPDATE and one INSERT however many items changed.
    for item, new in to_change:
        for name, value in new.items():
            setattr(item, name, value)
        item.version += 1
        item.updated_at = now
    rows_update(
        [item for item, _ in to_change],
        [*AssignmentItem.RESPONSE_FIELDS, "version", "updated_at"],
    )
    AnswerRevision.objects.bulk_create(
        AnswerRevision(item=item, author=by, created_at=now, item_version=item.version, **new)
        for item, new in to_change
    )
    update_fields = []
    if assignment.status == Assignment.Status.ASSIGNED:
        assignment.status = Assignment.Status.IN_PROGRESS
        update_fields.append("status")
    if update_fields or to_change:  # updated_at: when the checklist last changed
        assignment.save(update_fields=[*update_fields, "updated_at"])
    posted = Comment.objects.bulk_create(
        Comment(item=items[pk], author=by, body=body, created_at=now)
        for pk, body in sorted(replies.items(), key=lambda pair: items[pair[0]].position)
    )
    return SaveResult(changed=[item for item, _ in to_change], replies=posted)


@transaction.atomic
def assignment_submit(*, assignment: Assignment, by: User) -> Assignment:
    """Submit for review; every required item must be complete."""
    assignment = _lock_for_candidate(assignment, by)
    _require_editable(assignment)
    missing = [item for item in assignment.items.all() if item.required and not item.is_complete]
    if missing:
        raise IncompleteItems(missing)
    assignment.status = Assignment.Status.SUBMITTED
    assignment.submitted_at = timezone.now()
    assignment.save(update_fields=["status", "submitted_at", "updated_at"])
    _freeze_stories(assignment)
    emails.send_assignment_submitted(assignment)
    return assignment


def _freeze_stories(assignment: Assignment) -> None:
    """Copy every story the checklist's items use, as it stands now, into the
    submission: the review, its diff and the history show what the coach
    was sent even after the story changes. Three queries whatever the count."""
    links = ItemStory.objects.filter(item__assignment=assignment).select_related("story")
    links = list(links.prefetch_related("story__tags").order_by("item_id", "position", "pk"))
    SubmittedStory.objects.bulk_create(
        SubmittedStory(
            item_id=link.item_id,
            story=link.story,
            submitted_at=assignment.submitted_at,
            position=position,
            story_version=link.story.version,
            tag_names=[tag.name for tag in link.story.tags.all()],
            **link.story.content(),
        )
        for position, link in _numbered(links)
    )


def _numbered(links: list[ItemStory]):
    """(1, 2, … per item, link): the frozen order of each item's stories."""
    counts: dict[int, int] = {}
    for link in links:
        counts[link.item_id] = counts.get(link.item_id, 0) + 1
        yield counts[link.item_id], link


# ---------------------------------------------------------------- stories in checklists


def _lock_story_item(item: AssignmentItem, by: User) -> tuple[Assignment, AssignmentItem]:
    """The item's checklist, locked (a submit cannot slip in between), owned
    by ``by`` and editable; the item re-read from it."""
    assignment = _lock_for_candidate(item.assignment, by)
    _require_editable(assignment)
    return assignment, assignment.items.get(pk=item.pk)


@transaction.atomic
def item_story_use(*, item: AssignmentItem, story: Story, by: User) -> ItemStory:
    """A written answer uses a story of the candidate's bank: only the
    candidate, only while the checklist is editable, only a live story of the
    same candidate record (the bank of the coach who assigned the
    checklist), and each story once per item."""
    assignment, item = _lock_story_item(item, by)
    if item.kind != ItemKind.TEXT:
        raise WrongState("Only a written answer can use stories.")
    story = Story.objects.get(pk=story.pk)
    if story.candidate_id != assignment.candidate_id:
        raise NotAllowed(
            "That story is not in your story bank with this coach, so it cannot be used here."
        )
    if story.is_archived:
        raise WrongState(f"“{story.title}” is archived. Restore it before using it.")
    links = list(item.story_links.all())
    if any(link.story_id == story.pk for link in links):
        raise WrongState(f"Item {item.position} already uses “{story.title}”.")
    link = ItemStory.objects.create(
        item=item, story=story, position=max((link.position for link in links), default=0) + 1
    )
    _touch(assignment)
    return link


@transaction.atomic
def item_story_remove(*, link: ItemStory, by: User) -> None:
    """The answer no longer uses the story (the story stays in the bank):
    only the candidate, only while the checklist is editable."""
    link = ItemStory.objects.select_related("item__assignment").filter(pk=link.pk).first()
    if link is None:  # removed meanwhile, in another tab
        raise WrongState("That story was already removed from this answer.")
    assignment, _ = _lock_story_item(link.item, by)
    ItemStory.objects.filter(pk=link.pk).delete()
    _touch(assignment)


def _touch(assignment: Assignment) -> None:
    """The checklist changed: started, and its "last changed" moves on."""
    update_fields = ["updated_at"]
    if assignment.status == Assignment.Status.ASSIGNED:
        assignment.status = Assignment.Status.IN_PROGRESS
        update_fields.append("status")
    assignment.save(update_fields=update_fields)


@transaction.atomic
def assignment_review(
    *,
    assignment: Assignment,
    by: User,
    verdict: str,
    note: str = "",
    marks: dict[int, str] | None = None,
    comments: dict[int, str] | None = None,
    take_comments: dict[int, str] | None = None,
) -> Review:
    """The coach's verdict on a submitted checklist, with item marks and comments.

    Requesting changes needs an item marked needs work or an overall note;
    approving needs no item left marked needs work. A mark belongs to the item
    version it was given on: once the candidate revises the item, an old "needs
    work" no longer blocks approval (approving accepts the revision), and the
    coach can mark it "needs work" again, which then refers to the new version.
    ``take_comments``: the coach's comments on the rehearsal takes sent to
    them, by take id, saved with the verdict (services.rehearsal).
    """
    assignment = _lock_for_coach(assignment, by)
    if assignment.status != Assignment.Status.SUBMITTED:
        raise WrongState(
            f"Only a submitted checklist can be reviewed; this one is "
            f"{assignment.get_status_display().lower()}."
        )
    if verdict not in Review.Verdict.values:
        raise ValueError(f"Unknown verdict {verdict!r}")
    items = {item.pk: item for item in assignment.items.select_for_update()}
    marks = marks or {}
    comments = {pk: body.strip() for pk, body in (comments or {}).items() if body.strip()}
    if set(marks) - set(items) or set(comments) - set(items):
        raise NotAllowed("Some of the items sent do not belong to this checklist.")
    for pk, mark in marks.items():
        if mark not in AssignmentItem.Mark.values:
            raise ValueError(f"Unknown mark {mark!r}")
        item = items[pk]
        if item.review_mark != mark or (mark and item.marked_version != item.version):
            item.review_mark = mark
            item.marked_version = item.version if mark else None
            item.save(update_fields=["review_mark", "marked_version", "updated_at"])
    needs_work = [item for item in items.values() if item.needs_work]
    note = note.strip()
    if verdict == Review.Verdict.CHANGES_REQUESTED and not needs_work and not note:
        raise WrongState(
            "To request changes, mark at least one item as needing work or write an overall note."
        )
    if verdict == Review.Verdict.APPROVED and needs_work:
        raise WrongState(
            "Some items are still marked as needing work. Mark them OK, or request changes."
        )
    if verdict == Review.Verdict.APPROVED:
        for item in items.values():
            if item.revised_since_mark:
                item.review_mark = AssignmentItem.Mark.OK
                item.marked_version = item.version
                item.save(update_fields=["review_mark", "marked_version", "updated_at"])
    now = timezone.now()
    Comment.objects.bulk_create(
        Comment(item_id=pk, author=by, body=body, created_at=now) for pk, body in comments.items()
    )
    take_comments_save(assignment=assignment, by=by, comments=take_comments or {}, now=now)
    review = Review.objects.create(
        assignment=assignment, reviewer=by, verdict=verdict, note=note, created_at=now
    )
    assignment.status = (
        Assignment.Status.APPROVED
        if verdict == Review.Verdict.APPROVED
        else Assignment.Status.CHANGES_REQUESTED
    )
    assignment.reviewed_at = now
    assignment.save(update_fields=["status", "reviewed_at", "updated_at"])
    emails.send_assignment_reviewed(assignment, verdict, note)
    return review


@transaction.atomic
def assignment_withdraw(*, assignment: Assignment, by: User) -> Assignment:
    """Hide a checklist from the candidate. Nothing is deleted."""
    assignment = _lock_for_coach(assignment, by)
    if assignment.status == Assignment.Status.WITHDRAWN:
        raise WrongState("This checklist is already withdrawn.")
    assignment.status = Assignment.Status.WITHDRAWN
    assignment.withdrawn_at = timezone.now()
    assignment.save(update_fields=["status", "withdrawn_at", "updated_at"])
    return assignment


@transaction.atomic
def comment_add(*, item: AssignmentItem, by: User, body: str) -> Comment:
    """A note on one item by the coach or the candidate of that checklist."""
    item = AssignmentItem.objects.select_related("assignment__candidate").get(pk=item.pk)
    candidate = item.assignment.candidate
    if by.pk not in (candidate.coach_id, candidate.user_id):
        raise NotAllowed("Only the coach and the candidate can comment on this checklist.")
    if item.assignment.status == Assignment.Status.WITHDRAWN:
        raise WrongState("This checklist has been withdrawn.")
    body = body.strip()
    if not body:
        raise WrongState("Write a comment first.")
    return Comment.objects.create(item=item, author=by, body=body)


@transaction.atomic
def item_mark_email_sent(*, item: AssignmentItem, by: User) -> AssignmentItem:
    """Record that the candidate sent the thank-you email themselves."""
    assignment = _lock_for_candidate(item.assignment, by)
    item = assignment.items.select_for_update().get(pk=item.pk)
    if item.kind != ItemKind.EMAIL:
        raise WrongState("Only an email item can be marked as sent.")
    if assignment.status == Assignment.Status.WITHDRAWN:
        raise WrongState("This checklist has been withdrawn.")
    if assignment.round_id is not None:
        require_started(
            InterviewRound.objects.get(pk=assignment.round_id), "Marking this email as sent"
        )
    if not item.email_body.strip():
        raise WrongState("Write and save the email before marking it as sent.")
    if item.email_sent_at:
        raise WrongState("This email is already marked as sent.")
    item.email_sent_at = timezone.now()
    item.save(update_fields=["email_sent_at", "updated_at"])
    return item
