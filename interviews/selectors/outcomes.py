"""Outcomes that teach (issue 14): what came before the interviews that went
well, over a period, for one coach's candidates or a whole practice; and the
caseload as a spreadsheet-safe CSV.

The rules, said once here and in one sentence each on the page:

Which outcomes count
    "Advanced" and "Offer" count as advanced, "Rejected" as not advanced.
    "Pending" is not known yet and "Withdrawn" is the candidate's decision,
    not the company's verdict, so both are left out of every rate (they are
    counted in "interviews by outcome").

Which rounds
    Those whose ``scheduled_at`` falls in the period (from the start of the
    first day to the end of the last, in the viewer's time zone); a round with
    no date falls in none.

Which checklists count for a round ("prep")
    Those linked to the round that existed at its scheduled start: created
    before it and not withdrawn before it. A checklist made after the
    interview did not prepare anyone for it.

Approved in time
    One of those checklists has an "approved" review dated before the start.

Readiness at interview time
    Of the required items of those checklists, the share whose last saved
    answer before the start was complete (the same test as
    ``AssignmentItem.is_complete``), read from the answer history: every saved
    change of a response leaves an ``AnswerRevision`` with its time, so an
    item with no revision before the start was still empty then. Checklists
    without required items count as ready, as everywhere else in the app.
    Erasing a candidate deletes their answer history, so an erased
    candidate's rounds read as not ready.

Every figure comes from three queries, whatever the number of rounds.
"""

from __future__ import annotations

import datetime
import enum
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from ..lib.readiness import Readiness
from ..models import (
    AnswerRevision,
    Assignment,
    AssignmentItem,
    Candidate,
    InterviewRound,
    ItemKind,
    Opportunity,
    Practice,
    Review,
    RoundOutcome,
    User,
)
from . import practices as practices_selectors
from . import rounds as rounds_selectors

ADVANCED_OUTCOMES = (RoundOutcome.ADVANCED, RoundOutcome.OFFER)
NOT_ADVANCED_OUTCOMES = (RoundOutcome.REJECTED,)

#: A rate over fewer interviews than this is shown, but marked as too few to mean much.
TOO_FEW = 10


# ---------------------------------------------------------------- the period


@dataclass(frozen=True)
class Period:
    """Whole days, both included, in the active (the viewer's) time zone."""

    start: datetime.date
    end: datetime.date

    @classmethod
    def last_year(cls, today: datetime.date) -> Period:
        """The last 12 months: from the day after this day a year ago, to today."""
        try:
            year_ago = today.replace(year=today.year - 1)
        except ValueError:  # 29 February
            year_ago = today.replace(year=today.year - 1, day=28)
        return cls(start=year_ago + datetime.timedelta(days=1), end=today)

    def bounds(self) -> tuple[datetime.datetime, datetime.datetime]:
        """The first day's start and the start of the day after the last."""
        tz = timezone.get_current_timezone()
        after = self.end + datetime.timedelta(days=1)
        return (
            timezone.make_aware(datetime.datetime.combine(self.start, datetime.time.min), tz),
            timezone.make_aware(datetime.datetime.combine(after, datetime.time.min), tz),
        )


# ---------------------------------------------------------------- rates


@dataclass(frozen=True)
class Rate:
    """How many of the interviews with a known outcome advanced."""

    advanced: int = 0
    known: int = 0

    @property
    def percent(self) -> int | None:
        """Rounded half up; None when there is nothing to divide by."""
        if not self.known:
            return None
        return (200 * self.advanced + self.known) // (2 * self.known)

    @property
    def too_few(self) -> bool:
        return self.known < TOO_FEW

    def __str__(self) -> str:
        if not self.known:
            return "no interviews with a known outcome"
        text = f"{self.advanced} of {self.known}, {self.percent} %"
        return f"{text} (too few to mean much)" if self.too_few else text


def _rate(facts: Iterable[RoundFact]) -> Rate:
    known = [fact.advanced for fact in facts if fact.advanced is not None]
    return Rate(advanced=sum(known), known=len(known))


@dataclass(frozen=True)
class RateRow:
    label: str
    rate: Rate


# ---------------------------------------------------------------- what is known of each round


class Band(enum.Enum):
    """Readiness at interview time, in the bands the page compares."""

    FULL = "100 %"
    MOST = "50\N{EN DASH}99 %"
    LOW = "0\N{EN DASH}49 %"
    NO_CHECKLIST = "No checklist"

    @classmethod
    def of(cls, readiness: Readiness | None) -> Band:
        if readiness is None:
            return cls.NO_CHECKLIST
        if readiness.percent >= 100:
            return cls.FULL
        return cls.MOST if readiness.percent >= 50 else cls.LOW


