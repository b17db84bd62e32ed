import pytest

from interviews.lib.writing import Finding
from interviews.models import StoryTag
from interviews.services import stories as stories_services

# The writing rules are another branch's (lib/writing.py); here they are a
# fixed answer, so these tests show where findings appear, not what they say.
FINDINGS = [
    Finding(code="we-not-i", message="Say “I” for your part of the action.", field="action"),
    Finding(code="no-number", message="Give the result a number.", field="result"),
]


@pytest.fixture(autouse=True)
def fixed_findings(monkeypatch):
    calls = []

    def story_findings(**parts):
        calls.append(parts)
        return list(FINDINGS)

    monkeypatch.setattr("interviews.lib.writing.story_findings", story_findings)
    return calls


def tag(slug: str) -> StoryTag:
    return StoryTag.objects.get(owner=None, slug=slug)


VALUES = {
    "title": "Churn model",
    "situation": "Renewals dropped.",
    "task": "Find who leaves.",
    "action": "I built a model and ran a pilot.",
    "result": "Churn fell 12 %.",
    "learned": "Lists beat models.",
    "measurable_result": "cut churn 12 %",
}


def make_story(candidate, *, tags=("analysis-and-data",), **values):
    return stories_services.story_create(
        candidate=candidate,
        by=candidate.user,
        values={**VALUES, **values},
        tags=[tag(slug) for slug in tags],
    )


@pytest.fixture
def story(candidate):
    return make_story(candidate)
