"""Email goes through the queue: stored with the change, sent by the worker,
retried with backoff, and marked failed in the end. These tests use the real
database backend and run the real worker; the clock moves with time-machine.
"""

import datetime

import pytest
import time_machine
from django.core import mail
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from interviews import tasks
from interviews.models import Assignment, OutgoingEmail, ReminderSweep

from ..checklist_helpers import fill_all, form_data
from ..factories import make_assignment
from ..queue_helpers import FlakyBackend, run_worker

pytestmark = pytest.mark.django_db(transaction=True)


def submit(assignment: Assignment) -> None:
    from interviews.services import checklists as checklists_services

    fill_all(assignment)
    checklists_services.assignment_submit(assignment=assignment, by=assignment.candidate.user)


def test_a_request_does_not_wait_for_the_mail_server(joined, candidate_client):
    candidate = joined
    assignment = make_assignment(candidate)
    fill_all(assignment)
    response = candidate_client.post(
        assignment.get_candidate_url(), form_data(assignment, action="submit")
    )
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.SUBMITTED
    # Stored and queued, not sent: the request never talked to the mail server.
    email = OutgoingEmail.objects.get()
    assert email.to == candidate.coach.email
    assert email.sent_at is None and email.attempts == 0
    assert FlakyBackend.tries == 0 and mail.outbox == []
    assert DBTaskResult.objects.filter(status="READY").count() == 1

    run_worker()
    email.refresh_from_db()
    assert email.sent_at is not None and email.attempts == 1
    assert [m.to for m in mail.outbox] == [[candidate.coach.email]]


def test_the_email_is_delivered_on_the_third_try_and_the_change_stands(joined):
    candidate = joined
    FlakyBackend.failures = 2
    assignment = make_assignment(candidate)
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        submit(assignment)
        run_worker()
        # The first try failed; the change that triggered it is committed all the same.
        assignment.refresh_from_db()
        assert assignment.status == Assignment.Status.SUBMITTED
        email = OutgoingEmail.objects.get()
        assert (email.attempts, email.sent_at, email.failed_at) == (1, None, None)
        assert email.last_error == "ConnectionRefusedError: mail server is down"
        assert email.next_attempt_at == start + datetime.timedelta(minutes=1)

        # Not before its time.
        clock.move_to(start + datetime.timedelta(seconds=59))
        run_worker()
        email.refresh_from_db()
        assert email.attempts == 1

        clock.move_to(start + datetime.timedelta(minutes=1))
        run_worker()
        email.refresh_from_db()
        assert email.attempts == 2
        assert email.next_attempt_at == start + datetime.timedelta(minutes=1 + 4)
        assert mail.outbox == []

        clock.move_to(email.next_attempt_at)
        run_worker()
    email.refresh_from_db()
    assert email.attempts == 3 and email.sent_at is not None
    assert FlakyBackend.tries == 3
    assert len(mail.outbox) == 1
    assert (
        mail.outbox[0].subject == f'{candidate.full_name} submitted "{assignment.title}" for review'
    )


def test_an_email_that_never_goes_is_marked_failed_and_its_task_fails(joined):
    candidate = joined
    FlakyBackend.failures = 99
    assignment = make_assignment(candidate)
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        submit(assignment)
        for _ in range(OutgoingEmail.MAX_ATTEMPTS):
            run_worker()
            email = OutgoingEmail.objects.get()
            if email.next_attempt_at:
                clock.move_to(email.next_attempt_at)
    email.refresh_from_db()
    assert email.attempts == OutgoingEmail.MAX_ATTEMPTS
    assert email.failed_at is not None and email.sent_at is None
    assert list(OutgoingEmail.objects.failed()) == [email]
    # The last task failed with the reason; the earlier ones scheduled a retry.
    results = DBTaskResult.objects.filter(task_path="interviews.tasks.send_email")
    assert results.count() == OutgoingEmail.MAX_ATTEMPTS
    assert results.filter(status="FAILED").count() == 1
    failed = results.get(status="FAILED")
    assert failed.exception_class_path == "interviews.tasks.EmailFailed"
    assert "Gave up after 5 attempts: ConnectionRefusedError" in failed.traceback
    assert mail.outbox == []


def test_an_invitation_body_is_blanked_once_sent(queue, coach):
    from interviews.services import caseload as caseload_services

    from ..factories import CandidateFactory

    record = CandidateFactory(coach=coach)
    caseload_services.invitation_create(candidate=record, by=coach)
    email = OutgoingEmail.objects.get()
    assert "/invite/" in email.body and email.secret
    run_worker()
    email.refresh_from_db()
    assert email.sent_at is not None and email.body == ""
    assert "/invite/" in mail.outbox[0].body


def test_the_worker_schedules_the_sweep_and_two_chains_fold_into_one(queue):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        # Two workers start at once: one sweep queued.
        tasks.start_sweeping()
        tasks.start_sweeping()
        sweeps = DBTaskResult.objects.filter(task_path="interviews.tasks.sweep_reminders")
        assert sweeps.filter(status="READY").count() == 1
        # A third chain, as an older worker (or a reclaimed sweep) would make it.
        tasks.sweep_reminders.enqueue()
        run_worker()
        # One ran and scheduled the next; the other saw it and did nothing more.
        assert sweeps.filter(status="SUCCESSFUL").count() == 2
        assert sorted(r.return_value for r in sweeps.filter(status="SUCCESSFUL")) == [
            "0 reminders",
            "another sweep ran moments ago; the next one is scheduled",
        ]
        assert sweeps.filter(status="READY").count() == 1
        assert sweeps.get(status="READY").run_after == start + datetime.timedelta(minutes=5)
        assert ReminderSweep.objects.get().last_started_at == start

        clock.move_to(start + datetime.timedelta(minutes=5))
        run_worker()
        assert sweeps.filter(status="READY").count() == 1
        assert sweeps.get(status="READY").run_after == start + datetime.timedelta(minutes=10)
        assert ReminderSweep.objects.get().last_started_at == start + datetime.timedelta(minutes=5)
