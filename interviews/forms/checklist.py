"""Forms of the checklist loop: the candidate's answers (one small form per item,
prefixed with the item's id, grouped by ChecklistItemForms), comments and the
coach's review.

Validation lives here; the services decide what a state allows.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from django import forms

from ..models import (
    AssignmentItem,
    ItemKind,
    Review,
)
from ..validators import validate_single_line
from .layout import fields_only_helper

# Larger numbers overflow the database's integer on lookup.
MAX_VERSION = 2**31 - 1


# ---------------------------------------------------------------- the candidate's answers


def _textarea(item: AssignmentItem, rows: int) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows, "aria-describedby": f"item-{item.pk}-prompt"})


class ItemForm(forms.Form):
    """The response to one checklist item; ``version`` is the item version the page showed."""

    response_fields: tuple[str, ...] = ()

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=MAX_VERSION)

    def __init__(self, item: AssignmentItem, data=None):
        super().__init__(
            data,
            prefix=f"item-{item.pk}",
            initial={**item.response(), "version": item.version},
        )
        self.item = item
        self.helper = fields_only_helper()

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.response_fields}

    def typed_values(self) -> dict:
        """What the user sent, valid or not (to show it back when it cannot be saved)."""
        return {name: self[name].value() for name in self.response_fields}

    def as_data(self, values: dict, *, version: int) -> dict:
        """``values`` as a browser would post them for this item (an unticked box
        is absent)."""
        data = {self.add_prefix("version"): str(version)}
        for name in self.response_fields:
            if isinstance(self.fields[name], forms.BooleanField):
                if values[name]:
                    data[self.add_prefix(name)] = "on"
            else:
                data[self.add_prefix(name)] = values[name] or ""
        return data


class TextItemForm(ItemForm):
    response_fields = ("response_text",)

    response_text = forms.CharField(
        label="Your answer", required=False, strip=False, max_length=20000
    )

    def __init__(self, item, data=None):
        super().__init__(item, data)
        self.fields["response_text"].widget = _textarea(item, 5)


class CheckItemForm(ItemForm):
    response_fields = ("done", "response_text")

    done = forms.BooleanField(label="Done", required=False)
    response_text = forms.CharField(
        label="Note (optional)", required=False, strip=False, max_length=20000
    )

    def __init__(self, item, data=None):
        super().__init__(item, data)
        self.fields["response_text"].widget = _textarea(item, 2)


class EmailItemForm(ItemForm):
    response_fields = ("email_to", "email_subject", "email_body")

    email_to = forms.CharField(
        label="To",
        required=False,
        max_length=254,
        help_text="The interviewer's email address.",
        validators=[validate_single_line],
    )
    email_subject = forms.CharField(
        label="Subject", required=False, max_length=200, validators=[validate_single_line]
    )
    email_body = forms.CharField(label="Body", required=False, strip=False, max_length=10000)

    def __init__(self, item, data=None):
        super().__init__(item, data)
        self.fields["email_body"].widget = _textarea(item, 8)


FORM_FOR_KIND = {
    ItemKind.TEXT: TextItemForm,
    ItemKind.CHECK: CheckItemForm,
    ItemKind.EMAIL: EmailItemForm,
}


class ChecklistItemForms:
    """A group of per-item forms, one per item of a checklist, posted together as
    one HTML form (it is not a Django Form itself).

    An item whose fields are missing from the POST is left out (not "emptied"),
    and ids the checklist does not have are never read, so a tampered or stale
    form cannot reach another checklist or crash the page.
    """

    def __init__(self, items: Iterable[AssignmentItem], data=None):
        self.forms: list[ItemForm] = []
        for item in items:
            form_class = FORM_FOR_KIND[item.kind]
            sent = data is not None and f"item-{item.pk}-version" in data
            self.forms.append(form_class(item, data if sent else None))

    @property
    def bound_forms(self) -> list[ItemForm]:
        return [form for form in self.forms if form.is_bound]

    def is_valid(self) -> bool:
        # Validate every form (no short-circuit) so that every error is shown.
        results = [form.is_valid() for form in self.bound_forms]
        return all(results)

    def error_list(self) -> list[tuple[ItemForm, str, str, str]]:
        """(form, field id, field label, message) for the error summary."""
        rows = []
        for form in self.bound_forms:
            for name, errors in form.errors.items():
                field = form[name]
                label = "Version" if name == "version" else field.label
                for error in errors:
                    rows.append((form, field.id_for_label, label, error))
        return rows

    def responses(self) -> dict[int, tuple[int, dict]]:
        """The input for services.assignment_save (call after is_valid)."""
        return {
            form.item.pk: (form.cleaned_data["version"], form.values()) for form in self.bound_forms
        }

    def rebound(
        self, items: Iterable[AssignmentItem], *, conflicts: Collection[int] = ()
    ) -> ChecklistItemForms:
        """The posted answers bound again to ``items`` as stored now, so that the
        next save starts from the stored versions (and overwriting a conflict is
        a deliberate choice).

        What the user typed is kept, except for an item that changed elsewhere
        (its version moved on) while this user left it alone: that one shows
        the newer stored answer. A conflicting item (in ``conflicts``) keeps
        the user's text; the page shows the stored text beside it.
        """
        posted = {form.item.pk: form for form in self.bound_forms}
        data = {}
        for item in items:
            form = posted.get(item.pk)
            if form is None:
                continue
            moved_on = str(form["version"].value()) != str(item.version)
            if moved_on and item.pk not in conflicts:
                values = {name: getattr(item, name) for name in form.response_fields}
            else:
                values = form.typed_values()
            data.update(form.as_data(values, version=item.version))
        return ChecklistItemForms(items, data)


# ---------------------------------------------------------------- comments and review


class CommentForm(forms.Form):
    # Not "required" in HTML: the box is optional on the page, only a post needs text.
    body = forms.CharField(
        label="Reply", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(
        self, item: AssignmentItem, data=None, *, label: str = "Reply", inline: bool = False
    ):
        """``inline``: the box is part of the candidate's checklist form, whose
        "Post reply" button saves the draft and posts the reply in one go, so
        nothing typed elsewhere on the page is lost. Otherwise the box posts on
        its own (plain name "body") through a separate <form> outside the page's
        main form, joined with the form attribute (forms cannot nest)."""
        super().__init__(
            data,
            prefix=f"comment-{item.pk}" if inline else None,
            auto_id=f"id_comment-{item.pk}-%s" if not inline else "id_%s",
        )
        self.item = item
        self.inline = inline
        self.fields["body"].label = label
        if not inline:
            self.fields["body"].widget.attrs["form"] = f"comment-form-{item.pk}"
        self.helper = fields_only_helper()

    def clean_body(self) -> str:
        body = self.cleaned_data["body"].strip()
        if not body:
            raise forms.ValidationError("Write something before posting.")
        return body


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
