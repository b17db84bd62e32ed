"""Forms of the public pages: logging in and accepting an invitation."""

from __future__ import annotations

from django import forms
from django.contrib.auth import authenticate, password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.template import loader

from .. import throttle
from ..models import (
    Candidate,
    User,
)
from ..validators import validate_single_line
from .layout import form_helper


class EmailAuthenticationForm(AuthenticationForm):
    """Django's login form, labelled for email login."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "Email"
        self.fields["username"].widget.attrs.update({"autocomplete": "email", "autofocus": True})
        self.helper = form_helper("Log in")


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
        from ..notifications import queue_email

        subject = " ".join(loader.render_to_string(subject_template_name, context).split())
        body = loader.render_to_string(email_template_name, context)
        queue_email(to=to_email, subject=subject, body=body, secret=True)


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
