"""The practice lead's overview (/practice/): one row per coach of the
practice with the figures their own dashboard and morning digest would show
them, their next interviews with readiness, sortable by any column; and the
coming interviews the practice's candidates page lists.

Each function runs a fixed number of queries whatever the number of coaches,
candidates or rounds: the coaches' figures are one aggregate, readiness is
read for the interviews shown (selectors.checklists.readiness_figures), and
the heavy reads are prepared once per process (lib/prepared.py).
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db.models import (
    Case,
    Count,
    Max,
    Min,
    Q,
    QuerySet,
    When,
)
from django.db.models.functions import Coalesce, Greatest
from django.http import QueryDict
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.timesince import timesince

from ..lib import readiness
from ..lib import when as when_lib
from ..lib.links import pk_url
from ..lib.prepared import Prepared
from ..models import (
    Assignment,
    Candidate,
    InterviewRound,
    Practice,
    PracticeMembership,
    PracticeRole,
)
from ..models.checklists import overdue_q
from . import checklists as checklists_selectors
from . import rounds as rounds_selectors
from .followups import thanks_waiting_by_round

#: The overview's "coming week", as on the coach's dashboard.
UPCOMING_DAYS = 7
#: A coach's next interviews shown in their row of the overview; the rest are
#: on their page of candidates (practice:candidates?coach=).
OVERVIEW_INTERVIEWS = 3


# ---------------------------------------------------------------- coming interviews


@dataclass(frozen=True)
class UpcomingRow:
    """One interview of a coach's coming week as the lead's pages show it:
    the time written once (the lead's zone, and the candidate's where it
    reads differently), the candidate's read-only page, the readiness."""

    coach_id: int
    at: datetime.datetime
    when: str
    #: The ``datetime`` attribute of its <time>.
    when_attr: str
    candidate_name: str
    candidate_url: str
    #: Live (not withdrawn) checklists for the round: readiness is theirs.
    has_checklist: bool
    readiness: readiness.Readiness
    #: Less than 48 hours away (no checklist yet is then urgent).
    soon: bool
    #: Under half ready, and the interview is less than 48 hours away.
    at_risk: bool


@dataclass(slots=True)
class _Upcoming:
    """An interview of the coming week as read (plain values, not yet written).
    Not frozen: ``_with_readiness`` fills in the readiness of those that need
    it in place (copying a hundred of them cost 0.2 ms a page)."""

    pk: int
    coach_id: int
    at: datetime.datetime
    candidate_id: int
    candidate_name: str
    zone: str | None
    #: Live checklists and their readiness; read only where they matter
    #: (``_with_readiness``): 0 and nothing required until then.
    live: int = 0
    readiness: readiness.Readiness = field(default=readiness.Readiness(0, 0))

    def at_risk(self, now: datetime.datetime) -> bool:
        return bool(self.live) and self.readiness.at_risk(self.at, now)


def _upcoming(
    practice: Practice, *, now: datetime.datetime, coach_id: int | None = None
) -> list[_Upcoming]:
    """The practice's (or one of its coaches') interviews in the coming week,
    soonest first, without readiness: one query of plain values."""
    rounds = InterviewRound.objects.filter(
        opportunity__candidate__coach__practice_membership__practice=practice,
        scheduled_at__gte=now,
        scheduled_at__lt=now + datetime.timedelta(days=UPCOMING_DAYS),
        opportunity__candidate__archived=False,
    )
    if coach_id is not None:
        rounds = rounds.filter(opportunity__candidate__coach_id=coach_id)
    values = rounds.order_by("scheduled_at", "pk").values_list(
        "pk",
        "opportunity__candidate__coach_id",
        "scheduled_at",
        "opportunity__candidate_id",
        "opportunity__candidate__full_name",
        "opportunity__candidate__user__time_zone",
    )
    return [_Upcoming(*row) for row in values]


def _with_readiness(interviews: list[_Upcoming]) -> list[_Upcoming]:
    """``interviews``, their live checklists' readiness filled in: one query,
    which counts the items of these rounds only (a busy practice has hundreds
    of interviews a week; only the shown ones and the next 48 hours' need it)."""
    if not interviews:
        return []
    figures = checklists_selectors.readiness_figures(rounds=[up.pk for up in interviews])
    for up in interviews:
        up.live, up.readiness = figures.of_round(up.pk)
    return interviews


def _written(
    interviews: list[_Upcoming], now: datetime.datetime, candidate_url: Callable[[int], str]
) -> list[UpcomingRow]:
    """The rows as shown: times written (only those of the rows shown: it is
    what costs), links made."""
    soon_until = now + readiness.WARNING_WINDOW
    return [
        UpcomingRow(
            coach_id=up.coach_id,
            at=up.at,
            when=when_lib.for_coach_and_candidate(up.at, up.zone, up.candidate_name),
            when_attr=when_lib.machine_readable(up.at),
            candidate_name=up.candidate_name,
            candidate_url=candidate_url(up.candidate_id),
            has_checklist=bool(up.live),
            readiness=up.readiness,
            soon=up.at <= soon_until,
            at_risk=up.at_risk(now),
        )
        for up in interviews
    ]


