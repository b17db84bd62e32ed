"""The reminder sweep: what is due at a given moment, for whom.

``due(now)`` lists the reminders the moment calls for; ``sweep(now)`` makes
them (services/notifications.py ``notify_together``: kept in the app,
emailed as the user chose). The worker runs the sweep every few minutes
(interviews/tasks.py); ``manage.py send_reminders`` runs it by hand.

| to        | when                                                   | kind               |
| --------- | ------------------------------------------------------ | ------------------ |
| candidate | checklist due in 1-2 days, not submitted               | due_soon           |
| candidate | checklist due today, not submitted                     | due_today          |
| candidate | checklist overdue by a day (up to 3: a missed sweep)   | overdue            |
| candidate | interview tomorrow (their calendar day); lists what    | interview_tomorrow |
|           | is unfinished in the round's checklists                |                    |
| candidate | interview today, from 08:00 until its start, only when | interview_today    |
|           | a required item of the round's checklists is open      |                    |
| candidate | thank-you notes not sent 20 h after the start          | thank_you_waiting  |
| candidate | debrief or outcome not recorded 3 days after           | follow_up_waiting  |
| coach     | a submission waiting for review for 48 h               | review_waiting     |
| coach     | an interview tomorrow with prep below 100 %            | prep_not_ready     |
| coach     | 08:00 daily, when a kind is left to the digest         | digest             |

Rules that hold for every row:
- Times and days are the recipient's (their time zone); nothing is made
  between 21:00 and 08:00 there: the first sweep after 08:00 makes it.
- The interview comes first: from the interview's day (the candidate's
  date) on, a checklist for that round gets no due_soon, due_today or
  overdue. On the day itself, interview_today says what is left instead;
  after the start, the thank-you and follow-up reminders take over. (The
  default due date, two days before the interview, leaves due_today and
  overdue on the two days before it.)
- One email per person and sweep: reminders made for one person in one
  sweep go out as one email listing each (one per coach they are written
  for, as the reply goes to that coach). Each keeps its own Notification,
  so each is still made once per occasion.
- Once per occasion: the occasion is the due date, the interview's start or
  the submission time, and Notification's unique constraint enforces it, so a
  moved due date or interview re-arms the reminder.
- Withdrawn, approved or submitted checklists, archived candidates and
  cancelled rounds (InterviewRound.is_cancelled) get none.
- A reminder to a candidate carries their coach's address as Reply-To.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Exists, F, OuterRef, Prefetch
from django.urls import reverse

from .. import models
from ..lib import links
from ..models import (
    Assignment,
    AssignmentItem,
    InterviewRound,
    Notification,
    NotificationKind,
    RoundOutcome,
    ThankYouNote,
    User,
)
from ..selectors import notifications as notifications_selectors
from ..selectors.rounds import follow_ups, rounds_with_readiness, waiting_for_thanks
from . import notifications as notifications_services

Kind = NotificationKind

DUE_SOON_DAYS = 2
OVERDUE_CATCH_UP_DAYS = 3
THANK_YOU_AFTER = datetime.timedelta(hours=20)
FOLLOW_UP_AFTER = datetime.timedelta(days=3)
REVIEW_WAITING_AFTER = datetime.timedelta(hours=48)
#: Reminders about a past interview stop this long after it.
AFTER_INTERVIEW_WINDOW = InterviewRound.AFTER_INTERVIEW_WINDOW
DIGEST_INTERVIEW_DAYS = 2
#: The digest goes at the first sweep from 08:00, or by 11:00 after an outage;
#: never later in the day.
DIGEST_LATEST = datetime.time(11, 0)
#: How many unfinished items a checklist reminder names.
ITEMS_LISTED = 10


@dataclass
class Reminder:
    user: User
    kind: str
    object_key: str
    occasion: str
    template: str
    url: str
    #: What it is about, for the command's output.
    about: str
    context: dict = field(default_factory=dict)
    #: The coach a reminder to a candidate is written for: replies go to them.
    reply_to: str = ""

    @property
    def key(self) -> tuple[int, str, str, str]:
        return (self.user.pk, self.kind, self.object_key, self.occasion)

    @property
    def notice(self) -> notifications_services.Notice:
        return notifications_services.Notice(
            kind=self.kind,
            object_key=self.object_key,
            occasion=self.occasion,
            template=self.template,
            context=self.context,
            url=self.url,
        )


@dataclass(frozen=True)
class Unfinished:
    """A checklist's required items still open, as a reminder lists them."""

    assignment: Assignment
    items: list[AssignmentItem]
    #: How many more are open beyond those listed.
    more: int


