"""Checklists: the candidate fills one in; the coach assigns and withdraws one."""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from .. import services
from ..access import (
    assignment_for_candidate,
    assignment_for_coach,
    candidate_required,
    coach_required,
    item_for_candidate,
)
from ..forms.assignments import AssignmentForm
from ..forms.checklists import ChecklistItemForms, ChecklistPageForms, ChecklistSent, CommentForm
from ..lib import files as lib_files
from ..models import Assignment, AssignmentItem, Candidate, InterviewRound
from ..selectors import caseload as caseload_selectors
from ..selectors import checklists as checklists_selectors
from ..selectors import files as files_selectors
from ..selectors import library as library_selectors
from ..selectors import rounds as rounds_selectors
from ..selectors import stories as stories_selectors
from ..selectors.sections import in_sections
from ..services import checklists as checklists_services
from ..services import files as files_services
from . import refusal_as_message


def post_comment(request: HttpRequest, item: AssignmentItem, form: CommentForm, *, posted: str):
    """Post a valid comment form's text on ``item`` and say what happened: the
    ``posted`` message, or why the service refused (a withdrawn checklist)."""
    with refusal_as_message(request):
        checklists_services.comment_add(item=item, by=request.user, body=form.cleaned_data["body"])
        messages.success(request, posted)


def _item_url(item: AssignmentItem) -> str:
    return f"{item.assignment.get_candidate_url()}#item-{item.pk}"


# ---------------------------------------------------------------- the checklist


def _render_checklist(
    request: HttpRequest,
    assignment: Assignment,
    *,
    items: list[AssignmentItem] | None = None,
    sent: ChecklistSent | None = None,
    file_error: tuple[int, str] | None = None,
) -> HttpResponse:
    """The checklist page; after a refused POST, with what was sent and why
    (``items``: those its forms were bound to); after a refused upload, the
    reason next to that item's file input (``file_error``: the item's id and
    the message)."""
    page = checklists_selectors.candidate_checklist(assignment, now=timezone.now(), items=items)
    forms = ChecklistPageForms(page.items, editable=page.editable, sent=sent, file_error=file_error)
    context = {
        "assignment": assignment,
        "page": page,
        "forms": forms,
        "sections": in_sections(
            [(row, forms.for_item(row.item)) for row in page.rows], lambda pair: pair[0].item
        ),
        "file_limit": lib_files.max_bytes_words(),
    }
    status = 400 if file_error else 200
    return render(request, "interviews/checklists/fill.html", context, status=status)


def _replies_note(result: checklists_services.SaveResult) -> str:
    if not result.replies:
        return ""
    positions = sorted(comment.item.position for comment in result.replies)
    if len(positions) == 1:
        return f" Your reply on item {positions[0]} was posted."
    listed = ", ".join(str(n) for n in positions[:-1]) + f" and {positions[-1]}"
    return f" Your replies on items {listed} were posted."


def _render_rebound(
    request: HttpRequest,
    pk: int,
    sent: ChecklistSent,
    *,
    conflicts: Sequence[services.Conflict] = (),
    missing: Sequence[AssignmentItem] = (),
) -> HttpResponse:
    """The page again after the save met newer stored answers or after a refused
    submit: the input rebound at the stored versions (see ChecklistSent.rebound)."""
    assignment = assignment_for_candidate(request, pk)
    items = checklists_selectors.checklist_items_with_comments(assignment)
    rebound = sent.rebound(items, conflicts=conflicts, missing=missing)
    return _render_checklist(request, assignment, items=items, sent=rebound)


