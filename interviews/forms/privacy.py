"""The password confirmation of the erasure pages (README, "Privacy")."""

from __future__ import annotations

from django import forms

from ..models import User
from .layout import form_helper


class PasswordConfirmForm(forms.Form):
    """The signed-in user's own password, asked again before an erasure."""

    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user: User, submit_label: str, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        self.helper = form_helper(submit_label)
        self.helper.inputs[0].field_classes = "btn btn-danger"

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("That is not your password. Nothing was erased.")
        return password