class Prep(enum.Enum):
    APPROVED = "Checklist approved before the interview"
    NOT_APPROVED = "Checklist not approved in time"
    NO_CHECKLIST = "No checklist"


#: A template by id, or, once the template is deleted, by the checklist's title.
TemplateKey = tuple[str, Any]


@dataclass(frozen=True)
class RoundFact:
    """What the figures need of one round."""

    pk: int
    coach_id: int
    outcome: str
    approved_in_time: bool
    #: Readiness at interview time; None when no checklist counted for the round.
    readiness_then: Readiness | None
    templates: frozenset[TemplateKey]

    @property
    def advanced(self) -> bool | None:
        """True or False for a known outcome, None for pending or withdrawn."""
        if self.outcome in ADVANCED_OUTCOMES:
            return True
        if self.outcome in NOT_ADVANCED_OUTCOMES:
            return False
        return None

    @property
    def band(self) -> Band:
        return Band.of(self.readiness_then)

    @property
    def prep(self) -> Prep:
        if self.readiness_then is None:
            return Prep.NO_CHECKLIST
        return Prep.APPROVED if self.approved_in_time else Prep.NOT_APPROVED


def _existed_at_interview_q(prefix: str = "") -> Q:
    """A checklist (reached through ``prefix``) that existed at its round's
    start: created before it, not withdrawn before it."""
    start = F(f"{prefix}round__scheduled_at")
    return Q(**{f"{prefix}created_at__lt": start}) & (
        Q(**{f"{prefix}withdrawn_at__isnull": True}) | Q(**{f"{prefix}withdrawn_at__gte": start})
    )


def _revision_complete_q() -> Q:
    """An answer revision that completes its item: AssignmentItem.is_complete
    applied to the revision's values (the kind is the item's)."""
    return (
        (Q(item__kind=ItemKind.TEXT) & ~Q(response_text=""))
        | Q(item__kind=ItemKind.CHECK, done=True)
        | (Q(item__kind=ItemKind.EMAIL) & ~Q(email_body=""))
    )


@dataclass(frozen=True)
class Facts:
    rounds: list[RoundFact]
    #: The name each template key is shown under.
    template_labels: dict[TemplateKey, str]


def round_facts(rounds: QuerySet[InterviewRound]) -> Facts:
    """The facts of ``rounds`` (those without a date are skipped), in three
    queries: the rounds, the checklists that counted, and the required items'
    completion at interview time counted per round in SQL."""
    rounds = rounds.filter(scheduled_at__isnull=False)
    approved = Review.objects.filter(
        _existed_at_interview_q("assignment__"),
        assignment__round=OuterRef("pk"),
        verdict=Review.Verdict.APPROVED,
        created_at__lt=F("assignment__round__scheduled_at"),
    )
    round_rows = list(
        rounds.annotate(approved_in_time=Exists(approved))
        .order_by()
        .values("pk", "outcome", "opportunity__candidate__coach_id", "approved_in_time")
    )

    checklists = Assignment.objects.filter(round__in=rounds.values("pk")).filter(
        _existed_at_interview_q()
    )
    templates: dict[int, set[TemplateKey]] = defaultdict(set)
    labels: dict[TemplateKey, str] = {}
    for row in checklists.order_by().values("round_id", "template_id", "template__title", "title"):
        if row["template_id"] is not None:
            key: TemplateKey = ("template", row["template_id"])
            labels[key] = row["template__title"]
        else:
            key = ("title", row["title"])
            labels[key] = f"{row['title']} (template deleted)"
        templates[row["round_id"]].add(key)

    last_before = AnswerRevision.objects.filter(
        item=OuterRef("pk"), created_at__lt=OuterRef("assignment__round__scheduled_at")
    ).order_by("-created_at", "-item_version")
    complete_then = last_before.annotate(
        ok=Case(When(_revision_complete_q(), then=Value(True)), default=Value(False))
    ).values("ok")[:1]
    counts = (
        AssignmentItem.objects.filter(required=True, assignment__in=checklists.values("pk"))
        .alias(
            complete_then=Coalesce(
                Subquery(complete_then, output_field=BooleanField()), Value(False)
            )
        )
        .order_by()
        .values("assignment__round_id")
        .annotate(total=Count("pk"), done=Count("pk", filter=Q(complete_then=True)))
    )
    readiness = {
        row["assignment__round_id"]: Readiness(done=row["done"], total=row["total"])
        for row in counts
    }

    facts = [
        RoundFact(
            pk=row["pk"],
            coach_id=row["opportunity__candidate__coach_id"],
            outcome=row["outcome"],
            approved_in_time=row["approved_in_time"],
            readiness_then=(
                readiness.get(row["pk"], Readiness(0, 0)) if row["pk"] in templates else None
            ),
            templates=frozenset(templates.get(row["pk"], ())),
        )
        for row in round_rows
    ]
    return Facts(rounds=facts, template_labels=labels)


