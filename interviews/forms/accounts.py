"""Accounts: logging in, joining through an invitation, the profile, two-factor
codes.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth import authenticate, password_validation
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
)
from django.template import loader

from .. import throttle, twofactor
from ..models import (
    Candidate,
    User,
    known_time_zone,
    time_zone_choices,
)
from ..validators import validate_single_line
from .layout import form_helper


class TimeZoneField(forms.ChoiceField):
    """The zones grouped by region, the person's current one first; any zone
    the database knows is accepted (an old alias such as "US/Eastern", or one
    a browser reports), anything else is refused."""

    def valid_value(self, value) -> bool:
        return bool(known_time_zone(value))


class ProfileForm(forms.ModelForm):
    # static/js/zone.js adds a search box above it and offers the browser's
    # zone first ("Detected: …"); without it, a plain grouped drop-down.
    time_zone = TimeZoneField(
        label="Time zone",
        help_text="Interview times are entered and shown in this time zone.",
        widget=forms.Select(attrs={"data-zone-picker": ""}),
    )

    class Meta:
        model = User
        fields = ["full_name", "time_zone"]
        labels = {"full_name": "Your name"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = self.instance.time_zone
        self.fields["time_zone"].choices = [
            ("Current", [(current, f"Current: {current.replace('_', ' ')}")]),
            *time_zone_choices(),
        ]
        self.helper = form_helper("Save profile")


class DetectedZoneField(forms.Field):
    """The browser's time zone, put in a hidden input by static/js/zone.js.
    Never an error: a value the zone database does not know, or none
    (no JavaScript), is "", and the service falls back to the inviting
    coach's zone."""

    widget = forms.HiddenInput(attrs={"data-detect-zone": ""})

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def clean(self, value) -> str:
        return known_time_zone(value)


class ZoneOfferForm(forms.Form):
    """The banner's one-click answer when a device reports another zone than
    the profile's (templates/base.html): the zone to use from now on."""

    # A plain Field: every refusal (empty, too long, a NUL, a folder of the
    # zone database) gets the one message below.
    time_zone = forms.Field(required=False)

    def clean_time_zone(self) -> str:
        zone = known_time_zone(self.cleaned_data["time_zone"])
        if not zone:
            raise forms.ValidationError(
                "Your device reported a time zone Coachsite does not know; "
                "choose yours on your profile page."
            )
        return zone


class EmailAuthenticationForm(AuthenticationForm):
    """Django's login form, labelled for email login."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "Email"
        self.fields["username"].widget.attrs.update({"autocomplete": "email", "autofocus": True})
        self.helper = form_helper("Log in")


class _RotatingSave:
    """A new password through ``services.accounts.user_password_set``, which
    also replaces the calendar address and the unsubscribe links."""

    def save(self, commit: bool = True) -> User:
        from ..services.accounts import user_password_set

        password = self.cleaned_data["new_password1"]
        if not commit:
            self.user.set_password(password)
            return self.user
        return user_password_set(user=self.user, password=password)


class ThrottledPasswordChangeForm(_RotatingSave, PasswordChangeForm):
    """Profile -> Change your password: Django's form, with the old password
    checked under the login's throttles (throttle.password_recheck) and the
    new one saved through user_password_set (the links rotate)."""

    def __init__(self, user, *args, request, **kwargs):
        super().__init__(user, *args, **kwargs)
        self.request = request

    def clean_old_password(self):
        old_password = self.cleaned_data["old_password"]
        error = throttle.password_recheck(
            request=self.request,
            user=self.user,
            password=old_password,
            wrong=self.error_messages["password_incorrect"],
        )
        if error:
            raise forms.ValidationError(error, code="password_incorrect")
        return old_password


class QueuedPasswordResetForm(PasswordResetForm):
    """Django's password reset, with the email handed to the worker like
    every other (the request does not wait for the mail server). The body
    holds a reset link, so it is blanked once sent.

    Throttled per address asked for and per client address (throttle.RESET_*):
    over a limit nothing is sent, and the page that follows is the same
    neutral one, so it tells nobody whether an account exists."""

    def save(self, *args, request=None, **kwargs):
        email = self.cleaned_data["email"]
        if throttle.allow(
            (throttle.RESET_EMAIL, email),
            (throttle.RESET_IP, throttle.client_ip(request) if request else None),
        ):
            super().save(*args, request=request, **kwargs)

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        from ..services.notifications import queue_email

        subject = " ".join(loader.render_to_string(subject_template_name, context).split())
        body = loader.render_to_string(email_template_name, context)
        queue_email(to=to_email, subject=subject, body=body, secret=True)


class RotatingSetPasswordForm(_RotatingSave, SetPasswordForm):
    """The password reset's new-password step."""


class InvitationLoginForm(forms.Form):
    """Accepting an invitation for an email that already has a login."""

    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, request, *args, initial=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
        self.email = (initial or {}).get("username", "")
        self.user_cache = None
        self.helper = form_helper("Log in and accept")

    def clean(self):
        cleaned = super().clean()
        password = cleaned.get("password")
        if password:
            self.user_cache = authenticate(self.request, username=self.email, password=password)
            if self.user_cache is None:
                raise forms.ValidationError("That password is not right for this account.")
        return cleaned

    def get_user(self):
        return self.user_cache


class NewAccountForm(forms.Form):
    """A new login for an invited address (``self.email``): a name and a
    password twice, checked by Django's password validators against it."""

    full_name = forms.CharField(
        label="Your name", max_length=150, validators=[validate_single_line]
    )
    time_zone = DetectedZoneField()
    password1 = forms.CharField(
        label="Choose a password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label="Repeat the password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    email = ""

    def clean(self):
        cleaned = super().clean()
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", "The two passwords do not match.")
        elif p1:
            probe = User(email=self.email, full_name=cleaned.get("full_name", ""))
            try:
                password_validation.validate_password(p1, probe)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return cleaned


class InvitationSignupForm(NewAccountForm):
    """Accepting an invitation as a new person: name and a password."""

    def __init__(self, candidate: Candidate, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.candidate = candidate
        self.email = candidate.email
        self.fields["full_name"].initial = candidate.full_name
        self.helper = form_helper("Set password and continue")


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
    """Switching off asks for both factors, so neither alone is enough. The
    password is checked under the login's throttles; a wrong code counts
    against the account's code allowance, and over it no code is checked."""

    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    code = _code_field(
        "Authentication code", "A code from your authenticator app, or a recovery code."
    )

    def __init__(self, *args, user, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.request = request
        self.helper = form_helper("Switch off two-factor login")
        self.helper.form_action = "two_factor_disable"
        self.fields["code"].widget.attrs.pop("autofocus")

    def clean_password(self):
        password = self.cleaned_data["password"]
        error = throttle.password_recheck(
            request=self.request,
            user=self.user,
            password=password,
            wrong="That is not your password.",
        )
        if error:
            raise forms.ValidationError(error)
        return password

    def clean(self):
        cleaned = super().clean()
        # The code is checked (and used up) only with the right password.
        if "password" not in cleaned or "code" not in cleaned:
            return cleaned
        key = throttle.key_for_user(self.user)
        if throttle.is_limited(throttle.CODE_ACCOUNT, key):
            self.add_error(
                "code", "Too many wrong codes for this account in the last hour; try again later."
            )
        elif twofactor.code_verify(user=self.user, code=cleaned["code"]) is None:
            throttle.hit(throttle.CODE_ACCOUNT, key)
            self.add_error("code", "That code is not right, or has been used already.")
        return cleaned
