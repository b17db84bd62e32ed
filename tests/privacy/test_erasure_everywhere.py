"""After an erasure, no table of the database names the person: every text
column of every table (introspected, Django's and the libraries' included:
django-tasks-db's task results, the admin's history, sessions) is searched
for their email and name. The candidate was reassigned first, so their
previous coach holds emails about them too (README, "Privacy")."""

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from interviews.models import Candidate, OutgoingEmail, User
from interviews.services import practices as practices_services
from interviews.services import privacy as privacy_services

from ..conftest import client_for
from ..factories import PASSWORD, CoachFactory, MembershipFactory
from .test_privacy import plant

pytestmark = pytest.mark.django_db


def rows_naming(*needles: str) -> list[tuple[str, str]]:
    """(table, needle) for every row of every table whose columns, read as
    text, hold one of ``needles`` (case-insensitive)."""
    found = []
    lowered = [n.lower() for n in needles]
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            for row in cursor.fetchall():
                text = " ".join(str(v) for v in row if v is not None).lower()
                found += [(table, n) for n in lowered if n in text]
    return sorted(set(found))


def worker_results(*emails: OutgoingEmail) -> None:
    """What django-tasks-db keeps after the worker ran ``send_email``: the
    arguments (the email's id) and the return value naming the address, or a
    traceback naming it."""
    now = timezone.now()
    for email in emails:
        DBTaskResult.objects.create(
            task_path="interviews.tasks.send_email",
            args_kwargs={"args": [], "kwargs": {"email_id": email.pk}},
            backend_name="default",
            queue_name="default",
            run_after=now,
            status=TaskResultStatus.SUCCESSFUL,
            return_value=f"sent to {email.to} on attempt 1",
            exception_class_path="",
            traceback="",
        )


@pytest.fixture
def reassigned(candidate, coach, django_capture_on_commit_callbacks):
    """Everything of ``plant`` (where ``coach`` leads a practice), and the
    candidate handed to a member and back: that previous coach was emailed
    about them."""
    plant(candidate)
    member = MembershipFactory(
        practice=coach.practice_membership.practice, user=CoachFactory(email="mem@example.com")
    ).user
    with django_capture_on_commit_callbacks(execute=True):
        practices_services.candidate_reassign(candidate=candidate, by=coach, to=member)
        practices_services.candidate_reassign(candidate=candidate, by=coach, to=coach)
    candidate.refresh_from_db()
    # The emails the reassignment queued, as the worker leaves them.
    emails = list(OutgoingEmail.objects.all())
    assert any(e.to == member.email and candidate.full_name in e.body for e in emails)
    worker_results(*emails)
    DBTaskResult.objects.create(
        task_path="interviews.tasks.send_email",
        args_kwargs={"args": [], "kwargs": {"email_id": 999999}},
        backend_name="default",
        queue_name="default",
        run_after=timezone.now(),
        status=TaskResultStatus.FAILED,
        return_value=None,
        exception_class_path="interviews.tasks.EmailFailed",
        traceback=f"EmailFailed: 550 mailbox unavailable <{candidate.email}>",
    )
    # An admin edited the record once: its history names them.
    LogEntry.objects.create(
        user=coach,
        content_type=ContentType.objects.get_for_model(Candidate),
        object_id=str(candidate.pk),
        object_repr=str(candidate),
        action_flag=CHANGE,
        change_message="[]",
    )
    return candidate


def _someone_elses_result() -> DBTaskResult:
    return DBTaskResult.objects.create(
        task_path="interviews.tasks.send_email",
        args_kwargs={"args": [], "kwargs": {"email_id": 424242}},
        backend_name="default",
        queue_name="default",
        run_after=timezone.now(),
        status=TaskResultStatus.SUCCESSFUL,
        return_value="sent to someone-else@example.com on attempt 1",
        exception_class_path="",
        traceback="",
    )


def test_a_coachs_erasure_leaves_no_table_naming_the_person(reassigned, coach):
    name, email = reassigned.full_name, reassigned.email
    kept = _someone_elses_result()
    before = rows_naming(name, email)
    # The search can fail: before, the tasks' results, the emails to the
    # previous coach and the admin's history name them.
    tables = {table for table, _ in before}
    assert {"django_tasks_database_dbtaskresult", "interviews_outgoingemail"} <= tables
    assert "django_admin_log" in tables

    privacy_services.candidate_erase(candidate=reassigned, by=coach)

    assert rows_naming(name, email) == []
    assert DBTaskResult.objects.filter(pk=kept.pk).exists()  # others' results stay


def test_deleting_the_account_leaves_no_table_naming_the_person(reassigned):
    name, email = reassigned.full_name, reassigned.email
    user = reassigned.user
    assert rows_naming(name, email)

    response = client_for(user).post(reverse("account_delete"), {"password": PASSWORD})

    assert response.status_code == 302
    assert not User.objects.filter(pk=user.pk).exists()
    assert rows_naming(name, email) == []
