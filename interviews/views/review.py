"""The coach's page of a checklist: answers, diffs, marks, comments, the
verdict on a submission, changing the due date and instructions, "Remind
now"; the same page, read-only, is the practice lead's (views/practices.py)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib import messages
from django.forms import BoundField
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from .. import services
from ..access import assignment_for_coach, coach_required, item_for_coach
from ..forms.assignments import AssignmentUpdateForm
from ..forms.checklists import CommentForm, ReplyBox
from ..forms.review import ReviewForm
from ..lib.diffing import FieldChange
from ..lib.writing import Finding
from ..models import (
    AnswerRevision,
    Assignment,
    AssignmentItem,
    Comment,
    ItemFile,
    ItemFileEvent,
    RehearsalTake,
    Review,
)
from ..selectors import rehearsal as rehearsal_selectors
from ..selectors import review as review_selectors
from ..selectors.sections import in_sections
from ..selectors.stories import ItemStories
from ..services import checklists as checklists_services
from . import refusal_as_message
from .checklists import post_comment

# Under the status badge, what the checklist waits for; with read_only, said
# to the practice lead, who never reviews or comments on it.
WAITING_NOTES = {
    Assignment.Status.ASSIGNED: "Waiting for the candidate to start and submit. You can "
    "still comment on items.",
    Assignment.Status.IN_PROGRESS: "Waiting for the candidate to submit. You can still "
    "comment on items.",
    Assignment.Status.CHANGES_REQUESTED: "You asked for changes; waiting for the candidate "
    "to revise and submit again. You can still comment on items.",
    Assignment.Status.APPROVED: "You approved this checklist. You can still comment on items.",
    Assignment.Status.WITHDRAWN: "This checklist is withdrawn: the candidate no longer sees it.",
}
READ_ONLY_NOTES = {
    Assignment.Status.ASSIGNED: "Waiting for the candidate to start and submit.",
    Assignment.Status.IN_PROGRESS: "Waiting for the candidate to submit.",
    Assignment.Status.SUBMITTED: "Submitted: waiting for the coach's review.",
    Assignment.Status.CHANGES_REQUESTED: "The coach asked for changes; waiting for the "
    "candidate to revise and submit again.",
    Assignment.Status.APPROVED: "The coach approved this checklist.",
    Assignment.Status.WITHDRAWN: "This checklist is withdrawn: the candidate no longer sees it.",
}


# The states a verdict leaves a checklist in.
REVIEWED = (Assignment.Status.APPROVED, Assignment.Status.CHANGES_REQUESTED)
# On the page the verdict redirects to: offer the next submission waiting.
AFTER_VERDICT = "reviewed"


@dataclass(frozen=True)
class ReviewRow:
    """One item on the review page (templates/interviews/review/_item_review.html):
    what the selector read, and the coach's form parts (none when read-only)."""

    item: AssignmentItem
    changes: list[FieldChange] | None
    incomplete: bool
    mark_field: BoundField | None = None
    comment_field: BoundField | None = None
    comment_form: CommentForm | None = None
    #: ``comment_form`` as the item's comment thread draws it.
    reply: ReplyBox | None = None
    #: The writing checks the candidate sees under the answer or draft.
    findings: list[Finding] = field(default_factory=list)
    #: The stories the answer used, as submitted, and their history.
    stories: ItemStories = field(default_factory=ItemStories)
    #: The rehearsal take sent to the coach, and the review form's comment on it.
    take: RehearsalTake | None = None
    take_comment_field: BoundField | None = None
    #: Oldest first: the thread, the answer's versions, the files and their history.
    comments: list[Comment] = field(default_factory=list)
    revisions: list[AnswerRevision] = field(default_factory=list)
    files: list[ItemFile] = field(default_factory=list)
    file_events: list[ItemFileEvent] = field(default_factory=list)

    @property
    def history(self) -> bool:
        """One revision is the answer shown: a history starts with the second."""
        return len(self.revisions) > 1


