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
import hashlib
import re
import zlib
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max, Q, QuerySet, Sum, Value
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from icalendar import Calendar, Event

from ..lib.links import absolute
from ..lib.prepared import Prepared
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


def _user_rounds(user: User) -> QuerySet[InterviewRound]:
    """Every round a feed of ``user`` may show: a candidate's own, a coach's
    active candidates'. The feed and its version both start here."""
    if user.is_coach:
        return InterviewRound.objects.for_coach(user).filter(opportunity__candidate__archived=False)
    return InterviewRound.objects.for_candidate_user(user)


def _user_checklists(user: User) -> QuerySet[Assignment]:
    """Every checklist a feed of ``user`` may show (withdrawn ones included)."""
    if user.is_coach:
        return Assignment.objects.for_coach(user).filter(candidate__archived=False)
    # Not for_candidate_user(): that hides withdrawn checklists, and the
    # feed must say they are cancelled.
    return Assignment.objects.filter(candidate__user=user)


def _rounds_from(now: datetime.datetime) -> datetime.datetime:
    return now - PAST_WINDOW


def _checklists_from(now: datetime.datetime) -> datetime.date:
    return (now - PAST_WINDOW).date()


def feed_rounds(user: User, *, now: datetime.datetime) -> QuerySet[InterviewRound]:
    """The user's scheduled rounds from PAST_WINDOW ago on: a candidate's own, a
    coach's active candidates'. Interviewers are prefetched."""
    return (
        _user_rounds(user)
        .filter(scheduled_at__gte=_rounds_from(now))
        .select_related("opportunity__candidate")
        .with_kind_count()
        .prefetch_related("interviewers")
        .order_by("scheduled_at", "pk")[:FEED_LIMIT]
    )


