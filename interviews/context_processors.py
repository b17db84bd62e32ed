"""Template context shared by every page."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .models import Assignment, AssignmentItem, InterviewRound, Invitation, ItemKind, Review
from .selectors import notifications as notifications_selectors


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
    """How many of the user's notices are unread, for the badge in the navigation.
    Lazy: the COUNT runs only on pages that show it, and never for anonymous users."""

    def count() -> int:
        user = getattr(request, "user", None)
        return notifications_selectors.unread_count(user) if user and user.is_authenticated else 0

    return {"unread_notifications": SimpleLazyObject(count)}
