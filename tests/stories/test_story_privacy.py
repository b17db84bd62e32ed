"""Stories in the data download, and gone with an erasure."""

import json

import pytest
from django.urls import reverse

from interviews.models import Story, StoryComment, StoryRevision, StoryTag
from interviews.services import privacy as privacy_services
from interviews.services import stories as stories_services
from tests.export_helpers import exported_json

from ..conftest import make_joined_candidate
from ..factories import PASSWORD
from .conftest import make_story

pytestmark = pytest.mark.django_db


@pytest.fixture
def told(candidate, coach):
    story = make_story(candidate, tags=("leadership",))
    stories_services.story_update(
        story=story,
        by=candidate.user,
        version=1,
        values={"title": "Churn model, shorter", "action": "I ran the pilot."},
    )
    stories_services.story_comment_add(story=story, by=coach, body="Lead with the number.")
    stories_services.story_mark_strong(story=story, by=coach)
    return story


def test_the_download_holds_each_story_with_its_history_and_comments(
    candidate, candidate_client, told
):
    document = json.loads(exported_json(candidate_client.get(reverse("my_data_export"))))

    [story] = document["candidate_records"][0]["stories"]
    assert story["title"] == "Churn model, shorter"
    assert story["action"] == "I ran the pilot."
    assert story["tags"] == []
    assert story["marked_strong_at"] is not None
    assert [r["version"] for r in story["revisions"]] == [1, 2]
    assert story["revisions"][0]["tags"] == ["Leadership"]
    assert story["comments"][0]["body"] == "Lead with the number."


def test_the_coachs_download_of_the_candidate_holds_their_stories(candidate, coach_client, told):
    response = coach_client.get(reverse("coach:candidate_export", args=[candidate.pk]))
    [story] = json.loads(exported_json(response))["candidate_records"][0]["stories"]
    assert story["title"] == "Churn model, shorter"


def test_erasing_the_candidate_deletes_their_stories_and_keeps_the_coachs_tags(
    candidate, coach, told
):
    own = stories_services.story_tag_create(coach=coach, name="Stakeholder management")
    told.tags.add(own)

    privacy_services.candidate_erase(candidate=candidate, by=coach)

    assert not Story.objects.exists()
    assert not StoryRevision.objects.exists()
    assert not StoryComment.objects.exists()
    assert StoryTag.objects.filter(pk=own.pk).exists()
    assert StoryTag.objects.builtin().count() == 10


def test_deleting_the_account_deletes_the_stories_of_every_coach(
    candidate, other_coach, candidate_client, told
):
    second = make_joined_candidate(other_coach, candidate.user)
    stories_services.story_copy(story=told, to=second, by=candidate.user)
    stories_services.story_comment_add(story=told, by=candidate.user, body="Thanks!")

    response = candidate_client.post(reverse("account_delete"), {"password": PASSWORD})

    assert response.status_code == 302
    assert not Story.objects.exists()
    assert not StoryComment.objects.exists()


def test_an_erased_record_has_no_bank_left(candidate, coach, candidate_client, told):
    privacy_services.candidate_erase(candidate=candidate, by=coach)
    page = candidate_client.get(reverse("me:stories"))
    # The login went with its last record: sent to log in.
    assert page.status_code == 302
