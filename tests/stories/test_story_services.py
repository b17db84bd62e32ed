"""The story bank's services: writing, the version check, revisions,
archiving, copying between coaches, the conversation, the "strong" mark and
a coach's own tags."""

import pytest
from django.db import IntegrityError, transaction

from interviews.models import Story, StoryComment, StoryRevision, StoryTag
from interviews.services import NotAllowed, StoryConflict, WrongState
from interviews.services import stories as stories_services

from ..conftest import make_joined_candidate
from .conftest import VALUES, make_story, tag

pytestmark = pytest.mark.django_db


def test_the_ten_builtin_competencies_are_installed_with_stable_slugs():
    assert list(StoryTag.objects.builtin().values_list("slug", flat=True)) == [
        "leadership",
        "ownership",
        "conflict",
        "failure-and-recovery",
        "teamwork",
        "influence",
        "customer-focus",
        "analysis-and-data",
        "delivery-under-pressure",
        "learning-fast",
    ]


def test_creating_a_story_keeps_it_as_version_one(candidate):
    story = make_story(candidate, tags=("leadership", "teamwork"))

    story.refresh_from_db()
    assert story.content() == VALUES
    assert story.version == 1
    assert {t.slug for t in story.tags.all()} == {"leadership", "teamwork"}
    (revision,) = story.revisions.all()
    assert revision.story_version == 1
    assert revision.author == candidate.user
    assert revision.content() == VALUES
    assert revision.tag_names == ["Leadership", "Teamwork"]


def test_only_the_candidate_writes_in_their_bank(candidate, coach, other_candidate):
    for someone in (coach, other_candidate.user):
        with pytest.raises(NotAllowed):
            stories_services.story_create(candidate=candidate, by=someone, values=VALUES)
    assert not Story.objects.exists()


def test_a_title_is_required_and_spaces_are_not_one(candidate):
    with pytest.raises(WrongState):
        make_story(candidate, title="   ")
    assert not Story.objects.exists()


def test_another_coachs_own_tag_cannot_be_put_on_a_story(candidate, other_coach):
    foreign = stories_services.story_tag_create(coach=other_coach, name="Grit")
    with pytest.raises(NotAllowed):
        stories_services.story_create(
            candidate=candidate, by=candidate.user, values=VALUES, tags=[foreign]
        )
    assert not Story.objects.exists()


def test_an_edit_writes_a_revision_and_moves_the_version(story, candidate):
    stories_services.story_update(
        story=story,
        by=candidate.user,
        version=1,
        values={**VALUES, "action": "I led the pilot."},
        tags=[tag("leadership")],
    )

    story.refresh_from_db()
    assert story.version == 2
    assert story.action == "I led the pilot."
    assert [t.slug for t in story.tags.all()] == ["leadership"]
    latest = story.revisions.get(story_version=2)
    assert latest.action == "I led the pilot."
    assert latest.tag_names == ["Leadership"]
    # The first version is still there as it was.
    assert story.revisions.get(story_version=1).action == VALUES["action"]


def test_an_edit_that_changes_nothing_writes_nothing(story, candidate):
    stories_services.story_update(
        story=story, by=candidate.user, version=1, values=VALUES, tags=[tag("analysis-and-data")]
    )
    story.refresh_from_db()
    assert story.version == 1
    assert story.revisions.count() == 1


def test_an_edit_from_an_older_version_is_refused_whole(story, candidate):
    stories_services.story_update(
        story=story, by=candidate.user, version=1, values={**VALUES, "task": "Tab one."}
    )
    with pytest.raises(StoryConflict) as refused:
        stories_services.story_update(
            story=story, by=candidate.user, version=1, values={**VALUES, "task": "Tab two."}
        )

    assert refused.value.stored.task == "Tab one."
    story.refresh_from_db()
    assert story.task == "Tab one."
    assert story.version == 2
    assert story.revisions.count() == 2


def test_the_coach_cannot_edit_the_story(story, coach):
    with pytest.raises(NotAllowed):
        stories_services.story_update(
            story=story, by=coach, version=1, values={**VALUES, "title": "Coach's"}
        )
    story.refresh_from_db()
    assert story.title == VALUES["title"]


def test_archiving_hides_nothing_deleted_and_restoring_brings_it_back(story, candidate):
    stories_services.story_archive(story=story, by=candidate.user)
    assert not Story.objects.live().exists()
    assert Story.objects.archived().get() == story
    with pytest.raises(WrongState):
        stories_services.story_archive(story=story, by=candidate.user)
    with pytest.raises(WrongState):
        stories_services.story_update(story=story, by=candidate.user, version=1, values=VALUES)

    stories_services.story_unarchive(story=story, by=candidate.user)
    assert Story.objects.live().get() == story


@pytest.fixture
def second_record(candidate, other_coach):
    """The same person, also the client of ``other_coach``."""
    return make_joined_candidate(other_coach, candidate.user)


