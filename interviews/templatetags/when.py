"""Interview times with their zone, the same on every page and in every email
(lib/when.py writes them). Loaded for every template (settings.TEMPLATES
"builtins").

- ``{{ round.scheduled_at|when }}`` → "Thu 10 Dec, 16:00 CET"; a style as the
  argument: ``|when:"long"`` → "Thursday 10 December 2026, 16:00 CET",
  ``|when:"time"`` → "16:00 CET".
- ``{{ round|when_span:"long" }}`` → "Tuesday 1 December 2026, 10:00-10:45 EST"
  (an en dash).
- ``{% both_zones round.scheduled_at candidate %}`` → on a coach's page, the
  time in the viewer's zone and, where it reads differently, in the
  candidate's: "Thu 25 Mar, 10:00 EDT · 15:00 CET for Alex". Reads
  ``candidate.user``: select it with the candidate.
- ``<time datetime="{{ value|datetime_attr }}">`` → "2026-12-10T16:00:00+01:00":
  the machine-readable form, to the second with the offset (``date:'c'`` writes
  microseconds, which the HTML checker rejects).
- ``{% round_name round candidate %}`` → the round's ``display_name`` with
  the time so (``round.opportunity`` must be loaded too).
"""

from __future__ import annotations

import zoneinfo

from django import template

from ..lib import when as when_lib

register = template.Library()


@register.filter
def when(value, style: str = "short") -> str:
    return when_lib.when(value, style) if value else ""


@register.filter
def datetime_attr(value) -> str:
    """A valid HTML ``datetime`` attribute: seconds precision, with the offset
    of the current time zone; a plain date as YYYY-MM-DD."""
    return when_lib.machine_readable(value)


@register.filter
def when_span(round, style: str = "long") -> str:
    """A round's start and end (``scheduled_at``, ``ends_at``)."""
    if round is None or round.scheduled_at is None:
        return ""
    return when_lib.when_span(round.scheduled_at, round.ends_at, style)


def candidate_zone(candidate) -> zoneinfo.ZoneInfo | None:
    """The zone of a candidate who has joined (their login's); None before."""
    if candidate is None or candidate.user_id is None:
        return None
    return when_lib.zone_named(candidate.user.time_zone)


def first_name(candidate) -> str:
    return (candidate.full_name.split() or ["the candidate"])[0]


@register.simple_tag
def both_zones(value, candidate, style: str = "short") -> str:
    """Escaped by the template engine like any other value."""
    zone = candidate_zone(candidate)
    if zone is None:
        return when_lib.when(value, style)
    return when_lib.in_both_zones(value, zone, name=first_name(candidate), style=style)


@register.simple_tag
def round_name(round, candidate) -> str:
    """``round.display_name`` for a coach's page: the time in both zones
    (``both_zones``), "Second-round interview at Fabrikam, Thu 25 Mar, 10:00
    EDT · 15:00 CET for Alex"."""
    at = both_zones(round.scheduled_at, candidate)
    return f"{round.kind_name} at {round.opportunity.company}, {at}"
