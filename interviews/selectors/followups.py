"""After the interview, read as plain values: who still waits for a thank-you,
for the lists and overviews that show or count it (the coach's dashboard, the
lead's overview) without loading the notes and interviewers as models.

The rule stays ``selectors.rounds.thanks_waiting``; this only feeds it rows.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import NamedTuple

from ..models import Interviewer, ThankYouNote
from .rounds import thanks_waiting


class _Interviewer(NamedTuple):
    """An interviewer as ``thanks_waiting`` reads one."""

    pk: int
    name: str
    email: str


class _Note(NamedTuple):
    """A thank-you note as ``thanks_waiting`` reads one."""

    interviewer_id: int | None
    is_sent: bool
    recipient: str


def thanks_waiting_by_round(round_ids: Collection[int]) -> dict[int, list[str]]:
    """``thanks_waiting`` of each of these rounds, from plain values of their
    interviewers and notes, in the order their models list them: two queries
    (none for no rounds)."""
    if not round_ids:
        return {}
    interviewers: dict[int, list[_Interviewer]] = {pk: [] for pk in round_ids}
    notes: dict[int, list[_Note]] = {pk: [] for pk in round_ids}
    for round_id, *values in Interviewer.objects.filter(round_id__in=round_ids).values_list(
        "round_id", "pk", "name", "email"
    ):
        interviewers[round_id].append(_Interviewer(*values))
    for round_id, interviewer_id, sent_at, name, to_name, to in ThankYouNote.objects.filter(
        round_id__in=round_ids
    ).values_list("round_id", "interviewer_id", "sent_at", "interviewer__name", "to_name", "to"):
        recipient = ThankYouNote.recipient_of(name, to_name, to)
        notes[round_id].append(_Note(interviewer_id, sent_at is not None, recipient))
    return {pk: thanks_waiting(interviewers[pk], notes[pk]) for pk in round_ids}
