"""``{{ form|fast_fields }}`` and ``{{ field|fast_field }}``: the fast field
markup of interviews/forms/fields.py for the per-item forms."""

from django import template

from ..forms.fields import render_choice_buttons, render_field, render_fields
from ..models import ItemMark

register = template.Library()


@register.filter
def fast_fields(form):
    return render_fields(form)


@register.filter
def fast_field(field):
    return render_field(field)


@register.filter
def mark_buttons(field):
    """An item's review mark as OK / Needs work / Not reviewed buttons."""
    return render_choice_buttons(field, order=(ItemMark.OK, ItemMark.NEEDS_WORK, ItemMark.NONE))
