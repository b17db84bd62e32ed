"""The calendar: a user's private feed (/calendar/<token>.ics) and the .ics of
one round, written with ``icalendar``.

Calendar apps match events by UID, so each row has one UID for good
(``round-<pk>@coachsite``, ``checklist-<pk>@coachsite``), the same in the feed
and in a round's download: a changed round updates the event instead of adding
a second one. A cancelled round or a withdrawn checklist stays in the feed
with STATUS:CANCELLED, so apps that already hold the event drop it.

Times are written in UTC; each app shows them in its own time zone. Two
queries for the rounds (one for their interviewers) and one for the
checklists, whatever the number of rows.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from icalendar import Calendar, Event

from ..lib.links import absolute
from ..models import Assignment, InterviewRound, User

PRODID = "-//Coachsite//Interview calendar//EN"
UID_DOMAIN = "coachsite"

#: Just-passed events stay in the feed this long, so they do not vanish from
#: calendars the moment they are over.
PAST_WINDOW = datetime.timedelta(days=30)
#: At most this many rounds and this many checklists in a feed, soonest first.
FEED_LIMIT = 200
#: A round whose length is unknown is shown as one hour long.
DEFAULT_DURATION = datetime.timedelta(hours=1)
#: How often calendar apps should fetch the feed again (a hint; most decide themselves).
REFRESH_INTERVAL = datetime.timedelta(hours=1)

# SEQUENCE must grow with every change and fit a 32-bit integer: seconds since
# 2020 do both until 2088.
_SEQUENCE_EPOCH = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
_LINK = re.compile(r"https?://\S+")

# The URL namespace of each side.
COACH, CANDIDATE = "coach", "me"


def round_uid(round: InterviewRound) -> str:
    return f"round-{round.pk}@{UID_DOMAIN}"


def checklist_uid(assignment: Assignment) -> str:
    return f"checklist-{assignment.pk}@{UID_DOMAIN}"


# ---------------------------------------------------------------- what a feed lists


def feed_rounds(user: User, *, now: datetime.datetime) -> QuerySet[InterviewRound]:
    """The user's scheduled rounds from PAST_WINDOW ago on: a candidate's own, a
    coach's active candidates'. Interviewers are prefetched."""
    if user.is_coach:
        rounds = InterviewRound.objects.for_coach(user).filter(
            opportunity__candidate__archived=False
        )
    else:
        rounds = InterviewRound.objects.for_candidate_user(user)
    return (
        rounds.filter(scheduled_at__gte=now - PAST_WINDOW)
        .select_related("opportunity__candidate")
        .with_kind_count()
        .prefetch_related("interviewers")
        .order_by("scheduled_at", "pk")[:FEED_LIMIT]
    )


def feed_checklists(user: User, *, now: datetime.datetime) -> QuerySet[Assignment]:
    """Checklists with a due date from PAST_WINDOW ago on: a candidate's own, a
    coach's active candidates'. Withdrawn ones are included, to be cancelled."""
    if user.is_coach:
        assignments = Assignment.objects.for_coach(user).filter(candidate__archived=False)
    else:
        # Not for_candidate_user(): that hides withdrawn checklists, and the
        # feed must say they are cancelled.
        assignments = Assignment.objects.filter(candidate__user=user)
    return (
        assignments.filter(due_date__gte=(now - PAST_WINDOW).date())
        .select_related("candidate", "round__opportunity")
        .order_by("due_date", "pk")[:FEED_LIMIT]
    )


# ---------------------------------------------------------------- building


def _calendar(name: str) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", f"Coachsite — {name}")
    return cal


def _stamp(event: Event, modified: datetime.datetime) -> None:
    """DTSTAMP, LAST-MODIFIED and SEQUENCE from when the row last changed, so
    fetching twice gives the same event and a change is seen as newer."""
    modified = modified.astimezone(datetime.UTC).replace(microsecond=0)
    event.add("dtstamp", modified)
    event.add("last-modified", modified)
    event.add("sequence", max(0, int((modified - _SEQUENCE_EPOCH).total_seconds())))


def round_event(round: InterviewRound, side: str) -> Event:
    """One scheduled round as a VEVENT. ``side`` is COACH or CANDIDATE: the
    summary names the candidate for a coach, and the links go to that side's
    pages. Reads ``round.interviewers.all()`` (prefetch it for a list)."""
    opportunity = round.opportunity
    interviewers = list(round.interviewers.all())
    summary = f"{round.kind_name} at {opportunity.company}"
    if side == COACH:
        summary = f"{opportunity.candidate.full_name} — {summary}"
    brief_url = absolute(reverse(f"{side}:round_brief", args=[round.pk]))
    link = _LINK.search(round.location)
    video_url = link.group(0).rstrip(".,;:!?)]>'\"") if link else None

    lines = [f"{opportunity.position} at {opportunity.company}"]
    if side == COACH:
        lines.append(f"Candidate: {opportunity.candidate.full_name}")
    if round.location:
        lines.append(f"Where: {round.location}")
    if interviewers:
        lines.append("Interviewers:")
        lines.extend(f"- {interviewer}" for interviewer in interviewers)
    lines.append(f"Interview brief: {brief_url}")

    start = round.scheduled_at.astimezone(datetime.UTC)
    duration = (
        datetime.timedelta(minutes=round.duration_minutes)
        if round.duration_minutes
        else DEFAULT_DURATION
    )
    modified = max(
        [round.updated_at, opportunity.updated_at, *(i.created_at for i in interviewers)]
    )

    event = Event()
    event.add("uid", round_uid(round))
    _stamp(event, modified)
    event.add("dtstart", start)
    event.add("dtend", start + duration)
    event.add("summary", summary)
    event.add("description", "\n".join(lines))
    if round.location:
        event.add("location", round.location)
    # A video link is what the user needs at the time; otherwise the brief.
    event.add("url", video_url or brief_url)
    event.add("status", "CANCELLED" if round.is_cancelled else "CONFIRMED")
    return event


def checklist_event(assignment: Assignment, side: str) -> Event:
    """A checklist's due date as an all-day VEVENT that does not block time."""
    title = assignment.title
    if side == COACH:
        title = f"{assignment.candidate.full_name} — {title}"
    withdrawn = assignment.status == Assignment.Status.WITHDRAWN
    approved = assignment.status == Assignment.Status.APPROVED
    summary = f"Due: {title}" + (" (approved)" if approved else "")

    lines = [f"Checklist status: {assignment.get_status_display()}"]
    if assignment.round_id is not None:
        lines.append(f"For the interview at {assignment.round.opportunity.company}")
    url = None
    # A candidate cannot open a withdrawn checklist: no link to a 404.
    if side == COACH:
        url = absolute(reverse("coach:assignment_detail", args=[assignment.pk]))
    elif not withdrawn:
        url = absolute(reverse("me:checklist", args=[assignment.pk]))
    if url:
        lines.append(url)

    event = Event()
    event.add("uid", checklist_uid(assignment))
    _stamp(event, assignment.updated_at)
    event.add("dtstart", assignment.due_date)
    event.add("dtend", assignment.due_date + datetime.timedelta(days=1))
    event.add("summary", summary)
    event.add("description", "\n".join(lines))
    if url:
        event.add("url", url)
    event.add("transp", "TRANSPARENT")
    event.add("status", "CANCELLED" if withdrawn else "CONFIRMED")
    return event


