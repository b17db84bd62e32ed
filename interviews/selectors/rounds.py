"""Reads of interview rounds: readiness per round, a candidate's rounds, one
round's interviewers, notes and questions, the coach's and the candidate's
round pages.
"""

from __future__ import annotations

import dataclasses
import datetime
import enum
from collections.abc import Iterable
from dataclasses import dataclass

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

from ..lib.drafts import ThankYouSources, mailto_url
from ..lib.timeline import Phase, Timeline, due_text, round_timeline, span
from ..lib.writing import Finding, note_findings
from ..models import (
    AskedQuestion,
    Assignment,
    AssignmentItem,
    Candidate,
    Interviewer,
    InterviewRound,
    ItemKind,
    Opportunity,
    Question,
    Story,
    ThankYouNote,
    User,
)
from .checklists import round_assignments
from .story_suggestions import debrief_stories, stories_for_question


def _round_item_count(complete_only: bool) -> Coalesce:
    """Required items of a round's live (not withdrawn) checklists, as a subquery."""
    items = AssignmentItem.objects.filter(assignment__round=OuterRef("pk"), required=True).exclude(
        assignment__status=Assignment.Status.WITHDRAWN
    )
    if complete_only:
        items = items.complete()
    counted = items.order_by().values("assignment__round").annotate(n=Count("pk")).values("n")[:1]
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def rounds_with_readiness(rounds: QuerySet[InterviewRound]) -> QuerySet[InterviewRound]:
    """Annotate required_total / required_done over the round's live checklists
    (``round.readiness`` reads them), and live_assignments (how many there are)."""
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


def round_with_readiness(pk: int | None) -> InterviewRound | None:
    """One round, named, with the readiness of its live checklists (an email's)."""
    if pk is None:
        return None
    rounds = InterviewRound.objects.select_related("opportunity").with_kind_count()
    return rounds_with_readiness(rounds).filter(pk=pk).first()


def candidate_rounds(user: User) -> QuerySet[InterviewRound]:
    """The candidate's rounds, named, each with the readiness of its (not
    withdrawn) checklists."""
    rounds = (
        InterviewRound.objects.for_candidate_user(user)
        .select_related("opportunity__candidate__coach")
        .with_kind_count()
    )
    return rounds_with_readiness(rounds)


def candidate_past_rounds(user: User, *, now: datetime.datetime) -> QuerySet[InterviewRound]:
    """Every round of the candidate that has started, newest first, named (a
    cancelled one too: its page and debrief stay readable)."""
    return (
        InterviewRound.objects.for_candidate_user(user)
        .filter(scheduled_at__lte=now)
        .select_related("opportunity__candidate")
        .with_kind_count()
        .order_by("-scheduled_at", "-id")
    )


def round_checklists_for_candidate(round: InterviewRound, user: User) -> QuerySet[Assignment]:
    """The candidate's (not withdrawn) checklists for one round, with readiness."""
    return (
        Assignment.objects.for_candidate_user(user)
        .filter(round=round)
        .with_readiness()
        .order_by(F("due_date").asc(nulls_last=True), "id")
    )


def round_interviewers(round: InterviewRound) -> list[Interviewer]:
    return list(round.interviewers.all())


def round_notes(round: InterviewRound) -> list[ThankYouNote]:
    """The round's thank-you notes, oldest first, with their interviewers."""
    return list(round.thank_you_notes.select_related("interviewer"))


def note_checks(
    note: ThankYouNote, *, round: InterviewRound, notes: list[ThankYouNote]
) -> list[Finding]:
    """The writing checks (``lib.writing.note_findings``) of a note as stored:
    against the round's debrief ("nothing specific", where the company and
    the position prove nothing) and the round's other notes (near copies). No
    query: ``notes`` are the round's notes with their interviewers, and the
    round comes with its opportunity."""
    opportunity = round.opportunity
    return note_findings(
        subject=note.subject,
        body=note.body,
        interviewer_name=note.interviewer.name if note.interviewer_id else note.to_name,
        debrief=round.debrief_notes,
        other_notes=[other.body for other in notes if other.pk != note.pk],
        ignore=[opportunity.company, opportunity.position],
    )


