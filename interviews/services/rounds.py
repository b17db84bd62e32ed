"""Interview rounds: scheduling, interviewers, the debrief, the outcome and the
thank-you notes after the interview.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max
from django.utils import dateformat, timezone

from ..lib import drafts
from ..lib.when import when
from ..models import (
    AskedQuestion,
    AssignmentItem,
    Interviewer,
    InterviewRound,
    Opportunity,
    Question,
    ThankYouNote,
    User,
)
from ..selectors import rounds as rounds_selectors
from . import NotAllowed, ServiceError, WrongState, emails

# ---------------------------------------------------------------- opportunities and rounds


@transaction.atomic
def round_create(
    *,
    opportunity: Opportunity,
    by: User,
    kind: str,
    scheduled_at: datetime.datetime | None = None,
    duration_minutes: int = 60,
    location: str = "",
    outcome: str = InterviewRound.Outcome.PENDING,
    outcome_notes: str = "",
) -> InterviewRound:
    """Add a round; its sequence number is the next one of the opportunity."""
    opportunity = (
        Opportunity.objects.select_for_update().select_related("candidate").get(pk=opportunity.pk)
    )
    if opportunity.candidate.coach_id != by.pk:
        raise NotAllowed("Only the candidate's coach can add rounds.")
    _require_outcome_allowed(outcome, scheduled_at)
    last = opportunity.rounds.aggregate(last=Max("sequence"))["last"] or 0
    round = InterviewRound.objects.create(
        opportunity=opportunity,
        sequence=last + 1,
        kind=kind,
        scheduled_at=scheduled_at,
        duration_minutes=duration_minutes,
        location=location,
        outcome=outcome,
        outcome_notes=outcome_notes,
    )
    _opportunity_follows(round)
    return round


@transaction.atomic
def round_update(
    *,
    round: InterviewRound,
    by: User,
    kind: str,
    scheduled_at: datetime.datetime | None,
    duration_minutes: int,
    location: str,
    outcome: str,
    outcome_notes: str,
) -> InterviewRound:
    """The coach's edit of a round's facts and outcome; the opportunity's status
    follows a final outcome (see _opportunity_follows)."""
    round = _lock_round(round)
    if round.opportunity.candidate.coach_id != by.pk:
        raise NotAllowed("Only the candidate's coach can edit the round.")
    _require_outcome_allowed(outcome, scheduled_at)
    round.kind = kind
    round.scheduled_at = scheduled_at
    round.duration_minutes = duration_minutes
    round.location = location
    round.outcome = outcome
    round.outcome_notes = outcome_notes.replace("\r\n", "\n")
    round.save()
    _opportunity_follows(round)
    return round


def _lock_round(round: InterviewRound) -> InterviewRound:
    return (
        InterviewRound.objects.select_for_update(of=("self",))
        .select_related("opportunity__candidate")
        .get(pk=round.pk)
    )


def _lock_round_for(round: InterviewRound, by: User, *, what: str) -> InterviewRound:
    """The round locked, for its candidate or their coach only."""
    round = _lock_round(round)
    candidate = round.opportunity.candidate
    if by.pk not in (candidate.coach_id, candidate.user_id):
        raise NotAllowed(f"Only the candidate and their coach can {what}.")
    return round


def require_started(round: InterviewRound, what: str) -> None:
    """After-the-interview records wait for the interview's scheduled start."""
    if round.has_started:
        return
    if round.scheduled_at is None:
        raise WrongState(
            f"{what} opens when the interview has started, and its date is not set yet. "
            "Ask your coach to add the date."
        )
    day = dateformat.format(timezone.localtime(round.scheduled_at), "D j M Y")
    at = when(round.scheduled_at, "time")
    raise WrongState(f"{what} opens when the interview starts, on {day} at {at}.")


#: Outcomes only an interview that took place can have.
OUTCOMES_AFTER_THE_INTERVIEW = (InterviewRound.Outcome.ADVANCED, InterviewRound.Outcome.OFFER)


def _require_outcome_allowed(outcome: str, scheduled_at: datetime.datetime | None) -> None:
    if outcome in OUTCOMES_AFTER_THE_INTERVIEW and (
        scheduled_at is None or scheduled_at > timezone.now()
    ):
        label = InterviewRound.Outcome(outcome).label
        raise WrongState(f"“{label}” can only be recorded once the interview has started.")


#: Where a round's outcome settles the opportunity's status.
OPPORTUNITY_FOLLOWS = {
    InterviewRound.Outcome.OFFER: Opportunity.Status.OFFER,
    InterviewRound.Outcome.REJECTED: Opportunity.Status.REJECTED,
    InterviewRound.Outcome.WITHDRAWN: Opportunity.Status.WITHDRAWN,
}


