"""Interview rounds, for the coach and for the candidate: the round page,
interviewers, the debrief, the outcome and the thank-you notes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from .. import services
from ..access import (
    asked_question_for_coach,
    candidate_required,
    coach_required,
    interviewer_for_candidate,
    interviewer_for_coach,
    note_for_candidate,
    note_for_coach,
    opportunity_for_coach,
    round_for_candidate,
    round_for_coach,
)
from ..forms.rounds import (
    CoachNoteCheckForm,
    DebriefForm,
    InterviewerForm,
    NoteAction,
    OutcomeForm,
    RoundForm,
    ThankYouNoteForm,
    ThankYouNotesForm,
)
from ..lib.paging import paginate
from ..lib.writing import Finding
from ..models import Interviewer, InterviewRound, ThankYouNote
from ..selectors import rounds as rounds_selectors
from ..services import rounds as rounds_services
from . import refusal_as_message
from .checklists import assign_url


def _round_url(request: HttpRequest, round: InterviewRound) -> str:
    name = "coach:round_detail" if request.user.is_coach else "me:round"
    return f"{reverse(name, args=[round.pk])}#interviewers"


def _add(request: HttpRequest, round: InterviewRound) -> HttpResponse:
    form = InterviewerForm(request.POST or None, submit_label="Add interviewer")
    if request.method == "POST" and form.is_valid():
        interviewer = rounds_services.interviewer_add(
            round=round, by=request.user, **form.cleaned_data
        )
        messages.success(request, f"{interviewer.name} added to the interviewers.")
        return redirect(_round_url(request, round))
    return render(
        request,
        "interviews/rounds/interviewer_form.html",
        {"form": form, "round": round, "back": _round_url(request, round)},
    )


def _edit(request: HttpRequest, interviewer: Interviewer) -> HttpResponse:
    round = interviewer.round
    form = InterviewerForm(request.POST or None, instance=interviewer)
    if request.method == "POST" and form.is_valid():
        rounds_services.interviewer_update(
            interviewer=interviewer, by=request.user, **form.cleaned_data
        )
        messages.success(request, f"{interviewer.name}'s details have been saved.")
        return redirect(_round_url(request, round))
    return render(
        request,
        "interviews/rounds/interviewer_form.html",
        {
            "form": form,
            "round": round,
            "interviewer": interviewer,
            "back": _round_url(request, round),
        },
    )


def _remove(request: HttpRequest, interviewer: Interviewer) -> HttpResponse:
    round = interviewer.round
    rounds_services.interviewer_remove(interviewer=interviewer, by=request.user)
    messages.success(
        request,
        f"{interviewer.name} is no longer listed. A thank-you note to them keeps its text.",
    )
    return redirect(_round_url(request, round))


@coach_required
def coach_interviewer_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _add(request, round_for_coach(request, pk))


@coach_required
def coach_interviewer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _edit(request, interviewer_for_coach(request, pk))


@coach_required
@require_POST
def coach_interviewer_remove(request: HttpRequest, pk: int) -> HttpResponse:
    return _remove(request, interviewer_for_coach(request, pk))


@candidate_required
def candidate_interviewer_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _add(request, round_for_candidate(request, pk))


@candidate_required
def candidate_interviewer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _edit(request, interviewer_for_candidate(request, pk))


@candidate_required
@require_POST
def candidate_interviewer_remove(request: HttpRequest, pk: int) -> HttpResponse:
    return _remove(request, interviewer_for_candidate(request, pk))


# ---------------------------------------------------------------- rounds


@dataclass(frozen=True)
class CandidateNoteView:
    """A thank-you note on the candidate's round page with what this request
    adds to it: its form (None once sent), a refused save's conflict, the
    placeholders to confirm, the mail link to open after a save without
    JavaScript."""

    row: rounds_selectors.CandidateNoteRow
    form: ThankYouNoteForm | None
    conflict: rounds_services.NoteConflict | None = None
    confirm: list[str] = field(default_factory=list)
    open_mail: bool = False

    @property
    def note(self) -> ThankYouNote:
        return self.row.note


def _note_views(
    page: rounds_selectors.CandidateRound,
    notes_form: ThankYouNotesForm,
    *,
    conflicts: list[rounds_services.NoteConflict],
    confirm: int | None,
    open_mail: int | None,
) -> list[CandidateNoteView]:
    conflict_of = {conflict.note.pk: conflict for conflict in conflicts}
    views = []
    for row in page.notes:
        note = row.note
        # A sent note is shown as sent; one drafted since the POST began, as stored.
        form = None if note.is_sent else notes_form.get(note.pk) or ThankYouNoteForm(instance=note)
        views.append(
            CandidateNoteView(
                row=row,
                form=form,
                conflict=conflict_of.get(note.pk),
                confirm=note.placeholders if confirm == note.pk and not note.is_sent else [],
                open_mail=open_mail == note.pk and not note.is_sent,
            )
        )
    return views


def _query_pk(request: HttpRequest, name: str) -> int | None:
    value = request.GET.get(name, "")
    return int(value) if value.isdigit() else None


def _render_candidate_round(
    request: HttpRequest,
    round: InterviewRound,
    *,
    debrief_form: DebriefForm | None = None,
    outcome_form: OutcomeForm | None = None,
    notes_form: ThankYouNotesForm | None = None,
    conflicts: list[rounds_services.NoteConflict] | None = None,
) -> HttpResponse:
    """The round page: logistics, interviewers and prep before the interview; the
    debrief, thank-you notes and outcome from its start on. After a refused POST,
    with what the candidate typed. ``?confirm=<note id>`` asks to confirm marking
    that note sent with a placeholder left; ``?open=<note id>`` shows its saved
    text's mail link up front (the "Open in my email program" of a page without
    JavaScript)."""
    page = rounds_selectors.candidate_round(round, user=request.user, now=timezone.now())
    context = {
        "round": round,
        "opportunity": round.opportunity,
        "coach": round.opportunity.candidate.coach,
        "page": page,
        "timeline": page.timeline,
    }
    if page.timeline.has_started:
        context["debrief_form"] = debrief_form or DebriefForm.for_round(round)
        context["outcome_form"] = outcome_form or OutcomeForm(initial={"outcome": round.outcome})
        notes_form = notes_form or ThankYouNotesForm([row.note for row in page.notes])
        context["notes_form"] = notes_form
        context["notes"] = _note_views(
            page,
            notes_form,
            conflicts=conflicts or [],
            confirm=_query_pk(request, "confirm"),
            open_mail=_query_pk(request, "open"),
        )
    return render(request, "interviews/rounds/candidate_round.html", context)


@candidate_required
def candidate_round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The round at the centre: what is next, and everything about it."""
    return _render_candidate_round(request, round_for_candidate(request, pk))


