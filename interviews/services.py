"""Every write that touches more than one row or changes a state.

Each function is keyword-only, runs inside ``transaction.atomic()``, re-reads
the rows it changes with ``select_for_update()`` and raises a ``ServiceError``
with a message fit to show the user when the action is not allowed now.
Emails are stored in the same transaction (interviews/emails.py) and handed
to the worker when it commits.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
import zoneinfo
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import F, Max
from django.utils import dateformat, timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import drafts, emails, notifications, twofactor
from .models import (
    AnswerRevision,
    AskedQuestion,
    Assignment,
    AssignmentItem,
    Candidate,
    ChecklistTemplate,
    Comment,
    Interviewer,
    InterviewRound,
    Invitation,
    ItemKind,
    Notification,
    NotificationDelivery,
    NotificationKind,
    NotificationPreference,
    Opportunity,
    Practice,
    PracticeInvitation,
    PracticeMembership,
    PracticeRole,
    Question,
    Review,
    TemplateItem,
    ThankYouNote,
    User,
    new_calendar_token,
)

# ---------------------------------------------------------------- errors


class ServiceError(Exception):
    """An action refused for a reason the user can read and act on."""


class WrongState(ServiceError):
    """The object is not in a state that allows this action (often a stale tab)."""


class NotAllowed(ServiceError):
    """The user may not do this to this object."""


class IncompleteItems(ServiceError):
    def __init__(self, items: list[AssignmentItem]):
        self.items = items
        names = "; ".join(f"{item.position}. {item.prompt}" for item in items)
        super().__init__(f"Complete every required item before submitting. Missing: {names}")


@dataclass
class Conflict:
    item: AssignmentItem  # as stored now
    mine: dict  # what the user sent


class EditConflict(ServiceError):
    def __init__(self, conflicts: list[Conflict]):
        self.conflicts = conflicts
        super().__init__(
            "This checklist was changed in another tab or by someone else since you opened it. "
            "Nothing was saved. Compare your text with the stored text below, then save again."
        )


class InvitationInvalid(ServiceError):
    pass


# ---------------------------------------------------------------- candidates


def _lock_candidate(candidate: Candidate, by: User) -> Candidate:
    """Re-read the candidate with its row locked; only their coach may change it."""
    locked = Candidate.objects.select_for_update().get(pk=candidate.pk)
    if locked.coach_id != by.pk:
        raise NotAllowed("Only the candidate's coach can do this.")
    return locked


@transaction.atomic
def candidate_archive(*, candidate: Candidate, by: User) -> Candidate:
    """Hide a candidate from the coach's active list. Nothing is deleted, and
    restoring brings them back as they were."""
    candidate = _lock_candidate(candidate, by)
    if candidate.archived:
        raise WrongState(f"{candidate} was already archived.")
    candidate.archived = True
    candidate.save(update_fields=["archived", "updated_at"])
    return candidate


@transaction.atomic
def candidate_restore(*, candidate: Candidate, by: User) -> Candidate:
    """Bring an archived candidate back to the coach's active list."""
    candidate = _lock_candidate(candidate, by)
    if candidate.erased_at is not None:
        raise WrongState("An erased candidate stays archived: their data is gone.")
    if not candidate.archived:
        raise WrongState(f"{candidate} is already active.")
    candidate.archived = False
    candidate.save(update_fields=["archived", "updated_at"])
    return candidate


# ---------------------------------------------------------------- invitations


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def invitation_create(*, candidate: Candidate, by: User) -> tuple[Invitation, str]:
    """Create a fresh single-use link and email it; any earlier open link stops working."""
    candidate = Candidate.objects.select_for_update().select_related("coach").get(pk=candidate.pk)
    if candidate.coach_id != by.pk:
        raise NotAllowed("Only the candidate's coach can invite them.")
    if candidate.archived:
        raise WrongState(f"{candidate} is archived. Restore them before sending an invitation.")
    if candidate.user_id is not None:
        raise WrongState(f"{candidate} has already joined; no invitation is needed.")
    invitation, token = _invitation_issue(candidate)
    emails.send_invitation(invitation, token)
    return invitation, token


def _invitation_issue(candidate: Candidate) -> tuple[Invitation, str]:
    """A new link for a locked, not yet joined candidate; earlier open links stop
    working. The caller emails it."""
    now = timezone.now()
    candidate.invitations.filter(accepted_at__isnull=True, revoked_at__isnull=True).update(
        revoked_at=now
    )
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        candidate=candidate,
        token_hash=_token_hash(token),
        created_at=now,
        expires_at=now + datetime.timedelta(days=settings.INVITATION_TTL_DAYS),
        sent_at=now,
    )
    return invitation, token


def invitation_for_token(token: str) -> Invitation:
    """The open invitation behind a link, or InvitationInvalid saying why not."""
    invitation = (
        Invitation.objects.select_related("candidate__coach", "candidate__user")
        .filter(token_hash=_token_hash(token))
        .first()
    )
    if invitation is None:
        raise InvitationInvalid(
            "This invitation link is not valid. Check that you copied the whole link, "
            "or ask your coach to send a new one."
        )
    coach = invitation.candidate.coach
    if invitation.accepted_at:
        raise InvitationInvalid(
            "This invitation has already been used. Log in with your email and password."
        )
    if invitation.revoked_at:
        raise InvitationInvalid(
            f"A newer invitation has replaced this link. Use the latest email from {coach}."
        )
    if invitation.expires_at <= timezone.now():
        raise InvitationInvalid(
            f"This invitation expired on {timezone.localtime(invitation.expires_at):%d %b %Y}. "
            f"Ask {coach} to send a new one."
        )
    if invitation.candidate.archived:
        raise InvitationInvalid(f"This invitation is no longer active. Contact {coach}.")
    return invitation


