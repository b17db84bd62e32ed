"""Forms of the checklist loop: the candidate's answers (one small form per item,
prefixed with the item's id), comments, the coach's review and the round follow-up.

Validation lives here; the services decide what a state allows.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import quote

from crispy_forms.helper import FormHelper
from django import forms

from .models import AssignmentItem, InterviewRound, ItemKind
from .validators import validate_single_line

# Larger numbers overflow the database's integer on lookup.
MAX_VERSION = 2**31 - 1


def _fields_only_helper() -> FormHelper:
    """Fields without <form> tag or CSRF token: the page wraps several forms in one."""
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    return helper


def mailto_url(to: str, subject: str, body: str) -> str:
    """A mailto: link that opens the candidate's own mail program with the draft."""
    query = []
    if subject:
        query.append(f"subject={quote(subject, safe='')}")
    if body:
        query.append(f"body={quote(body, safe='')}")
    address = quote(to.strip(), safe="@,+")
    return f"mailto:{address}" + (f"?{'&'.join(query)}" if query else "")


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
        self.helper = _fields_only_helper()

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.response_fields}

    def typed_values(self) -> dict:
        """What the user sent, valid or not (to show it back when it cannot be saved)."""
        return {name: self[name].value() for name in self.response_fields}


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


class ChecklistForm:
    """Every item form of one checklist, posted together as one HTML form.

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
        self.helper = _fields_only_helper()

    def clean_body(self) -> str:
        body = self.cleaned_data["body"].strip()
        if not body:
            raise forms.ValidationError("Write something before posting.")
        return body


class ReviewForm(forms.Form):
    """The coach's verdict with a mark and an optional comment per item."""

    ACTIONS = {"approve": "approved", "request_changes": "changes_requested"}

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
        self.helper = _fields_only_helper()

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


# ---------------------------------------------------------------- round follow-up


def first_name_of(names: str) -> str:
    """ "Tom Becker (Head of Analytics), Ann Lee" -> "Tom Becker"."""
    first = names.split(",")[0].split(" and ")[0].split("(")[0]
    return first.strip()


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
            self.initial.update(self._thank_you_draft(round, sender_name))
        self.helper = _fields_only_helper()

    @staticmethod
    def _thank_you_draft(round: InterviewRound, sender_name: str) -> dict:
        position = round.opportunity.position
        company = round.opportunity.company
        name = first_name_of(round.interviewer_names)
        greeting = f"Dear {name}," if name else "Hello,"
        body = (
            f"{greeting}\n\n"
            f"Thank you for taking the time to talk with me about the {position} role at "
            f"{company}. I enjoyed learning more about the team and the work, and I would "
            "very much like to join you.\n\n"
            "I look forward to hearing from you.\n\n"
            f"Best regards,\n{sender_name}"
        )
        return {
            "thank_you_to": round.interviewer_email,
            "thank_you_subject": f"Thank you — {position} interview",
            "thank_you_body": body,
        }

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.fields}
