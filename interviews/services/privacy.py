"""Erasure: a coach erases a candidate, a user deletes their account."""

from __future__ import annotations

from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import Q, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from .. import throttle
from ..models import (
    AnswerRevision,
    AskedQuestion,
    Assignment,
    AssignmentItem,
    BriefPdf,
    Candidate,
    Comment,
    Interviewer,
    InterviewRound,
    Invitation,
    ItemFile,
    ItemFileEvent,
    Notification,
    NotificationPreference,
    Opportunity,
    OutgoingEmail,
    PracticeMembership,
    RehearsalTake,
    Review,
    SetAsideNotes,
    Story,
    SubmittedStory,
    ThankYouNote,
    ThrottleHit,
    User,
)
from . import NotAllowed, WrongPassword, WrongState
from .files import delete_bytes
from .notifications import notifications_delete


@transaction.atomic
def candidate_erase(*, candidate: Candidate, by: User) -> Candidate:
    """Erase a candidate's personal data, by their coach or by the candidate
    themselves: the record stays as a "Former candidate" with dates, round
    kinds and outcomes, checklist titles and statuses, and every free text is
    blanked or deleted (README, "Privacy"). The login goes too when this was
    the last record linked to it; a candidate with another coach keeps it."""
    # Locked so that a save in another tab cannot write an answer back mid-erasure.
    locked = Candidate.objects.select_for_update().get(pk=candidate.pk)
    if by.pk not in (locked.coach_id, locked.user_id):
        raise NotAllowed("Only the candidate or their coach can erase this record.")
    if locked.erased_at is not None:
        raise WrongState("This candidate's data was already erased.")
    user = locked.user
    erase_candidate_rows(locked)
    if (
        user is not None
        and user.pk != by.pk
        and user.is_candidate
        and not user.candidate_records.exists()
    ):
        delete_user_rows(user)
    return locked


@transaction.atomic
def user_delete_account(*, user: User, password: str) -> None:
    """A candidate deletes their own account: every candidate record linked to
    them is erased (``candidate_erase``), then the login itself. Coaches cannot
    delete their account here: their candidates' records hang on it."""
    if not user.is_candidate:
        raise NotAllowed("Coaches cannot delete their account here; please contact support.")
    if not user.check_password(password):
        raise WrongPassword("That is not your password. Nothing was deleted.")
    user = User.objects.select_for_update().get(pk=user.pk)
    for record in Candidate.objects.filter(user=user):
        candidate_erase(candidate=record, by=user)
    delete_user_rows(user)


ERASED_NAME = "Former candidate"
ERASED_COMPANY = "—"


# ---------------------------------------------------------------- erasure


def _mentions(candidate: Candidate) -> Q:
    """A notice or an email that names the candidate in its text (a coach's
    digest, a "submitted a checklist" notice)."""
    q = Q()
    for text in {candidate.full_name, candidate.email} - {""}:
        q |= Q(subject__icontains=text) | Q(body__icontains=text)
    return q or Q(pk__in=[])  # an empty Q would match every row


def _any_text(texts: list[str]) -> Q:
    q = Q(pk__in=[])
    for text in texts:
        q |= Q(subject__icontains=text) | Q(body__icontains=text)
    return q


def _coaches_around(candidate: Candidate) -> dict[int, str]:
    """The coaches who may have coached ``candidate``: theirs, and every
    member of their practice (a reassignment never leaves a practice), as
    {pk: email}."""
    members = PracticeMembership.objects.filter(
        practice__memberships__user=candidate.coach_id
    ).values_list("user_id", "user__email")
    return {candidate.coach_id: candidate.coach.email, **dict(members)}


def forget_emails(emails, *, address: str) -> None:
    """Delete the queued and sent emails in ``emails`` and what the task
    queue kept of them: django-tasks-db keeps each task's arguments (the
    email's id) and its return value or traceback ("sent to casey@…") with
    nothing to prune them, so those rows go too, found by the email's id or
    by ``address`` in their text."""
    ids = list(emails.values_list("pk", flat=True))
    emails.filter(pk__in=ids).delete()
    if not apps.is_installed("django_tasks_db"):
        return
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.annotate(
        returned=Cast("return_value", TextField()), arguments=Cast("args_kwargs", TextField())
    ).filter(
        Q(task_path="interviews.tasks.send_email", args_kwargs__kwargs__email_id__in=ids)
        | Q(returned__icontains=address)
        | Q(arguments__icontains=address)
        | Q(traceback__icontains=address)
    ).delete()


def _forget_admin_history(model, pk: int) -> None:
    """The admin's history (LogEntry) of a change to this row names it in
    ``object_repr``: the entries stay, without the name."""
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(model), object_id=str(pk)
    ).update(object_repr=ERASED_NAME, change_message="")


