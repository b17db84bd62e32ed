"""Outcomes that teach (issue 14): the figures over a period, the lead's
practice view, the chart, and the caseload as a spreadsheet-safe CSV."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from interviews.lib import spreadsheets
from interviews.models import (
    AnswerRevision,
    Assignment,
    InterviewRound,
    ItemKind,
    Review,
)
from interviews.selectors import outcomes as outcomes_selectors
from interviews.services import caseload as caseload_services
from interviews.services import checklists as checklists_services
from interviews.services import rounds as rounds_services

from ..factories import (
    AssignmentFactory,
    AssignmentItemFactory,
    CandidateFactory,
    ChecklistTemplateFactory,
    InterviewRoundFactory,
    OpportunityFactory,
    TemplateItemFactory,
)

NOW = datetime.datetime(2025, 6, 15, 12, 0, tzinfo=datetime.UTC)
DAY = datetime.timedelta(days=1)
Outcome = InterviewRound.Outcome

COACH_PAGE = reverse("coach:outcomes")
COACH_CSV = reverse("coach:export")
PRACTICE_PAGE = reverse("practice:outcomes")
PRACTICE_CSV = reverse("practice:export")


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


# ---------------------------------------------------------------- building rounds


def interview(candidate, *, days_ago, outcome=Outcome.PENDING, company="Fabrikam"):
    """A round of its own opportunity, ``days_ago`` days before NOW."""
    return InterviewRoundFactory(
        opportunity=OpportunityFactory(candidate=candidate, company=company),
        sequence=1,
        scheduled_at=NOW - days_ago * DAY,
        outcome=outcome,
    )


def checklist(
    round_,
    template,
    *,
    required=4,
    done=0,
    approved=None,
    created_after=False,
    withdrawn_before=False,
):
    """A checklist for ``round_`` with ``required`` written items, ``done`` of
    them answered three days before the interview, plus one optional item
    answered (it never counts). ``approved``: "before" or "after" the
    interview, or None."""
    at = round_.scheduled_at
    candidate = round_.opportunity.candidate
    assignment = AssignmentFactory(
        candidate=candidate, round=round_, template=template, title=template.title
    )
    created = at + DAY if created_after else at - 10 * DAY
    Assignment.objects.filter(pk=assignment.pk).update(created_at=created)
    items = [
        AssignmentItemFactory(
            assignment=assignment,
            kind=ItemKind.TEXT,
            required=True,
            response_text="Ready" if n < done else "",
            version=2 if n < done else 1,
        )
        for n in range(required)
    ]
    items.append(
        AssignmentItemFactory(
            assignment=assignment,
            kind=ItemKind.TEXT,
            required=False,
            response_text="Ready",
            version=2,
        )
    )
    for item in [*items[:done], items[-1]]:
        AnswerRevision.objects.create(
            item=item,
            author=candidate.coach,
            created_at=at - 3 * DAY,
            item_version=2,
            response_text="Ready",
        )
    if approved:
        when = at - DAY if approved == "before" else at + DAY
        Review.objects.create(
            assignment=assignment,
            reviewer=candidate.coach,
            verdict=Review.Verdict.APPROVED,
            created_at=when,
        )
        Assignment.objects.filter(pk=assignment.pk).update(
            status=Assignment.Status.APPROVED, reviewed_at=when
        )
    if withdrawn_before:
        Assignment.objects.filter(pk=assignment.pk).update(
            status=Assignment.Status.WITHDRAWN, withdrawn_at=at - 2 * DAY
        )
    return assignment


@pytest.fixture
def caseload(coach, candidate, other_candidate):
    """Thirteen rounds of the coach's in the last 12 months, and some that must
    not count (outside the period, undated, another coach's)."""
    first = ChecklistTemplateFactory(owner=coach, title="Second-round prep")
    second = ChecklistTemplateFactory(owner=coach, title="Quick prep")
    gone = ChecklistTemplateFactory(owner=coach, title="Old prep")
    r = {}
    # Approved before the interview, fully ready.
    for name, outcome in (("A", Outcome.ADVANCED), ("B", Outcome.OFFER), ("C", Outcome.REJECTED)):
        r[name] = interview(candidate, days_ago=30, outcome=outcome)
        checklist(r[name], first, done=4, approved="before")
    # Checklists not approved in time: 2, 1 and 0 of 4 done.
    r["D"] = interview(candidate, days_ago=40, outcome=Outcome.ADVANCED)
    checklist(r["D"], second, done=2)
    r["E"] = interview(candidate, days_ago=50, outcome=Outcome.REJECTED)
    checklist(r["E"], second, done=1)
    r["F"] = interview(candidate, days_ago=60, outcome=Outcome.REJECTED)
    checklist(r["F"], second, done=0)
    # Fully ready, but approved only after the interview.
    r["L"] = interview(candidate, days_ago=70, outcome=Outcome.ADVANCED)
    checklist(r["L"], first, done=4, approved="after")
    # From a template deleted since: 0 of 2 done.
    r["M"] = interview(candidate, days_ago=80, outcome=Outcome.ADVANCED)
    checklist(r["M"], gone, required=2, done=0)
    # No checklist; a checklist made only after the interview; one withdrawn before it.
    r["G"] = interview(candidate, days_ago=90, outcome=Outcome.ADVANCED)
    r["H"] = interview(candidate, days_ago=100, outcome=Outcome.REJECTED)
    r["K"] = interview(candidate, days_ago=110, outcome=Outcome.REJECTED)
    checklist(r["K"], first, done=4, approved="before", created_after=True)
    checklist(r["H"], second, done=4, approved="before", withdrawn_before=True)
    # Pending and withdrawn: counted by outcome, never in a rate.
    r["I"] = interview(candidate, days_ago=5, outcome=Outcome.PENDING)
    checklist(r["I"], first, done=4, approved="before")
    r["J"] = interview(candidate, days_ago=6, outcome=Outcome.WITHDRAWN)
    gone.delete()

    # Not counted: over a year ago, not dated, another coach's.
    interview(candidate, days_ago=400, outcome=Outcome.ADVANCED)
    InterviewRoundFactory(opportunity=OpportunityFactory(candidate=candidate), scheduled_at=None)
    theirs = interview(other_candidate, days_ago=20, outcome=Outcome.ADVANCED)
    checklist(theirs, ChecklistTemplateFactory(owner=theirs.opportunity.candidate.coach), done=4)
    return r


def rates(rows):
    return {row.label: (row.rate.advanced, row.rate.known) for row in rows}


# ---------------------------------------------------------------- the figures


def test_the_figures_count_every_round_of_the_period_exactly(coach, caseload):
    figures = outcomes_selectors.coach_figures(
        coach, outcomes_selectors.Period.last_year(NOW.date())
    )

    assert figures.rounds == 13
    assert {row.outcome: row.count for row in figures.by_outcome} == {
        Outcome.PENDING: 1,
        Outcome.ADVANCED: 5,
        Outcome.OFFER: 1,
        Outcome.REJECTED: 5,
        Outcome.WITHDRAWN: 1,
    }
    # Advanced and offer against rejected; pending and withdrawn left out.
    assert figures.overall == outcomes_selectors.Rate(advanced=6, known=11)
    assert figures.overall.percent == 55  # 54.5 rounded half up
    assert rates(figures.by_prep) == {
        "Checklist approved before the interview": (2, 3),
        "Checklist not approved in time": (3, 5),
        "No checklist": (1, 3),
    }
    assert rates(figures.by_band) == {
        "100 %": (3, 4),
        outcomes_selectors.Band.MOST.value: (1, 1),
        outcomes_selectors.Band.LOW.value: (1, 3),
        "No checklist": (1, 3),
    }
    assert [(row.label, row.rate.advanced, row.rate.known) for row in figures.by_template] == [
        ("Second-round prep", 3, 4),
        ("Quick prep", 1, 3),
        ("Old prep (template deleted)", 1, 1),
        ("No checklist", 1, 3),
    ]


def test_the_page_shows_counts_beside_rates_and_warns_about_small_numbers(coach_client, caseload):
    response = coach_client.get(COACH_PAGE)
    assert response.status_code == 200
    body = response.content.decode()
    assert "13 interviews from 16 Jun 2024 to 15 Jun 2025" in body
    assert "6 of 11, 55 %" in body
    assert "2 of 3, 67 %" in body
    assert "3 of 4, 75 %" in body
    # Every rate but the overall one (11 interviews) rests on fewer than 10,
    # and says so in words: 3 prep rows, 4 bands, 4 template rows.
    assert body.count('too-few">too few to mean much</span>') == 3 + 4 + 4
    assert 'Advanced: <span class="text-nowrap">6 of 11, 55 %</span>.</p>' in body
    # The rules are said on the page.
    assert "“Advanced” or “Offer”" in body
    assert "last saved answer before the interview started was complete" in body


def test_ten_interviews_make_a_rate_worth_reading(coach, candidate, coach_client):
    for n in range(10):
        outcome = Outcome.ADVANCED if n < 4 else Outcome.REJECTED
        interview(candidate, days_ago=10 + n, outcome=outcome)
    figures = outcomes_selectors.coach_figures(
        coach, outcomes_selectors.Period.last_year(NOW.date())
    )
    assert figures.overall == outcomes_selectors.Rate(4, 10)
    assert not figures.overall.too_few
    assert outcomes_selectors.Rate(4, 9).too_few
    assert str(outcomes_selectors.Rate(3, 7)) == "3 of 7, 43 % (too few to mean much)"
    assert str(outcomes_selectors.Rate(4, 10)) == "4 of 10, 40 %"
    body = coach_client.get(COACH_PAGE).content.decode()
    assert '<span class="text-nowrap">4 of 10, 40 %</span>' in body
    assert 'too-few">' not in body


def test_readiness_at_interview_time_reads_the_answer_history(candidate, coach, time_machine):
    """An item answered before the interview counts; one answered only after it
    does not, nor one whose answer was cleared before the start."""
    round_ = interview(candidate, days_ago=-1, outcome=Outcome.PENDING)
    template = ChecklistTemplateFactory(owner=coach, title="Prep")
    for position in (1, 2, 3, 4):
        TemplateItemFactory(template=template, position=position)
    assignment = checklists_services.assignment_create(
        coach=coach, candidate=candidate, template=template, round=round_
    )

    def save(answers):
        assignment.refresh_from_db()
        fresh = {item.position: item for item in assignment.items.all()}
        checklists_services.assignment_save(
            assignment=assignment,
            by=candidate.user,
            responses={fresh[p].pk: (fresh[p].version, v) for p, v in answers.items()},
        )

    save({1: {"response_text": "Yes"}, 2: {"response_text": "Yes"}, 3: {"response_text": "Yes"}})
    time_machine.move_to(NOW + datetime.timedelta(hours=1), tick=False)
    save({3: {"response_text": ""}})  # cleared again before the interview
    # After the interview: item 4 answered, item 3 again, and the outcome.
    time_machine.move_to(NOW + 2 * DAY, tick=False)
    save({3: {"response_text": "Later"}, 4: {"response_text": "Later"}})
    rounds_services.round_record_outcome(round=round_, by=candidate.user, outcome=Outcome.ADVANCED)
    (fact,) = outcomes_selectors.round_facts(InterviewRound.objects.filter(pk=round_.pk)).rounds
    assert (fact.readiness_then.done, fact.readiness_then.total) == (2, 4)
    assert fact.band == outcomes_selectors.Band.MOST
    assert not fact.approved_in_time


def test_a_checklist_with_nothing_required_counts_as_ready(coach, candidate):
    round_ = interview(candidate, days_ago=10, outcome=Outcome.ADVANCED)
    checklist(round_, ChecklistTemplateFactory(owner=coach), required=0)
    (fact,) = outcomes_selectors.round_facts(InterviewRound.objects.filter(pk=round_.pk)).rounds
    assert fact.band == outcomes_selectors.Band.FULL


# ---------------------------------------------------------------- the period


def test_the_period_runs_from_the_first_days_start_to_the_last_days_end_in_the_users_zone(
    coach, candidate, coach_client
):
    coach.time_zone = "Europe/Berlin"  # UTC+2 in summer
    coach.save()
    cases = {
        # 1 June 00:00 in Berlin is 31 May 22:00 UTC.
        "just before": datetime.datetime(2025, 5, 31, 21, 59, tzinfo=datetime.UTC),
        "first minute": datetime.datetime(2025, 5, 31, 22, 0, tzinfo=datetime.UTC),
        "last minute": datetime.datetime(2025, 6, 10, 21, 59, tzinfo=datetime.UTC),
        "just after": datetime.datetime(2025, 6, 10, 22, 0, tzinfo=datetime.UTC),
    }
    for company, at in cases.items():
        InterviewRoundFactory(
            opportunity=OpportunityFactory(candidate=candidate, company=company),
            scheduled_at=at,
            outcome=Outcome.ADVANCED,
        )
    response = coach_client.get(COACH_PAGE, {"from": "2025-06-01", "to": "2025-06-10"})
    assert response.status_code == 200
    assert response.context["figures"].rounds == 2
    assert "2 interviews from 1 Jun 2025 to 10 Jun 2025" in response.content.decode()


def test_the_default_period_is_the_last_12_months(coach_client, candidate):
    interview(candidate, days_ago=364, outcome=Outcome.ADVANCED)
    interview(candidate, days_ago=366, outcome=Outcome.ADVANCED)
    response = coach_client.get(COACH_PAGE)
    assert response.context["figures"].rounds == 1
    body = response.content.decode()
    assert 'value="2024-06-16"' in body
    assert 'value="2025-06-15"' in body


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"from": "2025-02-30"}, "Enter a valid date."),
        ({"to": "yesterday"}, "Enter a valid date."),
        ({"from": "2025-06-01", "to": "2025-05-01"}, "The first day must not be after the last"),
        ({"from": "0001-01-01"}, "Pick a day between 1 Jan 2000 and 31 Dec 2099."),
        ({"to": "9999-12-31"}, "Pick a day between 1 Jan 2000 and 31 Dec 2099."),
        ({"to": "0001-01-01"}, "Pick a day between 1 Jan 2000 and 31 Dec 2099."),
        ({"from": "2025\x00-01-01"}, "Enter a valid date."),
    ],
)
def test_a_bad_period_is_a_form_error(coach_client, caseload, query, message):
    response = coach_client.get(COACH_PAGE, query)
    assert response.status_code == 200
    body = response.content.decode()
    assert message in body
    assert 'aria-invalid="true"' in body
    assert response.context["figures"] is None
    assert "Correct the dates above" in body


