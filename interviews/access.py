"""One helper per object kind, called first in every object view.

Each loads the object through a query that already contains the ownership
rule and raises Http404 for anyone else, so ids reveal nothing. Role checks
live in the ``coach_required`` / ``candidate_required`` decorators.
"""

from __future__ import annotations

from functools import wraps

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from .lib.prepared import Prepared
from .models import (
    AskedQuestion,
    Assignment,
    AssignmentItem,
    Candidate,
    ChecklistTemplate,
    Interviewer,
    InterviewRound,
    ItemFile,
    Notification,
    Opportunity,
    PracticeInvitation,
    PracticeMembership,
    PracticeRole,
    Question,
    RehearsalTake,
    Story,
    ThankYouNote,
    User,
)


def coach_required(view):
    """Coach pages answer 404 to anyone who is not a coach."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not (request.user.is_authenticated and request.user.is_coach):
            raise Http404("Not found")
        return view(request, *args, **kwargs)

    return wrapper


def candidate_required(view):
    """Candidate pages answer 404 to anyone who is not a candidate."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not (request.user.is_authenticated and request.user.is_candidate):
            raise Http404("Not found")
        return view(request, *args, **kwargs)

    return wrapper


# ---------------------------------------------------------------- coach side


def candidate_for_coach(request: HttpRequest, pk: int) -> Candidate:
    # With the login: the page shows interview times in the candidate's zone too.
    return get_object_or_404(
        Candidate.objects.for_coach(request.user).select_related("user"), pk=pk
    )


def opportunity_for_coach(request: HttpRequest, pk: int) -> Opportunity:
    return get_object_or_404(
        Opportunity.objects.for_coach(request.user).select_related("candidate"), pk=pk
    )


def round_for_coach(request: HttpRequest, pk: int) -> InterviewRound:
    return get_object_or_404(
        InterviewRound.objects.for_coach(request.user)
        .select_related("opportunity__candidate__user")  # the candidate's zone
        .with_kind_count(),
        pk=pk,
    )


def question_for_coach(request: HttpRequest, pk: int) -> Question:
    """A question the coach may change: their own, or, for a lead, one shared
    with their practice."""
    return get_object_or_404(Question.objects.editable_by(request.user), pk=pk)


def question_visible_to_coach(request: HttpRequest, pk: int) -> Question:
    """A built-in, one of the coach's own or one their practice shares
    (readable, copyable)."""
    return get_object_or_404(Question.objects.visible_to(request.user), pk=pk)


def template_for_coach(request: HttpRequest, pk: int) -> ChecklistTemplate:
    """A template the coach may change: their own, or, for a lead, one shared
    with their practice."""
    return get_object_or_404(ChecklistTemplate.objects.editable_by(request.user), pk=pk)


def template_visible_to_coach(request: HttpRequest, pk: int) -> ChecklistTemplate:
    """A built-in, one of the coach's own or one their practice shares
    (readable, copyable, assignable)."""
    return get_object_or_404(ChecklistTemplate.objects.visible_to(request.user), pk=pk)


# The checklist pages open with one of these on every request: each is
# built and compiled once (lib/prepared.py), with stand-ins no row has
# (issue 25). The ownership rule is in the query, as everywhere here.
_USER = User(pk=-7_000_000_001)
_PK = -7_000_000_002
_ASSIGNMENT_FOR_COACH = Prepared(
    Assignment,
    lambda user, pk: (
        Assignment.objects.for_coach(user)
        .select_related("candidate__user", "round__opportunity")
        .with_round_kind_count()
        .filter(pk=pk)
    ),
    user=_USER,
    pk=_PK,
)
_ASSIGNMENT_FOR_CANDIDATE = Prepared(
    Assignment,
    lambda user, pk: (
        Assignment.objects.for_candidate_user(user)
        .select_related("candidate__coach", "round__opportunity")
        .with_round_kind_count()
        .filter(pk=pk)
    ),
    user=_USER,
    pk=_PK,
)


#: The largest id a row can have (a 64-bit key): a larger one in an address
#: names nothing (the ORM says so before asking; a prepared read must too).
_LARGEST_ID = 2**63 - 1


def _the_one(read: Prepared, request: HttpRequest, pk: int):
    signed_in = request.user.is_authenticated  # (the role decorators see to it first)
    found = read(user=request.user, pk=pk) if signed_in and 0 < pk <= _LARGEST_ID else []
    if not found:
        raise Http404(f"No {read.model._meta.object_name} matches the given query.")
    return found[0]


