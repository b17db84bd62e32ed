"""The home pages: the coach's dashboard and the candidate's home's rounds,
page read models across the domains."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet, Window
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.timesince import timesince

from ..lib import readiness
from ..lib import when as when_lib
from ..lib.links import pk_url
from ..lib.prepared import Prepared
from ..models import Assignment, Candidate, InterviewRound, ThankYouNote, User
from .checklists import ReadinessFigures, readiness_figures
from .followups import thanks_waiting_by_round
from .rounds import (
    FollowUp,
    after_interview_rounds,
    candidate_past_rounds,
    followed_q,
    is_followed,
)

# ---------------------------------------------------------------- coach: dashboard

#: Rows a card of the dashboard shows; "See all (N)" opens the whole list
#: (coach:dashboard_list), a page at a time.
CARD_LIMIT = 6


@dataclass(frozen=True)
class ReviewRow:
    """A checklist waiting for the coach's review."""

    pk: int
    url: str
    candidate_name: str
    title: str
    company: str
    readiness: readiness.Readiness
    #: "Thu 10 Dec 16:00" in the coach's zone, and how long ago ("2 hours").
    submitted: str
    ago: str


@dataclass(frozen=True)
class NoteRow:
    """A thank-you note whose candidate asked for the coach's look."""

    pk: int
    url: str
    candidate_name: str
    recipient: str
    company: str
    asked: str
    ago: str


@dataclass(frozen=True)
class UpcomingInterview:
    """A round in the coach's coming week, with what the dashboard flags."""

    pk: int
    url: str
    #: The time for the coach and, where it reads differently, the candidate.
    when: str
    when_attr: str
    candidate_name: str
    kind_name: str
    position: str
    company: str
    #: Live (not withdrawn) checklists for the round: readiness is theirs.
    has_checklist: bool
    readiness: readiness.Readiness
    #: Under half ready, and the interview is less than 48 hours away.
    at_risk: bool
    #: Less than 48 hours away (no checklist yet is then urgent).
    soon: bool
    #: Where to assign a checklist for it (when it has none).
    assign_url: str


@dataclass(frozen=True)
class AfterRow:
    """An interview over that still waits for thank-you notes, a debrief or
    an outcome (``follow_up`` says which, and how long)."""

    round: InterviewRound
    url: str
    when: str
    follow_up: FollowUp


@dataclass(frozen=True)
class OverdueRow:
    pk: int
    url: str
    title: str
    candidate_name: str
    readiness: readiness.Readiness
    due: str
    #: For the status badge (``status_badge`` reads ``status``).
    status: str


@dataclass(frozen=True)
class InvitedRow:
    pk: int
    url: str
    name: str
    invited: str
    expired: bool
    #: "18 Mar 2030" once expired, "18 Mar 2030, 09:00" before.
    expires: str
    #: The re-invite form's action.
    invite_url: str


@dataclass
class Dashboard:
    awaiting_review: list[ReviewRow]
    upcoming: list[UpcomingInterview]
    overdue: list[OverdueRow]
    invited: list[InvitedRow]
    notes_to_check: list[NoteRow]
    #: Interviews over that still wait for thank-you notes, a debrief or an outcome.
    after_interviews: list[AfterRow]
    #: How many rows each whole list has, by card key (CARDS).
    totals: dict[str, int]
    limit: int = CARD_LIMIT


def _local(value: datetime.datetime, format_: str) -> str:
    return dateformat.format(timezone.localtime(value), format_)


# Each card's list is a .values() query of the columns its rows show (issue
# 25: rows built for the page, not model instances walked by the template).
# The whole list (coach:dashboard_list) pages it; the dashboard's first rows
# run it as a prepared statement (lib/prepared.py).


def awaiting_review(coach: User, *, now: datetime.datetime | None = None) -> QuerySet:
    """Submitted checklists, the longest waiting first (readiness is read for
    the rows shown: ``review_rows``)."""
    return (
        Assignment.objects.for_coach(coach)
        .awaiting_review()
        .order_by("submitted_at", "pk")
        .values(
            "pk", "title", "submitted_at", "candidate__full_name", "round__opportunity__company"
        )
    )