def test_no_query_string_breaks_the_page(coach_client, caseload):
    text = st.text(max_size=30) | st.dates().map(datetime.date.isoformat)

    @settings(max_examples=30, deadline=None)
    @given(start=text, end=text)
    def get_anything(start, end):
        response = coach_client.get(COACH_PAGE, {"from": start, "to": end})
        assert response.status_code == 200

    get_anything()


def test_an_empty_period_says_so(coach_client, caseload):
    response = coach_client.get(COACH_PAGE, {"from": "2020-01-01", "to": "2020-12-31"})
    assert response.status_code == 200
    assert "No interviews from 1 Jan 2020 to 31 Dec 2020." in response.content.decode()


# ---------------------------------------------------------------- whose rounds


def test_other_coaches_rounds_never_count(other_coach_client, caseload):
    figures = other_coach_client.get(COACH_PAGE).context["figures"]
    assert figures.rounds == 1
    assert figures.overall == outcomes_selectors.Rate(1, 1)


def test_the_lead_sees_the_practice_totals_and_a_row_per_coach(
    coach, lead, colleague, lead_client, caseload, rival, other_candidate
):
    colleagues = CandidateFactory(coach=colleague)
    interview(colleagues, days_ago=12, outcome=Outcome.REJECTED)
    interview(colleagues, days_ago=13, outcome=Outcome.PENDING)
    leads = CandidateFactory(coach=lead)
    interview(leads, days_ago=14, outcome=Outcome.OFFER)
    # The rival's practice and the lone other coach stay out.
    interview(CandidateFactory(coach=rival), days_ago=15, outcome=Outcome.ADVANCED)

    response = lead_client.get(PRACTICE_PAGE)
    assert response.status_code == 200
    figures = response.context["figures"]
    assert figures.rounds == 13 + 3
    assert figures.overall == outcomes_selectors.Rate(6 + 1, 11 + 2)
    rows = {row.coach: row for row in response.context["coach_rows"]}
    assert list(rows) == [coach, colleague, lead]  # by name: Casey, Cole, Lee
    assert (rows[coach].rounds, rows[coach].pending, rows[coach].overall) == (
        13,
        1,
        outcomes_selectors.Rate(6, 11),
    )
    assert rows[coach].approved_in_time == 4  # A, B, C and the pending I
    assert (rows[colleague].rounds, rows[colleague].overall) == (2, outcomes_selectors.Rate(0, 1))
    assert (rows[lead].rounds, rows[lead].overall) == (1, outcomes_selectors.Rate(1, 1))
    body = response.content.decode()
    assert "Outcomes in Northstar" in body
    assert "By coach" in body
    assert "Rory Rival" not in body


