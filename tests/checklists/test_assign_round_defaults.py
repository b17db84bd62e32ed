"""The assign form for a round: the template it preselects from the round's
kind, and the rounds it offers (coming ones only, of the chosen candidate)."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from interviews.models import Assignment, ChecklistTemplate, InterviewRound, Opportunity
from interviews.selectors import library as library_selectors

from ..factories import (
    AssignmentFactory,
    CandidateFactory,
    ChecklistTemplateFactory,
    InterviewRoundFactory,
    MembershipFactory,
    OpportunityFactory,
    PracticeFactory,
    TemplateItemFactory,
)

pytestmark = pytest.mark.django_db

NEW = reverse("coach:assignment_create")
Kind = InterviewRound.Kind


def _round(candidate, *, kind=Kind.SECOND, days=5, **kwargs):
    scheduled = None if days is None else timezone.now() + datetime.timedelta(days=days)
    return InterviewRoundFactory(
        opportunity=kwargs.pop("opportunity", None) or OpportunityFactory(candidate=candidate),
        kind=kind,
        scheduled_at=scheduled,
        **kwargs,
    )


def _assigned(candidate, template, *, kind):
    """A checklist the coach assigned earlier from ``template`` for a round of ``kind``."""
    return AssignmentFactory(
        candidate=candidate, template=template, round=_round(candidate, kind=kind, days=-30)
    )


def _preselected(client, candidate, round):
    form = client.get(NEW, {"candidate": candidate.pk, "round": round.pk}).context["form"]
    return form.initial.get("template")


@pytest.fixture
def builtin_second():
    return ChecklistTemplate.objects.get(builtin_key="second-round-prep")


# ---------------------------------------------------------------- preselection


def test_a_second_round_without_history_preselects_the_built_in_second_round_prep(
    coach_client, candidate, builtin_second
):
    round = _round(candidate)
    response = coach_client.get(NEW, {"candidate": candidate.pk, "round": round.pk})
    assert response.context["form"].initial["template"] == builtin_second
    assert f'value="{builtin_second.pk}" selected' in response.content.decode()


def test_the_coachs_most_recent_template_for_that_kind_wins(coach, coach_client, candidate):
    older = ChecklistTemplateFactory(owner=coach, title="Old second-round prep")
    newer = ChecklistTemplateFactory(owner=coach, title="New second-round prep")
    _assigned(candidate, older, kind=Kind.SECOND)
    _assigned(candidate, newer, kind=Kind.SECOND)
    _assigned(candidate, older, kind=Kind.FINAL)  # later, but another kind
    assert _preselected(coach_client, candidate, _round(candidate)) == newer


def test_a_template_used_for_another_kind_is_not_preselected(
    coach, coach_client, candidate, builtin_second
):
    _assigned(candidate, ChecklistTemplateFactory(owner=coach), kind=Kind.FINAL)
    assert _preselected(coach_client, candidate, _round(candidate)) == builtin_second


def test_a_kind_without_history_or_built_in_preselects_nothing(coach_client, candidate):
    assert not ChecklistTemplate.objects.builtin().filter(round_kind=Kind.SCREENING).exists()
    assert _preselected(coach_client, candidate, _round(candidate, kind=Kind.SCREENING)) is None


def test_a_template_the_coach_can_no_longer_see_falls_back_to_the_built_in(
    coach, other_coach, coach_client, candidate, builtin_second
):
    practice = PracticeFactory()
    MembershipFactory(practice=practice, user=coach)
    MembershipFactory(practice=practice, user=other_coach)
    shared = ChecklistTemplateFactory(owner=other_coach, practice=practice, title="Shared prep")
    _assigned(candidate, shared, kind=Kind.SECOND)
    round = _round(candidate)
    assert _preselected(coach_client, candidate, round) == shared
    shared.practice = None  # no longer shared: the coach cannot see it
    shared.save()
    assert _preselected(coach_client, candidate, round) == builtin_second


def test_another_coachs_history_does_not_count(
    other_coach, other_candidate, coach_client, candidate, builtin_second
):
    _assigned(other_candidate, ChecklistTemplateFactory(owner=other_coach), kind=Kind.SECOND)
    assert _preselected(coach_client, candidate, _round(candidate)) == builtin_second


def test_an_explicit_template_wins_over_the_suggestion(coach, coach_client, candidate):
    mine = ChecklistTemplateFactory(owner=coach)
    round = _round(candidate)
    form = coach_client.get(
        NEW, {"candidate": candidate.pk, "round": round.pk, "template": mine.pk}
    ).context["form"]
    assert form.initial["template"] == mine


def test_the_suggestion_takes_one_query_when_the_coach_has_history(
    coach, candidate, django_assert_num_queries
):
    mine = ChecklistTemplateFactory(owner=coach)
    for _ in range(3):
        _assigned(candidate, mine, kind=Kind.SECOND)
    round = _round(candidate)
    with django_assert_num_queries(1):
        assert library_selectors.template_for_round(coach, round) == mine


def test_the_suggested_template_is_assigned_when_posted(coach, coach_client, candidate):
    mine = ChecklistTemplateFactory(owner=coach)
    TemplateItemFactory(template=mine)
    _assigned(candidate, mine, kind=Kind.SECOND)
    round = _round(candidate)
    template = _preselected(coach_client, candidate, round)
    response = coach_client.post(
        NEW,
        {"candidate": candidate.pk, "round": round.pk, "template": template.pk},
    )
    assert response.status_code == 302
    assert Assignment.objects.get(round=round).template == mine


# ---------------------------------------------------------------- the rounds offered


@pytest.fixture
def rounds(coach, candidate):
    """Rounds of two of the coach's candidates, coming and not."""
    sibling = CandidateFactory(coach=coach, full_name="Sibling Candidate")
    closed = OpportunityFactory(candidate=candidate, status=Opportunity.Status.WITHDRAWN)
    return {
        "coming": _round(candidate, days=5),
        "undated": _round(candidate, days=None),
        "past": _round(candidate, days=-2),
        "withdrawn": _round(candidate, days=5, outcome=InterviewRound.Outcome.WITHDRAWN),
        "closed": _round(candidate, days=5, opportunity=closed),
        "sibling": _round(sibling, days=5),
        "sibling_past": _round(sibling, days=-2),
    }