@candidate_required
def checklist(request: HttpRequest, pk: int) -> HttpResponse:
    """The whole checklist as one form: save a draft, or save and submit for review.
    Every button also posts the replies typed in the items' reply boxes, or, when
    the action is refused, keeps them in their boxes with the reason."""
    assignment = assignment_for_candidate(request, pk)
    if request.method != "POST":
        return _render_checklist(request, assignment)

    items = checklists_selectors.checklist_items_with_comments(assignment)
    action, target, link_pk = _parse_action(request.POST.get("action", ""), items)
    sent = ChecklistSent.from_post(
        items, request.POST, reply_to=target if action == "comment" else None
    )
    if assignment.is_editable and not sent.is_valid():
        messages.error(
            request,
            "Nothing was saved: some fields are too long or not valid (see below). "
            "Everything you typed is still in the form.",
        )
        return _render_checklist(request, assignment, items=items, sent=sent)
    try:
        result = checklists_services.assignment_save(
            assignment=assignment,
            by=request.user,
            # Not editable: the service refuses with a message that says why.
            responses=sent.answers.responses() if assignment.is_editable else {},
            replies={
                pk: reply.cleaned_data["body"]
                for pk, reply in sent.replies.items()
                if assignment.is_editable
            },
        )
    except services.EditConflict as conflict:
        messages.error(request, str(conflict))
        return _render_rebound(request, pk, sent, conflicts=conflict.conflicts)
    except services.ServiceError as error:
        kept = " Your reply is still in its box, not posted." if sent.replies else ""
        messages.error(request, f"{error}{kept}")
        return _render_checklist(
            request, assignment_for_candidate(request, pk), items=items, sent=sent
        )
    replied = _replies_note(result)

    if action == "submit":
        # Two steps on purpose: the draft (and any reply) is saved first and stays
        # saved when the submit is refused, so a missing item never costs the
        # candidate what they typed.
        try:
            checklists_services.assignment_submit(assignment=assignment, by=request.user)
        except services.IncompleteItems as incomplete:
            if replied:
                messages.success(request, replied.strip())
            # The page's alert lists the missing items with links; no extra message.
            return _render_rebound(request, pk, sent, missing=incomplete.items)
        except services.ServiceError as error:
            messages.error(request, f"{error} Your answers were saved.{replied}")
            return redirect(assignment.get_candidate_url())
        messages.success(
            request,
            f"Submitted for review. Your coach has been told and will get back to you.{replied}",
        )
        return redirect(assignment.get_candidate_url())
    if action == "comment":
        saved = " Your draft was saved." if result.changed else ""
        messages.success(request, f"{replied.strip()}{saved}")
        return redirect(_item_url(target))
    if action == "email_sent":
        return _after_save_email_sent(request, target, result, replied)
    if action == "use_story":
        return _after_save_use_story(request, target, result, replied)
    if action == "remove_story":
        return _after_save_remove_story(request, assignment, link_pk, result, replied)
    if action == "add_file":
        return _after_save_add_file(request, target, result, replied)
    if action == "remove_file":
        return _after_save_remove_file(request, assignment, link_pk, result, replied)
    if action == "rehearse":
        # The draft is saved; the rehearsal page opens with the answer to speak from.
        saved = _saved_note(result, replied).strip()
        if saved:
            messages.success(request, saved)
        return redirect("me:item_rehearse", target.pk)
    if action == "new_story":
        # The draft is saved; the story form opens for this item, and saving
        # the story brings the candidate back here with the story in use.
        saved = _saved_note(result, replied).strip()
        if saved:
            messages.success(request, saved)
        return redirect(f"{reverse('me:story_create')}?item={target.pk}")
    if result.changed:
        count = len(result.changed)
        messages.success(
            request, f"Draft saved ({count} answer{'s' if count != 1 else ''}).{replied}"
        )
    elif replied:
        messages.success(request, replied.strip())
    else:
        messages.info(request, "Nothing had changed since your last save.")
    return redirect(assignment.get_candidate_url())


@candidate_required
@require_POST
def checklist_autosave(request: HttpRequest, pk: int) -> JsonResponse:
    """The checklist page's script (static/js/autosave.js) saves the answers a few
    seconds after typing stops, through the same service as "Save draft" (the
    same revisions and state change). Only the answers: a reply typed in a
    comment box is posted by a button, never by a pause in typing. Answers JSON
    for the script: the new versions, so its next save does not meet its own
    text as a conflict; or why nothing was saved."""
    assignment = assignment_for_candidate(request, pk)
    answers = ChecklistItemForms(checklists_selectors.checklist_items(assignment), request.POST)
    if assignment.is_editable and not answers.is_valid():
        return JsonResponse(
            {
                "saved": False,
                "message": "Not saved: some fields are too long or not valid. "
                "Press Save draft to see which; everything you typed is still on the page.",
                "errors": [
                    {"item": form.item.position, "field": field_id, "label": label, "message": text}
                    for form, field_id, label, text in answers.error_list()
                ],
            },
            status=400,
        )
    try:
        result = checklists_services.assignment_save(
            assignment=assignment,
            by=request.user,
            # Not editable: the service refuses with a message that says why.
            responses=answers.responses() if assignment.is_editable else {},
        )
    except services.EditConflict as conflict:
        return JsonResponse(
            {
                "saved": False,
                "conflict": True,
                "items": sorted(c.item.position for c in conflict.conflicts),
                "message": str(conflict),
            },
            status=409,
        )
    except services.WrongState as error:
        return JsonResponse({"saved": False, "closed": True, "message": str(error)}, status=409)
    except services.ServiceError as error:
        return JsonResponse({"saved": False, "message": str(error)}, status=400)
    # Only the changed items: an item left alone keeps the version the page has.
    return JsonResponse(
        {
            "saved": True,
            "saved_at": f"{timezone.localtime():%H:%M}",
            "versions": {str(item.pk): item.version for item in result.changed},
            "changed": len(result.changed),
        }
    )