def upcoming_rows(
    practice: Practice, *, now: datetime.datetime, coach_id: int
) -> list[UpcomingRow]:
    """One coach's interviews in the coming week, soonest first, as shown
    (two queries)."""
    interviews = _with_readiness(_upcoming(practice, now=now, coach_id=coach_id))
    return _written(interviews, now, pk_url("practice:candidate"))


# ---------------------------------------------------------------- the lead's overview


class _Stamp(NamedTuple):
    """A moment as a <time> element writes it, in the active zone."""

    #: The ``datetime`` attribute (lib.when.machine_readable).
    attr: str
    #: Its title: "3 Dec 2026, 14:05" (what ``|date:'j M Y, H:i'`` writes).
    title: str


def _stamp(moment: datetime.datetime | None) -> _Stamp | None:
    if moment is None:
        return None
    title = dateformat.format(timezone.localtime(moment), "j M Y, H:i")
    return _Stamp(when_lib.machine_readable(moment), title)


@dataclass(frozen=True)
class OverviewCoach:
    """A member of the practice as the overview's row names them: plain values
    of their membership and user, read in one query (the models cost 0.3 ms a
    page more to read)."""

    pk: int
    full_name: str
    email: str
    is_lead: bool

    def get_full_name(self) -> str:
        """As ``User.get_full_name``."""
        return self.full_name or self.email


def _overview_coaches(practice: Practice) -> list[OverviewCoach]:
    """The practice's members by name, as ``practice_members`` orders them."""
    return [
        OverviewCoach(pk, full_name, email, role == PracticeRole.LEAD)
        for pk, full_name, email, role in _MEMBERS(practice=practice)
    ]


@dataclass(frozen=True)
class CoachCaseload:
    """One coach's row in the lead's overview: the figures their own dashboard
    and morning digest would show them."""

    coach: OverviewCoach
    active_candidates: int
    #: Checklists of active candidates not yet approved or withdrawn.
    open_checklists: int
    waiting_review: int
    #: When the checklist waiting longest was submitted (None: nothing waits).
    oldest_submitted_at: datetime.datetime | None
    #: How long that is, as "3 days" ("" when nothing waits).
    oldest_wait: str
    overdue: int
    #: People waiting for a thank-you past its due time (selectors.rounds.FollowUp).
    thanks_overdue: int
    #: Their interviews in the coming week, and how many of them are at risk.
    upcoming_count: int = 0
    at_risk: int = 0
    #: The first OVERVIEW_INTERVIEWS of them.
    next_interviews: list[UpcomingRow] = field(default_factory=list)
    #: The latest checklist assigned, submitted or reviewed (None: none yet).
    last_activity_at: datetime.datetime | None = None
    #: How long ago, as "2 days" ("" when none).
    last_activity: str = ""
    #: Their page of candidates (and all their coming interviews).
    candidates_url: str = ""
    #: The two moments as their <time> elements write them (``_stamp``):
    #: written here once rather than by filters in the row's cells.
    oldest_stamp: _Stamp | None = None
    last_activity_stamp: _Stamp | None = None

    @property
    def more_interviews(self) -> int:
        """Interviews of the coming week not shown in the row."""
        return self.upcoming_count - len(self.next_interviews)


#: A coach's figures before they have a candidate.
_NO_FIGURES = {
    "active_candidates": 0,
    "open_checklists": 0,
    "waiting_review": 0,
    "oldest_submitted_at": None,
    "overdue": 0,
    "last_activity_at": None,
}


def _members_of(practice: Practice) -> QuerySet:
    """The practice's coaches' ids as a subquery: one value, the practice,
    whatever their number (so the statements below are prepared once)."""
    return PracticeMembership.objects.filter(practice=practice).values("user_id")


def _coach_figures(
    practice: Practice, *, today: datetime.date, now: datetime.datetime
) -> dict[int, dict]:
    """Each coach's figures, by coach id: one aggregate over the practice's
    candidates and their checklists (cheaper to build and to run than a
    subquery per figure on the membership rows)."""
    figures = _FIGURES(practice=practice, today=today, now=now)
    return {row.pop("coach_id"): row for row in figures}


