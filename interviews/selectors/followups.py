"""After the interview, read as plain values: who still waits for a thank-you,
for the lists and overviews that show or count it (the coach's dashboard, the
lead's overview) without loading the notes and interviewers as models.

The rule stays ``selectors.rounds.thanks_waiting``; this only feeds it rows.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import NamedTuple

from django.db.models import Q

from ..models import InterviewRound, ThankYouNote
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
    interviewers and notes, in the order their models list them: one query
    (none for no rounds).

    The query reads a round's interviewers and notes side by side (each
    interviewer once per note: a round has a handful of each), which costs
    less than a query for each; rounds with neither are left out of it."""
    if not round_ids:
        return {}
    interviewers: dict[int, dict[int, _Interviewer]] = {pk: {} for pk in round_ids}
    notes: dict[int, dict[int, _Note]] = {pk: {} for pk in round_ids}
    i, n = "interviewers__", "thank_you_notes__"
    rows = (
        InterviewRound.objects.filter(
            Q(**{f"{i}isnull": False}) | Q(**{f"{n}isnull": False}), pk__in=round_ids
        )
        # Each round's interviewers in their order, and within each of them
        # the notes in theirs (models.Interviewer/ThankYouNote.Meta.ordering).
        .order_by(f"{i}created_at", f"{i}id", f"{n}created_at", f"{n}id")
        .values_list(
            "pk",
            f"{i}id",
            f"{i}name",
            f"{i}email",
            f"{n}id",
            f"{n}interviewer_id",
            f"{n}sent_at",
            f"{n}interviewer__name",
            f"{n}to_name",
            f"{n}to",
        )
    )
    for round_id, pk, name, email, note_id, to_id, sent_at, to_name_of, to_name, to in rows:
        if pk is not None and pk not in interviewers[round_id]:
            interviewers[round_id][pk] = _Interviewer(pk, name, email)
        if note_id is not None and note_id not in notes[round_id]:
            recipient = ThankYouNote.recipient_of(to_name_of, to_name, to)
            notes[round_id][note_id] = _Note(to_id, sent_at is not None, recipient)
    # A round with neither waits for nobody (most rounds): no call to make.
    return {
        pk: thanks_waiting(interviewers[pk].values(), notes[pk].values())
        if interviewers[pk] or notes[pk]
        else []
        for pk in round_ids
    }
