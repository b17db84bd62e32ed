"""Template context shared by every page."""

from __future__ import annotations

from django.http import HttpRequest

from .models import Assignment, AssignmentItem, InterviewRound, Invitation, ItemKind, Review


def choices(request: HttpRequest) -> dict:
    """The choices templates compare with, so no status is a bare string there:
    ``{% if assignment.status == AssignmentStatus.SUBMITTED %}``. (Django's
    choices are not called in templates, so their members resolve as values.)"""
    return {
        "AssignmentStatus": Assignment.Status,
        "ItemKind": ItemKind,
        "ItemMark": AssignmentItem.Mark,
        "RoundOutcome": InterviewRound.Outcome,
        "ReviewVerdict": Review.Verdict,
        "InvitationState": Invitation.State,
    }


def unread_notifications(request: HttpRequest) -> dict:
    """How many of the user's notices are unread, for the badge in the
    navigation: the count kept on the user row (``User.unread_notices``, kept
    by services.notifications), which the request has already read. No query."""
    user = getattr(request, "user", None)
    return {"unread_notifications": user.unread_notices if user and user.is_authenticated else 0}