def _figures(figures: ReadinessFigures | None, *, checklists=(), rounds=()) -> ReadinessFigures:
    """The dashboard reads the readiness of its three lists' rows in one query;
    a whole list's page reads its own."""
    if figures is not None:
        return figures
    return readiness_figures(checklists=checklists, rounds=rounds)


def review_rows(
    assignments, *, now: datetime.datetime, figures: ReadinessFigures | None = None
) -> list[ReviewRow]:
    url = pk_url("coach:assignment_detail")
    assignments = list(assignments)
    figures = _figures(figures, checklists=[a["pk"] for a in assignments])
    return [
        ReviewRow(
            pk=a["pk"],
            url=url(a["pk"]),
            candidate_name=a["candidate__full_name"],
            title=a["title"],
            company=a["round__opportunity__company"] or "",
            readiness=figures.of_checklist(a["pk"]),
            submitted=_local(a["submitted_at"], "D j M H:i"),
            ago=timesince(a["submitted_at"], now),
        )
        for a in assignments
    ]


def _overdue(coach: User, today: datetime.date, now: datetime.datetime) -> QuerySet:
    return (
        Assignment.objects.for_coach(coach)
        .overdue(today, now)
        .filter(candidate__archived=False)
        .order_by("due_date", "pk")
        .values("pk", "title", "status", "due_date", "candidate__full_name")
    )


def overdue(coach: User, *, now: datetime.datetime) -> QuerySet:
    """Open checklists past their due date whose interview is still ahead, of
    active candidates, the most overdue first."""
    return _overdue(coach, timezone.localdate(now), now)


def overdue_rows(
    assignments, *, now: datetime.datetime, figures: ReadinessFigures | None = None
) -> list[OverdueRow]:
    url = pk_url("coach:assignment_detail")
    assignments = list(assignments)
    figures = _figures(figures, checklists=[a["pk"] for a in assignments])
    return [
        OverdueRow(
            pk=a["pk"],
            url=url(a["pk"]),
            title=a["title"],
            candidate_name=a["candidate__full_name"],
            readiness=figures.of_checklist(a["pk"]),
            due=dateformat.format(a["due_date"], "j M Y"),
            status=Assignment.Status(a["status"]),
        )
        for a in assignments
    ]


#: The coming week.
UPCOMING_DAYS = 7


def _upcoming(coach: User, start: datetime.datetime, end: datetime.datetime) -> QuerySet:
    return (
        InterviewRound.objects.for_coach(coach)
        .filter(
            scheduled_at__gte=start,
            scheduled_at__lt=end,
            opportunity__candidate__archived=False,
        )
        .with_kind_count()
        .order_by("scheduled_at", "pk")
        .values(
            "pk",
            "scheduled_at",
            "kind",
            "sequence",
            "same_kind_rounds",
            "opportunity__company",
            "opportunity__position",
            "opportunity__candidate_id",
            "opportunity__candidate__full_name",
            # The candidate's zone (none before they join).
            "opportunity__candidate__user__time_zone",
        )
    )


def upcoming(coach: User, *, now: datetime.datetime) -> QuerySet:
    """The coach's interviews in the coming week (active candidates), soonest
    first (readiness is read for the rows shown: ``upcoming_rows``)."""
    return _upcoming(coach, now, now + datetime.timedelta(days=UPCOMING_DAYS))


def upcoming_rows(
    rounds, *, now: datetime.datetime, figures: ReadinessFigures | None = None
) -> list[UpcomingInterview]:
    url = pk_url("coach:round_detail")
    assign = reverse("coach:assignment_create")
    rounds = list(rounds)
    figures = _figures(figures, rounds=[r["pk"] for r in rounds])
    rows = []
    for r in rounds:
        live, ready = figures.of_round(r["pk"])
        at = r["scheduled_at"]
        rows.append(
            UpcomingInterview(
                pk=r["pk"],
                url=url(r["pk"]),
                when=when_lib.for_coach_and_candidate(
                    at,
                    r["opportunity__candidate__user__time_zone"],
                    r["opportunity__candidate__full_name"],
                ),
                when_attr=when_lib.machine_readable(at),
                candidate_name=r["opportunity__candidate__full_name"],
                kind_name=InterviewRound.name_kind(
                    r["kind"], sequence=r["sequence"], same_kind=r["same_kind_rounds"]
                ),
                position=r["opportunity__position"],
                company=r["opportunity__company"],
                has_checklist=bool(live),
                readiness=ready,
                at_risk=bool(live) and ready.at_risk(at, now),
                soon=at <= now + readiness.WARNING_WINDOW,
                assign_url=f"{assign}?candidate={r['opportunity__candidate_id']}&round={r['pk']}",
            )
        )
    return rows


