"""Readiness: the share of a checklist's (or a round's) required items complete.

One value type for every page; the ``readiness_meter`` filter
(interviews/templatetags/meters.py) draws it.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..models import AssignmentItem

#: How close to an interview a low readiness becomes a warning on the dashboard.
WARNING_WINDOW = datetime.timedelta(hours=48)


def readiness_percent(done: int, total: int) -> int:
    """Share of required items complete, 0-100 (rounded down). Nothing required
    counts as fully ready."""
    if not total:
        return 100
    return min(100, max(0, done * 100 // total))


@dataclass(frozen=True)
class Readiness:
    """Required items complete out of required items, for one checklist or a round."""

    done: int
    total: int

    @classmethod
    def of_items(cls, items: Iterable[AssignmentItem]) -> Readiness:
        required = [item for item in items if item.required]
        return cls(sum(1 for item in required if item.is_complete), len(required))

    @property
    def percent(self) -> int:
        return readiness_percent(self.done, self.total)

    @property
    def is_complete(self) -> bool:
        return self.done >= self.total

    @property
    def is_low(self) -> bool:
        """Under half of the required items complete."""
        return self.done * 2 < self.total

    def at_risk(self, scheduled_at: datetime.datetime | None, now: datetime.datetime) -> bool:
        """Under half ready and the interview is less than 48 hours away."""
        if scheduled_at is None or not self.is_low:
            return False
        return now <= scheduled_at <= now + WARNING_WINDOW


class ReadinessAnnotated:
    """For models whose querysets annotate ``required_done`` / ``required_total``."""

    @property
    def readiness(self) -> Readiness:
        try:
            return Readiness(self.required_done or 0, self.required_total or 0)
        except AttributeError:
            raise AttributeError(
                f"{type(self).__name__}.readiness needs the queryset's readiness "
                "annotations (with_readiness() / selectors.rounds.rounds_with_readiness())."
            ) from None
