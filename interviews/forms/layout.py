"""The crispy-forms layout every form shares; validation stays in the forms."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit


def form_helper(submit_label: str | None = None, *, form_tag: bool = True) -> FormHelper:
    """A form's own <form> with one submit button (or none: the page adds it)."""
    helper = FormHelper()
    helper.form_tag = form_tag
    if submit_label:
        helper.add_input(Submit("submit", submit_label))
    return helper


def fields_only_helper() -> FormHelper:
    """Fields without <form> tag or CSRF token: the page wraps several forms in one."""
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    return helper
