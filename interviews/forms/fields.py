"""Fast Bootstrap 5 markup for the fields repeated on every checklist item
(and the login form, the most requested page).

The fill-in and review pages show up to 200 items, each with a few fields.
crispy-forms renders every field through several templates, which made it
most of those pages' time (issue 13); the ordinary one-per-page forms keep
it. This renders the same markup crispy-bootstrap5 gives these simple widgets
(a text box, a text area, a tick box, a drop-down, a date, a hidden input) with
``format_html``: the same classes, labels, error text and ARIA, with the
error and help text also named in ``aria-describedby``. Any other widget
falls back to Django's own rendering of it.
"""

from __future__ import annotations

import html

from django import forms
from django.forms.boundfield import BoundField
from django.utils.safestring import SafeString, mark_safe

_WIDGET_CLASSES = {
    forms.Textarea: "textarea form-control",
    forms.TextInput: "textinput form-control",
    forms.EmailInput: "emailinput form-control",
    forms.PasswordInput: "passwordinput form-control",
    forms.CheckboxInput: "checkboxinput form-check-input",
    forms.Select: "select form-select",
    forms.DateInput: "dateinput form-control",
}
# Attributes this module writes itself; a widget's own are kept otherwise.
_OWN_ATTRS = {"class", "id", "name", "aria-describedby", "aria-invalid"}


def _attrs(pairs: dict) -> SafeString:
    """` name="value"` pairs; True is a bare attribute, None or False is left out.
    (Escaped with the standard library's html.escape, as Django's escape() is,
    without a SafeString per attribute: this runs for every field of every item.)"""
    parts = []
    for name, value in pairs.items():
        if value is None or value is False:
            continue
        if value is True:
            parts.append(f" {_escape(name)}")
        else:
            parts.append(f' {_escape(name)}="{_escape(value)}"')
    return mark_safe("".join(parts))  # noqa: S308 - every name and value escaped above


