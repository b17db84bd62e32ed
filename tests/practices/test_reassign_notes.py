"""Private notes stay with their author when a lead reassigns a candidate
(README, "Practices"): the lead who takes a member's candidate does not read
or edit the member's notes; the notes come back if the candidate returns."""

import json

import pytest
from django.urls import reverse

from interviews.models import SetAsideNotes
from interviews.selectors import privacy as privacy_selectors
from interviews.services import practices as practices_services
from interviews.services import privacy as privacy_services

from ..conftest import client_for

pytestmark = pytest.mark.django_db

SECRET = "Member's private note: worried about the salary talk."


def test_a_lead_who_takes_a_members_candidate_does_not_see_their_notes(candidate, coach, lead):
    candidate.notes = SECRET
    candidate.save()

    practices_services.candidate_reassign(candidate=candidate, by=lead, to=lead)

    candidate.refresh_from_db()
    assert candidate.coach == lead
    assert candidate.notes == ""
    lead_client = client_for(lead)
    for url in (
        reverse("coach:candidate_detail", args=[candidate.pk]),
        reverse("coach:candidate_edit", args=[candidate.pk]),
        reverse("practice:candidate", args=[candidate.pk]),
    ):
        page = lead_client.get(url)
        assert page.status_code == 200, url
        assert SECRET not in page.content.decode(), url
    # Kept for their author, shown to no one.
    assert SetAsideNotes.objects.get(candidate=candidate).author == coach
    assert SetAsideNotes.objects.get(candidate=candidate).notes == SECRET


def test_the_lead_edits_only_their_own_notes_and_each_gets_theirs_back(candidate, coach, lead):
    candidate.notes = SECRET
    candidate.save()
    practices_services.candidate_reassign(candidate=candidate, by=lead, to=lead)
    candidate.refresh_from_db()
    candidate.notes = "Lead's own note."
    candidate.save()

    practices_services.candidate_reassign(candidate=candidate, by=lead, to=coach)
    candidate.refresh_from_db()
    assert candidate.notes == SECRET  # the member's, untouched
    practices_services.candidate_reassign(candidate=candidate, by=lead, to=lead)
    candidate.refresh_from_db()
    assert candidate.notes == "Lead's own note."
    assert list(SetAsideNotes.objects.values_list("author", "notes")) == [(coach.pk, SECRET)]


def test_the_candidates_download_and_erasure_include_set_aside_notes(candidate, coach, lead):
    candidate.notes = SECRET
    candidate.save()
    practices_services.candidate_reassign(candidate=candidate, by=lead, to=lead)

    document = json.loads(privacy_selectors.export_json(candidate.user))
    [record] = document["candidate_records"]
    assert [n["notes"] for n in record["earlier_coaches_notes"]] == [SECRET]

    candidate.refresh_from_db()
    privacy_services.candidate_erase(candidate=candidate, by=lead)
    assert not SetAsideNotes.objects.exists()
