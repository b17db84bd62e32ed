"""One helper per object kind, called first in every object view.

Each loads the object through a query that already contains the ownership
rule and raises Http404 for anyone else, so ids reveal nothing. Role checks
live in the ``coach_required`` / ``candidate_required`` decorators.
"""

from __future__ import annotations

from functools import wraps

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from .models import (
    AskedQuestion,
    Assignment,
    AssignmentItem,
    Candidate,
    ChecklistTemplate,
    Interviewer,
    InterviewRound,
    Notification,
    Opportunity,
    Question,
    ThankYouNote,
    User,
)


def coach_required(view):
    """Coach pages answer 404 to anyone who is not a coach."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not (request.user.is_authenticated and request.user.is_coach):
            raise Http404("Not found")
        return view(request, *args, **kwargs)

    return wrapper


def candidate_required(view):
    """Candidate pages answer 404 to anyone who is not a candidate."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not (request.user.is_authenticated and request.user.is_candidate):
            raise Http404("Not found")
        return view(request, *args, **kwargs)

    return wrapper


# ---------------------------------------------------------------- coach side


def candidate_for_coach(request: HttpRequest, pk: int) -> Candidate:
    return get_object_or_404(Candidate.objects.for_coach(request.user), pk=pk)


def opportunity_for_coach(request: HttpRequest, pk: int) -> Opportunity:
    return get_object_or_404(
        Opportunity.objects.for_coach(request.user).select_related("candidate"), pk=pk
    )


def round_for_coach(request: HttpRequest, pk: int) -> InterviewRound:
    return get_object_or_404(
        InterviewRound.objects.for_coach(request.user)
        .select_related("opportunity__candidate")
        .with_kind_count(),
        pk=pk,
    )


def question_for_coach(request: HttpRequest, pk: int) -> Question:
    """One of the coach's own questions (editable)."""
    return get_object_or_404(Question.objects.for_coach(request.user), pk=pk)


def question_visible_to_coach(request: HttpRequest, pk: int) -> Question:
    """A built-in or one of the coach's own questions (readable, copyable)."""
    return get_object_or_404(Question.objects.visible_to(request.user), pk=pk)


def template_for_coach(request: HttpRequest, pk: int) -> ChecklistTemplate:
    """One of the coach's own templates (editable)."""
    return get_object_or_404(ChecklistTemplate.objects.for_coach(request.user), pk=pk)


def template_visible_to_coach(request: HttpRequest, pk: int) -> ChecklistTemplate:
    """A built-in or one of the coach's own templates (readable, copyable)."""
    return get_object_or_404(ChecklistTemplate.objects.visible_to(request.user), pk=pk)


def assignment_for_coach(request: HttpRequest, pk: int) -> Assignment:
    return get_object_or_404(
        Assignment.objects.for_coach(request.user).select_related(
            "candidate", "round__opportunity", "template"
        ),
        pk=pk,
    )


def item_for_coach(request: HttpRequest, pk: int) -> AssignmentItem:
    return get_object_or_404(
        AssignmentItem.objects.filter(assignment__candidate__coach=request.user).select_related(
            "assignment__candidate"
        ),
        pk=pk,
    )


# ---------------------------------------------------------------- candidate side


def assignment_for_candidate(request: HttpRequest, pk: int) -> Assignment:
    """The candidate's own, not withdrawn, assignment — or 404 for anyone else."""
    return get_object_or_404(
        Assignment.objects.for_candidate_user(request.user).select_related(
            "candidate__coach", "round__opportunity"
        ),
        pk=pk,
    )


def item_for_candidate(request: HttpRequest, pk: int) -> AssignmentItem:
    return get_object_or_404(
        AssignmentItem.objects.filter(
            assignment__in=Assignment.objects.for_candidate_user(request.user)
        ).select_related("assignment__candidate"),
        pk=pk,
    )


def round_for_candidate(request: HttpRequest, pk: int) -> InterviewRound:
    return get_object_or_404(
        InterviewRound.objects.for_candidate_user(request.user)
        .select_related("opportunity__candidate__coach")
        .with_kind_count(),
        pk=pk,
    )


# ---------------------------------------------------------------- round life (both sides)


def interviewer_for_coach(request: HttpRequest, pk: int) -> Interviewer:
    return get_object_or_404(
        Interviewer.objects.filter(
            round__opportunity__candidate__coach=request.user
        ).select_related("round__opportunity__candidate"),
        pk=pk,
    )


def interviewer_for_candidate(request: HttpRequest, pk: int) -> Interviewer:
    return get_object_or_404(
        Interviewer.objects.filter(round__opportunity__candidate__user=request.user).select_related(
            "round__opportunity__candidate"
        ),
        pk=pk,
    )


def note_for_coach(request: HttpRequest, pk: int) -> ThankYouNote:
    return get_object_or_404(
        ThankYouNote.objects.filter(
            round__opportunity__candidate__coach=request.user
        ).select_related("round__opportunity__candidate", "interviewer"),
        pk=pk,
    )


def note_for_candidate(request: HttpRequest, pk: int) -> ThankYouNote:
    return get_object_or_404(
        ThankYouNote.objects.filter(
            round__opportunity__candidate__user=request.user
        ).select_related("round__opportunity__candidate", "interviewer"),
        pk=pk,
    )


def asked_question_for_coach(request: HttpRequest, pk: int) -> AskedQuestion:
    return get_object_or_404(
        AskedQuestion.objects.filter(
            round__opportunity__candidate__coach=request.user
        ).select_related("round__opportunity__candidate"),
        pk=pk,
    )


# ---------------------------------------------------------------- notices (both roles)


def notification_for_user(request: HttpRequest, pk: int) -> Notification:
    """One of the signed-in user's own notices — or 404 for anyone else."""
    return get_object_or_404(Notification.objects.filter(user=request.user), pk=pk)


def user_for_calendar_token(token: str) -> User:
    """The active user whose calendar feed this token opens — or 404: an
    unknown or replaced token says nothing."""
    return get_object_or_404(User.objects.filter(is_active=True), calendar_token=token)
