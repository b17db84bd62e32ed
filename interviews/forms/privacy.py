"""The password confirmation of the erasure pages (README, "Privacy")."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest

from .. import throttle
from ..models import User
from .layout import form_helper


class PasswordConfirmForm(forms.Form):
    """The signed-in user's own password, asked again before an erasure;
    checked under the login's throttles (throttle.password_recheck)."""

    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user: User, request: HttpRequest, submit_label: str, **kwargs):
        self.user = user
        self.request = request
        super().__init__(*args, **kwargs)
        self.helper = form_helper(submit_label)
        self.helper.inputs[0].field_classes = "btn btn-danger"

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        error = throttle.password_recheck(
            request=self.request,
            user=self.user,
            password=password,
            wrong="That is not your password. Nothing was erased.",
        )
        if error:
            raise forms.ValidationError(error)
        return password