def _unfinished(assignment: Assignment) -> Unfinished | None:
    left = assignment.unfinished_items  # prefetched: required and incomplete
    if not left:
        return None
    return Unfinished(assignment, left[:ITEMS_LISTED], max(0, len(left) - ITEMS_LISTED))


def _local_today(user: User, now: datetime.datetime) -> datetime.date:
    return now.astimezone(notifications_selectors.zone_of(user)).date()


def _local_date(user: User, moment: datetime.datetime) -> datetime.date:
    return moment.astimezone(notifications_selectors.zone_of(user)).date()


# ---------------------------------------------------------------- candidates


def _interview_day_reached(user: User, round: InterviewRound | None, now) -> bool:
    """It is the day of the round's interview where ``user`` is, or later."""
    if round is None or round.scheduled_at is None:
        return False
    return now >= round.scheduled_at or _local_today(user, now) >= _local_date(
        user, round.scheduled_at
    )


def _checklist_reminders(now: datetime.datetime) -> Iterator[Reminder]:
    # Dates are the candidate's own; a day either side of UTC's covers every zone.
    utc_today = now.date()
    unfinished = AssignmentItem.objects.filter(required=True).incomplete()
    assignments = (
        Assignment.objects.filter(
            status__in=Assignment.EDITABLE,
            due_date__gte=utc_today - datetime.timedelta(days=OVERDUE_CATCH_UP_DAYS + 1),
            due_date__lte=utc_today + datetime.timedelta(days=DUE_SOON_DAYS + 1),
            candidate__archived=False,
            candidate__user__is_active=True,
        )
        # A checklist for a cancelled round is no longer pressing.
        .exclude(InterviewRound.cancelled_q("round__"))
        .select_related("candidate__user", "candidate__coach", "round__opportunity")
        .prefetch_related(Prefetch("items", queryset=unfinished, to_attr="unfinished_items"))
        .with_readiness()
    )
    for assignment in assignments:
        user = assignment.candidate.user
        if _interview_day_reached(user, assignment.round, now):
            # The interview's own reminders say what is left (and after it,
            # nothing is "due" any more).
            continue
        days = (assignment.due_date - _local_today(user, now)).days
        if 1 <= days <= DUE_SOON_DAYS:
            kind = Kind.DUE_SOON
        elif days == 0:
            kind = Kind.DUE_TODAY
        elif -OVERDUE_CATCH_UP_DAYS <= days <= -1:
            kind = Kind.OVERDUE
        else:
            continue
        left = assignment.unfinished_items
        yield Reminder(
            user=user,
            kind=kind,
            object_key=f"assignment:{assignment.pk}",
            occasion=assignment.due_date.isoformat(),
            template="reminder_checklist_due",
            url=assignment.get_candidate_url(),
            about=f'checklist #{assignment.pk} "{assignment.title}" due {assignment.due_date}',
            context={
                "assignment": assignment,
                "kind": kind,
                "days": days,
                "overdue_days": -days,
                "left": left[:ITEMS_LISTED],
                "more_left": max(0, len(left) - ITEMS_LISTED),
                "readiness": assignment.readiness,
            },
            reply_to=assignment.candidate.coach.email,
        )


def _live_rounds(now: datetime.datetime):
    """Rounds with a time near enough to ``now`` to be reminded of, not cancelled,
    of candidates still coached (not archived), with readiness, interviewers
    and their live checklists' unfinished required items."""
    rounds = (
        InterviewRound.objects.filter(
            scheduled_at__gte=now - AFTER_INTERVIEW_WINDOW,
            scheduled_at__lte=now + datetime.timedelta(days=DIGEST_INTERVIEW_DAYS + 1),
            opportunity__candidate__archived=False,
        )
        .exclude(InterviewRound.cancelled_q())
        .select_related("opportunity__candidate__user", "opportunity__candidate__coach")
        .prefetch_related(
            "interviewers",
            Prefetch(
                "thank_you_notes", queryset=ThankYouNote.objects.select_related("interviewer")
            ),
            Prefetch(
                "assignments",
                queryset=Assignment.objects.exclude(status=Assignment.Status.WITHDRAWN)
                .order_by(F("due_date").asc(nulls_last=True), "pk")
                .prefetch_related(
                    Prefetch(
                        "items",
                        queryset=AssignmentItem.objects.filter(required=True).incomplete(),
                        to_attr="unfinished_items",
                    )
                ),
                to_attr="live_checklists",
            ),
        )
        .with_kind_count()
        .order_by("scheduled_at", "pk")
    )
    return rounds_with_readiness(rounds)


