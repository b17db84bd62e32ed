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