def invited(coach: User, *, now: datetime.datetime | None = None) -> QuerySet:
    """Active candidates invited and not yet joined, the longest waiting first.
    A join, not a subquery per figure: a candidate has at most one open
    invitation (the constraint interviews_invitation_one_open_per_candidate),
    and the values read the row the filter joined."""
    return (
        Candidate.objects.for_coach(coach)
        .active()
        .filter(
            user__isnull=True,
            invitations__isnull=False,
            invitations__accepted_at__isnull=True,
            invitations__revoked_at__isnull=True,
        )
        .annotate(
            invited_at=F("invitations__created_at"),
            invite_expires_at=F("invitations__expires_at"),
        )
        .order_by("invited_at", "pk")
        .values("pk", "full_name", "invited_at", "invite_expires_at")
    )


def invited_rows(candidates, *, now: datetime.datetime) -> list[InvitedRow]:
    url = pk_url("coach:candidate_detail")
    invite = pk_url("coach:candidate_invite")
    rows = []
    for c in candidates:
        expired = c["invite_expires_at"] <= now
        rows.append(
            InvitedRow(
                pk=c["pk"],
                url=url(c["pk"]),
                name=c["full_name"],
                invited=_local(c["invited_at"], "j M Y"),
                expired=expired,
                expires=_local(c["invite_expires_at"], "j M Y" if expired else "j M Y, H:i"),
                invite_url=invite(c["pk"]),
            )
        )
    return rows


def note_rows(notes, *, now: datetime.datetime) -> list[NoteRow]:
    url = pk_url("coach:round_detail")
    return [
        NoteRow(
            pk=note["pk"],
            url=f"{url(note['round_id'])}#note-{note['pk']}",
            candidate_name=note["round__opportunity__candidate__full_name"],
            recipient=ThankYouNote.recipient_of(
                note["interviewer__name"], note["to_name"], note["to"]
            ),
            company=note["round__opportunity__company"],
            asked=_local(note["check_requested_at"], "D j M H:i"),
            ago=timesince(note["check_requested_at"], now),
        )
        for note in notes
    ]


#: What the after-interviews rows show of a round: when, which round (its
#: kind, numbered among its kind), whose, at which company.
_ROUND_SHOWN = (
    "scheduled_at",
    "kind",
    "sequence",
    "opportunity__company",
    "opportunity__candidate__full_name",
)


def after_rows(follow_ups: list[FollowUp], *, now: datetime.datetime) -> list[AfterRow]:
    url = pk_url("coach:round_detail")
    return [
        AfterRow(
            round=f.round,
            url=url(f.round.pk),
            when=when_lib.when(f.round.scheduled_at),
            follow_up=f,
        )
        for f in follow_ups
    ]


@dataclass(frozen=True)
class CardList:
    """One card of the dashboard as a whole list (coach:dashboard_list)."""

    title: str
    #: The whole list, in the card's order: a QuerySet (paged in SQL) or a list.
    rows: Callable[..., QuerySet | list]
    #: The page's rows as shown, from the objects of one page.
    shown: Callable[..., list]
    #: The partial that draws the rows (the dashboard's card draws them too).
    template: str


