"""Reads of the story bank: the candidate's list (per coach), a story's page,
the stories section of the coach's candidate page, and the writing findings
shown beside a story.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet
from django.urls import reverse

from ..lib import writing
from ..lib.writing import Finding
from ..models import (
    Assignment,
    Candidate,
    ItemStory,
    Story,
    StoryComment,
    StoryRevision,
    StoryTag,
    User,
)

# ---------------------------------------------------------------- pieces


def story_findings(story: Story) -> list[Finding]:
    """The writing checks' suggestions on a saved story (lib/writing.py)."""
    return writing.story_findings(
        situation=story.situation, task=story.task, action=story.action, result=story.result
    )


@dataclass(frozen=True)
class StoryUse:
    """A checklist item that uses a story, with the addresses each page links
    it to: the candidate's checklist, the coach's review page, the practice
    lead's read-only copy."""

    assignment_id: int
    assignment_title: str
    item_id: int
    item_position: int

    def __str__(self) -> str:
        return f"{self.assignment_title}, item {self.item_position}"

    @property
    def candidate_url(self) -> str:
        return f"{reverse('me:checklist', args=[self.assignment_id])}#item-{self.item_id}"

    @property
    def coach_url(self) -> str:
        return (
            f"{reverse('coach:assignment_detail', args=[self.assignment_id])}#item-{self.item_id}"
        )

    @property
    def lead_url(self) -> str:
        return f"{reverse('practice:assignment', args=[self.assignment_id])}#item-{self.item_id}"


def used_in(stories: list[Story]) -> dict[int, list[StoryUse]]:
    """Where each story is used, by story id: the items of its record's
    checklists (withdrawn ones left out: the candidate no longer sees them),
    oldest checklist first. One query whatever the number of stories; none
    for an empty list."""
    where: dict[int, list[StoryUse]] = {story.pk: [] for story in stories}
    if not where:
        return where
    links = (
        ItemStory.objects.filter(story_id__in=list(where))
        .exclude(item__assignment__status=Assignment.Status.WITHDRAWN)
        .order_by("item__assignment__created_at", "item__assignment_id", "item__position")
        .values_list(
            "story_id",
            "item__assignment_id",
            "item__assignment__title",
            "item_id",
            "item__position",
        )
    )
    for story_id, assignment_id, title, item_id, position in links:
        where[story_id].append(
            StoryUse(
                assignment_id=assignment_id,
                assignment_title=title,
                item_id=item_id,
                item_position=position,
            )
        )
    return where


def speaking_time(seconds: int) -> str:
    """ "45 s", "1 min 30 s": the figure a list shows beside a story."""
    minutes, rest = divmod(seconds, 60)
    if not minutes:
        return f"{rest} s"
    return f"{minutes} min {rest} s" if rest else f"{minutes} min"


@dataclass(frozen=True)
class StoryRow:
    """A story in a list: the story (tags prefetched) and where it is used."""

    story: Story
    used_in: list[StoryUse]

    @property
    def speaking_time(self) -> str:
        return speaking_time(self.story.speaking_seconds)


def _with_tags(stories: QuerySet[Story]) -> QuerySet[Story]:
    return stories.prefetch_related(Prefetch("tags", queryset=StoryTag.objects.all()))


def _rows(stories) -> list[StoryRow]:
    stories = list(stories)
    where = used_in(stories)
    return [StoryRow(story=story, used_in=where[story.pk]) for story in stories]


def tags_for_record(candidate: Candidate) -> QuerySet[StoryTag]:
    """The tags a story of this record can carry: the built-ins and its coach's own."""
    return StoryTag.objects.for_coach(candidate.coach_id)


# ---------------------------------------------------------------- the candidate's bank


@dataclass(frozen=True)
class BankGroup:
    """One coach's bank: the candidate record and its stories."""

    record: Candidate
    rows: list[StoryRow]


@dataclass(frozen=True)
class Bank:
    groups: list[BankGroup]
    #: The tags to filter by: the built-ins and the coaches' own.
    tags: list[StoryTag]
    #: The tag filtered by (None: every story).
    tag: StoryTag | None
    archived: bool

    @property
    def several_coaches(self) -> bool:
        return len(self.groups) > 1

    @property
    def is_empty(self) -> bool:
        return not any(group.rows for group in self.groups)


def candidate_bank(user: User, *, tag: str = "", archived: bool = False) -> Bank:
    """The stories of every record the login joined, one group per coach
    (live ones, or the archived ones), filtered by a tag's slug when given.
    Five queries whatever the number of stories (one is where they are used)."""
    records = candidate_records(user)
    tags = list(StoryTag.objects.for_coach_ids([r.coach_id for r in records]))
    chosen = next((t for t in tags if t.slug == tag), None) if tag else None
    stories = Story.objects.filter(candidate__in=records)
    stories = stories.archived() if archived else stories.live()
    if chosen is not None:
        stories = stories.filter(tags=chosen)
    elif tag:
        stories = stories.none()
    by_record: dict[int, list[StoryRow]] = {r.pk: [] for r in records}
    for row in _rows(_with_tags(stories)):
        by_record[row.story.candidate_id].append(row)
    return Bank(
        groups=[BankGroup(record=r, rows=by_record[r.pk]) for r in records],
        tags=tags,
        tag=chosen,
        archived=archived,
    )


def candidate_records(user: User) -> list[Candidate]:
    """The records (one per coach) a candidate can keep stories in."""
    return list(
        Candidate.objects.for_candidate_user(user)
        .filter(erased_at__isnull=True)
        .select_related("coach")
        .order_by("coach__full_name", "pk")
    )


# ---------------------------------------------------------------- a story's page


@dataclass(frozen=True)
class StoryPage:
    story: Story
    tags: list[StoryTag]
    revisions: list[StoryRevision]
    comments: list[StoryComment]
    findings: list[Finding]
    used_in: list[StoryUse]
    #: The person's other records (their banks with other coaches), to copy to.
    other_records: list[Candidate] = field(default_factory=list)

    @property
    def speaking_time(self) -> str:
        return speaking_time(self.story.speaking_seconds)


def story_page(story: Story, *, copy_targets: bool = False) -> StoryPage:
    """Everything a story's page shows; ``copy_targets`` (the candidate's
    page): the person's other records to copy the story to."""
    others = []
    if copy_targets and story.candidate.user_id is not None:
        others = [
            record
            for record in candidate_records(story.candidate.user)
            if record.pk != story.candidate_id
        ]
    return StoryPage(
        story=story,
        tags=list(story.tags.all()),
        revisions=list(story.revisions.select_related("author")),
        comments=list(story.comments.select_related("author")),
        findings=story_findings(story),
        used_in=used_in([story])[story.pk],
        other_records=others,
    )


# ---------------------------------------------------------------- the coach's candidate page


@dataclass(frozen=True)
class CandidateStories:
    """The stories section of a candidate's page (the coach's, the lead's)."""

    rows: list[StoryRow]
    #: Built-in competencies that no live story carries yet.
    missing: list[StoryTag]
    #: The coach's own tags (the page lists them beside the form that adds one).
    own_tags: list[StoryTag]


def candidate_stories(candidate: Candidate) -> CandidateStories:
    """Four queries whatever the number of stories (one is where they are used)."""
    rows = _rows(_with_tags(candidate.stories.live()))
    tags = list(StoryTag.objects.for_coach(candidate.coach_id))
    covered = {tag.pk for row in rows for tag in row.story.tags.all()}
    return CandidateStories(
        rows=rows,
        missing=[t for t in tags if t.is_builtin and t.pk not in covered],
        own_tags=[t for t in tags if not t.is_builtin],
    )
