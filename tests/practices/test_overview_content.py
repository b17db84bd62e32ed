"""What the lead's practice overview shows, read off the page (its words and
links): each coach's figures and coming interviews with readiness, and the
practice's candidates with their coach, next interview and reviews waiting.
Pinned before the page was rebuilt for speed (issue 25) and kept after, so
nothing it shows is lost."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from interviews.lib import when as when_lib

from ..conftest import client_for
from ..factories import (
    CandidateFactory,
    InterviewerFactory,
    InterviewRoundFactory,
    OpportunityFactory,
    ThankYouNoteFactory,
    make_assignment,
)
from ..page_content import in_order, links, section, words

HOME = reverse("practice:home")
NOW = datetime.datetime(2030, 3, 11, 9, 0, tzinfo=datetime.UTC)
DAY = datetime.timedelta(days=1)


def _round(candidate, company, start, **kwargs):
    opportunity = OpportunityFactory(candidate=candidate, company=company)
    return InterviewRoundFactory(opportunity=opportunity, scheduled_at=start, **kwargs)


def coach_row(body: str, user) -> str:
    """The overview's row of one coach: from its ``id="coach-<pk>"`` to the
    next coach's row or the end of the section."""
    overview = section(body, "overview-heading")
    start = overview.index(f'id="coach-{user.pk}"')
    end = overview.find('id="coach-', start + 1)
    return overview[start : end if end > 0 else len(overview)]


@pytest.fixture
def world(time_machine, coach, colleague, lead, candidate):
    """At NOW: Casey has 5 active candidates, 3 checklists waiting (the oldest
    for 3 days), one interview in 2 days (1 of 3 required done), 4 overdue
    checklists and 2 thank-you notes overdue; Cole has one candidate, Dana."""
    time_machine.move_to(NOW, tick=False)
    for days in (3, 2, 1):
        make_assignment(candidate, status="submitted", submitted_at=NOW - days * DAY)
    soon = _round(candidate, "Northwind", NOW + 2 * DAY, kind="second")
    done = make_assignment(candidate, round=soon, status="in_progress")
    first = done.items.order_by("position").first()
    first.response_text = "Done"
    first.save()
    for _ in range(4):
        make_assignment(candidate, status="in_progress", due_date=NOW.date() - 2 * DAY)
    past = _round(candidate, "Contoso", NOW - 2 * DAY)
    ThankYouNoteFactory(round=past, to_name="Ann Lee")
    InterviewerFactory(round=past, name="Pat Example")
    for name in ("Abe One", "Bo Two", "Cy Three", "Di Four"):
        CandidateFactory(coach=coach, full_name=name, headline="Data analyst")
    CandidateFactory(coach=coach, full_name="Zed Archived", archived=True)
    dana = CandidateFactory(coach=colleague, full_name="Dana Doe", headline="Designer")
    later = _round(dana, "Fabrikam", NOW + 12 * DAY)
    make_assignment(dana, status="submitted", submitted_at=NOW - DAY)
    return {"soon": soon, "dana": dana, "later": later}


@pytest.fixture
def lead_browser(world, lead):
    return client_for(lead)


def test_the_overview_links_the_practices_pages(lead_browser):
    body = lead_browser.get(HOME).content.decode()
    for name in ("practice:members", "practice:outcomes", "practice:export"):
        assert reverse(name) in links(body)


def test_each_coachs_row_shows_their_figures_in_the_columns_order(
    lead_browser, lead, coach, colleague, world, candidate
):
    body = lead_browser.get(HOME).content.decode()
    casey = words(coach_row(body, coach))
    with timezone.override(lead.time_zone):
        at = when_lib.when(world["soon"].scheduled_at)
    assert in_order(
        casey,
        "Casey Coach",
        "5",  # active candidates
        "3",  # waiting for review
        "3 days",  # the oldest wait
        "1",  # interviews in 7 days
        at,
        "Cam Candidate",
        "1 of 3 required done",
        "4",  # overdue checklists
        "2",  # thank-you notes overdue
    )
    hrefs = links(coach_row(body, coach))
    assert reverse("practice:candidate", args=[candidate.pk]) in hrefs
    cole = words(coach_row(body, colleague))
    assert in_order(cole, "Cole Colleague", "1", "1", "1 day", "0", "0", "0")
    lee = words(coach_row(body, lead))
    assert in_order(lee, "Lee Lead", "Lead", "(you)", "0", "0", "—", "0", "0", "0")


def candidates_page(client, **query) -> str:
    """The lead's list of the practice's candidates: since issue 25 on its own
    paged page, linked from the overview (it was the overview's second section)."""
    overview = client.get(HOME).content.decode()
    assert reverse("practice:candidates") in links(overview)
    response = client.get(reverse("practice:candidates"), query)
    assert response.status_code == 200
    return section(response.content.decode(), "candidates-heading")


def test_the_practices_candidates_are_listed_with_coach_next_interview_and_reviews(
    lead_browser, lead, world, candidate
):
    page = candidates_page(lead_browser)
    text = words(page)
    with timezone.override(lead.time_zone):
        soon = when_lib.when(world["soon"].scheduled_at)
        later = when_lib.when(world["later"].scheduled_at)
    assert in_order(
        text,
        "7 candidates, archived ones last.",
        "Abe One",
        "Data analyst",
        "Casey Coach",
        "None scheduled",
        "Cam Candidate",
        "Casey Coach",
        soon,
        "Northwind",
        "3",
        "Dana Doe",
        "Designer",
        "Cole Colleague",
        later,
        "Fabrikam",
        "1",
        "Zed Archived",
        "Archived",
    )
    hrefs = links(page)
    for record in (candidate, world["dana"]):
        assert reverse("practice:candidate", args=[record.pk]) in hrefs


def test_one_coachs_candidates_and_interviews_are_a_link_away(
    lead_browser, lead, coach, colleague, world, candidate
):
    body = lead_browser.get(HOME).content.decode()
    (to_cole,) = [
        href for href in links(coach_row(body, colleague)) if f"coach={colleague.pk}" in href
    ]
    response = lead_browser.get(to_cole)
    assert response.status_code == 200
    text = words(section(response.content.decode(), "candidates-heading"))
    assert "Dana Doe" in text and "Cam Candidate" not in text
    assert "Cole Colleague's candidates" in words(response.content.decode())
    # Casey's page: their week's interviews with readiness, then their candidates.
    (to_casey,) = {href for href in links(coach_row(body, coach)) if f"coach={coach.pk}" in href}
    page = lead_browser.get(to_casey.split("#")[0]).content.decode()
    week = section(page, "upcoming-heading")
    with timezone.override(lead.time_zone):
        at = when_lib.when(world["soon"].scheduled_at)
    assert in_order(words(week), at, "Cam Candidate", "1 of 3 required done")
    assert reverse("practice:candidate", args=[candidate.pk]) in links(week)