CARDS: dict[str, CardList] = {
    "review": CardList(
        "Waiting for your review", awaiting_review, review_rows, "interviews/home/_review_rows.html"
    ),
    "notes": CardList(
        "Thank-you notes to check",
        lambda coach, now: notes_to_check(coach),
        note_rows,
        "interviews/home/_note_rows.html",
    ),
    "upcoming": CardList(
        "Interviews in the next 7 days",
        upcoming,
        upcoming_rows,
        "interviews/home/_upcoming_rows.html",
    ),
    "after": CardList(
        "After interviews",
        lambda coach, now: after_interviews(coach, now=now),
        after_rows,
        "interviews/home/_after_rows.html",
    ),
    "overdue": CardList(
        "Overdue checklists", overdue, overdue_rows, "interviews/home/_overdue_rows.html"
    ),
    "invited": CardList(
        "Invited, not yet joined", invited, invited_rows, "interviews/home/_invited_rows.html"
    ),
}


def _first(queryset: QuerySet) -> QuerySet:
    """The first CARD_LIMIT rows of a card's list, each with how many the
    whole list has: a window over it (``COUNT(*) OVER ()``), computed before
    the LIMIT, so one query tells both."""
    return queryset.annotate(whole_list=Window(Count("pk")))[:CARD_LIMIT]


# The dashboard asks these five on every visit, for a coach and a time: each
# is built and compiled once (lib/prepared.py) with stand-ins that no row or
# clock has, which saves 0.5 to 1.5 ms of Python a list (issue 25).
_COACH = User(pk=-7_000_000_001, role=User.Role.COACH)
_START = datetime.datetime(1900, 1, 2, 3, 4, 5, 678901, tzinfo=datetime.UTC)
_END = datetime.datetime(1900, 1, 9, 3, 4, 5, 678901, tzinfo=datetime.UTC)
_DAY = datetime.date(1900, 1, 3)
_FIRST_REVIEW = Prepared(Assignment, lambda coach: _first(awaiting_review(coach)), coach=_COACH)
_FIRST_NOTES = Prepared(ThankYouNote, lambda coach: _first(notes_to_check(coach)), coach=_COACH)
_FIRST_UPCOMING = Prepared(
    InterviewRound,
    lambda coach, start, end: _first(_upcoming(coach, start, end)),
    coach=_COACH,
    start=_START,
    end=_END,
)
_FIRST_OVERDUE = Prepared(
    Assignment,
    lambda coach, today, now: _first(_overdue(coach, today, now)),
    coach=_COACH,
    today=_DAY,
    now=_START,
)
_FIRST_INVITED = Prepared(Candidate, lambda coach: _first(invited(coach)), coach=_COACH)


_AFTER_ROUNDS = Prepared(
    InterviewRound,
    lambda coach, since, now: (
        after_interview_rounds(InterviewRound.objects.for_coach(coach), now=now, since=since)
        .prefetch_related(None)
        .only(*_ROUND_SHOWN, "duration_minutes", "outcome", "debriefed_at")
        .with_kind_count()
    ),
    coach=_COACH,
    since=_START,
    now=_END,
)


def _total(rows: list[dict]) -> int:
    return rows[0]["whole_list"] if rows else 0


def dashboard(coach: User, *, now: datetime.datetime | None = None) -> Dashboard:
    """The coach's start page: what needs doing now, the first CARD_LIMIT rows
    of each list with how many there are in all. Eight queries (five lists,
    the readiness of the rows shown, and the interviews over with their
    interviewers and notes), whatever the caseload."""
    now = now or timezone.now()
    review = _FIRST_REVIEW(coach=coach)
    notes = _FIRST_NOTES(coach=coach)
    coming = _FIRST_UPCOMING(
        coach=coach, start=now, end=now + datetime.timedelta(days=UPCOMING_DAYS)
    )
    late = _FIRST_OVERDUE(coach=coach, today=timezone.localdate(now), now=now)
    waiting = _FIRST_INVITED(coach=coach)
    after = after_interviews(coach, now=now)
    # The readiness of the three lists' rows shown, in one query.
    figures = readiness_figures(
        checklists=[a["pk"] for a in (*review, *late)], rounds=[r["pk"] for r in coming]
    )
    return Dashboard(
        awaiting_review=review_rows(review, now=now, figures=figures),
        upcoming=upcoming_rows(coming, now=now, figures=figures),
        overdue=overdue_rows(late, now=now, figures=figures),
        invited=invited_rows(waiting, now=now),
        notes_to_check=note_rows(notes, now=now),
        after_interviews=after_rows(after[:CARD_LIMIT], now=now),
        totals={
            "review": _total(review),
            "notes": _total(notes),
            "upcoming": _total(coming),
            "after": len(after),
            "overdue": _total(late),
            "invited": _total(waiting),
        },
    )