def interviewers_to_thank(
    interviewers: list[Interviewer], notes: list[ThankYouNote]
) -> list[Interviewer]:
    """Interviewers with an email address and no thank-you note yet."""
    noted = {note.interviewer_id for note in notes}
    return [i for i in interviewers if i.email and i.pk not in noted]


# ---------------------------------------------------------------- after the interview
# One rule for what a past interview still waits for, read by the candidate's
# home and round page, the coach's dashboard, the lead's overview and the
# reminders (services/reminders.py: the thank-you reminder and the coach's digest).


def thanks_waiting(interviewers: Iterable[Interviewer], notes: Iterable[ThankYouNote]) -> list[str]:
    """Who still waits for a thank-you: the recipient of each note not marked
    sent, then each interviewer with an email address and no note yet."""
    notes = list(notes)
    waiting = [note.recipient for note in notes if not note.is_sent]
    return waiting + [i.name for i in interviewers_to_thank(list(interviewers), notes)]


def waiting_for_thanks(round: InterviewRound) -> list[str]:
    """``thanks_waiting`` for a round loaded with its interviewers and its notes
    with their interviewers (``with_follow_up_parts``)."""
    return thanks_waiting(round.interviewers.all(), round.thank_you_notes.all())


def with_follow_up_parts(rounds: QuerySet[InterviewRound]) -> QuerySet[InterviewRound]:
    """The rounds with what ``follow_up`` reads: their opportunity and candidate
    in the query; their interviewers, and their notes with the notes'
    interviewers, in one more query each for the whole list."""
    return rounds.select_related("opportunity__candidate").prefetch_related(
        "interviewers",
        Prefetch("thank_you_notes", queryset=ThankYouNote.objects.select_related("interviewer")),
    )


def is_followed(round: InterviewRound, now: datetime.datetime) -> bool:
    """Whether the lists, the overviews and the reminders follow a round up at
    ``now``: from its start for ``InterviewRound.AFTER_INTERVIEW_WINDOW``, unless
    it is cancelled or its candidate archived. (Its own page always says what is
    left.)"""
    start = round.scheduled_at
    return (
        start is not None
        and now - InterviewRound.AFTER_INTERVIEW_WINDOW <= start <= now
        and not round.is_cancelled
        and not round.opportunity.candidate.archived
    )


def followed_q(now: datetime.datetime, *, since: datetime.datetime | None = None) -> Q:
    """The SQL form of ``is_followed``. ``since``: ``now`` less the window,
    for a prepared statement, which takes each value as it is (lib/prepared.py)."""
    return (
        Q(
            scheduled_at__gte=since or now - InterviewRound.AFTER_INTERVIEW_WINDOW,
            scheduled_at__lte=now,
            opportunity__candidate__archived=False,
        )
        & ~InterviewRound.cancelled_q()
    )


@dataclass(frozen=True)
class FollowUpStep:
    """One thing left to do after the interview, in the candidate's words."""

    #: The section of the candidate's round page that does it.
    anchor: str
    #: "Write your debrief"; ``short`` names it after another: "then your debrief".
    label: str
    short: str
    #: "due in 5 h" / "overdue by 3 h"; "" when it has no deadline.
    when: str = ""
    late: bool = False


@dataclass(frozen=True)
class FollowUp:
    """What a round that has started still waits for at ``now``: the thank-you
    notes (due ``InterviewRound.THANK_YOU_WITHIN`` after the start), the debrief
    and the outcome. Each is left until it is done, whatever order the others
    are done in: recording the outcome does not end the thank-you notes."""

    round: InterviewRound
    #: Who still waits for a thank-you (``thanks_waiting``).
    waiting: list[str]
    now: datetime.datetime

    @property
    def since(self) -> str:
        """How long ago the interview started: "4 days"."""
        return span(self.now - self.round.scheduled_at)

    @property
    def has_ended(self) -> bool:
        return self.now >= self.round.ends_at

    @property
    def notes_overdue(self) -> bool:
        return bool(self.waiting) and self.now >= self.round.thank_you_due_at

    @property
    def notes_due(self) -> str:
        """ "due in 5 h" / "overdue by 3 h"; "" when nobody waits for thanks."""
        return due_text(self.round.thank_you_due_at, self.now) if self.waiting else ""

    @property
    def needs_debrief(self) -> bool:
        return not self.round.is_debriefed

    @property
    def needs_outcome(self) -> bool:
        return self.round.outcome == InterviewRound.Outcome.PENDING

    @property
    def is_done(self) -> bool:
        return not (self.waiting or self.needs_debrief or self.needs_outcome)

    @property
    def steps(self) -> list[FollowUpStep]:
        """What is left, in the order the round page asks for it: the notes,
        the debrief, the outcome."""
        steps = []
        if self.waiting:
            steps.append(
                FollowUpStep(
                    "notes",
                    f"Send your thank-you notes to {_names(self.waiting)}",
                    "your thank-you notes",
                    self.notes_due,
                    self.notes_overdue,
                )
            )
        if self.needs_debrief:
            steps.append(FollowUpStep("debrief", "Write your debrief", "your debrief"))
        if self.needs_outcome:
            steps.append(
                FollowUpStep("outcome", "Record the outcome when you hear back", "the outcome")
            )
        return steps