def _opportunity_follows(round: InterviewRound) -> None:
    """An offer, a rejection or a withdrawal in a round is the opportunity's
    status too; an accepted offer is the candidate's decision and stays."""
    status = OPPORTUNITY_FOLLOWS.get(round.outcome)
    opportunity = round.opportunity
    if status and opportunity.status not in (status, Opportunity.Status.ACCEPTED):
        Opportunity.objects.filter(pk=opportunity.pk).update(
            status=status, updated_at=timezone.now()
        )
        opportunity.status = status


@transaction.atomic
def round_record_outcome(*, round: InterviewRound, by: User, outcome: str) -> InterviewRound:
    """The candidate (or coach) records what the company decided, from the
    interview's start on; withdrawing is possible at any time."""
    round = _lock_round_for(round, by, what="record the outcome")
    if outcome not in InterviewRound.Outcome.values:
        raise ValueError(f"Unknown outcome {outcome!r}")
    if outcome != InterviewRound.Outcome.WITHDRAWN:
        require_started(round, "Recording the outcome")
    round.outcome = outcome
    round.save(update_fields=["outcome", "updated_at"])
    _opportunity_follows(round)
    return round


# ---------------------------------------------------------------- interviewers


@transaction.atomic
def interviewer_add(
    *,
    round: InterviewRound,
    by: User,
    name: str,
    job_title: str = "",
    role: str = Interviewer.Role.OTHER,
    email: str = "",
) -> Interviewer:
    """Coach or candidate add someone who interviews (candidates often learn the
    names late)."""
    round = _lock_round_for(round, by, what="change the interviewers")
    return Interviewer.objects.create(
        round=round, name=name, job_title=job_title, role=role, email=email.strip()
    )


@transaction.atomic
def interviewer_update(
    *, interviewer: Interviewer, by: User, name: str, job_title: str, role: str, email: str
) -> Interviewer:
    _lock_round_for(interviewer.round, by, what="change the interviewers")
    interviewer = Interviewer.objects.select_for_update().get(pk=interviewer.pk)
    interviewer.name, interviewer.job_title = name, job_title
    interviewer.role, interviewer.email = role, email.strip()
    interviewer.save()
    return interviewer


@transaction.atomic
def interviewer_remove(*, interviewer: Interviewer, by: User) -> None:
    """Remove an interviewer; a thank-you note to them keeps their name and
    address, so nothing written is lost."""
    _lock_round_for(interviewer.round, by, what="change the interviewers")
    interviewer = Interviewer.objects.select_for_update().get(pk=interviewer.pk)
    for note in interviewer.thank_you_notes.select_for_update():
        note.to_name = note.to_name or interviewer.name
        note.to = note.to or interviewer.email
        note.interviewer = None
        note.save(update_fields=["to_name", "to", "interviewer", "updated_at"])
    interviewer.delete()


# ---------------------------------------------------------------- the debrief


def _require_candidate(round: InterviewRound, by: User, what: str) -> None:
    if round.opportunity.candidate.user_id != by.pk:
        raise NotAllowed(f"Only the candidate can {what}.")


@transaction.atomic
def round_record_debrief(
    *,
    round: InterviewRound,
    by: User,
    debrief_notes: str,
    debrief_differently: str,
    asked: list[str],
    covered: dict[int, bool] | None = None,
    came_up: dict[int, bool] | None = None,
) -> InterviewRound:
    """The candidate's debrief, from the interview's start on: how it went, what
    to do differently, the questions really asked (the list replaces the stored
    one; a question kept keeps its bank link), whether each asked question was
    covered by the prep (``covered``: asked question id -> bool) and whether each
    prepared answer came up (``came_up``: checklist item id -> bool)."""
    round = _lock_round(round)
    _require_candidate(round, by, "write the debrief")
    require_started(round, "The debrief")
    round.debrief_notes = debrief_notes.replace("\r\n", "\n")
    round.debrief_differently = debrief_differently.replace("\r\n", "\n")
    round.debriefed_at = timezone.now()
    round.save(update_fields=["debrief_notes", "debrief_differently", "debriefed_at", "updated_at"])

    stored = {q.pk: q for q in round.asked_questions.select_for_update()}
    covered = {pk: flag for pk, flag in (covered or {}).items() if pk in stored}
    for pk, flag in covered.items():
        stored[pk].covered = flag
    by_text: dict[str, list[AskedQuestion]] = {}
    for question in stored.values():
        by_text.setdefault(question.text, []).append(question)
    keep: list[AskedQuestion] = []
    for position, text in enumerate(asked, start=1):
        matches = by_text.get(text)
        question = matches.pop(0) if matches else AskedQuestion(round=round, text=text)
        question.position = position
        keep.append(question)
    AskedQuestion.objects.filter(round=round).exclude(pk__in=[q.pk for q in keep if q.pk]).delete()
    for question in keep:
        question.save()

    if came_up:
        items = AssignmentItem.objects.for_candidate_user(by).filter(
            pk__in=came_up, assignment__round=round
        )
        for item in items:
            if item.came_up != came_up[item.pk]:
                item.came_up = came_up[item.pk]
                item.save(update_fields=["came_up", "updated_at"])
    return round