def _figure_rows(practice: Practice, today: datetime.date, now: datetime.datetime) -> QuerySet:
    on = "assignments__"
    active = Q(archived=False)
    waiting = Q(**{f"{on}status": Assignment.Status.SUBMITTED})
    created = Max(f"{on}created_at")
    figures = (
        Candidate.objects.filter(coach_id__in=_members_of(practice))
        .order_by()
        .values("coach_id")
        .annotate(
            active_candidates=Count("pk", filter=active, distinct=True),
            # Checklists of active candidates not yet approved or withdrawn.
            open_checklists=Count(
                f"{on}id",
                filter=active
                & Q(**{f"{on}status__in": (*Assignment.EDITABLE, Assignment.Status.SUBMITTED)}),
            ),
            waiting_review=Count(f"{on}id", filter=waiting),
            oldest_submitted_at=Min(f"{on}submitted_at", filter=waiting),
            overdue=Count(f"{on}id", filter=active & overdue_q(today, now, on)),
            # The latest of the three moments a checklist moves (created,
            # submitted, reviewed); Greatest is NULL on SQLite when one is,
            # hence the Coalesce.
            last_activity_at=Greatest(
                created,
                Coalesce(Max(f"{on}submitted_at"), created),
                Coalesce(Max(f"{on}reviewed_at"), created),
            ),
        )
    )
    return figures


def _interviews(
    practice: Practice, now: datetime.datetime
) -> tuple[list[_Upcoming], dict[int, int]]:
    """The coaches' interviews of the coming week, soonest first, without
    readiness; and the interviews over whose thank-you notes are due (round
    id: coach id), by the rule the coach's dashboard and morning digest follow
    (selectors.rounds.FollowUp.notes_overdue: a followed round, a day after
    its start). One query of plain values over both windows: only those
    rows, and only the coming ones' times (reading a time costs more than the
    rest of its row: 3 µs)."""
    rows = _INTERVIEWS(
        practice=practice,
        now=now,
        since=now - InterviewRound.AFTER_INTERVIEW_WINDOW,
        thanks_before=now - InterviewRound.THANK_YOU_WITHIN,
        until=now + datetime.timedelta(days=UPCOMING_DAYS),
    )
    coming, due = [], {}
    for pk, coach_id, at, *values in rows:
        if at is None:
            due[pk] = coach_id
        else:
            coming.append(_Upcoming(pk, coach_id, at, *values))
    return coming, due


def _interview_rows(
    practice: Practice,
    now: datetime.datetime,
    since: datetime.datetime,
    thanks_before: datetime.datetime,
    until: datetime.datetime,
) -> QuerySet:
    thanks_due = rounds_selectors.followed_q(now, since=since) & Q(scheduled_at__lte=thanks_before)
    coming_q = Q(scheduled_at__gte=now)
    return (
        InterviewRound.objects.filter(
            coming_q | thanks_due,
            opportunity__candidate__coach_id__in=_members_of(practice),
            opportunity__candidate__archived=False,
            scheduled_at__gte=since,
            scheduled_at__lt=until,
        )
        # None: an interview over, read for its thank-you notes.
        .annotate(at=Case(When(coming_q, then="scheduled_at")))
        .order_by("scheduled_at", "pk")
        .values_list(
            "pk",
            "opportunity__candidate__coach_id",
            "at",
            "opportunity__candidate_id",
            "opportunity__candidate__full_name",
            "opportunity__candidate__user__time_zone",
        )
    )


# The overview asks these on every visit with the practice and the time:
# each is built and compiled once (lib/prepared.py), with stand-ins no row
# or clock has (issue 25).
_PRACTICE = Practice(pk=-7_000_000_001)
_TIMES = [datetime.datetime(1900, 1, day, 3, 4, 5, tzinfo=datetime.UTC) for day in (2, 3, 4, 5)]
_INTERVIEWS = Prepared(
    InterviewRound,
    _interview_rows,
    practice=_PRACTICE,
    now=_TIMES[0],
    since=_TIMES[1],
    thanks_before=_TIMES[2],
    until=_TIMES[3],
)
_FIGURES = Prepared(
    Candidate,
    _figure_rows,
    practice=_PRACTICE,
    today=datetime.date(1900, 1, 6),
    now=_TIMES[0],
)
_MEMBERS = Prepared(
    PracticeMembership,
    lambda practice: (
        PracticeMembership.objects.filter(practice=practice)
        .order_by("user__full_name", "user__email", "pk")
        .values_list("user_id", "user__full_name", "user__email", "role")
    ),
    practice=_PRACTICE,
)


def _thanks_overdue(due: dict[int, int]) -> Counter[int]:
    """Per coach: how many people wait for a thank-you past its due time, of
    the rounds ``due`` (round id: coach id). One query of plain values."""
    overdue: Counter[int] = Counter()
    for pk, waiting in thanks_waiting_by_round(due).items():
        overdue[due[pk]] += len(waiting)
    return overdue


