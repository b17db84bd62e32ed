"""The assignment state machine, at service level and through the views.

assigned --save--> in_progress --submit--> submitted --review--> approved
                        ^                      |
                        +---changes_requested<-+
(withdraw from any state)
"""

import pytest
from django.urls import reverse

from interviews import services
from interviews.models import AnswerRevision, Assignment, Review
from interviews.services import checklists as checklists_services

from ..checklist_helpers import fill_all, form_data, item, submitted
from ..factories import AssignmentItemFactory, make_assignment

S = Assignment.Status


@pytest.fixture
def assignment(candidate):
    return make_assignment(candidate)


def _set_status(assignment, status):
    extra = {}
    if status == S.SUBMITTED:
        extra["submitted_at"] = "2026-01-01T10:00:00Z"
    if status == S.WITHDRAWN:
        extra["withdrawn_at"] = "2026-01-01T10:00:00Z"
    Assignment.objects.filter(pk=assignment.pk).update(status=status, **extra)
    assignment.refresh_from_db()
    return assignment


def _review(assignment, by, verdict=Review.Verdict.APPROVED, **kwargs):
    return checklists_services.assignment_review(
        assignment=assignment, by=by, verdict=verdict, **kwargs
    )


# ---------------------------------------------------------------- allowed, service level


def test_saving_an_assigned_checklist_moves_it_to_in_progress(assignment, candidate):
    checklists_services.assignment_save(
        assignment=assignment,
        by=candidate.user,
        responses={item(assignment, 1).pk: (1, {"response_text": "Draft"})},
    )
    assignment.refresh_from_db()
    assert assignment.status == S.IN_PROGRESS


def test_submitting_a_complete_in_progress_checklist_makes_it_submitted(assignment, candidate):
    fill_all(assignment)
    checklists_services.assignment_submit(assignment=assignment, by=candidate.user)
    assignment.refresh_from_db()
    assert assignment.status == S.SUBMITTED
    assert assignment.submitted_at is not None


def test_an_assigned_checklist_without_required_items_can_be_submitted_at_once(candidate):
    assignment = make_assignment(candidate, kinds=())
    AssignmentItemFactory(assignment=assignment, position=1, required=False)
    checklists_services.assignment_submit(assignment=assignment, by=candidate.user)
    assignment.refresh_from_db()
    assert assignment.status == S.SUBMITTED


def test_the_coach_approves_a_submitted_checklist(assignment, coach):
    submitted(assignment)
    review = _review(assignment, coach)
    assignment.refresh_from_db()
    assert assignment.status == S.APPROVED
    assert review.verdict == Review.Verdict.APPROVED


def test_the_coach_requests_changes_on_a_submitted_checklist(assignment, coach):
    submitted(assignment)
    first = item(assignment, 1)
    _review(
        assignment,
        coach,
        Review.Verdict.CHANGES_REQUESTED,
        marks={first.pk: "needs_work"},
        comments={first.pk: "More detail, please."},
    )
    assignment.refresh_from_db()
    first.refresh_from_db()
    assert assignment.status == S.CHANGES_REQUESTED
    assert first.review_mark == "needs_work"
    assert first.comments.get().body == "More detail, please."


def test_an_overall_note_alone_is_enough_to_request_changes(assignment, coach):
    submitted(assignment)
    _review(assignment, coach, Review.Verdict.CHANGES_REQUESTED, note="Shorter answers.")
    assignment.refresh_from_db()
    assert assignment.status == S.CHANGES_REQUESTED


def test_the_candidate_edits_and_resubmits_after_changes_were_requested(
    assignment, candidate, coach
):
    submitted(assignment)
    _review(assignment, coach, Review.Verdict.CHANGES_REQUESTED, note="Redo item 1.")
    first = item(assignment, 1)
    checklists_services.assignment_save(
        assignment=assignment,
        by=candidate.user,
        responses={first.pk: (first.version, {"response_text": "Better answer"})},
    )
    assignment.refresh_from_db()
    assert assignment.status == S.CHANGES_REQUESTED  # still editable, not reset
    checklists_services.assignment_submit(assignment=assignment, by=candidate.user)
    assignment.refresh_from_db()
    assert assignment.status == S.SUBMITTED