@candidate_required
def candidate_past_rounds(request: HttpRequest) -> HttpResponse:
    """Every interview of the candidate that has taken place, newest first, paged."""
    page = paginate(
        request, rounds_selectors.candidate_past_rounds(request.user, now=timezone.now())
    )
    return render(request, "interviews/rounds/past.html", {"page": page})


def _back_to_round(round: InterviewRound, anchor: str) -> HttpResponse:
    return redirect(f"{reverse('me:round', args=[round.pk])}#{anchor}")


@candidate_required
@require_POST
def round_debrief(request: HttpRequest, pk: int) -> HttpResponse:
    """How it went, what was asked, what to do differently."""
    round = round_for_candidate(request, pk)
    form = DebriefForm.for_round(round, request.POST)
    if not form.is_valid():
        messages.error(request, "Your debrief was not saved: see the fields marked below.")
        return _render_candidate_round(request, round_for_candidate(request, pk), debrief_form=form)
    try:
        rounds_services.round_record_debrief(
            round=round,
            by=request.user,
            debrief_notes=form.cleaned_data["debrief_notes"],
            debrief_differently=form.cleaned_data["debrief_differently"],
            asked=form.cleaned_data["asked"],
            covered=form.covered(),
            came_up=form.came_up(),
        )
    except services.ServiceError as error:
        messages.error(request, str(error))
        return _render_candidate_round(request, round_for_candidate(request, pk), debrief_form=form)
    messages.success(request, "Debrief saved. Your coach can read it on the round page.")
    return _back_to_round(round, "debrief")


