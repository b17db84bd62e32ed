"""The story bank: the candidate's list, story pages and forms (/me/stories/);
the coach's story page with comments and the "strong" mark; the practice
lead's read-only copy."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from ..access import (
    candidate_for_coach,
    candidate_required,
    coach_required,
    record_for_candidate,
    story_for_candidate,
    story_for_coach,
    story_for_lead,
)
from ..forms.rehearsal import TakeCommentForm
from ..forms.stories import StoryCommentForm, StoryCopyForm, StoryForm, StoryTagForm
from ..models import AssignmentItem, Candidate, Story
from ..selectors import rehearsal as rehearsal_selectors
from ..selectors import stories as stories_selectors
from ..services import ServiceError, StoryConflict
from ..services import checklists as checklists_services
from ..services import stories as stories_services
from . import refusal_as_message

# ---------------------------------------------------------------- the candidate's bank


@candidate_required
def story_list(request: HttpRequest) -> HttpResponse:
    tag = request.GET.get("tag", "").replace("\x00", "")[:60]
    archived = request.GET.get("archived") == "1"
    bank = stories_selectors.candidate_bank(request.user, tag=tag, archived=archived)
    return render(request, "interviews/stories/list.html", {"bank": bank})


def _record_for_new_story(request: HttpRequest) -> Candidate:
    """The bank a new story goes to: ``?record=<pk>`` (one of the login's own
    records), else the first one."""
    raw = request.GET.get("record", "")
    if raw:
        if not (raw.isascii() and raw.isdigit() and len(raw) < 12):
            raise Http404("Not found")
        return record_for_candidate(request, int(raw))
    records = stories_selectors.candidate_records(request.user)
    if not records:
        raise Http404("Not found")
    return records[0]


def _item_for_new_story(request: HttpRequest) -> AssignmentItem | None:
    """``?item=<pk>``: the fill page's "Write a new story" — the checklist item
    the new story will be used in, when it is one of the candidate's written
    answers still editable. Anything else is ignored, and said so."""
    raw = request.GET.get("item", "")
    if not raw:
        return None
    item = stories_selectors.editable_written_item(request.user, raw)
    if item is None and request.method != "POST":
        messages.warning(
            request,
            "That checklist item is not one of your answers that can still be changed, "
            "so the new story will only be saved to your story bank.",
        )
    return item


@candidate_required
def story_create(request: HttpRequest) -> HttpResponse:
    item = _item_for_new_story(request)
    record = item.assignment.candidate if item is not None else _record_for_new_story(request)
    form = StoryForm(request.POST or None, tags=stories_selectors.tags_for_record(record))
    # The form has no action: it posts back to this address, ?record= (or ?item=) and all.
    if request.method == "POST" and form.is_valid():
        try:
            story = stories_services.story_create(
                candidate=record,
                by=request.user,
                values=form.cleaned_data,
                tags=form.cleaned_data["tags"],
            )
        except ServiceError as error:
            form.add_error(None, str(error))
        else:
            if item is not None:
                return _use_new_story(request, story, item)
            messages.success(request, f"“{story.title}” is in your story bank.")
            return redirect(story.get_candidate_url())
    return render(
        request,
        "interviews/stories/form.html",
        {
            "form": form,
            "record": record,
            "records": [record] if item else stories_selectors.candidate_records(request.user),
            "item": item,
        },
    )


def _use_new_story(request: HttpRequest, story: Story, item: AssignmentItem) -> HttpResponse:
    """The story written from the fill page is in the bank; now its item uses
    it, and the candidate goes back to the item."""
    back = f"{item.assignment.get_candidate_url()}#item-{item.pk}"
    try:
        checklists_services.item_story_use(item=item, story=story, by=request.user)
    except ServiceError as error:
        messages.warning(
            request, f"“{story.title}” is in your story bank, but not used in the answer: {error}"
        )
        return redirect(story.get_candidate_url())
    messages.success(
        request, f"“{story.title}” is in your story bank, and item {item.position} uses it."
    )
    return redirect(back)


def _render_story(
    request: HttpRequest,
    story: Story,
    *,
    comment_form: StoryCommentForm | None = None,
    status: int = 200,
) -> HttpResponse:
    page = stories_selectors.story_page(story, copy_targets=True)
    return render(
        request,
        "interviews/stories/candidate_story.html",
        {
            "page": page,
            "story": story,
            "takes": rehearsal_selectors.story_takes(story),
            "comment_form": comment_form or StoryCommentForm(label="Reply"),
            "copy_form": StoryCopyForm(records=page.other_records) if page.other_records else None,
        },
        status=status,
    )


@candidate_required
def story_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_story(request, story_for_candidate(request, pk))


@candidate_required
def story_edit(request: HttpRequest, pk: int) -> HttpResponse:
    story = story_for_candidate(request, pk)
    if story.is_archived:
        messages.info(request, "This story is archived. Restore it before editing.")
        return redirect(story.get_candidate_url())
    tags = stories_selectors.tags_for_record(story.candidate)
    form = StoryForm(request.POST or None, instance=story, tags=tags)
    stored = None
    if request.method == "POST" and form.is_valid():
        try:
            story = stories_services.story_update(
                story=story,
                by=request.user,
                version=form.cleaned_data["version"] or 0,
                values=form.cleaned_data,
                tags=form.cleaned_data["tags"],
            )
        except StoryConflict as conflict:
            stored = conflict.stored
            messages.error(request, str(conflict))
            # The text stays as typed; saving again now replaces the stored version.
            data = request.POST.copy()
            data["version"] = str(stored.version)
            # A copy: validating the form writes the typed text into its instance.
            form = StoryForm(data, instance=Story.objects.get(pk=stored.pk), tags=tags)
            form.is_valid()
        except ServiceError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Your story is saved. Suggestions, if any, are shown below.")
            return redirect(story.get_candidate_url())
    story = Story.objects.select_related("candidate__coach").get(pk=story.pk)
    return render(
        request,
        "interviews/stories/form.html",
        {
            "form": form,
            "story": story,
            "record": story.candidate,
            "stored": stored,
            "stored_tags": list(stored.tags.all()) if stored else [],
            "findings": stories_selectors.story_findings(story),
        },
        status=409 if stored else 200,
    )


@candidate_required
@require_POST
def story_archive(request: HttpRequest, pk: int) -> HttpResponse:
    story = story_for_candidate(request, pk)
    with refusal_as_message(request, level=messages.INFO):
        stories_services.story_archive(story=story, by=request.user)
        messages.success(request, f"“{story.title}” is archived: off your list, nothing deleted.")
    return redirect(story.get_candidate_url())


@candidate_required
@require_POST
def story_restore(request: HttpRequest, pk: int) -> HttpResponse:
    story = story_for_candidate(request, pk)
    with refusal_as_message(request, level=messages.INFO):
        stories_services.story_unarchive(story=story, by=request.user)
        messages.success(request, f"“{story.title}” is back in your list.")
    return redirect(story.get_candidate_url())


@candidate_required
@require_POST
def story_copy(request: HttpRequest, pk: int) -> HttpResponse:
    story = story_for_candidate(request, pk)
    records = stories_selectors.story_page(story, copy_targets=True).other_records
    form = StoryCopyForm(request.POST, records=records)
    if not form.is_valid():
        messages.error(request, "Nothing was copied: choose one of your other coaches.")
        return redirect(story.get_candidate_url())
    try:
        result = stories_services.story_copy(
            story=story, to=form.cleaned_data["to"], by=request.user
        )
    except ServiceError as error:
        messages.error(request, str(error))
        return redirect(story.get_candidate_url())
    coach = form.cleaned_data["to"].coach.get_full_name()
    note = ""
    if result.dropped_tags:
        first = story.candidate.coach.get_short_name()
        note = f" {first}'s own tags stayed behind: {', '.join(result.dropped_tags)}."
    messages.success(request, f"Copied to your bank with {coach}.{note}")
    return redirect(result.story.get_candidate_url())


@candidate_required
@require_POST
def story_comment(request: HttpRequest, pk: int) -> HttpResponse:
    story = story_for_candidate(request, pk)
    form = StoryCommentForm(request.POST, label="Reply")
    if not form.is_valid():
        messages.error(request, "Your reply was not posted: see the message under the reply box.")
        return _render_story(request, story, comment_form=form, status=400)
    with refusal_as_message(request):
        stories_services.story_comment_add(
            story=story, by=request.user, body=form.cleaned_data["body"]
        )
        messages.success(request, "Your reply was posted.")
    return redirect(f"{story.get_candidate_url()}#comments")


# ---------------------------------------------------------------- the coach (and the lead)


def render_coach_story(
    request: HttpRequest,
    story: Story,
    *,
    read_only: bool = False,
    comment_form: StoryCommentForm | None = None,
    take_form: TakeCommentForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The coach's story page; ``read_only``: the practice lead's copy, no form.
    With the take the candidate sent to the coach, and (not read-only) the
    form of the coach's comment on it."""
    page = stories_selectors.story_page(story)
    if not read_only and comment_form is None:
        comment_form = StoryCommentForm()
    take = rehearsal_selectors.story_takes(story).for_coach
    if take is not None and not read_only and take_form is None:
        take_form = TakeCommentForm(initial={"body": take.coach_comment})
    return render(
        request,
        "interviews/stories/coach_story.html",
        {
            "page": page,
            "story": story,
            "candidate": story.candidate,
            "read_only": read_only,
            "comment_form": None if read_only else comment_form,
            "take": take,
            "take_form": None if read_only or take is None else take_form,
        },
        status=status,
    )