def test_another_practices_lead_sees_only_their_own(rival, rival_client, caseload):
    interview(CandidateFactory(coach=rival), days_ago=15, outcome=Outcome.ADVANCED)
    response = rival_client.get(PRACTICE_PAGE)
    assert response.status_code == 200
    assert response.context["figures"].rounds == 1
    assert [row.coach for row in response.context["coach_rows"]] == [rival]
    assert "Casey Coach" not in response.content.decode()
    rows = _csv(rival_client.get(PRACTICE_CSV))[1:]
    assert [row[0] for row in rows] == ["Rory Rival"]


def test_the_coach_page_has_no_practice_breakdown(coach_client, practice, caseload):
    body = coach_client.get(COACH_PAGE).content.decode()
    assert "By coach" not in body


@pytest.mark.parametrize("url", [PRACTICE_PAGE, PRACTICE_CSV])
@pytest.mark.parametrize("who", ["coach_client", "colleague_client", "other_coach_client"])
def test_only_the_lead_opens_the_practice_pages(request, lead, url, who):
    client = request.getfixturevalue(who)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("url", [COACH_PAGE, COACH_CSV, PRACTICE_PAGE, PRACTICE_CSV])
def test_candidates_get_404_everywhere_here(candidate_client, lead, url):
    assert candidate_client.get(url).status_code == 404