@transaction.atomic
def invitation_accept(
    *, invitation: Invitation, user: User | None = None, password: str = "", full_name: str = ""
) -> User:
    """Link the candidate record to a login: the given existing user, or a new
    candidate account created with ``password``. The link is single-use."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at or invitation.revoked_at or invitation.expires_at <= timezone.now():
        raise InvitationInvalid("This invitation can no longer be used.")
    candidate = Candidate.objects.select_for_update().get(pk=invitation.candidate_id)
    if user is None:
        if User.objects.filter(email__iexact=candidate.email).exists():
            raise WrongState("An account with this email already exists. Log in to accept.")
        user = User.objects.create_user(
            email=candidate.email,
            password=password,
            full_name=full_name or candidate.full_name,
            role=User.Role.CANDIDATE,
        )
    elif user.role != User.Role.CANDIDATE:
        raise WrongState(
            "You are logged in with a coach account. Log out and accept the invitation "
            "with the candidate's email."
        )
    elif user.email.lower() != candidate.email.lower():
        raise WrongState(
            f"This invitation is for {candidate.email}, but you are logged in as {user.email}."
        )
    if Candidate.objects.filter(coach_id=candidate.coach_id, user=user).exclude(pk=candidate.pk):
        raise WrongState("Your account is already linked to another record of this coach.")
    candidate.user = user
    candidate.save(update_fields=["user", "updated_at"])
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    return user


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


def _require_started(round: InterviewRound, what: str) -> None:
    """After-the-interview records wait for the interview's scheduled start."""
    if round.has_started:
        return
    if round.scheduled_at is None:
        raise WrongState(
            f"{what} opens when the interview has started, and its date is not set yet. "
            "Ask your coach to add the date."
        )
    when = dateformat.format(timezone.localtime(round.scheduled_at), r"D j M Y \a\t H:i")
    raise WrongState(f"{what} opens when the interview starts, on {when}.")


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
        _require_started(round, "Recording the outcome")
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
    _require_started(round, "The debrief")
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
        items = AssignmentItem.objects.filter(
            pk__in=came_up,
            assignment__round=round,
            assignment__candidate__user=by,
        ).exclude(assignment__status=Assignment.Status.WITHDRAWN)
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
    who has none yet, pre-filled from the thank-you template."""
    round = _lock_round(round)
    _require_candidate(round, by, "write thank-you notes")
    _require_started(round, "Writing thank-you notes")
    have = set(
        round.thank_you_notes.exclude(interviewer=None).values_list("interviewer", flat=True)
    )
    created = []
    for interviewer in round.interviewers.exclude(email="").exclude(pk__in=have):
        draft = drafts.thank_you_draft(
            round, interviewer=interviewer, sender_name=by.get_full_name()
        )
        created.append(ThankYouNote.objects.create(round=round, interviewer=interviewer, **draft))
    return created


@transaction.atomic
def thank_you_note_add_other(*, round: InterviewRound, by: User) -> ThankYouNote:
    """A draft to someone else (not a listed interviewer)."""
    round = _lock_round(round)
    _require_candidate(round, by, "write thank-you notes")
    _require_started(round, "Writing thank-you notes")
    draft = drafts.thank_you_draft(round, interviewer=None, sender_name=by.get_full_name())
    return ThankYouNote.objects.create(round=round, **draft)


@transaction.atomic
def thank_you_note_save(
    *, note: ThankYouNote, by: User, to: str, subject: str, body: str, to_name: str | None = None
) -> ThankYouNote:
    """Edit a draft; a note marked as sent is kept as it was sent."""
    note = _lock_note(note)
    _require_candidate(note.round, by, "edit their thank-you notes")
    if note.is_sent:
        raise WrongState("This note is marked as sent; it is kept as it was sent.")
    note.to, note.subject = to.strip(), subject
    note.body = body.replace("\r\n", "\n")
    if to_name is not None and note.interviewer_id is None:
        note.to_name = to_name
    note.save()
    return note


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


@transaction.atomic
def thank_you_note_mark_sent(*, note: ThankYouNote, by: User) -> ThankYouNote:
    """The candidate sent it from their own mail program."""
    note = _lock_note(note)
    _require_candidate(note.round, by, "mark their thank-you notes as sent")
    _require_started(note.round, "Marking a thank-you note as sent")
    if note.is_sent:
        raise WrongState("This note is already marked as sent.")
    if not note.body.strip() or not note.to:
        raise WrongState("Write the note and its address before marking it as sent.")
    note.sent_at = timezone.now()
    note.save(update_fields=["sent_at", "updated_at"])
    return note


# ---------------------------------------------------------------- question bank and templates


def _check_visible(obj: Question | ChecklistTemplate, by: User) -> None:
    if obj.owner_id in (None, by.pk):
        return
    if not type(obj).objects.visible_to(by).filter(pk=obj.pk).exists():
        raise NotAllowed("You can only use built-ins, your own and your practice's.")


def _check_editable(obj: Question | ChecklistTemplate, by: User, what: str) -> None:
    """Its owner edits it; so does the lead of the practice it is shared with."""
    if obj.owner_id is None:
        raise NotAllowed(f"Built-in {what}s are read-only. Copy it first.")
    if obj.owner_id != by.pk and not (
        obj.practice_id is not None
        and PracticeMembership.objects.filter(
            user=by, practice_id=obj.practice_id, role=PracticeRole.LEAD
        ).exists()
    ):
        raise NotAllowed(f"You can only change your own {what}s.")


def _lock_own_question(question: Question, by: User) -> Question:
    """Re-read the question with its row locked; only its owner (or the lead
    of the practice it is shared with) may change it."""
    locked = Question.objects.select_for_update().get(pk=question.pk)
    _check_editable(locked, by, "question")
    return locked


@transaction.atomic
def question_retire(*, question: Question, by: User) -> Question:
    """Hide one of the coach's own questions from the bank. Templates and
    checklists that hold it keep their items."""
    question = _lock_own_question(question, by)
    if question.retired:
        raise WrongState(f"“{question.prompt}” was already retired.")
    question.retired = True
    question.save(update_fields=["retired"])
    return question


@transaction.atomic
def question_restore(*, question: Question, by: User) -> Question:
    """Put a retired question of the coach's back in their bank."""
    question = _lock_own_question(question, by)
    if not question.retired:
        raise WrongState(f"“{question.prompt}” is already in your bank.")
    question.retired = False
    question.save(update_fields=["retired"])
    return question


