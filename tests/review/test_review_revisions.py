"""The coach's review after the candidate revised: a revised "needs work" item no
longer blocks approval; and no alarm before the candidate has started."""

import pytest
from django.urls import reverse

from interviews import services
from interviews.models import Assignment, AssignmentItem
from interviews.services import checklists as checklists_services

from ..checklist_helpers import changes_requested, fill_all, item, marks_as_rendered
from ..factories import make_assignment

S = Assignment.Status
M = AssignmentItem.Mark


@pytest.fixture
def assignment(candidate):
    return make_assignment(candidate)


def url(assignment):
    return reverse("coach:assignment_detail", args=[assignment.pk])


def review_url(assignment):
    return reverse("coach:assignment_review", args=[assignment.pk])


def _request_changes_on_item_1(assignment, coach):
    changes_requested(assignment, coach, comments={1: "Name the projects you would inherit."})


def _revise_item_1_and_resubmit(assignment):
    first = item(assignment, 1)
    checklists_services.assignment_save(
        assignment=assignment,
        by=assignment.candidate.user,
        responses={first.pk: (first.version, {"response_text": "The audit and the migration."})},
    )
    checklists_services.assignment_submit(assignment=assignment, by=assignment.candidate.user)


def _review_form_as_rendered(html: str) -> dict:
    """The review form's marks as the page pre-selects them (what a coach who
    changes nothing would post)."""
    return marks_as_rendered(html)


@pytest.fixture
def revised(assignment, coach):
    _request_changes_on_item_1(assignment, coach)
    _revise_item_1_and_resubmit(assignment)
    assignment.refresh_from_db()
    return assignment


def test_a_revision_since_the_mark_shows_on_the_review_page(revised, coach_client):
    html = coach_client.get(url(revised)).content.decode()
    first = item(revised, 1)
    card = html[html.index(f'id="item-{first.pk}"') :]
    card = card[: card.index("</li>")]
    assert "Revised since your comment" in card
    assert item(revised, 2).revised_since_mark is False
    assert html.count("Revised since your comment") == 1


def test_approving_after_the_revision_is_not_blocked(revised, coach_client):
    """The reported case: the coach presses Approve without touching the marks."""
    page = coach_client.get(url(revised)).content.decode()
    data = {**_review_form_as_rendered(page), "action": "approve", "note": ""}
    assert data[f"mark-{item(revised, 1).pk}"] == ""  # the old mark is not carried forward
    response = coach_client.post(review_url(revised), data)
    assert response.status_code == 302
    revised.refresh_from_db()
    assert revised.status == S.APPROVED


def test_approving_through_the_service_accepts_the_revision(revised, coach):
    checklists_services.assignment_review(assignment=revised, by=coach, verdict="approved")
    revised.refresh_from_db()
    assert revised.status == S.APPROVED
    assert item(revised, 1).review_mark == M.OK


def test_the_coach_can_mark_the_revised_item_needs_work_again(revised, coach, coach_client):
    first = item(revised, 1)
    refused = coach_client.post(
        review_url(revised),
        {"action": "approve", f"mark-{first.pk}": M.NEEDS_WORK, "note": ""},
    )
    assert refused.status_code == 200
    assert "still marked as needing work" in refused.content.decode()
    revised.refresh_from_db()
    assert revised.status == S.SUBMITTED

    coach_client.post(
        review_url(revised),
        {"action": "request_changes", f"mark-{first.pk}": M.NEEDS_WORK, "note": ""},
    )
    revised.refresh_from_db()
    first.refresh_from_db()
    assert revised.status == S.CHANGES_REQUESTED
    assert first.review_mark == M.NEEDS_WORK
    assert first.marked_version == first.version
    assert first.revised_since_mark is False


def test_an_unrevised_needs_work_item_still_blocks_approval(assignment, coach):
    _request_changes_on_item_1(assignment, coach)
    checklists_services.assignment_submit(assignment=assignment, by=assignment.candidate.user)
    with pytest.raises(services.WrongState, match="still marked as needing work"):
        checklists_services.assignment_review(assignment=assignment, by=coach, verdict="approved")


# ---------------------------------------------------------------- not started


def test_a_fresh_checklist_shows_not_started_and_no_item_alarm(assignment, coach_client):
    html = coach_client.get(url(assignment)).content.decode()
    assert "Not started" in html
    assert ">Incomplete<" not in html


def test_after_the_first_save_incomplete_items_are_flagged(assignment, coach_client):
    first = item(assignment, 1)
    checklists_services.assignment_save(
        assignment=assignment,
        by=assignment.candidate.user,
        responses={first.pk: (first.version, {"response_text": "Started"})},
    )
    html = coach_client.get(url(assignment)).content.decode()
    assert "Not started" not in html
    assert "In progress" in html
    assert html.count(">Incomplete<") == 2  # items 2 and 3 are required and empty


def test_a_complete_checklist_has_no_alarm(assignment, coach_client):
    fill_all(assignment)
    assert ">Incomplete<" not in coach_client.get(url(assignment)).content.decode()


def test_the_practice_lead_reads_whose_comment_it_was(revised, lead_client):
    """The lead reads the coach's checklist: the revision came after the
    coach's comment, not the lead's."""
    html = lead_client.get(reverse("practice:assignment", args=[revised.pk])).content.decode()
    assert "Revised since the comment" in html
    assert "Revised since your comment" not in html
