"""Sample answers for a checklist: the demo data, the tests and the browser
journeys fill checklists the same way, through ``services.checklists.assignment_save``.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..models import Assignment, ItemKind

SAMPLE_EMAIL = {
    "email_to": "pat@example.com",
    "email_subject": "Thank you",
    "email_body": "Thank you for your time.",
}


def sample_responses(
    assignment: Assignment,
    *,
    text: str = "Answer to {prompt}",
    email: Mapping[str, str] = SAMPLE_EMAIL,
    answers: Mapping[int, dict] | None = None,
    required_only: bool = False,
) -> dict[int, tuple[int, dict]]:
    """The ``responses`` of ``services.checklists.assignment_save`` that complete every item
    (every required one with ``required_only``), each at its current version.

    An item gets ``answers[position]`` when given; otherwise a written answer
    from ``text`` (formatted with the item's ``prompt``), a tick for a task, or
    ``email`` for a thank-you email.
    """
    answers = answers or {}
    responses = {}
    for item in assignment.items.all():
        if required_only and not item.required:
            continue
        if item.position in answers:
            values = dict(answers[item.position])
        elif item.kind == ItemKind.TEXT:
            values = {"response_text": text.format(prompt=item.prompt)}
        elif item.kind == ItemKind.CHECK:
            values = {"done": True}
        else:
            values = dict(email)
        responses[item.pk] = (item.version, values)
    return responses
