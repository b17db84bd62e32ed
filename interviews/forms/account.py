"""Forms of the account pages: the user's own profile."""

from __future__ import annotations

from django import forms

from ..models import (
    User,
    time_zone_choices,
)
from .layout import form_helper


class ProfileForm(forms.ModelForm):
    time_zone = forms.ChoiceField(
        label="Time zone",
        choices=time_zone_choices,
        help_text="Interview times are entered and shown in this time zone.",
    )

    class Meta:
        model = User
        fields = ["full_name", "time_zone"]
        labels = {"full_name": "Your name"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper("Save profile")
