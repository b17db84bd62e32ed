"""Interview times as people read them: always with the zone they are in.

One place decides how a time is written ("Thu 10 Dec, 16:00 CET"), so a page,
an email, the brief and its PDF all say the same thing. Times are shown in the
active time zone (the viewer's, set by UserTimezoneMiddleware; the
recipient's, set by services.notifications.render) unless a zone is given.
"""

from __future__ import annotations

import datetime
import functools
import zoneinfo

from django.utils import dateformat, timezone

#: How each style writes the day and the time; the zone follows the time.
#: ``short`` adds the year only when it is not the current one.
STYLES = {
    "short": ("D j M", "D j M Y", ", H:i"),  # Thu 10 Dec, 16:00 CET
    "long": ("l j F Y", "l j F Y", ", H:i"),  # Thursday 10 December 2026, 16:00 CET
    "time": ("", "", "H:i"),  # 16:00 CET
}
NOT_SET = "date not set"


def zone_abbreviation(local: datetime.datetime) -> str:
    """The zone's abbreviation at that moment ("CET", "EDT"). Zones whose
    database has no letters for it give a number ("+03", "+0545"): written as
    an offset from UTC ("UTC+3", "UTC+5:45"), which nobody misreads."""
    name = local.tzname() or ""
    if name[:1] not in "+-" or not name[1:].isdigit():
        return name or "UTC"
    sign, digits = name[0], name[1:]
    hours, minutes = digits[:2], digits[2:4]
    offset = str(int(hours)) + (f":{minutes}" if minutes and minutes != "00" else "")
    return f"UTC{sign}{offset}"


def _local(value: datetime.datetime, zone: datetime.tzinfo | None) -> datetime.datetime:
    return timezone.localtime(value, zone or timezone.get_current_timezone())


def _day_and_time(local: datetime.datetime, style: str) -> str:
    this_year, other_year, clock = STYLES.get(style, STYLES["short"])
    day = this_year if local.year == timezone.now().astimezone(local.tzinfo).year else other_year
    return dateformat.format(local, day + clock)


def when(value: datetime.datetime | None, style: str = "short", zone=None) -> str:
    """``value`` in the active zone (or ``zone``), in ``style`` (see STYLES),
    with the zone's abbreviation: "Thu 10 Dec, 16:00 CET"."""
    if value is None:
        return NOT_SET
    local = _local(value, zone)
    return f"{_day_and_time(local, style)} {zone_abbreviation(local)}"


def when_span(
    start: datetime.datetime | None, end: datetime.datetime | None, style: str = "long", zone=None
) -> str:
    """From ``start`` to ``end`` (an en dash between), the zone said once:
    "Tuesday 1 December 2026, 10:00-10:45 EST"; twice only when the clocks
    change in between."""
    if start is None:
        return NOT_SET
    if end is None:
        return when(start, style, zone)
    local_start, local_end = _local(start, zone), _local(end, zone)
    first, last = zone_abbreviation(local_start), zone_abbreviation(local_end)
    begin = _day_and_time(local_start, style)
    finish = dateformat.format(local_end, "H:i")
    if first == last:
        return f"{begin}\N{EN DASH}{finish} {last}"
    return f"{begin} {first}\N{EN DASH}{finish} {last}"


def in_both_zones(
    value: datetime.datetime | None,
    other: zoneinfo.ZoneInfo | None,
    *,
    name: str,
    style: str = "short",
) -> str:
    """``value`` for the viewer (active zone), then for ``name`` in ``other``
    when it reads differently there: "Thu 25 Mar, 10:00 EDT · 15:00 CET for
    Alex". The other side's date is repeated only when it is another day there."""
    mine = when(value, style)
    if value is None or other is None:
        return mine
    here, there = _local(value, None), _local(value, other)
    if (here.replace(tzinfo=None), zone_abbreviation(here)) == (
        there.replace(tzinfo=None),
        zone_abbreviation(there),
    ):
        return mine
    theirs = when(value, "time" if here.date() == there.date() else "short", other)
    return f"{mine} \N{MIDDLE DOT} {theirs} for {name}"


# ---------------------------------------------------------------- a list's times, once per row


def machine_readable(value: datetime.datetime | datetime.date | None) -> str:
    """A valid HTML ``datetime`` attribute: to the second with the offset of the
    active zone (``date:'c'`` writes microseconds, which the HTML checker
    rejects); a plain date as YYYY-MM-DD. The ``datetime_attr`` filter."""
    if not value:
        return ""
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(microsecond=0).isoformat()
    return value.isoformat()


@functools.lru_cache(maxsize=256)
def zone_named(name: str | None) -> zoneinfo.ZoneInfo | None:
    """The zone of that name; None for no name or one the zone database lacks."""
    if not name:
        return None
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


def for_coach_and_candidate(
    value: datetime.datetime | None, zone_name: str | None, full_name: str, style: str = "short"
) -> str:
    """``{% both_zones value candidate %}`` from plain values (a list's row): the
    time for the viewer and, where it reads differently, for the candidate in
    their login's zone (``zone_name``; None before they join)."""
    zone = zone_named(zone_name)
    if zone is None:
        return when(value, style)
    first = (full_name.split() or ["the candidate"])[0]
    return in_both_zones(value, zone, name=first, style=style)
