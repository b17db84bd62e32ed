"""The debrief's story suggestions (selectors.stories.stories_for_question):
which stories of the bank fit a question really asked in an interview."""

import pytest
from django.utils import timezone

from interviews.models import BUILTIN_TAGS
from interviews.selectors import story_suggestions as suggestions_selectors
from interviews.selectors.story_suggestions import (
    SUGGESTIONS_PER_QUESTION,
    TAG_KEYWORDS,
    content_words,
    signalled_tags,
    stories_for_question,
)
from interviews.services import stories as stories_services

from .conftest import make_story

pytestmark = pytest.mark.django_db

# Parts that share no content word with the questions below, so that only
# what a test sets decides the match.
BLAND = {
    "title": "Quarter end",
    "situation": "It was busy.",
    "task": "Get it done.",
    "action": "I did it.",
    "result": "It was done.",
    "learned": "",
    "measurable_result": "",
}


def bland(candidate, *, tags=(), **values):
    return make_story(candidate, tags=tags, **{**BLAND, **values})


def titles(stories):
    return [story.title for story in stories]


def loaded(candidate):
    return suggestions_selectors.debrief_stories(candidate.pk)


def test_every_builtin_tag_has_keywords():
    assert set(TAG_KEYWORDS) == {slug for slug, _ in BUILTIN_TAGS}
    assert all(TAG_KEYWORDS.values())


@pytest.mark.parametrize(
    ("question", "slug"),
    [
        ("Tell me about a time you disagreed with your manager.", "conflict"),
        ("How do you deal with pushback from a difficult colleague?", "conflict"),
        ("Describe a mistake you made and what you did next.", "failure-and-recovery"),
        ("Tell me about a project that went wrong.", "failure-and-recovery"),
        ("When have you led a team through a change?", "leadership"),
        ("How did you convince a stakeholder?", "influence"),
        ("Walk me through a dashboard you built.", "analysis-and-data"),
        ("How do you work under a tight deadline?", "delivery-under-pressure"),
    ],
)
def test_a_question_signals_its_competency_by_keyword_and_prefix(question, slug):
    assert slug in signalled_tags(question)


def test_a_short_keyword_matches_only_the_whole_word():
    # "led" is leadership; "ledger" is not.
    assert "leadership" in signalled_tags("Who led it?")
    assert "leadership" not in signalled_tags("Walk me through the ledger.")


def test_a_phrase_keyword_needs_its_words_in_a_row():
    assert "failure-and-recovery" in signalled_tags("What went wrong?")
    assert "failure-and-recovery" not in signalled_tags("It went well, nothing was wrong.")


def test_it_matches_a_story_by_tag_keyword(candidate):
    conflict = bland(candidate, title="Metric argument", tags=("conflict",))
    bland(candidate, title="Unrelated", tags=("learning-fast",))
    found = stories_for_question(
        "Tell me about a time you disagreed with someone.", loaded(candidate)
    )
    assert found == [conflict]


def test_it_matches_a_story_by_a_shared_word(candidate):
    churn = bland(candidate, title="Churn", action="I built a churn forecast for renewals.")
    bland(candidate, title="Other")
    found = stories_for_question("How would you reduce renewal churn?", loaded(candidate))
    assert found == [churn]


def test_a_shared_word_is_found_in_any_part_and_without_its_ending(candidate):
    story = bland(candidate, measurable_result="three dashboards shipped")
    assert stories_for_question("Which dashboard are you proudest of?", loaded(candidate)) == [
        story
    ]


def test_it_ignores_stop_words_and_short_words(candidate):
    # "situation", "describe", "example" (stop words) and "it", "did", "busy"
    # (under five letters) are everywhere and say nothing about the topic.
    bland(
        candidate,
        situation="Describe the situation: an example of a busy week.",
        action="I did it all and the team was busy.",
    )
    assert (
        stories_for_question(
            "Describe a situation, with an example: did it get busy?", loaded(candidate)
        )
        == []
    )
    assert "situation" not in content_words("Describe a situation")
    assert content_words("a big busy week") == set()


def test_it_never_suggests_an_archived_story(candidate):
    story = bland(candidate, tags=("conflict",))
    story.archived_at = timezone.now()
    story.save()
    assert stories_for_question("A time you disagreed?", [story]) == []


def test_it_suggests_at_most_three_best_first(candidate):
    # One word shared; a tag and a word; a tag alone; a tag and two words.
    one_word = bland(candidate, title="Pricing")
    tag_and_word = bland(candidate, title="Pricing fight", tags=("conflict",))
    tag_only = bland(candidate, title="Fight", tags=("conflict",))
    best = bland(
        candidate,
        title="Pricing fight",
        action="A pricing review.",
        tags=("conflict",),
        result="Pricing and discount policy.",
    )
    found = stories_for_question(
        "Tell me about a disagreement over pricing and discount rules.", loaded(candidate)
    )
    assert len(found) == SUGGESTIONS_PER_QUESTION
    assert found == [best, tag_and_word, tag_only]
    assert one_word not in found


def test_a_strong_story_comes_first_among_equals(candidate, coach):
    first = bland(candidate, title="First", tags=("conflict",))
    second = bland(candidate, title="Second", tags=("conflict",))
    stories_services.story_mark_strong(story=second, by=coach)
    second.refresh_from_db()
    assert titles(stories_for_question("A disagreement?", [first, second])) == ["Second", "First"]


def test_nothing_fits_nothing_is_suggested(candidate):
    bland(candidate, title="Churn model", tags=("analysis-and-data",))
    assert stories_for_question("Why do you want to join us?", loaded(candidate)) == []
    assert stories_for_question("Tell me about a disagreement.", []) == []


def test_it_runs_no_query_of_its_own(candidate, django_assert_num_queries):
    for i in range(3):
        bland(candidate, title=f"Story {i}", tags=("conflict", "teamwork"))
    with django_assert_num_queries(2):
        stories = loaded(candidate)
    with django_assert_num_queries(0):
        assert len(stories_for_question("A disagreement in your team?", stories)) == 3
