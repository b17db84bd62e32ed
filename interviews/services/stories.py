"""The story bank: writing, archiving and copying stories, the conversation
about them, the coach's "strong" mark, and a coach's own competency tags.

Only the candidate writes their stories; their coach comments and marks one
strong. Item comments send no notice today (services/checklists.py
``comment_add``), so story comments and marks send none either: both show
on the story's page, and the candidate's list carries the "strong" badge.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from ..models import Candidate, Story, StoryComment, StoryRevision, StoryTag, User
from . import NotAllowed, StoryConflict, WrongState

# ---------------------------------------------------------------- helpers


def _lock(story: Story) -> Story:
    # Only the story row: PostgreSQL refuses FOR UPDATE on the nullable side
    # of the outer join to candidate.user.
    return (
        Story.objects.select_for_update(of=("self",))
        .select_related("candidate__coach", "candidate__user")
        .get(pk=story.pk)
    )


def _lock_for_candidate(story: Story, by: User) -> Story:
    locked = _lock(story)
    if locked.candidate.user_id != by.pk:
        raise NotAllowed("Only the candidate can change their stories.")
    return locked


def _normalise(values: Mapping[str, str]) -> dict:
    """The story's text fields from ``values``: line ends made plain, a part
    holding only spaces stored empty, the one-line fields trimmed."""
    clean = {}
    for name in Story.CONTENT_FIELDS:
        value = (values.get(name) or "").replace("\r\n", "\n")
        if name in ("title", "measurable_result"):
            value = value.strip()
        elif not value.strip():
            value = ""
        clean[name] = value
    if not clean["title"]:
        raise WrongState("Give the story a title.")
    return clean


def _usable_tags(candidate: Candidate, tags: Iterable[StoryTag]) -> list[StoryTag]:
    """``tags``, each a built-in or the record's coach's own — else NotAllowed."""
    tags = list(tags)
    usable = set(
        StoryTag.objects.for_coach(candidate.coach_id)
        .filter(pk__in=[t.pk for t in tags])
        .values_list("pk", flat=True)
    )
    if len(usable) != len({t.pk for t in tags}):
        raise NotAllowed("Some of the tags chosen are not available for this story.")
    return sorted(tags, key=lambda t: (t.owner_id is not None, t.position, t.name))


def _write_revision(story: Story, by: User, tags: list[StoryTag]) -> StoryRevision:
    return StoryRevision.objects.create(
        story=story,
        author=by,
        created_at=story.updated_at,
        story_version=story.version,
        tag_names=[t.name for t in tags],
        **story.content(),
    )


# ---------------------------------------------------------------- writing


@transaction.atomic
def story_create(
    *, candidate: Candidate, by: User, values: Mapping[str, str], tags: Iterable[StoryTag] = ()
) -> Story:
    """A new story in one of the candidate's own records; its first revision
    (version 1) keeps it as written."""
    candidate = Candidate.objects.select_for_update().get(pk=candidate.pk)
    if candidate.user_id != by.pk:
        raise NotAllowed("Only the candidate can add stories to their bank.")
    if candidate.erased_at is not None:
        raise WrongState("This record was erased.")
    tags = _usable_tags(candidate, tags)
    now = timezone.now()
    story = Story.objects.create(
        candidate=candidate, created_at=now, updated_at=now, **_normalise(values)
    )
    story.tags.set(tags)
    _write_revision(story, by, tags)
    return story


@transaction.atomic
def story_update(
    *,
    story: Story,
    by: User,
    version: int,
    values: Mapping[str, str],
    tags: Iterable[StoryTag] = (),
) -> Story:
    """Save the candidate's edit, which started from ``version``. When the
    stored story moved on since (another tab), nothing is written and
    StoryConflict carries the stored story: no silent overwrite. A save that
    changes nothing writes nothing; any other writes a revision."""
    story = _lock_for_candidate(story, by)
    if story.is_archived:
        raise WrongState("This story is archived. Restore it before editing.")
    tags = _usable_tags(story.candidate, tags)
    new = _normalise(values)
    stored_tags = set(story.tags.values_list("pk", flat=True))
    if new == story.content() and stored_tags == {t.pk for t in tags}:
        return story
    if story.version != version:
        raise StoryConflict(story)
    for name, value in new.items():
        setattr(story, name, value)
    story.version += 1
    story.updated_at = timezone.now()
    story.save(update_fields=[*Story.CONTENT_FIELDS, "version", "updated_at"])
    story.tags.set(tags)
    _write_revision(story, by, tags)
    return story


@transaction.atomic
def story_archive(*, story: Story, by: User) -> Story:
    """Put a story away: off the bank's list, nothing deleted."""
    story = _lock_for_candidate(story, by)
    if story.is_archived:
        raise WrongState("This story is already archived.")
    story.archived_at = timezone.now()
    story.save(update_fields=["archived_at"])
    return story