def feed_checklists(user: User, *, now: datetime.datetime) -> QuerySet[Assignment]:
    """Checklists with a due date from PAST_WINDOW ago on: a candidate's own, a
    coach's active candidates'. Withdrawn ones are included, to be cancelled."""
    return (
        _user_checklists(user)
        .filter(due_date__gte=_checklists_from(now))
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
        [round.updated_at, opportunity.updated_at, *(i.updated_at for i in interviewers)]
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


# ---------------------------------------------------------------- the feed's version
#
# Calendar apps fetch the feed again and again, and mostly nothing changed. So
# the view first asks for the feed's *version*: a fingerprint of everything
# the feed's bytes depend on, from the user row the token lookup already read
# and one more query. The same version means the same bytes: a poll that
# sends the version back (If-None-Match) gets 304 Not Modified, and a changed
# feed is built once and kept in the cache under its version.
#
# What the bytes depend on, and how the version sees each:
#
# - The user: name (the calendar's name), role (which side's text and links),
#   time zone (not written today: the feed is in UTC; kept so a future
#   X-WR-TIMEZONE cannot forget it), the token (the address). All on the user
#   row: hashed as they are.
# - Which rows are listed: ``_user_rounds`` / ``_user_checklists`` (whose
#   candidates: a coach's active ones, a candidate's own records), cut at the
#   window (PAST_WINDOW ago) and FEED_LIMIT. Over *all* those rows, not only
#   the window's: the count and the sum of ids (a row added, deleted, archived
#   away, reassigned away or linked to another login), and how many are in the
#   window (a row that time moved out of it: rows only ever leave the window
#   with time, and the next one past FEED_LIMIT can only come in when one leaves).
# - What a row shows, each from a timestamp that every change moves (the
#   services bump ``updated_at`` also where they write with ``.update()``):
#   the round (kind, time, length, place, outcome: round.updated_at); its
#   opportunity (company, position, a closed status that cancels it:
#   opportunity.updated_at); its candidate (the name in a coach's feed, the
#   archive flag, the coach: candidate.updated_at); its interviewers (names and
#   titles: count, ids and interviewer.updated_at); the other rounds of that
#   kind at that company, which number it "(round 2)" (they are in the same
#   rows); a checklist (title, status, due date, round: assignment.updated_at),
#   its candidate's name and its round's company.
# - The code: FEED_FORMAT, and SITE_URL (the links). Bump FEED_FORMAT with any
#   change to what the builder writes, so a shared cache never serves the old
#   shape.
#
# Anything wider is harmless (an edit to a round months ago makes one more
# rebuild); anything narrower would keep a stale feed, so a test per input
# changes it and watches the ETag (tests/rounds/test_calendar_cache.py).

FEED_FORMAT = 1
#: How long a built feed is kept in the cache. A new version makes a new key,
#: so this only bounds how long an unused one takes room.
FEED_CACHE_SECONDS = 24 * 60 * 60


@dataclass(frozen=True)
class FeedVersion:
    """What the view needs to answer a poll: a strong ETag (quoted), the
    newest change among the rows the feed shows (for Last-Modified; None for
    an empty feed), and the key the built bytes are kept under."""

    etag: str
    last_modified: datetime.datetime | None
    cache_key: str


def _fingerprint(
    part: int, rows: QuerySet, *, n_window: Q, extra: str, stamps: tuple[str, ...]
) -> QuerySet:
    """One row of aggregates over ``rows``, numbered ``part``: how many, the sum of their ids, how
    many are in the window, how many ``extra`` rows hang on them (and their ids),
    and the newest of each timestamp in ``stamps``."""
    return (
        rows.order_by()
        .annotate(part=Value(part))
        .values("part")
        .annotate(
            n=Count("pk", distinct=True),
            ids=Sum("pk", distinct=True),
            n_window=Count("pk", filter=n_window, distinct=True),
            n_extra=Count(extra, distinct=True),
            extra_ids=Sum(extra, distinct=True),
            **{f"t{i}": Max(stamp) for i, stamp in enumerate(stamps)},
        )
        .values(
            "part", "n", "ids", "n_window", "n_extra", "extra_ids", *(f"t{i}" for i in range(4))
        )
    )


def _version_query(
    user: User, *, rounds_from: datetime.datetime, checklists_from: datetime.date
) -> QuerySet:
    """Both fingerprints in one statement: UNION ALL, each row told apart by its ``part``."""
    rounds = _fingerprint(
        0,
        _user_rounds(user),
        n_window=Q(scheduled_at__gte=rounds_from),
        extra="interviewers",
        stamps=(
            "updated_at",
            "opportunity__updated_at",
            "opportunity__candidate__updated_at",
            "interviewers__updated_at",
        ),
    )
    checklists = _fingerprint(
        1,
        _user_checklists(user),
        n_window=Q(due_date__gte=checklists_from),
        extra="round",
        stamps=(
            "updated_at",
            "round__opportunity__updated_at",
            "candidate__updated_at",
            "round__updated_at",
        ),
    )
    return rounds.union(checklists, all=True)


# Building that statement in the ORM costs 1.8 ms of CPU, five times running
# it, on a path (the 304) that should cost about the signed-in floor. Its SQL
# is the same for every user of a role but for three values, so it is
# prepared once per role (lib/prepared.py) with stand-ins no row or clock has.
def _version_of_role(role: str) -> Prepared:
    return Prepared(
        InterviewRound,
        _version_query,
        user=User(pk=-7_000_000_001, role=role),
        rounds_from=datetime.datetime(1900, 1, 2, 3, 4, 5, 678901, tzinfo=datetime.UTC),
        checklists_from=datetime.date(1900, 1, 3),
    )


_VERSION = {role: _version_of_role(role) for role in (User.Role.COACH, User.Role.CANDIDATE)}


def _version_rows(user: User, *, now: datetime.datetime) -> list[tuple]:
    """``_version_query``'s two rows for ``user`` at ``now``."""
    role = User.Role.COACH if user.is_coach else User.Role.CANDIDATE
    rows = _VERSION[role](
        user=user, rounds_from=_rounds_from(now), checklists_from=_checklists_from(now)
    )
    return sorted(tuple(row.values()) for row in rows)


def feed_version(user: User, *, now: datetime.datetime) -> FeedVersion:
    """The version of ``user``'s feed at ``now`` (what it covers: the comment
    above). One query, whatever the number of rows."""
    parts = _version_rows(user, now=now)
    newest = max((stamp for part in parts for stamp in part[6:] if stamp is not None), default=None)
    material = repr(
        (
            FEED_FORMAT,
            settings.SITE_URL,
            user.pk,
            user.calendar_token,
            user.role,
            user.full_name,
            user.email,
            user.time_zone,
            parts,
        )
    )
    digest = hashlib.sha256(material.encode()).hexdigest()[:40]
    return FeedVersion(
        etag=f'"{digest}"',
        last_modified=newest,
        # The user's id in the key too: no feed is ever served to another user.
        cache_key=f"calendar-feed:{user.pk}:{digest}",
    )


def feed_for_version(user: User, version: FeedVersion, *, now: datetime.datetime) -> bytes:
    """The feed's bytes at ``version``: from the cache when this version was
    built before (in this process, with the default local-memory cache), else
    built now and kept. The bytes are built after the version was read, so
    they are never older than it; a change in between is caught by the next
    poll's version. Kept compressed (zlib, fast level): a coach's 150 KB feed
    takes about a tenth of that in the cache, for a fraction of a millisecond."""
    packed = cache.get(version.cache_key)
    if packed is not None:
        return zlib.decompress(packed)
    body = feed_for(user, now=now)
    cache.set(version.cache_key, zlib.compress(body, 1), FEED_CACHE_SECONDS)
    return body


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
