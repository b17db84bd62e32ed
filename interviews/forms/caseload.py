"""The caseload: a candidate and an opportunity."""

from __future__ import annotations

from django import forms

from ..models import Candidate, Opportunity, User
from .layout import form_helper


class CandidateForm(forms.ModelForm):
    """A coach's candidate. Emails are unique per coach, compared case-insensitively."""

    class Meta:
        model = Candidate
        fields = ["full_name", "email", "headline", "notes"]
        labels = {"full_name": "Full name", "headline": "Headline / target role"}
        help_texts = {
            "email": "The invitation and checklists are sent here.",
            "notes": "Only you see these; the candidate never does.",
        }
        widgets = {"notes": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, coach: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.coach = coach
        self.helper = form_helper("Save candidate" if self.instance.pk else "Add candidate")

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        duplicate = (
            Candidate.objects.for_coach(self.coach)
            .filter(email__iexact=email)
            .exclude(pk=self.instance.pk)
            .first()
        )
        if duplicate is not None:
            state = " (archived)" if duplicate.archived else ""
            raise forms.ValidationError(
                f"You already have a candidate with this email: {duplicate}{state}."
            )
        return email

    def save(self, commit: bool = True) -> Candidate:
        self.instance.coach = self.coach
        return super().save(commit=commit)


class OpportunityForm(forms.ModelForm):
    link = forms.URLField(
        label="Job link",
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text="Optional: the job advert or company careers page.",
    )

    class Meta:
        model = Opportunity
        fields = ["company", "position", "link", "status"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper("Save opportunity" if self.instance.pk else "Add opportunity")
