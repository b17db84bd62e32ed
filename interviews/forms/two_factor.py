"""Forms of two-factor login: the code step, confirming an app, switching it off."""

from __future__ import annotations

from django import forms

from .. import twofactor
from .layout import form_helper


def _code_field(label: str, help_text: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=32,
        help_text=help_text,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autocapitalize": "off",
                "spellcheck": "false",
                "autofocus": True,
            }
        ),
    )


class LoginCodeForm(forms.Form):
    """The second step of logging in; ``clean`` finds the device that accepts
    the code (and uses the code up)."""

    code = _code_field(
        "Authentication code",
        "The 6-digit code your authenticator app shows, or one of your recovery codes.",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.device = None
        self.helper = form_helper("Continue")

    def clean_code(self):
        code = self.cleaned_data["code"]
        if twofactor.code_throttled(user=self.user, code=code):
            raise forms.ValidationError(
                "Too soon after a wrong code: wait a few seconds, then try again."
            )
        self.device = twofactor.code_verify(user=self.user, code=code)
        if self.device is None:
            raise forms.ValidationError("That code is not right, or has been used already.")
        return code


class ConfirmAppForm(forms.Form):
    """The first code from a newly added app: it proves the app is set up."""

    code = _code_field("Code from the app", "The 6-digit code the app shows for Coachsite.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper("Switch on two-factor login")


class DisableForm(forms.Form):
    """Switching off asks for both factors, so neither alone is enough."""

    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    code = _code_field(
        "Authentication code", "A code from your authenticator app, or a recovery code."
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.helper = form_helper("Switch off two-factor login")
        self.helper.form_action = "two_factor_disable"
        self.fields["code"].widget.attrs.pop("autofocus")

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("That is not your password.")
        return password

    def clean(self):
        cleaned = super().clean()
        # The code is checked (and used up) only with the right password.
        if (
            "password" in cleaned
            and "code" in cleaned
            and twofactor.code_verify(user=self.user, code=cleaned["code"]) is None
        ):
            self.add_error("code", "That code is not right, or has been used already.")
        return cleaned
