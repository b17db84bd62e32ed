"""Reads of a coach's caseload: the candidate list, invitation state,
opportunities, and what a candidate's page shows.
"""

from __future__ import annotations

import datetime
import enum
from dataclasses import dataclass

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from ..models import Assignment, Candidate, InterviewRound, Invitation, Opportunity, User
from . import checklists as checklists_selectors
from . import stories as stories_selectors

# ---------------------------------------------------------------- coach: candidates


def candidate_list(coach: User, *, q: str = "", archived: bool = False) -> QuerySet[Candidate]:
    """The coach's candidates (active or archived), searched by name, email or
    headline, each annotated with its next interview, its last one (the latest
    that has started; cancelled rounds are neither) and the number of checklists
    waiting for review. One query for any page size."""
    waiting = (
        Assignment.objects.filter(candidate=OuterRef("pk"), status=Assignment.Status.SUBMITTED)
        .order_by()
        .values("candidate")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    qs = Candidate.objects.for_coach(coach).filter(archived=archived)
    q = q.strip()
    if q:
        qs = qs.filter(Q(full_name__icontains=q) | Q(email__icontains=q) | Q(headline__icontains=q))
    return qs.annotate(
        **interview_annotations(timezone.now()),
        waiting_review=Coalesce(Subquery(waiting, output_field=IntegerField()), Value(0)),
    ).order_by("full_name", "pk")


def interview_annotations(now: datetime.datetime) -> dict[str, Subquery]:
    """A candidate's next interview and last one (the latest that has started),
    as ``next_interview_at`` / ``_company`` and ``last_interview_at`` /
    ``_company``: a cancelled round is neither. One subquery each, for the
    coach's candidate list and the lead's."""
    rounds = InterviewRound.objects.filter(opportunity__candidate=OuterRef("pk")).exclude(
        InterviewRound.cancelled_q()
    )
    next_round = rounds.filter(scheduled_at__gt=now).order_by("scheduled_at", "pk")
    last_round = rounds.filter(scheduled_at__lte=now).order_by("-scheduled_at", "-pk")
    return {
        "next_interview_at": Subquery(next_round.values("scheduled_at")[:1]),
        "next_interview_company": Subquery(next_round.values("opportunity__company")[:1]),
        "last_interview_at": Subquery(last_round.values("scheduled_at")[:1]),
        "last_interview_company": Subquery(last_round.values("opportunity__company")[:1]),
    }


def candidate_invitation(candidate: Candidate) -> Invitation | None:
    """The most recent invitation of a candidate (None when never invited)."""
    return candidate.invitations.order_by("-created_at", "-pk").first()


class JoinState(enum.Enum):
    JOINED = "joined"
    PENDING = "pending"  # invited, the link still works
    NOT_INVITED = "not_invited"  # never invited, or the last link expired


@dataclass(frozen=True)
class JoinStatus:
    """Whether a candidate can log in yet; ``invitation`` is the open one when pending."""

    state: JoinState
    invitation: Invitation | None = None

    @property
    def joined(self) -> bool:
        return self.state == JoinState.JOINED


def candidate_join_status(candidate: Candidate) -> JoinStatus:
    """Joined, invited with a link that still works, or not (usefully) invited."""
    if candidate.user_id is not None:
        return JoinStatus(JoinState.JOINED)
    invitation = (
        candidate.invitations.filter(
            accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
        )
        .order_by("-created_at", "-pk")
        .first()
    )
    if invitation is None:
        return JoinStatus(JoinState.NOT_INVITED)
    return JoinStatus(JoinState.PENDING, invitation)


def candidate_opportunities(candidate: Candidate) -> QuerySet[Opportunity]:
    """A candidate's opportunities with their rounds, named, and each round's
    interviewers (three queries)."""
    return candidate.opportunities.prefetch_related(
        Prefetch(
            "rounds",
            queryset=InterviewRound.objects.with_kind_count().prefetch_related("interviewers"),
        )
    )


def invitation_purpose(
    candidate: Candidate, *, now: datetime.datetime, round: InterviewRound | None = None
) -> str:
    """Why the coach invites the candidate, for the first line of the first
    email: "prepare for your second-round interview at Contoso" (``round``,
    else the next interview on the calendar), "prepare for your interviews
    at Contoso" (an open opportunity with no date yet), else "prepare for
    your job interviews"."""
    if round is None or round.is_cancelled:
        round = (
            InterviewRound.objects.filter(
                opportunity__candidate=candidate,
                scheduled_at__gte=now,
                outcome=InterviewRound.Outcome.PENDING,
            )
            .exclude(InterviewRound.cancelled_q())
            .select_related("opportunity")
            .with_kind_count()
            .order_by("scheduled_at", "pk")
            .first()
        )
    if round is not None:
        return f"prepare for your {round.kind_name.lower()} at {round.opportunity.company}"
    opportunity = (
        candidate.opportunities.filter(status=Opportunity.Status.ACTIVE).order_by("-pk").first()
    )
    if opportunity is not None:
        return f"prepare for your interviews at {opportunity.company}"
    return "prepare for your job interviews"


# ---------------------------------------------------------------- a candidate's page


@dataclass(frozen=True)
class CandidatePage:
    """What a candidate's page reads besides the candidate: the coach's page
    and the practice lead's read-only one draw the same things from it. Nine
    queries whatever the number of opportunities, rounds, checklists and
    stories; one more for a candidate without a login (their last invitation)."""

    #: The last invitation while the candidate has no login (the page shows its
    #: state then); None once they joined or were erased, or when never invited.
    invitation: Invitation | None
    opportunities: QuerySet[Opportunity]
    assignments: QuerySet[Assignment]
    stories: stories_selectors.CandidateStories


def candidate_page(candidate: Candidate) -> CandidatePage:
    awaiting_login = candidate.user_id is None and candidate.erased_at is None
    return CandidatePage(
        invitation=candidate_invitation(candidate) if awaiting_login else None,
        opportunities=candidate_opportunities(candidate),
        assignments=checklists_selectors.candidate_assignments(candidate),
        stories=stories_selectors.candidate_stories(candidate),
    )


# ---------------------------------------------------------------- soft look-ups
# For pre-filling forms from the query string: an id the coach may not use is
# ignored (None), not an error.


def coach_candidate(coach: User, pk: int) -> Candidate | None:
    return Candidate.objects.for_coach(coach).filter(pk=pk).first()