@pytest.mark.parametrize(
    "status", [S.ASSIGNED, S.IN_PROGRESS, S.SUBMITTED, S.CHANGES_REQUESTED, S.APPROVED]
)
def test_the_coach_can_withdraw_from_any_state(assignment, coach, status):
    _set_status(assignment, status)
    checklists_services.assignment_withdraw(assignment=assignment, by=coach)
    assignment.refresh_from_db()
    assert assignment.status == S.WITHDRAWN
    assert Assignment.objects.filter(pk=assignment.pk).exists()  # nothing deleted


# ---------------------------------------------------------------- refused: wrong state


@pytest.mark.parametrize("status", [S.SUBMITTED, S.APPROVED, S.WITHDRAWN])
def test_saving_is_refused_when_not_editable(assignment, candidate, status):
    _set_status(assignment, status)
    first = item(assignment, 1)
    with pytest.raises(services.WrongState):
        checklists_services.assignment_save(
            assignment=assignment,
            by=candidate.user,
            responses={first.pk: (1, {"response_text": "Late edit"})},
        )
    first.refresh_from_db()
    assert first.response_text == ""


@pytest.mark.parametrize("status", [S.SUBMITTED, S.APPROVED, S.WITHDRAWN])
def test_submitting_is_refused_when_not_editable(assignment, candidate, status):
    fill_all(assignment)
    _set_status(assignment, status)
    with pytest.raises(services.WrongState):
        checklists_services.assignment_submit(assignment=assignment, by=candidate.user)
    assignment.refresh_from_db()
    assert assignment.status == status


def test_submitting_with_missing_required_items_is_refused(assignment, candidate):
    with pytest.raises(services.IncompleteItems) as error:
        checklists_services.assignment_submit(assignment=assignment, by=candidate.user)
    assert [i.position for i in error.value.items] == [1, 2, 3]
    assignment.refresh_from_db()
    assert assignment.status == S.ASSIGNED


@pytest.mark.parametrize(
    "status", [S.ASSIGNED, S.IN_PROGRESS, S.CHANGES_REQUESTED, S.APPROVED, S.WITHDRAWN]
)
def test_reviewing_is_refused_unless_submitted(assignment, coach, status):
    _set_status(assignment, status)
    with pytest.raises(services.WrongState):
        _review(assignment, coach)
    assignment.refresh_from_db()
    assert assignment.status == status
    assert not assignment.reviews.exists()


def test_requesting_changes_without_a_needs_work_mark_or_note_is_refused(assignment, coach):
    submitted(assignment)
    with pytest.raises(services.WrongState):
        _review(assignment, coach, Review.Verdict.CHANGES_REQUESTED)
    assignment.refresh_from_db()
    assert assignment.status == S.SUBMITTED


def test_approving_with_an_item_marked_needs_work_is_refused(assignment, coach):
    submitted(assignment)
    with pytest.raises(services.WrongState):
        _review(assignment, coach, marks={item(assignment, 1).pk: "needs_work"})
    assignment.refresh_from_db()
    assert assignment.status == S.SUBMITTED
    assert item(assignment, 1).review_mark == ""  # rolled back


def test_withdrawing_twice_is_refused(assignment, coach):
    checklists_services.assignment_withdraw(assignment=assignment, by=coach)
    with pytest.raises(services.WrongState):
        checklists_services.assignment_withdraw(assignment=assignment, by=coach)


# ---------------------------------------------------------------- refused: wrong person


def test_another_candidate_cannot_save(assignment, other_candidate):
    with pytest.raises(services.NotAllowed):
        checklists_services.assignment_save(
            assignment=assignment,
            by=other_candidate.user,
            responses={item(assignment, 1).pk: (1, {"response_text": "Hijack"})},
        )
    assert item(assignment, 1).response_text == ""


def test_the_coach_cannot_save_the_candidates_answers(assignment, coach):
    with pytest.raises(services.NotAllowed):
        checklists_services.assignment_save(
            assignment=assignment,
            by=coach,
            responses={item(assignment, 1).pk: (1, {"response_text": "Coach wrote it"})},
        )
    assert item(assignment, 1).response_text == ""


def test_the_coach_cannot_submit_for_the_candidate(assignment, coach):
    fill_all(assignment)
    with pytest.raises(services.NotAllowed):
        checklists_services.assignment_submit(assignment=assignment, by=coach)
    assignment.refresh_from_db()
    assert assignment.status == S.IN_PROGRESS