@transaction.atomic
def story_unarchive(*, story: Story, by: User) -> Story:
    story = _lock_for_candidate(story, by)
    if not story.is_archived:
        raise WrongState("This story is not archived.")
    story.archived_at = None
    story.save(update_fields=["archived_at"])
    return story


@dataclass(frozen=True)
class CopyResult:
    story: Story
    #: The first coach's own tags, left behind (the other coach does not have them).
    dropped_tags: list[str]


@transaction.atomic
def story_copy(*, story: Story, to: Candidate, by: User) -> CopyResult:
    """Copy a story into another of the same person's records (the bank they
    keep with another coach): a new story there, with its own history from
    version 1. Built-in tags come along; the first coach's own tags are
    dropped (they are that coach's vocabulary) and named in the result. The
    comments and the "strong" mark stay with the first coach."""
    story = _lock_for_candidate(story, by)
    to = Candidate.objects.select_for_update().get(pk=to.pk)
    if to.user_id != by.pk:
        raise NotAllowed("You can copy a story only to your own bank with another coach.")
    if to.pk == story.candidate_id:
        raise WrongState("The story is already in this bank.")
    if to.erased_at is not None:
        raise WrongState("That record was erased.")
    tags = list(story.tags.all())
    kept = [t for t in tags if t.is_builtin]
    dropped = [t.name for t in tags if not t.is_builtin]
    now = timezone.now()
    copy = Story.objects.create(candidate=to, created_at=now, updated_at=now, **story.content())
    copy.tags.set(kept)
    _write_revision(copy, by, kept)
    return CopyResult(story=copy, dropped_tags=dropped)


# ---------------------------------------------------------------- the conversation


@transaction.atomic
def story_comment_add(*, story: Story, by: User, body: str) -> StoryComment:
    """A note on a story by the candidate or the candidate's coach."""
    story = Story.objects.select_related("candidate").get(pk=story.pk)
    if by.pk not in (story.candidate.coach_id, story.candidate.user_id):
        raise NotAllowed("Only the candidate and their coach can comment on this story.")
    body = (body or "").strip()
    if not body:
        raise WrongState("Write a comment first.")
    return StoryComment.objects.create(story=story, author=by, body=body)


@transaction.atomic
def story_mark_strong(*, story: Story, by: User, strong: bool = True) -> Story:
    """The coach marks a story strong ("use this one"), or takes the mark back."""
    story = _lock(story)
    if story.candidate.coach_id != by.pk:
        raise NotAllowed("Only the candidate's coach can mark a story strong.")
    if strong == story.is_strong:
        raise WrongState(
            "This story is already marked strong." if strong else "This story is not marked strong."
        )
    story.strong_at = timezone.now() if strong else None
    story.strong_by = by if strong else None
    story.save(update_fields=["strong_at", "strong_by"])
    return story


# ---------------------------------------------------------------- a coach's own tags


@transaction.atomic
def story_tag_create(*, coach: User, name: str) -> StoryTag:
    """A coach's own competency tag, offered to all their candidates next to
    the built-ins. Its name must not repeat a built-in's or one of theirs."""
    if not coach.is_coach:
        raise NotAllowed("Only coaches add competency tags.")
    name = " ".join((name or "").split())
    slug = slugify(name)[:60].strip("-")
    if not slug:
        raise WrongState("Give the tag a name with at least one letter or digit.")
    clash = StoryTag.objects.for_coach(coach).filter(slug=slug).first()
    if clash is not None:
        raise WrongState(f"There is already a tag “{clash.name}”.")
    return StoryTag.objects.create(owner=coach, slug=slug, name=name[:60], position=1000)
