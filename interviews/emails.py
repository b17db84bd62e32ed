"""Outgoing email. Every function here is called from transaction.on_commit, so
nothing is sent for a change that rolled back."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse

if TYPE_CHECKING:
    from .models import Assignment, Invitation


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def _send(*, to: str, template: str, context: dict) -> None:
    text = render_to_string(f"emails/{template}.txt", context)
    subject, _, body = text.partition("\n")
    send_mail(
        subject=subject.strip(),
        message=body.lstrip("\n"),
        from_email=None,
        recipient_list=[to],
    )


def send_invitation(invitation: Invitation, token: str) -> None:
    candidate = invitation.candidate
    _send(
        to=candidate.email,
        template="invitation",
        context={
            "candidate": candidate,
            "coach": candidate.coach,
            "link": absolute(reverse("invite_accept", args=[token])),
            "expires_at": invitation.expires_at,
        },
    )


def send_assignment_created(assignment: Assignment) -> None:
    candidate = assignment.candidate
    _send(
        to=candidate.user.email if candidate.user else candidate.email,
        template="assignment_created",
        context={
            "assignment": assignment,
            "candidate": candidate,
            "coach": candidate.coach,
            "joined": candidate.user_id is not None,
            "link": absolute(assignment.get_candidate_url()),
        },
    )


def send_assignment_submitted(assignment: Assignment) -> None:
    coach = assignment.candidate.coach
    _send(
        to=coach.email,
        template="assignment_submitted",
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
        context={
            "assignment": assignment,
            "coach": candidate.coach,
            "approved": verdict == "approved",
            "note": note,
            "link": absolute(assignment.get_candidate_url()),
        },
    )
