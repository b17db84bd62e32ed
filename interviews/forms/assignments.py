"""The coach's assigning: the form that gives a candidate a checklist, with
the choice fields it is made of (candidates, rounds, templates by group),
and the form that changes an assigned checklist's due date and instructions.

Validation lives here; the services decide what a state allows.
"""

from __future__ import annotations

import datetime

from django import forms
from django.db.models import Exists, OuterRef
from django.utils import formats, timezone

from ..models import Assignment, Candidate, ChecklistTemplate, InterviewRound, Invitation, User
from ..selectors import caseload as caseload_selectors
from ..selectors import library as library_selectors
from .fields import check_year
from .layout import form_helper


class CandidateChoiceField(forms.ModelChoiceField):
    """Offers the coach's active candidates; an archived one is recognised and
    refused with a message that says so, instead of "not a valid choice"."""

    def __init__(self, *, coach: User, **kwargs):
        open_invitation = Invitation.objects.filter(
            candidate=OuterRef("pk"),
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        queryset = (
            Candidate.objects.for_coach(coach)
            .active()
            .annotate(invitation_pending=Exists(open_invitation))
        )
        super().__init__(queryset=queryset, **kwargs)
        self.coach = coach

    def label_from_instance(self, obj: Candidate) -> str:
        # Say who cannot log in yet, so the coach knows before assigning.
        if obj.user_id is not None:
            return str(obj)
        if obj.invitation_pending:
            return f"{obj} (invited, not joined yet)"
        return f"{obj} (not invited yet)"

    def to_python(self, value):
        try:
            return super().to_python(value)
        except forms.ValidationError:
            pk = _an_id(value)
            if pk is not None:
                archived = (
                    Candidate.objects.for_coach(self.coach).filter(pk=pk, archived=True).first()
                )
                if archived is not None:
                    raise forms.ValidationError(
                        f"{archived} is archived. Restore them before assigning a checklist.",
                        code="archived",
                    ) from None
            raise


def _an_id(value) -> int | None:
    """A refused choice's value read as a row id, to say why it was refused:
    not "²" (a digit int() refuses), nor thousands of digits."""
    digits = str(value)
    return int(digits) if digits.isdecimal() and len(digits) < 12 else None


class RoundChoiceField(forms.ModelChoiceField):
    """Offers coming rounds only; a round of another candidate, or one that is
    over or cancelled, is recognised and refused with a message that says so."""

    def __init__(self, *, coach: User, candidate_id: int | None, **kwargs):
        super().__init__(**kwargs)
        self.coach = coach
        self.candidate_id = candidate_id

    def to_python(self, value):
        try:
            return super().to_python(value)
        except forms.ValidationError:
            pk = _an_id(value)
            if pk is not None:
                round = (
                    InterviewRound.objects.for_coach(self.coach)
                    .select_related("opportunity__candidate")
                    .filter(pk=pk)
                    .first()
                )
                if round is not None:
                    raise forms.ValidationError(
                        self._refusal(round), code="invalid_round"
                    ) from None
            raise

    def _refusal(self, round: InterviewRound) -> str:
        owner = round.opportunity.candidate
        if self.candidate_id is not None and owner.pk != self.candidate_id:
            chosen = (
                Candidate.objects.for_coach(self.coach).filter(pk=self.candidate_id).first()
                or "the chosen candidate"
            )
            return (
                f"That round belongs to {owner}, not {chosen}. "
                f"Choose one of {chosen}'s coming rounds or no round."
            )
        return "That round is over or cancelled. Choose a coming round or no round."

    def label_from_instance(self, obj: InterviewRound) -> str:
        opportunity = obj.opportunity
        return f"{opportunity.candidate} — {obj.display_name} ({opportunity.position})"


class _GroupedTemplates(forms.models.ModelChoiceIterator):
    """The choices in <optgroup>s: the coach's own, each practice's shared ones
    ("Shared in Northstar"), the built-ins. The queryset comes sorted that way."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        group, options = None, []
        for template in self.queryset:
            name = self.field.group_of(template)
            if name != group and options:
                yield (group, options)
                options = []
            group = name
            options.append(self.choice(template))
        if options:
            yield (group, options)


class TemplateChoiceField(forms.ModelChoiceField):
    iterator = _GroupedTemplates

    def __init__(self, *args, coach: User, **kwargs):
        self.coach = coach
        super().__init__(*args, **kwargs)

    def group_of(self, obj: ChecklistTemplate) -> str:
        if obj.is_builtin:
            return "Built-in"
        if obj.owner_id == self.coach.pk:
            return "Your templates"
        return f"Shared in {obj.practice}"

    def label_from_instance(self, obj: ChecklistTemplate) -> str:
        if obj.is_builtin:
            return f"{obj.title} (built-in)"
        if obj.owner_id != self.coach.pk:
            return f"{obj.title} (by {obj.owner})"
        return obj.title


class AssignmentForm(forms.Form):
    """Give a candidate a checklist: candidate, optional round of that candidate,
    template, due date and instructions. The service does the copying."""

    due_date = forms.DateField(
        label="Due date",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="Leave empty for two days before the interview when a round is chosen: "
        "reminders then come on the two days before it, not on the day itself.",
    )
    instructions = forms.CharField(
        label="Instructions for the candidate",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Shown at the top of the checklist and in the email.",
    )

    send_invitation = forms.BooleanField(
        label="Send the invitation now",
        required=False,
        initial=True,
        help_text="If the candidate has not joined Coachsite yet, they get one email with "
        "the invitation link and this checklist. Without it they get no email and cannot "
        "open the checklist until you invite them.",
    )

    field_order = [
        "candidate",
        "round",
        "template",
        "due_date",
        "instructions",
        "send_invitation",
    ]

    # candidate, round and template are added in __init__: their choices depend on the coach.
    def __init__(self, *args, coach: User, candidate: Candidate | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.coach = coach
        self.fields["candidate"] = CandidateChoiceField(
            coach=coach, label="Candidate", empty_label="Choose a candidate"
        )
        # Only coming rounds, of the chosen candidate when there is one (the
        # ?candidate= prefill, or the posted candidate); the field explains
        # why any other round of the coach's is refused.
        candidate_id = candidate.pk if candidate is not None else self._posted_candidate_id()
        rounds = (
            InterviewRound.objects.for_coach(coach)
            .coming()
            .filter(opportunity__candidate__archived=False)
            .select_related("opportunity__candidate")
            .with_kind_count()
        )
        if candidate_id is not None:
            rounds = rounds.filter(opportunity__candidate_id=candidate_id)
        self.fields["round"] = RoundChoiceField(
            coach=coach,
            candidate_id=candidate_id,
            queryset=rounds.order_by(
                "opportunity__candidate__full_name", "scheduled_at", "opportunity_id", "sequence"
            ),
            label="Interview round",
            required=False,
            empty_label="No particular round",
            help_text="Optional: the round of this candidate the checklist prepares for.",
        )
        self.fields["template"] = TemplateChoiceField(
            queryset=library_selectors.templates_to_assign(coach),
            coach=coach,
            label="Checklist template",
            empty_label="Choose a template",
            help_text="Its items are copied now; later edits to the template do not change it.",
        )
        self.order_fields(self.field_order)
        # For a chosen candidate, say exactly where they stand; one who has
        # joined needs no invitation.
        self.join_status = (
            caseload_selectors.candidate_join_status(candidate) if candidate else None
        )
        if self.join_status is not None:
            if self.join_status.joined:
                del self.fields["send_invitation"]
            elif self.join_status.invitation is not None:
                sent = timezone.localtime(self.join_status.invitation.sent_at)
                self.fields["send_invitation"].label = "Send a new invitation link now"
                self.fields["send_invitation"].help_text = (
                    f"They get one email with a fresh invitation link and this checklist; "
                    f"the link sent on {formats.date_format(sent, 'j M Y')} stops working. "
                    "Without it, the email reminds them of that earlier link."
                )
        self.helper = form_helper("Assign checklist")

    def _posted_candidate_id(self) -> int | None:
        """The posted candidate's id, when it is a plausible one; ownership is
        in the round queryset (for_coach), not here."""
        if not self.is_bound:
            return None
        digits = str(self.data.get(self.add_prefix("candidate"), ""))
        return int(digits) if digits.isdecimal() and len(digits) < 12 else None

    def clean_due_date(self) -> datetime.date | None:
        due = check_year(self.cleaned_data.get("due_date"), "due date")
        if due is not None and due < timezone.localdate():
            raise forms.ValidationError("The due date is in the past. Choose today or later.")
        return due

    def clean(self):
        cleaned = super().clean()
        candidate, round = cleaned.get("candidate"), cleaned.get("round")
        if (
            candidate is not None
            and round is not None
            and round.opportunity.candidate_id != candidate.pk
        ):
            self.add_error(
                "round",
                f"That round belongs to {round.opportunity.candidate}, not {candidate}. "
                f"Choose one of {candidate}'s rounds or no round.",
            )
        return cleaned


class AssignmentUpdateForm(forms.Form):
    """The coach's change to an assigned checklist: its due date and the
    instructions (on the coach's page of the checklist). The service decides
    which states allow it."""

    due_date = forms.DateField(
        label="Due date",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="Empty: no due date, and no due-date reminders.",
    )
    instructions = forms.CharField(
        label="Instructions for the candidate",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Shown at the top of the checklist.",
    )

    def __init__(self, data=None, *, assignment: Assignment):
        super().__init__(
            data,
            prefix="update",
            initial={"due_date": assignment.due_date, "instructions": assignment.instructions},
        )
        self.assignment = assignment

    def clean_due_date(self) -> datetime.date | None:
        due = check_year(self.cleaned_data.get("due_date"), "due date")
        # A date already past may stay (the coach only rewrites the
        # instructions); a new one may not be in the past.
        if due is not None and due != self.assignment.due_date and due < timezone.localdate():
            raise forms.ValidationError("The due date is in the past. Choose today or later.")
        return due
