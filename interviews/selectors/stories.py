"""Reads of the story bank: the candidate's list (per coach), a story's page,
the stories section of the coach's candidate page, the writing findings
shown beside a story, the stories a debrief question suggests, and the
stories checklist items use (live on the fill page, frozen for the review).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet
from django.urls import reverse

from ..lib import writing
from ..lib.diffing import FieldChange, story_changes
from ..lib.prepared import Prepared
from ..lib.writing import Finding
from ..models import (
    Assignment,
    AssignmentItem,
    Candidate,
    ItemKind,
    ItemStory,
    Story,
    StoryComment,
    StoryRevision,
    StoryTag,
    SubmittedStory,
    User,
)

# ---------------------------------------------------------------- pieces


def story_findings(story: Story) -> list[Finding]:
    """The writing checks' suggestions on a saved story (lib/writing.py)."""
    return writing.story_findings(
        situation=story.situation,
        task=story.task,
        action=story.action,
        result=story.result,
        measurable_result=story.measurable_result,
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
    #: The company of the checklist's round ("" without a round): checklists
    #: from one template share their title, so the company tells them apart.
    company: str = ""

    def __str__(self) -> str:
        title = self.assignment_title
        if self.company:
            title = f"{title} ({self.company})"
        return f"{title}, item {self.item_position}"

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
            "item__assignment__round__opportunity__company",
        )
    )
    for story_id, assignment_id, title, item_id, position, company in links:
        where[story_id].append(
            StoryUse(
                assignment_id=assignment_id,
                assignment_title=title,
                item_id=item_id,
                item_position=position,
                company=company or "",
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


def with_tags(stories: QuerySet[Story]) -> QuerySet[Story]:
    """The stories with their tags, in one more query."""
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
    for row in _rows(with_tags(stories)):
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
    rows = _rows(with_tags(candidate.stories.live()))
    tags = list(StoryTag.objects.for_coach(candidate.coach_id))
    covered = {tag.pk for row in rows for tag in row.story.tags.all()}
    return CandidateStories(
        rows=rows,
        missing=[t for t in tags if t.is_builtin and t.pk not in covered],
        own_tags=[t for t in tags if not t.is_builtin],
    )


# ---------------------------------------------------------------- stories in checklists


@dataclass(frozen=True)
class UsedStory:
    """A story a written answer uses now (the fill page): the link, to remove
    it, and the story with its tags prefetched."""

    link: ItemStory
    story: Story

    @property
    def speaking_time(self) -> str:
        return speaking_time(self.story.speaking_seconds)


@dataclass(frozen=True)
class StoryChoice:
    """A story the picker offers: "title · tags · speaking time"."""

    story: Story

    @property
    def label(self) -> str:
        tags = ", ".join(tag.name for tag in self.story.tags.all())
        parts = [self.story.title, tags, speaking_time(self.story.speaking_seconds)]
        return " · ".join(part for part in parts if part)


@dataclass(frozen=True)
class ChecklistStories:
    """The stories of a checklist's written answers: those used now, by item
    id, and the record's live stories (what the picker offers)."""

    used: dict[int, list[UsedStory]]
    bank: list[Story]

    def choices(self, item: AssignmentItem) -> list[StoryChoice]:
        taken = {used.story.pk for used in self.used.get(item.pk, [])}
        return [StoryChoice(story) for story in self.bank if story.pk not in taken]


# The candidate's checklist page asks these on every visit with one value,
# the checklist: built and compiled once (lib/prepared.py; issue 25).
_CHECKLIST = Assignment(pk=-7_000_000_001)
_LINKS = Prepared(
    ItemStory,
    lambda checklist: ItemStory.objects.filter(item__assignment=checklist),
    checklist=_CHECKLIST,
)
# The live stories of the checklist's candidate record, and any archived one
# an item of it uses; their tags in one more query.
_BANK = Prepared(
    Story,
    lambda checklist: (
        Story.objects.filter(candidate__assignments=checklist)
        .filter(
            Q(archived_at__isnull=True)
            | Q(pk__in=ItemStory.objects.filter(item__assignment=checklist).values("story_id"))
        )
        .prefetch_related("tags")
    ),
    checklist=_CHECKLIST,
)


# Every story frozen by a submission of the checklist (the review page).
_FROZEN = Prepared(
    SubmittedStory,
    lambda checklist: SubmittedStory.objects.filter(item__assignment=checklist),
    checklist=_CHECKLIST,
)


def checklist_stories(assignment: Assignment) -> ChecklistStories:
    """The stories the checklist's items use and the candidate record's live
    stories (an archived story stays shown where it is used). Three queries
    whatever the number of items and stories (two when the bank is empty)."""
    links = _LINKS(checklist=assignment)
    stories = {story.pk: story for story in _BANK(checklist=assignment)}
    used: dict[int, list[UsedStory]] = {}
    for link in links:
        used.setdefault(link.item_id, []).append(UsedStory(link=link, story=stories[link.story_id]))
    return ChecklistStories(
        used=used, bank=[story for story in stories.values() if not story.is_archived]
    )


def link_of_checklist(assignment: Assignment, pk: str) -> ItemStory | None:
    """The link ``pk`` (as posted) when it belongs to an item of this
    checklist; None for anything else."""
    if not (pk.isascii() and pk.isdigit() and len(pk) < 12):
        return None
    links = ItemStory.objects.select_related("story", "item__assignment")
    return links.filter(item__assignment=assignment, pk=int(pk)).first()


def story_of_record(assignment: Assignment, pk: str) -> Story | None:
    """The story ``pk`` (as posted) when it is in the bank of the checklist's
    candidate record; None for anything else (another record's, a stranger's)."""
    if not (pk.isascii() and pk.isdigit() and len(pk) < 12):
        return None
    return Story.objects.filter(candidate_id=assignment.candidate_id, pk=int(pk)).first()


def editable_written_item(user: User, pk: str) -> AssignmentItem | None:
    """The written-answer item ``pk`` (as sent) of one of the candidate's own
    checklists that is still editable: where "Write a new story" on the fill
    page links the new story. None for anything else."""
    if not (pk.isascii() and pk.isdigit() and len(pk) < 12):
        return None
    return (
        AssignmentItem.objects.for_candidate_user(user)
        .filter(pk=int(pk), kind=ItemKind.TEXT, assignment__status__in=Assignment.EDITABLE)
        .select_related("assignment__candidate__coach")
        .first()
    )


@dataclass(frozen=True)
class FrozenStory:
    """A story as one submission froze it, with the writing checks of its
    text and, on the review page, what changed since the reviewed submission."""

    story: SubmittedStory
    findings: list[Finding] = field(default_factory=list)
    #: None: no earlier review to compare with, or the story is new since.
    changes: list[FieldChange] | None = None
    #: Not used in the submission the last review read.
    added: bool = False

    @property
    def speaking_time(self) -> str:
        return speaking_time(self.story.speaking_seconds)


@dataclass(frozen=True)
class Submission:
    """An item's stories in one submission (the history's earlier ones)."""

    submitted_at: datetime.datetime
    stories: list[SubmittedStory]


def submitted_stories(assignment: Assignment) -> dict[int, dict[datetime.datetime, list]]:
    """Every frozen story of the checklist: by item id, by submission time,
    in order. One query."""
    grouped: dict[int, dict[datetime.datetime, list]] = {}
    for frozen in _FROZEN(checklist=assignment):
        grouped.setdefault(frozen.item_id, {}).setdefault(frozen.submitted_at, []).append(frozen)
    return grouped


def latest_submitted_stories(assignment: Assignment) -> dict[int, list[FrozenStory]]:
    """The stories of the latest submission, by item id (the candidate's
    read-only checklist). One query; none before a first submission."""
    if assignment.submitted_at is None:
        return {}
    frozen = SubmittedStory.objects.filter(
        item__assignment=assignment, submitted_at=assignment.submitted_at
    )
    grouped: dict[int, list[FrozenStory]] = {}
    for story in frozen:
        grouped.setdefault(story.item_id, []).append(FrozenStory(story=story))
    return grouped


def _story_key(story: SubmittedStory) -> object:
    # A story deleted since (erasure keeps none, but be safe) is matched by title.
    return story.story_id if story.story_id is not None else f"title:{story.title}"


@dataclass(frozen=True)
class ItemStories:
    """An item's stories on the review page."""

    #: The latest submission's, in full.
    latest: list[FrozenStory] = field(default_factory=list)
    #: Used in the reviewed submission and no longer (titles); after a review only.
    removed: list[str] = field(default_factory=list)
    #: The earlier submissions', newest first.
    earlier: list[Submission] = field(default_factory=list)

    def __bool__(self) -> bool:
        """Anything to show: the page tests this once per item."""
        return bool(self.latest or self.removed or self.earlier)


def item_stories(
    by_time: dict[datetime.datetime, list],
    *,
    latest_at: datetime.datetime | None,
    compare: bool,
    reviewed_at: datetime.datetime | None,
) -> ItemStories:
    """``compare``: after a review, the latest submission's stories are
    compared with those of the submission it read (``reviewed_at``; None when
    no submission before it froze a story)."""
    latest = by_time.get(latest_at, []) if latest_at is not None else []
    before = {_story_key(s): s for s in by_time.get(reviewed_at, [])} if compare else {}
    rows = []
    for story in latest:
        old = before.get(_story_key(story))
        rows.append(
            FrozenStory(
                story=story,
                findings=story_findings(story),
                changes=story_changes(_frozen_content(old), _frozen_content(story))
                if old is not None
                else None,
                added=compare and old is None,
            )
        )
    kept = {_story_key(s) for s in latest}
    return ItemStories(
        latest=rows,
        removed=[s.title for key, s in before.items() if key not in kept],
        earlier=[
            Submission(submitted_at=at, stories=stories)
            for at, stories in sorted(by_time.items(), key=lambda pair: pair[0], reverse=True)
            if at != latest_at
        ],
    )


def _frozen_content(story: SubmittedStory) -> dict:
    return {**story.content(), "tags": ", ".join(story.tag_names)}
