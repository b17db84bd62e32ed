"""Reads of the story bank: the candidate's list (per coach), a story's page,
the stories section of the coach's candidate page, the writing findings
shown beside a story, the stories a debrief question suggests, and the
stories checklist items use (live on the fill page, frozen for the review).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
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


# ---------------------------------------------------------------- the debrief's suggestions

#: The words in an interview question that signal each built-in competency
#: (``models.stories.BUILTIN_TAGS``): a story carrying the tag fits a question
#: that uses one of them. Folded (lower case, no accents) and matched as
#: prefixes, a crude stemming: a keyword of four letters or more matches every
#: word that begins with it ("disagree": "disagreed", "disagreement"), a
#: shorter one only the whole word ("led" is not "ledger"). A keyword of
#: several words matches those words in a row ("went wrong"), each the same way.
TAG_KEYWORDS: dict[str, tuple[str, ...]] = {
    "leadership": (
        "lead", "led", "leader", "manage", "managing", "manager", "mentor", "coach",
        "motivat", "inspire", "delegat", "direct report", "vision", "took charge",
    ),
    "ownership": (
        "ownership", "owned", "owner", "took responsibility", "responsib", "accountab",
        "initiative", "above and beyond", "beyond your role", "nobody asked", "own it",
    ),
    "conflict": (
        "conflict", "disagree", "pushback", "push back", "pushed back", "difficult colleague",
        "difficult person", "difficult stakeholder", "tension", "argument", "clash",
        "confront", "challenged", "difficult conversation",
    ),
    "failure-and-recovery": (
        "fail", "mistake", "setback", "went wrong", "go wrong", "error", "recover",
        "regret", "learned from", "lesson", "do differently", "missed",
    ),
    "teamwork": (
        "team", "teamwork", "collaborat", "together", "colleague", "cross-functional",
        "peers", "work with others", "worked with others", "partner",
    ),
    "influence": (
        "influenc", "persuad", "convinc", "buy-in", "buy in", "stakeholder", "win over",
        "won over", "change someone's mind", "without authority", "sell an idea",
        "get agreement", "negotiat",
    ),
    "customer-focus": (
        "customer", "client", "user", "users", "service", "complain", "satisf",
        "expectation", "feedback from",
    ),
    "analysis-and-data": (
        "data", "analys", "analyz", "analyt", "metric", "numbers", "model", "insight",
        "research", "measure", "evidence", "dashboard", "sql", "statistic", "forecast",
        "problem-solving", "solve a problem", "complex problem",
    ),
    "delivery-under-pressure": (
        "pressure", "deadline", "tight", "urgent", "stress", "competing priorit",
        "prioritis", "prioritiz", "crisis", "short notice", "deliver", "on time",
        "juggle", "juggling",
    ),
    "learning-fast": (
        "learn", "learnt", "new skill", "unfamiliar", "quickly", "fast", "ramp up",
        "get up to speed", "new to you", "never done", "adapt", "curious",
    ),
}  # fmt: skip

#: Points for each of a story's tags that the question signals, and for each
#: content word the question and the story share: a competency outweighs a
#: word in common ("a time you disagreed" wants a conflict story, whatever
#: words it uses).
TAG_POINTS = 3
WORD_POINTS = 1

#: The most stories suggested for one question.
SUGGESTIONS_PER_QUESTION = 3

#: Words of five letters or more that say nothing about a question's topic:
#: how questions are asked ("describe a situation where"), the parts of a
#: story, and the note checks' stop words (``lib.writing.STOP_WORDS``).
QUESTION_STOP_WORDS = writing.STOP_WORDS | frozenset(
    """describe described example examples instance specific recent recently
    something someone anything everyone situation situations action actions result
    results task tasks happened handle handled handling approach approached explain
    share walk biggest greatest proud proudest particular would could should tell
    asked times yourself current previous last while which whose where""".split()  # noqa: SIM905 (a word list reads better as words)
)

#: Endings taken off a content word before comparing ("dashboards",
#: "dashboard"; "launched", "launch"), when at least five letters remain.
_ENDINGS = ("ing", "ed", "es", "s")


def _keyword_matches(keyword: str, words: list[str]) -> bool:
    parts = keyword.split()

    def fits(part: str, word: str) -> bool:
        return word.startswith(part) if len(part) >= 4 else word == part

    return any(
        all(fits(part, word) for part, word in zip(parts, words[i : i + len(parts)], strict=True))
        for i in range(len(words) - len(parts) + 1)
    )


def signalled_tags(text: str) -> set[str]:
    """The slugs of the built-in tags whose ``TAG_KEYWORDS`` the text uses."""
    words = writing.folded_words(text)
    return {
        slug
        for slug, keywords in TAG_KEYWORDS.items()
        if any(_keyword_matches(keyword, words) for keyword in keywords)
    }


def content_words(text: str) -> set[str]:
    """The words of five letters or more that are not ``QUESTION_STOP_WORDS``,
    each without a common ending (``_ENDINGS``)."""
    found = set()
    for word in writing.folded_words(text):
        word = word.removesuffix("'s")
        if len(word) < 5 or word in QUESTION_STOP_WORDS:
            continue
        for ending in _ENDINGS:
            if word.endswith(ending) and len(word) - len(ending) >= 5:
                word = word.removesuffix(ending)
                break
        found.add(word)
    return found


def _story_text(story: Story) -> str:
    return "\n".join(getattr(story, name) for name in Story.CONTENT_FIELDS)


def story_question_score(
    story: Story, *, tags: set[str], words: set[str], story_words: set[str] | None = None
) -> int:
    """How well ``story`` fits a question that signals the tag slugs ``tags``
    and has the content words ``words``: ``TAG_POINTS`` per tag of the story's
    that the question signals, ``WORD_POINTS`` per content word shared."""
    story_tags = {tag.slug for tag in story.tags.all() if tag.is_builtin}
    if story_words is None:
        story_words = content_words(_story_text(story))
    return TAG_POINTS * len(story_tags & tags) + WORD_POINTS * len(story_words & words)


def stories_for_question(text: str, stories: Iterable[Story]) -> list[Story]:
    """The stories that fit an interview question, best first: at most
    ``SUGGESTIONS_PER_QUESTION``, each with a score above 0, archived ones never.

    A story scores ``TAG_POINTS`` for each of its built-in tags that the
    question signals (``TAG_KEYWORDS``: "a time you disagreed with your manager"
    signals conflict) and ``WORD_POINTS`` for each content word (``content_words``:
    five letters or more, not a stop word) it shares with the question, looked
    for in its title, situation, task, action, result, what was learned and the
    measurable result. Ties keep a story marked strong first, then the order
    given (the bank's: last changed first). Pure: reads the stories' tags,
    which the caller prefetches; no query of its own."""
    tags = signalled_tags(text)
    words = content_words(text)
    scored = []
    for story in stories:
        if story.is_archived:
            continue
        score = story_question_score(story, tags=tags, words=words)
        if score > 0:
            scored.append((score, story))
    scored.sort(key=lambda pair: (-pair[0], not pair[1].is_strong))
    return [story for _, story in scored[:SUGGESTIONS_PER_QUESTION]]


def debrief_stories(candidate_id: int) -> list[Story]:
    """The live stories of one candidate record with their tags, which the
    debrief's questions are matched against (two queries, whatever the number
    of stories and tags)."""
    return list(_with_tags(Story.objects.filter(candidate_id=candidate_id).live()))


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
