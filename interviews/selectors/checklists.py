"""Reads of checklists: items with their comments and history, reviews, the
review page, a candidate's open and approved checklists, feedback summaries,
and the candidate's checklist page.
"""

from __future__ import annotations

import datetime
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

from django.db.models import F, Prefetch, Q, QuerySet
from django.utils import dateformat, timezone
from django.utils.text import Truncator

from ..lib.drafts import mailto_url
from ..lib.prepared import Prepared
from ..lib.readiness import Readiness
from ..lib.when import when
from ..lib.writing import Finding, answer_findings, note_findings
from ..models import (
    Assignment,
    AssignmentItem,
    Candidate,
    Comment,
    InterviewRound,
    ItemFile,
    ItemKind,
    RehearsalTake,
    Review,
    User,
)
from .rehearsal import TakesSummary, rehearsable, summary_of
from .sections import answer_label
from .stories import (
    ChecklistStories,
    FrozenStory,
    StoryChoice,
    UsedStory,
    checklist_stories,
    latest_submitted_stories,
)

# ---------------------------------------------------------------- readiness of a list's rows


@dataclass(frozen=True)
class ReadinessFigures:
    """Readiness read for a few checklists and a few rounds (``readiness_figures``)."""

    checklists: dict[int, Readiness]
    #: Per round: how many live (not withdrawn) checklists it has, and their
    #: readiness together (as ``selectors.rounds.rounds_with_readiness``).
    rounds: dict[int, tuple[int, Readiness]]

    def of_checklist(self, pk: int) -> Readiness:
        return self.checklists[pk]

    def of_round(self, pk: int) -> tuple[int, Readiness]:
        return self.rounds.get(pk, (0, Readiness(0, 0)))


def readiness_figures(
    *, checklists: Collection[int] = (), rounds: Collection[int] = ()
) -> ReadinessFigures:
    """The readiness of these checklists and of these rounds, in one query over
    the checklists (none for no rows): for a page that shows a few rows of
    long lists, cheaper than a readiness subquery per row of each list."""
    if not checklists and not rounds:
        return ReadinessFigures({}, {})
    wanted = set(rounds)
    figures = {pk: [0, 0, 0] for pk in wanted}
    of_checklists = {}
    rows = (
        Assignment.objects.filter(Q(pk__in=checklists) | Q(round_id__in=wanted))
        .order_by()
        .with_readiness()
        .values_list("pk", "round_id", "status", "required_done", "required_total")
    )
    for pk, round_id, status, done, total in rows:
        of_checklists[pk] = Readiness(done, total)
        if round_id in wanted and status != Assignment.Status.WITHDRAWN:
            counted = figures[round_id]
            counted[0] += 1
            counted[1] += done
            counted[2] += total
    return ReadinessFigures(
        checklists=of_checklists,
        rounds={pk: (n, Readiness(done, total)) for pk, (n, done, total) in figures.items()},
    )


# ---------------------------------------------------------------- one checklist


def checklist_items(assignment: Assignment) -> list[AssignmentItem]:
    """A checklist's items in order, nothing else (the autosave reads only answers)."""
    return list(assignment.items.all())


def checklist_items_with_comments(assignment: Assignment) -> list[AssignmentItem]:
    """A checklist's items in order, each with its comments and their authors
    and its files (the candidate's page)."""
    comments = Comment.objects.select_related("author")
    return list(
        assignment.items.select_related("question").prefetch_related(
            Prefetch("comments", queryset=comments), "files"
        )
    )


def by_item(rows: Iterable) -> dict[int, list]:
    """Rows of a checklist's items grouped by item id, in their order."""
    grouped: dict[int, list] = {}
    for row in rows:
        grouped.setdefault(row.item_id, []).append(row)
    return grouped


# The checklist page and the review page (selectors/review.py) ask these on
# every visit, each with one value, the checklist: each is built and
# compiled once (lib/prepared.py), with a stand-in checklist no row has
# (issue 25: 0.3 to 0.5 ms of Python a query).
_CHECKLIST = Assignment(pk=-7_000_000_001)
_ITEMS = Prepared(
    AssignmentItem,
    lambda checklist: AssignmentItem.objects.filter(assignment=checklist).select_related(
        "question"
    ),
    checklist=_CHECKLIST,
)
_COMMENTS = Prepared(
    Comment,
    lambda checklist: Comment.objects.filter(item__assignment=checklist).select_related("author"),
    checklist=_CHECKLIST,
)
_FILES = Prepared(
    ItemFile,
    lambda checklist: ItemFile.objects.filter(item__assignment=checklist),
    checklist=_CHECKLIST,
)
_LATEST_REVIEW = Prepared(
    Review,
    lambda checklist: Review.objects.filter(assignment=checklist).select_related("reviewer")[:1],
    checklist=_CHECKLIST,
)
# Every take of the checklist's items, newest first (the candidate's page).
_TAKES = Prepared(
    RehearsalTake,
    lambda checklist: RehearsalTake.objects.filter(item__assignment=checklist),
    checklist=_CHECKLIST,
)