def _escape(value) -> str:
    """Django's escape() without the SafeString: markup marked safe is kept as is."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


def _input(
    field: BoundField,
    widget: forms.Widget,
    field_id: str,
    css: str,
    described_by: str,
    invalid: bool,
) -> str:
    widget_attrs = {
        k: v for k, v in field.build_widget_attrs(widget.attrs).items() if k not in _OWN_ATTRS
    }
    attrs = {
        "name": field.html_name,
        **widget_attrs,
        "class": f"{css} is-invalid" if invalid else css,
        "aria-invalid": "true" if invalid else None,
        "aria-describedby": described_by or None,
        "id": field_id,
    }
    value = field.value()
    if isinstance(widget, forms.Textarea):
        attrs = {"name": field.html_name, "cols": "40", "rows": "10", **attrs}
        text = widget.format_value(value) or ""
        return f"<textarea{_attrs(attrs)}>\n{_escape(text)}</textarea>"
    if isinstance(widget, forms.CheckboxInput):
        return f'<input type="checkbox"{_attrs({**attrs, "checked": widget.check_test(value)})}>'
    if isinstance(widget, forms.Select):
        chosen = {str(v) for v in (value if isinstance(value, list | tuple) else [value])}
        options = "".join(
            f'<option value="{_escape(key)}"{" selected" if str(key) in chosen else ""}>'
            f"{_escape(label)}</option>"
            for key, label in field.field.choices
        )
        return f"<select{_attrs(attrs)}>{options}</select>"
    # A date box is a text input whose attrs may ask for type="date".
    kind = attrs.pop("type", None) or widget.input_type
    if isinstance(widget, forms.PasswordInput) and not widget.render_value:
        value = None
    formatted = widget.format_value(value)
    return f'<input type="{_escape(kind)}"{_attrs({**attrs, "value": formatted or None})}>'


def render_field(field: BoundField) -> SafeString:
    """One field as crispy-bootstrap5 lays it out. (Built with f-strings and
    ``_escape`` rather than ``format_html``, each BoundField property read
    once: this runs for every field of every item, issue 25.)"""
    widget = field.field.widget
    if type(widget) is forms.HiddenInput:
        attrs = {
            "name": field.html_name,
            "value": widget.format_value(field.value()),
            "id": field.auto_id or None,
        }
        return mark_safe(f'<input type="hidden"{_attrs(attrs)}>')  # noqa: S308 - escaped
    if widget.is_hidden:
        return SafeString(str(field))
    css = next((c for kind, c in _WIDGET_CLASSES.items() if type(widget) is kind), None)
    if css is None:
        return SafeString(field.as_field_group())
    field_id = field.id_for_label
    errors = field.errors
    invalid = bool(errors)
    help_text = field.help_text
    described = [widget.attrs.get("aria-describedby", "")]
    if help_text:
        described.append(f"{field_id}_helptext")
    if invalid:
        described.append(f"{field_id}_error")
    described_by = " ".join(d for d in described if d)
    control = _input(field, widget, field_id, css, described_by, invalid)
    id_ = _escape(field_id)
    error_html = (
        f'<div id="{id_}_error" class="invalid-feedback">'
        + "".join(
            f'<p id="error_{n}_{id_}"><strong>{_escape(e)}</strong></p>'
            for n, e in enumerate(errors, start=1)
        )
        + "</div>"
        if invalid
        else ""
    )
    help_html = (
        f'<div id="{id_}_helptext" class="form-text">{_escape(help_text)}</div>'
        if help_text
        else ""
    )
    label = _escape(field.label)
    required = field.field.required
    star = '<span class="asteriskField">*</span>' if required else ""
    if isinstance(widget, forms.CheckboxInput):
        return mark_safe(  # noqa: S308 - every value escaped above
            f'<div class="mb-3"><div id="div_{id_}" class="form-check">{control}'
            f'<label for="{id_}" class="form-check-label">{label}{star}</label>'
            f"{error_html}{help_html}</div></div>"
        )
    return mark_safe(  # noqa: S308 - every value escaped above
        f'<div id="div_{id_}" class="mb-3">'
        f'<label for="{id_}" class="form-label{" requiredField" if required else ""}">'
        f"{label}{star}</label>{control}{error_html}{help_html}</div>"
    )


def render_choice_buttons(field: BoundField, *, order: tuple[str, ...] = ()) -> SafeString:
    """A choice field as a row of toggle buttons (radio inputs, so arrow keys
    move between them and the form posts the same value a drop-down would),
    grouped in a fieldset whose legend is the field's label, for screen
    readers only. ``order``: the choices' values in the order to show them."""
    field_id = field.id_for_label
    chosen = str(field.value() or "")
    choices = list(field.field.choices)
    if order:
        choices.sort(key=lambda choice: order.index(str(choice[0])))
    buttons = []
    for n, (value, label) in enumerate(choices):
        input_id = f"{field_id}_{n}"
        buttons.append(
            f'<input type="radio" class="btn-check"'
            f"{_attrs({'name': field.html_name, 'id': input_id, 'value': value})}"
            f"{' checked' if str(value) == chosen else ''}>"
            f'<label class="btn btn-outline-secondary mark-{_escape(value) or "none"}"'
            f' for="{_escape(input_id)}">{_escape(label)}</label>'
        )
    errors = "".join(f'<p class="text-danger small mb-0">{_escape(e)}</p>' for e in field.errors)
    return mark_safe(  # noqa: S308 - every value escaped above
        f'<fieldset class="choice-buttons" id="{_escape(field_id)}">'
        f'<legend class="visually-hidden">{_escape(field.label)}</legend>'
        f'<div class="btn-group btn-group-sm flex-wrap">{"".join(buttons)}</div>{errors}'
        "</fieldset>"
    )


def render_fields(form: forms.Form) -> SafeString:
    """Every field of ``form`` in order (hidden ones first, as crispy does),
    with the form's own (non-field) errors on top."""
    fields = list(form)
    parts = [render_field(f) for f in fields if f.is_hidden]
    non_field = form.non_field_errors()
    if non_field:
        items = "".join(f"<li>{_escape(e)}</li>" for e in non_field)
        parts.append(
            '<div class="alert alert-block alert-danger"><ul class="m-0">' + items + "</ul></div>"
        )
    parts += [render_field(f) for f in fields if not f.is_hidden]
    return mark_safe(" ".join(parts))  # noqa: S308 - each part is escaped markup


# ---------------------------------------------------------------- coach: candidates, rounds


def check_year(value, field_label: str):
    """Keep dates in a range a person could mean (and the database can store in
    any time zone)."""
    if value is not None and not (2000 <= value.year <= 2100):
        raise forms.ValidationError(f"Enter a {field_label} between the years 2000 and 2100.")
    return value
