"""``{{ readiness|readiness_meter }}`` and ``{{ assignment|status_badge }}``: the
two small pieces of markup shown on almost every row of the dashboard, the
lists and the candidate's home. A filter renders them at a fraction of an
``{% include %}``'s cost (issue 13); the markup is what the two partials
used to hold. Loaded for every template (settings.TEMPLATES "builtins")."""

from django import template
from django.utils.html import format_html

register = template.Library()


@register.filter
def readiness_meter(readiness) -> str:
    """A progress bar and "3 of 9 required done" (bold under half), or "No
    required items". ``readiness`` is a readiness.Readiness."""
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
    """A checklist's status in words and colour (Assignment.STATUS_COLOURS)."""
    return format_html(
        '<span class="badge status-badge {}">{}</span>',
        assignment.status_colour,
        assignment.get_status_display(),
    )
