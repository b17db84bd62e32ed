"""Reads of interview rounds: readiness per round, a candidate's rounds, one
round's interviewers, notes and questions, the coach's and the candidate's
round pages.
"""

from __future__ import annotations

import dataclasses
import datetime
import enum
from dataclasses import dataclass

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce

from ..lib.drafts import mailto_url
from ..lib.timeline import Phase, Timeline, round_timeline
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
    ThankYouNote,
    User,
)
from .checklists import round_assignments


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
    withdrawn) checklists and ``thank_you_waiting``: whether a thank-you is still
    to be sent (a note not marked sent, or an interviewer with an email and no
    note yet)."""
    unsent = ThankYouNote.objects.filter(round=OuterRef("pk"), sent_at__isnull=True)
    unnoted = (
        Interviewer.objects.filter(round=OuterRef("pk"))
        .exclude(email="")
        .exclude(Exists(ThankYouNote.objects.filter(interviewer=OuterRef("pk"))))
    )
    rounds = (
        InterviewRound.objects.for_candidate_user(user)
        .select_related("opportunity__candidate__coach")
        .with_kind_count()
    )
    return rounds_with_readiness(rounds).annotate(
        thank_you_waiting=ExpressionWrapper(
            Exists(unsent) | Exists(unnoted), output_field=BooleanField()
        )
    )


def candidate_home_rounds(
    user: User, *, now: datetime.datetime, upcoming_limit: int, follow_up_limit: int
) -> tuple[list[InterviewRound], list[InterviewRound]]:
    """The candidate's home page rounds, in one query: the coming ones (soonest
    first) and the past ones still waiting for an outcome, to debrief and thank
    for (latest first)."""
    rounds = list(
        candidate_rounds(user)
        .filter(
            Q(scheduled_at__gte=now)
            | Q(scheduled_at__lt=now, outcome=InterviewRound.Outcome.PENDING)
        )
        .order_by("scheduled_at", "id")
    )
    upcoming = [r for r in rounds if r.scheduled_at >= now][:upcoming_limit]
    past = [r for r in rounds if r.scheduled_at < now]
    return upcoming, past[::-1][:follow_up_limit]


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


def interviewers_to_thank(
    interviewers: list[Interviewer], notes: list[ThankYouNote]
) -> list[Interviewer]:
    """Interviewers with an email address and no thank-you note yet."""
    noted = {note.interviewer_id for note in notes}
    return [i for i in interviewers if i.email and i.pk not in noted]


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
    whatever the number of interviewers, notes, questions and checklists."""

    #: The phase and, in ``next_step``, what is next from the coach's side.
    timeline: Timeline
    interviewers: list[Interviewer]
    notes: list[ThankYouNote]
    asked_questions: list[AskedQuestion]
    #: Prepared answers that the candidate said came up in the interview.
    came_up: list[AssignmentItem]
    assignments: list[Assignment]


def coach_round(round: InterviewRound, *, now: datetime.datetime) -> CoachRound:
    interviewers = round_interviewers(round)
    notes = round_notes(round)
    to_thank = len(interviewers_to_thank(interviewers, notes))
    timeline = round_timeline(round, notes=notes, interviewers_to_thank=to_thank, now=now)
    assignments = list(round_assignments(round))
    next_step = _coach_next_step(
        round, timeline=timeline, notes=notes, interviewers=interviewers, assignments=assignments
    )
    return CoachRound(
        timeline=dataclasses.replace(timeline, next_step=next_step),
        interviewers=interviewers,
        notes=notes,
        asked_questions=round_asked_questions(round),
        came_up=[item for item in round_prepared_answers(round) if item.came_up],
        assignments=assignments,
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
    #: Opens the last saved version in the candidate's own mail program; "" until
    #: the note has a body.
    mailto: str


@dataclass(frozen=True)
class CandidateRound:
    """What the candidate's round page reads besides the round itself: three
    queries whatever the number of interviewers, notes and checklists. (From the
    interview's start the debrief form reads the questions it ticks off:
    ``forms.rounds.DebriefForm.for_round``.)"""

    #: The phase and what is next, said to the candidate.
    timeline: Timeline
    interviewers: list[Interviewer]
    #: Interviewers with an email and no thank-you note yet.
    to_thank: list[Interviewer]
    notes: list[CandidateNoteRow]
    #: The candidate's own (not withdrawn) checklists for the round, with readiness.
    checklists: list[Assignment]


def candidate_round(round: InterviewRound, *, user: User, now: datetime.datetime) -> CandidateRound:
    interviewers = round_interviewers(round)
    notes = round_notes(round)
    to_thank = interviewers_to_thank(interviewers, notes)
    return CandidateRound(
        timeline=round_timeline(round, notes=notes, interviewers_to_thank=len(to_thank), now=now),
        interviewers=interviewers,
        to_thank=to_thank,
        notes=[
            CandidateNoteRow(
                note=note, mailto=mailto_url(note.to, note.subject, note.body) if note.body else ""
            )
            for note in notes
        ],
        checklists=list(round_checklists_for_candidate(round, user)),
    )


def coach_candidate_round(coach: User, candidate: Candidate, pk: int) -> InterviewRound | None:
    return (
        InterviewRound.objects.for_coach(coach)
        .filter(pk=pk, opportunity__candidate=candidate)
        .first()
    )
