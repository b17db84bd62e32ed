"""``{{ form|fast_fields }}`` and ``{{ field|fast_field }}``: the fast field
markup of interviews/forms/fields.py for the per-item forms."""

from django import template

from ..forms.fields import render_field, render_fields

register = template.Library()


@register.filter
def fast_fields(form):
    return render_fields(form)


@register.filter
def fast_field(field):
    return render_field(field)
