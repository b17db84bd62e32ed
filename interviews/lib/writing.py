"""Writing checks: suggestions on a story, a written answer or a thank-you note.

Plain functions on text, no database: each returns ``Finding``s, and a page
shows them next to the field after saving. They never block anything: a
finding is a suggestion the candidate may ignore.

Each rule is its own small function with a docstring saying why it matters
(tied to the second-round guide); ``story_findings``, ``answer_findings`` and
``note_findings`` run the rules that apply to each kind of text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Finding:
    """One suggestion. ``field`` names the part it is about ("situation",
    "action", "body", ...; "" for the whole text); ``code`` is stable, for
    tests and CSS; ``message`` is what the person reads."""

    code: str
    message: str
    field: str = ""


#: Words a minute when an answer is spoken aloud: the speaking-time figure.
WORDS_PER_MINUTE = 140


def speaking_seconds(text: str) -> int:
    """About how long ``text`` takes to say, in seconds."""
    words = len(text.split())
    return round(words * 60 / WORDS_PER_MINUTE)


def story_findings(*, situation: str, task: str, action: str, result: str) -> list[Finding]:
    """The checks for a story told as situation, task, action, result."""
    raise NotImplementedError  # written in the writing-checks branch


def answer_findings(text: str) -> list[Finding]:
    """The checks for a written answer (one text, not split into parts)."""
    raise NotImplementedError  # written in the writing-checks branch


def note_findings(
    *,
    subject: str,
    body: str,
    interviewer_name: str,
    debrief: str = "",
    other_notes: Sequence[str] = (),
) -> list[Finding]:
    """The checks for a thank-you note to one interviewer. ``debrief``: what
    the candidate wrote about the interview (for "nothing specific");
    ``other_notes``: the bodies of the round's other notes (for near copies)."""
    raise NotImplementedError  # written in the writing-checks branch
