"""Fixtures of the email-queue and worker tests."""

import pytest
from django.core import mail
from django_tasks_db.models import DBTaskResult

from interviews.models import OutgoingEmail

from ..queue_helpers import FlakyBackend


@pytest.fixture
def queue(settings):
    """The database task backend and a flaky mail server."""
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    settings.EMAIL_BACKEND = "tests.queue_helpers.FlakyBackend"
    FlakyBackend.failures = 0
    FlakyBackend.tries = 0
    mail.outbox = []
    return settings


@pytest.fixture
def joined(queue, candidate):
    """The candidate, joined, with their invitation's email out of the way."""
    OutgoingEmail.objects.all().delete()
    DBTaskResult.objects.all().delete()
    return candidate
