"""The built-ins (question bank, templates, story tags) come back after every
``flush``: tests that commit empty every table, and the tests after them in the
same worker still find the library the data migrations installed."""

import pytest
from django.core.management import call_command

from interviews.models import ChecklistTemplate, Question, StoryTag
from interviews.models.stories import BUILTIN_TAGS
from interviews.services import builtin_library


@pytest.mark.django_db(transaction=True)
def test_a_flush_leaves_the_built_ins_in_place():
    call_command("flush", verbosity=0, interactive=False)
    assert ChecklistTemplate.objects.filter(builtin_key="second-round-prep").exists()
    assert Question.objects.builtin().exists()
    assert list(StoryTag.objects.filter(owner=None).values_list("slug", flat=True)) == [
        slug for slug, _ in BUILTIN_TAGS
    ]


@pytest.mark.django_db
def test_a_renamed_built_in_tag_takes_its_name_back():
    StoryTag.objects.filter(slug="teamwork", owner=None).update(name="Team work!")
    builtin_library.install_story_tags(StoryTag)
    assert StoryTag.objects.get(slug="teamwork", owner=None).name == "Teamwork"
    assert StoryTag.objects.filter(owner=None).count() == len(BUILTIN_TAGS)
