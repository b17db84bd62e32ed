"""Coach pages: dashboard, candidates, opportunities and interview rounds,
assigning and withdrawing checklists.

Every view is for coaches only (``coach_required``: 404 for anyone else) and
loads its object through an access helper, so another coach's ids answer 404.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from .. import selectors, services, throttle
from ..access import (
    asked_question_for_coach,
    assignment_for_coach,
    candidate_for_coach,
    coach_required,
    note_for_coach,
    opportunity_for_coach,
    round_for_coach,
)
from ..forms.coach import AssignmentForm, CandidateForm, OpportunityForm, RoundForm
from ..forms.rounds import CoachNoteCheckForm
from ..models import Assignment, Candidate, InterviewRound, ThankYouNote
from .paging import paginate


def _assign_url(candidate: Candidate, round: InterviewRound | None = None) -> str:
    url = f"{reverse('coach:assignment_create')}?candidate={candidate.pk}"
    return f"{url}&round={round.pk}" if round is not None else url


# ---------------------------------------------------------------- dashboard


@coach_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """What needs the coach now: reviews, the coming week, overdue work, pending invitations."""
    return render(
        request,
        "interviews/coach/dashboard.html",
        {"board": selectors.dashboard(request.user)},
    )


# ---------------------------------------------------------------- candidates


@coach_required
def candidate_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").replace("\x00", "")[:200]
    archived = request.GET.get("archived") == "1"
    candidates = selectors.candidate_list(request.user, q=q, archived=archived)
    page = paginate(request, candidates)
    return render(
        request,
        "interviews/coach/candidate_list.html",
        {"page": page, "q": q, "archived": archived},
    )


def _save_candidate(form: CandidateForm) -> Candidate | None:
    """Save the form; a duplicate that slipped past validation (two tabs at once)
    becomes a form error rather than a 500."""
    try:
        with transaction.atomic():
            return form.save()
    except IntegrityError:
        form.add_error("email", "You already have a candidate with this email.")
        return None


@coach_required
def candidate_create(request: HttpRequest) -> HttpResponse:
    form = CandidateForm(request.POST or None, coach=request.user)
    if request.method == "POST" and form.is_valid():
        candidate = _save_candidate(form)
        if candidate is not None:
            messages.success(
                request,
                f"{candidate} has been added. Invite them when you are ready, so they can "
                "log in and fill in checklists.",
            )
            return redirect(candidate)
    return render(request, "interviews/coach/candidate_form.html", {"form": form})


@coach_required
def candidate_detail(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = candidate_for_coach(request, pk)
    opportunities = selectors.candidate_opportunities(candidate)
    return render(
        request,
        "interviews/coach/candidate_detail.html",
        {
            "candidate": candidate,
            "invitation": selectors.candidate_invitation(candidate),
            "opportunities": opportunities,
            "assignments": selectors.candidate_assignments(candidate),
            "assign_url": _assign_url(candidate),
        },
    )


@coach_required
def candidate_edit(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = candidate_for_coach(request, pk)
    form = CandidateForm(request.POST or None, instance=candidate, coach=request.user)
    if request.method == "POST" and form.is_valid() and _save_candidate(form) is not None:
        messages.success(request, f"{candidate}'s details have been saved.")
        return redirect(candidate)
    return render(
        request, "interviews/coach/candidate_form.html", {"form": form, "candidate": candidate}
    )


@coach_required
@require_POST
def candidate_archive(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = candidate_for_coach(request, pk)
    try:
        services.candidate_archive(candidate=candidate, by=request.user)
    except services.WrongState as exc:
        messages.info(request, str(exc))
    else:
        messages.success(
            request,
            f"{candidate} is archived: hidden from your active list, nothing deleted. "
            "You can restore them at any time.",
        )
    return redirect(candidate)


@coach_required
@require_POST
def candidate_restore(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = candidate_for_coach(request, pk)
    try:
        services.candidate_restore(candidate=candidate, by=request.user)
    except services.WrongState as exc:
        messages.info(request, str(exc))
    else:
        messages.success(request, f"{candidate} is restored to your active candidates.")
    return redirect(candidate)


@coach_required
@require_POST
def candidate_invite(request: HttpRequest, pk: int) -> HttpResponse:
    """Send (or re-send) the invitation; an earlier link stops working. Limited
    per candidate address and per client address (throttle.INVITE_*)."""
    candidate = candidate_for_coach(request, pk)
    # Only invitations actually sent count against the limits.
    checks = (
        (throttle.INVITE_EMAIL, candidate.email),
        (throttle.INVITE_IP, throttle.client_ip(request)),
    )
    if throttle.any_limited(*checks):
        messages.error(
            request, "Too many invitations to this address in the last hour; try again later."
        )
        return redirect(candidate)
    try:
        invitation, _token = services.invitation_create(candidate=candidate, by=request.user)
    except services.ServiceError as exc:
        messages.error(request, str(exc))
    else:
        throttle.hit_all(*checks)
        expires = timezone.localtime(invitation.expires_at)
        messages.success(
            request,
            f"Invitation sent to {candidate.email}. The link works once and expires on "
            f"{expires:%d %b %Y at %H:%M}.",
        )
    return redirect(candidate)


# ---------------------------------------------------------------- opportunities


@coach_required
def opportunity_create(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = candidate_for_coach(request, pk)
    form = OpportunityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.instance.candidate = candidate
        opportunity = form.save()
        messages.success(request, f"{opportunity} added. Next, add its interview rounds.")
        return redirect(opportunity)
    return render(
        request, "interviews/coach/opportunity_form.html", {"form": form, "candidate": candidate}
    )


@coach_required
def opportunity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    opportunity = opportunity_for_coach(request, pk)
    rounds = selectors.opportunity_rounds(opportunity)
    return render(
        request,
        "interviews/coach/opportunity_detail.html",
        {"opportunity": opportunity, "candidate": opportunity.candidate, "rounds": rounds},
    )


@coach_required
def opportunity_edit(request: HttpRequest, pk: int) -> HttpResponse:
    opportunity = opportunity_for_coach(request, pk)
    form = OpportunityForm(request.POST or None, instance=opportunity)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "The opportunity has been saved.")
        return redirect(opportunity)
    return render(
        request,
        "interviews/coach/opportunity_form.html",
        {"form": form, "candidate": opportunity.candidate, "opportunity": opportunity},
    )


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
            round = services.round_create(
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
        "interviews/coach/round_form.html",
        {"form": form, "opportunity": opportunity, "candidate": opportunity.candidate},
    )


@dataclass(frozen=True)
class NoteRow:
    """A thank-you note on the coach's round page, with the coach's answer form
    when the candidate asked them to look."""

    note: ThankYouNote
    status: selectors.NoteStatus
    check_form: CoachNoteCheckForm | None


def _render_round(
    request: HttpRequest, round: InterviewRound, *, check_form: CoachNoteCheckForm | None = None
) -> HttpResponse:
    """The round page; after a refused check, with what the coach typed."""
    candidate = round.opportunity.candidate
    page = selectors.coach_round(round, now=timezone.now())
    notes = []
    for note in page.notes:
        form = None
        if note.awaiting_check:
            keep = check_form is not None and check_form.note_pk == note.pk
            form = check_form if keep else CoachNoteCheckForm(note=note)
        notes.append(NoteRow(note=note, status=selectors.note_status(note), check_form=form))
    return render(
        request,
        "interviews/coach/round_detail.html",
        {
            "round": round,
            "opportunity": round.opportunity,
            "candidate": candidate,
            "page": page,
            "timeline": page.timeline,
            "notes": notes,
            "assign_url": _assign_url(candidate, round),
        },
    )


@coach_required
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The round at the centre: phase and what is next, interviewers, prep, the
    debrief, the thank-you notes and the outcome."""
    return _render_round(request, round_for_coach(request, pk))