@coach_required
def coach_story(request: HttpRequest, pk: int) -> HttpResponse:
    return render_coach_story(request, story_for_coach(request, pk))


@coach_required
@require_POST
def coach_story_comment(request: HttpRequest, pk: int) -> HttpResponse:
    story = story_for_coach(request, pk)
    form = StoryCommentForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Your comment was not posted: see the message under the box.")
        return render_coach_story(request, story, comment_form=form, status=400)
    with refusal_as_message(request):
        stories_services.story_comment_add(
            story=story, by=request.user, body=form.cleaned_data["body"]
        )
        messages.success(request, "Your comment was posted.")
    return redirect(f"{story.get_absolute_url()}#comments")


@coach_required
@require_POST
def coach_story_strong(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark the story strong (``strong=1``) or take the mark back (anything else)."""
    story = story_for_coach(request, pk)
    strong = request.POST.get("strong") == "1"
    with refusal_as_message(request, level=messages.INFO):
        stories_services.story_mark_strong(story=story, by=request.user, strong=strong)
        messages.success(
            request,
            "Marked as strong: the candidate sees it on their list."
            if strong
            else "The “strong” mark is taken back.",
        )
    return redirect(story.get_absolute_url())


@coach_required
@require_POST
def coach_story_tag_create(request: HttpRequest, pk: int) -> HttpResponse:
    """A coach's own competency tag, added from a candidate's page (and back to it)."""
    candidate = candidate_for_coach(request, pk)
    form = StoryTagForm(request.POST)
    back = reverse("coach:candidate_detail", args=[candidate.pk]) + "#stories-heading"
    if not form.is_valid():
        errors = "; ".join(e for errors in form.errors.values() for e in errors)
        messages.error(request, f"The tag was not added: {errors}")
        return redirect(back)
    with refusal_as_message(request):
        tag = stories_services.story_tag_create(coach=request.user, name=form.cleaned_data["name"])
        messages.success(request, f"“{tag.name}” is now a tag all your candidates can use.")
    return redirect(back)


@coach_required
def lead_story(request: HttpRequest, pk: int) -> HttpResponse:
    """A member's candidate's story, read-only, for the practice's lead."""
    return render_coach_story(request, story_for_lead(request, pk), read_only=True)
