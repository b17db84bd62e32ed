"""The checklist saving itself: static/js/autosave.js posts the page's answers
(never its reply boxes) to me:checklist_autosave a few seconds after typing stops.
The same service as "Save draft", answered in JSON."""

import datetime
from datetime import UTC

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from interviews.models import AnswerRevision, Assignment, Comment
from interviews.services import checklists as checklists_services

from ..checklist_helpers import form_data, item, submitted
from ..factories import make_assignment

S = Assignment.Status


@pytest.fixture
def assignment(candidate):
    return make_assignment(candidate)


def autosave_url(assignment):
    return reverse("me:checklist_autosave", args=[assignment.pk])


def answers(assignment, **typed):
    """What the script posts: the checklist form without its buttons' ``action``
    and without the reply boxes."""
    data = form_data(assignment, **typed)
    del data["action"]
    return data


def test_it_saves_the_answers_like_save_draft(assignment, candidate, candidate_client):
    first = item(assignment, 1)
    candidate.user.time_zone = "America/New_York"
    candidate.user.save()
    # 15:42 UTC is 10:42 in New York.
    with time_machine.travel(datetime.datetime(2026, 12, 7, 15, 42, tzinfo=UTC), tick=False):
        response = candidate_client.post(
            autosave_url(assignment), answers(assignment, item1={"response_text": "Typed"})
        )
    assert response.status_code == 200
    assert response.json() == {
        "saved": True,
        "saved_at": "10:42",
        "versions": {str(first.pk): first.version + 1},
        "changed": 1,
    }
    first.refresh_from_db()
    assert first.response_text == "Typed"
    assert first.version == 2
    revision = AnswerRevision.objects.get(item=first)
    assert (revision.item_version, revision.response_text) == (2, "Typed")
    assert revision.author == candidate.user
    assignment.refresh_from_db()
    assert assignment.status == S.IN_PROGRESS


def test_the_next_save_with_the_returned_versions_is_no_conflict(assignment, candidate_client):
    candidate_client.post(
        autosave_url(assignment), answers(assignment, item1={"response_text": "One"})
    )
    # form_data reads the stored versions, as the page's hidden fields now hold them.
    response = candidate_client.post(
        reverse("me:checklist", args=[assignment.pk]),
        form_data(assignment, item1={"response_text": "One, two"}),
    )
    assert response.status_code == 302
    assert item(assignment, 1).response_text == "One, two"


def test_it_never_posts_a_typed_reply(assignment, candidate_client):
    first = item(assignment, 1)
    data = answers(assignment, item1={"response_text": "Typed"})
    data[f"comment-{first.pk}-body"] = "A reply that is not finished"
    data["action"] = f"comment:{first.pk}"
    response = candidate_client.post(autosave_url(assignment), data)
    assert response.status_code == 200
    assert not Comment.objects.exists()
    assert item(assignment, 1).response_text == "Typed"


def test_nothing_changed_saves_nothing(assignment, candidate_client):
    response = candidate_client.post(autosave_url(assignment), answers(assignment))
    assert response.status_code == 200
    assert response.json()["changed"] == 0
    assert response.json()["versions"] == {}
    assert not AnswerRevision.objects.exists()


def test_a_conflict_is_refused_and_the_stored_text_kept(assignment, candidate_client):
    stale = answers(assignment, item1={"response_text": "From tab B"}, item2={"done": True})
    candidate_client.post(
        autosave_url(assignment), answers(assignment, item1={"response_text": "From tab A"})
    )
    response = candidate_client.post(autosave_url(assignment), stale)
    assert response.status_code == 409
    body = response.json()
    assert body["conflict"] is True
    assert body["items"] == [1]
    assert "changed in another tab" in body["message"]
    # Nothing of the refused save is stored, not even the item without a conflict.
    assert item(assignment, 1).response_text == "From tab A"
    assert item(assignment, 2).done is False
    assert AnswerRevision.objects.count() == 1


def test_invalid_input_is_refused_with_its_messages(assignment, candidate_client):
    response = candidate_client.post(
        autosave_url(assignment),
        answers(
            assignment,
            item1={"response_text": "Fine"},
            item3={"email_subject": "x" * 201},
        ),
    )
    assert response.status_code == 400
    body = response.json()
    assert body["saved"] is False
    assert "Not saved" in body["message"]
    third = item(assignment, 3)
    assert body["errors"] == [
        {
            "item": 3,
            "field": f"id_item-{third.pk}-email_subject",
            "label": "Subject",
            "message": "Ensure this value has at most 200 characters (it has 201).",
        }
    ]
    assert item(assignment, 1).response_text == ""
    assert not AnswerRevision.objects.exists()