@transaction.atomic
def asked_question_add_to_bank(*, asked: AskedQuestion, by: User) -> Question:
    """The coach copies a really asked question into their own bank, marked with
    where it was asked (company and kind of round, never the candidate)."""
    asked = (
        AskedQuestion.objects.select_for_update(of=("self",))
        .select_related("round__opportunity__candidate")
        .get(pk=asked.pk)
    )
    round = asked.round
    if round.opportunity.candidate.coach_id != by.pk:
        raise NotAllowed("Only the candidate's coach can add it to their question bank.")
    if asked.bank_question_id is not None:
        raise WrongState("This question is already in your question bank.")
    question = Question.objects.create(
        owner=by,
        prompt=asked.text,
        category=Question.Category.ANSWER,
        round_kind=round.kind,
        source=f"Asked at {round.opportunity.company}, {round.kind_name.lower()}"[:200],
        guidance="",
    )
    asked.bank_question = question
    asked.save(update_fields=["bank_question"])
    return question


# ---------------------------------------------------------------- thank-you notes


def _lock_note(note: ThankYouNote) -> ThankYouNote:
    return (
        ThankYouNote.objects.select_for_update(of=("self",))
        .select_related("round__opportunity__candidate", "interviewer")
        .get(pk=note.pk)
    )


@transaction.atomic
def thank_you_notes_prepare(*, round: InterviewRound, by: User) -> list[ThankYouNote]:
    """From the interview's start on, a draft for each interviewer with an email
    who has none yet, from the thank-you template and what the candidate wrote
    about that interviewer (``drafts.thank_you_draft``)."""
    round = _lock_round(round)
    _require_candidate(round, by, "write thank-you notes")
    require_started(round, "Writing thank-you notes")
    have = set(
        round.thank_you_notes.exclude(interviewer=None).values_list("interviewer", flat=True)
    )
    to_thank = list(round.interviewers.exclude(email="").exclude(pk__in=have))
    sources = rounds_selectors.thank_you_sources(round) if to_thank else None
    created = []
    for interviewer in to_thank:
        draft = drafts.thank_you_draft(
            round, interviewer=interviewer, sender_name=by.get_full_name(), sources=sources
        )
        created.append(ThankYouNote.objects.create(round=round, interviewer=interviewer, **draft))
    return created


@transaction.atomic
def thank_you_note_add_other(*, round: InterviewRound, by: User) -> ThankYouNote:
    """A draft to someone else (not a listed interviewer)."""
    round = _lock_round(round)
    _require_candidate(round, by, "write thank-you notes")
    require_started(round, "Writing thank-you notes")
    draft = drafts.thank_you_draft(round, interviewer=None, sender_name=by.get_full_name())
    return ThankYouNote.objects.create(round=round, **draft)


@dataclass(frozen=True)
class NoteText:
    """What the candidate typed into one note on the round page."""

    #: The note's ``text_fingerprint`` when the page was rendered.
    seen: str
    to: str
    subject: str
    body: str
    #: None for a note to an interviewer: the name is the interviewer's.
    to_name: str | None = None

    def values(self, stored: ThankYouNote) -> dict[str, str]:
        """The note's text fields as this would store them."""
        return {
            "to_name": stored.to_name if self.to_name is None else self.to_name,
            "to": self.to.strip(),
            "subject": self.subject,
            "body": self.body.replace("\r\n", "\n"),
        }


@dataclass(frozen=True)
class NoteConflict:
    note: ThankYouNote  # as stored now
    mine: NoteText  # what the user sent


class NoteEditConflict(ServiceError):
    def __init__(self, conflicts: list[NoteConflict]):
        self.conflicts = conflicts
        names = ", ".join(conflict.note.recipient for conflict in conflicts)
        super().__init__(
            f"Your note to {names} was changed in another tab since you opened this page. "
            "Nothing was saved. Compare your text with the stored text below, then save again."
        )