@transaction.atomic
def question_copy(*, question: Question, by: User) -> Question:
    """A coach-owned, editable copy of a built-in or own question."""
    _check_visible(question, by)
    return Question.objects.create(
        owner=by,
        prompt=question.prompt,
        guidance=question.guidance,
        category=question.category,
        round_kind=question.round_kind,
    )


@transaction.atomic
def template_copy(*, template: ChecklistTemplate, by: User) -> ChecklistTemplate:
    """A coach-owned, editable copy of a template and its items."""
    _check_visible(template, by)
    copy = ChecklistTemplate.objects.create(
        owner=by,
        title=f"{template.title} (copy)"[:200],
        description=template.description,
        round_kind=template.round_kind,
        copied_from=template,
    )
    TemplateItem.objects.bulk_create(
        TemplateItem(
            template=copy,
            position=item.position,
            kind=item.kind,
            prompt=item.prompt,
            guidance=item.guidance,
            required=item.required,
            question_id=item.question_id,
        )
        for item in template.items.all()
    )
    return copy


QUESTION_KIND = {
    Question.Category.ASK: ItemKind.TEXT,
    Question.Category.ANSWER: ItemKind.TEXT,
    Question.Category.BRING: ItemKind.CHECK,
    Question.Category.FOLLOW_UP: ItemKind.TEXT,
}


@transaction.atomic
def template_add_questions(
    *, template: ChecklistTemplate, questions: list[Question], by: User
) -> list[TemplateItem]:
    """Append bank questions to the end of one of the coach's own templates,
    within the cap on a template's items."""
    template = ChecklistTemplate.objects.select_for_update().get(pk=template.pk)
    _check_editable(template, by, "template")
    for question in questions:
        _check_visible(question, by)
    count = template.items.count()
    room = ChecklistTemplate.MAX_ITEMS - count
    if len(questions) > room:
        raise WrongState(
            f"A template can have at most {ChecklistTemplate.MAX_ITEMS} items; this one has "
            f"{count}, so add at most {max(room, 0)} more."
        )
    last = template.items.aggregate(last=Max("position"))["last"] or 0
    return TemplateItem.objects.bulk_create(
        TemplateItem(
            template=template,
            position=last + n,
            kind=QUESTION_KIND[question.category],
            prompt=question.prompt,
            guidance=question.guidance,
            required=True,
            question=question,
        )
        for n, question in enumerate(questions, start=1)
    )


@dataclass(frozen=True)
class TemplateItemData:
    """One item of a template as the editor sends it."""

    id: int | None  # a stored item of the template; None for a new one
    kind: str
    prompt: str
    guidance: str = ""
    required: bool = True
    question_id: int | None = None


