"""Reads of notifications: who gets which kinds, preferences, quiet hours,
unread counts, a user's notices.
"""

from __future__ import annotations

import datetime

from django.db.models import QuerySet

from ..models import Notification, NotificationKind, User


def user_notifications(user: User) -> QuerySet[Notification]:
    """The user's notices, newest first, without their bodies (the list shows
    subjects only)."""
    return Notification.objects.filter(user=user).defer("body")


Kind = NotificationKind

#: The kinds a candidate can switch on or off, in the order the settings page lists them.
CANDIDATE_KINDS = (
    Kind.ASSIGNMENT_CREATED,
    Kind.ASSIGNMENT_REVIEWED,
    Kind.THANK_YOU_CHECKED,
    Kind.DUE_SOON,
    Kind.DUE_TODAY,
    Kind.OVERDUE,
    Kind.INTERVIEW_TOMORROW,
    Kind.THANK_YOU_WAITING,
    Kind.FOLLOW_UP_WAITING,
)
#: A coach's kinds; each can be instant or left to the daily digest.
COACH_KINDS = (
    Kind.ASSIGNMENT_SUBMITTED,
    Kind.THANK_YOU_CHECK_REQUESTED,
    Kind.REVIEW_WAITING,
    Kind.PREP_NOT_READY,
)

#: Local hours in which no reminder is emailed: they wait for the morning.
QUIET_FROM = datetime.time(21, 0)
QUIET_UNTIL = datetime.time(8, 0)


# ---------------------------------------------------------------- the in-app list


def unread_count(user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
