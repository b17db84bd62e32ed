"""The dashboard's five lists run as prepared statements (lib/prepared.py):
each gives the rows its queryset gives, for the coach and the time (the
world of tests/home/conftest.py: a row in every card)."""

import datetime

import pytest
from django.utils import timezone

from interviews.selectors import home

from .conftest import NOW

WEEK = datetime.timedelta(days=home.UPCOMING_DAYS)


@pytest.mark.parametrize(
    ("prepared", "orm", "values"),
    [
        (home._FIRST_REVIEW, home.awaiting_review, lambda coach: {"coach": coach}),
        (home._FIRST_NOTES, home.notes_to_check, lambda coach: {"coach": coach}),
        (home._FIRST_INVITED, home.invited, lambda coach: {"coach": coach}),
        (
            home._FIRST_UPCOMING,
            home._upcoming,
            lambda coach: {"coach": coach, "start": NOW, "end": NOW + WEEK},
        ),
        (
            home._FIRST_OVERDUE,
            home._overdue,
            lambda coach: {"coach": coach, "today": timezone.localdate(NOW), "now": NOW},
        ),
    ],
)
def test_each_list_is_its_querysets_first_rows_with_the_whole_count(
    world, coach, other_coach, prepared, orm, values
):
    rows = prepared(**values(coach))
    expected = list(orm(**values(coach)))
    assert rows, "the world has a row for every card"
    assert [{k: v for k, v in row.items() if k != "whole_list"} for row in rows] == expected[:6]
    assert {row["whole_list"] for row in rows} == {len(expected)}
    # Another coach's values: none of this coach's rows.
    assert prepared(**values(other_coach)) == []


def test_the_interviews_over_are_the_querysets_rounds(world, coach, other_coach):
    values = {"since": NOW - home.InterviewRound.AFTER_INTERVIEW_WINDOW, "now": NOW}
    rounds = home._AFTER_ROUNDS(coach=coach, **values)
    assert rounds == list(home._AFTER_ROUNDS.build(coach=coach, **values))
    assert world["past"] in rounds
    assert [r.same_kind_rounds for r in rounds] == [
        r.same_kind_rounds for r in home._AFTER_ROUNDS.build(coach=coach, **values)
    ]
    assert home._AFTER_ROUNDS(coach=other_coach, **values) == []
