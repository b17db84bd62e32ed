"""Issue 22: the verdict from the top of the page, "Mark the unreviewed items
OK", the approval that tells the coach about unmarked items, and the next
submission after a verdict."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from interviews.models import Assignment, AssignmentItem, Comment, Review

from ..checklist_helpers import item, marks_as_rendered, submitted
from ..factories import make_assignment

S = Assignment.Status
Mark = AssignmentItem.Mark


def url(assignment):
    return reverse("coach:assignment_detail", args=[assignment.pk])


def review_url(assignment):
    return reverse("coach:assignment_review", args=[assignment.pk])


def _marks(assignment, **by_position):
    """Every item's mark as the browser sends it ("" unless given)."""
    return {
        f"mark-{it.pk}": by_position.get(f"m{it.position}", "") for it in assignment.items.all()
    }


@pytest.fixture
def assignment(candidate):
    return submitted(make_assignment(candidate))


def _selected(html, it):
    """The value of the mark button checked for an item (None when none is)."""
    return marks_as_rendered(html).get(f"mark-{it.pk}")


# ---------------------------------------------------------------- the bar at the top


def test_the_verdict_buttons_are_at_the_top_and_the_bottom_of_one_form(assignment, coach_client):
    html = coach_client.get(url(assignment)).content.decode()
    form = re.search(r'<form [^>]*id="review-form".*?</form>', html, re.S).group(0)
    assert form.count('<button type="submit" name="action" value="approve"') == 2
    assert form.count('<button type="submit" name="action" value="request_changes"') == 2
    # The bar comes before the first item; every mark is inside the same form.
    bar = form.index('id="verdict-bar-heading"')
    assert bar < form.index(f'id="item-{item(assignment, 1).pk}"')
    for it in assignment.items.all():
        assert f'name="mark-{it.pk}"' in form
    assert ">Mark the unreviewed items OK</button>" in form
    assert "3 of 3 items not marked yet." in html


def test_approving_from_the_top_saves_the_marks_and_comments_typed_below(assignment, coach_client):
    first = item(assignment, 1)
    data = {**_marks(assignment, m1="ok", m2="ok", m3="ok"), "action": "approve"}
    data[f"comment-{first.pk}"] = "Sharp question."
    response = coach_client.post(review_url(assignment), data)
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.status == S.APPROVED
    assert set(assignment.items.values_list("review_mark", flat=True)) == {Mark.OK}
    assert Comment.objects.get(item=first).body == "Sharp question."


# ---------------------------------------------------------------- mark the rest OK


