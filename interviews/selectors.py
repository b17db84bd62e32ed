"""Reads that pages share: querysets with their select_related / prefetch_related
already set, so each page runs a fixed number of queries whatever the row count."""

from __future__ import annotations

import dataclasses
import datetime
import enum
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.text import Truncator

from . import brief, readiness
from .models import (
    AnswerRevision,
    AskedQuestion,
    Assignment,
    AssignmentItem,
    Candidate,
    ChecklistTemplate,
    Comment,
    Interviewer,
    InterviewRound,
    Invitation,
    ItemKind,
    Notification,
    Opportunity,
    Practice,
    PracticeInvitation,
    PracticeMembership,
    PracticeRole,
    Question,
    Review,
    ThankYouNote,
    User,
    practice_ids_of,
)
from .timeline import Phase, Timeline, round_timeline

# ---------------------------------------------------------------- readiness

# The one readiness value type, re-exported for the pages and tests that read it here.
Readiness = readiness.Readiness
readiness_percent = readiness.readiness_percent


def _round_item_count(complete_only: bool) -> Coalesce:
    """Required items of a round's live (not withdrawn) checklists, as a subquery."""
    items = AssignmentItem.objects.filter(assignment__round=OuterRef("pk"), required=True).exclude(
        assignment__status=Assignment.Status.WITHDRAWN
    )
    if complete_only:
        items = items.complete()
    counted = items.order_by().values("assignment__round").annotate(n=Count("pk")).values("n")[:1]
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def rounds_with_readiness(rounds: QuerySet[InterviewRound]) -> QuerySet[InterviewRound]:
    """Annotate required_total / required_done over the round's live checklists
    (``round.readiness`` reads them), and live_assignments (how many there are)."""
    live = (
        Assignment.objects.filter(round=OuterRef("pk"))
        .exclude(status=Assignment.Status.WITHDRAWN)
        .order_by()
        .values("round")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    return rounds.annotate(
        required_total=_round_item_count(complete_only=False),
        required_done=_round_item_count(complete_only=True),
        live_assignments=Coalesce(Subquery(live, output_field=IntegerField()), Value(0)),
    )


# ---------------------------------------------------------------- one checklist


def checklist_items_with_comments(assignment: Assignment) -> list[AssignmentItem]:
    """A checklist's items in order, each with its comments and their authors
    (the candidate's page)."""
    comments = Comment.objects.select_related("author")
    return list(assignment.items.prefetch_related(Prefetch("comments", queryset=comments)))


def checklist_items_with_history(assignment: Assignment) -> list[AssignmentItem]:
    """A checklist's items in order, each with its comments and its answer
    revisions, oldest first, with their authors (the coach's review page)."""
    return list(
        assignment.items.prefetch_related(
            Prefetch("comments", queryset=Comment.objects.select_related("author")),
            Prefetch("revisions", queryset=AnswerRevision.objects.select_related("author")),
        )
    )


def checklist_reviews(assignment: Assignment) -> list[Review]:
    """A checklist's reviews, newest first, with their reviewers."""
    return list(assignment.reviews.select_related("reviewer"))


def latest_review(assignment: Assignment) -> Review | None:
    return assignment.reviews.select_related("reviewer").first()


# ---------------------------------------------------------------- candidate: home and rounds


def candidate_open_checklists(user: User) -> QuerySet[Assignment]:
    """The candidate's checklists not yet approved (from every coach), due soonest
    first, with readiness."""
    return (
        Assignment.objects.for_candidate_user(user)
        .exclude(status=Assignment.Status.APPROVED)
        .with_readiness()
        .select_related("candidate__coach", "round__opportunity")
        .order_by(F("due_date").asc(nulls_last=True), "id")
    )


def candidate_recently_approved(user: User, *, limit: int) -> QuerySet[Assignment]:
    return (
        Assignment.objects.for_candidate_user(user)
        .filter(status=Assignment.Status.APPROVED)
        .select_related("candidate__coach", "round__opportunity")
        .order_by("-reviewed_at", "-id")[:limit]
    )


def candidate_rounds(user: User) -> QuerySet[InterviewRound]:
    """The candidate's rounds, named, each with the readiness of its (not
    withdrawn) checklists and ``thank_you_waiting``: whether a thank-you is still
    to be sent (a note not marked sent, or an interviewer with an email and no
    note yet)."""
    unsent = ThankYouNote.objects.filter(round=OuterRef("pk"), sent_at__isnull=True)
    unnoted = (
        Interviewer.objects.filter(round=OuterRef("pk"))
        .exclude(email="")
        .exclude(Exists(ThankYouNote.objects.filter(interviewer=OuterRef("pk"))))
    )
    rounds = (
        InterviewRound.objects.for_candidate_user(user)
        .select_related("opportunity__candidate__coach")
        .with_kind_count()
    )
    return rounds_with_readiness(rounds).annotate(
        thank_you_waiting=ExpressionWrapper(
            Exists(unsent) | Exists(unnoted), output_field=BooleanField()
        )
    )


def candidate_home_rounds(
    user: User, *, now: datetime.datetime, upcoming_limit: int, follow_up_limit: int
) -> tuple[list[InterviewRound], list[InterviewRound]]:
    """The candidate's home page rounds, in one query: the coming ones (soonest
    first) and the past ones still waiting for an outcome, to debrief and thank
    for (latest first)."""
    rounds = list(
        candidate_rounds(user)
        .filter(
            Q(scheduled_at__gte=now)
            | Q(scheduled_at__lt=now, outcome=InterviewRound.Outcome.PENDING)
        )
        .order_by("scheduled_at", "id")
    )
    upcoming = [r for r in rounds if r.scheduled_at >= now][:upcoming_limit]
    past = [r for r in rounds if r.scheduled_at < now]
    return upcoming, past[::-1][:follow_up_limit]


def round_checklists_for_candidate(round: InterviewRound, user: User) -> QuerySet[Assignment]:
    """The candidate's (not withdrawn) checklists for one round, with readiness."""
    return (
        Assignment.objects.for_candidate_user(user)
        .filter(round=round)
        .with_readiness()
        .order_by(F("due_date").asc(nulls_last=True), "id")
    )


def round_interviewers(round: InterviewRound) -> list[Interviewer]:
    return list(round.interviewers.all())


def round_notes(round: InterviewRound) -> list[ThankYouNote]:
    """The round's thank-you notes, oldest first, with their interviewers."""
    return list(round.thank_you_notes.select_related("interviewer"))


def interviewers_to_thank(
    interviewers: list[Interviewer], notes: list[ThankYouNote]
) -> list[Interviewer]:
    """Interviewers with an email address and no thank-you note yet."""
    noted = {note.interviewer_id for note in notes}
    return [i for i in interviewers if i.email and i.pk not in noted]


def round_asked_questions(round: InterviewRound) -> list[AskedQuestion]:
    return list(round.asked_questions.select_related("bank_question"))


def round_prepared_answers(round: InterviewRound) -> list[AssignmentItem]:
    """The answers the candidate prepared for this round (written items from the
    bank's "prepare an answer" questions, in their live checklists), for the
    debrief's "did it come up?"."""
    return list(
        AssignmentItem.objects.filter(
            assignment__round=round,
            kind=ItemKind.TEXT,
            question__category=Question.Category.ANSWER,
        )
        .exclude(assignment__status=Assignment.Status.WITHDRAWN)
        .order_by("assignment__created_at", "position", "id")
    )


# ---------------------------------------------------------------- feedback to the candidate

#: How much of the coach's comment the "changes requested" summary quotes.
FEEDBACK_EXCERPT_WORDS = 12


@dataclass(frozen=True)
class NeedsWork:
    """An item the coach marked "needs work", with the start of their latest comment."""

    item: AssignmentItem
    excerpt: str
    revised: bool

    @property
    def anchor(self) -> str:
        return f"#item-{self.item.pk}"


def needs_work_summary(items: Iterable[AssignmentItem], coach_id: int) -> list[NeedsWork]:
    """The items marked "needs work" in position order, each with the first words of
    the coach's latest comment on it. Reads the items' prefetched comments."""
    summary = []
    for item in items:
        if item.review_mark != AssignmentItem.Mark.NEEDS_WORK:
            continue
        coach_comments = [c for c in item.comments.all() if c.author_id == coach_id]
        excerpt = (
            Truncator(coach_comments[-1].body).words(FEEDBACK_EXCERPT_WORDS)
            if coach_comments
            else ""
        )
        summary.append(NeedsWork(item=item, excerpt=excerpt, revised=item.revised_since_mark))
    return summary


@dataclass(frozen=True)
class ChecklistRow:
    """A checklist on the candidate's home, with what the coach asked to change."""

    assignment: Assignment
    needs_work: list[NeedsWork]


def candidate_checklist_rows(assignments: Iterable[Assignment]) -> list[ChecklistRow]:
    """One page of the candidate's checklists, each with its needs-work summary
    (two queries for the whole page)."""
    assignments = list(assignments)
    needs_work = checklists_needs_work(assignments)
    return [ChecklistRow(assignment=a, needs_work=needs_work.get(a.pk, [])) for a in assignments]


def checklists_needs_work(assignments: Iterable[Assignment]) -> dict[int, list[NeedsWork]]:
    """For the checklists among ``assignments`` whose coach asked for changes, what
    needs work: two queries for any number of checklists."""
    by_id = {a.pk: a for a in assignments if a.status == Assignment.Status.CHANGES_REQUESTED}
    if not by_id:
        return {}
    items = AssignmentItem.objects.filter(
        assignment_id__in=by_id, review_mark=AssignmentItem.Mark.NEEDS_WORK
    ).prefetch_related(
        Prefetch(
            "comments",
            queryset=Comment.objects.filter(
                author_id=F("item__assignment__candidate__coach_id")
            ).order_by("created_at", "pk"),
        )
    )
    grouped: dict[int, list[AssignmentItem]] = {}
    for item in items:
        grouped.setdefault(item.assignment_id, []).append(item)
    return {pk: needs_work_summary(grouped[pk], by_id[pk].candidate.coach_id) for pk in grouped}


# ---------------------------------------------------------------- coach: candidates


def candidate_list(coach: User, *, q: str = "", archived: bool = False) -> QuerySet[Candidate]:
    """The coach's candidates (active or archived), searched by name, email or
    headline, each annotated with its next interview and the number of checklists
    waiting for review. One query for any page size."""
    now = timezone.now()
    next_round = (
        InterviewRound.objects.filter(opportunity__candidate=OuterRef("pk"), scheduled_at__gte=now)
        .select_related("opportunity")
        .order_by("scheduled_at", "pk")
    )
    waiting = (
        Assignment.objects.filter(candidate=OuterRef("pk"), status=Assignment.Status.SUBMITTED)
        .order_by()
        .values("candidate")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    qs = Candidate.objects.for_coach(coach).filter(archived=archived)
    q = q.strip()
    if q:
        qs = qs.filter(Q(full_name__icontains=q) | Q(email__icontains=q) | Q(headline__icontains=q))
    return qs.annotate(
        next_interview_at=Subquery(next_round.values("scheduled_at")[:1]),
        next_interview_company=Subquery(next_round.values("opportunity__company")[:1]),
        waiting_review=Coalesce(Subquery(waiting, output_field=IntegerField()), Value(0)),
    ).order_by("full_name", "pk")


def candidate_invitation(candidate: Candidate) -> Invitation | None:
    """The most recent invitation of a candidate (None when never invited)."""
    return candidate.invitations.order_by("-created_at", "-pk").first()


class JoinState(enum.Enum):
    JOINED = "joined"
    PENDING = "pending"  # invited, the link still works
    NOT_INVITED = "not_invited"  # never invited, or the last link expired


@dataclass(frozen=True)
class JoinStatus:
    """Whether a candidate can log in yet; ``invitation`` is the open one when pending."""

    state: JoinState
    invitation: Invitation | None = None

    @property
    def joined(self) -> bool:
        return self.state == JoinState.JOINED


def candidate_join_status(candidate: Candidate) -> JoinStatus:
    """Joined, invited with a link that still works, or not (usefully) invited."""
    if candidate.user_id is not None:
        return JoinStatus(JoinState.JOINED)
    invitation = (
        candidate.invitations.filter(
            accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
        )
        .order_by("-created_at", "-pk")
        .first()
    )
    if invitation is None:
        return JoinStatus(JoinState.NOT_INVITED)
    return JoinStatus(JoinState.PENDING, invitation)


def candidate_assignments(candidate: Candidate) -> QuerySet[Assignment]:
    """Every checklist of a candidate (withdrawn ones last), with readiness and
    their rounds annotated for naming (one more query, whatever the count)."""
    rounds = InterviewRound.objects.select_related("opportunity").with_kind_count()
    return (
        candidate.assignments.prefetch_related(Prefetch("round", queryset=rounds))
        .with_readiness()
        .order_by("withdrawn_at", "due_date", "pk")
    )


def round_assignments(round: InterviewRound) -> QuerySet[Assignment]:
    """The checklists made for one round, with readiness."""
    return (
        round.assignments.select_related("candidate")
        .with_readiness()
        .order_by("withdrawn_at", "due_date", "pk")
    )


def opportunity_rounds(opportunity: Opportunity) -> QuerySet[InterviewRound]:
    """An opportunity's rounds in order, named, with their prep's readiness and
    their interviewers (two queries)."""
    return rounds_with_readiness(
        opportunity.rounds.with_kind_count().prefetch_related("interviewers").order_by("sequence")
    )


def candidate_opportunities(candidate: Candidate) -> QuerySet[Opportunity]:
    """A candidate's opportunities with their rounds, named, and each round's
    interviewers (three queries)."""
    return candidate.opportunities.prefetch_related(
        Prefetch(
            "rounds",
            queryset=InterviewRound.objects.with_kind_count().prefetch_related("interviewers"),
        )
    )


# ---------------------------------------------------------------- coach: one round


class NoteStatus(enum.Enum):
    """Where a thank-you note stands, as its candidate's coach reads it."""

    DRAFT = "Draft"
    AWAITING_CHECK = "Waiting for your look"
    COMMENTED = "You commented"
    APPROVED = "Approved"
    SENT = "Sent"

    @property
    def label(self) -> str:
        return self.value

    @property
    def colour(self) -> str:
        return NOTE_STATUS_COLOURS[self]


#: The one place a note's status gets its colour (Bootstrap badge classes).
NOTE_STATUS_COLOURS = {
    NoteStatus.DRAFT: "text-bg-light border",
    NoteStatus.AWAITING_CHECK: "text-bg-info",
    NoteStatus.COMMENTED: "text-bg-warning",
    NoteStatus.APPROVED: "text-bg-success",
    NoteStatus.SENT: "text-bg-success",
}


def note_status(note: ThankYouNote) -> NoteStatus:
    """Sent beats everything (the candidate need not wait for the coach); a new
    request to look beats an earlier answer."""
    if note.is_sent:
        return NoteStatus.SENT
    if note.awaiting_check:
        return NoteStatus.AWAITING_CHECK
    if note.checked_at is not None:
        return NoteStatus.APPROVED if note.approved else NoteStatus.COMMENTED
    return NoteStatus.DRAFT


@dataclass(frozen=True)
class CoachRound:
    """What the coach's round page reads besides the round itself: five queries
    whatever the number of interviewers, notes, questions and checklists."""

    #: The phase and, in ``next_step``, what is next from the coach's side.
    timeline: Timeline
    interviewers: list[Interviewer]
    notes: list[ThankYouNote]
    asked_questions: list[AskedQuestion]
    #: Prepared answers that the candidate said came up in the interview.
    came_up: list[AssignmentItem]
    assignments: list[Assignment]


def coach_round(round: InterviewRound, *, now: datetime.datetime) -> CoachRound:
    interviewers = round_interviewers(round)
    notes = round_notes(round)
    to_thank = len(interviewers_to_thank(interviewers, notes))
    timeline = round_timeline(round, notes=notes, interviewers_to_thank=to_thank, now=now)
    assignments = list(round_assignments(round))
    next_step = _coach_next_step(
        round, timeline=timeline, notes=notes, interviewers=interviewers, assignments=assignments
    )
    return CoachRound(
        timeline=dataclasses.replace(timeline, next_step=next_step),
        interviewers=interviewers,
        notes=notes,
        asked_questions=round_asked_questions(round),
        came_up=[item for item in round_prepared_answers(round) if item.came_up],
        assignments=assignments,
    )


def _coach_next_step(
    round: InterviewRound,
    *,
    timeline: Timeline,
    notes: list[ThankYouNote],
    interviewers: list[Interviewer],
    assignments: list[Assignment],
) -> str:
    """The timeline's next step, said to the coach rather than the candidate."""
    name = round.opportunity.candidate.full_name
    if timeline.phase == Phase.UNSCHEDULED:
        return "Add the interview's date"
    if timeline.phase == Phase.BEFORE:
        live = [a for a in assignments if a.status != Assignment.Status.WITHDRAWN]
        if not live:
            return f"Assign a prep checklist so {name} can prepare"
        if any(a.status == Assignment.Status.SUBMITTED for a in live):
            return f"Review the checklist {name} submitted"
        if not interviewers:
            return "Add the interviewers once you know their names"
        return f"Follow {name}'s prep: readiness is below"
    if any(note.awaiting_check for note in notes):
        return f"{name} asked you to look at a thank-you note"
    if timeline.phase == Phase.UNDER_WAY:
        return f"{name}'s debrief and thank-you notes, once the interview is over"
    if timeline.thank_you_due:
        return f"{name} sends the thank-you notes ({timeline.thank_you_due})"
    if not round.is_debriefed:
        return f"Waiting for {name}'s debrief"
    if round.outcome == InterviewRound.Outcome.PENDING:
        return "Waiting for the outcome; record it when the company decides"
    return f"Outcome: {round.get_outcome_display()}"


# ---------------------------------------------------------------- question bank and templates


def with_library_rights(qs: QuerySet, user: User) -> QuerySet:
    """Questions or templates with their owner and practice loaded, and what
    ``user`` may do with each, as annotations (no query per row):
    ``can_edit`` (their own, or as lead what the practice shares),
    ``can_share`` (their own, not shared yet, and they belong to a practice) and
    ``can_unshare`` (shared, and they are its owner or the practice's lead)."""
    led = practice_ids_of(user, lead=True)
    return qs.select_related("owner", "practice").annotate(
        can_edit=ExpressionWrapper(Q(owner=user) | Q(practice__in=led), BooleanField()),
        can_share=ExpressionWrapper(
            Q(owner=user, practice__isnull=True)
            & Q(Exists(PracticeMembership.objects.filter(user=user))),
            BooleanField(),
        ),
        can_unshare=ExpressionWrapper(
            Q(owner=user, practice__isnull=False) | Q(practice__in=led), BooleanField()
        ),
    )


def question_bank(user: User) -> QuerySet[Question]:
    """Built-ins, the coach's own and their practice's questions (retired ones
    too), in bank order, with what the coach may do with each."""
    return with_library_rights(Question.objects.visible_to(user), user).in_bank_order()


def questions_to_add(user: User) -> QuerySet[Question]:
    """What "Add from the question bank" offers: built-ins, own and the
    practice's, not retired."""
    return Question.objects.visible_to(user).filter(retired=False).in_bank_order()


def _library_group(user: User) -> Case:
    """Sorts the coach's own first (0), their practice's next (1), built-ins last (2)."""
    return Case(
        When(owner=user, then=Value(0)),
        When(owner__isnull=True, then=Value(2)),
        default=Value(1),
    )


def template_list(user: User) -> QuerySet[ChecklistTemplate]:
    """The coach's own templates first, then their practice's, then the
    built-ins, each with ``item_count`` and what the coach may do with it."""
    return (
        with_library_rights(ChecklistTemplate.objects.visible_to(user), user)
        .annotate(item_count=Count("items"))
        .order_by(_library_group(user), "title", "id")
    )


def templates_to_assign(user: User) -> QuerySet[ChecklistTemplate]:
    """What the assign form offers: own, the practice's, built-ins, in that order."""
    return (
        ChecklistTemplate.objects.visible_to(user)
        .select_related("owner", "practice")
        .order_by(_library_group(user), "title", "id")
    )


def library_template(user: User, template: ChecklistTemplate) -> ChecklistTemplate:
    """One template the coach may see (checked by the access helper first), as
    the list shows it: owner, practice and the coach's rights loaded."""
    return with_library_rights(ChecklistTemplate.objects.filter(pk=template.pk), user).get()


# ---------------------------------------------------------------- soft look-ups
# For pre-filling forms from the query string: an id the coach may not use is
# ignored (None), not an error.


def coach_candidate(coach: User, pk: int) -> Candidate | None:
    return Candidate.objects.for_coach(coach).filter(pk=pk).first()


def coach_candidate_round(coach: User, candidate: Candidate, pk: int) -> InterviewRound | None:
    return (
        InterviewRound.objects.for_coach(coach)
        .filter(pk=pk, opportunity__candidate=candidate)
        .first()
    )


def visible_template(coach: User, pk: int) -> ChecklistTemplate | None:
    return ChecklistTemplate.objects.visible_to(coach).filter(pk=pk).first()


def user_with_email(email: str) -> User | None:
    """The login with this email, compared case-insensitively."""
    return User.objects.filter(email__iexact=email).first()


# ---------------------------------------------------------------- coach: dashboard

DASHBOARD_LIMIT = 25


@dataclass(frozen=True)
class UpcomingInterview:
    """A round in the coach's coming week, with what the dashboard flags."""

    round: InterviewRound
    #: Under half ready, and the interview is less than 48 hours away.
    at_risk: bool
    #: Less than 48 hours away (no checklist yet is then urgent).
    soon: bool


@dataclass
class Dashboard:
    awaiting_review: list[Assignment]
    upcoming: list[UpcomingInterview]
    overdue: list[Assignment]
    invited: list[Candidate]
    notes_to_check: list[ThankYouNote]
    limit: int = DASHBOARD_LIMIT


def dashboard(coach: User, *, now: datetime.datetime | None = None) -> Dashboard:
    """The coach's start page: what needs doing now. Five queries, each capped
    at DASHBOARD_LIMIT rows."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    assignments = Assignment.objects.for_coach(coach).select_related(
        "candidate", "round__opportunity"
    )
    awaiting = list(
        assignments.awaiting_review()
        .with_readiness()
        .order_by("submitted_at", "pk")[:DASHBOARD_LIMIT]
    )
    overdue = list(
        assignments.overdue(today)
        .filter(candidate__archived=False)
        .with_readiness()
        .order_by("due_date", "pk")[:DASHBOARD_LIMIT]
    )
    rounds = rounds_with_readiness(
        InterviewRound.objects.for_coach(coach)
        .filter(
            scheduled_at__gte=now,
            scheduled_at__lt=now + datetime.timedelta(days=7),
            opportunity__candidate__archived=False,
        )
        .select_related("opportunity__candidate")
        .with_kind_count()
        .order_by("scheduled_at", "pk")
    )[:DASHBOARD_LIMIT]
    upcoming = [
        UpcomingInterview(
            round=round,
            at_risk=bool(round.live_assignments)
            and round.readiness.at_risk(round.scheduled_at, now),
            soon=round.scheduled_at <= now + readiness.WARNING_WINDOW,
        )
        for round in rounds
    ]
    open_invitation = Invitation.objects.filter(
        candidate=OuterRef("pk"), accepted_at__isnull=True, revoked_at__isnull=True
    ).order_by("-created_at", "-pk")
    invited = list(
        Candidate.objects.for_coach(coach)
        .active()
        .filter(user__isnull=True)
        .annotate(
            invited_at=Subquery(open_invitation.values("created_at")[:1]),
            invite_expires_at=Subquery(open_invitation.values("expires_at")[:1]),
        )
        .filter(invited_at__isnull=False)
        .annotate(
            invite_expired=ExpressionWrapper(
                Q(invite_expires_at__lte=now), output_field=BooleanField()
            )
        )
        .order_by("invited_at", "pk")[:DASHBOARD_LIMIT]
    )
    return Dashboard(
        awaiting_review=awaiting,
        upcoming=upcoming,
        overdue=overdue,
        invited=invited,
        notes_to_check=list(notes_to_check(coach)[:DASHBOARD_LIMIT]),
    )


def notes_to_check(coach: User) -> QuerySet[ThankYouNote]:
    """Thank-you notes of the coach's active candidates that wait for the coach's
    look (``ThankYouNote.awaiting_check`` in SQL), the longest waiting first."""
    return (
        ThankYouNote.objects.filter(
            round__opportunity__candidate__coach=coach,
            round__opportunity__candidate__archived=False,
            check_requested_at__isnull=False,
        )
        .filter(Q(checked_at__isnull=True) | Q(checked_at__lt=F("check_requested_at")))
        .select_related("round__opportunity__candidate", "interviewer")
        .order_by("check_requested_at", "pk")
    )


# ---------------------------------------------------------------- the interview brief


def round_brief(round: InterviewRound) -> brief.RoundBrief:
    """The interview brief of a round: its interviewers and the answers of the
    candidate's live (not withdrawn) checklists for it, sorted into sections
    (see interviews/brief.py). Three queries, whatever the number of items."""
    items = AssignmentItem.objects.select_related("question").order_by("position", "id")
    checklists = (
        Assignment.objects.filter(round=round, candidate_id=round.opportunity.candidate_id)
        .exclude(status=Assignment.Status.WITHDRAWN)
        .prefetch_related(Prefetch("items", queryset=items))
        .order_by("created_at", "pk")
    )
    return brief.build(round, interviewers=round.interviewers.all(), checklists=checklists)


def user_notifications(user: User) -> QuerySet[Notification]:
    """The user's notices, newest first, without their bodies (the list shows
    subjects only)."""
    return Notification.objects.filter(user=user).defer("body")


# ---------------------------------------------------------------- practice: members


def practice_members(
    practice: Practice, *, leads_first: bool = False
) -> QuerySet[PracticeMembership]:
    """The practice's members by name (``leads_first``: the leads before the
    others), each with its user and ``candidate_count`` (archived candidates
    included: removing a coach waits for all of them). One query."""
    order = ["user__full_name", "user__email", "pk"]
    if leads_first:
        order.insert(0, Case(When(role=PracticeRole.LEAD, then=Value(0)), default=Value(1)))
    return (
        PracticeMembership.objects.filter(practice=practice)
        .select_related("user")
        .annotate(candidate_count=Count("user__candidates"))
        .order_by(*order)
    )


def practice_open_invitations(practice: Practice) -> QuerySet[PracticeInvitation]:
    """Invitations neither used nor cancelled, newest first (expired ones
    included, so the lead sees them and can send a new link)."""
    return practice.invitations.filter(accepted_at__isnull=True, revoked_at__isnull=True).order_by(
        "-created_at", "-pk"
    )