@transaction.atomic
def template_save(
    *,
    template: ChecklistTemplate,
    by: User,
    title: str,
    description: str,
    round_kind: str,
    items: Sequence[TemplateItemData],
    removed: Collection[int] = (),
) -> ChecklistTemplate:
    """Save one of the coach's own templates as the editor sent it: the title,
    and the ``items`` in the order given, numbered 1..n; the ``removed`` items
    are deleted.

    Built-ins and other coaches' templates are refused. A stored item that was
    neither sent nor removed (added in another tab meanwhile) is kept, after the
    sent ones. Refused, with nothing saved: an item that is no longer stored (a
    stale tab), the same item twice, a question not in the coach's bank, and
    more than ``ChecklistTemplate.MAX_ITEMS`` items. Only rows that differ from
    what is stored are written.
    """
    # Every writer of a template's items locks the template row first, so the
    # lock covers the items too.
    template = ChecklistTemplate.objects.select_for_update().get(pk=template.pk)
    _check_editable(template, by, "template")
    stored = {item.pk: item for item in template.items.all()}
    sent = [row.id for row in items if row.id is not None]
    removed = set(removed)
    if len(set(sent)) != len(sent) or removed.intersection(sent):
        raise WrongState("The same item was sent twice. Nothing was saved: reload the page.")
    if not set(sent) <= set(stored):
        raise WrongState(
            "An item was removed elsewhere since you opened this page. Nothing was saved: "
            "reload the page to see the current items."
        )
    unsent = [item for pk, item in stored.items() if pk not in removed and pk not in sent]
    total = len(items) + len(unsent)
    if total > ChecklistTemplate.MAX_ITEMS:
        raise WrongState(
            f"A template can have at most {ChecklistTemplate.MAX_ITEMS} items; "
            f"this one would have {total}."
        )
    for row in items:
        if row.kind not in ItemKind.values:
            raise ValueError(f"Unknown item kind {row.kind!r}")
    linked = {
        row.question_id
        for row in items
        if row.question_id is not None
        and (row.id is None or row.question_id != stored[row.id].question_id)
    }
    if linked and Question.objects.visible_to(by).filter(pk__in=linked).count() != len(linked):
        raise NotAllowed("Some of the questions sent are not in your bank.")

    if removed:
        TemplateItem.objects.filter(template=template, pk__in=removed).delete()
    new, changed = [], []
    for position, row in enumerate(items, start=1):
        values = {
            "position": position,
            "kind": row.kind,
            "prompt": row.prompt,
            "guidance": row.guidance,
            "required": row.required,
            "question_id": row.question_id,
        }
        if row.id is None:
            new.append(TemplateItem(template=template, **values))
            continue
        item = stored[row.id]
        if any(getattr(item, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(item, name, value)
            changed.append(item)
    for position, item in enumerate(unsent, start=len(items) + 1):
        if item.position != position:
            item.position = position
            changed.append(item)
    TemplateItem.objects.bulk_create(new)
    TemplateItem.objects.bulk_update(
        changed, ["position", "kind", "prompt", "guidance", "required", "question"]
    )
    template.title = title
    template.description = description
    template.round_kind = round_kind
    template.save(update_fields=["title", "description", "round_kind", "updated_at"])
    return template


# ---------------------------------------------------------------- assignments


def default_due_date(round: InterviewRound | None, tz_name: str) -> datetime.date | None:
    """The day before the interview, in the coach's time zone."""
    if round is None or round.scheduled_at is None:
        return None
    local = round.scheduled_at.astimezone(zoneinfo.ZoneInfo(tz_name))
    return local.date() - datetime.timedelta(days=1)


@transaction.atomic
def assignment_create(
    *,
    coach: User,
    candidate: Candidate,
    template: ChecklistTemplate,
    round: InterviewRound | None = None,
    due_date: datetime.date | None = None,
    instructions: str = "",
    send_invitation: bool = False,
) -> Assignment:
    """Give a candidate a checklist copied from a template (later template edits
    do not change it) and email them about it, truthfully: a joined candidate gets
    the link; one who has not joined gets, with ``send_invitation``, a fresh
    invitation link in the same email; a pending invitation is pointed at; a
    candidate never invited gets no email at all (they could not log in)."""
    candidate = Candidate.objects.select_for_update().get(pk=candidate.pk)
    if candidate.coach_id != coach.pk:
        raise NotAllowed("You can only assign checklists to your own candidates.")
    if candidate.archived:
        raise WrongState(f"{candidate} is archived. Restore them before assigning a checklist.")
    if round is not None and round.opportunity.candidate_id != candidate.pk:
        raise NotAllowed("That interview round belongs to another candidate.")
    _check_visible(template, coach)
    items = list(template.items.all())
    if not items:
        raise WrongState(f"The template “{template}” has no items yet. Add some first.")
    if due_date is None:
        due_date = default_due_date(round, coach.time_zone)
    assignment = Assignment.objects.create(
        candidate=candidate,
        round=round,
        template=template,
        title=template.title,
        description=template.description,
        instructions=instructions,
        due_date=due_date,
        status=Assignment.Status.ASSIGNED,
    )
    AssignmentItem.objects.bulk_create(
        AssignmentItem(
            assignment=assignment,
            position=n,
            kind=item.kind,
            prompt=item.prompt,
            guidance=item.guidance,
            required=item.required,
            question_id=item.question_id,
        )
        for n, item in enumerate(items, start=1)
    )
    token = None
    if candidate.user_id is None and send_invitation:
        _invitation, token = _invitation_issue(candidate)
    emails.send_assignment_created(assignment, invitation_token=token)
    return assignment


def _lock(assignment: Assignment) -> Assignment:
    """Re-read the assignment with its row locked until the transaction ends."""
    return (
        # Lock only the assignment row: PostgreSQL refuses FOR UPDATE on the
        # nullable side of the outer join to candidate.user.
        Assignment.objects.select_for_update(of=("self",))
        .select_related("candidate__coach", "candidate__user")
        .get(pk=assignment.pk)
    )


def _lock_for_candidate(assignment: Assignment, by: User) -> Assignment:
    locked = _lock(assignment)
    if locked.candidate.user_id != by.pk:
        raise NotAllowed("Only the candidate can change their checklist.")
    return locked


def _lock_for_coach(assignment: Assignment, by: User) -> Assignment:
    locked = _lock(assignment)
    if locked.candidate.coach_id != by.pk:
        raise NotAllowed("Only the candidate's coach can do this.")
    return locked


def _require_editable(assignment: Assignment) -> None:
    if assignment.status not in Assignment.EDITABLE:
        if assignment.status == Assignment.Status.SUBMITTED:
            raise WrongState(
                "This checklist has been submitted and is waiting for your coach's review; "
                "it cannot be changed until the coach responds."
            )
        raise WrongState(
            f"This checklist is {assignment.get_status_display().lower()} and can no longer "
            "be changed."
        )


def _normalise(values: dict) -> dict:
    clean = {}
    for name in AssignmentItem.RESPONSE_FIELDS:
        if name not in values:
            continue
        value = values[name]
        if name == "done":
            clean[name] = bool(value)
        else:
            value = (value or "").replace("\r\n", "\n")
            clean[name] = "" if not value.strip() else value
    return clean


def _response_at(item: AssignmentItem, version: int, revisions: dict) -> dict:
    """The response as it stood at ``version`` (version 1 is the empty start)."""
    revision = revisions.get((item.pk, version))
    return revision.response() if revision else dict(AssignmentItem.EMPTY_RESPONSE)


@dataclass
class SaveResult:
    changed: list[AssignmentItem] = field(default_factory=list)
    replies: list[Comment] = field(default_factory=list)


@transaction.atomic
def assignment_save(
    *,
    assignment: Assignment,
    by: User,
    responses: dict[int, tuple[int, dict]],
    replies: dict[int, str] | None = None,
) -> SaveResult:
    """Save the candidate's responses: ``{item_id: (version_seen, values)}``, and
    post their replies typed in the same form: ``{item_id: body}`` (blank ones
    are skipped).

    Only items whose value differs from what is stored change, each one writing
    an AnswerRevision. If another tab changed an item after the user loaded it
    (its version moved on) and this save would change it too, the whole save is
    refused with EditConflict and nothing is written, replies included: no
    silent overwrite, and nothing half done.
    """
    assignment = _lock_for_candidate(assignment, by)
    _require_editable(assignment)
    items = {item.pk: item for item in assignment.items.select_for_update()}
    replies = {pk: body.strip() for pk, body in (replies or {}).items() if body.strip()}
    unknown = (set(responses) | set(replies)) - set(items)
    if unknown:
        raise NotAllowed("Some of the items sent do not belong to this checklist.")

    stale_pairs = [
        (pk, version) for pk, (version, _) in responses.items() if items[pk].version != version
    ]
    revisions = {}
    if stale_pairs:
        for revision in AnswerRevision.objects.filter(
            item_id__in=[pk for pk, _ in stale_pairs],
            item_version__in={version for _, version in stale_pairs},
        ):
            revisions[(revision.item_id, revision.item_version)] = revision

    to_change: list[tuple[AssignmentItem, dict]] = []
    conflicts: list[Conflict] = []
    for pk, (version, values) in responses.items():
        item = items[pk]
        stored = item.response()
        new = {**stored, **_normalise(values)}
        if new == stored:
            continue
        if item.version != version:
            seen = {**stored, **_response_at(item, version, revisions)}
            if new == seen:
                # The user did not touch this item; keep the newer stored value.
                continue
            conflicts.append(Conflict(item=item, mine=new))
            continue
        to_change.append((item, new))
    if conflicts:
        raise EditConflict(conflicts)

    now = timezone.now()
    # One UPDATE and one INSERT however many items changed.
    for item, new in to_change:
        for name, value in new.items():
            setattr(item, name, value)
        item.version += 1
        item.updated_at = now
    AssignmentItem.objects.bulk_update(
        [item for item, _ in to_change],
        [*AssignmentItem.RESPONSE_FIELDS, "version", "updated_at"],
    )
    AnswerRevision.objects.bulk_create(
        AnswerRevision(item=item, author=by, created_at=now, item_version=item.version, **new)
        for item, new in to_change
    )
    update_fields = []
    if assignment.status == Assignment.Status.ASSIGNED:
        assignment.status = Assignment.Status.IN_PROGRESS
        update_fields.append("status")
    if update_fields or to_change:  # updated_at: when the checklist last changed
        assignment.save(update_fields=[*update_fields, "updated_at"])
    posted = Comment.objects.bulk_create(
        Comment(item=items[pk], author=by, body=body, created_at=now)
        for pk, body in sorted(replies.items(), key=lambda pair: items[pair[0]].position)
    )
    return SaveResult(changed=[item for item, _ in to_change], replies=posted)


@transaction.atomic
def assignment_submit(*, assignment: Assignment, by: User) -> Assignment:
    """Submit for review; every required item must be complete."""
    assignment = _lock_for_candidate(assignment, by)
    _require_editable(assignment)
    missing = [item for item in assignment.items.all() if item.required and not item.is_complete]
    if missing:
        raise IncompleteItems(missing)
    assignment.status = Assignment.Status.SUBMITTED
    assignment.submitted_at = timezone.now()
    assignment.save(update_fields=["status", "submitted_at", "updated_at"])
    emails.send_assignment_submitted(assignment)
    return assignment


@transaction.atomic
def assignment_review(
    *,
    assignment: Assignment,
    by: User,
    verdict: str,
    note: str = "",
    marks: dict[int, str] | None = None,
    comments: dict[int, str] | None = None,
) -> Review:
    """The coach's verdict on a submitted checklist, with item marks and comments.

    Requesting changes needs an item marked needs work or an overall note;
    approving needs no item left marked needs work. A mark belongs to the item
    version it was given on: once the candidate revises the item, an old "needs
    work" no longer blocks approval (approving accepts the revision), and the
    coach can mark it "needs work" again, which then refers to the new version.
    """
    assignment = _lock_for_coach(assignment, by)
    if assignment.status != Assignment.Status.SUBMITTED:
        raise WrongState(
            f"Only a submitted checklist can be reviewed; this one is "
            f"{assignment.get_status_display().lower()}."
        )
    if verdict not in Review.Verdict.values:
        raise ValueError(f"Unknown verdict {verdict!r}")
    items = {item.pk: item for item in assignment.items.select_for_update()}
    marks = marks or {}
    comments = {pk: body.strip() for pk, body in (comments or {}).items() if body.strip()}
    if set(marks) - set(items) or set(comments) - set(items):
        raise NotAllowed("Some of the items sent do not belong to this checklist.")
    for pk, mark in marks.items():
        if mark not in AssignmentItem.Mark.values:
            raise ValueError(f"Unknown mark {mark!r}")
        item = items[pk]
        if item.review_mark != mark or (mark and item.marked_version != item.version):
            item.review_mark = mark
            item.marked_version = item.version if mark else None
            item.save(update_fields=["review_mark", "marked_version", "updated_at"])
    needs_work = [item for item in items.values() if item.needs_work]
    note = note.strip()
    if verdict == Review.Verdict.CHANGES_REQUESTED and not needs_work and not note:
        raise WrongState(
            "To request changes, mark at least one item as needing work or write an overall note."
        )
    if verdict == Review.Verdict.APPROVED and needs_work:
        raise WrongState(
            "Some items are still marked as needing work. Mark them OK, or request changes."
        )
    if verdict == Review.Verdict.APPROVED:
        for item in items.values():
            if item.revised_since_mark:
                item.review_mark = AssignmentItem.Mark.OK
                item.marked_version = item.version
                item.save(update_fields=["review_mark", "marked_version", "updated_at"])
    now = timezone.now()
    Comment.objects.bulk_create(
        Comment(item_id=pk, author=by, body=body, created_at=now) for pk, body in comments.items()
    )
    review = Review.objects.create(
        assignment=assignment, reviewer=by, verdict=verdict, note=note, created_at=now
    )
    assignment.status = (
        Assignment.Status.APPROVED
        if verdict == Review.Verdict.APPROVED
        else Assignment.Status.CHANGES_REQUESTED
    )
    assignment.reviewed_at = now
    assignment.save(update_fields=["status", "reviewed_at", "updated_at"])
    emails.send_assignment_reviewed(assignment, verdict, note)
    return review


@transaction.atomic
def assignment_withdraw(*, assignment: Assignment, by: User) -> Assignment:
    """Hide a checklist from the candidate. Nothing is deleted."""
    assignment = _lock_for_coach(assignment, by)
    if assignment.status == Assignment.Status.WITHDRAWN:
        raise WrongState("This checklist is already withdrawn.")
    assignment.status = Assignment.Status.WITHDRAWN
    assignment.withdrawn_at = timezone.now()
    assignment.save(update_fields=["status", "withdrawn_at", "updated_at"])
    return assignment


@transaction.atomic
def comment_add(*, item: AssignmentItem, by: User, body: str) -> Comment:
    """A note on one item by the coach or the candidate of that checklist."""
    item = AssignmentItem.objects.select_related("assignment__candidate").get(pk=item.pk)
    candidate = item.assignment.candidate
    if by.pk not in (candidate.coach_id, candidate.user_id):
        raise NotAllowed("Only the coach and the candidate can comment on this checklist.")
    if item.assignment.status == Assignment.Status.WITHDRAWN:
        raise WrongState("This checklist has been withdrawn.")
    body = body.strip()
    if not body:
        raise WrongState("Write a comment first.")
    return Comment.objects.create(item=item, author=by, body=body)


@transaction.atomic
def item_mark_email_sent(*, item: AssignmentItem, by: User) -> AssignmentItem:
    """Record that the candidate sent the thank-you email themselves."""
    assignment = _lock_for_candidate(item.assignment, by)
    item = assignment.items.select_for_update().get(pk=item.pk)
    if item.kind != ItemKind.EMAIL:
        raise WrongState("Only an email item can be marked as sent.")
    if assignment.status == Assignment.Status.WITHDRAWN:
        raise WrongState("This checklist has been withdrawn.")
    if assignment.round_id is not None:
        _require_started(
            InterviewRound.objects.get(pk=assignment.round_id), "Marking this email as sent"
        )
    if not item.email_body.strip():
        raise WrongState("Write and save the email before marking it as sent.")
    if item.email_sent_at:
        raise WrongState("This email is already marked as sent.")
    item.email_sent_at = timezone.now()
    item.save(update_fields=["email_sent_at", "updated_at"])
    return item


# ---------------------------------------------------------------- calendar


@transaction.atomic
def calendar_token_replace(*, user: User) -> User:
    """A new secret for the user's calendar-feed address: the old address
    answers 404 from now on (a leaked address is revoked this way)."""
    user.calendar_token = new_calendar_token()
    user.save(update_fields=["calendar_token"])
    return user


# ---------------------------------------------------------------- privacy


class WrongPassword(ServiceError):
    """The password given to confirm an erasure is not the user's."""


@transaction.atomic
def candidate_erase(*, candidate: Candidate, by: User) -> Candidate:
    """Erase a candidate's personal data, by their coach or by the candidate
    themselves: the record stays as a "Former candidate" with dates, round
    kinds and outcomes, checklist titles and statuses, and every free text is
    blanked or deleted (README, "Privacy"). The login goes too when this was
    the last record linked to it; a candidate with another coach keeps it."""
    from . import privacy

    # Locked so that a save in another tab cannot write an answer back mid-erasure.
    locked = Candidate.objects.select_for_update().get(pk=candidate.pk)
    if by.pk not in (locked.coach_id, locked.user_id):
        raise NotAllowed("Only the candidate or their coach can erase this record.")
    if locked.erased_at is not None:
        raise WrongState("This candidate's data was already erased.")
    user = locked.user
    privacy.erase_candidate_rows(locked)
    if (
        user is not None
        and user.pk != by.pk
        and user.is_candidate
        and not user.candidate_records.exists()
    ):
        privacy.delete_user_rows(user)
    return locked


@transaction.atomic
def user_delete_account(*, user: User, password: str) -> None:
    """A candidate deletes their own account: every candidate record linked to
    them is erased (``candidate_erase``), then the login itself. Coaches cannot
    delete their account here: their candidates' records hang on it."""
    from . import privacy

    if not user.is_candidate:
        raise NotAllowed("Coaches cannot delete their account here; please contact support.")
    if not user.check_password(password):
        raise WrongPassword("That is not your password. Nothing was deleted.")
    user = User.objects.select_for_update().get(pk=user.pk)
    for record in Candidate.objects.filter(user=user):
        candidate_erase(candidate=record, by=user)
    privacy.delete_user_rows(user)


# ---------------------------------------------------------------- sessions


@transaction.atomic
def user_sessions_end_others(*, user: User) -> User:
    """End every session the user signed in before now ("Log out everywhere"):
    a new session epoch changes the auth hash each older session carries. The
    caller keeps its own session with update_session_auth_hash."""
    # Locked, so two clicks at once still raise the epoch twice, not once.
    locked = User.objects.select_for_update().get(pk=user.pk)
    user.session_epoch = locked.session_epoch + 1
    user.save(update_fields=["session_epoch"])
    return user


# ---------------------------------------------------------------- notices


@transaction.atomic
def notification_preferences_save(*, user: User, choices: dict[str, tuple[bool, str]]) -> None:
    """Store the user's choice for each of their kinds: ``{kind: (enabled,
    delivery)}``; candidates get everything straight away."""
    for kind in notifications.kinds_for(user):
        if kind not in choices:
            continue
        enabled, delivery = choices[kind]
        if not user.is_coach:
            delivery = NotificationDelivery.INSTANT
        NotificationPreference.objects.update_or_create(
            user=user, kind=kind, defaults={"enabled": enabled, "delivery": delivery}
        )
    if user.is_coach:
        # Choosing the digest again for a kind brings the digest back.
        NotificationPreference.objects.filter(user=user, kind=NotificationKind.DIGEST).delete()


def notification_unsubscribe(*, user: User, kind: str) -> None:
    """No more emails of ``kind`` (the in-app list keeps the notices)."""
    NotificationPreference.objects.update_or_create(
        user=user, kind=kind, defaults={"enabled": False}
    )


def notification_mark_read(*, notification: Notification) -> None:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])


