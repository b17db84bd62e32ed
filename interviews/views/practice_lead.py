"""The practice's home and what its lead reads: the overview of every coach's
caseload, any member's candidate and checklist (read-only), and reassigning a
candidate to another coach.

The lead never acts in another coach's name: these pages have no review,
comment, edit or invitation forms. Their work on their own candidates stays
under /coach/.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from .. import caseload, selectors, services
from ..access import (
    assignment_for_lead,
    candidate_for_lead,
    coach_required,
    lead_membership,
    membership_for_coach,
)
from ..forms.practice import PracticeForm, ReassignForm
from ..models import Assignment, AssignmentItem, PracticeMembership
from ..readiness import Readiness
from .paging import paginate

# ---------------------------------------------------------------- home


@coach_required
def home(request: HttpRequest) -> HttpResponse:
    """A lone coach learns what a practice is and can start one; a member sees
    who is in it; the lead gets the overview of every coach's caseload."""
    membership = membership_for_coach(request)
    if membership is None:
        form = PracticeForm(submit_label="Create practice", action=reverse("practice:create"))
        return render(request, "interviews/practice/home.html", {"form": form})
    if not membership.is_lead:
        return _member_home(request, membership)
    return _lead_home(request, membership)


def _member_home(request: HttpRequest, membership: PracticeMembership) -> HttpResponse:
    practice = membership.practice
    return render(
        request,
        "interviews/practice/home.html",
        {
            "membership": membership,
            "practice": practice,
            "members": selectors.practice_members(practice, leads_first=True),
            "shared": caseload.shared_library(practice),
        },
    )


def _coach_filter(request: HttpRequest, rows: list[caseload.CoachCaseload]):
    """The coach named by ?coach= when they belong to the practice, else None."""
    try:
        wanted = int(request.GET.get("coach", ""))
    except ValueError:
        return None
    return next((row.coach for row in rows if row.coach.pk == wanted), None)


def _lead_home(request: HttpRequest, membership: PracticeMembership) -> HttpResponse:
    practice = membership.practice
    key, descending = caseload.parse_sort(request.GET.get("sort"))
    rows = caseload.sort_caseloads(caseload.practice_caseloads(practice), key, descending)
    coach = _coach_filter(request, rows)
    candidates = caseload.practice_candidates(
        practice, coach_id=coach.pk if coach is not None else None
    )
    return render(
        request,
        "interviews/practice/home.html",
        {
            "membership": membership,
            "practice": practice,
            "rows": rows,
            "headers": caseload.sort_headers(key, descending),
            "coach_filter": coach,
            "page": paginate(request, candidates),
        },
    )


# ---------------------------------------------------------------- read-only caseload


@coach_required
def candidate_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A member's candidate as their coach sees them, without anything that
    changes data (private notes stay the coach's)."""
    candidate = candidate_for_lead(request, pk)
    return render(
        request,
        "interviews/practice/candidate.html",
        {
            "candidate": candidate,
            "join": selectors.candidate_join_status(candidate),
            "opportunities": selectors.candidate_opportunities(candidate),
            "assignments": selectors.candidate_assignments(candidate),
        },
    )


@dataclass(frozen=True)
class ReadOnlyItem:
    """What templates/interviews/_item_review.html reads for one item, with no
    form parts: no mark, no review comment, no reply box, no diff."""

    item: AssignmentItem
    incomplete: bool
    changes: None = None
    mark_field: None = None
    comment_field: None = None
    comment_form: None = None


@coach_required
def assignment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A member's checklist: answers, marks, comments and reviews, read-only."""
    assignment = assignment_for_lead(request, pk)
    items = selectors.checklist_items_with_history(assignment)
    started = assignment.status != Assignment.Status.ASSIGNED
    rows = [
        ReadOnlyItem(item=item, incomplete=item.required and not item.is_complete and started)
        for item in items
    ]
    return render(
        request,
        "interviews/practice/assignment.html",
        {
            "assignment": assignment,
            "candidate": assignment.candidate,
            "rows": rows,
            "reviews": selectors.checklist_reviews(assignment),
            "readiness": Readiness.of_items(items),
        },
    )


# ---------------------------------------------------------------- reassigning


@coach_required
def candidate_reassign(request: HttpRequest, pk: int) -> HttpResponse:
    """The lead hands a candidate to another coach of the practice."""
    candidate = candidate_for_lead(request, pk)
    practice = lead_membership(request).practice
    form = ReassignForm(
        request.POST or None, coaches=caseload.reassign_choices(candidate, practice)
    )
    if request.method == "POST" and form.is_valid():
        to = form.cleaned_data["coach"]
        try:
            services.candidate_reassign(candidate=candidate, by=request.user, to=to)
        except services.ServiceError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"{candidate} is now coached by {to}.")
            return redirect("practice:home")
    return render(
        request,
        "interviews/practice/reassign.html",
        {"candidate": candidate, "practice": practice, "form": form},
    )
