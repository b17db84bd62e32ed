"""The coach's review page: answers, history, diff since the last review, marks, verdict."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from interviews.models import Assignment, Comment, Review
from interviews.services import checklists as checklists_services

from ..checklist_helpers import fill_all, item, submitted
from ..factories import InterviewRoundFactory, OpportunityFactory, make_assignment

S = Assignment.Status


@pytest.fixture
def assignment(candidate):
    round = InterviewRoundFactory(opportunity=OpportunityFactory(candidate=candidate))
    return make_assignment(candidate, round=round)


def url(assignment):
    return reverse("coach:assignment_detail", args=[assignment.pk])


def review_url(assignment):
    return reverse("coach:assignment_review", args=[assignment.pk])


def _save(assignment, position, **values):
    it = item(assignment, position)
    checklists_services.assignment_save(
        assignment=assignment,
        by=assignment.candidate.user,
        responses={it.pk: (it.version, values)},
    )


def _request_changes(assignment, coach, position=1, comment="Needs more."):
    it = item(assignment, position)
    checklists_services.assignment_review(
        assignment=assignment,
        by=coach,
        verdict=Review.Verdict.CHANGES_REQUESTED,
        marks={it.pk: "needs_work"},
        comments={it.pk: comment},
    )


# ---------------------------------------------------------------- the page


def test_the_coach_sees_every_answer_read_only_with_review_controls(assignment, coach_client):
    submitted(assignment)
    response = coach_client.get(url(assignment))
    assert response.status_code == 200
    html = response.content.decode()
    for n in (1, 2, 3):
        it = item(assignment, n)
        assert it.prompt in html
        assert f'name="mark-{it.pk}"' in html
        assert f'name="comment-{it.pk}"' in html
    assert "Answer to" in html
    assert "Thank you for your time." in html
    assert not re.search(r'name="item-\d+-', html)  # no answer inputs for the coach
    assert 'name="action" value="approve"' in html
    assert 'name="action" value="request_changes"' in html
    assert 'name="note"' in html
    assert assignment.candidate.full_name in html
    assert assignment.round.opportunity.company in html
    assert "3 of 3 required done" in html
    assert reverse("coach:assignment_withdraw", args=[assignment.pk]) in html


@pytest.mark.parametrize(
    ("status", "note"),
    [
        (S.ASSIGNED, "Waiting for the candidate"),
        (S.IN_PROGRESS, "Waiting for the candidate to submit"),
        (S.CHANGES_REQUESTED, "waiting for the candidate to revise"),
    ],
)
def test_review_controls_are_hidden_until_submitted_but_comments_work(
    assignment, coach_client, status, note
):
    Assignment.objects.filter(pk=assignment.pk).update(status=status)
    html = coach_client.get(url(assignment)).content.decode()
    assert note in html
    assert 'name="action" value="approve"' not in html
    assert not re.search(r'name="mark-\d+"', html)
    first = item(assignment, 1)
    assert f'action="{reverse("coach:item_comment", args=[first.pk])}"' in html
    assert f'id="id_comment-{first.pk}-body"' in html


def test_the_revision_history_lists_who_and_when(assignment, coach_client):
    _save(assignment, 1, response_text="First draft")
    _save(assignment, 1, response_text="Second draft")
    html = coach_client.get(url(assignment)).content.decode()
    assert "Revision history (2)" in html
    assert "<details" in html
    assert "First draft" in html and "Second draft" in html
    assert assignment.candidate.user.get_full_name() in html


def test_the_diff_shows_what_changed_since_the_last_review(assignment, coach, coach_client):
    fill_all(assignment)
    _save(assignment, 1, response_text="I will ask about the team budget")
    checklists_services.assignment_submit(assignment=assignment, by=assignment.candidate.user)
    _request_changes(assignment, coach)
    _save(assignment, 1, response_text="I will ask about the analytics team roadmap")
    checklists_services.assignment_submit(assignment=assignment, by=assignment.candidate.user)
    html = coach_client.get(url(assignment)).content.decode()
    assert "Changed since your last review" in html
    assert "<del>budget</del>" in html
    assert "<ins>analytics </ins>" in html
    assert "<ins>roadmap</ins>" in html
    # Unchanged items say so, and the summary at the top links the changed one.
    assert "Unchanged since your last review." in html
    first = assignment.items.get(position=1)
    assert f'the candidate changed 1 item: <a href="#item-{first.pk}">1</a>.' in html


def test_the_diff_escapes_html(assignment, coach, coach_client):
    fill_all(assignment)
    checklists_services.assignment_submit(assignment=assignment, by=assignment.candidate.user)
    _request_changes(assignment, coach)
    _save(assignment, 1, response_text="<script>alert(1)</script>")
    html = coach_client.get(url(assignment)).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_there_is_no_diff_before_the_first_review(assignment, coach_client):
    submitted(assignment)
    assert (
        "Changed since your last review" not in coach_client.get(url(assignment)).content.decode()
    )


def test_the_review_history_is_listed(assignment, coach, coach_client):
    submitted(assignment)
    checklists_services.assignment_review(
        assignment=assignment, by=coach, verdict="changes_requested", note="Tighter, please."
    )
    html = coach_client.get(url(assignment)).content.decode()
    assert "Review history" in html
    assert "Changes requested" in html
    assert "Tighter, please." in html


# ---------------------------------------------------------------- the verdict


def test_approving_stores_a_review_and_marks(assignment, coach, coach_client):
    submitted(assignment)
    first = item(assignment, 1)
    response = coach_client.post(
        review_url(assignment),
        {"action": "approve", f"mark-{first.pk}": "ok", "note": "Great work."},
    )
    assert response.status_code == 302
    review = Review.objects.get(assignment=assignment)
    assert review.verdict == Review.Verdict.APPROVED
    assert review.reviewer == coach
    assert review.note == "Great work."
    first.refresh_from_db()
    assert first.review_mark == "ok"


def test_a_review_post_without_marks_keeps_the_stored_marks(assignment, coach, coach_client):
    submitted(assignment)
    _request_changes(assignment, coach)
    checklists_services.assignment_submit(assignment=assignment, by=assignment.candidate.user)
    response = coach_client.post(
        review_url(assignment), {"action": "request_changes", "note": "Still item 1."}
    )
    assert response.status_code == 302
    assert item(assignment, 1).review_mark == "needs_work"


def test_a_bad_mark_value_is_a_clear_error_not_a_crash(assignment, coach_client):
    submitted(assignment)
    first = item(assignment, 1)
    response = coach_client.post(
        review_url(assignment),
        {"action": "request_changes", f"mark-{first.pk}": "excellent", "note": "Kept note"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Mark for item 1" in html
    assert "Select a valid choice" in html
    assert "Kept note" in html
    assignment.refresh_from_db()
    assert assignment.status == S.SUBMITTED


def test_an_unknown_action_is_a_clear_error(assignment, coach_client):
    submitted(assignment)
    response = coach_client.post(review_url(assignment), {"action": "delete"})
    assert response.status_code == 200
    assert "The review was not saved" in response.content.decode()
    assignment.refresh_from_db()
    assert assignment.status == S.SUBMITTED


def test_approving_with_needs_work_keeps_the_typed_review(assignment, coach_client):
    submitted(assignment)
    first = item(assignment, 1)
    response = coach_client.post(
        review_url(assignment),
        {"action": "approve", f"mark-{first.pk}": "needs_work", "note": "My long note"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "still marked as needing work" in html
    assert "My long note" in html
    assert not Review.objects.exists()


def test_marks_and_comments_for_foreign_items_are_ignored(assignment, coach_client, candidate):
    submitted(assignment)
    foreign = item(make_assignment(candidate), 1)
    response = coach_client.post(
        review_url(assignment),
        {"action": "approve", f"mark-{foreign.pk}": "needs_work", f"comment-{foreign.pk}": "x"},
    )
    assert response.status_code == 302
    foreign.refresh_from_db()
    assert foreign.review_mark == ""
    assert not Comment.objects.filter(item=foreign).exists()


def test_the_candidate_is_emailed_on_changes_requested(
    assignment, coach_client, mailoutbox, django_capture_on_commit_callbacks
):
    submitted(assignment)
    with django_capture_on_commit_callbacks(execute=True):
        coach_client.post(
            review_url(assignment), {"action": "request_changes", "note": "Add examples."}
        )
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [assignment.candidate.user.email]
    assert message.subject.startswith("Changes requested")
    assert "Add examples." in message.body
    assert reverse("me:checklist", args=[assignment.pk]) in message.body


def test_the_candidate_is_emailed_on_approval(
    assignment, coach_client, mailoutbox, django_capture_on_commit_callbacks
):
    submitted(assignment)
    with django_capture_on_commit_callbacks(execute=True):
        coach_client.post(review_url(assignment), {"action": "approve"})
    assert len(mailoutbox) == 1
    assert mailoutbox[0].subject.startswith("Approved")
    assert mailoutbox[0].to == [assignment.candidate.user.email]


def test_a_refused_review_sends_no_email(
    assignment, coach_client, mailoutbox, django_capture_on_commit_callbacks
):
    submitted(assignment)
    with django_capture_on_commit_callbacks(execute=True):
        coach_client.post(review_url(assignment), {"action": "request_changes"})
    assert mailoutbox == []


# ---------------------------------------------------------------- comments


def test_the_coach_comments_outside_a_review(assignment, coach, coach_client):
    first = item(assignment, 1)
    response = coach_client.post(
        reverse("coach:item_comment", args=[first.pk]),
        {"body": "Think about the roadmap question."},
    )
    assert response.status_code == 302
    comment = Comment.objects.get(item=first)
    assert comment.author == coach
    html = coach_client.get(url(assignment)).content.decode()
    assert "Think about the roadmap question." in html


def test_another_coach_cannot_comment(assignment, other_coach_client):
    first = item(assignment, 1)
    response = other_coach_client.post(
        reverse("coach:item_comment", args=[first.pk]), {"body": "Hi"}
    )
    assert response.status_code == 404
    assert not Comment.objects.exists()


def test_an_empty_coach_comment_is_refused_with_a_message(assignment, coach_client):
    first = item(assignment, 1)
    response = coach_client.post(reverse("coach:item_comment", args=[first.pk]), {"body": ""})
    assert response.status_code == 200
    assert "Write something before posting." in response.content.decode()
    assert not Comment.objects.exists()


def test_commenting_on_a_withdrawn_checklist_is_refused(assignment, coach, coach_client):
    checklists_services.assignment_withdraw(assignment=assignment, by=coach)
    first = item(assignment, 1)
    response = coach_client.post(
        reverse("coach:item_comment", args=[first.pk]),
        {"body": "Too late"},
        follow=True,
    )
    assert "has been withdrawn" in response.content.decode()
    assert not Comment.objects.exists()


# ---------------------------------------------------------------- query count


@pytest.mark.parametrize("size", [5, 60])
def test_the_review_page_runs_a_fixed_number_of_queries(
    candidate, coach, coach_client, django_assert_max_num_queries, size
):
    kinds = (["text", "check", "email"] * 20)[:size]
    assignment = make_assignment(candidate, kinds=kinds)
    fill_all(assignment)
    checklists_services.assignment_submit(assignment=assignment, by=candidate.user)
    _request_changes(assignment, coach)
    checklists_services.assignment_save(  # a second revision of every item
        assignment=assignment,
        by=candidate.user,
        responses={
            it.pk: (
                it.version,
                {"email_body": "Revised"} if it.kind == "email" else {"response_text": "Revised"},
            )
            for it in assignment.items.all()
        },
    )
    checklists_services.assignment_submit(assignment=assignment, by=candidate.user)
    for it in assignment.items.all():
        checklists_services.comment_add(item=it, by=candidate.user, body="Reply")
    # The session, the user, the checklist with its round's name, its items,
    # their comments, revisions, files, files' history and the take sent to
    # the coach, the reviews, the frozen stories.
    with django_assert_max_num_queries(11):
        response = coach_client.get(url(assignment))
    assert response.status_code == 200
    assert response.content.decode().count("Revision history (2)") == size


def test_the_rounds_name_costs_no_query_of_its_own(candidate, coach_client):
    """The checklist's access helper reads the count the round's name needs
    (``with_round_kind_count``): a checklist for the second of two
    second-round interviews at one company costs what an unlinked one does."""
    opportunity = OpportunityFactory(candidate=candidate, company="Fabrikam")
    InterviewRoundFactory(opportunity=opportunity, kind="second", sequence=1)
    second = InterviewRoundFactory(opportunity=opportunity, kind="second", sequence=2)
    linked = make_assignment(candidate, round=second)
    unlinked = make_assignment(candidate)
    counts = {}
    for name, assignment in (("linked", linked), ("unlinked", unlinked)):
        with CaptureQueriesContext(connection) as queries:
            response = coach_client.get(url(assignment))
        assert response.status_code == 200
        counts[name] = len(queries)
    assert counts["linked"] == counts["unlinked"]
    assert "Second-round interview (round 2) at Fabrikam" in response_text(coach_client, linked)


def response_text(client, assignment):
    return client.get(url(assignment)).content.decode()