def checklist_comments(assignment: Assignment) -> dict[int, list[Comment]]:
    """The comments on a checklist's items with their authors, oldest first, by item id."""
    return by_item(_COMMENTS(checklist=assignment))


def checklist_files(assignment: Assignment) -> dict[int, list[ItemFile]]:
    """The files on a checklist's items, by item id."""
    return by_item(_FILES(checklist=assignment))


def items_of(assignment: Assignment) -> list[AssignmentItem]:
    """A checklist's items in order with their questions, each pointing at
    ``assignment`` (as ``assignment.items`` would): the review and checklist
    pages' first read."""
    items = _ITEMS(checklist=assignment)
    for item in items:
        item.assignment = assignment
    return items


def takes_stories(item: AssignmentItem) -> bool:
    """A written answer the candidate answers themselves ("My answer"): its
    examples can come from the story bank. Questions for the interviewer and
    plans take none."""
    return item.kind == ItemKind.TEXT and answer_label(item) == "My answer"


def item_findings(
    item: AssignmentItem,
    *,
    assignment: Assignment,
    items: list[AssignmentItem],
    uses_stories: bool = False,
) -> list[Finding]:
    """The writing checks of an item's saved text (``lib.writing``): a written
    answer (a text item the page calls "My answer") gets the answer checks; an
    email draft, the thank-you note checks against the round's debrief and the
    checklist's other drafts. The draft's addressee is an email address, not a
    name, so the greeting check is skipped. An answer that ``uses_stories`` is
    not "too short": its examples are told in the stories. No query: the
    checklist comes with its round and opportunity, the items with their
    questions."""
    if takes_stories(item):
        findings = answer_findings(item.response_text)
        if uses_stories:
            findings = [f for f in findings if f.code != "too_short"]
        return findings
    if item.kind == ItemKind.EMAIL:
        round = assignment.round
        return note_findings(
            subject=item.email_subject,
            body=item.email_body,
            interviewer_name="",
            debrief=round.debrief_notes if round else "",
            other_notes=[
                other.email_body
                for other in items
                if other.kind == ItemKind.EMAIL and other.pk != item.pk
            ],
            ignore=[round.opportunity.company, round.opportunity.position] if round else [],
        )
    return []


def latest_review(assignment: Assignment) -> Review | None:
    latest = _LATEST_REVIEW(checklist=assignment)
    return latest[0] if latest else None


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


def needs_work_summary(
    items: Iterable[AssignmentItem],
    coach_id: int,
    comments: dict[int, list[Comment]] | None = None,
) -> list[NeedsWork]:
    """The items marked "needs work" in position order, each with the first words of
    the coach's latest comment on it. Reads ``comments`` (by item id, oldest
    first), else the items' prefetched comments."""
    summary = []
    for item in items:
        if item.review_mark != AssignmentItem.Mark.NEEDS_WORK:
            continue
        thread = comments.get(item.pk, []) if comments is not None else item.comments.all()
        coach_comments = [c for c in thread if c.author_id == coach_id]
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


def only_open_checklist(candidate: Candidate) -> Assignment | None:
    """The candidate's one open checklist, when there is exactly one (where a
    new login goes first); None for none or several. One query."""
    open_ones = list(candidate.assignments.filter(status__in=Assignment.EDITABLE)[:2])
    return open_ones[0] if len(open_ones) == 1 else None


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


# ---------------------------------------------------------------- candidate: the checklist page


@dataclass(frozen=True)
class CandidateItemRow:
    """One item of the candidate's checklist page, as stored. What the request
    brings (the item's fields, its reply box, a conflict) is the forms' part:
    ``forms.checklists.ChecklistPageForms``."""

    item: AssignmentItem
    #: Opens the last saved email draft in the candidate's own mail program;
    #: "" for other kinds and until the draft has a body.
    mailto: str
    #: Why the email cannot be marked as sent yet; "" when it can, and for other kinds.
    email_sent_closed: str
    #: The writing checks of the saved answer or draft (``item_findings``).
    findings: list[Finding] = field(default_factory=list)
    #: Editable written answers: the stories used now, and what the picker offers.
    stories: list[UsedStory] = field(default_factory=list)
    story_choices: list[StoryChoice] = field(default_factory=list)
    #: The picker shows: a "My answer" item (``takes_stories``), or one that
    #: already uses a story (so it can be removed).
    takes_stories: bool = False
    #: Read-only checklist: the stories as the latest submission froze them.
    submitted_stories: list[FrozenStory] = field(default_factory=list)
    #: A written answer's rehearsal takes (the Rehearse link); None for other items.
    takes: TakesSummary | None = None
    #: Oldest first: the comment thread (with authors) and the files.
    comments: list[Comment] = field(default_factory=list)
    files: list[ItemFile] = field(default_factory=list)


