"""Candidate pages: my checklists, filling one in, round follow-up."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import dateformat, timezone
from django.views.decorators.http import require_POST

from .. import selectors, services
from ..access import (
    assignment_for_candidate,
    candidate_required,
    item_for_candidate,
    note_for_candidate,
    round_for_candidate,
)
from ..drafts import mailto_url
from ..forms.checklist import ChecklistItemForms, CommentForm
from ..forms.rounds import DebriefForm, OutcomeForm, ThankYouNoteForm
from ..models import Assignment, AssignmentItem, InterviewRound, ItemKind, ThankYouNote
from ..readiness import Readiness
from ..timeline import round_timeline
from .comments import post_comment
from .paging import paginate

RECENT_APPROVED = 5
UPCOMING_LIMIT = 25  # a list on the home page, not paged
FOLLOW_UP_LIMIT = 10


def _item_url(item: AssignmentItem) -> str:
    return f"{item.assignment.get_candidate_url()}#item-{item.pk}"


# ---------------------------------------------------------------- home


@candidate_required
def home(request: HttpRequest) -> HttpResponse:
    """Open checklists (due soonest first), upcoming rounds, recent approvals, follow-ups."""
    user = request.user
    now = timezone.now()
    page = paginate(request, selectors.candidate_open_checklists(user))
    upcoming, follow_up = selectors.candidate_home_rounds(
        user, now=now, upcoming_limit=UPCOMING_LIMIT, follow_up_limit=FOLLOW_UP_LIMIT
    )
    return render(
        request,
        "interviews/candidate/home.html",
        {
            "page": page,
            "checklists": selectors.candidate_checklist_rows(page.object_list),
            "approved": selectors.candidate_recently_approved(user, limit=RECENT_APPROVED),
            "upcoming": upcoming,
            "follow_up": follow_up,
            "today": timezone.localdate(),
        },
    )


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
        items = selectors.checklist_items_with_comments(assignment)
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
        "latest_review": selectors.latest_review(assignment),
        "needs_work": selectors.needs_work_summary(items, assignment.candidate.coach_id)
        if assignment.status == Assignment.Status.CHANGES_REQUESTED
        else [],
        "readiness": Readiness.of_items(items),
    }
    return render(request, "interviews/candidate/checklist.html", context)


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


def _replies_note(result: services.SaveResult) -> str:
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
    items = selectors.checklist_items_with_comments(assignment)
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

    items = selectors.checklist_items_with_comments(assignment)
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
        result = services.assignment_save(
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
            services.assignment_submit(assignment=assignment, by=request.user)
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
        services.item_mark_email_sent(item=item, by=request.user)
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
        answers = ChecklistItemForms(selectors.checklist_items_with_comments(assignment))
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
        services.item_mark_email_sent(item=item, by=request.user)
    except services.ServiceError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Marked as sent.")
    return redirect(_item_url(item))


# ---------------------------------------------------------------- rounds


@dataclass
class NoteRow:
    note: ThankYouNote
    form: ThankYouNoteForm
    mailto: str


def _render_round(
    request: HttpRequest,
    round: InterviewRound,
    *,
    debrief_form: DebriefForm | None = None,
    outcome_form: OutcomeForm | None = None,
    note_form: ThankYouNoteForm | None = None,
) -> HttpResponse:
    """The round page: logistics, interviewers and prep before the interview; the
    debrief, thank-you notes and outcome from its start on. After a refused POST,
    with what the candidate typed."""
    now = timezone.now()
    interviewers = selectors.round_interviewers(round)
    notes = selectors.round_notes(round)
    to_thank = selectors.interviewers_to_thank(interviewers, notes)
    timeline = round_timeline(round, notes=notes, interviewers_to_thank=len(to_thank), now=now)
    context = {
        "round": round,
        "opportunity": round.opportunity,
        "coach": round.opportunity.candidate.coach,
        "timeline": timeline,
        "interviewers": interviewers,
        "checklists": selectors.round_checklists_for_candidate(round, request.user),
        "to_thank": to_thank,
    }
    if timeline.has_started:
        asked = selectors.round_asked_questions(round)
        context["debrief_form"] = debrief_form or DebriefForm(
            instance=round, asked=asked, prepared=selectors.round_prepared_answers(round)
        )
        context["outcome_form"] = outcome_form or OutcomeForm(initial={"outcome": round.outcome})
        context["notes"] = [
            NoteRow(
                note=note,
                form=note_form
                if note_form is not None and note_form.instance.pk == note.pk
                else ThankYouNoteForm(instance=note),
                mailto=mailto_url(note.to, note.subject, note.body) if note.body else "",
            )
            for note in notes
        ]
    return render(request, "interviews/candidate/round.html", context)


@candidate_required
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The round at the centre: what is next, and everything about it."""
    return _render_round(request, round_for_candidate(request, pk))