def _names(names: list[str]) -> str:
    """ "Ann", "Ann and Tom", "Ann, Tom and Sam"."""
    if len(names) < 2:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


def follow_up(round: InterviewRound, *, now: datetime.datetime) -> FollowUp:
    """What a round loaded ``with_follow_up_parts`` still waits for at ``now``."""
    return FollowUp(round=round, waiting=waiting_for_thanks(round), now=now)


def follow_ups(rounds: Iterable[InterviewRound], *, now: datetime.datetime) -> list[FollowUp]:
    """``follow_up`` of each round (loaded ``with_follow_up_parts``) that is
    followed at ``now`` (``is_followed``), in the rounds' order."""
    return [follow_up(r, now=now) for r in rounds if is_followed(r, now)]


def after_interview_rounds(
    rounds: QuerySet[InterviewRound],
    *,
    now: datetime.datetime,
    since: datetime.datetime | None = None,
) -> QuerySet[InterviewRound]:
    """Of ``rounds``, those followed at ``now``, oldest interview first, ready
    for ``follow_ups`` (three queries). ``since``: as ``followed_q`` takes it."""
    return with_follow_up_parts(rounds.filter(followed_q(now, since=since))).order_by(
        "scheduled_at", "pk"
    )


def round_asked_questions(round: InterviewRound) -> list[AskedQuestion]:
    return list(round.asked_questions.select_related("bank_question"))


def round_prepared_answers(round: InterviewRound) -> list[AssignmentItem]:
    """The answers the candidate prepared for this round (written items from the
    bank's "prepare an answer" questions, in their live checklists), for the
    debrief's "did it come up?"."""
    return list(
        AssignmentItem.objects.filter(
            assignment__round=round,
            kind=ItemKind.TEXT,
            question__category=Question.Category.ANSWER,
        )
        .exclude(assignment__status=Assignment.Status.WITHDRAWN)
        .order_by("assignment__created_at", "position", "id")
    )


#: The built-in question that plans the thank-you notes
#: (services/builtin_library.py): the checklist item copied from it holds what
#: the candidate means to say when they thank each interviewer. Coaches' copies
#: of a template keep the link to it; a question a coach wrote is not it.
THANK_YOU_PLAN_KEY = "follow-up-thank-you"


def thank_you_plans(round: InterviewRound) -> list[str]:
    """The candidate's answers to the thank-you planning item in their live
    (not withdrawn) checklists for ``round``, oldest checklist first."""
    return list(
        AssignmentItem.objects.filter(
            assignment__round=round,
            assignment__candidate_id=round.opportunity.candidate_id,
            question__builtin_key=THANK_YOU_PLAN_KEY,
        )
        .exclude(assignment__status=Assignment.Status.WITHDRAWN)
        .exclude(response_text="")
        .order_by("assignment__created_at", "assignment_id", "position")
        .values_list("response_text", flat=True)
    )


def thank_you_sources(round: InterviewRound) -> ThankYouSources:
    """What the round's thank-you drafts start from: the debrief, the asked
    questions, the thank-you plans and the interviewers' names (three queries)."""
    return ThankYouSources(
        debrief=round.debrief_notes,
        asked=list(round.asked_questions.values_list("text", flat=True)),
        plans=thank_you_plans(round),
        interviewers=list(round.interviewers.values_list("name", flat=True)),
    )