@pytest.mark.parametrize("url", [COACH_PAGE, COACH_CSV, PRACTICE_PAGE, PRACTICE_CSV])
def test_anonymous_visitors_are_sent_to_log_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


# ---------------------------------------------------------------- the chart


def test_the_chart_is_inline_svg_with_words_and_a_table_beside_it(coach_client, caseload):
    body = coach_client.get(COACH_PAGE).content.decode()
    assert body.count('<svg class="outcome-chart"') == 2
    assert '<title id="chart-prep-title">Advance rate by prep approved before' in body
    assert 'aria-labelledby="chart-band-title"' in body
    # 2 of 3 advanced: 67 % of the 180-unit bar; marked as too few.
    assert 'class="chart-bar chart-bar-few" x="0" y="20" width="120"' in body
    assert "2 of 3, 67 % · too few" in body
    assert body.count('<table class="table table-sm align-middle rate-table">') == 3
    assert "style=" not in body
    assert "<script>" not in body


def test_the_charts_layout(caseload):
    chart = outcomes_selectors.bar_chart(
        "x",
        "Rates",
        [
            outcomes_selectors.RateRow("Many", outcomes_selectors.Rate(10, 20)),
            outcomes_selectors.RateRow("None known", outcomes_selectors.Rate(0, 0)),
        ],
    )
    many, none = chart.bars
    assert (many.width, many.text) == (90, "10 of 20, 50 %")
    assert (none.width, none.text) == (0, "no known outcome")
    assert none.bar_y - many.bar_y == outcomes_selectors.ROW_HEIGHT
    assert chart.height == 2 * outcomes_selectors.ROW_HEIGHT + 4
    assert chart.summary == "Many: 10 of 20, 50 %; None known: no interviews with a known outcome."


