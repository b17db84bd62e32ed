"""Reads that pages share: querysets with their select_related / prefetch_related
already set, so each page runs a fixed number of queries whatever the row count."""

from __future__ import annotations

import datetime
import enum
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Count,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.text import Truncator

from .models import (
    Assignment,
    AssignmentItem,
    Candidate,
    Comment,
    InterviewRound,
    Invitation,
    User,
)

# ---------------------------------------------------------------- readiness


def readiness_percent(done: int, total: int) -> int:
    """Share of required items complete, 0-100 (rounded down). Nothing required
    counts as fully ready."""
    if not total:
        return 100
    return min(100, max(0, done * 100 // total))


@dataclass(frozen=True)
class Readiness:
    """Required items complete out of required items, for one checklist or a round."""

    done: int
    total: int

    @property
    def percent(self) -> int:
        return readiness_percent(self.done, self.total)

    @property
    def is_low(self) -> bool:
        """Under half of the required items complete."""
        return self.done * 2 < self.total


#: How close to an interview a low readiness becomes a warning on the dashboard.
READINESS_WARNING_WINDOW = datetime.timedelta(hours=48)


def readiness_at_risk(
    readiness: Readiness, scheduled_at: datetime.datetime | None, now: datetime.datetime
) -> bool:
    """Under half ready and the interview is less than 48 hours away."""
    if scheduled_at is None or not readiness.is_low:
        return False
    return now <= scheduled_at <= now + READINESS_WARNING_WINDOW


def attach_readiness(rows: Iterable[Any]) -> list[Any]:
    """Set ``.readiness`` on rows annotated by ``with_readiness()`` (or the
    round annotations below); returns the rows as a list."""
    rows = list(rows)
    for row in rows:
        row.readiness = Readiness(row.required_done or 0, row.required_total or 0)
    return rows


def _round_item_count(complete_only: bool) -> Coalesce:
    """Required items of a round's live (not withdrawn) checklists, as a subquery."""
    items = AssignmentItem.objects.filter(assignment__round=OuterRef("pk"), required=True).exclude(
        assignment__status=Assignment.Status.WITHDRAWN
    )
    if complete_only:
        items = items.filter(AssignmentItem.COMPLETE_Q())
    counted = items.order_by().values("assignment__round").annotate(n=Count("pk")).values("n")[:1]
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def rounds_with_readiness(rounds: QuerySet[InterviewRound]) -> QuerySet[InterviewRound]:
    """Annotate required_total / required_done over the round's live checklists,
    and live_assignments (how many there are)."""
    live = (
        Assignment.objects.filter(round=OuterRef("pk"))
        .exclude(status=Assignment.Status.WITHDRAWN)
        .order_by()
        .values("round")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    return rounds.annotate(
        required_total=_round_item_count(complete_only=False),
        required_done=_round_item_count(complete_only=True),
        live_assignments=Coalesce(Subquery(live, output_field=IntegerField()), Value(0)),
    )


# ---------------------------------------------------------------- feedback to the candidate

#: How much of the coach's comment the "changes requested" summary quotes.
FEEDBACK_EXCERPT_WORDS = 12


@dataclass(frozen=True)
class NeedsWork:
    """An item the coach marked "needs work", with the start of their latest comment."""

    item: AssignmentItem
    excerpt: str
    revised: bool

    @property
    def anchor(self) -> str:
        return f"#item-{self.item.pk}"


def needs_work_summary(items: Iterable[AssignmentItem], coach_id: int) -> list[NeedsWork]:
    """The items marked "needs work" in position order, each with the first words of
    the coach's latest comment on it. Reads the items' prefetched comments."""
    summary = []
    for item in items:
        if item.review_mark != AssignmentItem.Mark.NEEDS_WORK:
            continue
        coach_comments = [c for c in item.comments.all() if c.author_id == coach_id]
        excerpt = (
            Truncator(coach_comments[-1].body).words(FEEDBACK_EXCERPT_WORDS)
            if coach_comments
            else ""
        )
        summary.append(NeedsWork(item=item, excerpt=excerpt, revised=item.revised_since_mark))
    return summary


def checklists_needs_work(assignments: Iterable[Assignment]) -> dict[int, list[NeedsWork]]:
    """For the checklists among ``assignments`` whose coach asked for changes, what
    needs work: two queries for any number of checklists."""
    by_id = {a.pk: a for a in assignments if a.status == Assignment.Status.CHANGES_REQUESTED}
    if not by_id:
        return {}
    items = AssignmentItem.objects.filter(
        assignment_id__in=by_id, review_mark=AssignmentItem.Mark.NEEDS_WORK
    ).prefetch_related(
        Prefetch(
            "comments",
            queryset=Comment.objects.filter(
                author_id=F("item__assignment__candidate__coach_id")
            ).order_by("created_at", "pk"),
        )
    )
    grouped: dict[int, list[AssignmentItem]] = {}
    for item in items:
        grouped.setdefault(item.assignment_id, []).append(item)
    return {pk: needs_work_summary(grouped[pk], by_id[pk].candidate.coach_id) for pk in grouped}


# ---------------------------------------------------------------- coach: candidates


def candidate_list(coach: User, *, q: str = "", archived: bool = False) -> QuerySet[Candidate]:
    """The coach's candidates (active or archived), searched by name, email or
    headline, each annotated with its next interview and the number of checklists
    waiting for review. One query for any page size."""
    now = timezone.now()
    next_round = (
        InterviewRound.objects.filter(opportunity__candidate=OuterRef("pk"), scheduled_at__gte=now)
        .select_related("opportunity")
        .order_by("scheduled_at", "pk")
    )
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
        next_interview_at=Subquery(next_round.values("scheduled_at")[:1]),
        next_interview_company=Subquery(next_round.values("opportunity__company")[:1]),
        waiting_review=Coalesce(Subquery(waiting, output_field=IntegerField()), Value(0)),
    ).order_by("full_name", "pk")


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


def candidate_assignments(candidate: Candidate) -> list[Assignment]:
    """Every checklist of a candidate (withdrawn ones last), with readiness and
    their rounds annotated for naming (one more query, whatever the count)."""
    rounds = InterviewRound.objects.select_related("opportunity").with_kind_count()
    qs = (
        candidate.assignments.prefetch_related(Prefetch("round", queryset=rounds))
        .with_readiness()
        .order_by("withdrawn_at", "due_date", "pk")
    )
    return attach_readiness(qs)


def round_assignments(round: InterviewRound) -> list[Assignment]:
    """The checklists made for one round, with readiness."""
    qs = (
        round.assignments.select_related("candidate")
        .with_readiness()
        .order_by("withdrawn_at", "due_date", "pk")
    )
    return attach_readiness(qs)


# ---------------------------------------------------------------- coach: dashboard

DASHBOARD_LIMIT = 25


@dataclass
class Dashboard:
    awaiting_review: list[Assignment]
    upcoming: list[InterviewRound]
    overdue: list[Assignment]
    invited: list[Candidate]
    limit: int = DASHBOARD_LIMIT


def dashboard(coach: User, *, now: datetime.datetime | None = None) -> Dashboard:
    """The coach's start page: what needs doing now. Four queries, each capped
    at DASHBOARD_LIMIT rows."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    assignments = Assignment.objects.for_coach(coach).select_related(
        "candidate", "round__opportunity"
    )
    awaiting = attach_readiness(
        assignments.awaiting_review()
        .with_readiness()
        .order_by("submitted_at", "pk")[:DASHBOARD_LIMIT]
    )
    overdue = attach_readiness(
        assignments.overdue(today)
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
        .select_related("opportunity__candidate")
        .with_kind_count()
        .order_by("scheduled_at", "pk")
    )[:DASHBOARD_LIMIT]
    upcoming = attach_readiness(rounds)
    for round in upcoming:
        round.at_risk = round.live_assignments and readiness_at_risk(
            round.readiness, round.scheduled_at, now
        )
        round.soon = round.scheduled_at <= now + READINESS_WARNING_WINDOW
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
        .order_by("invited_at", "pk")[:DASHBOARD_LIMIT]
    )
    for candidate in invited:
        candidate.invite_expired = candidate.invite_expires_at <= now
    return Dashboard(awaiting_review=awaiting, upcoming=upcoming, overdue=overdue, invited=invited)
