"""The coach's dashboard: one page read model across the domains."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import BooleanField, ExpressionWrapper, F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from ..lib import readiness
from ..models import Assignment, Candidate, InterviewRound, Invitation, ThankYouNote, User
from .rounds import FollowUp, after_interview_rounds, follow_ups, rounds_with_readiness

# ---------------------------------------------------------------- coach: dashboard

DASHBOARD_LIMIT = 25


@dataclass(frozen=True)
class UpcomingInterview:
    """A round in the coach's coming week, with what the dashboard flags."""

    round: InterviewRound
    #: Under half ready, and the interview is less than 48 hours away.
    at_risk: bool
    #: Less than 48 hours away (no checklist yet is then urgent).
    soon: bool


@dataclass
class Dashboard:
    awaiting_review: list[Assignment]
    upcoming: list[UpcomingInterview]
    overdue: list[Assignment]
    invited: list[Candidate]
    notes_to_check: list[ThankYouNote]
    #: Interviews over that still wait for thank-you notes, a debrief or an outcome.
    after_interviews: list[FollowUp]
    limit: int = DASHBOARD_LIMIT


def dashboard(coach: User, *, now: datetime.datetime | None = None) -> Dashboard:
    """The coach's start page: what needs doing now. Eight queries (five lists,
    and the interviews over with their interviewers and notes), each list capped
    at DASHBOARD_LIMIT rows."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    assignments = Assignment.objects.for_coach(coach).select_related(
        "candidate", "round__opportunity"
    )
    awaiting = list(
        assignments.awaiting_review()
        .with_readiness()
        .order_by("submitted_at", "pk")[:DASHBOARD_LIMIT]
    )
    overdue = list(
        assignments.overdue(today, now)
        .filter(candidate__archived=False)
        .with_readiness()
        .order_by("due_date", "pk")[:DASHBOARD_LIMIT]
    )
    rounds = rounds_with_readiness(
        InterviewRound.objects.for_coach(coach)
        .filter(
            scheduled_at__gte=now,
            scheduled_at__lt=now + datetime.timedelta(days=7),
            opportunity__candidate__archived=False,
        )
        .select_related("opportunity__candidate__user")  # the candidate's zone
        .with_kind_count()
        .order_by("scheduled_at", "pk")
    )[:DASHBOARD_LIMIT]
    upcoming = [
        UpcomingInterview(
            round=round,
            at_risk=bool(round.live_assignments)
            and round.readiness.at_risk(round.scheduled_at, now),
            soon=round.scheduled_at <= now + readiness.WARNING_WINDOW,
        )
        for round in rounds
    ]
    open_invitation = Invitation.objects.filter(
        candidate=OuterRef("pk"), accepted_at__isnull=True, revoked_at__isnull=True
    ).order_by("-created_at", "-pk")
    invited = list(
        Candidate.objects.for_coach(coach)
        .active()
        .filter(user__isnull=True)
        .annotate(
            invited_at=Subquery(open_invitation.values("created_at")[:1]),
            invite_expires_at=Subquery(open_invitation.values("expires_at")[:1]),
        )
        .filter(invited_at__isnull=False)
        .annotate(
            invite_expired=ExpressionWrapper(
                Q(invite_expires_at__lte=now), output_field=BooleanField()
            )
        )
        .order_by("invited_at", "pk")[:DASHBOARD_LIMIT]
    )
    return Dashboard(
        awaiting_review=awaiting,
        upcoming=upcoming,
        overdue=overdue,
        invited=invited,
        notes_to_check=list(notes_to_check(coach)[:DASHBOARD_LIMIT]),
        after_interviews=after_interviews(coach, now=now)[:DASHBOARD_LIMIT],
    )


def after_interviews(coach: User, *, now: datetime.datetime) -> list[FollowUp]:
    """The coach's interviews that are over and still wait for thank-you notes,
    a debrief or an outcome, oldest first: the rounds the reminders follow
    (selectors.rounds.is_followed), read by the rule the lead's overview and
    the morning digest read. Three queries."""
    rounds = after_interview_rounds(InterviewRound.objects.for_coach(coach), now=now)
    return [
        f for f in follow_ups(rounds.with_kind_count(), now=now) if f.has_ended and not f.is_done
    ]


def notes_to_check(coach: User) -> QuerySet[ThankYouNote]:
    """Thank-you notes of the coach's active candidates that wait for the coach's
    look (``ThankYouNote.awaiting_check`` in SQL), the longest waiting first."""
    return (
        ThankYouNote.objects.for_coach(coach)
        .filter(
            round__opportunity__candidate__archived=False,
            check_requested_at__isnull=False,
        )
        .filter(Q(checked_at__isnull=True) | Q(checked_at__lt=F("check_requested_at")))
        .select_related("round__opportunity__candidate", "interviewer")
        .order_by("check_requested_at", "pk")
    )