@candidate_required
@require_POST
def round_outcome(request: HttpRequest, pk: int) -> HttpResponse:
    round = round_for_candidate(request, pk)
    form = OutcomeForm(request.POST)
    if form.is_valid():
        try:
            rounds_services.round_record_outcome(
                round=round, by=request.user, outcome=form.cleaned_data["outcome"]
            )
        except services.ServiceError as error:
            messages.error(request, str(error))
        else:
            round.refresh_from_db()
            messages.success(request, f"Outcome recorded: {round.get_outcome_display()}.")
            return _back_to_round(round, "outcome")
    else:
        messages.error(request, "Choose one of the outcomes listed.")
    return _render_candidate_round(request, round_for_candidate(request, pk), outcome_form=form)


@dataclass(frozen=True)
class NotesSaved:
    """What ``_save_typed_notes`` saved: the posted notes and those that changed."""

    form: ThankYouNotesForm
    changed: list[ThankYouNote]

    def also_saved(self, request: HttpRequest, *, besides: int | None = None) -> None:
        """Tell the user which notes the button saved besides its own."""
        others = [note.recipient for note in self.changed if note.pk != besides]
        if others:
            messages.info(request, f"Also saved: your note to {', '.join(others)}.")


def _save_typed_notes(request: HttpRequest, round: InterviewRound) -> NotesSaved | HttpResponse:
    """Every button of the notes posts all the round's unsent notes: save what
    was typed into each first. Refused, the page again, with everything typed
    and why, and the button's own action is not done."""
    notes_form = ThankYouNotesForm(rounds_selectors.round_notes(round), request.POST)
    if not notes_form.is_valid():
        messages.error(request, "Nothing was saved: see the notes marked below.")
        return _render_candidate_round(request, round, notes_form=notes_form)
    try:
        changed = rounds_services.thank_you_notes_save(
            round=round, by=request.user, typed=notes_form.typed()
        )
    except rounds_services.NoteEditConflict as conflict:
        notes_form.keep_after_conflict(conflict.conflicts)
        messages.error(request, str(conflict))
        return _render_candidate_round(
            request, round, notes_form=notes_form, conflicts=conflict.conflicts
        )
    except services.ServiceError as error:
        messages.error(request, str(error))
        return _render_candidate_round(request, round, notes_form=notes_form)
    return NotesSaved(form=notes_form, changed=changed)


@candidate_required
@require_POST
def notes_prepare(request: HttpRequest, pk: int) -> HttpResponse:
    """Draft a thank-you note for each interviewer with an email who has none,
    after saving what was typed into the notes already there."""
    round = round_for_candidate(request, pk)
    saved = _save_typed_notes(request, round)
    if isinstance(saved, HttpResponse):
        return saved
    saved.also_saved(request)
    with refusal_as_message(request):
        created = rounds_services.thank_you_notes_prepare(round=round, by=request.user)
        if created:
            names = ", ".join(note.recipient for note in created)
            messages.success(request, f"Drafted a thank-you note to {names}. Make each your own.")
        else:
            messages.info(request, "Every interviewer with an email already has a note.")
    return _back_to_round(round, "notes")