def _parse_action(
    value: str, items: list[AssignmentItem]
) -> tuple[str, AssignmentItem | None, str]:
    """The pressed button: save, submit, an item action that saves the draft
    first ("comment:<item>", "email_sent:<item>", "use_story:<item>",
    "new_story:<item>", "add_file:<item>", "rehearse:<item>"), or
    "remove_story:<link>" / "remove_file:<file>" (the id, checked against the
    checklist later). Anything unknown is a save."""
    action, _, pk = value.partition(":")
    if action in ("comment", "email_sent", "use_story", "new_story", "add_file", "rehearse"):
        item = next((item for item in items if str(item.pk) == pk), None)
        if item is not None:
            return action, item, ""
        return "save", None, ""
    if action in ("remove_story", "remove_file"):
        return action, None, pk
    return ("submit" if action == "submit" else "save"), None, ""


def _saved_note(result, replied: str) -> str:
    return f"{' Your draft was saved.' if result.changed else ''}{replied}"


def _after_save_use_story(request, item: AssignmentItem, result, replied: str) -> HttpResponse:
    """The draft (and any reply) is saved; now the item uses the story picked
    in its "Use a story" list."""
    saved = _saved_note(result, replied)
    picked = request.POST.get(f"use-story-{item.pk}", "")
    story = stories_selectors.story_of_record(item.assignment, picked)
    if story is None:
        why = (
            "That story is not in your story bank with this coach, so nothing was linked."
            if picked
            else "Choose a story from the list first."
        )
        messages.error(request, f"{why}{saved}")
        return redirect(_item_url(item))
    try:
        checklists_services.item_story_use(item=item, story=story, by=request.user)
    except services.ServiceError as error:
        messages.error(request, f"{error}{saved}")
    else:
        messages.success(request, f"Item {item.position} now uses “{story.title}”.{saved}")
    return redirect(_item_url(item))


def _after_save_remove_story(
    request, assignment: Assignment, link_pk: str, result, replied: str
) -> HttpResponse:
    """The draft (and any reply) is saved; now the item stops using the story."""
    saved = _saved_note(result, replied)
    link = stories_selectors.link_of_checklist(assignment, link_pk)
    if link is None:
        messages.info(request, f"That story is no longer used here.{saved}")
        return redirect(assignment.get_candidate_url())
    try:
        checklists_services.item_story_remove(link=link, by=request.user)
    except services.ServiceError as error:
        messages.error(request, f"{error}{saved}")
    else:
        messages.success(
            request,
            f"“{link.story.title}” is no longer used here; it stays in your story bank.{saved}",
        )
    return redirect(_item_url(link.item))


def _after_save_add_file(request, item: AssignmentItem, result, replied: str) -> HttpResponse:
    """The draft (and any reply) is saved; now the file chosen in the item's
    file input is checked and attached. Refused: the page again, from the
    saved answers, with the reason next to that input."""
    saved = _saved_note(result, replied)
    upload = request.FILES.get(f"file-{item.pk}")
    if upload is None:
        error = "Choose a file first."
    else:
        try:
            file = files_services.item_file_add(item=item, upload=upload, by=request.user)
        except services.ServiceError as refused:
            error = str(refused)
        else:
            messages.success(request, f"“{file.name}” is attached to item {item.position}.{saved}")
            return redirect(_item_url(item))
    if saved:
        messages.info(request, saved.strip())
    return _render_checklist(
        request,
        assignment_for_candidate(request, item.assignment_id),
        file_error=(item.pk, error),
    )


def _after_save_remove_file(
    request, assignment: Assignment, file_pk: str, result, replied: str
) -> HttpResponse:
    """The draft (and any reply) is saved; now the file comes off its item."""
    saved = _saved_note(result, replied)
    file = files_selectors.file_of_checklist(assignment, file_pk)
    if file is None:
        messages.info(request, f"That file was already removed.{saved}")
        return redirect(assignment.get_candidate_url())
    try:
        files_services.item_file_remove(file=file, by=request.user)
    except services.ServiceError as error:
        messages.error(request, f"{error}{saved}")
    else:
        messages.success(request, f"“{file.name}” was removed.{saved}")
    return redirect(_item_url(file.item))