def test_copying_to_the_other_coachs_bank_keeps_builtins_and_drops_own_tags(
    candidate, coach, second_record
):
    own = stories_services.story_tag_create(coach=coach, name="Stakeholder management")
    story = make_story(candidate, tags=("leadership",))
    story.tags.add(own)
    stories_services.story_comment_add(story=story, by=coach, body="Strong one.")
    stories_services.story_mark_strong(story=story, by=coach)

    result = stories_services.story_copy(story=story, to=second_record, by=candidate.user)

    copy = result.story
    assert copy.candidate == second_record
    assert copy.pk != story.pk
    assert copy.content() == story.content()
    assert [t.slug for t in copy.tags.all()] == ["leadership"]
    assert result.dropped_tags == ["Stakeholder management"]
    # The conversation and the mark stay with the first coach.
    assert not copy.comments.exists()
    assert copy.strong_at is None
    assert copy.revisions.get().story_version == 1
    # The original is untouched.
    assert story.tags.count() == 2


def test_a_story_cannot_be_copied_into_someone_elses_record(story, candidate, other_candidate):
    with pytest.raises(NotAllowed):
        stories_services.story_copy(story=story, to=other_candidate, by=candidate.user)
    with pytest.raises(WrongState):
        stories_services.story_copy(story=story, to=candidate, by=candidate.user)
    assert Story.objects.count() == 1


def test_the_coach_and_the_candidate_comment_nobody_else(story, coach, candidate, other_coach):
    stories_services.story_comment_add(story=story, by=coach, body="  Lead with the number. ")
    stories_services.story_comment_add(story=story, by=candidate.user, body="Will do.")
    with pytest.raises(NotAllowed):
        stories_services.story_comment_add(story=story, by=other_coach, body="Hi")
    with pytest.raises(WrongState):
        stories_services.story_comment_add(story=story, by=coach, body="   ")

    assert [(c.author, c.body) for c in story.comments.all()] == [
        (coach, "Lead with the number."),
        (candidate.user, "Will do."),
    ]


def test_only_the_coach_marks_a_story_strong_and_takes_it_back(story, coach, candidate):
    with pytest.raises(NotAllowed):
        stories_services.story_mark_strong(story=story, by=candidate.user)

    stories_services.story_mark_strong(story=story, by=coach)
    story.refresh_from_db()
    assert story.is_strong and story.strong_by == coach
    with pytest.raises(WrongState):
        stories_services.story_mark_strong(story=story, by=coach)

    stories_services.story_mark_strong(story=story, by=coach, strong=False)
    story.refresh_from_db()
    assert story.strong_at is None and story.strong_by is None


def test_a_colleague_cannot_mark_a_strong_story(story, practice, colleague):
    with pytest.raises(NotAllowed):
        stories_services.story_mark_strong(story=story, by=colleague)


def test_a_coachs_own_tag_must_not_repeat_a_builtin_or_their_own(coach, other_coach):
    tag_ = stories_services.story_tag_create(coach=coach, name="  Stakeholder   management ")
    assert (tag_.owner, tag_.name, tag_.slug) == (
        coach,
        "Stakeholder management",
        "stakeholder-management",
    )
    for name in ("Leadership", "stakeholder MANAGEMENT", "!!!"):
        with pytest.raises(WrongState):
            stories_services.story_tag_create(coach=coach, name=name)
    # Another coach may have a tag of the same name.
    stories_services.story_tag_create(coach=other_coach, name="Stakeholder management")
    assert StoryTag.objects.filter(slug="stakeholder-management").count() == 2


def test_a_candidate_cannot_make_tags(candidate):
    with pytest.raises(NotAllowed):
        stories_services.story_tag_create(coach=candidate.user, name="Mine")


# ---------------------------------------------------------------- constraints


def test_the_database_refuses_an_empty_title(candidate):
    with pytest.raises(IntegrityError), transaction.atomic():
        Story.objects.create(candidate=candidate, title="")


def test_the_database_refuses_a_strong_mark_without_its_time(candidate, coach):
    with pytest.raises(IntegrityError), transaction.atomic():
        Story.objects.create(candidate=candidate, title="T", strong_by=coach)


def test_the_database_refuses_a_second_revision_with_the_same_version(story, candidate):
    with pytest.raises(IntegrityError), transaction.atomic():
        StoryRevision.objects.create(
            story=story, author=candidate.user, story_version=1, title="Again"
        )


def test_the_database_refuses_a_builtin_slug_twice():
    with pytest.raises(IntegrityError), transaction.atomic():
        StoryTag.objects.create(owner=None, slug="leadership", name="Leadership again")


def test_the_database_refuses_a_coachs_slug_twice(coach):
    StoryTag.objects.create(owner=coach, slug="grit", name="Grit")
    with pytest.raises(IntegrityError), transaction.atomic():
        StoryTag.objects.create(owner=coach, slug="grit", name="Grit!")


def test_the_database_refuses_an_empty_comment(story, coach):
    with pytest.raises(IntegrityError), transaction.atomic():
        StoryComment.objects.create(story=story, author=coach, body="")
