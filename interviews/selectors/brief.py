"""The interview brief: one page to take along to the interview, built from the
candidate's live (not withdrawn) checklists for one round.

Which section an answer lands in follows the bank question its checklist item
was copied from: its category first, so coaches' own questions and questions
the library gains later find their place without a change here; two built-in
keys refine that (questions about the role, and the closing question). Items
nobody answered are left out, and so is a section left empty.

Answers are bounded (up to 20,000 characters each are allowed): the brief
shows the first ``NOTE_LIMIT`` characters of one, cut at a word, and the whole
brief at most ``NOTES_LIMIT`` characters of answers; what is cut is marked
"continued in Coachsite" with a link to the checklist. So neither the page nor
its PDF grows without bound.

``round_brief`` runs the queries; ``build`` only sorts what they loaded, so it
never queries.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.text import slugify

from ..models import (
    Assignment,
    AssignmentItem,
    BriefPdf,
    Interviewer,
    InterviewRound,
    ItemFile,
    ItemKind,
    ItemStory,
    Question,
)
from . import sections

# ---------------------------------------------------------------- the interview brief


def round_brief(round: InterviewRound) -> RoundBrief:
    """The interview brief of a round: its interviewers and the answers of the
    candidate's live (not withdrawn) checklists for it, sorted into sections
    (see above). Six queries, whatever the number of items: the files' names
    are read, never their bytes (the PDF is built by a worker from this)."""
    items = (
        AssignmentItem.objects.select_related("question")
        .prefetch_related(
            Prefetch("story_links", queryset=ItemStory.objects.select_related("story")),
            "submitted_stories",
            Prefetch("files", queryset=ItemFile.objects.only("pk", "item_id", "name")),
        )
        .order_by("position", "id")
    )
    checklists = (
        Assignment.objects.filter(round=round, candidate_id=round.opportunity.candidate_id)
        .exclude(status=Assignment.Status.WITHDRAWN)
        .prefetch_related(Prefetch("items", queryset=items))
        .order_by("created_at", "pk")
    )
    return build(round, interviewers=round.interviewers.all(), checklists=checklists)


#: Built-in questions about the role itself ("role-day-to-day", …): what the
#: candidate noted against them is what they know about the role so far. The
#: keys are the guide's (selectors/sections.py), shared with the checklist page.
ROLE_KEY_PREFIX = sections.ROLE_KEY_PREFIX
CLOSING_KEY = sections.CLOSING_QUESTION_KEY


class Section(enum.Enum):
    """The brief's sections, in the order the brief shows them; the value is the title."""

    ROLE = "What I know about the role"
    SUCCEED = "What it takes to succeed: my strengths and examples"
    ASK = "Questions I will ask"
    BRING = "What I bring"
    CLOSING = "My closing question"
    OTHER = "Other notes"

    @property
    def key(self) -> str:
        """For ids and class names: "role", "succeed", …"""
        return self.name.lower()

    @property
    def title(self) -> str:
        return self.value


#: A section for each bank category. Follow-up items (the thank-you note, the
#: debrief) belong to after the interview, so they are not on the brief.
SECTION_BY_CATEGORY = {
    Question.Category.ASK: Section.ASK,
    Question.Category.ANSWER: Section.SUCCEED,
    Question.Category.BRING: Section.BRING,
}


def section_for(item: AssignmentItem) -> Section | None:
    """Where an item goes on the brief, or None when it has no place there.
    Reads ``item.question``: load it with the item."""
    if item.kind == ItemKind.EMAIL:
        return None  # a thank-you draft, written for after the interview
    question = item.question
    if question is None:
        return Section.OTHER  # the coach's own item, not from the bank
    if question.builtin_key == CLOSING_KEY:
        return Section.CLOSING
    if question.category == Question.Category.ASK and question.builtin_key.startswith(
        ROLE_KEY_PREFIX
    ):
        return Section.ROLE
    return SECTION_BY_CATEGORY.get(question.category)


#: The most of one answer the brief shows, in characters; a longer one is cut at a word.
NOTE_LIMIT = 1500
#: The most of all answers together one brief shows; answers past it show only
#: the pointer to the app.
NOTES_LIMIT = 15000
#: A cut looks back this far for a space before cutting inside a word.
_WORD_SLACK = 200


