"""Forms. Validation lives here; layout comes from each form's FormHelper."""

from __future__ import annotations

import datetime

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.contrib.auth import authenticate, password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import Exists, OuterRef
from django.utils import formats, timezone

from . import selectors
from .models import (
    Candidate,
    ChecklistTemplate,
    InterviewRound,
    Invitation,
    Opportunity,
    User,
    time_zone_choices,
)
from .validators import validate_single_line


def _helper(submit_label: str | None = None, *, form_tag: bool = True) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = form_tag
    if submit_label:
        helper.add_input(Submit("submit", submit_label))
    return helper


class EmailAuthenticationForm(AuthenticationForm):
    """Django's login form, labelled for email login."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "Email"
        self.fields["username"].widget.attrs.update({"autocomplete": "email", "autofocus": True})
        self.helper = _helper("Log in")


class InvitationLoginForm(forms.Form):
    """Accepting an invitation for an email that already has a login."""

    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, request, *args, initial=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
        self.email = (initial or {}).get("username", "")
        self.user_cache = None
        self.helper = _helper("Log in and accept")

    def clean(self):
        cleaned = super().clean()
        password = cleaned.get("password")
        if password:
            self.user_cache = authenticate(self.request, username=self.email, password=password)
            if self.user_cache is None:
                raise forms.ValidationError("That password is not right for this account.")
        return cleaned

    def get_user(self):
        return self.user_cache


class InvitationSignupForm(forms.Form):
    """Accepting an invitation as a new person: name and a password."""

    full_name = forms.CharField(
        label="Your name", max_length=150, validators=[validate_single_line]
    )
    password1 = forms.CharField(
        label="Choose a password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label="Repeat the password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, candidate: Candidate, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.candidate = candidate
        self.fields["full_name"].initial = candidate.full_name
        self.helper = _helper("Set password and continue")

    def clean(self):
        cleaned = super().clean()
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", "The two passwords do not match.")
        elif p1:
            probe = User(email=self.candidate.email, full_name=cleaned.get("full_name", ""))
            try:
                password_validation.validate_password(p1, probe)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return cleaned


class ProfileForm(forms.ModelForm):
    time_zone = forms.ChoiceField(
        label="Time zone",
        choices=time_zone_choices,
        help_text="Interview times are entered and shown in this time zone.",
    )

    class Meta:
        model = User
        fields = ["full_name", "time_zone"]
        labels = {"full_name": "Your name"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("Save profile")


# ---------------------------------------------------------------- coach: candidates, rounds


def _check_year(value, field_label: str):
    """Keep dates in a range a person could mean (and the database can store in
    any time zone)."""
    if value is not None and not (2000 <= value.year <= 2100):
        raise forms.ValidationError(f"Enter a {field_label} between the years 2000 and 2100.")
    return value


class CandidateForm(forms.ModelForm):
    """A coach's candidate. Emails are unique per coach, compared case-insensitively."""

    class Meta:
        model = Candidate
        fields = ["full_name", "email", "headline", "notes"]
        labels = {"full_name": "Full name", "headline": "Headline / target role"}
        help_texts = {
            "email": "The invitation and checklists are sent here.",
            "notes": "Only you see these; the candidate never does.",
        }
        widgets = {"notes": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, coach: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.coach = coach
        self.helper = _helper("Save candidate" if self.instance.pk else "Add candidate")

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        duplicate = (
            Candidate.objects.for_coach(self.coach)
            .filter(email__iexact=email)
            .exclude(pk=self.instance.pk)
            .first()
        )
        if duplicate is not None:
            state = " (archived)" if duplicate.archived else ""
            raise forms.ValidationError(
                f"You already have a candidate with this email: {duplicate}{state}."
            )
        return email

    def save(self, commit: bool = True) -> Candidate:
        self.instance.coach = self.coach
        return super().save(commit=commit)


class OpportunityForm(forms.ModelForm):
    link = forms.URLField(
        label="Job link",
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text="Optional: the job advert or company careers page.",
    )

    class Meta:
        model = Opportunity
        fields = ["company", "position", "link", "status"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("Save opportunity" if self.instance.pk else "Add opportunity")


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
            "interviewer_names",
            "interviewer_email",
            "outcome",
            "outcome_notes",
        ]
        labels = {
            "kind": "Kind of round",
            "location": "Format / location",
            "interviewer_names": "Interviewer name(s)",
            "interviewer_email": "Interviewer email",
            "outcome_notes": "Outcome notes",
        }
        widgets = {"outcome_notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        tz = timezone.get_current_timezone_name()
        self.fields["scheduled_at"].help_text = f"In your time zone ({tz}). Leave empty if not set."
        self.helper = _helper("Save round" if self.instance.pk else "Add round")

    def clean_scheduled_at(self):
        return _check_year(self.cleaned_data.get("scheduled_at"), "date")

    #: Outcomes that only an interview that took place can have.
    AFTER_THE_INTERVIEW = (InterviewRound.Outcome.ADVANCED, InterviewRound.Outcome.OFFER)

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
                    f" ({formats.date_format(timezone.localtime(scheduled_at), 'D j M Y, H:i')})."
                    if scheduled_at
                    else "; set its date first."
                ),
            )
        return cleaned


# ---------------------------------------------------------------- coach: assigning


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
            if str(value).isdigit():
                archived = (
                    Candidate.objects.for_coach(self.coach)
                    .filter(pk=int(value), archived=True)
                    .first()
                )
                if archived is not None:
                    raise forms.ValidationError(
                        f"{archived} is archived. Restore them before assigning a checklist.",
                        code="archived",
                    ) from None
            raise


class RoundChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: InterviewRound) -> str:
        opportunity = obj.opportunity
        return f"{opportunity.candidate} — {obj.display_name} ({opportunity.position})"


class TemplateChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: ChecklistTemplate) -> str:
        return f"{obj.title} (built-in)" if obj.is_builtin else obj.title


class AssignmentForm(forms.Form):
    """Give a candidate a checklist: candidate, optional round of that candidate,
    template, due date and instructions. The service does the copying."""

    due_date = forms.DateField(
        label="Due date",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="Leave empty for the day before the interview when a round is chosen.",
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
        rounds = (
            InterviewRound.objects.for_coach(coach)
            .select_related("opportunity__candidate")
            .with_kind_count()
        )
        if not self.is_bound:
            # Only offer what makes sense; a submitted id is still checked
            # against all the coach's rounds so the error can say what is wrong.
            rounds = (
                rounds.filter(opportunity__candidate=candidate)
                if candidate is not None
                else rounds.filter(opportunity__candidate__archived=False)
            )
        self.fields["round"] = RoundChoiceField(
            queryset=rounds.order_by(
                "opportunity__candidate__full_name", "scheduled_at", "opportunity_id", "sequence"
            ),
            label="Interview round",
            required=False,
            empty_label="No particular round",
            help_text="Optional: the round of this candidate the checklist prepares for.",
        )
        self.fields["template"] = TemplateChoiceField(
            queryset=ChecklistTemplate.objects.visible_to(coach).order_by(
                "owner_id", "title", "pk"
            ),
            label="Checklist template",
            empty_label="Choose a template",
            help_text="Its items are copied now; later edits to the template do not change it.",
        )
        self.order_fields(self.field_order)
        # For a chosen candidate, say exactly where they stand; one who has
        # joined needs no invitation.
        self.join_status = selectors.candidate_join_status(candidate) if candidate else None
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
        self.helper = _helper("Assign checklist")

    def clean_due_date(self) -> datetime.date | None:
        due = _check_year(self.cleaned_data.get("due_date"), "due date")
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