def test_another_coach_cannot_review(assignment, other_coach):
    submitted(assignment)
    with pytest.raises(services.NotAllowed):
        _review(assignment, other_coach)
    assignment.refresh_from_db()
    assert assignment.status == S.SUBMITTED


def test_the_candidate_cannot_review_their_own_checklist(assignment, candidate):
    submitted(assignment)
    with pytest.raises(services.NotAllowed):
        _review(assignment, candidate.user)
    assignment.refresh_from_db()
    assert assignment.status == S.SUBMITTED


def test_another_coach_cannot_withdraw(assignment, other_coach):
    with pytest.raises(services.NotAllowed):
        checklists_services.assignment_withdraw(assignment=assignment, by=other_coach)
    assignment.refresh_from_db()
    assert assignment.status == S.ASSIGNED


def test_items_of_another_checklist_cannot_be_saved_through_this_one(assignment, candidate):
    other = make_assignment(candidate)
    foreign = item(other, 1)
    with pytest.raises(services.NotAllowed):
        checklists_services.assignment_save(
            assignment=assignment,
            by=candidate.user,
            responses={foreign.pk: (1, {"response_text": "Sneaky"})},
        )
    foreign.refresh_from_db()
    assert foreign.response_text == ""


# ---------------------------------------------------------------- refused: stale version


def test_a_save_from_a_stale_version_is_refused_and_writes_nothing(assignment, candidate):
    first = item(assignment, 1)
    checklists_services.assignment_save(
        assignment=assignment,
        by=candidate.user,
        responses={first.pk: (1, {"response_text": "From tab A"})},
    )
    with pytest.raises(services.EditConflict) as error:
        checklists_services.assignment_save(
            assignment=assignment,
            by=candidate.user,
            responses={first.pk: (1, {"response_text": "From tab B"})},
        )
    conflict = error.value.conflicts[0]
    assert conflict.item.response_text == "From tab A"
    assert conflict.mine["response_text"] == "From tab B"
    first.refresh_from_db()
    assert first.response_text == "From tab A"
    assert AnswerRevision.objects.filter(item=first).count() == 1


