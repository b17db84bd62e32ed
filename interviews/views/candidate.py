"""Candidate pages: my checklists, filling one in, round follow-up."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Exists, F, OuterRef, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from .. import selectors, services
from ..access import (
    assignment_for_candidate,
    candidate_required,
    item_for_candidate,
    round_for_candidate,
)
from ..checklist_forms import ChecklistForm, CommentForm, RoundFollowUpForm, mailto_url
from ..models import Assignment, AssignmentItem, Comment, InterviewRound, ItemKind

RECENT_APPROVED = 5


def _item_url(item: AssignmentItem) -> str:
    return f"{item.assignment.get_candidate_url()}#item-{item.pk}"


# ---------------------------------------------------------------- home


def _rounds_with_readiness(user):
    """The candidate's rounds, each with the readiness of its (not withdrawn)
    checklists and whether a checklist's thank-you email was marked as sent."""
    email_sent = AssignmentItem.objects.filter(
        assignment__round=OuterRef("pk"),
        kind=ItemKind.EMAIL,
        email_sent_at__isnull=False,
    ).exclude(assignment__status=Assignment.Status.WITHDRAWN)
    rounds = InterviewRound.objects.for_candidate_user(user).select_related(
        "opportunity__candidate__coach"
    )
    return selectors.rounds_with_readiness(rounds).annotate(checklist_email_sent=Exists(email_sent))


@candidate_required
def home(request: HttpRequest) -> HttpResponse:
    """Open checklists (due soonest first), upcoming rounds, recent approvals, follow-ups."""
    user = request.user
    now = timezone.now()
    checklists = (
        Assignment.objects.for_candidate_user(user)
        .exclude(status=Assignment.Status.APPROVED)
        .with_readiness()
        .select_related("candidate__coach", "round__opportunity")
        .order_by(F("due_date").asc(nulls_last=True), "id")
    )
    page = Paginator(checklists, 25).get_page(request.GET.get("page"))
    approved = (
        Assignment.objects.for_candidate_user(user)
        .filter(status=Assignment.Status.APPROVED)
        .select_related("candidate__coach", "round__opportunity")
        .order_by("-reviewed_at", "-id")[:RECENT_APPROVED]
    )
    rounds = _rounds_with_readiness(user)
    upcoming = rounds.filter(scheduled_at__gte=now).order_by("scheduled_at", "id")[:25]
    # Past rounds still waiting for an outcome: time to debrief and send the thank-you.
    follow_up = rounds.filter(
        scheduled_at__lt=now, outcome=InterviewRound.Outcome.PENDING
    ).order_by("-scheduled_at", "-id")[:10]
    return render(
        request,
        "interviews/candidate/home.html",
        {
            "page": page,
            "checklists": page.object_list,
            "approved": approved,
            "upcoming": upcoming,
            "follow_up": follow_up,
            "today": timezone.localdate(),
        },
    )


# ---------------------------------------------------------------- the checklist


def _differs(typed, stored) -> bool:
    if isinstance(stored, bool):
        return bool(typed) != stored
    return (typed or "").replace("\r\n", "\n").strip() != stored.strip()


def _items(assignment: Assignment) -> list[AssignmentItem]:
    comments = Comment.objects.select_related("author")
    return list(assignment.items.prefetch_related(Prefetch("comments", queryset=comments)))