def _round_reminders(now: datetime.datetime, rounds: list[InterviewRound]) -> Iterator[Reminder]:
    for round in rounds:
        candidate = round.opportunity.candidate
        user = candidate.user
        coach = candidate.coach
        occasion = round.scheduled_at.isoformat()
        key = f"round:{round.pk}"
        interviewers = list(round.interviewers.all())
        about = f"round #{round.pk} at {round.opportunity.company}, {occasion}"
        pending = round.outcome == RoundOutcome.PENDING
        upcoming = round.scheduled_at > now
        if upcoming and pending and coach.is_active:
            tomorrow = _local_today(coach, now) + datetime.timedelta(days=1)
            if _local_date(coach, round.scheduled_at) == tomorrow and (
                not round.readiness.is_complete or not round.live_assignments
            ):
                yield Reminder(
                    user=coach,
                    kind=Kind.PREP_NOT_READY,
                    object_key=key,
                    occasion=occasion,
                    template="reminder_prep_not_ready",
                    url=round.get_absolute_url(),
                    about=f"{candidate.full_name}, {about}",
                    context={"round": round, "candidate": candidate},
                )
        if user is None or not user.is_active:
            continue
        reply_to = coach.email
        if upcoming and pending:
            today = _local_today(user, now)
            day = _local_date(user, round.scheduled_at)
            unfinished = [u for u in map(_unfinished, round.live_checklists) if u is not None]
            context = {
                "round": round,
                "interviewers": interviewers,
                "unfinished": unfinished,
                "brief_link": links.absolute(reverse("me:round_brief", args=[round.pk])),
            }
            # The eve, always; the day itself only while something is unfinished.
            if day == today + datetime.timedelta(days=1):
                kind, template = Kind.INTERVIEW_TOMORROW, "reminder_interview_tomorrow"
            elif day == today and unfinished:
                kind, template = Kind.INTERVIEW_TODAY, "reminder_interview_today"
            else:
                continue
            yield Reminder(
                user=user,
                kind=kind,
                object_key=key,
                occasion=occasion,
                template=template,
                url=reverse("me:round", args=[round.pk]),
                about=about,
                context=context,
                reply_to=reply_to,
            )
            continue
        since = now - round.scheduled_at
        if since < datetime.timedelta(0) or since > AFTER_INTERVIEW_WINDOW:
            continue
        if since >= THANK_YOU_AFTER:
            waiting = waiting_for_thanks(round)
            if waiting:
                yield Reminder(
                    user=user,
                    kind=Kind.THANK_YOU_WAITING,
                    object_key=key,
                    occasion=occasion,
                    template="reminder_thank_you_waiting",
                    url=reverse("me:round", args=[round.pk]) + "#notes",
                    about=about,
                    context={"round": round, "waiting": waiting},
                    reply_to=reply_to,
                )
        if since >= FOLLOW_UP_AFTER and (round.debriefed_at is None or pending):
            yield Reminder(
                user=user,
                kind=Kind.FOLLOW_UP_WAITING,
                object_key=key,
                occasion=occasion,
                template="reminder_follow_up_waiting",
                url=reverse("me:round", args=[round.pk]),
                about=about,
                context={
                    "round": round,
                    "needs_debrief": round.debriefed_at is None,
                    "needs_outcome": pending,
                },
                reply_to=reply_to,
            )


# ---------------------------------------------------------------- coaches


def _review_reminders(now: datetime.datetime) -> Iterator[Reminder]:
    waiting = Assignment.objects.filter(
        status=Assignment.Status.SUBMITTED,
        submitted_at__lte=now - REVIEW_WAITING_AFTER,
        candidate__archived=False,
        candidate__coach__is_active=True,
    ).select_related("candidate__coach")
    for assignment in waiting:
        yield Reminder(
            user=assignment.candidate.coach,
            kind=Kind.REVIEW_WAITING,
            object_key=f"assignment:{assignment.pk}",
            occasion=assignment.submitted_at.isoformat(),
            template="reminder_review_waiting",
            url=assignment.get_absolute_url(),
            about=(
                f'{assignment.candidate.full_name}, checklist #{assignment.pk} "{assignment.title}"'
            ),
            context={"assignment": assignment, "candidate": assignment.candidate},
        )


