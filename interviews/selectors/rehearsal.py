"""Reads of rehearsal takes that pages share: the rehearsal page (an item's
or a story's), a summary beside the Rehearse link, a story's take for the
coach."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from ..models import AssignmentItem, ItemKind, RehearsalTake, Story
from .sections import answer_label


@dataclass(frozen=True)
class TakesSummary:
    """What the Rehearse link says beside an item or a story."""

    count: int = 0
    #: The take sent to the coach, when there is one.
    for_coach: RehearsalTake | None = None

    @property
    def commented(self) -> bool:
        return self.for_coach is not None and bool(self.for_coach.coach_comment)


def summary_of(takes: Iterable[RehearsalTake]) -> TakesSummary:
    """From takes already read (an item's prefetched ``takes``)."""
    takes = list(takes)
    return TakesSummary(
        count=len(takes), for_coach=next((take for take in takes if take.for_coach), None)
    )


def coach_take(takes: Iterable[RehearsalTake]) -> RehearsalTake | None:
    """The take sent to the coach among takes already read, or None."""
    return next((take for take in takes if take.for_coach), None)


def coach_takes_of_checklist(assignment) -> dict[int, RehearsalTake]:
    """The takes a checklist's items sent to the coach, by item id (one query:
    the review form's comment boxes when a verdict is posted)."""
    return {
        take.item_id: take
        for take in RehearsalTake.objects.filter(item__assignment=assignment, for_coach=True)
    }


@dataclass(frozen=True)
class RehearsalPage:
    """The candidate's rehearsal page of an item or a story."""

    #: What the candidate answers out loud: the item's prompt or the story's title.
    prompt: str
    #: Their current answer, or the story's STAR text, to speak from.
    text: str
    #: Newest first, each with the coach who commented.
    takes: list[RehearsalTake]
    #: Why nothing can be recorded or sent now ("" when it can).
    closed: str = ""
    #: For an item: the guidance shown on the checklist.
    guidance: str = ""
    #: For a story: its situation, task, action and result, as labelled parts.
    parts: list[tuple[str, str]] = field(default_factory=list)

    @property
    def open(self) -> bool:
        return not self.closed


def _takes(**subject) -> list[RehearsalTake]:
    return list(RehearsalTake.objects.filter(**subject).select_related("comment_by"))


def item_rehearsal(item: AssignmentItem) -> RehearsalPage:
    """An item's rehearsal page (two queries: the takes, with who commented).
    ``item`` comes with its checklist and question (the access helper)."""
    assignment = item.assignment
    closed = (
        ""
        if assignment.is_editable
        else f"This checklist is {assignment.get_status_display().lower()}: you can listen to "
        "and delete your takes, but not record new ones or change which one your coach hears."
    )
    return RehearsalPage(
        prompt=f"{item.position}. {item.prompt}",
        text=item.response_text,
        guidance=item.guidance,
        takes=_takes(item=item),
        closed=closed,
    )


def story_rehearsal(story: Story) -> RehearsalPage:
    closed = (
        "This story is archived: restore it to rehearse it. You can still listen to and "
        "delete its takes."
        if story.is_archived
        else ""
    )
    return RehearsalPage(
        prompt=story.title,
        text="",
        parts=[
            ("Situation", story.situation),
            ("Task", story.task),
            ("Action", story.action),
            ("Result", story.result),
        ],
        takes=_takes(story=story),
        closed=closed,
    )


def story_takes(story: Story) -> TakesSummary:
    """A story's takes for its pages (one query): how many, and the one for
    the coach with who commented on it."""
    return summary_of(RehearsalTake.objects.filter(story=story).select_related("comment_by"))


def rehearsable(item: AssignmentItem) -> bool:
    """Items with a Rehearse link: the written answers the candidate says
    themselves ("My answer"; the same items as selectors.checklists.takes_stories).
    Reads the item's question: load it with the item."""
    return item.kind == ItemKind.TEXT and answer_label(item) == "My answer"
