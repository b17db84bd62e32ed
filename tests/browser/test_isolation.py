"""Journey 4: people who type someone else's addresses get the not-found page."""

import pytest
from playwright.sync_api import expect

from .conftest import log_in, log_out

pytestmark = [pytest.mark.browser, pytest.mark.journey("4-isolation-not-found")]


def test_other_coach_and_other_candidate_get_not_found_for_someone_elses_pages(
    open_page, journey, prepared, other_coach, other_candidate, password
):
    coach_pages = [
        prepared.candidate.get_absolute_url(),
        f"/coach/candidates/{prepared.candidate.pk}/edit/",
        prepared.opportunity.get_absolute_url(),
        prepared.round.get_absolute_url(),
        prepared.assignment.get_absolute_url(),
    ]
    candidate_pages = [
        prepared.assignment.get_candidate_url(),
        f"/me/rounds/{prepared.round.pk}/",
    ]

    # The owners reach these very addresses, so a 404 below is about who asks.
    page = open_page("owners")
    log_in(page, journey, prepared.coach.email, password)
    journey.check(page, "owner-coach-dashboard")
    for number, path in enumerate(coach_pages, start=1):
        assert page.goto(path).status == 200, path
        journey.check(page, f"owner-coach-page-{number}")
    expect(page.get_by_text("Second-round interview prep").first).to_be_visible()
    log_out(page)
    journey.check(page, "logged-out")
    log_in(page, journey, prepared.candidate.user.email, password, first=False)
    journey.check(page, "owner-candidate-home")
    for number, path in enumerate(candidate_pages, start=1):
        assert page.goto(path).status == 200, path
        journey.check(page, f"owner-candidate-page-{number}")

    # Another coach: the first coach's pages, and the candidate's, do not exist.
    page = open_page("other coach")
    log_in(page, journey, other_coach.email, password)
    journey.check(page, "other-coach-dashboard")
    for number, path in enumerate(coach_pages + candidate_pages, start=1):
        journey.expect_not_found(page, path, f"other-coach-not-found-{number}")

    # Another candidate: neither the first candidate's pages nor any coach page.
    page = open_page("other candidate")
    log_in(page, journey, other_candidate.user.email, password)
    journey.check(page, "other-candidate-home")
    for number, path in enumerate(candidate_pages + coach_pages, start=1):
        journey.expect_not_found(page, path, f"other-candidate-not-found-{number}")
