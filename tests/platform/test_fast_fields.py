"""The fast field markup (interviews/forms/fields.py) is crispy-bootstrap5's:
the same elements, classes, labels, error text and ARIA, compared as parsed
HTML, for every widget it renders itself, blank and with errors."""

import pytest
from django import forms
from django.template import Context, Template
from django.test.html import parse_html

from interviews.forms.fields import render_field, render_fields

CRISPY_FIELD = Template("{% load crispy_forms_tags %}{{ field|as_crispy_field }}")


class Sample(forms.Form):
    name = forms.CharField(label="Your <name>", help_text="As on your CV & letters", max_length=20)
    body = forms.CharField(widget=forms.Textarea, required=False, label="Answer")
    done = forms.BooleanField(required=False, label="Done it", help_text="Tick when done")
    kind = forms.ChoiceField(choices=[("a", "A & B"), ("b", "<b>")], label="Kind")
    email = forms.EmailField(label="Email")
    secret = forms.CharField(widget=forms.PasswordInput, label="Password")
    note = forms.CharField(
        required=False,
        label="Note",
        widget=forms.TextInput(attrs={"aria-describedby": "note-hint", "autocomplete": "off"}),
    )
    token = forms.CharField(widget=forms.HiddenInput, required=False)
    due = forms.DateField(
        required=False,
        label="Due date",
        help_text="Or empty",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


BAD = {
    "name": "x" * 30,
    "body": '<script>alert("x")</script>',
    "done": "on",
    "kind": "b",
    "email": "not an email",
    "secret": "",
    "note": '"quoted" & <tagged>',
    "token": "<t>",
    "due": "2031-02-30",
}


@pytest.mark.parametrize("data", [None, BAD], ids=["blank", "with-errors"])
def test_each_field_renders_as_crispy_does(data):
    form = Sample(data=data, initial={"kind": "a"})
    if data:
        assert not form.is_valid()
    for field in form:
        crispy = CRISPY_FIELD.render(Context({"field": field}))
        assert parse_html(str(render_field(field))) == parse_html(crispy), field.name


def test_values_and_labels_are_escaped():
    form = Sample(data=BAD)
    form.is_valid()
    html = str(render_fields(form))
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "Your &lt;name&gt;" in html
    assert 'value="&quot;quoted&quot; &amp; &lt;tagged&gt;"' in html
    assert '<option value="b" selected>&lt;b&gt;</option>' in html


def test_form_errors_come_first_after_hidden_fields():
    form = Sample(data=BAD)
    form.is_valid()
    form.add_error(None, "Saved elsewhere <meanwhile>.")
    html = str(render_fields(form))
    assert html.index('type="hidden"') < html.index("alert-danger") < html.index("div_id_name")
    assert "Saved elsewhere &lt;meanwhile&gt;." in html
