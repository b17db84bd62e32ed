"""Takes made in code: a short WAV (the standard library's ``wave``) kept on
an item or a story, as the candidate."""

from django.core.files.uploadedfile import SimpleUploadedFile

from interviews.services import rehearsal as rehearsal_services
from interviews.services import stories as stories_services

from ..factories import make_assignment
from ..files import samples


def recording(data: bytes | None = None, name: str = "take.wav") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, samples.wav() if data is None else data, "audio/wav")


def written_item(candidate, **kwargs):
    """The first item of a fresh checklist: a written answer ("My answer")."""
    return make_assignment(candidate, **kwargs).items.get(position=1)


def keep(*, item=None, story=None, data=None, for_coach=False, **kwargs):
    candidate = item.assignment.candidate if item is not None else story.candidate
    take = rehearsal_services.take_add(
        item=item, story=story, upload=recording(data), by=candidate.user, **kwargs
    )
    if for_coach:
        take = rehearsal_services.take_mark_for_coach(take=take, by=candidate.user, for_coach=True)
    return take


def story_of(candidate, title="Churn model"):
    return stories_services.story_create(
        candidate=candidate, by=candidate.user, values={"title": title, "action": "I built it."}
    )
