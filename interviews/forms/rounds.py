"""Forms of a round's life after the date is set, used by the coach's and the
candidate's round pages: interviewers, the debrief, the outcome, thank-you notes.
"""

from __future__ import annotations

from collections.abc import Iterable

from crispy_forms.layout import Submit
from django import forms
from django.db import models
from django.urls import reverse
from django.utils import timezone

from ..lib.when import when
from ..models import AskedQuestion, AssignmentItem, Interviewer, InterviewRound, ThankYouNote
from ..selectors import rounds as rounds_selectors
from ..services import rounds as rounds_services
from ..validators import validate_single_line
from .fields import check_year
from .layout import fields_only_helper, form_helper

#: A debrief lists at most this many asked questions.
MAX_ASKED_QUESTIONS = 50


class InterviewerForm(forms.ModelForm):
    class Meta:
        model = Interviewer
        fields = ["name", "job_title", "role", "email"]
        labels = {"job_title": "Job title", "role": "Role in the process"}

    def __init__(self, *args, submit_label: str = "Save interviewer", **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(submit_label)


class DebriefForm(forms.ModelForm):
    """How it went, the questions really asked (one per line), what to do
    differently; for each asked question and each prepared answer a tick box."""

    asked = forms.CharField(
        label="Questions you were asked",
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="One per line, in your own words. Your coach can add them to the question "
        "bank (with the company and kind of round, never your name).",
    )

    class Meta:
        model = InterviewRound
        fields = ["debrief_notes", "debrief_differently"]
        labels = {
            "debrief_notes": "How did it go?",
            "debrief_differently": "What would you do differently?",
        }
        help_texts = {
            "debrief_notes": "What did you learn about the role and the team? What is still "
            "open? Write it while it is fresh.",
        }
        widgets = {
            "debrief_notes": forms.Textarea(attrs={"rows": 5}),
            "debrief_differently": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(
        self,
        *args,
        asked: Iterable[AskedQuestion] = (),
        prepared: Iterable[AssignmentItem] = (),
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.asked_questions = list(asked)
        self.prepared = list(prepared)
        if not self.is_bound:
            self.initial["asked"] = "\n".join(q.text for q in self.asked_questions)
        for question in self.asked_questions:
            self.fields[f"covered-{question.pk}"] = forms.BooleanField(
                label=question.text, required=False, initial=question.covered
            )
        for item in self.prepared:
            self.fields[f"came_up-{item.pk}"] = forms.BooleanField(
                label=item.prompt, required=False, initial=bool(item.came_up)
            )
        self.helper = fields_only_helper()

    @classmethod
    def for_round(cls, round: InterviewRound, data=None) -> DebriefForm:
        """The debrief of ``round``, with the questions recorded as asked and
        the answers prepared for it (two queries)."""
        return cls(
            data,
            instance=round,
            asked=rounds_selectors.round_asked_questions(round),
            prepared=rounds_selectors.round_prepared_answers(round),
        )

    def clean_asked(self) -> list[str]:
        lines = [" ".join(line.split()) for line in self.cleaned_data["asked"].splitlines()]
        lines = [line for line in lines if line]
        if len(lines) > MAX_ASKED_QUESTIONS:
            raise forms.ValidationError(
                f"List at most {MAX_ASKED_QUESTIONS} questions, one per line."
            )
        for line in lines:
            if len(line) > 500:
                raise forms.ValidationError(
                    f"Keep each question under 500 characters: “{line[:40]}…” is longer."
                )
            validate_single_line(line)
        return lines

    def covered(self) -> dict[int, bool]:
        return {q.pk: self.cleaned_data[f"covered-{q.pk}"] for q in self.asked_questions}

    def came_up(self) -> dict[int, bool]:
        return {item.pk: self.cleaned_data[f"came_up-{item.pk}"] for item in self.prepared}


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=InterviewRound.Outcome.choices,
        help_text="Change it when the company tells you.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper("Save outcome")


class ThankYouNoteForm(forms.ModelForm):
    """One note's fields, named ``note-<id>-…`` so that every note of a round
    fits in one <form> (``ThankYouNotesForm``)."""

    #: The note's ``text_fingerprint`` as the page showed it (see
    #: ``services.rounds.thank_you_notes_save``).
    seen = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    class Meta:
        model = ThankYouNote
        fields = ["to_name", "to", "subject", "body"]
        labels = {"to_name": "Name", "to": "Email address"}
        widgets = {"body": forms.Textarea(attrs={"rows": 9})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        note = self.instance
        if note.interviewer_id is not None:
            # Addressed to an interviewer: the name comes from the interviewer.
            del self.fields["to_name"]
        self.prefix = f"note-{note.pk}" if note.pk else "note-new"
        self.fields["seen"].initial = note.text_fingerprint
        self.helper = fields_only_helper()

    def typed(self) -> rounds_services.NoteText:
        data = self.cleaned_data
        return rounds_services.NoteText(
            seen=data["seen"],
            to=data["to"],
            subject=data["subject"],
            body=data["body"],
            to_name=data.get("to_name"),
        )


class NoteAction(models.TextChoices):
    """What a note's button does after every note of the page is saved; the
    button's value is "<action>:<note id>"."""

    SAVE = "save", "Save"
    OPEN = "open", "Open in my email program"
    CHECK = "check", "Save and ask my coach to look"
    SENT = "sent", "Save and mark as sent"


class ThankYouNotesForm:
    """Every unsent thank-you note of a round in one <form>: whichever note's
    button is pressed, what was typed into all of them is posted and saved, so
    typing in one note is never lost to another note's button.

    A note takes part when the posted page showed it (its ``seen`` field came
    back): a note drafted since, in another tab, is left as stored, and one
    marked as sent since still takes part, so that typing into it is not
    dropped without a word (the save refuses it as a conflict)."""

    def __init__(self, notes: Iterable[ThankYouNote], data=None):
        self.data = data
        self.forms: dict[int, ThankYouNoteForm] = {}
        for note in notes:
            shown = data is not None and f"note-{note.pk}-seen" in data
            if shown or not note.is_sent:
                self.forms[note.pk] = ThankYouNoteForm(data if shown else None, instance=note)

    def get(self, pk: int) -> ThankYouNoteForm | None:
        return self.forms.get(pk)

    def _posted(self) -> list[ThankYouNoteForm]:
        return [form for form in self.forms.values() if form.is_bound]

    def is_valid(self) -> bool:
        # Every form, not up to the first invalid one: each note shows its errors.
        valid = [form.is_valid() for form in self._posted()]
        return all(valid)

    def typed(self) -> dict[int, rounds_services.NoteText]:
        """What each posted note holds, for ``thank_you_notes_save``; valid forms only."""
        return {form.instance.pk: form.typed() for form in self._posted()}

    def errors(self) -> list[tuple[ThankYouNote, forms.BoundField, str]]:
        """(note, field, message) for the error summary above the notes."""
        return [
            (form.instance, form[name], error)
            for form in self._posted()
            for name, errors in form.errors.items()
            for error in errors
        ]

    def action(self) -> tuple[NoteAction, int | None]:
        """The pressed button: its action and its note (one of the round's unsent
        notes), or a plain save when the value is missing or unknown."""
        verb, _, pk = (self.data or {}).get("action", "").partition(":")
        if verb not in NoteAction.values or not pk.isdigit() or int(pk) not in self.forms:
            return NoteAction.SAVE, None
        return NoteAction(verb), int(pk)

    def confirmed(self, pk: int) -> bool:
        """Whether the candidate confirmed marking the note sent although it
        still holds a placeholder (the hidden field beside "Mark as sent anyway")."""
        return (self.data or {}).get("confirm_placeholder") == str(pk)

    def keep_after_conflict(self, conflicts: list[rounds_services.NoteConflict]) -> None:
        """After a refused save: each conflicting note's form keeps the user's
        text but now answers to the stored version, so saving again replaces it."""
        data = self.data.copy()
        for conflict in conflicts:
            data[f"note-{conflict.note.pk}-seen"] = conflict.note.text_fingerprint
        for pk, form in self.forms.items():
            if form.is_bound:
                self.forms[pk] = ThankYouNoteForm(data, instance=form.instance)
                self.forms[pk].is_valid()
        self.data = data


class CoachNoteCheckForm(forms.Form):
    """The coach's answer to "please look at my thank-you note": a comment, an
    approval, or both. One per note on the round page, so the ids name the note."""

    comment = forms.CharField(
        label="Your comment",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    approve = forms.BooleanField(label="Looks good to send", required=False)

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("approve") and not (cleaned.get("comment") or "").strip():
            raise forms.ValidationError("Write a comment, or tick “Looks good to send”.")
        return cleaned

    def __init__(self, *args, note: ThankYouNote, **kwargs):
        kwargs.setdefault("auto_id", f"id_note-{note.pk}-%s")
        super().__init__(*args, **kwargs)
        self.note_pk = note.pk
        self.helper = form_helper()
        self.helper.form_action = reverse("coach:note_check", args=[note.pk])
        # Several notes can wait on one page: each button needs its own id.
        self.helper.add_input(
            Submit("submit", "Send to the candidate", css_id=f"note-{note.pk}-send")
        )


class RoundForm(forms.ModelForm):
    """An interview round; the time is entered in the coach's own time zone
    (the middleware activates it, and the form converts to and from UTC)."""

    scheduled_at = forms.DateTimeField(
        label="Date and time",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )

    class Meta:
        model = InterviewRound
        fields = [
            "kind",
            "scheduled_at",
            "location",
            "duration_minutes",
            "outcome",
            "outcome_notes",
        ]
        labels = {
            "kind": "Kind of round",
            "location": "Format / location",
            "duration_minutes": "Duration (minutes)",
            "outcome_notes": "Outcome notes",
        }
        widgets = {"outcome_notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        tz = timezone.get_current_timezone_name()
        self.fields["scheduled_at"].help_text = f"In your time zone ({tz}). Leave empty if not set."
        # Left empty, the duration stays as it is (60 minutes for a new round).
        self.fields["duration_minutes"].required = False
        self.helper = form_helper("Save round" if self.instance.pk else "Add round")

    def clean_scheduled_at(self):
        return check_year(self.cleaned_data.get("scheduled_at"), "date")

    def clean_duration_minutes(self) -> int:
        value = self.cleaned_data.get("duration_minutes")
        return self.instance.duration_minutes if value is None else value

    #: Outcomes that only an interview that took place can have.
    # The service's rule, checked here too so the error sits on the field.
    AFTER_THE_INTERVIEW = rounds_services.OUTCOMES_AFTER_THE_INTERVIEW

    def clean(self):
        cleaned = super().clean()
        outcome, scheduled_at = cleaned.get("outcome"), cleaned.get("scheduled_at")
        if outcome in self.AFTER_THE_INTERVIEW and (
            scheduled_at is None or scheduled_at > timezone.now()
        ):
            label = InterviewRound.Outcome(outcome).label
            self.add_error(
                "outcome",
                f"“{label}” can only be recorded once the interview has started"
                + (
                    f" ({when(scheduled_at, 'long')})." if scheduled_at else "; set its date first."
                ),
            )
        return cleaned
