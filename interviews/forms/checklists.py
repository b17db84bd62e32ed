"""Forms of the checklist loop: the candidate's answers (one small form per item,
prefixed with the item's id, grouped by ChecklistItemForms), comments, the
candidate's checklist page as a whole (ChecklistPageForms). The coach's
assigning is in forms/assignments.py, the coach's review in forms/review.py.

Validation lives here; the services decide what a state allows.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django import forms
from django.utils.safestring import SafeString

from ..models import AssignmentItem, ItemKind
from ..selectors.sections import answer_label
from ..validators import validate_single_line
from .fields import render_fields

if TYPE_CHECKING:
    from ..services import Conflict

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
        label="My answer", required=False, strip=False, max_length=20000
    )

    def __init__(self, item, data=None):
        super().__init__(item, data)
        # "Questions I will ask" under a question for the interviewer, and so on.
        self.fields["response_text"].label = answer_label(item)
        self.fields["response_text"].widget = _textarea(item, 5)


class CheckItemForm(ItemForm):
    response_fields = ("done", "response_text")

    done = forms.BooleanField(label="Done", required=False)
    response_text = forms.CharField(label="Note", required=False, strip=False, max_length=20000)

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
        """The input for services.checklists.assignment_save (call after is_valid)."""
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


# ---------------------------------------------------------------- comments


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

    def clean_body(self) -> str:
        body = self.cleaned_data["body"].strip()
        if not body:
            raise forms.ValidationError("Write something before posting.")
        return body


@dataclass(frozen=True)
class ReplyBox:
    """An item's reply box as its comment thread draws it
    (templates/interviews/checklists/_item_comments.html): the fields rendered
    once, and what the thread asks of the form. The template looks nothing up
    on the form itself: Django's template lookup tries ``form[name]`` first,
    and a form answers each such lookup with a KeyError listing its fields,
    three per item on the candidate's page (issue 25)."""

    fields: SafeString
    #: Part of the candidate's checklist form (a "Save draft and post reply"
    #: button); otherwise posted by its own outside form.
    inline: bool
    #: Sent and refused, or typed and kept: shown open, with its message.
    typed: bool

    @classmethod
    def of(cls, form: CommentForm | None) -> ReplyBox | None:
        if form is None:
            return None
        return cls(fields=render_fields(form), inline=form.inline, typed=form.is_bound)


# ---------------------------------------------------------------- the candidate's checklist page


@dataclass(frozen=True)
class ItemInput:
    """The request's part of one item on the candidate's checklist page (what is
    stored comes from ``selectors.checklists.CandidateItemRow``)."""

    #: Its answer fields; None when the checklist is read-only.
    form: ItemForm | None
    #: Its reply box: part of the checklist form when that is editable, its own
    #: little form otherwise; ``reply``, as the page draws it.
    comment_form: CommentForm
    reply: ReplyBox
    #: What was stored meanwhile, when the save met a newer version of this item.
    conflict: Conflict | None
    #: A required item left empty by a refused submit.
    missing: bool
    #: What was typed into an item that can no longer be edited (another tab
    #: submitted meanwhile), when it differs from what is stored: shown for copying.
    unsaved: dict | None
    #: Why the file just sent for this item was refused; "" otherwise.
    file_error: str = ""