def assignment_for_coach(request: HttpRequest, pk: int) -> Assignment:
    return _the_one(_ASSIGNMENT_FOR_COACH, request, pk).name_round()


def story_for_coach(request: HttpRequest, pk: int) -> Story:
    """A story of one of the coach's own candidates — or 404 (a colleague in
    the same practice included: the lead reads through /practice/)."""
    return get_object_or_404(
        Story.objects.for_coach(request.user).select_related("candidate__user", "strong_by"),
        pk=pk,
    )


def item_for_coach(request: HttpRequest, pk: int) -> AssignmentItem:
    return get_object_or_404(
        AssignmentItem.objects.for_coach(request.user).select_related("assignment__candidate"),
        pk=pk,
    )


# ---------------------------------------------------------------- candidate side


def assignment_for_candidate(request: HttpRequest, pk: int) -> Assignment:
    """The candidate's own, not withdrawn, assignment — or 404 for anyone else."""
    return _the_one(_ASSIGNMENT_FOR_CANDIDATE, request, pk).name_round()


def item_for_candidate(request: HttpRequest, pk: int) -> AssignmentItem:
    return get_object_or_404(
        AssignmentItem.objects.for_candidate_user(request.user).select_related(
            "assignment__candidate"
        ),
        pk=pk,
    )


def round_for_candidate(request: HttpRequest, pk: int) -> InterviewRound:
    return get_object_or_404(
        InterviewRound.objects.for_candidate_user(request.user)
        .select_related("opportunity__candidate__coach")
        .with_kind_count(),
        pk=pk,
    )


def story_for_candidate(request: HttpRequest, pk: int) -> Story:
    """A story in one of the candidate's own banks — or 404 for anyone else."""
    return get_object_or_404(
        Story.objects.for_candidate_user(request.user).select_related("candidate__coach"), pk=pk
    )


def record_for_candidate(request: HttpRequest, pk: int) -> Candidate:
    """One of the candidate records this login joined (one per coach) — or 404."""
    return get_object_or_404(
        Candidate.objects.for_candidate_user(request.user).select_related("coach"), pk=pk
    )


# ---------------------------------------------------------------- round life (both sides)


def interviewer_for_coach(request: HttpRequest, pk: int) -> Interviewer:
    return get_object_or_404(
        Interviewer.objects.for_coach(request.user).select_related("round__opportunity__candidate"),
        pk=pk,
    )


def interviewer_for_candidate(request: HttpRequest, pk: int) -> Interviewer:
    return get_object_or_404(
        Interviewer.objects.for_candidate_user(request.user).select_related(
            "round__opportunity__candidate"
        ),
        pk=pk,
    )


def note_for_coach(request: HttpRequest, pk: int) -> ThankYouNote:
    return get_object_or_404(
        ThankYouNote.objects.for_coach(request.user).select_related(
            "round__opportunity__candidate", "interviewer"
        ),
        pk=pk,
    )


def note_for_candidate(request: HttpRequest, pk: int) -> ThankYouNote:
    return get_object_or_404(
        ThankYouNote.objects.for_candidate_user(request.user).select_related(
            "round__opportunity__candidate", "interviewer"
        ),
        pk=pk,
    )


def asked_question_for_coach(request: HttpRequest, pk: int) -> AskedQuestion:
    return get_object_or_404(
        AskedQuestion.objects.for_coach(request.user).select_related(
            "round__opportunity__candidate"
        ),
        pk=pk,
    )


# ---------------------------------------------------------------- practices (the lead)


def membership_for_coach(request: HttpRequest) -> PracticeMembership | None:
    """The signed-in coach's place in a practice, or None when they work alone."""
    return PracticeMembership.objects.select_related("practice").filter(user=request.user).first()


def lead_membership(request: HttpRequest) -> PracticeMembership:
    """The signed-in coach's membership when they lead a practice — or 404."""
    return get_object_or_404(
        PracticeMembership.objects.select_related("practice", "user"),
        user=request.user,
        role=PracticeRole.LEAD,
    )


def _led_practice_ids(request: HttpRequest):
    return PracticeMembership.objects.filter(user=request.user, role=PracticeRole.LEAD).values(
        "practice_id"
    )


def _led_coach_ids(request: HttpRequest):
    """The members (the lead included) of the practice the user leads."""
    return PracticeMembership.objects.filter(practice__in=_led_practice_ids(request)).values(
        "user_id"
    )


