"""Reads for a practice's pages: its candidates, members and invitations,
what a plain member sees, and whom a candidate can be reassigned to (the
lead's overview of every coach's caseload: selectors/overview.py).

Each function runs a fixed number of queries whatever the number of coaches,
candidates or rounds.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import (
    Case,
    Count,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from ..models import (
    Assignment,
    Candidate,
    ChecklistTemplate,
    Practice,
    PracticeInvitation,
    PracticeMembership,
    PracticeRole,
    Question,
    User,
)
from .caseload import interview_annotations

# ---------------------------------------------------------------- practice: members


def practice_members(
    practice: Practice, *, leads_first: bool = False, counted: bool = True
) -> QuerySet[PracticeMembership]:
    """The practice's members by name (``leads_first``: the leads before the
    others), each with its user and (``counted``) ``candidate_count`` (archived
    candidates included: removing a coach waits for all of them). One query."""
    order = ["user__full_name", "user__email", "pk"]
    if leads_first:
        order.insert(0, Case(When(role=PracticeRole.LEAD, then=Value(0)), default=Value(1)))
    members = PracticeMembership.objects.filter(practice=practice).select_related("user")
    if counted:
        members = members.annotate(candidate_count=Count("user__candidates"))
    return members.order_by(*order)


def practice_open_invitations(practice: Practice) -> QuerySet[PracticeInvitation]:
    """Invitations neither used nor cancelled, newest first (expired ones
    included, so the lead sees them and can send a new link)."""
    return practice.invitations.filter(accepted_at__isnull=True, revoked_at__isnull=True).order_by(
        "-created_at", "-pk"
    )


def _count(queryset: QuerySet, group: str) -> Coalesce:
    """How many rows of ``queryset`` there are per outer row, as a subquery."""
    counted = queryset.order_by().values(group).annotate(n=Count("pk")).values("n")[:1]
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def practice_coach(practice: Practice, value: str | None) -> User | None:
    """The coach of the practice whose id is ``value`` (``?coach=``); None for
    anyone else or anything that is no id."""
    try:
        pk = int(value or "")
    except ValueError:
        return None
    return User.objects.filter(pk=pk, practice_membership__practice=practice).first()


def practice_candidates(practice: Practice, *, coach_id: int | None = None) -> QuerySet[Candidate]:
    """Every candidate of the practice's coaches (archived ones last), with
    their coach, next interview and checklists waiting for review. One query
    for any page size."""
    waiting = Assignment.objects.filter(candidate=OuterRef("pk")).awaiting_review()
    candidates = Candidate.objects.filter(coach__practice_membership__practice=practice)
    if coach_id is not None:
        candidates = candidates.filter(coach_id=coach_id)
    return (
        candidates.select_related("coach")
        .annotate(
            **interview_annotations(timezone.now()),
            waiting_review=_count(waiting, "candidate"),
        )
        .order_by("archived", "full_name", "pk")
    )


# ---------------------------------------------------------------- a plain member's page


@dataclass(frozen=True)
class SharedLibrary:
    questions: int
    templates: int


def shared_library(practice: Practice) -> SharedLibrary:
    """How many questions (not retired) and templates the practice shares."""
    return SharedLibrary(
        questions=Question.objects.filter(practice=practice, retired=False).count(),
        templates=ChecklistTemplate.objects.filter(practice=practice).count(),
    )


# ---------------------------------------------------------------- reassigning


def reassign_choices(candidate: Candidate, practice: Practice) -> QuerySet[User]:
    """The coaches of the practice a candidate can be handed to: every member
    but their current coach, by name."""
    return (
        User.objects.filter(practice_membership__practice=practice)
        .exclude(pk=candidate.coach_id)
        .order_by("full_name", "email")
    )