# ---------------------------------------------------------------- the chart

CHART_WIDTH = 360
#: The bar of a 100 % rate; the words go to its right.
BAR_MAX = 180
BAR_HEIGHT = 18
ROW_HEIGHT = 50


@dataclass(frozen=True)
class Bar:
    """One horizontal bar: the label above, the bar, the count and rate beside it."""

    label: str
    rate: Rate
    top: int

    @property
    def width(self) -> int:
        return (self.rate.percent or 0) * BAR_MAX // 100

    @property
    def text(self) -> str:
        if not self.rate.known:
            return "no known outcome"
        text = f"{self.rate.advanced} of {self.rate.known}, {self.rate.percent} %"
        return f"{text} · too few" if self.rate.too_few else text

    @property
    def label_y(self) -> int:
        return self.top + 14

    @property
    def bar_y(self) -> int:
        return self.top + 20

    @property
    def text_y(self) -> int:
        return self.bar_y + 14


@dataclass(frozen=True)
class Chart:
    """A bar chart of advance rates, laid out here and drawn as inline SVG by
    templates/interviews/outcomes/_chart.html (no script, no inline style)."""

    slug: str
    title: str
    bars: list[Bar]
    width: int = CHART_WIDTH
    bar_max: int = BAR_MAX
    bar_height: int = BAR_HEIGHT

    @property
    def height(self) -> int:
        return len(self.bars) * ROW_HEIGHT + 4

    @property
    def text_x(self) -> int:
        return self.bar_max + 8

    @property
    def summary(self) -> str:
        """The chart in words, for screen readers."""
        return "; ".join(f"{bar.label}: {bar.rate}" for bar in self.bars) + "."


def bar_chart(slug: str, title: str, rows: list[RateRow]) -> Chart:
    bars = [Bar(label=row.label, rate=row.rate, top=n * ROW_HEIGHT) for n, row in enumerate(rows)]
    return Chart(slug=slug, title=title, bars=bars)


# ---------------------------------------------------------------- the figures


@dataclass(frozen=True)
class OutcomeCount:
    outcome: RoundOutcome
    count: int

    @property
    def label(self) -> str:
        return self.outcome.label


@dataclass(frozen=True)
class Figures:
    rounds: int
    by_outcome: list[OutcomeCount]
    overall: Rate
    by_prep: list[RateRow]
    by_band: list[RateRow]
    by_template: list[RateRow]

    @property
    def prep_chart(self) -> Chart:
        return bar_chart("prep", "Advance rate by prep approved before the interview", self.by_prep)

    @property
    def band_chart(self) -> Chart:
        return bar_chart("band", "Advance rate by readiness at interview time", self.by_band)


def figures(facts: Facts) -> Figures:
    rounds = facts.rounds
    outcomes = Counter(fact.outcome for fact in rounds)
    by_template: dict[TemplateKey, list[RoundFact]] = defaultdict(list)
    for fact in rounds:
        for key in fact.templates:
            by_template[key].append(fact)
    template_rows = sorted(
        (RateRow(facts.template_labels[key], _rate(group)) for key, group in by_template.items()),
        key=lambda row: (-row.rate.known, row.label.lower()),
    )
    template_rows.append(
        RateRow("No checklist", _rate(fact for fact in rounds if not fact.templates))
    )
    return Figures(
        rounds=len(rounds),
        by_outcome=[OutcomeCount(outcome, outcomes[outcome]) for outcome in RoundOutcome],
        overall=_rate(rounds),
        by_prep=[
            RateRow(prep.value, _rate(fact for fact in rounds if fact.prep == prep))
            for prep in Prep
        ],
        by_band=[
            RateRow(band.value, _rate(fact for fact in rounds if fact.band == band))
            for band in Band
        ],
        by_template=template_rows,
    )


@dataclass(frozen=True)
class CoachRow:
    """One coach's line in the practice's breakdown."""

    coach: User
    rounds: int
    pending: int
    overall: Rate
    approved_in_time: int