@dataclass(frozen=True)
class CandidateChecklist:
    """What the candidate's checklist page reads besides the checklist itself:
    seven queries whatever the number of items, comments and stories (the
    stories' three while editable, one once submitted; no review before the
    first)."""

    #: In order, with their questions (the page's forms bind to them).
    items: list[AssignmentItem]
    rows: list[CandidateItemRow]
    #: Checked once, so the rows and the forms agree on it for the whole page.
    editable: bool
    latest_review: Review | None
    #: What the coach asked to change; only while changes are requested.
    needs_work: list[NeedsWork]
    readiness: Readiness


def candidate_checklist(
    assignment: Assignment,
    *,
    now: datetime.datetime,
    items: list[AssignmentItem] | None = None,
) -> CandidateChecklist:
    """The candidate's checklist page. ``items``: the items already read with
    ``checklist_items_with_comments`` (a POST binds its forms to them first), so
    a refused POST shows the page without reading them again. Otherwise the
    items, their comments and their files are three queries, the lists
    grouped by item (not ``prefetch_related``: see ``selectors.review.ItemRelations``)."""
    if items is None:
        items = items_of(assignment)
        comments = checklist_comments(assignment)
        files = checklist_files(assignment)
    else:
        comments = {item.pk: list(item.comments.all()) for item in items}
        files = {item.pk: list(item.files.all()) for item in items}
    closed = email_sent_closed(assignment.round, now=now)
    editable = assignment.is_editable
    written = any(item.kind == ItemKind.TEXT for item in items)
    live = (
        checklist_stories(assignment)
        if editable and written
        else ChecklistStories(used={}, bank=[])
    )
    frozen = latest_submitted_stories(assignment) if written and not editable else {}
    # Read here, not with the items: a save binds its forms to the items and
    # redirects, and needs no takes.
    rehearsed = [item for item in items if rehearsable(item)]
    takes = by_item(_TAKES(checklist=assignment)) if rehearsed else {}
    rows = [
        CandidateItemRow(
            item=item,
            mailto=mailto_url(item.email_to, item.email_subject, item.email_body)
            if item.kind == ItemKind.EMAIL and item.email_body
            else "",
            email_sent_closed=closed if item.kind == ItemKind.EMAIL else "",
            findings=item_findings(
                item,
                assignment=assignment,
                items=items,
                uses_stories=bool(live.used.get(item.pk) or frozen.get(item.pk)),
            ),
            stories=live.used.get(item.pk, []),
            story_choices=live.choices(item) if takes_stories(item) and editable else [],
            takes_stories=takes_stories(item) or bool(live.used.get(item.pk)),
            submitted_stories=frozen.get(item.pk, []),
            takes=summary_of(takes.get(item.pk, [])) if item in rehearsed else None,
            comments=comments.get(item.pk, []),
            files=files.get(item.pk, []),
        )
        for item in items
    ]
    return CandidateChecklist(
        items=items,
        rows=rows,
        editable=editable,
        # Never reviewed, no review to read: services.checklists.assignment_review,
        # the one writer of reviews, stamps reviewed_at in the same transaction.
        latest_review=latest_review(assignment) if assignment.reviewed_at is not None else None,
        needs_work=needs_work_summary(items, assignment.candidate.coach_id, comments)
        if assignment.status == Assignment.Status.CHANGES_REQUESTED
        else [],
        readiness=Readiness.of_items(items),
    )


def email_sent_closed(round: InterviewRound | None, *, now: datetime.datetime) -> str:
    """Why an email item of a checklist for ``round`` cannot be marked as sent
    yet ("" when it can): a thank-you goes out after the interview has started
    (the rule ``services.checklists.item_mark_email_sent`` enforces)."""
    if round is None or round.started_by(now):
        return ""
    if round.scheduled_at is None:
        return "You can mark it as sent once the interview has taken place."
    day = dateformat.format(timezone.localtime(round.scheduled_at), "D j M")
    return (
        "You can mark it as sent once the interview has started "
        f"({day} at {when(round.scheduled_at, 'time')})."
    )
