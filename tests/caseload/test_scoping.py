"""QuerySet scoping: each coach and candidate sees only their own rows."""

import pytest

from interviews.models import (
    AskedQuestion,
    Assignment,
    AssignmentItem,
    Candidate,
    ChecklistTemplate,
    Interviewer,
    InterviewRound,
    Opportunity,
    Question,
    ThankYouNote,
)

from ..factories import (
    ChecklistTemplateFactory,
    InterviewRoundFactory,
    OpportunityFactory,
    QuestionFactory,
    make_assignment,
)


@pytest.fixture
def both(coach, other_coach, candidate, other_candidate):
    mine = make_assignment(candidate)
    theirs = make_assignment(other_candidate)
    return mine, theirs


def test_candidates_are_scoped_to_their_coach(coach, candidate, other_candidate):
    assert list(Candidate.objects.for_coach(coach)) == [candidate]


def test_candidate_records_are_scoped_to_the_login(candidate, other_candidate):
    assert list(Candidate.objects.for_candidate_user(candidate.user)) == [candidate]


def test_opportunities_and_rounds_are_scoped(coach, candidate, other_candidate):
    mine = InterviewRoundFactory(opportunity=OpportunityFactory(candidate=candidate))
    InterviewRoundFactory(opportunity=OpportunityFactory(candidate=other_candidate))
    assert list(Opportunity.objects.for_coach(coach)) == [mine.opportunity]
    assert list(InterviewRound.objects.for_coach(coach)) == [mine]
    assert list(InterviewRound.objects.for_candidate_user(candidate.user)) == [mine]


def test_assignments_are_scoped_both_ways(coach, candidate, both):
    mine, _ = both
    assert list(Assignment.objects.for_coach(coach)) == [mine]
    assert list(Assignment.objects.for_candidate_user(candidate.user)) == [mine]


def test_withdrawn_assignments_are_hidden_from_the_candidate_only(coach, candidate, both):
    mine, _ = both
    from interviews.services import checklists as checklists_services

    checklists_services.assignment_withdraw(assignment=mine, by=coach)
    assert list(Assignment.objects.for_candidate_user(candidate.user)) == []
    assert list(Assignment.objects.for_coach(coach)) == [mine]


def test_a_person_with_two_coaches_sees_both_checklists(coach, other_coach, candidate):
    from ..factories import CandidateFactory

    second = CandidateFactory(coach=other_coach, email=candidate.email, user=candidate.user)
    first, other = make_assignment(candidate), make_assignment(second)
    assert set(Assignment.objects.for_candidate_user(candidate.user)) == {first, other}
    assert list(Assignment.objects.for_coach(other_coach)) == [other]


def test_bank_and_templates_show_builtins_and_own_only(coach, other_coach):
    own_q, other_q = QuestionFactory(owner=coach), QuestionFactory(owner=other_coach)
    own_t, other_t = (
        ChecklistTemplateFactory(owner=coach),
        ChecklistTemplateFactory(owner=other_coach),
    )
    visible_q = Question.objects.visible_to(coach)
    assert own_q in visible_q and other_q not in visible_q
    assert visible_q.filter(owner__isnull=True).count() == Question.objects.builtin().count()
    assert list(Question.objects.for_coach(coach)) == [own_q]
    visible_t = ChecklistTemplate.objects.visible_to(coach)
    assert own_t in visible_t and other_t not in visible_t
    assert list(ChecklistTemplate.objects.for_coach(coach)) == [own_t]


def test_anonymous_users_see_nothing(client, both):
    from django.contrib.auth.models import AnonymousUser

    nobody = AnonymousUser()
    assert not Assignment.objects.for_coach(nobody).exists()
    assert not Assignment.objects.for_candidate_user(nobody).exists()
    assert not Candidate.objects.for_coach(nobody).exists()


# Every row owned through a candidate record answers to the same three
# QuerySet methods (OwnedByCandidateQuerySet): the access helpers use nothing else.


@pytest.fixture
def round_parts(candidate, other_candidate):
    """An interviewer, an asked question and a thank-you note on a round of each
    coach's candidate."""
    from ..factories import InterviewerFactory, ThankYouNoteFactory

    parts = {}
    for record in (candidate, other_candidate):
        round_ = InterviewRoundFactory(opportunity=OpportunityFactory(candidate=record))
        interviewer = InterviewerFactory(round=round_)
        asked = AskedQuestion.objects.create(round=round_, text="Why this team?")
        note = ThankYouNoteFactory(round=round_, interviewer=interviewer)
        parts[record.pk] = {Interviewer: interviewer, AskedQuestion: asked, ThankYouNote: note}
    return parts


@pytest.mark.parametrize("model", [Interviewer, AskedQuestion, ThankYouNote])
def test_round_parts_are_scoped_both_ways(
    model, coach, other_coach, candidate, other_candidate, round_parts
):
    mine, theirs = round_parts[candidate.pk][model], round_parts[other_candidate.pk][model]
    assert list(model.objects.for_coach(coach)) == [mine]
    assert list(model.objects.for_candidate_user(candidate.user)) == [mine]
    assert list(model.objects.for_coaches([other_coach])) == [theirs]
    assert set(model.objects.for_coaches([coach, other_coach])) == {mine, theirs}


def test_items_are_scoped_both_ways_and_withdrawn_ones_hide_from_the_candidate(
    coach, other_coach, candidate, both
):
    from interviews.services import checklists as checklists_services

    mine, theirs = both
    assert set(AssignmentItem.objects.for_coach(coach)) == set(mine.items.all())
    assert set(AssignmentItem.objects.for_candidate_user(candidate.user)) == set(mine.items.all())
    assert set(AssignmentItem.objects.for_coaches([other_coach])) == set(theirs.items.all())

    checklists_services.assignment_withdraw(assignment=mine, by=coach)
    assert not AssignmentItem.objects.for_candidate_user(candidate.user).exists()
    assert set(AssignmentItem.objects.for_coach(coach)) == set(mine.items.all())


def test_a_lead_reaches_rows_through_a_subquery_of_coach_ids(coach, other_coach, both):
    mine, _ = both
    coach_ids = Candidate.objects.filter(pk=mine.candidate_id).values("coach_id")
    assert list(Assignment.objects.for_coaches(coach_ids)) == [mine]
    assert list(Candidate.objects.for_coaches(coach_ids)) == [mine.candidate]


@pytest.mark.parametrize(
    "model", [Candidate, Opportunity, InterviewRound, Interviewer, ThankYouNote, AssignmentItem]
)
def test_anonymous_users_see_no_owned_rows(model, both, round_parts):
    from django.contrib.auth.models import AnonymousUser

    nobody = AnonymousUser()
    assert model.objects.exists()
    assert not model.objects.for_coach(nobody).exists()
    assert not model.objects.for_candidate_user(nobody).exists()
