"""The candidate's round page after the interview: each question of the
debrief with the stories of the bank that fit it, or a link to write one."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from interviews.models import AskedQuestion, StoryTag
from interviews.services import stories as stories_services

from ..factories import InterviewRoundFactory, OpportunityFactory

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)


@pytest.fixture
def round(candidate):
    return InterviewRoundFactory(
        opportunity=OpportunityFactory(candidate=candidate, company="Northwind"),
        scheduled_at=timezone.now() - 2 * HOUR,
    )


def story(candidate, title, *, tags=(), **values):
    parts = {"situation": "It was busy.", "task": "Fix it.", "action": "I did.", "result": "Done."}
    return stories_services.story_create(
        candidate=candidate,
        by=candidate.user,
        values={"title": title, **parts, **values},
        tags=[StoryTag.objects.get(owner=None, slug=slug) for slug in tags],
    )


def page(client, round) -> str:
    response = client.get(reverse("me:round", args=[round.pk]))
    assert response.status_code == 200
    return response.content.decode()


def question_block(html: str, asked: AskedQuestion) -> str:
    match = re.search(
        rf'id="debrief-story-{asked.pk}">(.*?)</li>\s*(?:<li class="debrief|</ul>\s*</div>)',
        html,
        re.S,
    )
    assert match, f"no suggestions block for {asked.text!r}"
    return match.group(1)


def test_a_question_shows_the_story_that_fits_it_with_a_link(round, candidate, candidate_client):
    fits = story(candidate, "Metric argument with the PM", tags=("conflict",))
    story(candidate, "Learning SQL", tags=("learning-fast",))
    asked = AskedQuestion.objects.create(
        round=round, position=1, text="Tell me about a time you disagreed with a colleague."
    )
    block = question_block(page(candidate_client, round), asked)
    assert f'href="{reverse("me:story", args=[fits.pk])}"' in block
    assert "Metric argument with the PM" in block
    assert "Learning SQL" not in block
    assert "No story for this yet" not in block


def test_a_question_no_story_covers_links_to_write_one(round, candidate, candidate_client):
    story(candidate, "Metric argument", tags=("conflict",))
    asked = AskedQuestion.objects.create(
        round=round, position=1, text="Why do you want to join us?"
    )
    block = question_block(page(candidate_client, round), asked)
    text = re.sub(r"<[^>]+>", "", block)
    assert "No story for this yet: write one" in text
    create = reverse("me:story_create") + f"?record={candidate.pk}"
    assert f'href="{create}"' in block


def test_an_archived_story_is_not_suggested(round, candidate, candidate_client):
    archived = story(candidate, "Old argument", tags=("conflict",))
    stories_services.story_archive(story=archived, by=candidate.user)
    asked = AskedQuestion.objects.create(round=round, position=1, text="A time you disagreed?")
    block = question_block(page(candidate_client, round), asked)
    assert "Old argument" not in block and "No story for this yet" in block


def test_no_suggestions_section_before_the_interview_or_without_questions(
    round, candidate, candidate_client
):
    story(candidate, "Metric argument", tags=("conflict",))
    assert 'id="debrief-stories"' not in page(candidate_client, round)
    AskedQuestion.objects.create(round=round, position=1, text="A time you disagreed?")
    round.scheduled_at = timezone.now() + HOUR
    round.save()
    assert 'id="debrief-stories"' not in page(candidate_client, round)


def test_another_records_stories_are_never_suggested(
    round, candidate, candidate_client, other_candidate
):
    story(other_candidate, "Someone else's argument", tags=("conflict",))
    asked = AskedQuestion.objects.create(round=round, position=1, text="A time you disagreed?")
    block = question_block(page(candidate_client, round), asked)
    assert "Someone else" not in block and "No story for this yet" in block


# The unread-notice count is on the user row (issue 25): one query fewer.
@pytest.mark.parametrize(("stories", "queries"), [(0, 10), (5, 11)])
def test_the_page_runs_a_fixed_number_of_queries_whatever_the_stories(
    round, candidate, candidate_client, stories, queries, django_assert_num_queries
):
    for i in range(stories):
        story(candidate, f"Argument {i}", tags=("conflict", "teamwork"), action=f"I argued {i}.")
    for i in range(5):
        AskedQuestion.objects.create(
            round=round, position=i + 1, text=f"A disagreement in a team? {i}"
        )
    # Session, user, the round; interviewers, notes, checklists; the debrief
    # form's asked questions and prepared answers; the suggestions' asked
    # questions, stories and their tags (not read when there is no story);
    # the unread notices.
    with django_assert_num_queries(queries):
        html = page(candidate_client, round)
    assert html.count('class="suggested-story') == (3 * 5 if stories else 0)
    assert html.count('class="no-story') == (0 if stories else 5)


def test_the_coach_sees_the_same_suggestions_read_only(round, candidate, coach_client):
    fits = story(candidate, "Metric argument", tags=("conflict",))
    AskedQuestion.objects.create(round=round, position=1, text="A time you disagreed?")
    AskedQuestion.objects.create(round=round, position=2, text="What notice period do you have?")
    response = coach_client.get(reverse("coach:round_detail", args=[round.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'href="{reverse("coach:story", args=[fits.pk])}"' in html
    assert "Stories that fit:" in html and "No story for this yet." in html
    # The coach does not write the candidate's stories.
    assert reverse("me:story_create") not in html
