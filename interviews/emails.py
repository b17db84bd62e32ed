"""Outgoing email. Every function here is called from transaction.on_commit, so
nothing is sent for a change that rolled back."""

from __future__ import annotations

import zoneinfo
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from .models import Review
from .selectors import JoinState, candidate_join_status

if TYPE_CHECKING:
    from .models import Assignment, Invitation, ThankYouNote, User


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def _recipient_zone(user: User | None, fallback: User) -> zoneinfo.ZoneInfo:
    """Dates in an email are in the recipient's time zone; for a candidate who has
    no login yet, their coach's is the best guess."""
    for person in (user, fallback):
        if person is not None:
            try:
                return zoneinfo.ZoneInfo(person.time_zone)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                continue
    return zoneinfo.ZoneInfo("UTC")


def _send(*, to: str, template: str, context: dict, zone: zoneinfo.ZoneInfo) -> None:
    """Send ``emails/<template>_subject.txt`` and ``emails/<template>.txt``, with
    dates and times in the recipient's ``zone``.

    The subject is rendered on its own and its whitespace collapsed, so a
    value with a line break (a name written to the database without the forms'
    validation) can neither split the subject nor push text into the body.
    """
    with timezone.override(zone):
        subject = render_to_string(f"emails/{template}_subject.txt", context)
        body = render_to_string(f"emails/{template}.txt", context)
    send_mail(
        subject=" ".join(subject.split()),
        message=body,
        from_email=None,
        recipient_list=[to],
    )


def send_invitation(invitation: Invitation, token: str) -> None:
    candidate = invitation.candidate
    _send(
        to=candidate.email,
        template="invitation",
        zone=_recipient_zone(candidate.user, candidate.coach),
        context={
            "candidate": candidate,
            "coach": candidate.coach,
            "link": absolute(reverse("invite_accept", args=[token])),
            "expires_at": invitation.expires_at,
        },
    )


def send_assignment_created(assignment: Assignment, *, invitation_token: str | None = None) -> None:
    """Tell the candidate about a new checklist, and only what is true of their
    login: joined, invited in this very email, or invited earlier and pending.
    A candidate who was never invited (or whose link lapsed) gets nothing: they
    could not open the checklist, and the coach was told so."""
    candidate = assignment.candidate
    status = candidate_join_status(candidate)
    if invitation_token is None and status.state == JoinState.NOT_INVITED:
        return
    _send(
        to=candidate.user.email if candidate.user else candidate.email,
        template="assignment_created",
        zone=_recipient_zone(candidate.user, candidate.coach),
        context={
            "assignment": assignment,
            "candidate": candidate,
            "coach": candidate.coach,
            "joined": status.state == JoinState.JOINED,
            "invitation": status.invitation,
            "invitation_link": absolute(reverse("invite_accept", args=[invitation_token]))
            if invitation_token
            else "",
            "link": absolute(assignment.get_candidate_url()),
        },
    )


def send_assignment_submitted(assignment: Assignment) -> None:
    coach = assignment.candidate.coach
    _send(
        to=coach.email,
        template="assignment_submitted",
        zone=_recipient_zone(coach, coach),
        context={
            "assignment": assignment,
            "candidate": assignment.candidate,
            "link": absolute(assignment.get_absolute_url()),
        },
    )


def send_assignment_reviewed(assignment: Assignment, verdict: str, note: str) -> None:
    candidate = assignment.candidate
    if candidate.user is None:
        return
    _send(
        to=candidate.user.email,
        template="assignment_reviewed",
        zone=_recipient_zone(candidate.user, candidate.coach),
        context={
            "assignment": assignment,
            "coach": candidate.coach,
            "approved": verdict == Review.Verdict.APPROVED,
            "note": note,
            "link": absolute(assignment.get_candidate_url()),
        },
    )


def send_thank_you_check_requested(note: ThankYouNote) -> None:
    """Tell the coach a candidate asked them to look at a thank-you note."""
    candidate = note.round.opportunity.candidate
    coach = candidate.coach
    _send(
        to=coach.email,
        template="thank_you_check_requested",
        zone=_recipient_zone(coach, coach),
        context={
            "note": note,
            "candidate": candidate,
            "round": note.round,
            "link": absolute(note.round.get_absolute_url()) + f"#note-{note.pk}",
        },
    )


def send_thank_you_checked(note: ThankYouNote) -> None:
    """Tell the candidate their coach answered about a thank-you note."""
    candidate = note.round.opportunity.candidate
    if candidate.user is None:
        return
    _send(
        to=candidate.user.email,
        template="thank_you_checked",
        zone=_recipient_zone(candidate.user, candidate.coach),
        context={
            "note": note,
            "coach": candidate.coach,
            "round": note.round,
            "link": absolute(reverse("me:round", args=[note.round.pk])) + f"#note-{note.pk}",
        },
    )
