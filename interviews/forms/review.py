"""The coach's review of a submitted checklist: the verdict, and a mark and a
comment per item (the page is views/review.py; the comment box it shares with
the candidate's page is forms.checklists.CommentForm).
"""

from __future__ import annotations

from collections.abc import Iterable

from django import forms

from ..models import AssignmentItem, RehearsalTake, Review
from .layout import fields_only_helper


class ReviewForm(forms.Form):
    """The coach's verdict with a mark and an optional comment per item."""

    ACTIONS = {
        "approve": Review.Verdict.APPROVED,
        "request_changes": Review.Verdict.CHANGES_REQUESTED,
    }
    #: Not a verdict: fills every "Not reviewed" mark with OK and shows the
    #: form again, with everything else the coach typed; nothing is stored.
    MARK_UNREVIEWED_OK = "mark_unreviewed_ok"

    action = forms.ChoiceField(
        choices=[
            ("approve", "Approve"),
            ("request_changes", "Request changes"),
            (MARK_UNREVIEWED_OK, "Mark the unreviewed items OK"),
        ],
        widget=forms.HiddenInput,
    )
    note = forms.CharField(
        label="Overall note to the candidate",
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Needed when you request changes without marking an item as needing work.",
    )

    def __init__(
        self,
        items: Iterable[AssignmentItem],
        data=None,
        *,
        takes: dict[int, RehearsalTake] | None = None,
    ):
        super().__init__(data)
        self.items = list(items)
        #: The rehearsal take sent to the coach, by item id: a comment box each.
        self.takes = takes or {}
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
            take = self.takes.get(item.pk)
            if take is not None:
                self.fields[f"take-comment-{item.pk}"] = forms.CharField(
                    label=f"Comment on the rehearsal of item {item.position}",
                    required=False,
                    max_length=5000,
                    initial=take.coach_comment,
                    widget=forms.Textarea(attrs={"rows": 2}),
                )
        self.helper = fields_only_helper()

    @property
    def marks_unreviewed_ok(self) -> bool:
        """The coach pressed "Mark the unreviewed items OK", not a verdict."""
        return self.cleaned_data["action"] == self.MARK_UNREVIEWED_OK

    def verdict(self) -> str:
        return self.ACTIONS[self.cleaned_data["action"]]

    def _effective_mark(self, item: AssignmentItem) -> str:
        """The mark the item will have: the one sent, else the stored one."""
        key = f"mark-{item.pk}"
        if self.is_bound and key in self.data:
            # An invalid form shown again counts its marks as sent.
            return getattr(self, "cleaned_data", {}).get(key, self.data[key])
        return self.fields[key].initial

    def unmarked(self) -> int:
        """How many items the verdict leaves "Not reviewed"."""
        return sum(
            1 for item in self.items if self._effective_mark(item) == AssignmentItem.Mark.NONE
        )

    def with_unreviewed_marked_ok(self) -> ReviewForm:
        """The same form, every "Not reviewed" mark set to OK; the other marks,
        the comments and the note as the coach typed them."""
        data = self.data.copy()
        for item in self.items:
            data[f"mark-{item.pk}"] = self._effective_mark(item) or AssignmentItem.Mark.OK
        form = ReviewForm(self.items, data, takes=self.takes)
        form.is_valid()  # already valid: only marks changed, to a valid choice
        return form

    def marks(self) -> dict[int, str]:
        # Only the marks that were sent: a post without them keeps the stored marks.
        return {
            item.pk: self.cleaned_data[f"mark-{item.pk}"]
            for item in self.items
            if f"mark-{item.pk}" in self.data
        }

    def comments(self) -> dict[int, str]:
        return {item.pk: self.cleaned_data[f"comment-{item.pk}"] for item in self.items}

    def take_comments(self) -> dict[int, str]:
        """The comments on the takes, by take id; only those sent (a post
        without them keeps the stored comments)."""
        return {
            take.pk: self.cleaned_data[f"take-comment-{pk}"]
            for pk, take in self.takes.items()
            if f"take-comment-{pk}" in self.data
        }
