"""Reads for a practice's pages: the lead's overview of every coach's
caseload, the practice's candidates, members and invitations, and what a
plain member sees.

Each function runs a fixed number of queries whatever the number of coaches,
candidates or rounds: figures are subqueries on the membership rows,
readiness is annotated in SQL (selectors.rounds.rounds_with_readiness).
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import (
    Case,
    Count,
    IntegerField,
    Min,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.timesince import timesince

from ..lib import readiness
from ..models import (
    Assignment,
    Candidate,
    ChecklistTemplate,
    InterviewRound,
    Practice,
    PracticeInvitation,
    PracticeMembership,
    PracticeRole,
    Question,
    User,
)
from . import home as home_selectors
from . import rounds as rounds_selectors
from .caseload import interview_annotations

# ---------------------------------------------------------------- practice: members


def practice_members(
    practice: Practice, *, leads_first: bool = False
) -> QuerySet[PracticeMembership]:
    """The practice's members by name (``leads_first``: the leads before the
    others), each with its user and ``candidate_count`` (archived candidates
    included: removing a coach waits for all of them). One query."""
    order = ["user__full_name", "user__email", "pk"]
    if leads_first:
        order.insert(0, Case(When(role=PracticeRole.LEAD, then=Value(0)), default=Value(1)))
    return (
        PracticeMembership.objects.filter(practice=practice)
        .select_related("user")
        .annotate(candidate_count=Count("user__candidates"))
        .order_by(*order)
    )


def practice_open_invitations(practice: Practice) -> QuerySet[PracticeInvitation]:
    """Invitations neither used nor cancelled, newest first (expired ones
    included, so the lead sees them and can send a new link)."""
    return practice.invitations.filter(accepted_at__isnull=True, revoked_at__isnull=True).order_by(
        "-created_at", "-pk"
    )


#: The overview's "coming week", as on the coach's dashboard.
UPCOMING_DAYS = 7


# ---------------------------------------------------------------- the lead's overview


@dataclass(frozen=True)
class CoachCaseload:
    """One coach's row in the lead's overview: the figures their own dashboard
    and morning digest would show them."""

    membership: PracticeMembership
    active_candidates: int
    waiting_review: int
    #: When the checklist waiting longest was submitted (None: nothing waits).
    oldest_submitted_at: datetime.datetime | None
    #: How long that is, as "3 days" ("" when nothing waits).
    oldest_wait: str
    overdue: int
    #: People waiting for a thank-you past its due time (selectors.rounds.FollowUp).
    thanks_overdue: int
    upcoming: list[home_selectors.UpcomingInterview] = field(default_factory=list)

    @property
    def coach(self) -> User:
        return self.membership.user

    @property
    def at_risk(self) -> int:
        return sum(1 for row in self.upcoming if row.at_risk)


def _count(queryset: QuerySet, group: str) -> Coalesce:
    """How many rows of ``queryset`` there are per outer row, as a subquery."""
    counted = queryset.order_by().values(group).annotate(n=Count("pk")).values("n")[:1]
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _coach_rows(practice: Practice, *, today: datetime.date, now: datetime.datetime):
    """The practice's memberships, each annotated with its coach's figures
    (one query)."""
    coach = OuterRef("user_id")
    assignments = Assignment.objects.filter(candidate__coach=coach)
    waiting = assignments.awaiting_review()
    oldest = (
        waiting.order_by().values("candidate__coach").annotate(at=Min("submitted_at")).values("at")
    )
    overdue = assignments.overdue(today, now).filter(candidate__archived=False)
    return (
        PracticeMembership.objects.filter(practice=practice)
        .select_related("user")
        .annotate(
            active_candidates=_count(
                Candidate.objects.filter(coach=coach, archived=False), "coach"
            ),
            waiting_review=_count(waiting, "candidate__coach"),
            oldest_submitted_at=Subquery(oldest[:1]),
            overdue=_count(overdue, "candidate__coach"),
        )
        .order_by("user__full_name", "user__email", "pk")
    )


def _thanks_overdue(practice: Practice, now: datetime.datetime) -> Counter[int]:
    """Per coach of the practice: how many people wait for a thank-you past its
    due time, by the rule the coach's dashboard and morning digest follow
    (selectors.rounds.FollowUp.notes_overdue). Three queries."""
    rounds = rounds_selectors.after_interview_rounds(
        InterviewRound.objects.filter(
            opportunity__candidate__coach__practice_membership__practice=practice
        ),
        now=now,
    )
    overdue: Counter[int] = Counter()
    for follow_up in rounds_selectors.follow_ups(rounds, now=now):
        if follow_up.notes_overdue:
            overdue[follow_up.round.opportunity.candidate.coach_id] += len(follow_up.waiting)
    return overdue


def _upcoming_rounds(practice: Practice, now: datetime.datetime) -> QuerySet[InterviewRound]:
    """The practice's interviews in the coming week, with readiness (one query)."""
    return rounds_selectors.rounds_with_readiness(
        InterviewRound.objects.filter(
            opportunity__candidate__coach__practice_membership__practice=practice,
            scheduled_at__gte=now,
            scheduled_at__lt=now + datetime.timedelta(days=UPCOMING_DAYS),
            opportunity__candidate__archived=False,
        )
        .select_related("opportunity__candidate__user")  # the candidate's zone
        .with_kind_count()
        .order_by("scheduled_at", "pk")
    )