def notifications_mark_all_read(*, user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


# ---------------------------------------------------------------- two-factor login


@transaction.atomic
def app_device_start(*, user: User) -> TOTPDevice:
    """A fresh, unconfirmed authenticator device: any earlier unfinished set-up
    is replaced, so only the QR code last shown can be confirmed."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=twofactor.APP_DEVICE_NAME, confirmed=False)


def _recovery_codes_create(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(
        user=user, name=twofactor.RECOVERY_DEVICE_NAME, confirmed=True
    )
    codes = [StaticToken.random_token() for _ in range(twofactor.RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@transaction.atomic
def two_factor_confirm(*, device: TOTPDevice, code: str) -> list[str] | None:
    """Switch two-factor login on once the app shows a right code.

    Returns the new recovery codes (stored, but shown only this once), or None
    for a wrong code. Every other session of the user ends (session_epoch):
    one signed in before had no code asked of it.
    """
    if device.confirmed or not device.verify_token(twofactor.normalise_code(code)):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=device.user_id).exclude(pk=device.pk).delete()
    user = device.user
    User.objects.filter(pk=user.pk).update(session_epoch=F("session_epoch") + 1)
    return _recovery_codes_create(user)


@transaction.atomic
def recovery_codes_replace(*, user: User) -> list[str]:
    """Ten new recovery codes; the old ones stop working."""
    return _recovery_codes_create(user)


@transaction.atomic
def two_factor_disable(*, user: User) -> None:
    """Back to the password alone: every app and recovery code is removed."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


# ---------------------------------------------------------------- practices


def membership_of(user: User, *, lock: bool = False) -> PracticeMembership | None:
    """The coach's place in a practice, or None for a coach working alone."""
    memberships = PracticeMembership.objects.select_related("practice", "user")
    if lock:
        memberships = memberships.select_for_update(of=("self",))
    return memberships.filter(user=user).first()


def _lock_lead(practice: Practice, by: User) -> PracticeMembership:
    """The lead's own membership, locked; anyone else is refused."""
    membership = membership_of(by, lock=True)
    if membership is None or membership.practice_id != practice.pk or not membership.is_lead:
        raise NotAllowed("Only the practice's lead can do this.")
    return membership


def _require_another_lead(membership: PracticeMembership, what: str) -> None:
    others = (
        PracticeMembership.objects.filter(
            practice_id=membership.practice_id, role=PracticeRole.LEAD
        )
        .exclude(pk=membership.pk)
        .exists()
    )
    if not others:
        raise WrongState(
            f"{membership.user} is the practice's only lead. Make another coach lead "
            f"before you {what}."
        )


@transaction.atomic
def practice_create(*, by: User, name: str) -> Practice:
    """A new practice, with its creator as lead."""
    if not by.is_coach:
        raise NotAllowed("Only coaches can create a practice.")
    User.objects.select_for_update().get(pk=by.pk)  # one practice at a time, even in two tabs
    existing = membership_of(by)
    if existing is not None:
        raise WrongState(f"You already belong to {existing.practice}. A coach has one practice.")
    practice = Practice.objects.create(name=name.strip())
    PracticeMembership.objects.create(practice=practice, user=by, role=PracticeRole.LEAD)
    return practice


@transaction.atomic
def practice_rename(*, practice: Practice, by: User, name: str) -> Practice:
    _lock_lead(practice, by)
    practice = Practice.objects.select_for_update().get(pk=practice.pk)
    practice.name = name.strip()
    practice.save(update_fields=["name"])
    return practice


@transaction.atomic
def practice_invite(*, practice: Practice, by: User, email: str) -> tuple[PracticeInvitation, str]:
    """A single-use, expiring link for ``email`` to join the practice as a
    coach; any earlier open link to that address stops working."""
    _lock_lead(practice, by)
    email = User.objects.normalize_email(email.strip()).lower()
    if PracticeMembership.objects.filter(practice=practice, user__email__iexact=email).exists():
        raise WrongState(f"{email} is already a member of {practice}.")
    if User.objects.filter(email__iexact=email, role=User.Role.CANDIDATE).exists():
        raise WrongState(
            f"{email} is a candidate's login. Invite the coach's own work address instead."
        )
    now = timezone.now()
    practice.invitations.filter(
        email__iexact=email, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=now)
    token = secrets.token_urlsafe(32)
    invitation = PracticeInvitation.objects.create(
        practice=practice,
        email=email,
        invited_by=by,
        token_hash=_token_hash(token),
        created_at=now,
        expires_at=now + datetime.timedelta(days=settings.INVITATION_TTL_DAYS),
    )
    emails.send_practice_invitation(invitation, token)
    return invitation, token


@transaction.atomic
def practice_invitation_revoke(*, invitation: PracticeInvitation, by: User) -> None:
    _lock_lead(invitation.practice, by)
    invitation = PracticeInvitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at:
        raise WrongState(f"{invitation.email} has already joined.")
    if invitation.revoked_at:
        raise WrongState(f"The invitation to {invitation.email} was already cancelled.")
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])


