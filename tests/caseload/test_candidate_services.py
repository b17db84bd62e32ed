"""Services on a coach's candidate records: archive and restore."""

import pytest
from django.urls import reverse

from interviews import services
from interviews.models import Candidate
from interviews.services import caseload as caseload_services

from ..checklist_helpers import messages_of
from ..factories import CandidateFactory


@pytest.fixture
def record(coach):
    return CandidateFactory(coach=coach, full_name="Robin Record")


def test_archive_and_restore_store_the_state(coach, record):
    caseload_services.candidate_archive(candidate=record, by=coach)
    record.refresh_from_db()
    assert record.archived is True
    caseload_services.candidate_restore(candidate=record, by=coach)
    record.refresh_from_db()
    assert record.archived is False


def test_archiving_an_archived_candidate_is_a_wrong_state(coach):
    record = CandidateFactory(coach=coach, full_name="Robin Record", archived=True)
    with pytest.raises(services.WrongState) as error:
        caseload_services.candidate_archive(candidate=record, by=coach)
    assert str(error.value) == "Robin Record was already archived."


def test_restoring_an_active_candidate_is_a_wrong_state(coach, record):
    with pytest.raises(services.WrongState) as error:
        caseload_services.candidate_restore(candidate=record, by=coach)
    assert str(error.value) == "Robin Record is already active."
    record.refresh_from_db()
    assert record.archived is False


@pytest.mark.parametrize("archived", [False, True])
def test_only_the_candidates_coach_archives_or_restores(coach, other_coach, archived):
    record = CandidateFactory(coach=coach, archived=archived)
    action = (
        caseload_services.candidate_restore if archived else caseload_services.candidate_archive
    )
    with pytest.raises(services.NotAllowed):
        action(candidate=record, by=other_coach)
    record.refresh_from_db()
    assert record.archived is archived


def test_the_service_reads_the_stored_state_not_the_callers_copy(coach, record):
    stale = Candidate.objects.get(pk=record.pk)
    caseload_services.candidate_archive(candidate=record, by=coach)
    with pytest.raises(services.WrongState):
        caseload_services.candidate_archive(candidate=stale, by=coach)  # a second tab


@pytest.mark.parametrize(
    ("name", "archived", "text"),
    [
        ("candidate_archive", True, "Robin Record was already archived."),
        ("candidate_restore", False, "Robin Record is already active."),
    ],
)
def test_the_views_show_a_wrong_state_as_an_info_message(coach, coach_client, name, archived, text):
    record = CandidateFactory(coach=coach, full_name="Robin Record", archived=archived)
    response = coach_client.post(reverse(f"coach:{name}", args=[record.pk]))
    assert response.status_code == 302
    assert messages_of(response) == [("info", text)]
    record.refresh_from_db()
    assert record.archived is archived
