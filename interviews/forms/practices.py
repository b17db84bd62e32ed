"""Forms for practices: naming one, inviting a coach, roles, joining."""

from __future__ import annotations

from crispy_forms.layout import Submit
from django import forms

from ..models import Practice, PracticeRole, User
from .accounts import NewAccountForm
from .layout import form_helper


class PracticeForm(forms.ModelForm):
    class Meta:
        model = Practice
        fields = ["name"]
        labels = {"name": "Practice name"}
        help_texts = {"name": "Your team's name as your coaches know it, e.g. “Northstar Careers”."}

    def __init__(self, *args, submit_label: str = "Save", action: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs["autocomplete"] = "organization"
        self.helper = form_helper(submit_label)
        if action:
            self.helper.form_action = action

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError("Give the practice a name.")
        return name


class PracticeInviteForm(forms.Form):
    """The lead invites a coach by email; the service sends the link."""

    email = forms.EmailField(
        label="Coach's email",
        max_length=254,
        help_text="We email a link to join. It works once and expires after 7 days.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs["autocomplete"] = "off"
        self.helper = form_helper()
        # Its own button name: the members page has a second form (rename), and
        # crispy derives the button's id from its name.
        self.helper.add_input(Submit("invite", "Send invitation"))
        self.helper.form_action = "practice:member_invite"


class MembershipRoleForm(forms.Form):
    """One member's role; the members page draws the select itself (one per row)."""

    role = forms.ChoiceField(label="Role", choices=PracticeRole.choices)


class PracticeSignupForm(NewAccountForm):
    """Joining a practice as a new coach: a name and a password for the
    invited email."""

    def __init__(self, email: str, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email
        self.fields["full_name"].widget.attrs["autocomplete"] = "name"
        self.helper = form_helper("Create account and join")


class CoachChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.get_full_name()} ({obj.email})" if obj.full_name else obj.email


class ReassignForm(forms.Form):
    """The lead picks the coach a candidate moves to: another member of the
    practice (``coaches``, from caseload.reassign_choices)."""

    coach = CoachChoiceField(
        label="New coach",
        queryset=User.objects.none(),
        empty_label="Choose a coach",
        help_text="The candidate and both coaches are emailed. Checklists, rounds, "
        "reviews and comments move with the candidate and keep their authors.",
    )

    def __init__(self, *args, coaches, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["coach"].queryset = coaches
        self.helper = form_helper("Reassign")
