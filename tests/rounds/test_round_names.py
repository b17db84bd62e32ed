"""Interview rounds are named by kind, company and time ("Second-round interview
at Fabrikam, Tue 1 Dec, 14:30 CET"), with a sequence number only where a candidate
has several rounds of one kind at one company."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from interviews.forms.assignments import AssignmentForm
from interviews.models import InterviewRound
from interviews.selectors.home import CARD_LIMIT
from interviews.views.home import PAST_LIMIT

from ..factories import CandidateFactory, InterviewRoundFactory, OpportunityFactory, make_assignment

UTC = datetime.UTC


def at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=UTC)


@pytest.fixture
def now_is(monkeypatch):
    """Set the clock for the naming code (time-machine is not installed)."""

    def set_now(moment: datetime.datetime) -> None:
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return set_now


@pytest.fixture
def fabrikam(candidate):
    return OpportunityFactory(candidate=candidate, company="Fabrikam", position="Service Designer")


def fresh(round: InterviewRound) -> InterviewRound:
    """The round as a page without the annotation loads it."""
    return InterviewRound.objects.select_related("opportunity").get(pk=round.pk)


def named(rounds) -> dict[int, str]:
    qs = InterviewRound.objects.filter(pk__in=[r.pk for r in rounds])
    return {r.pk: r.display_name for r in qs.select_related("opportunity").with_kind_count()}


# ---------------------------------------------------------------- the name


@pytest.mark.parametrize(
    "kind, name",
    [
        ("screening", "Screening interview"),
        ("second", "Second-round interview"),
        ("final", "Final interview"),
        ("other", "Interview"),
    ],
)
def test_a_single_round_is_named_by_kind_company_and_time(fabrikam, now_is, kind, name):
    round = InterviewRoundFactory(
        opportunity=fabrikam, sequence=1, kind=kind, scheduled_at=at(2026, 12, 1, 14, 30)
    )
    now_is(at(2026, 11, 20, 9, 0))
    with timezone.override("UTC"):
        expected = f"{name} at Fabrikam, Tue 1 Dec, 14:30 UTC"
        assert fresh(round).display_name == expected
        assert str(fresh(round)) == expected
        assert named([round]) == {round.pk: expected}


def test_several_rounds_of_one_kind_at_one_company_show_their_sequence(fabrikam, now_is):
    screening = InterviewRoundFactory(
        opportunity=fabrikam, sequence=1, kind="screening", scheduled_at=at(2026, 11, 24, 9, 0)
    )
    second = InterviewRoundFactory(
        opportunity=fabrikam, sequence=2, kind="second", scheduled_at=at(2026, 12, 1, 14, 30)
    )
    third = InterviewRoundFactory(
        opportunity=fabrikam, sequence=3, kind="second", scheduled_at=at(2026, 12, 8, 10, 0)
    )
    now_is(at(2026, 11, 20, 9, 0))
    expected = {
        screening.pk: "Screening interview at Fabrikam, Tue 24 Nov, 09:00 UTC",
        second.pk: "Second-round interview (round 2) at Fabrikam, Tue 1 Dec, 14:30 UTC",
        third.pk: "Second-round interview (round 3) at Fabrikam, Tue 8 Dec, 10:00 UTC",
    }
    with timezone.override("UTC"):
        assert named([screening, second, third]) == expected
        assert {r.pk: fresh(r).display_name for r in (screening, second, third)} == expected


def test_same_kind_rounds_across_opportunities_at_one_company_show_their_sequence(
    candidate, fabrikam, other_candidate
):
    first = InterviewRoundFactory(opportunity=fabrikam, sequence=1, kind="final")
    # The candidate applied again, to another job at the same company (spelt differently).
    again = OpportunityFactory(candidate=candidate, company="FABRIKAM", position="Lead Designer")
    second = InterviewRoundFactory(opportunity=again, sequence=2, kind="final")
    # Neither another company nor another candidate counts.
    elsewhere = InterviewRoundFactory(
        opportunity=OpportunityFactory(candidate=candidate, company="Contoso"), kind="final"
    )
    someone_else = InterviewRoundFactory(
        opportunity=OpportunityFactory(candidate=other_candidate, company="Fabrikam"),
        kind="final",
        sequence=1,
    )
    names = named([first, second, elsewhere, someone_else])
    assert names[first.pk].startswith("Final interview (round 1) at Fabrikam, ")
    assert names[second.pk].startswith("Final interview (round 2) at FABRIKAM, ")
    assert names[elsewhere.pk].startswith("Final interview at Contoso, ")
    assert names[someone_else.pk].startswith("Final interview at Fabrikam, ")
    assert fresh(second).display_name == names[second.pk]
    assert fresh(someone_else).display_name == names[someone_else.pk]


def test_rounds_of_different_kinds_at_one_company_have_no_sequence(fabrikam):
    rounds = [
        InterviewRoundFactory(opportunity=fabrikam, sequence=n, kind=kind)
        for n, kind in enumerate(["screening", "second", "final"], start=1)
    ]
    for name in named(rounds).values():
        assert "(round" not in name
    assert "(round" not in fresh(rounds[1]).display_name


def test_a_round_without_a_date_says_so(fabrikam):
    round = InterviewRoundFactory(opportunity=fabrikam, kind="final", scheduled_at=None)
    assert fresh(round).display_name == "Final interview at Fabrikam, date not set"


def test_the_time_is_in_the_viewers_time_zone(fabrikam, now_is):
    round = InterviewRoundFactory(opportunity=fabrikam, scheduled_at=at(2026, 12, 1, 14, 30))
    now_is(at(2026, 11, 20, 9, 0))
    for zone, when in [
        ("UTC", "Tue 1 Dec, 14:30 UTC"),
        ("America/New_York", "Tue 1 Dec, 09:30 EST"),
        ("Pacific/Auckland", "Wed 2 Dec, 03:30 NZDT"),
    ]:
        with timezone.override(zone):
            assert fresh(round).display_name == f"Second-round interview at Fabrikam, {when}"


def test_the_year_is_shown_only_when_it_is_not_this_year(fabrikam, now_is):
    this_year = InterviewRoundFactory(
        opportunity=fabrikam, sequence=1, kind="screening", scheduled_at=at(2026, 12, 1, 14, 30)
    )
    next_year = InterviewRoundFactory(
        opportunity=fabrikam, sequence=2, kind="second", scheduled_at=at(2027, 1, 5, 10, 0)
    )
    last_year = InterviewRoundFactory(
        opportunity=fabrikam, sequence=3, kind="final", scheduled_at=at(2025, 6, 10, 8, 15)
    )
    now_is(at(2026, 11, 20, 9, 0))
    with timezone.override("UTC"):
        assert named([this_year, next_year, last_year]) == {
            this_year.pk: "Screening interview at Fabrikam, Tue 1 Dec, 14:30 UTC",
            next_year.pk: "Second-round interview at Fabrikam, Tue 5 Jan 2027, 10:00 UTC",
            last_year.pk: "Final interview at Fabrikam, Tue 10 Jun 2025, 08:15 UTC",
        }


def test_this_year_is_the_viewers_year(fabrikam, now_is):
    # New Year's Eve, 23:30 in London: already 2027 in UTC+1 and still 2026 in New York.
    round = InterviewRoundFactory(opportunity=fabrikam, scheduled_at=at(2027, 1, 1, 0, 30))
    now_is(at(2026, 12, 31, 23, 30))
    with timezone.override("UTC"):
        assert fresh(round).display_name.endswith(", Fri 1 Jan 2027, 00:30 UTC")
    with timezone.override("America/New_York"):
        assert fresh(round).display_name.endswith(", Thu 31 Dec, 19:30 EST")
    with timezone.override("Europe/Berlin"):  # both moments are in 2027 there
        assert fresh(round).display_name.endswith(", Fri 1 Jan, 01:30 CET")


def test_the_annotation_saves_the_query_and_the_fallback_runs_it_once(
    fabrikam, django_assert_num_queries
):
    InterviewRoundFactory(opportunity=fabrikam, sequence=1)
    InterviewRoundFactory(opportunity=fabrikam, sequence=2)
    with django_assert_num_queries(1):
        rounds = list(InterviewRound.objects.select_related("opportunity").with_kind_count())
        names = [r.display_name for r in rounds] + [str(r) for r in rounds]
    assert all("(round " in name for name in names)
    round = fresh(rounds[0])
    with django_assert_num_queries(1):
        assert round.display_name == str(round) == names[0]


# ---------------------------------------------------------------- pages


def test_the_coach_round_page_shows_the_name_not_round_1(coach, coach_client, fabrikam):
    coach.time_zone = "America/New_York"
    coach.save()
    year = timezone.now().year + 1
    round = InterviewRoundFactory(
        opportunity=fabrikam, sequence=1, scheduled_at=at(year, 12, 3, 14, 30)
    )
    local = datetime.date(year, 12, 3)
    name = f"Second-round interview at Fabrikam, {local:%a} 3 Dec {year}, 09:30 EST"
    for url in (
        reverse("coach:round_detail", args=[round.pk]),
        reverse("coach:round_edit", args=[round.pk]),
    ):
        body = coach_client.get(url).content.decode()
        assert f"<title>{name}" in body or f"<title>Edit: {name}" in body
        assert f">{name}</" in body or f"Edit: {name}</h1>" in body
        assert "Round 1" not in body
        assert "round 1" not in body
    for url in (
        reverse("coach:opportunity_detail", args=[fabrikam.pk]),
        reverse("coach:candidate_detail", args=[fabrikam.candidate.pk]),
    ):
        body = coach_client.get(url).content.decode()
        assert name in body
        assert "Round 1" not in body


def test_adding_a_round_names_it_in_the_message(coach_client, fabrikam):
    InterviewRoundFactory(opportunity=fabrikam, sequence=1, kind="second")
    response = coach_client.post(
        reverse("coach:round_create", args=[fabrikam.pk]),
        {"kind": "second", "scheduled_at": "", "outcome": "pending"},
    )
    assert response.status_code == 302
    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    assert message.startswith("Second-round interview (round 2) at Fabrikam, date not set added. ")


def test_the_candidate_pages_show_the_names(candidate, candidate_client, fabrikam):
    soon = timezone.now() + datetime.timedelta(days=3)
    screening = InterviewRoundFactory(
        opportunity=fabrikam, sequence=1, kind="screening", scheduled_at=soon
    )
    second = InterviewRoundFactory(
        opportunity=fabrikam, sequence=2, kind="second", scheduled_at=soon
    )
    past = InterviewRoundFactory(
        opportunity=fabrikam,
        sequence=3,
        kind="second",
        scheduled_at=timezone.now() - datetime.timedelta(days=1),
    )
    assignment = make_assignment(candidate, round=second)
    with timezone.override("UTC"):  # the candidate's own zone
        names = named([screening, second, past])
    assert names[second.pk].startswith("Second-round interview (round 2) at Fabrikam, ")
    home = candidate_client.get(reverse("me:home")).content.decode()
    for name in names.values():
        assert f">{name}</a>" in home
    assert "Second round" not in home
    for url in (reverse("me:round", args=[second.pk]), assignment.get_candidate_url()):
        body = candidate_client.get(url).content.decode()
        assert names[second.pk] in body
        assert "Second round" not in body


def test_the_round_choices_are_named_with_one_query(coach, candidate, fabrikam):
    rounds = [InterviewRoundFactory(opportunity=fabrikam, sequence=n) for n in (1, 2, 3)]
    form = AssignmentForm(coach=coach)
    with timezone.override("UTC"):
        expected = [f"Cam Candidate — {name} (Service Designer)" for name in named(rounds).values()]
        labels = [str(label) for value, label in form.fields["round"].choices if value]
    assert sorted(labels) == sorted(expected)
    assert all("(round " in label for label in labels)


@pytest.mark.parametrize("size", [1, 12])
def test_the_round_choices_run_a_fixed_number_of_queries(
    coach, candidate, size, django_assert_num_queries
):
    for n in range(1, size + 1):
        InterviewRoundFactory(opportunity__candidate=candidate, opportunity__company="Fabrikam")
        InterviewRoundFactory(opportunity__candidate=candidate, sequence=n + 100, kind="final")
    form = AssignmentForm(coach=coach)
    with django_assert_num_queries(1):
        labels = [label for value, label in form.fields["round"].choices if value]
    assert len(labels) == 2 * size


def _rounds_for(candidate, n):
    """n jobs at one company, each with an upcoming and a past second round, so
    every name needs the count of same-kind rounds."""
    for i in range(n):
        opportunity = OpportunityFactory(candidate=candidate, company="Fabrikam")
        round = InterviewRoundFactory(opportunity=opportunity, sequence=1)
        make_assignment(candidate, round=round, title=f"Checklist {i}")
        InterviewRoundFactory(
            opportunity=opportunity,
            sequence=2,
            scheduled_at=timezone.now() - datetime.timedelta(days=1),
        )


@pytest.mark.parametrize("size", [1, 12])
def test_the_candidate_home_names_rounds_in_a_fixed_number_of_queries(
    candidate, candidate_client, django_assert_max_num_queries, size
):
    _rounds_for(candidate, size)
    # The count pinned in test_candidate_home.py: naming the rounds adds none.
    with django_assert_max_num_queries(10):
        body = candidate_client.get(reverse("me:home")).content.decode()
    # Upcoming; the past ones to follow up; the latest past ones.
    assert body.count("Second-round interview (round ") == size + size + min(size, PAST_LIMIT)


@pytest.mark.parametrize("size", [1, 12])
def test_the_coach_candidate_page_names_rounds_in_a_fixed_number_of_queries(
    candidate, coach_client, django_assert_max_num_queries, size
):
    _rounds_for(candidate, size)
    # The count pinned in test_coach_candidates.py: naming the rounds adds none.
    # +1: unread notices in the navigation; +2: the story bank's section (the
    # stories, the tags to list; with no story, no query for the stories' tags).
    with django_assert_max_num_queries(11):
        response = coach_client.get(reverse("coach:candidate_detail", args=[candidate.pk]))
    body = response.content.decode()
    # Every round in the opportunities, and again for each checklist made for one.
    assert body.count("Second-round interview (round ") == 3 * size


@pytest.mark.parametrize("size", [1, 12])
def test_the_dashboard_names_the_coming_weeks_rounds(
    coach, coach_client, django_assert_max_num_queries, size
):
    for _ in range(size):
        candidate = CandidateFactory(coach=coach)
        for sequence in (1, 2):
            InterviewRoundFactory(
                opportunity__candidate=candidate,
                opportunity__company="Fabrikam",
                sequence=sequence,
            )
    # The count pinned in test_dashboard.py.
    with django_assert_max_num_queries(11):
        body = coach_client.get(reverse("coach:dashboard")).content.decode()
    # The card draws its first CARD_LIMIT interviews (issue 25); the rest are
    # on its whole list.
    assert body.count("Second-round interview (round ") == min(2 * size, CARD_LIMIT)
