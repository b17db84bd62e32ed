"""Where a round stands on the clock, in words: "Interview in 2 days", "Thank-you
notes due in 19 h", "Waiting for the outcome". One reading for the coach's and
the candidate's round pages, the home page and (later) the reminders.
"""

from __future__ import annotations

import datetime
import enum
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..models import InterviewRound, ThankYouNote


class Phase(enum.Enum):
    UNSCHEDULED = "unscheduled"
    BEFORE = "before"
    UNDER_WAY = "under_way"
    AFTER = "after"


def span(delta: datetime.timedelta) -> str:
    """A short, rounded-down length of time: "2 days", "1 day", "19 h", "40 min"."""
    seconds = max(0, int(delta.total_seconds()))
    if seconds >= 86400:
        days = seconds // 86400
        return f"{days} day{'s' if days != 1 else ''}"
    if seconds >= 3600:
        return f"{seconds // 3600} h"
    return f"{max(1, seconds // 60)} min"


def due_text(due_at: datetime.datetime, now: datetime.datetime) -> str:
    """How a deadline stands at ``now``: "due in 5 h", or "overdue by 3 h" from
    the deadline on."""
    if now >= due_at:
        return f"overdue by {span(now - due_at)}"
    return f"due in {span(due_at - now)}"


@dataclass(frozen=True)
class Timeline:
    phase: Phase
    #: What the page says first: "Interview in 2 days", "Interview under way", …
    headline: str
    #: What comes next, or "" when nothing is waiting.
    next_step: str
    #: Thank-you notes: "due in 5 h", "overdue by 3 h", or "" when none are waiting.
    thank_you_due: str
    thank_you_overdue: bool

    @property
    def has_started(self) -> bool:
        return self.phase in (Phase.UNDER_WAY, Phase.AFTER)


def round_timeline(
    round: InterviewRound,
    *,
    notes: Sequence[ThankYouNote],
    interviewers_to_thank: int,
    now: datetime.datetime,
) -> Timeline:
    """``notes``: the round's thank-you notes; ``interviewers_to_thank``: how many
    interviewers with an email have no note yet."""
    start = round.scheduled_at
    if start is None:
        return Timeline(Phase.UNSCHEDULED, "Date not set yet", "", "", False)
    if now < start:
        return Timeline(Phase.BEFORE, f"Interview in {span(start - now)}", "Prepare", "", False)
    waiting = interviewers_to_thank + sum(1 for note in notes if not note.is_sent)
    due_at = round.thank_you_due_at
    due, overdue = "", False
    if waiting:
        overdue = now >= due_at
        due = due_text(due_at, now)
    if now < round.ends_at:
        return Timeline(
            Phase.UNDER_WAY,
            "Interview under way",
            "Afterwards: your debrief and the thank-you notes",
            due,
            overdue,
        )
    if waiting:
        next_step = f"Thank-you notes {due}"
    elif not round.is_debriefed:
        next_step = "Write your debrief"
    elif round.outcome == round.Outcome.PENDING:
        next_step = "Waiting for the outcome"
    else:
        next_step = f"Outcome: {round.get_outcome_display()}"
    return Timeline(Phase.AFTER, "The interview has taken place", next_step, due, overdue)
