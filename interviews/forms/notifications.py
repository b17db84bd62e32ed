"""The form of Profile → Notifications: which emails a user gets, and for a
coach, whether each kind comes straight away or in the daily digest.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import forms

from ..models import NotificationDelivery, User
from ..selectors import notifications as notifications_selectors


@dataclass(frozen=True)
class SettingsRow:
    """One kind on the settings page: its label and its fields (no delivery
    field for candidates: their emails always come straight away)."""

    kind: str
    label: str
    enabled: forms.BoundField
    delivery: forms.BoundField | None


class NotificationSettingsForm(forms.Form):
    """A checkbox ``enabled-<kind>`` per kind of the user, and for coaches a
    choice ``delivery-<kind>``; ``choices()`` is what
    ``services.notifications.notification_preferences_save`` takes."""

    def __init__(self, user: User, data=None):
        super().__init__(data)
        self.user = user
        self.preferences = notifications_selectors.preferences(user)
        for pref in self.preferences:
            self.fields[f"enabled-{pref.kind}"] = forms.BooleanField(
                label="Email me", required=False, initial=pref.enabled
            )
            if user.is_coach:
                self.fields[f"delivery-{pref.kind}"] = forms.ChoiceField(
                    # The error summary names the field by its label.
                    label=f"When to email about “{pref.label}”",
                    choices=NotificationDelivery.choices,
                    initial=pref.delivery,
                    widget=forms.RadioSelect,
                    error_messages={
                        "required": "Choose “Straight away” or “In one daily digest at 08:00”.",
                        "invalid_choice": (
                            "Choose “Straight away” or “In one daily digest at 08:00”."
                        ),
                    },
                )

    def rows(self) -> list[SettingsRow]:
        return [
            SettingsRow(
                kind=pref.kind,
                label=pref.label,
                enabled=self[f"enabled-{pref.kind}"],
                delivery=self[f"delivery-{pref.kind}"] if self.user.is_coach else None,
            )
            for pref in self.preferences
        ]

    def choices(self) -> dict[str, tuple[bool, str]]:
        """``{kind: (enabled, delivery)}`` from the cleaned data."""
        return {
            pref.kind: (
                self.cleaned_data[f"enabled-{pref.kind}"],
                self.cleaned_data.get(f"delivery-{pref.kind}", NotificationDelivery.INSTANT),
            )
            for pref in self.preferences
        }
