"""Emails the candidate sends from their own mail program: the mailto: link that
opens a draft there, and the thank-you draft offered after an interview.

Coachsite never sends these itself; the prose lives in templates/drafts/.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import quote

from django.template.loader import render_to_string

if TYPE_CHECKING:
    from ..models import Interviewer, InterviewRound


def mailto_url(to: str, subject: str, body: str) -> str:
    """A mailto: link that opens the candidate's own mail program with the draft."""
    query = []
    if subject:
        query.append(f"subject={quote(subject, safe='')}")
    if body:
        query.append(f"body={quote(body, safe='')}")
    address = quote(to.strip(), safe="@,+")
    return f"mailto:{address}" + (f"?{'&'.join(query)}" if query else "")


def thank_you_draft(
    round: InterviewRound, *, interviewer: Interviewer | None, sender_name: str
) -> dict[str, str]:
    """To, subject and body of a first thank-you draft to one interviewer (or to
    someone else when ``interviewer`` is None), in the words of
    templates/drafts/thank_you_*.txt: thanks for their time, one specific thing
    from the conversation (left for the candidate to fill in from the debrief),
    a clear wish to get the job, the hope to hear back soon."""
    opportunity = round.opportunity
    context = {
        "interviewer": interviewer.first_name if interviewer else "",
        "position": opportunity.position,
        "company": opportunity.company,
        "sender_name": sender_name,
    }
    subject = render_to_string("drafts/thank_you_subject.txt", context)
    body = render_to_string("drafts/thank_you_body.txt", context)
    return {
        "to": interviewer.email if interviewer else "",
        "subject": " ".join(subject.split()),
        "body": body.strip("\n"),
    }