def _back_to(round: InterviewRound, anchor: str) -> HttpResponse:
    return redirect(f"{reverse('me:round', args=[round.pk])}#{anchor}")


@candidate_required
@require_POST
def round_debrief(request: HttpRequest, pk: int) -> HttpResponse:
    """How it went, what was asked, what to do differently."""
    round = round_for_candidate(request, pk)
    form = DebriefForm(
        request.POST,
        instance=round,
        asked=selectors.round_asked_questions(round),
        prepared=selectors.round_prepared_answers(round),
    )
    if not form.is_valid():
        messages.error(request, "Your debrief was not saved: see the fields marked below.")
        return _render_round(request, round_for_candidate(request, pk), debrief_form=form)
    try:
        services.round_record_debrief(
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
        return _render_round(request, round_for_candidate(request, pk), debrief_form=form)
    messages.success(request, "Debrief saved. Your coach can read it on the round page.")
    return _back_to(round, "debrief")


@candidate_required
@require_POST
def round_outcome(request: HttpRequest, pk: int) -> HttpResponse:
    round = round_for_candidate(request, pk)
    form = OutcomeForm(request.POST)
    if form.is_valid():
        try:
            services.round_record_outcome(
                round=round, by=request.user, outcome=form.cleaned_data["outcome"]
            )
        except services.ServiceError as error:
            messages.error(request, str(error))
        else:
            round.refresh_from_db()
            messages.success(request, f"Outcome recorded: {round.get_outcome_display()}.")
            return _back_to(round, "outcome")
    else:
        messages.error(request, "Choose one of the outcomes listed.")
    return _render_round(request, round_for_candidate(request, pk), outcome_form=form)


@candidate_required
@require_POST
def notes_prepare(request: HttpRequest, pk: int) -> HttpResponse:
    """Draft a thank-you note for each interviewer with an email who has none."""
    round = round_for_candidate(request, pk)
    try:
        created = services.thank_you_notes_prepare(round=round, by=request.user)
    except services.ServiceError as error:
        messages.error(request, str(error))
    else:
        if created:
            names = ", ".join(note.recipient for note in created)
            messages.success(request, f"Drafted a thank-you note to {names}. Make each your own.")
        else:
            messages.info(request, "Every interviewer with an email already has a note.")
    return _back_to(round, "notes")


@candidate_required
@require_POST
def note_add_other(request: HttpRequest, pk: int) -> HttpResponse:
    round = round_for_candidate(request, pk)
    try:
        note = services.thank_you_note_add_other(round=round, by=request.user)
    except services.ServiceError as error:
        messages.error(request, str(error))
        return _back_to(round, "notes")
    messages.success(request, "A new draft is ready: add who it is for.")
    return _back_to(round, f"note-{note.pk}")


NOTE_ACTIONS = {
    "save": "Saved.",
    "check": "Saved, and your coach has been asked to look. You can still send it any time.",
    "sent": "Saved, and marked as sent.",
}


@candidate_required
@require_POST
def note_update(request: HttpRequest, pk: int) -> HttpResponse:
    """Every button of a note saves what was typed first, then does its action:
    save, ask the coach to look, or mark it as sent."""
    note = note_for_candidate(request, pk)
    round = note.round
    action = request.POST.get("action", "save")
    if action not in NOTE_ACTIONS:
        action = "save"
    form = ThankYouNoteForm(request.POST, instance=note)
    if note.is_sent:
        messages.error(request, "This note is marked as sent; it is kept as it was sent.")
        return _back_to(round, f"note-{note.pk}")
    if not form.is_valid():
        messages.error(request, "The note was not saved: see the fields marked below.")
        return _render_round(request, round_for_candidate(request, round.pk), note_form=form)
    try:
        services.thank_you_note_save(
            note=note,
            by=request.user,
            to=form.cleaned_data["to"],
            subject=form.cleaned_data["subject"],
            body=form.cleaned_data["body"],
            to_name=form.cleaned_data.get("to_name"),
        )
        if action == "check":
            services.thank_you_note_request_check(note=note, by=request.user)
        elif action == "sent":
            services.thank_you_note_mark_sent(note=note, by=request.user)
    except services.ServiceError as error:
        # The text is saved (or the save itself was refused and says why).
        messages.error(request, str(error))
    else:
        messages.success(request, NOTE_ACTIONS[action])
    return _back_to(round, f"note-{note.pk}")