def render_checklist(
    request: HttpRequest,
    assignment: Assignment,
    *,
    read_only: bool = False,
    review_form: ReviewForm | None = None,
    comment_form: CommentForm | None = None,
    update_form: AssignmentUpdateForm | None = None,
    after_verdict: bool = False,
    status: int = 200,
) -> HttpResponse:
    """The review page, for a checklist the caller's access helper returned.
    ``read_only`` is the practice lead's copy (/practice/assignments/<pk>/):
    every answer, change, mark, comment and review, and no form at all.
    ``after_verdict``: the coach has just reviewed it; the page offers the
    next submission waiting for them (one query)."""
    page = review_selectors.checklist_review(assignment, coach=None if read_only else request.user)
    changeable = not read_only and assignment.status not in (
        Assignment.Status.APPROVED,
        Assignment.Status.WITHDRAWN,
    )
    if changeable and update_form is None:
        update_form = AssignmentUpdateForm(assignment=assignment)
    reviewable = not read_only and assignment.status == Assignment.Status.SUBMITTED
    if reviewable and review_form is None:
        review_form = ReviewForm(
            page.items, takes={row.item.pk: row.take for row in page.rows if row.take}
        )
    commentable = not read_only and assignment.status not in (
        Assignment.Status.SUBMITTED,  # the review form has a comment box per item
        Assignment.Status.WITHDRAWN,
    )
    rows = []
    for read in page.rows:
        item = read.item
        if comment_form is not None and comment_form.item.pk == item.pk:
            reply = comment_form
        elif commentable:
            reply = CommentForm(item, label="Add a comment")
        else:
            reply = None
        rows.append(
            ReviewRow(
                item=item,
                changes=read.changes,
                incomplete=read.incomplete,
                mark_field=review_form[f"mark-{item.pk}"] if reviewable else None,
                comment_field=review_form[f"comment-{item.pk}"] if reviewable else None,
                comment_form=reply,
                reply=ReplyBox.of(reply),
                findings=read.findings,
                stories=read.stories,
                take=read.take,
                take_comment_field=review_form[f"take-comment-{item.pk}"]
                if reviewable and f"take-comment-{item.pk}" in review_form.fields
                else None,
                comments=read.comments,
                revisions=read.revisions,
                files=read.files,
                file_events=read.file_events,
            )
        )
    notes = READ_ONLY_NOTES if read_only else WAITING_NOTES
    reviewed = after_verdict and not read_only and assignment.status in REVIEWED
    next_submission = (
        review_selectors.next_submission(coach=request.user, excluding=assignment)
        if reviewed
        else None
    )
    return render(
        request,
        "interviews/review/assignment.html",
        {
            "assignment": assignment,
            "candidate": assignment.candidate,
            "read_only": read_only,
            "rows": rows,
            "sections": in_sections(rows, lambda row: row.item),
            "changed_items": page.changed,
            "reviews": page.reviews,
            "latest_review": page.latest_review,
            "reviewable": reviewable,
            "review_form": review_form,
            "unmarked": review_form.unmarked() if reviewable else 0,
            "after_verdict": reviewed,
            "next_submission": next_submission,
            "waiting_note": notes.get(assignment.status, ""),
            "readiness": page.readiness,
            "update_form": update_form if changeable else None,
            "remindable": not read_only and assignment.is_editable,
            "reminded": page.reminded,
        },
        status=status,
    )