@pytest.mark.parametrize("version", ["0", "x", str(2**31)])
def test_a_bad_version_is_refused_not_an_error(assignment, candidate_client, version):
    data = answers(assignment, item1={"response_text": "Typed"})
    data[f"item-{item(assignment, 1).pk}-version"] = version
    response = candidate_client.post(autosave_url(assignment), data)
    assert response.status_code == 400
    assert item(assignment, 1).response_text == ""


def test_a_submitted_checklist_is_not_changed(assignment, candidate_client):
    submitted(assignment)
    before = item(assignment, 1).response_text
    response = candidate_client.post(
        autosave_url(assignment), answers(assignment, item1={"response_text": "Too late"})
    )
    assert response.status_code == 409
    body = response.json()
    assert body["closed"] is True
    assert "has been submitted" in body["message"]
    assert item(assignment, 1).response_text == before


def test_an_approved_checklist_says_it_can_no_longer_be_changed(assignment, candidate_client):
    Assignment.objects.filter(pk=assignment.pk).update(status=S.APPROVED)
    response = candidate_client.post(
        autosave_url(assignment), answers(assignment, item1={"response_text": "Too late"})
    )
    assert response.status_code == 409
    assert response.json()["message"] == (
        "This checklist is approved and can no longer be changed."
    )
    assert item(assignment, 1).response_text == ""


def test_a_withdrawn_checklist_is_not_found(assignment, coach, candidate_client):
    checklists_services.assignment_withdraw(assignment=assignment, by=coach)
    response = candidate_client.post(autosave_url(assignment), answers(assignment))
    assert response.status_code == 404


def test_get_is_not_allowed(assignment, candidate_client):
    assert candidate_client.get(autosave_url(assignment)).status_code == 405


def test_only_the_candidate_can_autosave(
    assignment, coach_client, other_candidate_client, other_coach_client
):
    data = answers(assignment, item1={"response_text": "Not mine"})
    for client in (coach_client, other_candidate_client, other_coach_client):
        assert client.post(autosave_url(assignment), data).status_code == 404
    response = Client().post(autosave_url(assignment), data)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert item(assignment, 1).response_text == ""


def test_it_needs_the_csrf_token(assignment, candidate):
    client = Client(enforce_csrf_checks=True)
    client.force_login(candidate.user)
    response = client.post(
        autosave_url(assignment), answers(assignment, item1={"response_text": "Forged"})
    )
    assert response.status_code == 403
    assert item(assignment, 1).response_text == ""


def test_the_page_points_its_script_at_the_autosave(assignment, candidate_client):
    html = candidate_client.get(reverse("me:checklist", args=[assignment.pk])).content.decode()
    assert f'data-autosave-url="{autosave_url(assignment)}"' in html
    assert 'role="status" aria-live="polite" data-autosave-status' in html
    assert "/static/js/autosave.js" in html


def test_a_read_only_page_loads_no_autosave(assignment, candidate_client):
    submitted(assignment)
    html = candidate_client.get(reverse("me:checklist", args=[assignment.pk])).content.decode()
    assert "data-autosave-url" not in html
    assert "autosave.js" not in html


def test_the_query_count_does_not_grow_with_the_items(
    candidate, candidate_client, django_assert_num_queries
):
    assignment = make_assignment(candidate, kinds=("text", "check", "email") * 4 + ("text",))
    typed = {
        f"item{position}": (
            {"response_text": f"Answer {position}"}
            if position % 3 == 1
            else {"done": True}
            if position % 3 == 2
            else {"email_body": f"Body {position}"}
        )
        for position in range(1, 14)
    }
    data = answers(assignment, **typed)
    # Session, user, the checklist, its items, then the service: the checklist
    # (locked), its items (locked), one UPDATE of every item, one INSERT of
    # every revision, the checklist's status, and the savepoints.
    with django_assert_num_queries(11):
        response = candidate_client.post(autosave_url(assignment), data)
    assert response.status_code == 200
    assert response.json()["changed"] == 13
    assert AnswerRevision.objects.filter(item__assignment=assignment).count() == 13