def _render_checklist(
    request: HttpRequest,
    assignment: Assignment,
    *,
    items: list[AssignmentItem] | None = None,
    form: ChecklistForm | None = None,
    conflicts: dict | None = None,
    missing: list[AssignmentItem] | None = None,
    unsaved: ChecklistForm | None = None,
    comment_form: CommentForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The checklist page; after a failed POST, with the user's input and what went wrong."""
    if items is None:
        items = _items(assignment)
    editable = assignment.is_editable
    if editable and form is None:
        form = ChecklistForm(items)
    item_forms = {f.item.pk: f for f in form.forms} if editable else {}
    typed = {f.item.pk: f for f in unsaved.bound_forms} if unsaved else {}
    missing_pks = {item.pk for item in missing or []}
    rows = []
    for item in items:
        if comment_form is not None and comment_form.item.pk == item.pk:
            reply = comment_form
        else:
            reply = CommentForm(item, inline=editable)
        typed_form = typed.get(item.pk)
        unsaved_values = None
        if typed_form is not None:
            values = typed_form.typed_values()
            if any(_differs(values[name], getattr(item, name)) for name in values):
                unsaved_values = values
        rows.append(
            {
                "item": item,
                "form": item_forms.get(item.pk),
                "conflict": (conflicts or {}).get(item.pk),
                "missing": item.pk in missing_pks,
                "comment_form": reply,
                "unsaved": unsaved_values,
                "mailto": mailto_url(item.email_to, item.email_subject, item.email_body)
                if item.kind == ItemKind.EMAIL and item.email_body
                else "",
            }
        )
    latest_review = assignment.reviews.select_related("reviewer").first()
    required = [item for item in items if item.required]
    context = {
        "assignment": assignment,
        "rows": rows,
        "editable": editable,
        "form": form,
        "errors": form.error_list() if form is not None else [],
        "missing": missing or [],
        "has_conflicts": bool(conflicts),
        "latest_review": latest_review,
        "required_total": len(required),
        "required_done": sum(1 for item in required if item.is_complete),
    }
    return render(request, "interviews/candidate/checklist.html", context, status=status)


@candidate_required
def checklist(request: HttpRequest, pk: int) -> HttpResponse:
    """The whole checklist as one form: save a draft, or save and submit for review."""
    assignment = assignment_for_candidate(request, pk)
    if request.method != "POST":
        return _render_checklist(request, assignment)

    items = _items(assignment)
    form = ChecklistForm(items, request.POST)
    action, target = _parse_action(request.POST.get("action", ""), items)
    submit = action == "submit"
    reply = CommentForm(target, request.POST, inline=True) if action == "comment" else None
    if not assignment.is_editable:
        responses = {}  # the service refuses with a message that says why
    elif form.is_valid() and (reply is None or reply.is_valid()):
        responses = form.responses()
    else:
        messages.error(
            request,
            "Nothing was saved: some fields are too long or not valid (see below). "
            "Everything you typed is still in the form.",
        )
        return _render_checklist(request, assignment, items=items, form=form, comment_form=reply)
    try:
        result = services.assignment_save(
            assignment=assignment, by=request.user, responses=responses
        )
        if submit:
            services.assignment_submit(assignment=assignment, by=request.user)
    except services.EditConflict as conflict:
        return _render_conflict(request, assignment, conflict, comment_form=reply)
    except services.IncompleteItems as incomplete:
        # The save went through; show the saved input with the new versions.
        assignment = assignment_for_candidate(request, pk)
        items = _items(assignment)
        data = request.POST.copy()
        for item in items:
            data[f"item-{item.pk}-version"] = str(item.version)
        # The page's alert lists the missing items with links; no extra message.
        return _render_checklist(
            request,
            assignment,
            items=items,
            form=ChecklistForm(items, data),
            missing=incomplete.items,
        )
    except services.ServiceError as error:
        messages.error(request, str(error))
        assignment = assignment_for_candidate(request, pk)
        if assignment.is_editable:
            return _render_checklist(request, assignment, form=form, items=items)
        return _render_checklist(request, assignment, unsaved=form)

    if action in ("comment", "email_sent"):
        return _after_save_item_action(request, action, target, reply, result)
    if submit:
        messages.success(
            request, "Submitted for review. Your coach has been told and will get back to you."
        )
    elif result.changed:
        count = len(result.changed)
        messages.success(request, f"Draft saved ({count} answer{'s' if count != 1 else ''}).")
    else:
        messages.info(request, "Nothing had changed since your last save.")
    return redirect(assignment.get_candidate_url())


def _parse_action(value: str, items: list[AssignmentItem]) -> tuple[str, AssignmentItem | None]:
    """The pressed button: save, submit, or "comment:<item>" / "email_sent:<item>"
    (an item action that saves the draft first). Anything unknown is a save."""
    action, _, pk = value.partition(":")
    if action in ("comment", "email_sent"):
        item = next((item for item in items if str(item.pk) == pk), None)
        if item is not None:
            return action, item
        return "save", None
    return ("submit" if action == "submit" else "save"), None


def _after_save_item_action(request, action, item, reply, result) -> HttpResponse:
    """The draft is saved; now post the reply or mark the email as sent."""
    saved = " Your draft was saved." if result.changed else ""
    try:
        if action == "comment":
            services.comment_add(item=item, by=request.user, body=reply.cleaned_data["body"])
            messages.success(request, f"Your reply on item {item.position} was posted.{saved}")
        else:
            services.item_mark_email_sent(item=item, by=request.user)
            messages.success(request, f"Email marked as sent.{saved}")
    except services.ServiceError as error:
        messages.error(request, f"{error}{saved}")
    return redirect(_item_url(item))


def _render_conflict(
    request: HttpRequest,
    assignment: Assignment,
    conflict: services.EditConflict,
    *,
    comment_form: CommentForm | None = None,
) -> HttpResponse:
    """Keep the user's text, show the stored text beside it, and move each
    conflicting item's version on so that saving again is a deliberate choice."""
    messages.error(request, str(conflict))
    assignment = assignment_for_candidate(request, assignment.pk)
    items = _items(assignment)
    conflicts = {c.item.pk: c for c in conflict.conflicts}
    data = request.POST.copy()
    for item in items:
        key = f"item-{item.pk}-version"
        if key not in data or data[key] == str(item.version):
            continue
        data[key] = str(item.version)
        if item.pk not in conflicts:
            # Changed elsewhere but not by this user: show the newer stored answer.
            for name, value in item.response().items():
                field = f"item-{item.pk}-{name}"
                if name == "done":
                    if value:
                        data[field] = "on"
                    else:
                        data.pop(field, None)
                else:
                    data[field] = value
    return _render_checklist(
        request,
        assignment,
        items=items,
        form=ChecklistForm(items, data),
        conflicts=conflicts,
        comment_form=comment_form,
    )


@candidate_required
@require_POST
def item_comment(request: HttpRequest, pk: int) -> HttpResponse:
    """The candidate's reply in an item's comment thread."""
    item = item_for_candidate(request, pk)
    form = CommentForm(item, request.POST)
    if not form.is_valid():
        messages.error(request, "Your reply was not posted: see the message under the reply box.")
        assignment = assignment_for_candidate(request, item.assignment_id)
        if assignment.is_editable:
            # The page now shows the box inside the checklist form; keep the text there.
            form = CommentForm(
                item, {f"comment-{item.pk}-body": request.POST.get("body", "")}, inline=True
            )
            form.is_valid()
        return _render_checklist(request, assignment, comment_form=form)
    try:
        services.comment_add(item=item, by=request.user, body=form.cleaned_data["body"])
    except services.ServiceError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Your reply on item {item.position} was posted.")
    return redirect(_item_url(item))


@candidate_required
@require_POST
def item_email_sent(request: HttpRequest, pk: int) -> HttpResponse:
    """The candidate sent the email from their own mail program."""
    item = item_for_candidate(request, pk)
    try:
        services.item_mark_email_sent(item=item, by=request.user)
    except services.ServiceError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Marked as sent.")
    return redirect(_item_url(item))


# ---------------------------------------------------------------- rounds


def _round_email_items(request: HttpRequest, round: InterviewRound) -> list[AssignmentItem]:
    """Thank-you email items of the candidate's checklists for this round."""
    return list(
        AssignmentItem.objects.filter(
            assignment__in=Assignment.objects.for_candidate_user(request.user),
            assignment__round=round,
            kind=ItemKind.EMAIL,
        )
        .select_related("assignment")
        .order_by("assignment__created_at", "position", "id")
    )


def _follow_up_form(request: HttpRequest, round: InterviewRound, email_items) -> RoundFollowUpForm:
    return RoundFollowUpForm(
        request.POST if request.method == "POST" else None,
        instance=round,
        with_thank_you=not email_items,
        sender_name=request.user.get_full_name(),
    )


def _render_round(request, round, form, email_items) -> HttpResponse:
    checklists = (
        Assignment.objects.for_candidate_user(request.user)
        .filter(round=round)
        .with_readiness()
        .order_by(F("due_date").asc(nulls_last=True), "id")
    )
    return render(
        request,
        "interviews/candidate/round.html",
        {
            "round": round,
            "opportunity": round.opportunity,
            "coach": round.opportunity.candidate.coach,
            "form": form,
            "email_items": [
                {
                    "item": item,
                    "mailto": mailto_url(item.email_to, item.email_subject, item.email_body)
                    if item.email_body
                    else "",
                }
                for item in email_items
            ],
            "checklists": checklists,
            "mailto": mailto_url(round.thank_you_to, round.thank_you_subject, round.thank_you_body)
            if round.thank_you_body
            else "",
            "is_past": round.scheduled_at is not None and round.scheduled_at < timezone.now(),
        },
    )


def _save_follow_up(request, round, form) -> bool:
    """Save the posted follow-up; False (with a message) when nothing was saved."""
    if not form.is_valid():
        messages.error(request, "Nothing was saved: please correct the fields marked below.")
        return False
    try:
        services.round_record_follow_up(round=round, by=request.user, **form.values())
    except services.ServiceError as error:
        messages.error(request, str(error))
        return False
    return True


@candidate_required
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Round facts, debrief notes, outcome and the thank-you email."""
    round = round_for_candidate(request, pk)
    email_items = _round_email_items(request, round)
    form = _follow_up_form(request, round, email_items)
    if request.method == "POST":
        if _save_follow_up(request, round, form):
            messages.success(request, "Saved.")
            return redirect("me:round", pk=round.pk)
        round = round_for_candidate(request, pk)
    return _render_round(request, round, form, email_items)


@candidate_required
@require_POST
def round_thank_you_sent(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the follow-up form as posted (nothing typed is lost), then record that
    the candidate sent the thank-you email from their own mail program."""
    round = round_for_candidate(request, pk)
    email_items = _round_email_items(request, round)
    if "outcome" in request.POST:
        form = _follow_up_form(request, round, email_items)
        if not _save_follow_up(request, round, form):
            round = round_for_candidate(request, pk)
            return _render_round(request, round, form, email_items)
    try:
        services.round_mark_thank_you_sent(round=round, by=request.user)
    except services.ServiceError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Saved, and the thank-you email is marked as sent.")
    return redirect("me:round", pk=round.pk)