@candidate_required
@require_POST
def note_add_other(request: HttpRequest, pk: int) -> HttpResponse:
    """A draft to someone else, after saving what was typed into the notes."""
    round = round_for_candidate(request, pk)
    saved = _save_typed_notes(request, round)
    if isinstance(saved, HttpResponse):
        return saved
    saved.also_saved(request)
    try:
        note = rounds_services.thank_you_note_add_other(round=round, by=request.user)
    except services.ServiceError as error:
        messages.error(request, str(error))
        return _back_to_round(round, "notes")
    messages.success(request, "A new draft is ready: add who it is for.")
    return _back_to_round(round, f"note-{note.pk}")


NOTE_DONE = {
    NoteAction.SAVE: "Saved.",
    NoteAction.CHECK: "Saved, and your coach has been asked to look. You can still send it "
    "any time.",
    NoteAction.SENT: "Saved, and marked as sent.",
}


@candidate_required
@require_POST
def notes_save(request: HttpRequest, pk: int) -> HttpResponse:
    """Every button of every note saves what was typed into all the round's
    notes first, then does its own action on its note: save, open it in the
    mail program (the page without JavaScript), ask the coach to look, or mark
    it as sent — asking once for a confirmation while the note still holds a
    placeholder (``lib.drafts.PLACEHOLDER``)."""
    round = round_for_candidate(request, pk)
    saved = _save_typed_notes(request, round)
    if isinstance(saved, HttpResponse):
        return saved
    action, note_pk = saved.form.action()
    saved.also_saved(request, besides=note_pk)
    if note_pk is None:
        messages.success(request, NOTE_DONE[NoteAction.SAVE])
        return _back_to_round(round, "notes")
    note = note_for_candidate(request, note_pk)
    round_url = reverse("me:round", args=[round.pk])
    if action == NoteAction.OPEN:
        messages.success(request, f"Saved. Your note to {note.recipient} is ready to open below.")
        return redirect(f"{round_url}?open={note.pk}#note-{note.pk}")
    try:
        if action == NoteAction.CHECK:
            rounds_services.thank_you_note_request_check(note=note, by=request.user)
        elif action == NoteAction.SENT:
            rounds_services.thank_you_note_mark_sent(
                note=note, by=request.user, allow_placeholders=saved.form.confirmed(note.pk)
            )
    except rounds_services.PlaceholderLeft as error:
        # Asked once: the page shows the placeholder and "Mark as sent anyway".
        messages.warning(request, f"Saved, but not marked as sent: {error}")
        return redirect(f"{round_url}?confirm={note.pk}#note-{note.pk}")
    except services.ServiceError as error:
        # The text is saved; the action itself was refused and says why.
        messages.error(request, str(error))
    else:
        messages.success(request, NOTE_DONE[action])
    return _back_to_round(round, f"note-{note.pk}")


# ---------------------------------------------------------------- interview rounds


def _round_fields(form: RoundForm) -> dict:
    """The round facts the services take, from a valid RoundForm."""
    data = form.cleaned_data
    return {
        "kind": data["kind"],
        "scheduled_at": data["scheduled_at"],
        "duration_minutes": data["duration_minutes"],
        "location": data["location"],
        "outcome": data["outcome"],
        "outcome_notes": data["outcome_notes"],
    }


@coach_required
def round_create(request: HttpRequest, pk: int) -> HttpResponse:
    opportunity = opportunity_for_coach(request, pk)
    form = RoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            round = rounds_services.round_create(
                opportunity=opportunity, by=request.user, **_round_fields(form)
            )
        except services.ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                f"{round.display_name} added. Next, add the interviewers {opportunity.candidate} "
                "will meet, then assign a checklist so they can prepare for it.",
            )
            return redirect(f"{round.get_absolute_url()}#interviewers")
    return render(
        request,
        "interviews/rounds/round_form.html",
        {"form": form, "opportunity": opportunity, "candidate": opportunity.candidate},
    )