def cut(text: str, limit: int) -> tuple[str, bool]:
    """``text`` when it fits in ``limit`` characters, else its start cut at the
    last space before the limit (inside a word only when a word is very long),
    and whether it was cut."""
    if len(text) <= limit:
        return text, False
    head = text[:limit]
    space = max(head.rfind(" "), head.rfind("\n"))
    if space >= limit - _WORD_SLACK and space > 0:
        head = head[:space]
    return head.rstrip(), True


#: The most of each part of a story (situation, task, action, result) the
#: brief shows: a compact reminder, not the story told in full.
STORY_PART_LIMIT = 240
#: The most stories one answer shows on the brief.
STORIES_PER_ENTRY = 3


@dataclass(frozen=True)
class StorySummary:
    """A story an answer uses, as a compact STAR summary: ``parts`` holds
    (label, text) pairs, each text cut at ``STORY_PART_LIMIT``; empty when
    the brief's budget ran out (the title still shows)."""

    title: str
    parts: tuple[tuple[str, str], ...]
    measurable_result: str = ""

    @property
    def size(self) -> int:
        return len(self.title) + sum(len(text) for _, text in self.parts)


_STAR = (("situation", "S"), ("task", "T"), ("action", "A"), ("result", "R"))


def story_summary(story) -> StorySummary:
    """A story (or its frozen copy) as the brief shows it."""
    parts = []
    for name, label in _STAR:
        text, was_cut = cut(" ".join(getattr(story, name).split()), STORY_PART_LIMIT)
        if text:
            parts.append((label, f"{text} …" if was_cut else text))
    return StorySummary(
        title=story.title, parts=tuple(parts), measurable_result=story.measurable_result
    )


def stories_of(item: AssignmentItem) -> list[StorySummary]:
    """The stories an answer uses, as the brief shows them: once its checklist
    has been submitted and is no longer open, the copies frozen at the latest
    submission (what the coach reviewed); while it is open, the stories as
    they are now. Reads the prefetched links and frozen copies."""
    frozen = list(item.submitted_stories.all())
    if frozen and not item.assignment.is_editable:
        latest = max(copy.submitted_at for copy in frozen)
        chosen = [copy for copy in frozen if copy.submitted_at == latest]
    else:
        chosen = [link.story for link in item.story_links.all()]
    return [story_summary(story) for story in chosen[:STORIES_PER_ENTRY]]


@dataclass(frozen=True)
class Entry:
    """One answered item: the prompt, and the candidate's answer or note (at
    most ``NOTE_LIMIT`` characters of it; ``continued`` says it was cut, and
    ``checklist_id`` where the whole of it is). A tick-off task (``task``) also
    says whether it is done."""

    prompt: str
    note: str
    task: bool = False
    done: bool = False
    continued: bool = False
    checklist_id: int | None = None
    #: The stories the answer uses ("my examples"), as STAR summaries;
    #: ``stories_cut``: past the budget, some show only their title.
    stories: tuple[StorySummary, ...] = ()
    stories_cut: bool = False
    #: The names of the files attached to the item: what the candidate brings.
    files: tuple[str, ...] = ()

    @property
    def more_in_app(self) -> bool:
        """Something of this answer is only in Coachsite: the brief links there."""
        return self.continued or self.stories_cut


def entry_for(item: AssignmentItem) -> Entry | None:
    """The item as the brief shows it, or None when there is nothing to show."""
    note, continued = cut(item.response_text.strip(), NOTE_LIMIT)
    files = tuple(file.name for file in item.files.all())
    more = {"continued": continued, "checklist_id": item.assignment_id, "files": files}
    if item.kind == ItemKind.CHECK:
        if not (item.done or note or files):
            return None
        return Entry(prompt=item.prompt, note=note, task=True, done=item.done, **more)
    stories = tuple(stories_of(item)) if item.kind == ItemKind.TEXT else ()
    if not (note or stories or files):
        return None
    return Entry(prompt=item.prompt, note=note, stories=stories, **more)