def practice_caseloads(
    practice: Practice, *, now: datetime.datetime | None = None
) -> list[CoachCaseload]:
    """One row per coach of the practice (the lead included), by name. Five
    queries, whatever the number of coaches, candidates and interviews; each
    row shows its coach's next few interviews, not all of them."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    # The other reads take the practice's members as a subquery of their ids
    # (one value: prepared statements).
    members = _overview_coaches(practice)
    coming, thanks_due = _interviews(practice, now)
    thanks_overdue = _thanks_overdue(thanks_due)
    # Readiness only where it shows: a coach's first few interviews (drawn),
    # and the next 48 hours' (counted as at risk when under half ready).
    shown: Counter[int] = Counter()
    needed = []
    for interview in coming:
        shown[interview.coach_id] += 1
        if shown[interview.coach_id] <= OVERVIEW_INTERVIEWS or interview.at <= now + (
            readiness.WARNING_WINDOW
        ):
            needed.append(interview)
    _with_readiness(needed)
    upcoming: dict[int, list[_Upcoming]] = {}
    for interview in coming:
        upcoming.setdefault(interview.coach_id, []).append(interview)
    candidates_url = reverse("practice:candidates")
    candidate_url = pk_url("practice:candidate")
    figures = _coach_figures(practice, today=today, now=now)
    rows = []
    for m in members:
        theirs = upcoming.get(m.pk, [])
        mine = figures.get(m.pk, _NO_FIGURES)
        rows.append(
            CoachCaseload(
                coach=m,
                **mine,
                oldest_wait=_ago(mine["oldest_submitted_at"], now),
                thanks_overdue=thanks_overdue[m.pk],
                upcoming_count=len(theirs),
                at_risk=sum(1 for interview in theirs if interview.at_risk(now)),
                next_interviews=_written(theirs[:OVERVIEW_INTERVIEWS], now, candidate_url),
                last_activity=_ago(mine["last_activity_at"], now),
                oldest_stamp=_stamp(mine["oldest_submitted_at"]),
                last_activity_stamp=_stamp(mine["last_activity_at"]),
                candidates_url=f"{candidates_url}?coach={m.pk}",
            )
        )
    return rows


def _ago(moment: datetime.datetime | None, now: datetime.datetime) -> str:
    return timesince(moment, now, depth=1) if moment else ""


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
    SortColumn("coach", "Coach", lambda r: r.coach.get_full_name().casefold(), False),
    SortColumn("active", "Active candidates", lambda r: r.active_candidates),
    SortColumn("open", "Open checklists", lambda r: r.open_checklists),
    SortColumn("waiting", "Waiting for review", lambda r: r.waiting_review),
    # By how long it has waited: ascending is the shortest wait first.
    SortColumn(
        "oldest",
        "Oldest wait",
        lambda r: -r.oldest_submitted_at.timestamp() if r.oldest_submitted_at else None,
    ),
    SortColumn("interviews", "Interviews in 7 days", lambda r: r.upcoming_count),
    SortColumn("overdue", "Overdue checklists", lambda r: r.overdue),
    SortColumn("thanks", "Thank-you notes overdue", lambda r: r.thanks_overdue),
    # The most recent first on the first click: who has been busy.
    SortColumn(
        "activity",
        "Last activity",
        lambda r: r.last_activity_at.timestamp() if r.last_activity_at else None,
    ),
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
    #: The link: the page's query string with ``sort`` set to ``link_sort``
    #: (what ``{% querystring sort=... %}`` writes, without copying the
    #: query once per header).
    href: str = ""

    @property
    def link_descending(self) -> bool:
        return self.link_sort.startswith("-")


def sort_headers(key: str, descending: bool, query: QueryDict | None = None) -> list[SortHeader]:
    """The headers, each linking to the page with ``query`` (the request's
    GET) and its ``?sort=``."""
    params = query.copy() if query is not None else QueryDict(mutable=True)
    headers = []
    for column in OVERVIEW_COLUMNS:
        if column.key == key:
            aria = "descending" if descending else "ascending"
            link = column.key if descending else f"-{column.key}"
        else:
            aria = ""
            # Numbers first show the largest: who needs the lead's attention.
            link = f"-{column.key}" if column.numeric else column.key
        params["sort"] = link
        headers.append(
            SortHeader(column=column, aria_sort=aria, link_sort=link, href=f"?{params.urlencode()}")
        )
    return headers


def sort_caseloads(rows: list[CoachCaseload], key: str, descending: bool) -> list[CoachCaseload]:
    """Rows ordered by one column; ties (and empty values, always last) by name."""
    by_name = sorted(rows, key=SORT_KEYS[DEFAULT_SORT].value)
    value = SORT_KEYS[key].value
    present = [row for row in by_name if value(row) is not None]
    missing = [row for row in by_name if value(row) is None]
    return sorted(present, key=value, reverse=descending) + missing
