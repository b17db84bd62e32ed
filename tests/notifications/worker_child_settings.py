"""Settings of the worker processes that tests/notifications/test_worker_crash.py
starts and kills: the test settings, the database queue, and a mail server
that writes each message to a file in WORKER_TEST_MAIL_DIR (so the test can
count what went out)."""

import os

from tests.settings import *  # noqa: F403

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = os.environ["WORKER_TEST_MAIL_DIR"]