def opportunity_rounds(opportunity: Opportunity) -> QuerySet[InterviewRound]:
    """An opportunity's rounds in order, named, with their prep's readiness and
    their interviewers (two queries)."""
    return rounds_with_readiness(
        opportunity.rounds.with_kind_count().prefetch_related("interviewers").order_by("sequence")
    )


# ---------------------------------------------------------------- coach: one round


class NoteStatus(enum.Enum):
    """Where a thank-you note stands: the coach's words and the candidate's."""

    DRAFT = ("Draft", "Draft")
    AWAITING_CHECK = ("Waiting for your look", "Your coach has been asked to look")
    COMMENTED = ("You commented", "Coach commented")
    APPROVED = ("Approved", "Coach: looks good")
    SENT = ("Sent", "Sent")

    @property
    def label(self) -> str:
        return self.value[0]

    @property
    def candidate_label(self) -> str:
        return self.value[1]


def note_status(note: ThankYouNote) -> NoteStatus:
    """Sent beats everything (the candidate need not wait for the coach); a new
    request to look beats an earlier answer."""
    if note.is_sent:
        return NoteStatus.SENT
    if note.awaiting_check:
        return NoteStatus.AWAITING_CHECK
    if note.checked_at is not None:
        return NoteStatus.APPROVED if note.approved else NoteStatus.COMMENTED
    return NoteStatus.DRAFT


@dataclass(frozen=True)
class CoachRound:
    """What the coach's round page reads besides the round itself: five queries
    whatever the number of interviewers, notes, questions and checklists, and
    two more for the stories that fit the asked questions (when there are some)."""

    #: The phase and, in ``next_step``, what is next from the coach's side.
    timeline: Timeline
    interviewers: list[Interviewer]
    notes: list[ThankYouNote]
    #: Each note's writing checks (``note_checks``), by the note's pk.
    note_findings: dict[int, list[Finding]]
    asked_questions: list[AskedQuestion]
    #: The same questions, each with the candidate's stories that fit it (read-only).
    debrief: list[DebriefQuestion]
    #: Prepared answers that the candidate said came up in the interview.
    came_up: list[AssignmentItem]
    assignments: list[Assignment]
    #: The checklist the page's main button opens: the first one not withdrawn
    #: (soonest due); None when the round has none, and "Assign" leads.
    live_assignment: Assignment | None


def coach_round(round: InterviewRound, *, now: datetime.datetime) -> CoachRound:
    interviewers = round_interviewers(round)
    notes = round_notes(round)
    to_thank = len(interviewers_to_thank(interviewers, notes))
    timeline = round_timeline(round, notes=notes, interviewers_to_thank=to_thank, now=now)
    assignments = list(round_assignments(round))
    asked = round_asked_questions(round)
    next_step = _coach_next_step(
        round, timeline=timeline, notes=notes, interviewers=interviewers, assignments=assignments
    )
    return CoachRound(
        timeline=dataclasses.replace(timeline, next_step=next_step),
        interviewers=interviewers,
        notes=notes,
        note_findings={note.pk: note_checks(note, round=round, notes=notes) for note in notes},
        asked_questions=asked,
        debrief=debrief_questions(round, asked),
        came_up=[item for item in round_prepared_answers(round) if item.came_up],
        assignments=assignments,
        live_assignment=next(
            (a for a in assignments if a.status != Assignment.Status.WITHDRAWN), None
        ),
    )


def _coach_next_step(
    round: InterviewRound,
    *,
    timeline: Timeline,
    notes: list[ThankYouNote],
    interviewers: list[Interviewer],
    assignments: list[Assignment],
) -> str:
    """The timeline's next step, said to the coach rather than the candidate."""
    name = round.opportunity.candidate.full_name
    if timeline.phase == Phase.UNSCHEDULED:
        return "Add the interview's date"
    if timeline.phase == Phase.BEFORE:
        live = [a for a in assignments if a.status != Assignment.Status.WITHDRAWN]
        if not live:
            return f"Assign a prep checklist so {name} can prepare"
        if any(a.status == Assignment.Status.SUBMITTED for a in live):
            return f"Review the checklist {name} submitted"
        if not interviewers:
            return "Add the interviewers once you know their names"
        return f"Follow {name}'s prep: readiness is below"
    if any(note.awaiting_check for note in notes):
        return f"{name} asked you to look at a thank-you note"
    if timeline.phase == Phase.UNDER_WAY:
        return f"{name}'s debrief and thank-you notes, once the interview is over"
    if timeline.thank_you_due:
        return f"{name} sends the thank-you notes ({timeline.thank_you_due})"
    if not round.is_debriefed:
        return f"Waiting for {name}'s debrief"
    if round.outcome == InterviewRound.Outcome.PENDING:
        return "Waiting for the outcome; record it when the company decides"
    return f"Outcome: {round.get_outcome_display()}"


