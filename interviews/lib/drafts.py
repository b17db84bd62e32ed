"""Emails the candidate sends from their own mail program: the mailto: link that
opens a draft there, the thank-you draft offered after an interview, and the
rule that tells a draft still holding a placeholder to fill in.

Coachsite never sends these itself; the prose lives in templates/drafts/.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import quote

from django.template.loader import render_to_string

if TYPE_CHECKING:
    from ..models import Interviewer, InterviewRound

# ---------------------------------------------------------------- placeholders

#: A placeholder left for the candidate to fill in: "[", then text with at least
#: one letter (any script) and no other square bracket, then "]" — so
#: "[One specific thing …]" and "[name]" are placeholders, a footnote mark "[1]"
#: or an empty "[]" is not. It may run over several lines. The one spelling of
#: the rule: marking a note as sent asks for a confirmation when it matches.
PLACEHOLDER = re.compile(r"\[[^\[\]]*?[^\W\d_][^\[\]]*\]")


def placeholders(text: str) -> list[str]:
    """The placeholders (see ``PLACEHOLDER``) still in ``text``, in order."""
    return PLACEHOLDER.findall(text)


# ---------------------------------------------------------------- mailto


def mailto_url(to: str, subject: str, body: str) -> str:
    """A mailto: link that opens the candidate's own mail program with the draft.
    (static/js/app.js builds the same link from the fields on screen.)"""
    query = []
    if subject:
        query.append(f"subject={quote(subject, safe='')}")
    if body:
        query.append(f"body={quote(body, safe='')}")
    address = quote(to.strip(), safe="@,+")
    return f"mailto:{address}" + (f"?{'&'.join(query)}" if query else "")


# ---------------------------------------------------------------- the thank-you draft


@dataclass(frozen=True)
class ThankYouSources:
    """What the candidate already wrote that a thank-you draft starts from."""

    #: The debrief's "how it went" (``InterviewRound.debrief_notes``).
    debrief: str = ""
    #: The questions the candidate recorded as asked, in order.
    asked: Sequence[str] = ()
    #: Their answers to the checklist item planning the thank-you notes
    #: (``selectors.rounds.THANK_YOU_PLAN_KEY``), one per checklist.
    plans: Sequence[str] = ()
    #: The full names of every interviewer of the round, to tell whose part of
    #: the conversation a sentence is.
    interviewers: Sequence[str] = ()


#: A quote taken into a draft is cut to this many characters.
QUOTE_LIMIT = 400
# Sentences end at . ! ? or ; (a clause of its own in notes: "Dana asked about
# X; Raj showed me Y") or at a line break.
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+|\s*\n\s*")


def _sentences(text: str) -> list[str]:
    return [s.strip().rstrip(";,").strip() for s in _SENTENCE_END.split(text) if s.strip()]


def _names_pattern(names: Sequence[str]) -> re.Pattern[str] | None:
    """Any of ``names`` as a whole word, case as written: "Will" the
    interviewer, not "will" the verb. Possessives ("Raj's") match."""
    names = [name for name in names if len(name) >= 2]
    if not names:
        return None
    alternatives = "|".join(re.escape(name) for name in sorted(names, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")


def _full_name(name: str) -> str:
    return " ".join(name.split())


def _names_of(full_name: str, everyone: Sequence[str]) -> list[str]:
    """How notes name someone: the full name, and the first name unless another
    interviewer of the round shares it (then only the full name is theirs)."""
    full_name = _full_name(full_name)
    first = (full_name.split() or [""])[0]
    firsts = [(_full_name(other).split() or [""])[0] for other in everyone]
    names = [full_name]
    if first and first != full_name and firsts.count(first) <= 1:
        names.append(first)
    return names


def _quote(sentences: list[str]) -> str:
    """Sentences joined as one quote on one line, without square brackets (the
    quote sits inside the draft's placeholder), cut at a word near the limit."""
    parts = []
    for sentence in sentences:
        sentence = " ".join(sentence.split()).replace("[", "(").replace("]", ")")
        parts.append(sentence if sentence[-1] in ".!?…" else f"{sentence}.")
    text = " ".join(parts)
    if len(text) > QUOTE_LIMIT:
        text = text[:QUOTE_LIMIT].rsplit(" ", 1)[0].rstrip(".,;:") + " …"
    return text


def their_part(text: str, *, name: str, everyone: Sequence[str] = ()) -> str:
    """The sentences of ``text`` that name the person called ``name`` (see
    ``_names_of``), as one quote; "" when none does."""
    pattern = _names_pattern(_names_of(name, everyone or [name]))
    if pattern is None:
        return ""
    return _quote([s for s in _sentences(text) if pattern.search(s)])


def plan_for(plan: str, *, name: str, everyone: Sequence[str]) -> str:
    """What a thank-you plan says for this interviewer: the sentences naming
    them; the whole plan when it names none of the round's interviewers (it is
    then for each of them); "" when it only names others."""
    if not plan.strip():
        return ""
    mine = their_part(plan, name=name, everyone=everyone)
    if mine:
        return mine
    anyone = _names_pattern([n for other in everyone for n in _names_of(other, everyone)])
    if anyone is not None and anyone.search(plan):
        return ""
    return _quote(_sentences(plan))


def thank_you_draft(
    round: InterviewRound,
    *,
    interviewer: Interviewer | None,
    sender_name: str,
    sources: ThankYouSources | None = None,
) -> dict[str, str]:
    """To, subject and body of a first thank-you draft to one interviewer (or to
    someone else when ``interviewer`` is None), in the words of
    templates/drafts/thank_you_*.txt: thanks for their time, one specific thing
    from the conversation, a clear wish to get the job, the hope to hear back soon.

    The specific thing stays a placeholder (``PLACEHOLDER``) for the candidate to
    write: their notes are not yet words to send. It names the interviewer and
    quotes what the candidate wrote about them — the debrief's and the asked
    questions' sentences that name them, and the thank-you plan from the
    checklist — so two interviewers never get the same draft."""
    sources = sources or ThankYouSources()
    opportunity = round.opportunity
    context = {
        "interviewer": interviewer.first_name if interviewer else "",
        "interviewer_name": _full_name(interviewer.name) if interviewer else "",
        "position": opportunity.position,
        "company": opportunity.company,
        "sender_name": sender_name,
        "debrief_part": "",
        "plan_part": "",
    }
    if interviewer is not None:
        everyone = list(sources.interviewers) or [interviewer.name]
        notes = "\n".join([sources.debrief, *sources.asked])
        context["debrief_part"] = their_part(notes, name=interviewer.name, everyone=everyone)
        plans = [plan_for(plan, name=interviewer.name, everyone=everyone) for plan in sources.plans]
        context["plan_part"] = _quote([plan for plan in plans if plan]) if any(plans) else ""
    subject = render_to_string("drafts/thank_you_subject.txt", context)
    body = render_to_string("drafts/thank_you_body.txt", context)
    return {
        "to": interviewer.email if interviewer else "",
        "subject": " ".join(subject.split()),
        "body": body.strip("\n"),
    }