def practice_caseloads(
    practice: Practice, *, now: datetime.datetime | None = None
) -> list[CoachCaseload]:
    """One row per coach of the practice (the lead included), by name. Five
    queries, whatever the number of coaches, candidates and interviews."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    thanks_overdue = _thanks_overdue(practice, now)
    upcoming: dict[int, list[home_selectors.UpcomingInterview]] = {}
    for round in _upcoming_rounds(practice, now):
        upcoming.setdefault(round.opportunity.candidate.coach_id, []).append(
            home_selectors.UpcomingInterview(
                round=round,
                at_risk=bool(round.live_assignments)
                and round.readiness.at_risk(round.scheduled_at, now),
                soon=round.scheduled_at <= now + readiness.WARNING_WINDOW,
            )
        )
    return [
        CoachCaseload(
            membership=m,
            active_candidates=m.active_candidates,
            waiting_review=m.waiting_review,
            oldest_submitted_at=m.oldest_submitted_at,
            oldest_wait=timesince(m.oldest_submitted_at, now, depth=1)
            if m.oldest_submitted_at
            else "",
            overdue=m.overdue,
            thanks_overdue=thanks_overdue[m.user_id],
            upcoming=upcoming.get(m.user_id, []),
        )
        for m in _coach_rows(practice, today=today, now=now)
    ]


@dataclass(frozen=True)
class SortColumn:
    key: str
    label: str
    #: The value rows are ordered by; None sorts last both ways.
    value: Callable[[CoachCaseload], object]
    #: Numbers read best largest first on the first click.
    numeric: bool = True


#: The overview's columns, in order; ``?sort=<key>`` or ``?sort=-<key>``.
OVERVIEW_COLUMNS = (
    SortColumn("coach", "Coach", lambda r: (r.coach.full_name or r.coach.email).casefold(), False),
    SortColumn("active", "Active candidates", lambda r: r.active_candidates),
    SortColumn("waiting", "Waiting for review", lambda r: r.waiting_review),
    # By how long it has waited: ascending is the shortest wait first.
    SortColumn(
        "oldest",
        "Oldest wait",
        lambda r: -r.oldest_submitted_at.timestamp() if r.oldest_submitted_at else None,
    ),
    SortColumn("interviews", "Interviews in 7 days", lambda r: len(r.upcoming)),
    SortColumn("overdue", "Overdue checklists", lambda r: r.overdue),
    SortColumn("thanks", "Thank-you notes overdue", lambda r: r.thanks_overdue),
)
SORT_KEYS = {column.key: column for column in OVERVIEW_COLUMNS}
DEFAULT_SORT = "coach"


def parse_sort(value: str | None) -> tuple[str, bool]:
    """``?sort=`` as (key, descending); anything unknown is the default order."""
    value = (value or "").strip()
    descending = value.startswith("-")
    key = value.removeprefix("-")
    if key not in SORT_KEYS:
        return DEFAULT_SORT, False
    return key, descending


@dataclass(frozen=True)
class SortHeader:
    """A column header of the overview: its label, its aria-sort state and the
    ``?sort=`` its link asks for (the other direction once it is sorted)."""

    column: SortColumn
    #: "ascending" / "descending" on the sorted column, "" elsewhere.
    aria_sort: str
    link_sort: str

    @property
    def link_descending(self) -> bool:
        return self.link_sort.startswith("-")


def sort_headers(key: str, descending: bool) -> list[SortHeader]:
    headers = []
    for column in OVERVIEW_COLUMNS:
        if column.key == key:
            aria = "descending" if descending else "ascending"
            link = column.key if descending else f"-{column.key}"
        else:
            aria = ""
            # Numbers first show the largest: who needs the lead's attention.
            link = f"-{column.key}" if column.numeric else column.key
        headers.append(SortHeader(column=column, aria_sort=aria, link_sort=link))
    return headers


def sort_caseloads(rows: list[CoachCaseload], key: str, descending: bool) -> list[CoachCaseload]:
    """Rows ordered by one column; ties (and empty values, always last) by name."""
    by_name = sorted(rows, key=SORT_KEYS[DEFAULT_SORT].value)
    value = SORT_KEYS[key].value
    present = [row for row in by_name if value(row) is not None]
    missing = [row for row in by_name if value(row) is None]
    return sorted(present, key=value, reverse=descending) + missing


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