@dataclass(frozen=True)
class CoachNoteRow:
    """A thank-you note on the coach's round page, with the coach's answer form
    when the candidate asked them to look."""

    note: ThankYouNote
    status: rounds_selectors.NoteStatus
    check_form: CoachNoteCheckForm | None
    #: The same writing checks the candidate sees under the note.
    findings: list[Finding]


def _render_coach_round(
    request: HttpRequest, round: InterviewRound, *, check_form: CoachNoteCheckForm | None = None
) -> HttpResponse:
    """The round page; after a refused check, with what the coach typed."""
    candidate = round.opportunity.candidate
    page = rounds_selectors.coach_round(round, now=timezone.now())
    notes = []
    for note in page.notes:
        form = None
        if note.awaiting_check:
            keep = check_form is not None and check_form.note_pk == note.pk
            form = check_form if keep else CoachNoteCheckForm(note=note)
        notes.append(
            CoachNoteRow(
                note=note,
                status=rounds_selectors.note_status(note),
                check_form=form,
                findings=page.note_findings[note.pk],
            )
        )
    return render(
        request,
        "interviews/rounds/coach_round.html",
        {
            "round": round,
            "opportunity": round.opportunity,
            "candidate": candidate,
            "page": page,
            "timeline": page.timeline,
            "notes": notes,
            "assign_url": assign_url(candidate, round),
        },
    )


@coach_required
def coach_round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The round at the centre: phase and what is next, interviewers, prep, the
    debrief, the thank-you notes and the outcome."""
    return _render_coach_round(request, round_for_coach(request, pk))


@coach_required
def round_edit(request: HttpRequest, pk: int) -> HttpResponse:
    round = round_for_coach(request, pk)
    # Named as saved: a posted form changes the instance even when invalid.
    round_name = round.display_name
    form = RoundForm(request.POST or None, instance=round)
    if request.method == "POST" and form.is_valid():
        try:
            rounds_services.round_update(round=round, by=request.user, **_round_fields(form))
        except services.ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "The round has been saved.")
            return redirect(round)
    return render(
        request,
        "interviews/rounds/round_form.html",
        {
            "form": form,
            "round": round,
            "round_name": round_name,
            "opportunity": round.opportunity,
            "candidate": round.opportunity.candidate,
        },
    )


def _note_url(note: ThankYouNote) -> str:
    return f"{note.round.get_absolute_url()}#note-{note.pk}"


@coach_required
@require_POST
def note_check(request: HttpRequest, pk: int) -> HttpResponse:
    """The coach's answer to "please look at my thank-you note"; the candidate is
    emailed. Sending never waits for it."""
    note = note_for_coach(request, pk)
    form = CoachNoteCheckForm(request.POST, note=note)
    if not form.is_valid():
        messages.error(request, "Nothing was sent: see the note's form below.")
        return _render_coach_round(
            request, round_for_coach(request, note.round_id), check_form=form
        )
    try:
        rounds_services.thank_you_note_check(
            note=note,
            by=request.user,
            comment=form.cleaned_data["comment"],
            approve=form.cleaned_data["approve"],
        )
    except services.ServiceError as exc:
        messages.error(request, str(exc))
    else:
        candidate = note.round.opportunity.candidate
        what = "approved the note" if form.cleaned_data["approve"] else "commented on the note"
        messages.success(
            request, f"You {what} to {note.recipient}. We emailed {candidate} to say so."
        )
    return redirect(_note_url(note))


@coach_required
@require_POST
def asked_question_add_to_bank(request: HttpRequest, pk: int) -> HttpResponse:
    """Copy a question really asked in the interview into the coach's own bank,
    marked with the company and kind of round (never the candidate)."""
    asked = asked_question_for_coach(request, pk)
    with refusal_as_message(request, level=messages.INFO):
        question = rounds_services.asked_question_add_to_bank(asked=asked, by=request.user)
        messages.success(request, f"Added to your question bank: “{question.prompt}”")
    return redirect(f"{asked.round.get_absolute_url()}#asked-{asked.pk}")