def test_mark_the_unreviewed_items_ok_fills_only_the_unmarked_and_keeps_what_was_typed(
    assignment, coach_client
):
    first, second, third = (item(assignment, n) for n in (1, 2, 3))
    data = {
        **_marks(assignment, m1="needs_work"),
        f"comment-{first.pk}": "Name the team.",
        "note": "Nearly there.",
        "action": "mark_unreviewed_ok",
    }
    response = coach_client.post(review_url(assignment), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert _selected(html, first) == Mark.NEEDS_WORK
    assert _selected(html, second) == Mark.OK
    assert _selected(html, third) == Mark.OK
    assert "Name the team." in html
    assert "Nearly there." in html
    assert "2 items marked OK. Nothing is saved until you approve or request changes." in html
    assert "Every item is marked." in html
    # Nothing stored, nothing sent: the verdict does that.
    assignment.refresh_from_db()
    assert assignment.status == S.SUBMITTED
    assert set(assignment.items.values_list("review_mark", flat=True)) == {Mark.NONE}
    assert not Comment.objects.exists()
    assert not Review.objects.exists()


def test_the_filled_marks_are_stored_by_the_verdict_that_follows(assignment, coach_client):
    # What the browser sends after "Mark the unreviewed items OK": the form it got back.
    filled = coach_client.post(
        review_url(assignment), {**_marks(assignment), "action": "mark_unreviewed_ok"}
    ).content.decode()
    data = {f"mark-{it.pk}": _selected(filled, it) for it in assignment.items.all()}
    response = coach_client.post(review_url(assignment), {**data, "action": "approve"})
    assert response.status_code == 302
    assert set(assignment.items.values_list("review_mark", flat=True)) == {Mark.OK}
    messages = coach_client.get(response.url).content.decode()
    assert "Approved." in messages
    assert "did not mark" not in messages


def test_mark_the_unreviewed_items_ok_with_every_item_marked_says_so(assignment, coach_client):
    data = {**_marks(assignment, m1="ok", m2="ok", m3="ok"), "action": "mark_unreviewed_ok"}
    html = coach_client.post(review_url(assignment), data).content.decode()
    assert "Every item already had a mark: nothing changed." in html


# ---------------------------------------------------------------- approving unmarked items


def test_approving_with_unmarked_items_goes_through_and_says_how_many(
    assignment, coach_client, candidate
):
    data = {**_marks(assignment, m1="ok"), "action": "approve"}
    response = coach_client.post(review_url(assignment), data, follow=True)
    assignment.refresh_from_db()
    assert assignment.status == S.APPROVED
    assert (
        f"Approved. {candidate} has been emailed. 2 items you did not mark count as OK."
        in response.content.decode()
    )
    # The record keeps which items the coach did not look at.
    assert list(assignment.items.order_by("position").values_list("review_mark", flat=True)) == [
        Mark.OK,
        Mark.NONE,
        Mark.NONE,
    ]


def test_one_unmarked_item_is_said_in_the_singular(assignment, coach_client, candidate):
    data = {**_marks(assignment, m1="ok", m2="ok"), "action": "approve"}
    html = coach_client.post(review_url(assignment), data, follow=True).content.decode()
    assert "1 item you did not mark counts as OK." in html


def test_approving_with_every_item_marked_says_nothing_about_unmarked(
    assignment, coach_client, candidate
):
    data = {**_marks(assignment, m1="ok", m2="ok", m3="ok"), "action": "approve"}
    html = coach_client.post(review_url(assignment), data, follow=True).content.decode()
    assert f"Approved. {candidate} has been emailed." in html
    assert "did not mark" not in html


def test_requesting_changes_does_not_talk_about_unmarked_items(assignment, coach_client, candidate):
    data = {**_marks(assignment, m1="needs_work"), "action": "request_changes"}
    html = coach_client.post(review_url(assignment), data, follow=True).content.decode()
    assert f"Changes requested. {candidate} has been emailed." in html
    assert "did not mark" not in html


# ---------------------------------------------------------------- the next submission


def _submitted_at(assignment, days_ago):
    Assignment.objects.filter(pk=assignment.pk).update(
        submitted_at=timezone.now() - datetime.timedelta(days=days_ago)
    )


def test_after_a_verdict_the_oldest_other_submission_is_offered(
    assignment, coach_client, candidate, other_candidate
):
    newer = submitted(make_assignment(candidate, title="Newer prep"))
    older = submitted(make_assignment(candidate, title="Older prep"))
    _submitted_at(newer, 1)
    _submitted_at(older, 3)
    _submitted_at(assignment, 5)  # the one reviewed is the oldest: never offered
    submitted(make_assignment(other_candidate, title="Not yours"))  # another coach's
    make_assignment(candidate, title="Not submitted")
    response = coach_client.post(
        review_url(assignment), {**_marks(assignment), "action": "approve"}, follow=True
    )
    html = response.content.decode()
    section = re.search(r"<section [^>]*next-submission.*?</section>", html, re.S).group(0)
    assert f'<a href="{url(older)}">Older prep — {candidate}</a>' in section
    assert "Newer prep" not in section
    assert "Not yours" not in html


def test_after_a_verdict_with_nothing_waiting_the_page_says_so(assignment, coach_client):
    response = coach_client.post(
        review_url(assignment), {**_marks(assignment), "action": "approve"}, follow=True
    )
    assert "No other submission is waiting for your review." in response.content.decode()


def test_the_next_submission_is_not_offered_on_an_ordinary_visit(assignment, coach, coach_client):
    submitted(make_assignment(assignment.candidate, title="Waiting prep"))
    html = coach_client.get(url(assignment)).content.decode()
    assert "next-submission" not in html
    # Nor on a checklist still waiting for its verdict, even with the flag.
    assert (
        "next-submission" not in coach_client.get(url(assignment) + "?reviewed=1").content.decode()
    )


def test_the_next_submission_costs_one_query(assignment, coach_client, candidate):
    for n in range(3):
        submitted(make_assignment(candidate, title=f"Prep {n}"))
    coach_client.post(review_url(assignment), {**_marks(assignment), "action": "approve"})
    page = url(assignment)
    coach_client.get(page)  # the success message is read and gone
    with CaptureQueriesContext(connection) as plain:
        coach_client.get(page)
    with CaptureQueriesContext(connection) as after:
        html = coach_client.get(page + "?reviewed=1").content.decode()
    assert "Prep 0" in html
    assert len(after) == len(plain) + 1
