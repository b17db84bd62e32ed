"""The story bank's forms: a story, a comment on one, copying one to another
coach's bank, and a coach's own competency tag."""

from __future__ import annotations

from django import forms

from ..models import Candidate, Story, StoryTag
from ..validators import validate_single_line
from .layout import form_helper

STAR_HELP = {
    "situation": "Where and when: the context a listener needs, in two or three sentences.",
    "task": "What you had to achieve, or the problem that was yours to solve.",
    "action": "What you did, step by step. Say “I” for your part.",
    "result": "What changed because of it: a number or something people could see.",
}


class TagChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, tag: StoryTag) -> str:
        return tag.name if tag.is_builtin else f"{tag.name} (your coach's tag)"


class StoryForm(forms.ModelForm):
    """A story's text and tags. ``version``: the stored version the edit
    started from (optimistic locking: services.stories.story_update)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    tags = TagChoiceField(
        label="Competencies it shows",
        queryset=StoryTag.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Tick the ones an interviewer could ask this story for.",
        error_messages={
            "invalid_choice": "One of the ticked tags is not available any more. "
            "Reload the page and tick again.",
            "invalid_pk_value": "One of the ticked tags is not available. Tick again.",
        },
    )

    class Meta:
        model = Story
        fields = [
            "title",
            "situation",
            "task",
            "action",
            "result",
            "measurable_result",
            "learned",
            "tags",
        ]
        labels = {
            "situation": "Situation",
            "task": "Task",
            "action": "Action",
            "result": "Result",
            "learned": "What I learned",
        }
        help_texts = STAR_HELP
        widgets = {
            name: forms.Textarea(attrs={"rows": 4})
            for name in ("situation", "task", "action", "result")
        } | {"learned": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, tags, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tags"].queryset = tags
        if self.instance.pk and not self.is_bound:
            self.initial.setdefault("version", self.instance.version)
        self.helper = form_helper("Save story" if self.instance.pk else "Add story")

    def clean_title(self) -> str:
        title = self.cleaned_data["title"].strip()
        if not title:
            raise forms.ValidationError("Give the story a title.")
        return title


class StoryCommentForm(forms.Form):
    body = forms.CharField(
        label="Comment",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Write something before posting."},
    )

    def __init__(self, *args, label: str = "Comment", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].label = label

    def clean_body(self) -> str:
        body = self.cleaned_data["body"].strip()
        if not body:
            raise forms.ValidationError("Write something before posting.")
        return body


class StoryCopyForm(forms.Form):
    """Which other bank (the person's record with another coach) to copy to."""

    to = forms.ModelChoiceField(
        label="Copy to my bank with",
        queryset=Candidate.objects.none(),
        empty_label=None,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
        error_messages={"invalid_choice": "Choose one of your other coaches."},
    )

    def __init__(self, *args, records: list[Candidate], **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["to"]
        field.queryset = Candidate.objects.filter(pk__in=[r.pk for r in records]).select_related(
            "coach"
        )
        field.label_from_instance = lambda record: record.coach.get_full_name()


class StoryTagForm(forms.Form):
    name = forms.CharField(
        label="New tag",
        max_length=60,
        validators=[validate_single_line],
        help_text="A competency of your own, offered to all your candidates.",
    )

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError("Give the tag a name.")
        return name
