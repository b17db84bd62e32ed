"""The small pieces of markup shown on almost every row, and the one place a
status gets its colour.

``{{ readiness|readiness_meter }}``, ``{{ assignment|status_badge }}``,
``{{ round.outcome|outcome_badge }}`` and ``{{ when|due_badge:late }}`` render
at a fraction of an ``{% include %}``'s cost (issue 13). A thank-you note's state and an item's
review mark are drawn by their partials, which take the colour from here
(``note_colour``, ``mark_colour``). Labels are the choices' own; colours are
Bootstrap badge classes. Loaded for every template (settings.TEMPLATES
"builtins")."""

from django import template
from django.utils.html import format_html

from ..models import AssignmentStatus, ItemMark, RoundOutcome
from ..selectors.rounds import NoteStatus, note_status

register = template.Library()

STATUS_COLOURS = {
    AssignmentStatus.ASSIGNED: "text-bg-secondary",
    AssignmentStatus.IN_PROGRESS: "text-bg-info",
    AssignmentStatus.SUBMITTED: "text-bg-primary",
    AssignmentStatus.CHANGES_REQUESTED: "text-bg-warning",
    AssignmentStatus.APPROVED: "text-bg-success",
    AssignmentStatus.WITHDRAWN: "text-bg-dark",
}

OUTCOME_COLOURS = {
    RoundOutcome.PENDING: "text-bg-light border",
    RoundOutcome.ADVANCED: "text-bg-success",
    RoundOutcome.OFFER: "text-bg-success",
    RoundOutcome.REJECTED: "text-bg-danger",
    RoundOutcome.WITHDRAWN: "text-bg-secondary",
}

#: A round that will not take place (InterviewRound.is_cancelled), in place of its outcome.
CANCELLED_COLOUR = "text-bg-secondary"

NOTE_STATUS_COLOURS = {
    NoteStatus.DRAFT: "text-bg-light border",
    NoteStatus.AWAITING_CHECK: "text-bg-info",
    NoteStatus.COMMENTED: "text-bg-warning",
    NoteStatus.APPROVED: "text-bg-success",
    NoteStatus.SENT: "text-bg-success",
}

MARK_COLOURS = {
    ItemMark.OK: "text-bg-success",
    ItemMark.NEEDS_WORK: "text-bg-warning",
}


@register.filter
def readiness_meter(readiness) -> str:
    """A progress bar and "3 of 9 required done" (bold under half), or "No
    required items". ``readiness`` is a lib.readiness.Readiness."""
    if not readiness.total:
        return format_html('<span class="small text-body-secondary">{}</span>', "No required items")
    return format_html(
        '<span class="readiness d-inline-flex align-items-center gap-2 text-nowrap">'
        '<progress value="{}" max="{}" aria-label="Readiness">{}%</progress>'
        '<span class="small{}">{} of {} required done</span></span>',
        readiness.done,
        readiness.total,
        readiness.percent,
        " fw-semibold" if readiness.is_low else "",
        readiness.done,
        readiness.total,
    )


@register.filter
def status_badge(assignment) -> str:
    """A checklist's status in words and colour, from anything with its
    ``status`` (a checklist, or a row built for a page)."""
    status = AssignmentStatus(assignment.status)
    return format_html(
        '<span class="badge status-badge {}">{}</span>', STATUS_COLOURS[status], status.label
    )


@register.filter
def outcome_badge(outcome: str) -> str:
    """A round's outcome in words and colour: ``{{ round.outcome|outcome_badge }}``."""
    outcome = RoundOutcome(outcome)
    return format_html(
        '<span class="badge outcome-badge {}">{}</span>', OUTCOME_COLOURS[outcome], outcome.label
    )


@register.filter
def round_outcome_badge(round) -> str:
    """A past round's outcome, or "Cancelled" for one still pending whose
    opportunity was closed (``InterviewRound.is_cancelled``): it will get none."""
    if round.outcome == RoundOutcome.PENDING and round.is_cancelled:
        return format_html(
            '<span class="badge outcome-badge {}">{}</span>', CANCELLED_COLOUR, "Cancelled"
        )
    return outcome_badge(round.outcome)


@register.filter
def due_badge(when: str, late: bool) -> str:
    """A deadline in words: "Due in 5 h" in a quiet badge while there is time,
    "Overdue by 3 h" in red once it has passed. A normal state is not drawn as
    an alarm. ``{{ timeline.thank_you_due|due_badge:timeline.thank_you_overdue }}``."""
    return format_html(
        '<span class="badge due-badge {}">{}</span>',
        "text-bg-danger" if late else "text-bg-light border",
        when[:1].upper() + when[1:],
    )


@register.filter
def note_state(note) -> NoteStatus:
    """Where a thank-you note stands (selectors.rounds.note_status)."""
    return note_status(note)


@register.filter
def note_colour(status: NoteStatus) -> str:
    return NOTE_STATUS_COLOURS[status]


@register.filter
def mark_colour(mark: str) -> str:
    """The colour of a review mark; "" for an item not reviewed."""
    return MARK_COLOURS.get(mark, "")