def coach_rows(facts: Facts, coaches: Iterable[User]) -> list[CoachRow]:
    by_coach: dict[int, list[RoundFact]] = defaultdict(list)
    for fact in facts.rounds:
        by_coach[fact.coach_id].append(fact)
    rows = []
    for coach in coaches:
        mine = by_coach.get(coach.pk, [])
        rows.append(
            CoachRow(
                coach=coach,
                rounds=len(mine),
                pending=sum(1 for fact in mine if fact.outcome == RoundOutcome.PENDING),
                overall=_rate(mine),
                approved_in_time=sum(1 for fact in mine if fact.prep == Prep.APPROVED),
            )
        )
    return rows


def _in_period(rounds: QuerySet[InterviewRound], period: Period) -> QuerySet[InterviewRound]:
    start, end = period.bounds()
    return rounds.filter(scheduled_at__gte=start, scheduled_at__lt=end)


def coach_figures(coach: User, period: Period) -> Figures:
    """The figures over the coach's own candidates' rounds in the period."""
    return figures(round_facts(_in_period(InterviewRound.objects.for_coach(coach), period)))


@dataclass(frozen=True)
class PracticeFigures:
    figures: Figures
    coaches: list[CoachRow]


def practice_figures(practice: Practice, period: Period) -> PracticeFigures:
    """The figures over the rounds of every member's candidates in the period,
    and a line per member (four queries)."""
    coaches = [member.user for member in practices_selectors.practice_members(practice)]
    rounds = InterviewRound.objects.for_coaches(coaches)
    facts = round_facts(_in_period(rounds, period))
    return PracticeFigures(figures=figures(facts), coaches=coach_rows(facts, coaches))


# ---------------------------------------------------------------- the CSV export

CSV_HEADER = [
    "coach",
    "candidate",
    "email",
    "archived",
    "company",
    "position",
    "opportunity status",
    "round",
    "kind",
    "scheduled",
    "outcome",
    "checklists",
    "readiness now (%)",
    "prep approved before interview",
    "readiness at interview (%)",
]


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


def _local_iso(when: datetime.datetime | None) -> str:
    return timezone.localtime(when).isoformat(timespec="minutes") if when else ""


def caseload_rows(coaches: Iterable[User], *, now: datetime.datetime) -> Iterator[list[Any]]:
    """The coaches' candidates with their opportunities and rounds, one row per
    round; an opportunity without rounds, and a candidate without
    opportunities, still get one row. Times in the active time zone; the two
    "at interview" columns only for rounds that have started. Seven queries,
    whatever the caseload's size."""
    coaches = list(coaches)
    live = Assignment.objects.exclude(status=Assignment.Status.WITHDRAWN).order_by(
        "created_at", "pk"
    )
    rounds = rounds_selectors.rounds_with_readiness(
        InterviewRound.objects.order_by("sequence", "pk")
    ).prefetch_related(Prefetch("assignments", queryset=live))
    candidates = (
        Candidate.objects.filter(coach__in=coaches)
        .select_related("coach")
        .order_by("coach__full_name", "coach__email", "full_name", "pk")
        .prefetch_related(
            Prefetch("opportunities", queryset=Opportunity.objects.order_by("created_at", "pk")),
            Prefetch("opportunities__rounds", queryset=rounds),
        )
    )
    started = InterviewRound.objects.for_coaches(coaches).filter(scheduled_at__lte=now)
    facts = {fact.pk: fact for fact in round_facts(started).rounds}

    for candidate in candidates:
        person = [
            candidate.coach.get_full_name(),
            candidate.full_name,
            candidate.email,
            _yes_no(candidate.archived),
        ]
        opportunities = list(candidate.opportunities.all())
        if not opportunities:
            yield person + [""] * (len(CSV_HEADER) - len(person))
            continue
        for opportunity in opportunities:
            job = [opportunity.company, opportunity.position, opportunity.get_status_display()]
            its_rounds = list(opportunity.rounds.all())
            if not its_rounds:
                yield person + job + [""] * (len(CSV_HEADER) - len(person) - len(job))
                continue
            for round in its_rounds:
                fact = facts.get(round.pk)
                checklists = list(round.assignments.all())
                yield [
                    *person,
                    *job,
                    round.sequence,
                    round.get_kind_display(),
                    _local_iso(round.scheduled_at),
                    round.get_outcome_display(),
                    "; ".join(f"{a.title} ({a.get_status_display()})" for a in checklists),
                    round.readiness.percent if checklists else "",
                    _yes_no(fact.approved_in_time) if fact else "",
                    fact.readiness_then.percent if fact and fact.readiness_then else "",
                ]
