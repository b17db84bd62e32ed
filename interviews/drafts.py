"""Emails the candidate sends from their own mail program: the mailto: link that
opens a draft there, and the thank-you draft offered after an interview.

Coachsite never sends these itself; the prose lives in templates/drafts/.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import quote

from django.template.loader import render_to_string

if TYPE_CHECKING:
    from .models import InterviewRound


def mailto_url(to: str, subject: str, body: str) -> str:
    """A mailto: link that opens the candidate's own mail program with the draft."""
    query = []
    if subject:
        query.append(f"subject={quote(subject, safe='')}")
    if body:
        query.append(f"body={quote(body, safe='')}")
    address = quote(to.strip(), safe="@,+")
    return f"mailto:{address}" + (f"?{'&'.join(query)}" if query else "")


def first_name_of(names: str) -> str:
    """The first person of a free-text list of interviewers:
    "Tom Becker (Head of Analytics), Ann Lee" -> "Tom Becker"."""
    first = names.split(",")[0].split(" and ")[0].split("(")[0]
    return first.strip()


def thank_you_draft(round: InterviewRound, sender_name: str) -> dict[str, str]:
    """To, subject and body of a thank-you email for a round, as a first draft."""
    opportunity = round.opportunity
    context = {
        "interviewer": first_name_of(round.interviewer_names),
        "position": opportunity.position,
        "company": opportunity.company,
        "sender_name": sender_name,
    }
    subject = render_to_string("drafts/thank_you_subject.txt", context)
    body = render_to_string("drafts/thank_you_body.txt", context)
    return {
        "thank_you_to": round.interviewer_email,
        "thank_you_subject": " ".join(subject.split()),
        "thank_you_body": body.strip("\n"),
    }
