"""Rehearsal: the upload that keeps a take (the page's script posts its
recording through the same form), and the coach's comment on a story's take
(the review page's comment is a field of forms.review.ReviewForm)."""

from __future__ import annotations

from django import forms

from ..lib import files as lib_files
from ..models import RehearsalTimer


class TakeUploadForm(forms.Form):
    """A recording to keep: the file, the timer it was made against and the
    length the browser measured (both optional: a plain upload has neither)."""

    recording = forms.FileField(
        label="Upload a recording",
        widget=forms.ClearableFileInput(attrs={"accept": "audio/*"}),
        error_messages={"required": "Choose an audio file first."},
    )
    timer = forms.TypedChoiceField(
        label="Timer",
        choices=RehearsalTimer.choices,
        coerce=int,
        required=False,
        empty_value=RehearsalTimer.NONE,
        widget=forms.RadioSelect,
    )
    # Filled in by static/js/rehearse.js; the service cleans it (clean_duration).
    duration = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[
            "recording"
        ].help_text = f"{lib_files.AUDIO_WORDS} audio, up to {lib_files.max_bytes_words()}."


class TakeCommentForm(forms.Form):
    """The coach's comment on a story's take (empty removes it). Prefixed: the
    story page has the story's comment form too ("take-body", not "body")."""

    prefix = "take"

    body = forms.CharField(
        label="Comment on the rehearsal",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