@dataclass
class Digest:
    reviews_waiting: list[Assignment]
    interviews: list[InterviewRound]
    overdue: list[Assignment]
    thanks_overdue: list[tuple[InterviewRound, list[str]]]

    def __bool__(self) -> bool:
        return bool(self.reviews_waiting or self.interviews or self.overdue or self.thanks_overdue)


def digest_for(coach: User, now: datetime.datetime, rounds: list[InterviewRound]) -> Digest:
    """What a coach's morning digest says, from the state of things at ``now``."""
    today = _local_today(coach, now)
    assignments = Assignment.objects.for_coach(coach).filter(candidate__archived=False)
    reviews = list(
        assignments.filter(status=Assignment.Status.SUBMITTED)
        .select_related("candidate")
        .order_by("submitted_at", "pk")
    )
    overdue = list(
        assignments.overdue(today, now).select_related("candidate").order_by("due_date", "pk")
    )
    mine = [r for r in rounds if r.opportunity.candidate.coach_id == coach.pk]
    horizon = today + datetime.timedelta(days=DIGEST_INTERVIEW_DAYS)
    interviews = [
        r
        for r in mine
        if r.scheduled_at > now
        and r.outcome == RoundOutcome.PENDING
        and _local_date(coach, r.scheduled_at) <= horizon
    ]
    # As the coach's dashboard and the lead's overview count them.
    thanks = [(f.round, f.waiting) for f in follow_ups(mine, now=now) if f.notes_overdue]
    return Digest(reviews, interviews, overdue, thanks)


def _digest_reminders(now: datetime.datetime, rounds: list[InterviewRound]) -> Iterator[Reminder]:
    coaches = User.objects.filter(role=User.Role.COACH, is_active=True).filter(
        Exists(
            models.NotificationPreference.objects.filter(
                user=OuterRef("pk"),
                kind__in=notifications_selectors.COACH_KINDS,
                enabled=True,
                delivery=models.NotificationDelivery.DIGEST,
            )
        )
    )
    for coach in coaches:
        local = now.astimezone(notifications_selectors.zone_of(coach)).time()
        if not notifications_selectors.QUIET_UNTIL <= local < DIGEST_LATEST:
            continue
        if not notifications_selectors.digest_wanted(coach):
            continue
        digest = digest_for(coach, now, rounds)
        if not digest:
            continue
        day = _local_today(coach, now)
        yield Reminder(
            user=coach,
            kind=Kind.DIGEST,
            object_key="digest",
            occasion=day.isoformat(),
            template="digest",
            url=reverse("coach:dashboard"),
            about=f"digest for {day.isoformat()}",
            context={"digest": digest, "day": day},
        )


# ---------------------------------------------------------------- the sweep


def due(now: datetime.datetime) -> list[Reminder]:
    """Every reminder ``now`` calls for that has not been made yet, leaving out
    recipients in their quiet hours (21:00-08:00 their time)."""
    rounds = list(_live_rounds(now))
    found = [
        *_checklist_reminders(now),
        *_round_reminders(now, rounds),
        *_review_reminders(now),
        *_digest_reminders(now, rounds),
    ]
    found = [r for r in found if not notifications_selectors.is_quiet(r.user, now)]
    if not found:
        return []
    made = set(
        Notification.objects.filter(
            user__in={r.user.pk for r in found}, kind__in={r.kind for r in found}
        )
        .filter(object_key__in={r.object_key for r in found})
        .values_list("user_id", "kind", "object_key", "occasion")
    )
    return [r for r in found if r.key not in made]


def sweep(now: datetime.datetime) -> list[Notification]:
    """Make every reminder due at ``now``; returns the notices made."""
    return make(due(now))


def make(due_reminders: list[Reminder]) -> list[Notification]:
    """Make the reminders, each person's (per coach they are written for) in
    one transaction and one email, so one failure does not hold back the
    rest; one another sweep made meanwhile is skipped by the unique
    constraint."""
    together: dict[tuple[int, str], list[Reminder]] = {}
    for reminder in due_reminders:
        together.setdefault((reminder.user.pk, reminder.reply_to), []).append(reminder)
    made = []
    for group in together.values():
        with transaction.atomic():
            made += notifications_services.notify_together(
                user=group[0].user,
                notices=[reminder.notice for reminder in group],
                reply_to=group[0].reply_to,
            )
    return made