def practice_invitation_for_token(token: str) -> PracticeInvitation:
    """The open invitation behind a link, or InvitationInvalid saying why not."""
    invitation = (
        PracticeInvitation.objects.select_related("practice", "invited_by")
        .filter(token_hash=_token_hash(token))
        .first()
    )
    if invitation is None:
        raise InvitationInvalid(
            "This invitation link is not valid. Check that you copied the whole link, "
            "or ask the practice's lead to send a new one."
        )
    if invitation.accepted_at:
        raise InvitationInvalid(
            "This invitation has already been used. Log in with your email and password."
        )
    if invitation.revoked_at:
        raise InvitationInvalid(
            "This invitation was cancelled or replaced by a newer one. "
            "Use the latest email, or ask the practice's lead for a new link."
        )
    if invitation.expires_at <= timezone.now():
        raise InvitationInvalid(
            f"This invitation expired on {timezone.localtime(invitation.expires_at):%d %b %Y}. "
            "Ask the practice's lead to send a new one."
        )
    return invitation


@transaction.atomic
def practice_invitation_accept(
    *,
    invitation: PracticeInvitation,
    user: User | None = None,
    password: str = "",
    full_name: str = "",
) -> PracticeMembership:
    """Join the practice: as the given (logged-in) coach, or as a new coach
    account created with ``password``. The link is single-use."""
    invitation = PracticeInvitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at or invitation.revoked_at or invitation.expires_at <= timezone.now():
        raise InvitationInvalid("This invitation can no longer be used.")
    if user is None:
        if User.objects.filter(email__iexact=invitation.email).exists():
            raise WrongState("An account with this email already exists. Log in to accept.")
        user = User.objects.create_user(
            email=invitation.email,
            password=password,
            full_name=full_name,
            role=User.Role.COACH,
        )
    else:
        user = User.objects.select_for_update().get(pk=user.pk)
        if not user.is_coach:
            raise WrongState(
                "You are logged in with a candidate account. Log out and accept the "
                "invitation with the coach's email."
            )
        if user.email.lower() != invitation.email.lower():
            raise WrongState(
                f"This invitation is for {invitation.email}, but you are logged in as {user.email}."
            )
    existing = membership_of(user)
    if existing is not None:
        if existing.practice_id == invitation.practice_id:
            raise WrongState(f"You are already a member of {existing.practice}.")
        raise WrongState(
            f"You already belong to {existing.practice}. A coach has one practice: "
            "ask its lead to remove you first."
        )
    membership = PracticeMembership.objects.create(
        practice_id=invitation.practice_id, user=user, role=PracticeRole.COACH
    )
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    return membership


