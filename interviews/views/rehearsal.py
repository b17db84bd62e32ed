"""Rehearse out loud: the candidate's rehearsal page of a written-answer item
or of a story (record with static/js/rehearse.js, or upload an audio file),
their takes (play, send to the coach, delete), the takes served, and the
coach's comment on a story's take. The review page's comment on a checklist's
take is part of the review form (views/review.py)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from .. import services
from ..access import (
    candidate_required,
    coach_required,
    rehearsal_item_for_candidate,
    story_for_candidate,
    take_for_candidate,
    take_for_coach,
    take_for_lead,
)
from ..forms.rehearsal import TakeCommentForm, TakeUploadForm
from ..lib import files as lib_files
from ..models import AssignmentItem, RehearsalTake, RehearsalTimer, Story
from ..selectors import rehearsal as rehearsal_selectors
from ..services import rehearsal as rehearsal_services
from . import refusal_as_message
from .files import serve
from .stories import render_coach_story


def _wants_json(request: HttpRequest) -> bool:
    """The page's script keeps a recording with fetch and asks for JSON."""
    return "application/json" in request.headers.get("Accept", "")


def _page_url(take_or_subject) -> str:
    if isinstance(take_or_subject, RehearsalTake):
        take = take_or_subject
        if take.item_id is not None:
            return reverse("me:item_rehearse", args=[take.item_id])
        return reverse("me:story_rehearse", args=[take.story_id])
    if isinstance(take_or_subject, AssignmentItem):
        return reverse("me:item_rehearse", args=[take_or_subject.pk])
    return reverse("me:story_rehearse", args=[take_or_subject.pk])


def _render(
    request: HttpRequest,
    *,
    item: AssignmentItem | None = None,
    story: Story | None = None,
    form: TakeUploadForm | None = None,
    status: int = 200,
) -> HttpResponse:
    page = (
        rehearsal_selectors.item_rehearsal(item)
        if item is not None
        else rehearsal_selectors.story_rehearsal(story)
    )
    if item is not None:
        back_url = f"{item.assignment.get_candidate_url()}#item-{item.pk}"
        back_label = f"Back to “{item.assignment.title}”"
    else:
        back_url, back_label = story.get_candidate_url(), f"Back to “{story.title}”"
    return render(
        request,
        "interviews/rehearsal/rehearse.html",
        {
            "page": page,
            "item": item,
            "story": story,
            "form": form or TakeUploadForm(initial={"timer": RehearsalTimer.TWO}),
            "post_url": _page_url(item if item is not None else story),
            "back_url": back_url,
            "back_label": back_label,
            "timers": RehearsalTimer.choices,
            "audio_words": lib_files.AUDIO_WORDS,
            "retention_days": settings.REHEARSAL_RETENTION_DAYS,
        },
        status=status,
    )


def _keep(request: HttpRequest, *, item=None, story=None) -> HttpResponse:
    """The upload (from the form, or the script's recording): kept, or the
    page again with the reason under the file input (JSON for the script)."""
    form = TakeUploadForm(request.POST, request.FILES)
    error = ""
    if form.is_valid():
        data = form.cleaned_data
        try:
            take = rehearsal_services.take_add(
                item=item,
                story=story,
                upload=data["recording"],
                by=request.user,
                duration_seconds=data["duration"],
                timer_seconds=data["timer"],
            )
        except services.WrongState as closed:
            # A stale tab: the checklist was submitted (or the story archived)
            # meanwhile. The page says so; there is no form to show again.
            if _wants_json(request):
                return JsonResponse({"kept": False, "message": f"Not kept: {closed}"}, status=409)
            messages.error(request, f"The take was not kept: {closed}")
            return redirect(_page_url(item if item is not None else story))
        except services.ServiceError as refused:
            error = str(refused)
            form.add_error("recording", error)
        else:
            done = "Take kept. Listen back below, or send it to your coach."
            messages.success(request, done)
            if _wants_json(request):
                return JsonResponse(
                    {"kept": True, "message": done, "take": take.pk, "reload": _page_url(take)},
                    status=201,
                )
            return redirect(f"{_page_url(take)}#take-{take.pk}")
    else:
        error = " ".join(e for errors in form.errors.values() for e in errors)
    if _wants_json(request):
        return JsonResponse({"kept": False, "message": f"Not kept: {error}"}, status=400)
    return _render(request, item=item, story=story, form=form, status=400)


@candidate_required
def item_rehearse(request: HttpRequest, pk: int) -> HttpResponse:
    """An item's rehearsal page; POST keeps a take."""
    item = rehearsal_item_for_candidate(request, pk)
    if not rehearsal_selectors.rehearsable(item):
        raise Http404("Only written answers are rehearsed.")
    if request.method == "POST":
        return _keep(request, item=item)
    return _render(request, item=item)


@candidate_required
def story_rehearse(request: HttpRequest, pk: int) -> HttpResponse:
    """A story's rehearsal page; POST keeps a take."""
    story = story_for_candidate(request, pk)
    if request.method == "POST":
        return _keep(request, story=story)
    return _render(request, story=story)


@candidate_required
@require_POST
def take_for_coach_mark(request: HttpRequest, pk: int) -> HttpResponse:
    """Send the take to the coach (``for_coach=1``) or take it back (anything else)."""
    take = take_for_candidate(request, pk)
    for_coach = request.POST.get("for_coach") == "1"
    with refusal_as_message(request):
        rehearsal_services.take_mark_for_coach(take=take, by=request.user, for_coach=for_coach)
        messages.success(
            request,
            "Your coach will hear this take (your other takes here are not sent)."
            if for_coach
            else "This take is no longer sent to your coach.",
        )
    return redirect(f"{_page_url(take)}#take-{take.pk}")


@candidate_required
@require_POST
def take_delete(request: HttpRequest, pk: int) -> HttpResponse:
    take = take_for_candidate(request, pk)
    with refusal_as_message(request):
        rehearsal_services.take_delete(take=take, by=request.user)
        messages.success(request, "The take is deleted.")
    return redirect(f"{_page_url(take)}#takes")


# ---------------------------------------------------------------- served, and the coach's comment


@candidate_required
def candidate_take(request: HttpRequest, pk: int) -> HttpResponse:
    return serve(take_for_candidate(request, pk))


@coach_required
def coach_take(request: HttpRequest, pk: int) -> HttpResponse:
    return serve(take_for_coach(request, pk))


@coach_required
def lead_take(request: HttpRequest, pk: int) -> HttpResponse:
    return serve(take_for_lead(request, pk))


@coach_required
@require_POST
def coach_take_comment(request: HttpRequest, pk: int) -> HttpResponse:
    """The coach's comment on a story's take (a checklist's is saved with the review)."""
    take = take_for_coach(request, pk)
    if take.story_id is None:
        raise Http404("A checklist's rehearsal is commented on in the review.")
    back = f"{take.story.get_absolute_url()}#rehearsal"
    form = TakeCommentForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Your comment was not saved: see the message under the box.")
        return render_coach_story(request, take.story, take_form=form, status=400)
    with refusal_as_message(request):
        changed = rehearsal_services.take_comment(
            take=take, by=request.user, body=form.cleaned_data["body"]
        )
        if not changed:
            messages.info(request, "Nothing had changed in your comment.")
        elif form.cleaned_data["body"]:
            messages.success(request, "Your comment on the rehearsal is saved.")
        else:
            messages.success(request, "Your comment on the rehearsal is removed.")
    return redirect(back)
