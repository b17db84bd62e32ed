"""A reply typed in an item's box is never lost: every button of the checklist form
posts it as a comment, or, when the action is refused, keeps it in the box with
the reason."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from interviews.models import Assignment, Comment
from interviews.services import checklists as checklists_services

from ..checklist_helpers import changes_requested as request_changes
from ..checklist_helpers import form_data, item
from ..factories import InterviewRoundFactory, OpportunityFactory, make_assignment

S = Assignment.Status
REPLY = "I moved the portfolio link to the top, as you suggested."


@pytest.fixture
def assignment(candidate):
    round = InterviewRoundFactory(
        opportunity=OpportunityFactory(candidate=candidate, company="Fabrikam"),
        # The interview took place, so the email item can be marked as sent.
        scheduled_at=timezone.now() - datetime.timedelta(hours=3),
    )
    return make_assignment(candidate, round=round)


@pytest.fixture
def changes_requested(assignment, coach):
    """The coach marked item 1 "needs work" with a comment and asked for changes."""
    return request_changes(
        assignment, coach, comments={1: "Say which projects you would take over."}
    )


def url(assignment):
    return reverse("me:checklist", args=[assignment.pk])


def _with_reply(assignment, action, position=1, reply=REPLY, **answers):
    data = form_data(assignment, action, **answers)
    data[f"comment-{item(assignment, position).pk}-body"] = reply
    return data


def _replies(assignment, position=1):
    return list(
        Comment.objects.filter(item=item(assignment, position), author=assignment.candidate.user)
    )


def test_submit_posts_the_typed_reply_with_the_revision(changes_requested, candidate_client):
    """The reported case: reply typed, answer edited, "Submit for review" pressed."""
    data = _with_reply(
        changes_requested, "submit", item1={"response_text": "Revised: I'd take over the audit."}
    )
    response = candidate_client.post(url(changes_requested), data, follow=True)
    changes_requested.refresh_from_db()
    assert changes_requested.status == S.SUBMITTED
    assert [c.body for c in _replies(changes_requested)] == [REPLY]
    assert item(changes_requested, 1).response_text == "Revised: I'd take over the audit."
    assert "Your reply on item 1 was posted." in response.content.decode()


@pytest.mark.parametrize(
    "action",
    ["save", "submit", "comment:{first}", "comment:{third}", "email_sent:{third}"],
    ids=["save-draft", "submit", "post-reply-own-item", "post-reply-other-item", "mark-sent"],
)
def test_every_button_posts_a_typed_reply(changes_requested, candidate_client, action):
    first, third = item(changes_requested, 1), item(changes_requested, 3)
    data = _with_reply(changes_requested, action.format(first=first.pk, third=third.pk))
    if action.startswith("comment:{third}"):
        data[f"comment-{third.pk}-body"] = "And the thank-you is drafted."
    response = candidate_client.post(url(changes_requested), data, follow=True)
    assert response.status_code == 200
    assert [c.body for c in _replies(changes_requested)] == [REPLY]
    # Posted, so the box is empty again and the text is in the thread once.
    assert response.content.decode().count(REPLY) == 1
    if action.startswith("email_sent"):
        assert item(changes_requested, 3).email_sent_at is not None


def test_replies_in_several_boxes_are_all_posted(changes_requested, candidate_client):
    data = _with_reply(changes_requested, "save")
    data[f"comment-{item(changes_requested, 2).pk}-body"] = "References asked."
    response = candidate_client.post(url(changes_requested), data, follow=True)
    assert "Your replies on items 1 and 2 were posted." in response.content.decode()
    assert len(_replies(changes_requested, 1)) == 1
    assert [c.body for c in _replies(changes_requested, 2)] == ["References asked."]


def test_blank_boxes_post_nothing(changes_requested, candidate_client):
    candidate_client.post(
        url(changes_requested), _with_reply(changes_requested, "save", reply="  ")
    )
    assert _replies(changes_requested) == []


def test_a_submit_refused_for_missing_items_still_posts_the_saved_reply(
    assignment, candidate_client
):
    # Nothing filled in: the submit is refused, the draft and the reply are saved.
    data = _with_reply(assignment, "submit", item1={"response_text": "Half an answer"})
    response = candidate_client.post(url(assignment), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "complete these required items" in html
    assert "Your reply on item 1 was posted." in html
    assert [c.body for c in _replies(assignment)] == [REPLY]
    assignment.refresh_from_db()
    assert assignment.status == S.IN_PROGRESS


def test_an_invalid_form_keeps_the_reply_in_its_box_and_posts_nothing(
    changes_requested, candidate_client
):
    data = _with_reply(changes_requested, "submit", item1={"response_text": "x" * 20001})
    response = candidate_client.post(url(changes_requested), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Nothing was saved" in html
    assert REPLY in html  # still in its box
    assert _replies(changes_requested) == []
    changes_requested.refresh_from_db()
    assert changes_requested.status == S.CHANGES_REQUESTED


def test_an_overlong_reply_is_a_form_error_and_nothing_is_saved(
    changes_requested, candidate_client
):
    data = _with_reply(
        changes_requested, "save", reply="y" * 5001, item1={"response_text": "New text"}
    )
    response = candidate_client.post(url(changes_requested), data)
    assert response.status_code == 200
    assert "Ensure this value has at most 5000 characters" in response.content.decode()
    assert _replies(changes_requested) == []
    assert item(changes_requested, 1).response_text != "New text"


def test_an_edit_conflict_keeps_the_reply_and_posts_nothing(changes_requested, candidate_client):
    stale = _with_reply(changes_requested, "save", item1={"response_text": "From tab one"})
    first = item(changes_requested, 1)
    checklists_services.assignment_save(  # another tab saved item 1 meanwhile
        assignment=changes_requested,
        by=changes_requested.candidate.user,
        responses={first.pk: (first.version, {"response_text": "From tab two"})},
    )
    response = candidate_client.post(url(changes_requested), stale)
    html = response.content.decode()
    assert "changed in another tab" in html
    assert REPLY in html
    assert _replies(changes_requested) == []


def test_a_stale_tab_after_submitting_keeps_the_reply_with_the_reason(
    changes_requested, candidate_client
):
    stale = _with_reply(changes_requested, "save")
    checklists_services.assignment_submit(
        assignment=changes_requested, by=changes_requested.candidate.user
    )
    response = candidate_client.post(url(changes_requested), stale)
    html = response.content.decode()
    assert response.status_code == 200
    assert "waiting for your coach" in html
    assert "Your reply is still in its box, not posted." in html
    # The read-only page's own reply box (plain name "body") holds the text.
    assert REPLY in html
    assert 'name="body"' in html
    assert _replies(changes_requested) == []


def test_post_reply_with_an_empty_box_says_so(changes_requested, candidate_client):
    first = item(changes_requested, 1)
    data = _with_reply(changes_requested, f"comment:{first.pk}", reply="")
    response = candidate_client.post(url(changes_requested), data)
    assert response.status_code == 200
    assert "Write something before posting." in response.content.decode()
    assert _replies(changes_requested) == []