def _lock_member(membership: PracticeMembership, by: User) -> PracticeMembership:
    """A member of the lead's own practice, locked (after the lead's row)."""
    lead = _lock_lead(membership.practice, by)
    locked = (
        PracticeMembership.objects.select_for_update(of=("self",))
        .select_related("user", "practice")
        .filter(pk=membership.pk, practice_id=lead.practice_id)
        .first()
    )
    if locked is None:
        raise WrongState("This coach is no longer a member of the practice.")
    return locked


@transaction.atomic
def membership_set_role(
    *, membership: PracticeMembership, by: User, role: str
) -> PracticeMembership:
    if role not in PracticeRole.values:
        raise WrongState("Choose lead or coach.")
    membership = _lock_member(membership, by)
    if membership.role == role:
        return membership
    if membership.is_lead:
        _require_another_lead(membership, "change their role")
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def membership_remove(*, membership: PracticeMembership, by: User) -> None:
    """Take a coach out of the practice. Their candidates (archived too) must
    have been reassigned first; what they shared goes back to being theirs only."""
    membership = _lock_member(membership, by)
    if membership.is_lead:
        _require_another_lead(membership, "remove them")
    count = Candidate.objects.filter(coach_id=membership.user_id).count()
    if count:
        raise WrongState(
            f"{membership.user} still coaches {count} candidate{'s' if count != 1 else ''} "
            "(archived ones included). Reassign them to another coach of the practice first."
        )
    for model in (Question, ChecklistTemplate):
        model.objects.filter(
            owner_id=membership.user_id, practice_id=membership.practice_id
        ).update(practice=None)
    membership.delete()


