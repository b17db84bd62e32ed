"""Helpers for the checklist-loop tests: build the POST of the fill-in form the way
the page renders it (one prefixed form per item, with its version)."""

from interviews import services
from interviews.models import Assignment, AssignmentItem


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
    responses = {}
    for it in assignment.items.all():
        if it.kind == "text":
            values = {"response_text": f"Answer to {it.prompt}"}
        elif it.kind == "check":
            values = {"done": True}
        else:
            values = {
                "email_to": "pat@example.com",
                "email_subject": "Thank you",
                "email_body": "Thank you for your time.",
            }
        responses[it.pk] = (it.version, values)
    services.assignment_save(
        assignment=assignment, by=assignment.candidate.user, responses=responses
    )


def submitted(assignment: Assignment) -> Assignment:
    """Fill every item and submit, as the candidate."""
    fill_all(assignment)
    services.assignment_submit(assignment=assignment, by=assignment.candidate.user)
    assignment.refresh_from_db()
    return assignment
