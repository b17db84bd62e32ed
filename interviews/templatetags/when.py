"""Interview times with their zone, the same on every page and in every email
(lib/when.py writes them). Loaded for every template (settings.TEMPLATES
"builtins").

- ``{{ round.scheduled_at|when }}`` → "Thu 10 Dec, 16:00 CET"; a style as the
  argument: ``|when:"long"`` → "Thursday 10 December 2026, 16:00 CET",
  ``|when:"time"`` → "16:00 CET".
- ``{{ round|when_span:"long" }}`` → "Tuesday 1 December 2026, 10:00-10:45 EST"
  (an en dash).
"""

from __future__ import annotations

from django import template

from ..lib import when as when_lib

register = template.Library()


@register.filter
def when(value, style: str = "short") -> str:
    return when_lib.when(value, style) if value else ""


@register.filter
def when_span(round, style: str = "long") -> str:
    """A round's start and end (``scheduled_at``, ``ends_at``)."""
    if round is None or round.scheduled_at is None:
        return ""
    return when_lib.when_span(round.scheduled_at, round.ends_at, style)
