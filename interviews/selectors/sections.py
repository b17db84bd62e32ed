"""The guide's sections of a checklist, and what each item's answer box is called.

The second-round guide works through the interview in order: learn about the
role, find out what it takes to succeed and show how you fit, ask your own
questions, close by offering more, follow up afterwards. A checklist (and a
template in the editor) shows its items under those headings, so the candidate
sees where each item belongs in the conversation.

An item's section follows the bank question it was copied from: the built-in
questions by their key (``role-…``, ``success-…``, ``close-…``,
``follow-up-…``), the coach's own bank questions by category. An item written
by the coach, not from the bank, sits under "More to prepare" (a thank-you
email under "After the interview").

Items keep the coach's order: a heading starts wherever the section changes
(``in_sections``), so a coach who puts their own item between two of the
guide's still sees it where they put it, with the numbers in order.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from ..models import ItemKind, Question

#: Built-in question keys by the guide's part they belong to.
ROLE_KEY_PREFIX = "role-"
SUCCESS_KEY_PREFIX = "success-"
CLOSING_KEY_PREFIX = "close-"
FOLLOW_UP_KEY_PREFIX = "follow-up-"
#: The built-in question to ask near the end of the interview.
CLOSING_QUESTION_KEY = "close-anything-else"


class GuideSection(enum.Enum):
    """The guide's parts, in the order of the interview; the value is the heading."""

    ROLE = "About the role"
    SUCCEED = "What it takes to succeed"
    ASK = "Questions to ask"
    CLOSING = "Closing the interview"
    AFTER = "After the interview"
    OTHER = "More to prepare"

    @property
    def key(self) -> str:
        """For ids and class names: "role", "succeed", …"""
        return self.name.lower()

    @property
    def title(self) -> str:
        return self.value


_BY_KEY_PREFIX = (
    (ROLE_KEY_PREFIX, GuideSection.ROLE),
    (SUCCESS_KEY_PREFIX, GuideSection.SUCCEED),
    (CLOSING_KEY_PREFIX, GuideSection.CLOSING),
    (FOLLOW_UP_KEY_PREFIX, GuideSection.AFTER),
)

_BY_CATEGORY = {
    Question.Category.ASK: GuideSection.ASK,
    Question.Category.ANSWER: GuideSection.SUCCEED,
    Question.Category.BRING: GuideSection.CLOSING,
    Question.Category.FOLLOW_UP: GuideSection.AFTER,
}


def guide_section(item) -> GuideSection:
    """The section of a checklist item or a template item (anything with
    ``kind`` and ``question``; load the question with the item)."""
    question = item.question
    if question is None:
        return GuideSection.AFTER if item.kind == ItemKind.EMAIL else GuideSection.OTHER
    for prefix, section in _BY_KEY_PREFIX:
        if question.builtin_key.startswith(prefix):
            return section
    return _BY_CATEGORY.get(question.category, GuideSection.OTHER)


def answer_label(item) -> str:
    """What the written part of an item is called on the candidate's page.

    A question meant to be asked of the interviewer has no answer to write:
    the candidate notes the questions they will put. A task (tick-off item)
    takes a note. What the candidate will bring or do (the closing offer, the
    follow-up) is a plan. Everything else is the candidate's own answer."""
    if item.kind == ItemKind.CHECK:
        return "Note"
    question = item.question
    if question is None:
        return "My answer"
    if question.builtin_key == CLOSING_QUESTION_KEY:
        return "My plan"
    if question.category == Question.Category.ASK:
        return "Questions I will ask"
    if question.category == Question.Category.ANSWER:
        return "My answer"
    return "My plan"


Row = TypeVar("Row")


@dataclass(frozen=True)
class SectionRun(Generic[Row]):
    """Consecutive rows of one section, under its heading."""

    section: GuideSection
    rows: Sequence[Row]

    @property
    def key(self) -> str:
        return self.section.key

    @property
    def title(self) -> str:
        return self.section.title


def in_sections(rows: Iterable[Row], item_of: Callable[[Row], object]) -> list[SectionRun[Row]]:
    """``rows`` in their order, cut into runs wherever the section changes.
    ``item_of`` reads the item (or template item) of a row."""
    runs: list[SectionRun[Row]] = []
    current: list[Row] = []
    section: GuideSection | None = None
    for row in rows:
        row_section = guide_section(item_of(row))
        if current and row_section != section:
            runs.append(SectionRun(section=section, rows=current))
            current = []
        section = row_section
        current.append(row)
    if current:
        runs.append(SectionRun(section=section, rows=current))
    return runs