def _after_save_email_sent(request, item, result, replied: str) -> HttpResponse:
    """The draft (and any reply) is saved; now mark the email as sent."""
    saved = " Your draft was saved." if result.changed else ""
    try:
        checklists_services.item_mark_email_sent(item=item, by=request.user)
    except services.ServiceError as error:
        messages.error(request, f"{error}{saved}{replied}")
    else:
        messages.success(request, f"Email marked as sent.{saved}{replied}")
    return redirect(_item_url(item))


@candidate_required
@require_POST
def item_comment(request: HttpRequest, pk: int) -> HttpResponse:
    """The candidate's reply in an item's comment thread."""
    item = item_for_candidate(request, pk)
    form = CommentForm(item, request.POST)
    if not form.is_valid():
        messages.error(request, "Your reply was not posted: see the message under the reply box.")
        # When the checklist is editable, the page shows the box inside the
        # checklist form: ChecklistPageForms moves the text there.
        return _render_checklist(
            request,
            assignment_for_candidate(request, item.assignment_id),
            sent=ChecklistSent(replies={item.pk: form}),
        )
    post_comment(request, item, form, posted=f"Your reply on item {item.position} was posted.")
    return redirect(_item_url(item))


@candidate_required
@require_POST
def item_email_sent(request: HttpRequest, pk: int) -> HttpResponse:
    """The candidate sent the email from their own mail program."""
    item = item_for_candidate(request, pk)
    with refusal_as_message(request):
        checklists_services.item_mark_email_sent(item=item, by=request.user)
        messages.success(request, "Marked as sent.")
    return redirect(_item_url(item))


def assign_url(candidate: Candidate, round: InterviewRound | None = None) -> str:
    url = f"{reverse('coach:assignment_create')}?candidate={candidate.pk}"
    return f"{url}&round={round.pk}" if round is not None else url


# ---------------------------------------------------------------- assignments


def _int_param(request: HttpRequest, name: str) -> int | None:
    value = request.GET.get(name, "")
    # isdecimal: "²" is a digit that int() refuses.
    return int(value) if value.isdecimal() and len(value) < 12 else None


def _assignment_initial(request: HttpRequest) -> tuple[dict, Candidate | None]:
    """Pre-fill from ?candidate=<id>&round=<id>&template=<id>; ids the coach does
    not own are ignored. Without a template, a round's kind suggests one."""
    coach = request.user
    initial: dict = {}
    candidate = None
    if (pk := _int_param(request, "candidate")) is not None:
        candidate = caseload_selectors.coach_candidate(coach, pk)
        if candidate is not None and candidate.archived:
            messages.warning(
                request,
                f"{candidate} is archived. Restore them before assigning a checklist.",
            )
            candidate = None
        elif candidate is not None:
            initial["candidate"] = candidate
    if candidate is not None and (pk := _int_param(request, "round")) is not None:
        round = rounds_selectors.coach_candidate_round(coach, candidate, pk)
        if round is not None:
            initial["round"] = round
            due = checklists_services.default_due_date(round, coach.time_zone)
            if due is not None:
                initial["due_date"] = max(due, timezone.localdate())
    if (pk := _int_param(request, "template")) is not None:
        template = library_selectors.visible_template(coach, pk)
        if template is not None:
            initial["template"] = template
    if "template" not in initial and "round" in initial:
        template = library_selectors.template_for_round(coach, initial["round"])
        if template is not None:
            initial["template"] = template
    return initial, candidate


def _assigned_message(assignment: Assignment, data: dict) -> str:
    """What was really emailed, for the confirmation after assigning."""
    candidate = assignment.candidate
    done = f"“{assignment.title}” is assigned to {candidate}."
    status = caseload_selectors.candidate_join_status(candidate)
    if status.state == caseload_selectors.JoinState.JOINED:
        return f"{done} We emailed them the link."
    if status.state == caseload_selectors.JoinState.NOT_INVITED:
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
                assignment = checklists_services.assignment_create(
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
    return render(request, "interviews/checklists/assign.html", {"form": form})


@coach_required
@require_POST
def assignment_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """Hide a checklist from the candidate; it is kept, not deleted."""
    assignment = assignment_for_coach(request, pk)
    with refusal_as_message(request):
        checklists_services.assignment_withdraw(assignment=assignment, by=request.user)
        messages.success(
            request,
            f"“{assignment.title}” is withdrawn. {assignment.candidate} no longer sees it; "
            "it is kept here for your records.",
        )
    return redirect(assignment.candidate)
