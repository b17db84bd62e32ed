"""lib/prepared.py: a .values() query compiled once with stand-ins and run
with each call's values returns what the ORM returns; the check the tests
run on every call refuses a builder whose query the stand-ins cannot stand
for (a value derived from another, a branch on a value)."""

import datetime

import pytest
from django.db.models import Count
from django.test.utils import override_settings
from django.urls import reverse

from interviews.lib.prepared import Prepared, PreparedQueryError
from interviews.models import Candidate, InterviewRound

from ..factories import CandidateFactory, InterviewRoundFactory, OpportunityFactory

STAND_IN_AT = datetime.datetime(1900, 1, 2, 3, 4, 5, tzinfo=datetime.UTC)
AT = datetime.datetime(2030, 3, 11, 9, 0, tzinfo=datetime.UTC)
DAY = datetime.timedelta(days=1)


def _rounds_after(coach, start):
    return (
        InterviewRound.objects.for_coach(coach)
        .filter(scheduled_at__gte=start)
        .order_by("scheduled_at")
        .values("pk", "scheduled_at", "opportunity__company")
    )


@pytest.fixture
def rounds(coach, candidate, other_coach):
    opportunity = OpportunityFactory(candidate=candidate, company="Fabrikam")
    made = [
        InterviewRoundFactory(opportunity=opportunity, scheduled_at=AT + n * DAY, sequence=n + 1)
        for n in range(3)
    ]
    # Another coach's round at the same time: never in coach's rows.
    theirs = OpportunityFactory(candidate=CandidateFactory(coach=other_coach))
    InterviewRoundFactory(opportunity=theirs, scheduled_at=AT + DAY)
    return made


def test_rows_are_the_orms_rows_for_each_calls_values(db, coach, other_coach, rounds):
    prepared = Prepared(InterviewRound, _rounds_after, coach=coach, start=STAND_IN_AT)
    for who, start in ((coach, AT), (coach, AT + DAY), (other_coach, AT), (coach, AT + 9 * DAY)):
        rows = prepared(coach=who, start=start)
        assert rows == list(_rounds_after(who, start))
    assert [r["pk"] for r in prepared(coach=coach, start=AT + DAY)] == [r.pk for r in rounds[1:]]
    # Times come back as the ORM gives them: aware, on SQLite too.
    assert prepared(coach=coach, start=AT)[0]["scheduled_at"] == AT


def test_a_call_runs_one_query_and_builds_nothing(
    db, coach, rounds, django_assert_num_queries, monkeypatch
):
    prepared = Prepared(InterviewRound, _rounds_after, coach=coach, start=STAND_IN_AT)
    prepared(coach=coach, start=AT)  # compiled here
    built = []
    monkeypatch.setattr(prepared, "build", lambda **values: built.append(values))
    with override_settings(PREPARED_QUERIES_CHECK=False), django_assert_num_queries(1):
        assert len(prepared(coach=coach, start=AT)) == 3
    assert built == []


def test_annotations_keep_the_order_asked_for(db, coach, candidate, rounds):
    def counts(coach):
        return (
            Candidate.objects.for_coach(coach)
            .annotate(n=Count("opportunities__rounds"))
            .values("n", "full_name", "pk")
        )

    prepared = Prepared(Candidate, counts, coach=coach)
    assert (
        prepared(coach=coach)
        == list(counts(coach))
        == [{"n": 3, "full_name": candidate.full_name, "pk": candidate.pk}]
    )


def test_a_value_derived_from_another_is_refused(db, coach, rounds):
    def week(coach, start):  # the end is baked in at the stand-in's time
        return _rounds_after(coach, start).filter(scheduled_at__lt=start + 7 * DAY)

    prepared = Prepared(InterviewRound, week, coach=coach, start=STAND_IN_AT)
    with pytest.raises(PreparedQueryError, match="no longer matches"):
        prepared(coach=coach, start=AT)


def test_a_branch_on_a_value_is_refused(db, coach, rounds):
    def maybe(coach, start):
        rows = _rounds_after(coach, start)
        return rows.filter(sequence__gt=1) if start.year > 2000 else rows

    prepared = Prepared(InterviewRound, maybe, coach=coach, start=STAND_IN_AT)
    with pytest.raises(PreparedQueryError, match="no longer matches"):
        prepared(coach=coach, start=AT)


def test_unused_equal_or_unknown_values_are_refused(db, coach, rounds):
    def fixed(coach, start):
        return _rounds_after(coach, AT)

    unused = Prepared(InterviewRound, fixed, coach=coach, start=STAND_IN_AT)
    with pytest.raises(PreparedQueryError, match="never uses"):
        unused(coach=coach, start=AT)
    twice = Prepared(
        InterviewRound,
        lambda start, end: InterviewRound.objects.filter(
            scheduled_at__gte=start, scheduled_at__lt=end
        ).values("pk"),
        start=STAND_IN_AT,
        end=STAND_IN_AT,
    )
    with pytest.raises(PreparedQueryError, match="of its own"):
        twice(start=AT, end=AT + DAY)
    prepared = Prepared(InterviewRound, _rounds_after, coach=coach, start=STAND_IN_AT)
    with pytest.raises(TypeError, match="Expected the values"):
        prepared(coach=coach)


def test_model_instances_come_with_their_related_models_and_annotations(
    db, coach, candidate, rounds, django_assert_num_queries
):
    def with_company(coach, start):
        return (
            InterviewRound.objects.for_coach(coach)
            .filter(scheduled_at__gte=start)
            .select_related("opportunity__candidate")
            .with_kind_count()
            .order_by("scheduled_at")
        )

    prepared = Prepared(InterviewRound, with_company, coach=coach, start=STAND_IN_AT)
    got = prepared(coach=coach, start=AT + DAY)
    assert got == list(with_company(coach, AT + DAY)) == rounds[1:]
    with django_assert_num_queries(0):  # all read with the rows
        assert [(r.opportunity.company, r.opportunity.candidate) for r in got] == [
            ("Fabrikam", candidate)
        ] * 2
        assert [r.same_kind_rounds for r in got] == [3, 3]
        assert got[0].scheduled_at == AT + DAY


def test_a_related_managers_query_is_refused(db, coach, candidate, rounds):
    """Its rows would all point at the stand-in it was built from."""
    opportunity = rounds[0].opportunity
    prepared = Prepared(
        InterviewRound,
        lambda opportunity: opportunity.rounds.all(),
        opportunity=type(opportunity)(pk=-7_000_000_001),
    )
    with pytest.raises(PreparedQueryError, match="related manager"):
        prepared(opportunity=opportunity)


@pytest.mark.parametrize("pk", [2**63 - 1, 2**63, 10**30])
def test_an_id_beyond_any_row_is_a_404_not_a_database_error(
    coach_client, candidate_client, candidate, pk
):
    """The checklist access helpers read through prepared statements; an id
    no 64-bit key can hold names nothing, as the ORM would have said."""
    for client, name in (
        (coach_client, "coach:assignment_detail"),
        (candidate_client, "me:checklist"),
    ):
        assert client.get(reverse(name, args=[pk])).status_code == 404