def member_for_lead(request: HttpRequest, pk: int) -> PracticeMembership:
    """A membership of the practice the user leads — or 404."""
    return get_object_or_404(
        PracticeMembership.objects.filter(practice__in=_led_practice_ids(request)).select_related(
            "user", "practice"
        ),
        pk=pk,
    )


def practice_invitation_for_lead(request: HttpRequest, pk: int) -> PracticeInvitation:
    return get_object_or_404(
        PracticeInvitation.objects.filter(practice__in=_led_practice_ids(request)).select_related(
            "practice"
        ),
        pk=pk,
    )


def candidate_for_lead(request: HttpRequest, pk: int) -> Candidate:
    """A candidate of any coach of the practice the user leads (read-only
    pages and reassigning) — or 404."""
    return get_object_or_404(
        Candidate.objects.for_coaches(_led_coach_ids(request)).select_related("coach", "user"),
        pk=pk,
    )


def assignment_for_lead(request: HttpRequest, pk: int) -> Assignment:
    """A checklist of a candidate of the lead's practice, read-only — or 404."""
    return get_object_or_404(
        Assignment.objects.for_coaches(_led_coach_ids(request))
        .select_related("candidate__coach", "candidate__user", "round__opportunity")
        .with_round_kind_count(),
        pk=pk,
    ).name_round()


def story_for_lead(request: HttpRequest, pk: int) -> Story:
    """A story of a candidate of the lead's practice, read-only — or 404."""
    return get_object_or_404(
        Story.objects.for_coaches(_led_coach_ids(request)).select_related(
            "candidate__coach", "candidate__user", "strong_by"
        ),
        pk=pk,
    )


# ---------------------------------------------------------------- notices (both roles)


# ---------------------------------------------------------------- private files


def file_for_candidate(request: HttpRequest, pk: int) -> ItemFile:
    """A file on one of the candidate's own checklists — or 404."""
    return get_object_or_404(ItemFile.objects.for_candidate_user(request.user), pk=pk)


def file_for_coach(request: HttpRequest, pk: int) -> ItemFile:
    """A file of one of the coach's own candidates — or 404."""
    return get_object_or_404(ItemFile.objects.for_coach(request.user), pk=pk)


def file_for_lead(request: HttpRequest, pk: int) -> ItemFile:
    """A file of a candidate of the lead's practice: the lead's read-only
    copy of a checklist shows the answers, so it opens the evidence too — or 404."""
    return get_object_or_404(ItemFile.objects.for_coaches(_led_coach_ids(request)), pk=pk)


# ---------------------------------------------------------------- rehearsal takes


def rehearsal_item_for_candidate(request: HttpRequest, pk: int) -> AssignmentItem:
    """An item of one of the candidate's own, not withdrawn, checklists, with
    what the rehearsal page shows of it — or 404. (Whether the item is a
    written answer is the view's question.)"""
    return get_object_or_404(
        AssignmentItem.objects.for_candidate_user(request.user).select_related(
            "assignment__candidate__coach", "question"
        ),
        pk=pk,
    )


def take_for_candidate(request: HttpRequest, pk: int) -> RehearsalTake:
    """One of the candidate's own takes (to play, mark or delete) — or 404."""
    return get_object_or_404(
        RehearsalTake.objects.for_candidate_user(request.user).select_related(
            "candidate", "item__assignment", "story"
        ),
        pk=pk,
    )


def take_for_coach(request: HttpRequest, pk: int) -> RehearsalTake:
    """A take one of the coach's own candidates sent them ("for my coach") —
    or 404: the candidate's other takes are theirs alone."""
    return get_object_or_404(
        RehearsalTake.objects.for_coach(request.user)
        .sent_to_coach()
        .select_related("candidate", "story"),
        pk=pk,
    )


def take_for_lead(request: HttpRequest, pk: int) -> RehearsalTake:
    """A take sent to the coach by a candidate of the lead's practice (the
    read-only copies of the checklist and the story play it) — or 404."""
    return get_object_or_404(
        RehearsalTake.objects.for_coaches(_led_coach_ids(request)).sent_to_coach(), pk=pk
    )


def notification_for_user(request: HttpRequest, pk: int) -> Notification:
    """One of the signed-in user's own notices — or 404 for anyone else."""
    return get_object_or_404(Notification.objects.filter(user=request.user), pk=pk)


def user_for_calendar_token(token: str) -> User:
    """The active user whose calendar feed this token opens — or 404: an
    unknown or replaced token says nothing."""
    return get_object_or_404(User.objects.filter(is_active=True), calendar_token=token)