@dataclass
class ChecklistSent:
    """What a POST of the checklist page carried, and what the services said of
    it: shown again after a refused POST so that nothing typed is lost."""

    #: None: nothing was typed into the answers (a reply posted on its own).
    answers: ChecklistItemForms | None = None
    replies: dict[int, CommentForm] = field(default_factory=dict)
    conflicts: dict[int, Conflict] = field(default_factory=dict)
    missing: list[AssignmentItem] = field(default_factory=list)

    @classmethod
    def from_post(
        cls, items: list[AssignmentItem], data: Mapping, *, reply_to: AssignmentItem | None
    ) -> ChecklistSent:
        """The answers, and the reply boxes typed into: each button also posts
        them. The box whose "post reply" button was pressed (``reply_to``) is
        kept even when empty, so that it says what is missing."""
        replies = {}
        for item in items:
            text = data.get(f"comment-{item.pk}-body", "")
            if text.strip() or (reply_to is not None and item.pk == reply_to.pk):
                replies[item.pk] = CommentForm(item, data, inline=True)
        return cls(answers=ChecklistItemForms(items, data), replies=replies)

    def is_valid(self) -> bool:
        # Validate every form (no short-circuit) so that every error is shown.
        results = [self.answers is None or self.answers.is_valid()]
        results += [reply.is_valid() for reply in self.replies.values()]
        return all(results)

    def rebound(
        self,
        items: list[AssignmentItem],
        *,
        conflicts: Iterable[Conflict] = (),
        missing: Iterable[AssignmentItem] = (),
    ) -> ChecklistSent:
        """After the save met newer stored answers (``conflicts``: nothing was
        saved, the replies stay in their boxes) or after a refused submit
        (``missing``: the save went through and the replies were posted): the
        answers rebound to ``items`` as stored now."""
        by_item = {conflict.item.pk: conflict for conflict in conflicts}
        return ChecklistSent(
            answers=None
            if self.answers is None
            else self.answers.rebound(items, conflicts=by_item),
            replies=self.replies if by_item else {},
            conflicts=by_item,
            missing=list(missing),
        )


class ChecklistPageForms:
    """The forms of the candidate's checklist page: the answers while the
    checklist is editable, and a reply box per item. Fresh ones, or what a
    refused POST sent (``sent``)."""

    def __init__(
        self,
        items: Iterable[AssignmentItem],
        *,
        editable: bool,
        sent: ChecklistSent | None = None,
        file_error: tuple[int, str] | None = None,
    ):
        """``file_error``: a refused upload's item id and the reason, shown next
        to that item's file input."""
        if sent is None:
            sent = ChecklistSent()
        self.editable = editable
        self._file_error = file_error
        #: The page's one form; None when the checklist is read-only.
        self.form: ChecklistItemForms | None = None
        if editable:
            self.form = sent.answers if sent.answers is not None else ChecklistItemForms(items)
        #: (form, field id, label, message) for the error summary.
        self.errors = self.form.error_list() if self.form is not None else []
        self.missing = sent.missing
        self._replies = sent.replies
        self._conflicts = sent.conflicts
        self._missing = {item.pk for item in sent.missing}
        self._answers = {f.item.pk: f for f in self.form.forms} if self.form is not None else {}
        # Typed into a checklist that became read-only meanwhile (another tab submitted).
        self._typed = (
            {f.item.pk: f for f in sent.answers.bound_forms}
            if sent.answers is not None and not editable
            else {}
        )

    def for_item(self, item: AssignmentItem) -> ItemInput:
        reply = self._reply_box(item, self._replies.get(item.pk))
        return ItemInput(
            form=self._answers.get(item.pk),
            comment_form=reply,
            reply=ReplyBox.of(reply),
            conflict=self._conflicts.get(item.pk),
            missing=item.pk in self._missing,
            unsaved=_unsaved_values(self._typed.get(item.pk), item),
            file_error=self._file_error[1]
            if self._file_error and self._file_error[0] == item.pk
            else "",
        )

    def _reply_box(self, item: AssignmentItem, typed: CommentForm | None) -> CommentForm:
        """Text typed into a box that was not posted is kept, moved into the box
        the page has now (inside the checklist form or on its own)."""
        inline = self.editable
        if typed is not None and typed.inline == inline:
            return typed
        if typed is None or not typed.is_bound:
            return CommentForm(item, inline=inline)
        text = typed["body"].value() or ""
        key = f"comment-{item.pk}-body" if inline else "body"
        box = CommentForm(item, {key: text}, inline=inline)
        box.is_valid()
        return box


def _differs(typed, stored) -> bool:
    if isinstance(stored, bool):
        return bool(typed) != stored
    return (typed or "").replace("\r\n", "\n").strip() != stored.strip()


def _unsaved_values(form: ItemForm | None, item: AssignmentItem) -> dict | None:
    """What the user typed into an item they can no longer edit, when it differs
    from what is stored."""
    if form is None:
        return None
    values = form.typed_values()
    if any(_differs(values[name], getattr(item, name)) for name in values):
        return values
    return None