def test_template_titles_are_escaped(coach, candidate, coach_client):
    round_ = interview(candidate, days_ago=3, outcome=Outcome.ADVANCED)
    checklist(round_, ChecklistTemplateFactory(owner=coach, title="<b>Prep</b> & more"))
    body = coach_client.get(COACH_PAGE).content.decode()
    assert "&lt;b&gt;Prep&lt;/b&gt; &amp; more" in body
    assert "<b>Prep</b>" not in body


# ---------------------------------------------------------------- query counts


def _rounds_with_prep(coach, n):
    template = ChecklistTemplateFactory(owner=coach)
    for i in range(n):
        someone = CandidateFactory(coach=coach)
        outcome = Outcome.ADVANCED if i % 2 else Outcome.REJECTED
        round_ = interview(someone, days_ago=5 + i, outcome=outcome)
        checklist(round_, template, required=3, done=i % 4, approved="before" if i % 3 else None)


@pytest.mark.parametrize("n", [2, 24])
def test_the_coach_page_runs_a_fixed_number_of_queries(
    n, coach, coach_client, django_assert_max_num_queries
):
    _rounds_with_prep(coach, n)
    # session, user, unread notices; rounds, checklists, item counts
    with django_assert_max_num_queries(6):
        response = coach_client.get(COACH_PAGE)
    assert response.context["figures"].rounds == n


