"""Test settings: the real settings, with debug off, plus what tests must change."""

import os
import tempfile

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key-not-used-anywhere-else-0123456789")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")

from coachsite.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Every prepared read is checked against the query the ORM builds for it.
PREPARED_QUERIES_CHECK = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    # Each test gets its own directory (the autouse fixture in tests/conftest.py);
    # this one is only a safe place should a test run without it.
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": os.path.join(tempfile.gettempdir(), "coachsite-test-private-files"),
            "base_url": None,
        },
    },
}
# Test clients talk plain HTTP.
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SITE_URL = "http://testserver"
# Serve static files straight from the finders (no collectstatic in tests).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Tasks run as they are enqueued, unless a test is about the queue itself.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# Many tests move the clock days ahead with a signed-in client; the session
# limits are tested on their own (tests/accounts/test_sessions.py sets the defaults).
SESSION_IDLE_TIMEOUT = 60 * 24 * 365 * 10
SESSION_ABSOLUTE_LIFETIME = 365 * 10
