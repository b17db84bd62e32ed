"""Statuses in words and colour: one map per kind of status, in one module
(interviews/templatetags/meters.py), covering every choice."""

import pytest
from django.template import Context, Template

from interviews.models import AssignmentStatus, ItemMark, RoundOutcome
from interviews.selectors.rounds import NoteStatus
from interviews.templatetags import meters


@pytest.mark.parametrize(
    ("choices", "colours"),
    [
        (list(AssignmentStatus), meters.STATUS_COLOURS),
        (list(RoundOutcome), meters.OUTCOME_COLOURS),
        (list(NoteStatus), meters.NOTE_STATUS_COLOURS),
        ([ItemMark.OK, ItemMark.NEEDS_WORK], meters.MARK_COLOURS),
    ],
)
def test_every_state_has_a_colour(choices, colours):
    assert set(colours) == set(choices)
    assert all(colour.startswith("text-bg-") for colour in colours.values())


def test_an_unreviewed_item_has_no_mark_colour():
    assert meters.mark_colour(ItemMark.NONE) == ""


@pytest.mark.parametrize("outcome", list(RoundOutcome))
def test_an_outcome_badge_says_the_outcome_in_its_colour(outcome):
    html = Template("{{ outcome|outcome_badge }}").render(Context({"outcome": outcome.value}))
    colour = meters.OUTCOME_COLOURS[outcome]
    assert html == f'<span class="badge outcome-badge {colour}">{outcome.label}</span>'


def test_each_note_state_has_the_coachs_and_the_candidates_words():
    assert [(s.label, s.candidate_label) for s in NoteStatus] == [
        ("Draft", "Draft"),
        ("Waiting for your look", "Your coach has been asked to look"),
        ("You commented", "Coach commented"),
        ("Approved", "Coach: looks good"),
        ("Sent", "Sent"),
    ]