def _offered(form) -> set[int]:
    return {r.pk for r in form.fields["round"].queryset}


def test_a_chosen_candidate_is_offered_only_their_coming_rounds(coach_client, candidate, rounds):
    form = coach_client.get(NEW, {"candidate": candidate.pk}).context["form"]
    assert _offered(form) == {rounds["coming"].pk, rounds["undated"].pk}


def test_without_a_candidate_every_coming_round_is_offered_never_a_past_one(
    coach_client, rounds, other_candidate
):
    _round(other_candidate)  # another coach's
    form = coach_client.get(NEW).context["form"]
    assert _offered(form) == {rounds["coming"].pk, rounds["undated"].pk, rounds["sibling"].pk}


def test_a_refused_post_offers_the_posted_candidates_coming_rounds(
    coach, coach_client, candidate, rounds
):
    response = coach_client.post(NEW, {"candidate": candidate.pk, "template": ""})
    assert response.status_code == 200
    assert _offered(response.context["form"]) == {rounds["coming"].pk, rounds["undated"].pk}
    # The round picker's own options (another select's option may share a value).
    picker = re.search(r'<select name="round".*?</select>', response.content.decode(), re.S)
    assert f'value="{rounds["coming"].pk}"' in picker.group()
    assert f'value="{rounds["sibling"].pk}"' not in picker.group()
    assert f'value="{rounds["past"].pk}"' not in picker.group()


def test_a_round_of_another_candidate_is_refused_with_a_clear_error(
    coach, coach_client, candidate, rounds, builtin_second
):
    response = coach_client.post(
        NEW,
        {"candidate": candidate.pk, "round": rounds["sibling"].pk, "template": builtin_second.pk},
    )
    assert response.status_code == 200
    [error] = response.context["form"].errors["round"]
    assert f"belongs to Sibling Candidate, not {candidate}" in error
    assert not Assignment.objects.exists()


@pytest.mark.parametrize("which", ["past", "withdrawn"])
def test_a_round_that_is_over_or_cancelled_is_not_prefilled(coach_client, candidate, rounds, which):
    form = coach_client.get(NEW, {"candidate": candidate.pk, "round": rounds[which].pk}).context[
        "form"
    ]
    assert "round" not in form.initial
    assert "template" not in form.initial
    assert form.initial["candidate"] == candidate


@pytest.mark.parametrize("which", ["past", "withdrawn", "closed"])
def test_a_round_that_is_over_or_cancelled_is_refused_with_a_clear_error(
    coach_client, candidate, rounds, builtin_second, which
):
    response = coach_client.post(
        NEW,
        {"candidate": candidate.pk, "round": rounds[which].pk, "template": builtin_second.pk},
    )
    assert response.status_code == 200
    assert "over or cancelled" in response.context["form"].errors["round"][0]
    assert not Assignment.objects.exists()


def test_a_round_that_has_started_offers_no_assign_link(coach_client, candidate):
    """The form takes only coming rounds, so the page of a past one offers none."""
    past = _round(candidate, days=-2)
    html = coach_client.get(reverse("coach:round_detail", args=[past.pk])).content.decode()
    assert f"{NEW}?" not in html
    assert "prep checklists are for interviews still to come" in html
    coming = _round(candidate, days=2)
    html = coach_client.get(reverse("coach:round_detail", args=[coming.pk])).content.decode()
    assert "Assign a checklist for this round" in html
