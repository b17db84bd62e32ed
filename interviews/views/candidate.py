"""Candidate pages: my checklists, filling one in, round follow-up."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Exists, F, OuterRef, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import dateformat, timezone
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


@dataclass(frozen=True)
class ChecklistRow:
    """A checklist on the candidate's home, with what the coach asked to change."""

    assignment: Assignment
    needs_work: list[selectors.NeedsWork]


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
    rounds = (
        InterviewRound.objects.for_candidate_user(user)
        .select_related("opportunity__candidate__coach")
        .with_kind_count()
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
    needs_work = selectors.checklists_needs_work(page.object_list)
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
            "checklists": [
                ChecklistRow(assignment=a, needs_work=needs_work.get(a.pk, []))
                for a in page.object_list
            ],
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
    replies: dict[int, CommentForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The checklist page; after a failed POST, with the user's input (answers and
    replies) and what went wrong."""
    if items is None:
        items = _items(assignment)
    editable = assignment.is_editable
    if editable and form is None:
        form = ChecklistForm(items)
    item_forms = {f.item.pk: f for f in form.forms} if editable else {}
    typed = {f.item.pk: f for f in unsaved.bound_forms} if unsaved else {}
    missing_pks = {item.pk for item in missing or []}
    replies = replies or {}
    email_sent_closed = _email_sent_closed(assignment)
    rows = []
    for item in items:
        reply = replies.get(item.pk)
        if reply is None or reply.inline != editable:
            reply = _reply_box(item, editable, reply)
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
                "email_sent_closed": email_sent_closed,
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
        "needs_work": selectors.needs_work_summary(items, assignment.candidate.coach_id)
        if assignment.status == Assignment.Status.CHANGES_REQUESTED
        else [],
        "required_total": len(required),
        "required_done": sum(1 for item in required if item.is_complete),
    }
    return render(request, "interviews/candidate/checklist.html", context, status=status)


def _email_sent_closed(assignment: Assignment) -> str:
    """Why an email item of this checklist cannot be marked as sent yet ("" when it can):
    a thank-you goes out after the interview has started."""
    round = assignment.round
    if round is None or round.has_started:
        return ""
    if round.scheduled_at is None:
        return "You can mark it as sent once the interview has taken place."
    when = dateformat.format(timezone.localtime(round.scheduled_at), r"D j M \a\t H:i")
    return f"You can mark it as sent once the interview has started ({when})."


def _reply_box(item: AssignmentItem, inline: bool, typed: CommentForm | None) -> CommentForm:
    """An item's reply box: part of the checklist form when it is editable, its own
    little form otherwise; text typed into a box that was not posted is kept."""
    if typed is None or not typed.is_bound:
        return CommentForm(item, inline=inline)
    text = typed["body"].value() or ""
    key = f"comment-{item.pk}-body" if inline else "body"
    box = CommentForm(item, {key: text}, inline=inline)
    box.is_valid()
    return box


def _posted_replies(
    items: list[AssignmentItem], data, target: AssignmentItem | None
) -> dict[int, CommentForm]:
    """The reply boxes the candidate typed into (and the one whose "post reply"
    button was pressed, even when empty, so that it says what is missing)."""
    replies = {}
    for item in items:
        text = data.get(f"comment-{item.pk}-body", "")
        if text.strip() or (target is not None and item.pk == target.pk):
            replies[item.pk] = CommentForm(item, data, inline=True)
    return replies


def _replies_note(result: services.SaveResult) -> str:
    if not result.replies:
        return ""
    positions = sorted(comment.item.position for comment in result.replies)
    if len(positions) == 1:
        return f" Your reply on item {positions[0]} was posted."
    listed = ", ".join(str(n) for n in positions[:-1]) + f" and {positions[-1]}"
    return f" Your replies on items {listed} were posted."


@candidate_required
def checklist(request: HttpRequest, pk: int) -> HttpResponse:
    """The whole checklist as one form: save a draft, or save and submit for review.
    Every button also posts the replies typed in the items' reply boxes, or, when
    the action is refused, keeps them in their boxes with the reason."""
    assignment = assignment_for_candidate(request, pk)
    if request.method != "POST":
        return _render_checklist(request, assignment)

    items = _items(assignment)
    form = ChecklistForm(items, request.POST)
    action, target = _parse_action(request.POST.get("action", ""), items)
    submit = action == "submit"
    replies = _posted_replies(items, request.POST, target if action == "comment" else None)
    if not assignment.is_editable:
        responses, bodies = {}, {}  # the service refuses with a message that says why
    elif all([form.is_valid(), *(reply.is_valid() for reply in replies.values())]):
        responses = form.responses()
        bodies = {pk: reply.cleaned_data["body"] for pk, reply in replies.items()}
    else:
        messages.error(
            request,
            "Nothing was saved: some fields are too long or not valid (see below). "
            "Everything you typed is still in the form.",
        )
        return _render_checklist(request, assignment, items=items, form=form, replies=replies)
    result = None
    try:
        result = services.assignment_save(
            assignment=assignment,
            by=request.user,
            responses=responses,
            replies=bodies,
        )
        if submit:
            services.assignment_submit(assignment=assignment, by=request.user)
    except services.EditConflict as conflict:
        return _render_conflict(request, assignment, conflict, replies=replies)
    except services.IncompleteItems as incomplete:
        # The save went through (replies too); show the saved input with the new versions.
        assignment = assignment_for_candidate(request, pk)
        items = _items(assignment)
        data = request.POST.copy()
        for item in items:
            data[f"item-{item.pk}-version"] = str(item.version)
        note = _replies_note(result).strip() if result is not None else ""
        if note:
            messages.success(request, note)
        # The page's alert lists the missing items with links; no extra message.
        return _render_checklist(
            request,
            assignment,
            items=items,
            form=ChecklistForm(items, data),
            missing=incomplete.items,
        )
    except services.ServiceError as error:
        if result is not None:  # saved, replies posted; the submit was refused
            messages.error(request, f"{error}{_replies_note(result)}")
            replies = {}
        else:
            kept = " Your reply is still in its box, not posted." if replies else ""
            messages.error(request, f"{error}{kept}")
        assignment = assignment_for_candidate(request, pk)
        if assignment.is_editable:
            return _render_checklist(request, assignment, form=form, items=items, replies=replies)
        return _render_checklist(request, assignment, unsaved=form, replies=replies)

    replied = _replies_note(result)
    if action == "comment":
        saved = " Your draft was saved." if result.changed else ""
        messages.success(request, f"{replied.strip()}{saved}")
        return redirect(_item_url(target))
    if action == "email_sent":
        return _after_save_email_sent(request, target, result, replied)
    if submit:
        messages.success(
            request,
            f"Submitted for review. Your coach has been told and will get back to you.{replied}",
        )
    elif result.changed:
        count = len(result.changed)
        messages.success(
            request, f"Draft saved ({count} answer{'s' if count != 1 else ''}).{replied}"
        )
    elif replied:
        messages.success(request, replied.strip())
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


def _after_save_email_sent(request, item, result, replied: str) -> HttpResponse:
    """The draft (and any reply) is saved; now mark the email as sent."""
    saved = " Your draft was saved." if result.changed else ""
    try:
        services.item_mark_email_sent(item=item, by=request.user)
    except services.ServiceError as error:
        messages.error(request, f"{error}{saved}{replied}")
    else:
        messages.success(request, f"Email marked as sent.{saved}{replied}")
    return redirect(_item_url(item))


def _render_conflict(
    request: HttpRequest,
    assignment: Assignment,
    conflict: services.EditConflict,
    *,
    replies: dict[int, CommentForm] | None = None,
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
        replies=replies,
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
        return _render_checklist(request, assignment, replies={item.pk: form})
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
            # Debrief, outcome and thank-you belong after the interview; a refused
            # post still shows the form so that nothing typed is lost.
            "follow_up_open": round.has_started,
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
