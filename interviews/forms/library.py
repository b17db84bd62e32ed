"""Forms for the question bank and checklist templates (coach side).

The template editor is one page with one <form>: ``TemplateForm`` for the
title and ``TemplateItemFormSet`` for the ordered items. The formset works
without JavaScript: a hidden position number per item (the "Move" buttons and
the drag script rewrite it, see ``forms.template_editor``), a hidden "Remove"
flag, and a blank row at the end for a new item. The forms only parse and
order what was posted; ``services.library.template_save`` writes it.
"""

from __future__ import annotations

from collections import defaultdict

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.forms.formsets import DELETION_FIELD_NAME, ORDERING_FIELD_NAME, TOTAL_FORM_COUNT

from ..models import (
    ChecklistTemplate,
    InterviewRound,
    Question,
    TemplateItem,
)
from ..services.library import TemplateItemData
from ..validators import validate_single_line
from .layout import form_helper

MAX_ITEMS = ChecklistTemplate.MAX_ITEMS
EXTRA_ITEMS = 1


# ---------------------------------------------------------------- questions


class QuestionForm(forms.ModelForm):
    class Meta:
        model = Question
        fields = ["prompt", "guidance", "category", "round_kind"]
        labels = {"prompt": "Question or task", "guidance": "Guidance for the candidate"}
        help_texts = {"round_kind": "Choose “Any round” when the question suits every round."}
        widgets = {
            "prompt": forms.Textarea(attrs={"rows": 2}),
            "guidance": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, submit_label: str = "Save question", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["round_kind"].choices = [("", "Any round"), *InterviewRound.Kind.choices]
        self.helper = form_helper(submit_label)


class QuestionFilterForm(forms.Form):
    """The GET filters of the question bank. Invalid values are ignored (and shown).
    Laid out field by field in question_list.html (a one-row filter bar)."""

    q = forms.CharField(
        label="Search",
        max_length=200,
        required=False,
        validators=[validate_single_line],
        widget=forms.SearchInput(attrs={"placeholder": "Words in the text"}),
    )
    category = forms.ChoiceField(
        label="Category",
        required=False,
        choices=[("", "All categories"), *Question.Category.choices],
    )
    round_kind = forms.ChoiceField(
        label="Suggested round",
        required=False,
        choices=[("", "All rounds"), *InterviewRound.Kind.choices],
    )
    retired = forms.BooleanField(label="Show retired questions only", required=False)

    showing_retired = False  # set by filter()

    def filter(self, qs, *, user):
        """The questions the filters ask for; invalid filters are left out."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        self.showing_retired = bool(data.get("retired"))
        if self.showing_retired:
            # The ones this coach may restore: their own, and for a lead the
            # practice's shared ones (so a lead can undo retiring one).
            qs = qs.filter(retired=True, pk__in=Question.objects.editable_by(user).values("pk"))
        else:
            qs = qs.filter(retired=False)
        if data.get("category"):
            qs = qs.filter(category=data["category"])
        if data.get("round_kind"):
            # A question without a suggested round suits every round.
            qs = qs.filter(round_kind__in=[data["round_kind"], ""])
        if data.get("q"):
            qs = qs.filter(Q(prompt__icontains=data["q"]) | Q(guidance__icontains=data["q"]))
        return qs


# ---------------------------------------------------------------- templates


class TemplateForm(forms.ModelForm):
    class Meta:
        model = ChecklistTemplate
        fields = ["title", "description", "round_kind"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"description": "Shown to the candidate at the top of the checklist."}

    def __init__(self, *args, submit_label: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["round_kind"].choices = [("", "Any round"), *InterviewRound.Kind.choices]
        # On the editor the items share the same <form>, so no tag there.
        self.helper = form_helper(submit_label, form_tag=bool(submit_label))


class TemplateItemForm(forms.ModelForm):
    #: The bank question a new item was added from (hidden); stored items keep theirs.
    bank_question = forms.IntegerField(
        required=False, min_value=1, max_value=2**31 - 1, widget=forms.HiddenInput
    )

    class Meta:
        model = TemplateItem
        fields = ["kind", "prompt", "guidance", "required"]
        labels = {
            "kind": "Kind",
            "prompt": "Prompt",
            "guidance": "Guidance for the candidate",
            "required": "Required",
        }
        # Rendered field by field in _template_item.html (no crispy helper per item).
        widgets = {
            "kind": forms.Select(attrs={"class": "form-select form-select-sm"}),
            "prompt": forms.TextInput(attrs={"class": "form-control form-control-sm"}),
            "guidance": forms.Textarea(attrs={"class": "form-control form-control-sm", "rows": 3}),
            "required": forms.CheckboxInput(attrs={"class": "form-check-input"}),
        }


class ExistingItemField(forms.Field):
    """The hidden id of an item: must be one of *this* template's items.

    Looks the id up among the items the formset already loaded, so a POST
    costs no query per item and a stale or foreign id is a readable error.
    """

    widget = forms.HiddenInput
    default_error_messages = {
        "invalid": "This item was removed or changed elsewhere. Reload the page to see "
        "the current items.",
    }

    def __init__(self, *, lookup, **kwargs):
        self.lookup = lookup
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return getattr(value, "pk", value)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            pk = int(value)
        except (TypeError, ValueError):
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        item = self.lookup(pk)
        if item is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return item


class BaseTemplateItemFormSet(forms.BaseInlineFormSet):
    default_error_messages = {
        "too_many_forms": "A template can have at most %(num)d items.",
    }

    def total_form_count(self) -> int:
        # A POST that declares more rows than a template may have is refused
        # by full_clean(); Django would still build (and the page render) up
        # to absolute_max forms first. Build only the stored items' rows.
        if self.is_bound and self.management_form.cleaned_data[TOTAL_FORM_COUNT] > (
            self.absolute_max
        ):
            return min(self.initial_form_count(), len(self.get_queryset()))
        return super().total_form_count()

    def add_fields(self, form, index):
        super().add_fields(form, index)
        form.fields["id"] = ExistingItemField(
            lookup=self._existing_object,
            required=index is not None and index < self.initial_form_count(),
            initial=form.fields["id"].initial,
        )
        if ORDERING_FIELD_NAME in form.fields:
            # Hidden: the Move buttons and the drag script keep it, nobody types it.
            form.fields[ORDERING_FIELD_NAME] = forms.IntegerField(
                label="Position",
                required=False,
                min_value=0,
                max_value=9999,
                initial=form.fields[ORDERING_FIELD_NAME].initial,
                widget=forms.HiddenInput(attrs={"data-position": ""}),
            )
        if DELETION_FIELD_NAME in form.fields:
            # Hidden: set by the "Remove" button, cleared by "Undo".
            form.fields[DELETION_FIELD_NAME].label = "Remove this item"
            form.fields[DELETION_FIELD_NAME].widget = forms.HiddenInput()

    def rows(self) -> list[TemplateItemData]:
        """The kept items in the order the coach chose, for ``services.library.template_save``.

        Unchanged blank rows and removed items are left out.
        """
        return [
            TemplateItemData(
                id=form.instance.pk,
                kind=form.cleaned_data["kind"],
                prompt=form.cleaned_data["prompt"],
                guidance=form.cleaned_data["guidance"],
                required=form.cleaned_data["required"],
                # A stored item keeps its question; a new one says which it came from.
                question_id=(
                    form.instance.question_id
                    if form.instance.pk
                    else form.cleaned_data.get("bank_question")
                ),
            )
            for form in self.forms_in_chosen_order()
        ]

    def removed_ids(self) -> list[int]:
        """The stored items taken out with their "Remove" button (the hidden DELETE flag)."""
        return [form.instance.pk for form in self.deleted_forms if form.instance.pk]

    def save(self, commit: bool = True):
        raise NotImplementedError("The template editor saves through library.template_save.")

    def forms_in_chosen_order(self) -> list[forms.Form]:
        """The kept forms, sorted by their position numbers (``chosen_order_key``)."""
        initial_count = self.initial_form_count()

        def key(indexed):
            index, form = indexed
            order = form.cleaned_data.get(ORDERING_FIELD_NAME)
            return chosen_order_key(order, index, initial_count)

        kept = set(map(id, self.ordered_forms))  # valid, not deleted, not blank
        return [
            form
            for _, form in sorted(
                ((i, f) for i, f in enumerate(self.forms) if id(f) in kept), key=key
            )
        ]


def chosen_order_key(order: int | None, index: int, initial_count: int) -> tuple:
    """Sorts item forms by position number ``order`` (form ``index``).

    A number works as "move to position n": an item moved up (or a new one)
    goes before the item already holding that number, an item moved down goes
    after it. Items without a number go to the end, in form order.
    """
    if order is None:
        return (1, 0, 0, index)
    before = index + 1 if index < initial_count else None
    if before is None or order < before:
        tiebreak = -1
    elif order > before:
        tiebreak = 1
    else:
        tiebreak = 0
    return (0, order, tiebreak, index)


TemplateItemFormSet = forms.inlineformset_factory(
    ChecklistTemplate,
    TemplateItem,
    form=TemplateItemForm,
    formset=BaseTemplateItemFormSet,
    fields=["kind", "prompt", "guidance", "required"],
    extra=EXTRA_ITEMS,
    can_order=True,
    can_delete=True,
    can_delete_extra=False,
    max_num=MAX_ITEMS,
    absolute_max=MAX_ITEMS,
    validate_max=True,
)


class AddQuestionsForm(forms.Form):
    """Pick bank questions (built-ins and own, not retired) to append to a template."""

    questions = forms.MultipleChoiceField(
        label="Questions to add",
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Tick at least one question to add.",
            "invalid_choice": "One of the chosen questions is not in your bank (any more). "
            "Reload the page and choose again.",
        },
    )

    def __init__(self, *args, questions, **kwargs):
        super().__init__(*args, **kwargs)
        self.bank = {question.pk: question for question in questions}
        self.fields["questions"].choices = [(str(pk), q.prompt) for pk, q in self.bank.items()]

    def groups(self) -> list[tuple[str, list]]:
        """The checkboxes grouped by category, for the template to render."""
        chosen = set(self["questions"].value() or [])
        by_category = defaultdict(list)
        for question in self.bank.values():
            by_category[question.category].append(
                (question, f"id_questions_{question.pk}", str(question.pk) in chosen)
            )
        return [
            (label, by_category[value])
            for value, label in Question.Category.choices
            if by_category[value]
        ]

    def clean_questions(self) -> list[Question]:
        # Keep the order in which the bank lists them (category, prompt).
        chosen = {int(pk) for pk in self.cleaned_data["questions"]}
        return [q for pk, q in self.bank.items() if pk in chosen]