def erase_candidate_rows(candidate: Candidate) -> None:
    """Blank or delete every piece of personal data of one candidate record,
    keeping the record, its dates, round kinds and outcomes, checklist titles
    and statuses (README, "Privacy"). The caller holds the candidate's row lock."""
    rounds = InterviewRound.objects.filter(opportunity__candidate=candidate)
    assignments = Assignment.objects.filter(candidate=candidate)
    items = AssignmentItem.objects.filter(assignment__candidate=candidate)
    notes = ThankYouNote.objects.filter(round__in=rounds)

    # Notices and emails first, while the names and ids to find them are intact.
    keys = (
        [f"assignment:{pk}" for pk in assignments.values_list("pk", flat=True)]
        + [f"round:{pk}" for pk in rounds.values_list("pk", flat=True)]
        + [f"note:{pk}" for pk in notes.values_list("pk", flat=True)]
    )
    about = Notification.objects.filter(object_key__in=keys)
    # Text naming them is looked for in the mail of the coaches who may have
    # coached them (theirs now, and the practice's: a reassignment stays in
    # it) only: a short name must not blank other coaches' notices. Their
    # email address and their page's address are looked for in every email.
    coaches = _coaches_around(candidate)
    pages = [candidate.get_absolute_url(), f"/practice/candidates/{candidate.pk}/"]
    forget_emails(
        OutgoingEmail.objects.filter(
            Q(to__iexact=candidate.email)
            | Q(notification__in=about)
            | Q(subject__icontains=candidate.email)
            | Q(body__icontains=candidate.email)
            | _any_text(pages)
            | (Q(to__in=[c.lower() for c in coaches.values()]) & _mentions(candidate))
        ),
        address=candidate.email,
    )
    notifications_delete(notices=about)
    # A digest that also names other candidates stays, as the guard against a
    # second digest that day, but without its text.
    Notification.objects.filter(Q(user__in=list(coaches)) & _mentions(candidate)).update(
        subject="A notice about a former candidate", body="", url=""
    )
    ThrottleHit.objects.filter(key__iexact=candidate.email).delete()

    Invitation.objects.filter(candidate=candidate).delete()
    SetAsideNotes.objects.filter(candidate=candidate).delete()
    _forget_admin_history(Candidate, candidate.pk)
    # Rehearsal takes (their voice): the rows now, before the stories they may
    # hang on, and the bytes once the erasure is committed.
    takes = RehearsalTake.objects.filter(candidate=candidate)
    take_keys = list(takes.values_list("key", flat=True))
    takes.delete()
    transaction.on_commit(lambda: delete_bytes(take_keys))
    # Stories are the candidate's own words from end to end: they go whole,
    # with their revisions, comments and tag links (CASCADE).
    # Their links to checklist items go with them (CASCADE); the copies frozen
    # into submissions outlive a story, so they go explicitly.
    Story.objects.filter(candidate=candidate).delete()
    # Their files: the rows now, the bytes once the erasure is committed.
    files = ItemFile.objects.filter(candidate=candidate)
    keys = list(files.values_list("key", flat=True))
    files.delete()
    ItemFileEvent.objects.filter(item__in=items).delete()
    transaction.on_commit(lambda: delete_bytes(keys))
    SubmittedStory.objects.filter(item__in=items).delete()
    Comment.objects.filter(item__in=items).delete()
    AnswerRevision.objects.filter(item__in=items).delete()
    items.update(
        response_text="",
        email_to="",
        email_subject="",
        email_body="",
        updated_at=timezone.now(),
    )
    Review.objects.filter(assignment__in=assignments).update(note="")
    assignments.update(instructions="", updated_at=timezone.now())
    notes.update(to_name="", to="", subject="", body="", coach_comment="", interviewer=None)
    # The brief's stored PDFs hold the answers and names, as made.
    BriefPdf.objects.filter(round__in=rounds).delete()
    Interviewer.objects.filter(round__in=rounds).delete()
    AskedQuestion.objects.filter(round__in=rounds).delete()
    rounds.update(
        location="",
        outcome_notes="",
        debrief_notes="",
        debrief_differently="",
        updated_at=timezone.now(),
    )
    Opportunity.objects.filter(candidate=candidate).update(
        company=ERASED_COMPANY, position="", link="", updated_at=timezone.now()
    )

    candidate.full_name = ERASED_NAME
    candidate.email = f"erased-{candidate.pk}@erased.invalid"
    candidate.headline = ""
    candidate.notes = ""
    candidate.user = None
    candidate.archived = True
    candidate.erased_at = timezone.now()
    candidate.save()


def delete_user_rows(user: User) -> None:
    """Delete a login and what hangs on it: notices, preferences, emails to its
    address, throttle counts, sessions and (when installed) axes' logs. The
    caller has erased the candidate records first: comments and revisions
    the user wrote (PROTECT) went with them."""
    email = user.email
    notifications_delete(notices=Notification.objects.filter(user=user))
    NotificationPreference.objects.filter(user=user).delete()
    forget_emails(
        OutgoingEmail.objects.filter(
            Q(to__iexact=email) | Q(subject__icontains=email) | Q(body__icontains=email)
        ),
        address=email,
    )
    _forget_admin_history(User, user.pk)
    # Counted under the address (resets, invitations) or the account (logins).
    account = throttle.key_for_user(user)
    ThrottleHit.objects.filter(Q(key__iexact=email) | Q(key=account)).delete()
    _delete_sessions(user)
    if apps.is_installed("axes"):
        for name in ("AccessAttempt", "AccessLog", "AccessFailureLog"):
            model = apps.get_model("axes", name)
            model.objects.filter(Q(username__iexact=email) | Q(username=account)).delete()
    user.delete()


def _delete_sessions(user: User) -> None:
    """The user's stored sessions (the database session backend): a session
    holds the user's id, so each is decoded to find it."""
    pk = str(user.pk)
    mine = [s.pk for s in Session.objects.iterator() if s.get_decoded().get("_auth_user_id") == pk]
    Session.objects.filter(pk__in=mine).delete()
