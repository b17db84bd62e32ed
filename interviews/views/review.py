"""The coach's review of a submitted checklist: answers, diffs, marks, comments, verdict."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from .. import services
from ..access import assignment_for_coach, coach_required, item_for_coach
from ..forms.checklists import CommentForm
from ..forms.review import ReviewForm
from ..lib.diffing import response_changes
from ..lib.readiness import Readiness
from ..models import Assignment, AssignmentItem, Review
from ..selectors import checklists as checklists_selectors
from ..services import checklists as checklists_services
from .checklists import post_comment

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


def _response_before(item: AssignmentItem, review: Review) -> dict:
    """The item's response as the coach saw it at that review."""
    seen = AssignmentItem.EMPTY_RESPONSE
    for revision in item.revisions.all():  # prefetched, oldest first
        if revision.created_at > review.created_at:
            break
        seen = revision.response()
    return seen


def _render_detail(
    request: HttpRequest,
    assignment: Assignment,
    *,
    review_form: ReviewForm | None = None,
    comment_form: CommentForm | None = None,
    status: int = 200,
) -> HttpResponse:
    items = checklists_selectors.checklist_items_with_history(assignment)
    reviews = checklists_selectors.checklist_reviews(assignment)
    latest = reviews[0] if reviews else None
    reviewable = assignment.status == Assignment.Status.SUBMITTED
    if reviewable and review_form is None:
        review_form = ReviewForm(items)
    started = assignment.status != Assignment.Status.ASSIGNED
    rows = []
    for item in items:
        changes = None
        if latest is not None:
            changes = response_changes(item.kind, _response_before(item, latest), item.response())
        if comment_form is not None and comment_form.item.pk == item.pk:
            reply = comment_form
        elif not reviewable and assignment.status != Assignment.Status.WITHDRAWN:
            reply = CommentForm(item, label="Add a comment")
        else:
            reply = None
        rows.append(
            {
                "item": item,
                "changes": changes,
                "mark_field": review_form[f"mark-{item.pk}"] if reviewable else None,
                "comment_field": review_form[f"comment-{item.pk}"] if reviewable else None,
                "comment_form": reply,
                # No alarm before the candidate has saved anything.
                "incomplete": item.required and not item.is_complete and started,
            }
        )
    return render(
        request,
        "interviews/review/assignment.html",
        {
            "assignment": assignment,
            "candidate": assignment.candidate,
            "rows": rows,
            "changed_items": [row for row in rows if row["changes"]],
            "reviews": reviews,
            "latest_review": latest,
            "reviewable": reviewable,
            "review_form": review_form,
            "waiting_note": WAITING_NOTES.get(assignment.status, ""),
            "readiness": Readiness.of_items(items),
        },
        status=status,
    )


@coach_required
def assignment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Every answer read-only, with its history and the changes since the last review."""
    return _render_detail(request, assignment_for_coach(request, pk))


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
    form = ReviewForm(list(assignment.items.all()), request.POST)
    if not form.is_valid():
        messages.error(request, "The review was not saved: please correct the fields marked below.")
        return _render_detail(request, assignment, review_form=form)
    try:
        review = checklists_services.assignment_review(
            assignment=assignment,
            by=request.user,
            verdict=form.verdict(),
            note=form.cleaned_data["note"],
            marks=form.marks(),
            comments=form.comments(),
        )
    except services.ServiceError as error:
        messages.error(request, str(error))
        assignment = assignment_for_coach(request, pk)
        if assignment.status != Assignment.Status.SUBMITTED:
            return redirect(assignment.get_absolute_url())
        # Still reviewable: keep the marks and comments the coach wrote.
        return _render_detail(request, assignment, review_form=form)
    if review.verdict == Review.Verdict.APPROVED:
        messages.success(request, f"Approved. {assignment.candidate} has been emailed.")
    else:
        messages.success(request, f"Changes requested. {assignment.candidate} has been emailed.")
    return redirect(assignment.get_absolute_url())


@coach_required
@require_POST
def item_comment(request: HttpRequest, pk: int) -> HttpResponse:
    """A coach's comment on one item, outside a review."""
    item = item_for_coach(request, pk)
    form = CommentForm(item, request.POST, label="Add a comment")
    if not form.is_valid():
        messages.error(request, "Your comment was not posted: see the message under the box.")
        assignment = assignment_for_coach(request, item.assignment_id)
        return _render_detail(request, assignment, comment_form=form)
    post_comment(request, item, form, posted=f"Comment on item {item.position} posted.")
    return redirect(f"{item.assignment.get_absolute_url()}#item-{item.pk}")