@coach_required
def assignment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Every answer read-only, with its history and the changes since the last review."""
    return render_checklist(
        request,
        assignment_for_coach(request, pk),
        after_verdict=request.GET.get(AFTER_VERDICT) == "1",
    )


@coach_required
@require_POST
def assignment_review(request: HttpRequest, pk: int) -> HttpResponse:
    """Approve or request changes, with a mark and comment per item."""
    assignment = assignment_for_coach(request, pk)
    if assignment.status != Assignment.Status.SUBMITTED:
        messages.error(
            request,
            "Only a submitted checklist can be reviewed; this one is "
            f"{assignment.get_status_display().lower()}.",
        )
        return redirect(assignment.get_absolute_url())
    form = ReviewForm(
        list(assignment.items.all()),
        request.POST,
        takes=rehearsal_selectors.coach_takes_of_checklist(assignment),
    )
    if not form.is_valid():
        messages.error(request, "The review was not saved: please correct the fields marked below.")
        return render_checklist(request, assignment, review_form=form)
    if form.marks_unreviewed_ok:
        # Nothing is stored before the verdict (the candidate would see marks
        # mid-review): the coach gets the form back with the marks filled in.
        filled = form.with_unreviewed_marked_ok()
        count = form.unmarked()
        if count:
            messages.info(
                request,
                f"{_items(count)} marked OK. Nothing is saved until you approve or "
                "request changes.",
            )
        else:
            messages.info(request, "Every item already had a mark: nothing changed.")
        return render_checklist(request, assignment, review_form=filled)
    unmarked = form.unmarked()
    try:
        review = checklists_services.assignment_review(
            assignment=assignment,
            by=request.user,
            verdict=form.verdict(),
            note=form.cleaned_data["note"],
            marks=form.marks(),
            comments=form.comments(),
            take_comments=form.take_comments(),
        )
    except services.ServiceError as error:
        messages.error(request, str(error))
        assignment = assignment_for_coach(request, pk)
        if assignment.status != Assignment.Status.SUBMITTED:
            return redirect(assignment.get_absolute_url())
        # Still reviewable: keep the marks and comments the coach wrote.
        return render_checklist(request, assignment, review_form=form)
    if review.verdict == Review.Verdict.APPROVED:
        done = f"Approved. {assignment.candidate} has been emailed."
        if unmarked:
            # Approving is not refused for unmarked items; the coach is told.
            done += (
                f" {_items(unmarked)} you did not mark "
                f"{'counts' if unmarked == 1 else 'count'} as OK."
            )
        messages.success(request, done)
    else:
        messages.success(request, f"Changes requested. {assignment.candidate} has been emailed.")
    return redirect(f"{assignment.get_absolute_url()}?{AFTER_VERDICT}=1")


def _items(count: int) -> str:
    return f"{count} item{'' if count == 1 else 's'}"


@coach_required
@require_POST
def item_comment(request: HttpRequest, pk: int) -> HttpResponse:
    """A coach's comment on one item, outside a review."""
    item = item_for_coach(request, pk)
    form = CommentForm(item, request.POST, label="Add a comment")
    if not form.is_valid():
        messages.error(request, "Your comment was not posted: see the message under the box.")
        assignment = assignment_for_coach(request, item.assignment_id)
        return render_checklist(request, assignment, comment_form=form)
    post_comment(request, item, form, posted=f"Comment on item {item.position} posted.")
    return redirect(f"{item.assignment.get_absolute_url()}#item-{item.pk}")


@coach_required
@require_POST
def assignment_update(request: HttpRequest, pk: int) -> HttpResponse:
    """Move the due date or rewrite the instructions; the candidate is told."""
    assignment = assignment_for_coach(request, pk)
    form = AssignmentUpdateForm(request.POST, assignment=assignment)
    if not form.is_valid():
        messages.error(request, "Nothing was changed: see the message under the field.")
        return render_checklist(request, assignment, update_form=form)
    try:
        update = checklists_services.assignment_update(
            assignment=assignment,
            by=request.user,
            due_date=form.cleaned_data["due_date"],
            instructions=form.cleaned_data["instructions"],
        )
    except services.ServiceError as error:
        messages.error(request, str(error))
        return redirect(assignment.get_absolute_url())
    messages.add_message(request, *_updated_message(update))
    return redirect(assignment.get_absolute_url())


def _updated_message(update: checklists_services.AssignmentUpdate) -> tuple[int, str]:
    """What changed, and whether the candidate heard of it."""
    if not update.changed:
        return messages.INFO, "Nothing had changed: the due date and instructions are as they were."
    assignment = update.assignment
    candidate = assignment.candidate
    if update.due_date_changed:
        due = assignment.due_date
        done = (
            f"The due date is now {due:%a} {due.day} {due:%b %Y}; the reminders follow it."
            if due
            else "The checklist no longer has a due date, so no due-date reminders."
        )
        if update.instructions_changed:
            done += " The instructions are updated."
    else:
        done = "The instructions are updated."
    if update.candidate_told:
        return messages.SUCCESS, f"{done} {candidate} has been told."
    return messages.SUCCESS, (
        f"{done} {candidate} has not joined Coachsite yet, so nobody was emailed; "
        "the checklist shows the change when they open it."
    )


@coach_required
@require_POST
def assignment_remind(request: HttpRequest, pk: int) -> HttpResponse:
    """Remind now: one reminder to the candidate about this checklist, once a day."""
    assignment = assignment_for_coach(request, pk)
    with refusal_as_message(request):
        notification = checklists_services.assignment_remind(assignment=assignment, by=request.user)
        candidate = assignment.candidate
        if notification.emailed_at is not None:
            messages.success(request, f"{candidate} has been reminded by email.")
        else:
            messages.success(
                request,
                f"{candidate} has been reminded in the app: they switched these emails off, "
                "so no email was sent.",
            )
    return redirect(assignment.get_absolute_url())
