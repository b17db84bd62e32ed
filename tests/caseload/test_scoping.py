"""QuerySet scoping: each coach and candidate sees only their own rows."""

import pytest

from interviews.models import (
    Assignment,
    Candidate,
    ChecklistTemplate,
    InterviewRound,
    Opportunity,
    Question,
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