@transaction.atomic
def candidate_reassign(*, candidate: Candidate, by: User, to: User) -> Candidate:
    """The lead hands a candidate to another coach of the practice. Reviews,
    comments and revisions keep their authors; the candidate and both coaches
    are told."""
    lead = _lock_lead(_practice_of(by), by)
    candidate = _lock_candidate_row(candidate)
    members = PracticeMembership.objects.filter(practice_id=lead.practice_id)
    if not members.filter(user_id=candidate.coach_id).exists():
        raise NotAllowed("This candidate's coach is not a member of your practice.")
    target = members.select_related("user").filter(user=to).first()
    if target is None:
        raise WrongState(f"{to} is not a member of {lead.practice} any more.")
    if candidate.coach_id == to.pk:
        raise WrongState(f"{to} is already {candidate}'s coach.")
    clash = Candidate.objects.filter(coach=to, email__iexact=candidate.email).exists() or (
        candidate.user_id is not None
        and Candidate.objects.filter(coach=to, user_id=candidate.user_id).exists()
    )
    if clash:
        raise WrongState(
            f"{to} already has a candidate record for {candidate.email}. "
            "Archive or erase one of the two first."
        )
    previous = candidate.coach
    candidate.coach = to
    candidate.save(update_fields=["coach", "updated_at"])
    emails.send_candidate_reassigned(candidate, previous=previous, by=by)
    return candidate


def _practice_of(user: User) -> Practice:
    membership = membership_of(user)
    if membership is None:
        raise NotAllowed("You are not a member of a practice.")
    return membership.practice


def _lock_candidate_row(candidate: Candidate) -> Candidate:
    return (
        Candidate.objects.select_for_update(of=("self",))
        .select_related("coach")
        .get(pk=candidate.pk)
    )


@transaction.atomic
def library_share(
    *, obj: Question | ChecklistTemplate, by: User, shared: bool
) -> Question | ChecklistTemplate:
    """Share one of the coach's questions or templates with their practice,
    or stop sharing it (its owner or the practice's lead). Checklists already
    assigned from it are copies and do not change."""
    model = type(obj)
    what = "question" if model is Question else "template"
    obj = model.objects.select_for_update(of=("self",)).get(pk=obj.pk)
    if obj.owner_id is None:
        raise NotAllowed(f"Built-in {what}s are in every coach's library already.")
    if shared:
        if obj.owner_id != by.pk:
            raise NotAllowed(f"Only its owner can share a {what}.")
        membership = membership_of(by)
        if membership is None:
            raise WrongState("Join or create a practice to share with it.")
        if obj.practice_id == membership.practice_id:
            raise WrongState(f"This {what} is already shared with {membership.practice}.")
        obj.practice = membership.practice
    else:
        if obj.practice_id is None:
            raise WrongState(f"This {what} is not shared.")
        _check_editable(obj, by, what)
        obj.practice = None
    obj.save(update_fields=["practice"])
    return obj