def test_a_stale_tab_that_did_not_touch_an_item_keeps_the_newer_value(assignment, candidate):
    first, second = item(assignment, 1), item(assignment, 2)
    checklists_services.assignment_save(
        assignment=assignment,
        by=candidate.user,
        responses={first.pk: (1, {"response_text": "From tab A"})},
    )
    # Tab B still shows version 1 and the empty answer for item 1; it changes item 2 only.
    checklists_services.assignment_save(
        assignment=assignment,
        by=candidate.user,
        responses={
            first.pk: (1, {"response_text": ""}),
            second.pk: (1, {"done": True}),
        },
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.response_text == "From tab A"
    assert second.done is True


# ---------------------------------------------------------------- through the views


def _checklist_url(assignment):
    return reverse("me:checklist", args=[assignment.pk])


def _review_url(assignment):
    return reverse("coach:assignment_review", args=[assignment.pk])


def test_view_save_draft_moves_assigned_to_in_progress(assignment, candidate_client):
    data = form_data(assignment, item1={"response_text": "First thoughts"})
    response = candidate_client.post(_checklist_url(assignment), data)
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.status == S.IN_PROGRESS
    assert item(assignment, 1).response_text == "First thoughts"


def test_view_submit_saves_and_submits(assignment, candidate_client):
    fill_all(assignment)
    data = form_data(assignment, action="submit", item1={"response_text": "Final answer"})
    response = candidate_client.post(_checklist_url(assignment), data)
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.status == S.SUBMITTED
    assert item(assignment, 1).response_text == "Final answer"


def test_view_coach_approves(assignment, coach_client):
    submitted(assignment)
    response = coach_client.post(_review_url(assignment), {"action": "approve"})
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.status == S.APPROVED


def test_view_coach_requests_changes(assignment, coach_client):
    submitted(assignment)
    first = item(assignment, 1)
    response = coach_client.post(
        _review_url(assignment),
        {
            "action": "request_changes",
            f"mark-{first.pk}": "needs_work",
            f"comment-{first.pk}": "Say which dashboards.",
        },
    )
    assert response.status_code == 302
    assignment.refresh_from_db()
    first.refresh_from_db()
    assert assignment.status == S.CHANGES_REQUESTED
    assert first.review_mark == "needs_work"
    assert first.comments.get().body == "Say which dashboards."


def test_view_candidate_resubmits_after_changes_requested(assignment, candidate_client, coach):
    submitted(assignment)
    _review(assignment, coach, Review.Verdict.CHANGES_REQUESTED, note="Again.")
    data = form_data(assignment, action="submit", item1={"response_text": "Revised"})
    response = candidate_client.post(_checklist_url(assignment), data)
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.status == S.SUBMITTED


@pytest.mark.parametrize("status", [S.ASSIGNED, S.IN_PROGRESS, S.CHANGES_REQUESTED, S.APPROVED])
def test_view_review_of_a_non_submitted_checklist_is_refused_with_a_message(
    assignment, coach_client, status
):
    _set_status(assignment, status)
    response = coach_client.post(_review_url(assignment), {"action": "approve"}, follow=True)
    assert response.status_code == 200
    assert "Only a submitted checklist can be reviewed" in response.content.decode()
    assignment.refresh_from_db()
    assert assignment.status == status


def test_view_request_changes_without_reason_is_refused_and_keeps_comments(
    assignment, coach_client
):
    submitted(assignment)
    second = item(assignment, 2)
    response = coach_client.post(
        _review_url(assignment),
        {"action": "request_changes", f"comment-{second.pk}": "Nice list, keep it."},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "mark at least one item as needing work" in body
    assert "Nice list, keep it." in body  # the typed comment is still in the box
    assignment.refresh_from_db()
    assert assignment.status == S.SUBMITTED
    assert not second.comments.exists()


@pytest.mark.parametrize("status", [S.SUBMITTED, S.APPROVED])
def test_view_save_on_a_read_only_checklist_is_refused_with_a_message(
    assignment, candidate_client, status
):
    data = form_data(assignment, item1={"response_text": "Typed in a stale tab"})
    _set_status(assignment, status)
    response = candidate_client.post(_checklist_url(assignment), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "cannot be changed" in body or "can no longer be changed" in body
    assert "Typed in a stale tab" in body  # shown back, not lost
    assert item(assignment, 1).response_text == ""


def test_view_submit_on_a_submitted_checklist_is_refused(assignment, candidate_client):
    submitted(assignment)
    before = assignment.submitted_at
    response = candidate_client.post(_checklist_url(assignment), form_data(assignment, "submit"))
    assert response.status_code == 200
    assert "waiting for your coach" in response.content.decode()
    assignment.refresh_from_db()
    assert assignment.submitted_at == before


def test_view_another_candidate_cannot_save(assignment, other_candidate_client):
    data = form_data(assignment, item1={"response_text": "Hijack"})
    response = other_candidate_client.post(_checklist_url(assignment), data)
    assert response.status_code == 404
    assert item(assignment, 1).response_text == ""


def test_view_the_coach_cannot_post_the_candidate_form(assignment, coach_client):
    data = form_data(assignment, item1={"response_text": "Coach typed"})
    response = coach_client.post(_checklist_url(assignment), data)
    assert response.status_code == 404
    assert item(assignment, 1).response_text == ""


def test_view_another_coach_cannot_review(assignment, other_coach_client):
    submitted(assignment)
    response = other_coach_client.post(_review_url(assignment), {"action": "approve"})
    assert response.status_code == 404
    assignment.refresh_from_db()
    assert assignment.status == S.SUBMITTED


def test_view_the_candidate_cannot_review(assignment, candidate_client):
    submitted(assignment)
    response = candidate_client.post(_review_url(assignment), {"action": "approve"})
    assert response.status_code == 404
    assignment.refresh_from_db()
    assert assignment.status == S.SUBMITTED


def test_view_a_stale_version_is_refused_and_nothing_is_written(assignment, candidate_client):
    stale = form_data(assignment, item1={"response_text": "Tab B"})
    candidate_client.post(
        _checklist_url(assignment), form_data(assignment, item1={"response_text": "Tab A"})
    )
    response = candidate_client.post(_checklist_url(assignment), stale)
    assert response.status_code == 200
    assert "changed in another tab" in response.content.decode()
    assert item(assignment, 1).response_text == "Tab A"