@pytest.mark.parametrize("n", [2, 24])
def test_the_practice_page_runs_a_fixed_number_of_queries(
    n, coach, colleague, lead_client, django_assert_max_num_queries
):
    _rounds_with_prep(coach, n)
    _rounds_with_prep(colleague, n)
    # session, user, unread notices, membership, members; rounds, checklists, item counts
    with django_assert_max_num_queries(8):
        response = lead_client.get(PRACTICE_PAGE)
    assert response.context["figures"].rounds == 2 * n


@pytest.mark.parametrize("n", [2, 24])
def test_the_exports_run_a_fixed_number_of_queries(
    n, coach, colleague, coach_client, lead_client, django_assert_max_num_queries
):
    _rounds_with_prep(coach, n)
    _rounds_with_prep(colleague, n)
    # session, user; candidates, opportunities, rounds, checklists; three for the facts
    with django_assert_max_num_queries(9):
        response = coach_client.get(COACH_CSV)
    assert len(_csv(response)) == n + 1
    # + membership, members
    with django_assert_max_num_queries(11):
        response = lead_client.get(PRACTICE_CSV)
    assert len(_csv(response)) == 2 * n + 1


# ---------------------------------------------------------------- the CSV


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.mark.parametrize(
    ("value", "safe"),
    [
        ('=HYPERLINK("http://evil","x")', '\'=HYPERLINK("http://evil","x")'),
        ("+1 555", "'+1 555"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tindent", "'\tindent"),
        ("\rreturn", "'\rreturn"),
        ("Plain text", "Plain text"),
        ("a=b", "a=b"),
        ("", ""),
        (42, 42),
    ],
)
def test_spreadsheet_safe_neutralises_formulas(value, safe):
    assert spreadsheets.spreadsheet_safe(value) == safe


def test_the_coach_export_has_a_row_per_round_and_every_candidate_once(
    coach, candidate, coach_client, other_candidate
):
    coach.time_zone = "Europe/Berlin"
    coach.save()
    hostile = CandidateFactory(
        coach=coach, full_name='=HYPERLINK("http://evil.example","Click")', email="h@example.com"
    )
    CandidateFactory(coach=coach, full_name="Nora Norounds", email="nora@example.com")
    job = OpportunityFactory(candidate=hostile, company="+1 555", position="Analyst")
    first = InterviewRoundFactory(
        opportunity=job,
        sequence=1,
        kind=InterviewRound.Kind.SCREENING,
        scheduled_at=datetime.datetime(2025, 6, 1, 8, 0, tzinfo=datetime.UTC),
        outcome=Outcome.ADVANCED,
    )
    prep = ChecklistTemplateFactory(owner=coach, title="Screening prep")
    checklist(first, prep, done=3, approved="before")
    InterviewRoundFactory(
        opportunity=job,
        sequence=2,
        scheduled_at=datetime.datetime(2025, 7, 1, 8, 0, tzinfo=datetime.UTC),
    )
    OpportunityFactory(candidate=candidate, company="Contoso", position="Lead")
    interview(other_candidate, days_ago=3, outcome=Outcome.ADVANCED, company="Theirs")

    response = coach_client.get(COACH_CSV)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="coachsite-caseload-2025-06-15.csv"'
    )
    header, *rows = _csv(response)
    assert header == outcomes_selectors.CSV_HEADER
    cells = [dict(zip(header, row, strict=True)) for row in rows]
    by_candidate = [row["candidate"] for row in cells]
    # Sorted by name: the hostile "=" name first; everyone listed, rounds or not.
    assert by_candidate == [
        '\'=HYPERLINK("http://evil.example","Click")',
        '\'=HYPERLINK("http://evil.example","Click")',
        "Cam Candidate",
        "Nora Norounds",
    ]
    screening, second, cam, nora = cells
    assert screening == {
        "coach": "Casey Coach",
        "candidate": '\'=HYPERLINK("http://evil.example","Click")',
        "email": "h@example.com",
        "archived": "no",
        "company": "'+1 555",
        "position": "Analyst",
        "opportunity status": "Active",
        "round": "1",
        "kind": "Screening",
        "scheduled": "2025-06-01T10:00+02:00",
        "outcome": "Advanced",
        "checklists": "Screening prep (Approved)",
        "readiness now (%)": "75",
        "prep approved before interview": "yes",
        "readiness at interview (%)": "75",
    }
    # Not yet held: nothing "at interview" to say.
    assert (second["round"], second["outcome"], second["checklists"]) == ("2", "Pending", "")
    assert second["prep approved before interview"] == second["readiness at interview (%)"] == ""
    # An opportunity without rounds, a candidate without opportunities: one row each.
    assert (cam["company"], cam["round"]) == ("Contoso", "")
    assert (nora["company"], nora["round"], nora["email"]) == ("", "", "nora@example.com")
    assert "Theirs" not in response.content.decode()


def test_the_practice_export_lists_every_coach_of_the_practice(
    coach, colleague, lead, lead_client, candidate, other_candidate, rival
):
    CandidateFactory(coach=colleague, full_name="Cora Colleagues")
    CandidateFactory(coach=lead, full_name="Lena Leads")
    CandidateFactory(coach=rival, full_name="Rita Rivals")
    response = lead_client.get(PRACTICE_CSV)
    assert response.status_code == 200
    assert "coachsite-practice-caseload-2025-06-15.csv" in response["Content-Disposition"]
    rows = _csv(response)[1:]
    assert sorted((row[0], row[1]) for row in rows) == [
        ("Casey Coach", "Cam Candidate"),
        ("Cole Colleague", "Cora Colleagues"),
        ("Lee Lead", "Lena Leads"),
    ]


def test_the_export_marks_archived_candidates(coach, candidate, coach_client):
    caseload_services.candidate_archive(candidate=candidate, by=coach)
    (row,) = _csv(coach_client.get(COACH_CSV))[1:]
    assert row[3] == "yes"
