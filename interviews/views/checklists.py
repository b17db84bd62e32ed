"""Checklists: the candidate fills one in; the coach assigns and withdraws one."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import dateformat, timezone
from django.views.decorators.http import require_POST

from .. import services
from ..access import (
    assignment_for_candidate,
    assignment_for_coach,
    candidate_required,
    coach_required,
    item_for_candidate,
)
from ..forms.checklists import AssignmentForm, ChecklistItemForms, CommentForm
from ..lib.drafts import mailto_url
from ..lib.readiness import Readiness
from ..models import Assignment, AssignmentItem, Candidate, InterviewRound, ItemKind
from ..selectors import caseload as caseload_selectors
from ..selectors import checklists as checklists_selectors
from ..selectors import library as library_selectors
from ..selectors import rounds as rounds_selectors
from ..services import checklists as checklists_services


def post_comment(request: HttpRequest, item: AssignmentItem, form: CommentForm, *, posted: str):
    """Post a valid comment form's text on ``item`` and say what happened: the
    ``posted`` message, or why the service refused (a withdrawn checklist)."""
    try:
        checklists_services.comment_add(item=item, by=request.user, body=form.cleaned_data["body"])
    except services.ServiceError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, posted)


def _item_url(item: AssignmentItem) -> str:
    return f"{item.assignment.get_candidate_url()}#item-{item.pk}"


# ---------------------------------------------------------------- the checklist


@dataclass
class Sent:
    """What a refused (or half done) POST of the checklist page carried, shown
    again so that nothing typed is lost."""

    answers: ChecklistItemForms
    replies: dict[int, CommentForm] = field(default_factory=dict)
    conflicts: dict[int, services.Conflict] = field(default_factory=dict)
    missing: list[AssignmentItem] = field(default_factory=list)


def _differs(typed, stored) -> bool:
    if isinstance(stored, bool):
        return bool(typed) != stored
    return (typed or "").replace("\r\n", "\n").strip() != stored.strip()


def _unsaved_values(form, item: AssignmentItem) -> dict | None:
    """What the user typed into an item they can no longer edit, when it differs
    from what is stored (shown for copying)."""
    if form is None:
        return None
    values = form.typed_values()
    if any(_differs(values[name], getattr(item, name)) for name in values):
        return values
    return None


def _render_checklist(
    request: HttpRequest,
    assignment: Assignment,
    items: list[AssignmentItem] | None = None,
    sent: Sent | None = None,
) -> HttpResponse:
    """The checklist page; after a refused POST, with what was sent and why."""
    if items is None:
        items = checklists_selectors.checklist_items_with_comments(assignment)
    editable = assignment.is_editable
    answers = sent.answers if sent else None
    form = (answers or ChecklistItemForms(items)) if editable else None
    item_forms = {f.item.pk: f for f in form.forms} if form else {}
    # Typed into a checklist that became read-only meanwhile (another tab submitted).
    typed = {f.item.pk: f for f in answers.bound_forms} if answers and not editable else {}
    sent = sent or Sent(answers=form)
    email_sent_closed = _email_sent_closed(assignment)
    missing = {item.pk for item in sent.missing}
    rows = []
    for item in items:
        rows.append(
            {
                "item": item,
                "form": item_forms.get(item.pk),
                "conflict": sent.conflicts.get(item.pk),
                "missing": item.pk in missing,
                "comment_form": _reply_box(item, editable, sent.replies.get(item.pk)),
                "unsaved": _unsaved_values(typed.get(item.pk), item),
                "mailto": mailto_url(item.email_to, item.email_subject, item.email_body)
                if item.kind == ItemKind.EMAIL and item.email_body
                else "",
                "email_sent_closed": email_sent_closed,
            }
        )
    context = {
        "assignment": assignment,
        "rows": rows,
        "editable": editable,
        "form": form,
        "errors": form.error_list() if form is not None else [],
        "missing": sent.missing,
        "has_conflicts": bool(sent.conflicts),
        "latest_review": checklists_selectors.latest_review(assignment),
        "needs_work": checklists_selectors.needs_work_summary(items, assignment.candidate.coach_id)
        if assignment.status == Assignment.Status.CHANGES_REQUESTED
        else [],
        "readiness": Readiness.of_items(items),
    }
    return render(request, "interviews/checklists/fill.html", context)


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
    if typed is not None and typed.inline == inline:
        return typed
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
    sent: Sent,
    *,
    conflicts: list[services.Conflict] = (),
    missing: list[AssignmentItem] = (),
) -> HttpResponse:
    """The page again after the save met newer stored answers (a conflict: nothing
    was saved, replies stay in their boxes) or after a refused submit (the save
    went through, replies were posted): the input rebound at the stored versions."""
    assignment = assignment_for_candidate(request, pk)
    items = checklists_selectors.checklist_items_with_comments(assignment)
    by_item = {conflict.item.pk: conflict for conflict in conflicts}
    rebound = Sent(
        answers=sent.answers.rebound(items, conflicts=by_item),
        replies=sent.replies if conflicts else {},
        conflicts=by_item,
        missing=list(missing),
    )
    return _render_checklist(request, assignment, items, rebound)


@candidate_required
def checklist(request: HttpRequest, pk: int) -> HttpResponse:
    """The whole checklist as one form: save a draft, or save and submit for review.
    Every button also posts the replies typed in the items' reply boxes, or, when
    the action is refused, keeps them in their boxes with the reason."""
    assignment = assignment_for_candidate(request, pk)
    if request.method != "POST":
        return _render_checklist(request, assignment)

    items = checklists_selectors.checklist_items_with_comments(assignment)
    action, target = _parse_action(request.POST.get("action", ""), items)
    sent = Sent(
        answers=ChecklistItemForms(items, request.POST),
        replies=_posted_replies(items, request.POST, target if action == "comment" else None),
    )
    if assignment.is_editable and not all(
        [sent.answers.is_valid(), *(reply.is_valid() for reply in sent.replies.values())]
    ):
        messages.error(
            request,
            "Nothing was saved: some fields are too long or not valid (see below). "
            "Everything you typed is still in the form.",
        )
        return _render_checklist(request, assignment, items, sent)
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
        return _render_checklist(request, assignment_for_candidate(request, pk), items, sent)
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
        assignment = assignment_for_candidate(request, item.assignment_id)
        if assignment.is_editable:
            # The page now shows the box inside the checklist form; keep the text there.
            form = CommentForm(
                item, {f"comment-{item.pk}-body": request.POST.get("body", "")}, inline=True
            )
            form.is_valid()
        answers = ChecklistItemForms(checklists_selectors.checklist_items_with_comments(assignment))
        return _render_checklist(
            request, assignment, sent=Sent(answers=answers, replies={item.pk: form})
        )
    post_comment(request, item, form, posted=f"Your reply on item {item.position} was posted.")
    return redirect(_item_url(item))


@candidate_required
@require_POST
def item_email_sent(request: HttpRequest, pk: int) -> HttpResponse:
    """The candidate sent the email from their own mail program."""
    item = item_for_candidate(request, pk)
    try:
        checklists_services.item_mark_email_sent(item=item, by=request.user)
    except services.ServiceError as error:
        messages.error(request, str(error))
    else:
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
    not own are ignored."""
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
    try:
        checklists_services.assignment_withdraw(assignment=assignment, by=request.user)
    except services.ServiceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            f"“{assignment.title}” is withdrawn. {assignment.candidate} no longer sees it; "
            "it is kept here for your records.",
        )
    return redirect(assignment.candidate)