@transaction.atomic
def thank_you_notes_save(
    *, round: InterviewRound, by: User, typed: dict[int, NoteText]
) -> list[ThankYouNote]:
    """Save what the candidate typed into the round's notes (``{note id:
    NoteText}``), all of them at once, whichever note's button was pressed;
    return the notes that changed.

    Only a note whose text differs from what is stored changes. A note saved
    elsewhere since the page was opened (its fingerprint moved on) keeps the
    newer text when the user did not touch it here; when they did, or when it
    was marked as sent meanwhile, the whole save is refused with
    NoteEditConflict and nothing is written: no silent overwrite, nothing half
    done."""
    round = _lock_round(round)
    _require_candidate(round, by, "edit their thank-you notes")
    # of=("self",): the interviewer is an outer join, which FOR UPDATE cannot lock.
    notes = {
        note.pk: note
        for note in round.thank_you_notes.select_for_update(of=("self",))
        .select_related("interviewer")
        .filter(pk__in=typed)
    }
    if set(typed) - set(notes):
        raise NotAllowed("Some of the notes sent do not belong to this interview.")
    changes: list[tuple[ThankYouNote, dict[str, str]]] = []
    conflicts: list[NoteConflict] = []
    for pk, text in typed.items():
        note = notes[pk]
        new = text.values(note)
        stored = {name: getattr(note, name) for name in new}
        if new == stored:
            continue
        if ThankYouNote.fingerprint_of(**new) == text.seen:
            continue  # untouched here; the newer stored text stays
        if note.is_sent or note.text_fingerprint != text.seen:
            conflicts.append(NoteConflict(note=note, mine=text))
            continue
        changes.append((note, new))
    if conflicts:
        raise NoteEditConflict(conflicts)
    for note, new in changes:
        for name, value in new.items():
            setattr(note, name, value)
        note.save(update_fields=[*new, "updated_at"])
    return [note for note, _ in changes]


@transaction.atomic
def thank_you_note_request_check(*, note: ThankYouNote, by: User) -> ThankYouNote:
    """Ask the coach to look at a draft. Nothing waits for the answer: the
    candidate can send it whenever they like."""
    note = _lock_note(note)
    _require_candidate(note.round, by, "ask their coach to look at a note")
    if note.is_sent:
        raise WrongState("This note is already marked as sent.")
    if not note.body.strip():
        raise WrongState("Write the note before asking your coach to look at it.")
    if note.awaiting_check:
        raise WrongState("Your coach has already been asked to look at this note.")
    note.check_requested_at = timezone.now()
    note.save(update_fields=["check_requested_at", "updated_at"])
    emails.send_thank_you_check_requested(note)
    return note


@transaction.atomic
def thank_you_note_check(
    *, note: ThankYouNote, by: User, comment: str = "", approve: bool = False
) -> ThankYouNote:
    """The coach's answer to a check request: a comment, an approval, or both."""
    note = _lock_note(note)
    if note.round.opportunity.candidate.coach_id != by.pk:
        raise NotAllowed("Only the candidate's coach can check their notes.")
    if not note.awaiting_check:
        raise WrongState("This note is not waiting for your check.")
    comment = comment.strip()
    if not comment and not approve:
        raise WrongState("Write a comment, or approve the note.")
    note.coach_comment = comment.replace("\r\n", "\n")
    note.approved = approve
    note.checked_at = timezone.now()
    note.save(update_fields=["coach_comment", "approved", "checked_at", "updated_at"])
    emails.send_thank_you_checked(note)
    return note


class PlaceholderLeft(WrongState):
    """The note still holds a placeholder ("[…]", ``lib.drafts.PLACEHOLDER``)."""

    def __init__(self, placeholders: list[str]):
        self.placeholders = placeholders
        super().__init__(
            "the note still has a placeholder in square brackets. Replace it with your own "
            "words, or mark it as sent anyway."
        )


@transaction.atomic
def thank_you_note_mark_sent(
    *, note: ThankYouNote, by: User, allow_placeholders: bool = True
) -> ThankYouNote:
    """The candidate sent it from their own mail program. With
    ``allow_placeholders=False`` (the round page, until the candidate confirms)
    a note still holding a placeholder is refused with PlaceholderLeft, after
    every other rule, so the confirmation is asked only when it would settle it."""
    note = _lock_note(note)
    _require_candidate(note.round, by, "mark their thank-you notes as sent")
    require_started(note.round, "Marking a thank-you note as sent")
    if note.is_sent:
        raise WrongState("This note is already marked as sent.")
    if not note.body.strip() or not note.to:
        raise WrongState("Write the note and its address before marking it as sent.")
    if not allow_placeholders and note.placeholders:
        raise PlaceholderLeft(note.placeholders)
    note.sent_at = timezone.now()
    note.save(update_fields=["sent_at", "updated_at"])
    return note
