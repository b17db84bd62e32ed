"""Reads of notifications: who gets which kinds, preferences, quiet hours,
a user's notices (the unread count is on the user row: services/notifications.py).
"""

from __future__ import annotations

import datetime
import zoneinfo
from dataclasses import dataclass

from django.db.models import QuerySet

from ..models import (
    Notification,
    NotificationDelivery,
    NotificationKind,
    NotificationPreference,
    User,
)

Kind = NotificationKind

#: The kinds a candidate can switch on or off, in the order the settings page lists them.
CANDIDATE_KINDS = (
    Kind.ASSIGNMENT_CREATED,
    Kind.ASSIGNMENT_UPDATED,
    Kind.COACH_REMINDER,
    Kind.ASSIGNMENT_REVIEWED,
    Kind.THANK_YOU_CHECKED,
    Kind.DUE_SOON,
    Kind.DUE_TODAY,
    Kind.OVERDUE,
    Kind.INTERVIEW_TOMORROW,
    Kind.INTERVIEW_TODAY,
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


def kinds_for(user: User) -> tuple[str, ...]:
    return COACH_KINDS if user.is_coach else CANDIDATE_KINDS


def zone_of(user: User) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(user.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def is_quiet(user: User, now: datetime.datetime) -> bool:
    """Between 21:00 and 08:00 where the user is."""
    local = now.astimezone(zone_of(user)).time()
    return local >= QUIET_FROM or local < QUIET_UNTIL


# ---------------------------------------------------------------- preferences


@dataclass(frozen=True)
class Preference:
    kind: str
    enabled: bool
    delivery: str

    @property
    def label(self) -> str:
        return Kind(self.kind).label

    @property
    def instant(self) -> bool:
        return self.enabled and self.delivery == NotificationDelivery.INSTANT


def preferences(user: User) -> list[Preference]:
    """Every kind the user can choose for, with their choice (default: on, instant)."""
    stored = {p.kind: p for p in NotificationPreference.objects.filter(user=user)}
    result = []
    for kind in kinds_for(user):
        row = stored.get(kind)
        result.append(
            Preference(
                kind=kind,
                enabled=row.enabled if row else True,
                delivery=row.delivery if row and user.is_coach else NotificationDelivery.INSTANT,
            )
        )
    return result


def preference(user: User, kind: str) -> Preference:
    row = NotificationPreference.objects.filter(user=user, kind=kind).first()
    if row is None:
        return Preference(kind=kind, enabled=True, delivery=NotificationDelivery.INSTANT)
    delivery = row.delivery if user.is_coach else NotificationDelivery.INSTANT
    return Preference(kind=kind, enabled=row.enabled, delivery=delivery)


def digest_wanted(user: User) -> bool:
    """A coach gets the daily digest when at least one kind is left to it and
    the digest itself was not unsubscribed."""
    rows = NotificationPreference.objects.filter(user=user)
    if rows.filter(kind=Kind.DIGEST, enabled=False).exists():
        return False
    return rows.filter(
        kind__in=COACH_KINDS, enabled=True, delivery=NotificationDelivery.DIGEST
    ).exists()


# ---------------------------------------------------------------- the in-app list


def user_notifications(user: User) -> QuerySet[Notification]:
    """The user's notices, newest first, without their bodies (the list shows
    subjects only)."""
    return Notification.objects.filter(user=user).defer("body")