def within_budget(entries: Iterable[Entry], budget: int = NOTES_LIMIT) -> list[Entry]:
    """The entries, their notes cut further once ``budget`` characters of
    notes are shown (in the brief's order)."""
    bounded = []
    for entry in entries:
        # What is left of the budget is not spent on a stub of a few words.
        note, cut_here = cut(entry.note, budget if budget >= _WORD_SLACK else 0)
        budget -= len(note)
        if cut_here:
            entry = replace(entry, note=note, continued=True)
        if entry.stories:
            # The stories' summaries spend the same budget; past it, only titles.
            stories = []
            for story in entry.stories:
                if story.size > budget:
                    story = replace(story, parts=())
                    entry = replace(entry, stories_cut=True)
                budget -= story.size
                stories.append(story)
            entry = replace(entry, stories=tuple(stories))
        bounded.append(entry)
    return bounded


@dataclass(frozen=True)
class BriefSection:
    section: Section
    entries: tuple[Entry, ...]

    @property
    def key(self) -> str:
        return self.section.key

    @property
    def title(self) -> str:
        return self.section.title


@dataclass(frozen=True)
class RoundBrief:
    """Everything the brief shows about one round. ``sections`` holds only the
    sections with at least one answer, in the brief's order."""

    round: InterviewRound
    interviewers: Sequence[Interviewer]
    checklists: Sequence[Assignment]
    sections: Sequence[BriefSection]

    @property
    def opportunity(self):
        return self.round.opportunity

    @property
    def is_draft(self) -> bool:
        """A checklist for the round that the coach has not approved yet."""
        return any(c.status != Assignment.Status.APPROVED for c in self.checklists)

    def section(self, section: Section) -> BriefSection | None:
        return next((s for s in self.sections if s.section == section), None)

    def pdf_filename(self) -> str:
        """The file name, as "brief-fabrikam-2026-12-01.pdf": the company and the
        interview's date in the active (the viewer's) time zone."""
        parts = ["brief", slugify(self.opportunity.company) or "interview"]
        if self.round.scheduled_at is not None:
            parts.append(timezone.localdate(self.round.scheduled_at).isoformat())
        return "-".join(parts) + ".pdf"


def _bounded(grouped: dict[Section, list[Entry]]) -> dict[Section, list[Entry]]:
    """The sections' entries with the notes' budget spent in the brief's order."""
    order = [(section, n) for section, entries in grouped.items() for n in range(len(entries))]
    flat = within_budget(entry for entries in grouped.values() for entry in entries)
    bounded: dict[Section, list[Entry]] = {section: [] for section in grouped}
    for (section, _), entry in zip(order, flat, strict=True):
        bounded[section].append(entry)
    return bounded


def build(
    round: InterviewRound,
    *,
    interviewers: Iterable[Interviewer],
    checklists: Iterable[Assignment],
) -> RoundBrief:
    """Sort the checklists' items (prefetched, with their questions) into sections."""
    checklists = list(checklists)
    grouped: dict[Section, list[Entry]] = {section: [] for section in Section}
    for checklist in checklists:
        for item in checklist.items.all():
            section = section_for(item)
            entry = entry_for(item) if section is not None else None
            if entry is not None:
                grouped[section].append(entry)
    return RoundBrief(
        round=round,
        interviewers=list(interviewers),
        checklists=checklists,
        sections=[
            BriefSection(section=section, entries=tuple(entries))
            for section, entries in _bounded(grouped).items()
            if entries
        ],
    )


# ---------------------------------------------------------------- its PDF


@dataclass(frozen=True)
class PdfLink:
    """The state of the brief's PDF for the link on the brief: ``ready`` (a
    stored file made from the brief as it is now), ``building`` (a build is on
    its way), or neither (the download asks for a build)."""

    ready: bool
    building: bool


def pdf_state(round: InterviewRound, side: str, *, fingerprint: str) -> PdfLink:
    """One query, without the file."""
    stored = BriefPdf.objects.filter(round=round, side=side).defer("pdf").first()
    if stored is None:
        return PdfLink(ready=False, building=False)
    return PdfLink(
        ready=stored.is_current(fingerprint),
        building=stored.is_building(now=timezone.now()),
    )
