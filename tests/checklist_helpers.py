"""Helpers for the checklist-loop tests: build the POST of the fill-in form the way
the page renders it (one prefixed form per item, with its version)."""

import re

from django.contrib.messages import get_messages

from interviews.lib.demo import sample_responses
from interviews.models import Assignment, AssignmentItem, Review
from interviews.services import checklists as checklists_services


def form_data(assignment: Assignment, action: str = "save", **answers) -> dict:
    """The checklist form as a browser would post it.

    ``answers`` maps "item<position>" to a dict of field values that replace the
    stored ones, e.g. ``item1={"response_text": "Hello"}``.
    """
    data = {"action": action}
    for item in assignment.items.all():
        prefix = f"item-{item.pk}"
        values = {**item.response(), **answers.get(f"item{item.position}", {})}
        data[f"{prefix}-version"] = str(values.pop("version", item.version))
        if item.kind == "text":
            data[f"{prefix}-response_text"] = values["response_text"]
        elif item.kind == "check":
            if values["done"]:
                data[f"{prefix}-done"] = "on"
            data[f"{prefix}-response_text"] = values["response_text"]
        else:
            for name in ("email_to", "email_subject", "email_body"):
                data[f"{prefix}-{name}"] = values[name]
    return data


def item(assignment: Assignment, position: int) -> AssignmentItem:
    return assignment.items.get(position=position)


def fill_all(assignment: Assignment) -> None:
    """Complete every item through the service, as the candidate."""
    checklists_services.assignment_save(
        assignment=assignment,
        by=assignment.candidate.user,
        responses=sample_responses(assignment),
    )


def submitted(assignment: Assignment) -> Assignment:
    """Fill every item and submit, as the candidate."""
    fill_all(assignment)
    checklists_services.assignment_submit(assignment=assignment, by=assignment.candidate.user)
    assignment.refresh_from_db()
    return assignment


def round_form_data(**overrides) -> dict:
    """The coach's round form as a browser posts it."""
    return {
        "kind": "second",
        "scheduled_at": "2030-01-15T10:00",
        "location": "Video call",
        "duration_minutes": "60",
        "outcome": "pending",
        "outcome_notes": "",
        **overrides,
    }


def changes_requested(
    assignment: Assignment, coach, *, marks=(1,), comments: dict | None = None, note: str = ""
) -> Assignment:
    """Fill and submit, then the coach asks for changes: the items at the positions
    in ``marks`` marked "needs work", ``comments`` by position."""
    submitted(assignment)
    checklists_services.assignment_review(
        assignment=assignment,
        by=coach,
        verdict=Review.Verdict.CHANGES_REQUESTED,
        note=note,
        marks={item(assignment, p).pk: AssignmentItem.Mark.NEEDS_WORK for p in marks},
        comments={item(assignment, p).pk: body for p, body in (comments or {}).items()},
    )
    assignment.refresh_from_db()
    return assignment


def messages_of(response) -> list[tuple[str, str]]:
    """The (level, text) of the messages a response queued for the next page."""
    return [(m.level_tag, m.message) for m in get_messages(response.wsgi_request)]


def marks_as_rendered(html: str) -> dict[str, str]:
    """The review form's marks as the page checks them: what a browser posts
    for the mark buttons when the coach changes nothing (a group with no
    button checked posts nothing)."""
    marks = {}
    for attrs in re.findall(r'<input type="radio" class="btn-check"([^>]*)>', html):
        name = re.search(r'name="(mark-\d+)"', attrs)
        if name and " checked" in attrs:
            marks[name.group(1)] = re.search(r'value="([^"]*)"', attrs).group(1)
    return marks
