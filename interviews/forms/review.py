"""The coach's review of a submitted checklist: the verdict, and a mark and a
comment per item (the page is views/review.py; the comment box it shares with
the candidate's page is forms.checklists.CommentForm).
"""

from __future__ import annotations

from collections.abc import Iterable

from django import forms

from ..models import AssignmentItem, Review
from .layout import fields_only_helper


class ReviewForm(forms.Form):
    """The coach's verdict with a mark and an optional comment per item."""

    ACTIONS = {
        "approve": Review.Verdict.APPROVED,
        "request_changes": Review.Verdict.CHANGES_REQUESTED,
    }

    action = forms.ChoiceField(
        choices=[("approve", "Approve"), ("request_changes", "Request changes")],
        widget=forms.HiddenInput,
    )
    note = forms.CharField(
        label="Overall note to the candidate",
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Needed when you request changes without marking an item as needing work.",
    )

    def __init__(self, items: Iterable[AssignmentItem], data=None):
        super().__init__(data)
        self.items = list(items)
        for item in self.items:
            self.fields[f"mark-{item.pk}"] = forms.ChoiceField(
                label=f"Mark for item {item.position}",
                choices=AssignmentItem.Mark.choices,
                required=False,
                # A "needs work" the candidate has answered with a revision is
                # not carried forward by default: the coach looks again.
                initial="" if item.revised_since_mark else item.review_mark,
            )
            self.fields[f"comment-{item.pk}"] = forms.CharField(
                label=f"Comment on item {item.position}",
                required=False,
                max_length=5000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        self.helper = fields_only_helper()

    def verdict(self) -> str:
        return self.ACTIONS[self.cleaned_data["action"]]

    def marks(self) -> dict[int, str]:
        # Only the marks that were sent: a post without them keeps the stored marks.
        return {
            item.pk: self.cleaned_data[f"mark-{item.pk}"]
            for item in self.items
            if f"mark-{item.pk}" in self.data
        }

    def comments(self) -> dict[int, str]:
        return {item.pk: self.cleaned_data[f"comment-{item.pk}"] for item in self.items}
