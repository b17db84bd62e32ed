"""Forms of the candidate's round page: debrief, outcome and thank-you draft."""

from __future__ import annotations

from django import forms

from ..drafts import thank_you_draft
from ..models import InterviewRound
from .layout import fields_only_helper

# ---------------------------------------------------------------- round follow-up


class RoundFollowUpForm(forms.ModelForm):
    """The candidate's debrief, outcome and (when no checklist has one) thank-you draft."""

    class Meta:
        model = InterviewRound
        fields = ["debrief_notes", "outcome", "thank_you_to", "thank_you_subject", "thank_you_body"]
        labels = {
            "debrief_notes": "Debrief notes",
            "outcome": "Outcome",
            "thank_you_to": "To",
            "thank_you_subject": "Subject",
            "thank_you_body": "Body",
        }
        help_texts = {
            "debrief_notes": "How did it go? What were you asked, what did you learn, what is "
            "still open? Write it while it is fresh.",
            "outcome": "Change it when the company tells you.",
        }
        widgets = {
            "debrief_notes": forms.Textarea(attrs={"rows": 6}),
            "thank_you_body": forms.Textarea(attrs={"rows": 8}),
        }

    def __init__(self, *args, with_thank_you: bool = True, sender_name: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        round = self.instance
        if not with_thank_you:
            for name in ("thank_you_to", "thank_you_subject", "thank_you_body"):
                del self.fields[name]
        elif not (round.thank_you_to or round.thank_you_subject or round.thank_you_body):
            self.initial.update(thank_you_draft(round, sender_name))
        self.helper = fields_only_helper()

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.fields}