def after_interviews(coach: User, *, now: datetime.datetime) -> list[FollowUp]:
    """The coach's interviews that are over and still wait for thank-you notes,
    a debrief or an outcome, oldest first: the rounds the reminders follow
    (selectors.rounds.is_followed), read by the rule the lead's overview and
    the morning digest read. Two queries."""
    rounds = _AFTER_ROUNDS(coach=coach, since=now - InterviewRound.AFTER_INTERVIEW_WINDOW, now=now)
    # Who waits for thanks from plain values, not the notes and interviewers
    # as models (one query).
    waiting = thanks_waiting_by_round([r.pk for r in rounds])
    followed = (FollowUp(round=r, waiting=waiting[r.pk], now=now) for r in rounds)
    return [f for f in followed if f.has_ended and not f.is_done]


def notes_to_check(coach: User) -> QuerySet:
    """Thank-you notes of the coach's active candidates that wait for the coach's
    look (``ThankYouNote.awaiting_check`` in SQL), the longest waiting first."""
    return (
        ThankYouNote.objects.for_coach(coach)
        .filter(
            round__opportunity__candidate__archived=False,
            check_requested_at__isnull=False,
        )
        .filter(Q(checked_at__isnull=True) | Q(checked_at__lt=F("check_requested_at")))
        .order_by("check_requested_at", "pk")
        .values(
            "pk",
            "round_id",
            "check_requested_at",
            "to_name",
            "to",
            "interviewer__name",
            "round__opportunity__company",
            "round__opportunity__candidate__full_name",
        )
    )


# ---------------------------------------------------------------- candidate: home


@dataclass(frozen=True)
class ComingRound:
    """A coming interview on the candidate's home, with the readiness of its
    live checklists."""

    round: InterviewRound
    readiness: readiness.Readiness


@dataclass(frozen=True)
class CandidateHomeRounds:
    """The rounds on the candidate's home page."""

    #: The coming ones, soonest first, with readiness.
    upcoming: list[ComingRound]
    #: What the followed past rounds still wait for, latest interview first.
    follow_ups: list[FollowUp]
    #: The latest past rounds (up to ``past_limit``), each named and with its outcome.
    past: list[InterviewRound]
    #: Whether there are more past rounds than ``past``: the page links to them all.
    more_past: bool


def candidate_home_rounds(
    user: User, *, now: datetime.datetime, upcoming_limit: int, past_limit: int
) -> CandidateHomeRounds:
    """The candidate's home page rounds in four queries: the coming ones with
    the followed past ones, the readiness of the coming ones (one query over
    their checklists, not three subqueries per round), who still waits for
    thanks (from plain values of their interviewers and notes, one query),
    and the latest past ones."""
    rounds = list(
        InterviewRound.objects.for_candidate_user(user)
        .filter(Q(scheduled_at__gt=now) | followed_q(now))
        .select_related("opportunity__candidate")
        .with_kind_count()
        .order_by("scheduled_at", "id")
    )
    coming = [r for r in rounds if not r.started_by(now)][:upcoming_limit]
    figures = readiness_figures(rounds=[r.pk for r in coming])
    upcoming = [ComingRound(r, figures.of_round(r.pk)[1]) for r in coming]
    followed = [r for r in rounds[::-1] if r.started_by(now) and is_followed(r, now)]
    waiting = thanks_waiting_by_round([r.pk for r in followed])
    after = (FollowUp(round=r, waiting=waiting[r.pk], now=now) for r in followed)
    past = list(candidate_past_rounds(user, now=now)[: past_limit + 1])
    return CandidateHomeRounds(
        upcoming=upcoming,
        follow_ups=[f for f in after if not f.is_done],
        past=past[:past_limit],
        more_past=len(past) > past_limit,
    )