@coach_required
def round_edit(request: HttpRequest, pk: int) -> HttpResponse:
    round = round_for_coach(request, pk)
    # Named as saved: a posted form changes the instance even when invalid.
    round_name = round.display_name
    form = RoundForm(request.POST or None, instance=round)
    if request.method == "POST" and form.is_valid():
        try:
            services.round_update(round=round, by=request.user, **_round_fields(form))
        except services.ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "The round has been saved.")
            return redirect(round)
    return render(
        request,
        "interviews/coach/round_form.html",
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
        return _render_round(request, round_for_coach(request, note.round_id), check_form=form)
    try:
        services.thank_you_note_check(
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
    try:
        question = services.asked_question_add_to_bank(asked=asked, by=request.user)
    except services.ServiceError as exc:
        messages.info(request, str(exc))
    else:
        messages.success(request, f"Added to your question bank: “{question.prompt}”")
    return redirect(f"{asked.round.get_absolute_url()}#asked-{asked.pk}")


# ---------------------------------------------------------------- assignments


def _int_param(request: HttpRequest, name: str) -> int | None:
    value = request.GET.get(name, "")
    # isdecimal: "²" is a digit that int() refuses.
    return int(value) if value.isdecimal() and len(value) < 12 else None


def _assignment_initial(request: HttpRequest) -> tuple[dict, Candidate | None]:
    """Pre-fill from ?candidate=<id>&round=<id>&template=<id>; ids the coach does
    not own are ignored."""
    coach = request.user
    initial: dict = {}
    candidate = None
    if (pk := _int_param(request, "candidate")) is not None:
        candidate = selectors.coach_candidate(coach, pk)
        if candidate is not None and candidate.archived:
            messages.warning(
                request,
                f"{candidate} is archived. Restore them before assigning a checklist.",
            )
            candidate = None
        elif candidate is not None:
            initial["candidate"] = candidate
    if candidate is not None and (pk := _int_param(request, "round")) is not None:
        round = selectors.coach_candidate_round(coach, candidate, pk)
        if round is not None:
            initial["round"] = round
            due = services.default_due_date(round, coach.time_zone)
            if due is not None:
                initial["due_date"] = max(due, timezone.localdate())
    if (pk := _int_param(request, "template")) is not None:
        template = selectors.visible_template(coach, pk)
        if template is not None:
            initial["template"] = template
    return initial, candidate


def _assigned_message(assignment: Assignment, data: dict) -> str:
    """What was really emailed, for the confirmation after assigning."""
    candidate = assignment.candidate
    done = f"“{assignment.title}” is assigned to {candidate}."
    status = selectors.candidate_join_status(candidate)
    if status.state == selectors.JoinState.JOINED:
        return f"{done} We emailed them the link."
    if status.state == selectors.JoinState.NOT_INVITED:
        return (
            f"{done} {candidate} has not been invited, so no email was sent and they cannot "
            "open it yet. Invite them from their page when you are ready."
        )
    sent = timezone.localtime(status.invitation.sent_at)
    if data.get("send_invitation"):
        return (
            f"{done} {candidate} has not joined yet: we emailed them the invitation link "
            "together with this checklist."
        )
    return (
        f"{done} {candidate} has not joined yet: we emailed them about it and pointed them "
        f"to the invitation you sent on {sent:%d %b %Y}."
    )


@coach_required
def assignment_create(request: HttpRequest) -> HttpResponse:
    """Copy a template into a new checklist for one candidate (and round)."""
    if request.method == "POST":
        form = AssignmentForm(request.POST, coach=request.user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                assignment = services.assignment_create(
                    coach=request.user,
                    candidate=data["candidate"],
                    template=data["template"],
                    round=data["round"],
                    due_date=data["due_date"],
                    instructions=data["instructions"],
                    send_invitation=data.get("send_invitation", False),
                )
            except services.ServiceError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _assigned_message(assignment, data))
                return redirect(assignment)
    else:
        initial, candidate = _assignment_initial(request)
        form = AssignmentForm(initial=initial, coach=request.user, candidate=candidate)
    return render(request, "interviews/coach/assignment_form.html", {"form": form})


@coach_required
@require_POST
def assignment_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """Hide a checklist from the candidate; it is kept, not deleted."""
    assignment = assignment_for_coach(request, pk)
    try:
        services.assignment_withdraw(assignment=assignment, by=request.user)
    except services.ServiceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            f"“{assignment.title}” is withdrawn. {assignment.candidate} no longer sees it; "
            "it is kept here for your records.",
        )
    return redirect(assignment.candidate)