# ---------------------------------------------------------------- candidate: one round


@dataclass(frozen=True)
class CandidateNoteRow:
    """A thank-you note on the candidate's round page, as stored (its form is the
    request's: a refused save shows what was typed)."""

    note: ThankYouNote
    #: Opens the saved text in the candidate's own mail program ("" until the note
    #: has a body): the link a page without JavaScript offers after saving; with
    #: it, static/js/app.js builds the link from the text on screen.
    mailto: str
    #: The writing checks of the saved text (``note_checks``): suggestions only.
    findings: list[Finding] = dataclasses.field(default_factory=list)


@dataclass(frozen=True)
class DebriefQuestion:
    """A question asked in the interview, with the stories of the candidate's
    bank that fit it (``selectors.story_suggestions.stories_for_question``; none: the
    page says there is no story for it yet)."""

    asked: AskedQuestion
    stories: list[Story]


def debrief_questions(
    round: InterviewRound, asked: list[AskedQuestion] | None = None
) -> list[DebriefQuestion]:
    """The round's asked questions (read unless given), each with its suggested
    stories: one query for the questions, two for the record's live stories
    with their tags (none when nothing was asked), whatever the number of
    questions and stories."""
    if asked is None:
        asked = list(round.asked_questions.all())
    if not asked:
        return []
    stories = debrief_stories(round.opportunity.candidate_id)
    return [DebriefQuestion(asked=q, stories=stories_for_question(q.text, stories)) for q in asked]


@dataclass(frozen=True)
class CandidateRound:
    """What the candidate's round page reads besides the round itself: three
    queries whatever the number of interviewers, notes and checklists, and from
    the interview's start three more for the debrief's story suggestions. (From
    the interview's start the debrief form reads the questions it ticks off:
    ``forms.rounds.DebriefForm.for_round``.)"""

    #: The phase and what is next, said to the candidate.
    timeline: Timeline
    interviewers: list[Interviewer]
    #: Interviewers with an email and no thank-you note yet.
    to_thank: list[Interviewer]
    notes: list[CandidateNoteRow]
    #: The candidate's own (not withdrawn) checklists for the round, with readiness.
    checklists: list[Assignment]
    #: From the interview's start: what is left to do after it (None before).
    follow_up: FollowUp | None
    #: From the interview's start: each asked question with the stories that fit it.
    debrief: list[DebriefQuestion] = dataclasses.field(default_factory=list)


def candidate_round(round: InterviewRound, *, user: User, now: datetime.datetime) -> CandidateRound:
    interviewers = round_interviewers(round)
    notes = round_notes(round)
    to_thank = interviewers_to_thank(interviewers, notes)
    started = round.started_by(now)
    return CandidateRound(
        timeline=round_timeline(round, notes=notes, interviewers_to_thank=len(to_thank), now=now),
        follow_up=FollowUp(round, thanks_waiting(interviewers, notes), now) if started else None,
        interviewers=interviewers,
        to_thank=to_thank,
        notes=[
            CandidateNoteRow(
                note=note,
                mailto=mailto_url(note.to, note.subject, note.body) if note.body else "",
                findings=note_checks(note, round=round, notes=notes),
            )
            for note in notes
        ],
        checklists=list(round_checklists_for_candidate(round, user)),
        debrief=debrief_questions(round) if started else [],
    )


def coach_candidate_round(coach: User, candidate: Candidate, pk: int) -> InterviewRound | None:
    """One coming round of the coach's candidate: the only kind the assign form
    offers, so the only kind it prefills."""
    return (
        InterviewRound.objects.for_coach(coach)
        .coming()
        .filter(pk=pk, opportunity__candidate=candidate)
        .first()
    )