def build_feed(
    user: User, rounds: Iterable[InterviewRound], checklists: Iterable[Assignment]
) -> Calendar:
    side = COACH if user.is_coach else CANDIDATE
    cal = _calendar(user.get_full_name())
    cal.add("refresh-interval", REFRESH_INTERVAL, parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "PT1H")  # Outlook's older name for the same hint
    for round in rounds:
        cal.add_component(round_event(round, side))
    for assignment in checklists:
        cal.add_component(checklist_event(assignment, side))
    return cal


def feed_for(user: User, *, now: datetime.datetime) -> bytes:
    """The user's private feed: their upcoming (and just-passed) interviews and
    checklist due dates; a coach's covers their active candidates."""
    return build_feed(user, feed_rounds(user, now=now), feed_checklists(user, now=now)).to_ical()


def round_calendar(round: InterviewRound, side: str) -> bytes:
    """One scheduled round as a calendar file, with the feed's UID for it."""
    if round.scheduled_at is None:
        raise ValueError("A round without a time has no place in a calendar.")
    cal = _calendar(round.opportunity.company)
    cal.add_component(round_event(round, side))
    return cal.to_ical()


def round_filename(round: InterviewRound) -> str:
    """As "interview-fabrikam-2026-12-01.ics" (the date in the active time zone)."""
    parts = ["interview", slugify(round.opportunity.company) or "round"]
    if round.scheduled_at is not None:
        parts.append(timezone.localdate(round.scheduled_at).isoformat())
    return "-".join(parts) + ".ics"
