"""A round's interviewers, kept by the coach and the candidate alike (candidates
often learn the names late). One implementation, two entry points per action:
each side loads the object through its own access helper."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from .. import services
from ..access import (
    candidate_required,
    coach_required,
    interviewer_for_candidate,
    interviewer_for_coach,
    round_for_candidate,
    round_for_coach,
)
from ..forms.rounds import InterviewerForm
from ..models import Interviewer, InterviewRound


def _round_url(request: HttpRequest, round: InterviewRound) -> str:
    name = "coach:round_detail" if request.user.is_coach else "me:round"
    return f"{reverse(name, args=[round.pk])}#interviewers"


def _add(request: HttpRequest, round: InterviewRound) -> HttpResponse:
    form = InterviewerForm(request.POST or None, submit_label="Add interviewer")
    if request.method == "POST" and form.is_valid():
        interviewer = services.interviewer_add(round=round, by=request.user, **form.cleaned_data)
        messages.success(request, f"{interviewer.name} added to the interviewers.")
        return redirect(_round_url(request, round))
    return render(
        request,
        "interviews/interviewer_form.html",
        {"form": form, "round": round, "back": _round_url(request, round)},
    )


def _edit(request: HttpRequest, interviewer: Interviewer) -> HttpResponse:
    round = interviewer.round
    form = InterviewerForm(request.POST or None, instance=interviewer)
    if request.method == "POST" and form.is_valid():
        services.interviewer_update(interviewer=interviewer, by=request.user, **form.cleaned_data)
        messages.success(request, f"{interviewer.name}'s details have been saved.")
        return redirect(_round_url(request, round))
    return render(
        request,
        "interviews/interviewer_form.html",
        {
            "form": form,
            "round": round,
            "interviewer": interviewer,
            "back": _round_url(request, round),
        },
    )


def _remove(request: HttpRequest, interviewer: Interviewer) -> HttpResponse:
    round = interviewer.round
    services.interviewer_remove(interviewer=interviewer, by=request.user)
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
