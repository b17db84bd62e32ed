"""The embedded default holds: on a SQLite file (what `make run` uses), web
writes from several processes at once and the worker polling beside them
never meet "database is locked", and every write is stored.

The test database of the suite is in memory (or PostgreSQL), so this test
makes its own file database and runs the real settings in separate processes:
writers that invite candidates and accept the invitations through the
services (the write that answered 500 on a busy machine), and
``manage.py db_worker`` sending the invitation emails as they are queued.
"""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

WRITERS = 4
ACCEPTS_PER_WRITER = 12

# One web process's work: a coach, then for each candidate the invitation
# (emailed through the queue) and its acceptance, each its own transaction
# that reads before it writes. Any error is counted, not raised, so the
# report says how many there were.
WRITER = """
import json, sys
import django
django.setup()
from django.db import OperationalError
from django.test.utils import override_settings
from interviews.models import Candidate, User
from interviews.services import caseload

n, count = int(sys.argv[1]), int(sys.argv[2])
errors, accepted = [], 0
with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
    coach = User.objects.create_user(
        email=f"coach{n}@example.com", password="x", full_name=f"Coach {n}", role=User.Role.COACH
    )
    for i in range(count):
        try:
            record = Candidate.objects.create(
                coach=coach, full_name=f"Cand {n}-{i}", email=f"cand{n}-{i}@example.com"
            )
            invitation, _ = caseload.invitation_create(candidate=record, by=coach)
            caseload.invitation_accept(invitation=invitation, password="pass-1234-word")
            accepted += 1
        except OperationalError as exc:
            errors.append(str(exc))
print(json.dumps({"accepted": accepted, "errors": errors}))
"""


def _env(database: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "coachsite.settings",
        "DJANGO_DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{database}",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "PYTHONPATH": str(settings.BASE_DIR),
    }
    env.pop("DATABASE_CONN_MAX_AGE", None)
    return env


def _count(database: Path, sql: str):
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=20) as db:
        return db.execute(sql).fetchone()[0]


def _options(**env) -> dict:
    script = (
        "import json; from coachsite import settings; "
        "print(json.dumps(settings.DATABASES['default'].get('OPTIONS', {})))"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    result = subprocess.run(  # noqa: S603 - argv built by the test
        [sys.executable, "-c", script],
        cwd=settings.BASE_DIR,
        env={**clean, "DJANGO_DEBUG": "1", **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


def test_sqlite_gets_wal_immediate_writes_and_a_busy_timeout_and_postgresql_none_of_it():
    sqlite = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
    }
    assert _options() == sqlite  # DATABASE_URL unset: db.sqlite3
    assert _options(DATABASE_URL="sqlite:////tmp/other.sqlite3") == sqlite
    assert _options(DATABASE_SQLITE_TIMEOUT="45")["timeout"] == 45
    postgresql = _options(DATABASE_URL="postgres://u@127.0.0.1:5432/x")
    assert not set(postgresql) & set(sqlite)


@pytest.fixture
def sqlite_file(tmp_path):
    database = tmp_path / "coachsite.sqlite3"
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "-v0"],
        cwd=settings.BASE_DIR,
        env=_env(database),
        check=True,
        timeout=300,
    )
    return database


def test_concurrent_writers_and_the_worker_never_meet_a_locked_database(sqlite_file, tmp_path):
    env = _env(sqlite_file)
    worker_log = tmp_path / "worker.log"
    with worker_log.open("w") as log:
        worker = subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--interval", "0.05"],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        writers = [
            subprocess.Popen(  # noqa: S603 - argv built by the test
                [sys.executable, "-c", WRITER, str(n), str(ACCEPTS_PER_WRITER)],
                cwd=settings.BASE_DIR,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for n in range(WRITERS)
        ]
        reports = []
        for writer in writers:
            out, err = writer.communicate(timeout=300)
            assert writer.returncode == 0, err
            reports.append(json.loads(out.strip().splitlines()[-1]))

        expected = WRITERS * ACCEPTS_PER_WRITER
        assert [r["errors"] for r in reports] == [[]] * WRITERS
        assert sum(r["accepted"] for r in reports) == expected

        # The worker sends every invitation email; poll the real process, bounded.
        unsent = "SELECT COUNT(*) FROM interviews_outgoingemail WHERE sent_at IS NULL"
        deadline = time.monotonic() + 120
        while _count(sqlite_file, unsent) and time.monotonic() < deadline:
            assert worker.poll() is None, worker_log.read_text()
            time.sleep(0.2)
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(timeout=10)

    log = worker_log.read_text()
    assert "database is locked" not in log, log
    assert "Traceback" not in log, log
    assert _count(sqlite_file, unsent) == 0, log
    assert _count(sqlite_file, "SELECT COUNT(*) FROM interviews_outgoingemail") == expected
    assert (
        _count(
            sqlite_file, "SELECT COUNT(*) FROM interviews_invitation WHERE accepted_at IS NOT NULL"
        )
        == expected
    )
    assert (
        _count(sqlite_file, "SELECT COUNT(*) FROM interviews_candidate WHERE user_id IS NOT NULL")
        == expected
    )
    assert (
        _count(
            sqlite_file,
            "SELECT COUNT(*) FROM django_tasks_database_dbtaskresult WHERE status = 'FAILED'",
        )
        == 0
    )
    # The file stays in WAL mode: readers never wait for the writer.
    assert _count(sqlite_file, "PRAGMA journal_mode") == "wal"
