"""Health check, the built-in library, demo data and strict settings."""

import ast
import importlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.core.management import CommandError, call_command
from django.db import DatabaseError
from django.test import override_settings

from interviews import library
from interviews.models import (
    Assignment,
    Candidate,
    ChecklistTemplate,
    Question,
    TemplateItem,
    User,
)

ROOT = Path(__file__).resolve().parent.parent


def test_healthz_answers_200_when_the_database_answers(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"


def test_healthz_answers_503_when_the_database_fails(client, db, monkeypatch):
    def broken(*args, **kwargs):
        raise DatabaseError("connection refused")

    with monkeypatch.context() as patched:
        patched.setattr("interviews.views.public.connection.cursor", broken)
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.content == b"database unavailable\n"


@pytest.mark.django_db
def test_the_library_ships_the_second_round_and_after_templates():
    prep = ChecklistTemplate.objects.get(builtin_key="second-round-prep")
    after = ChecklistTemplate.objects.get(builtin_key="after-the-interview")
    assert prep.title == "Second-round interview prep"
    assert after.title == "After the interview"
    kinds = set(prep.items.values_list("kind", flat=True))
    assert kinds == {"text", "check", "email"}
    assert after.items.filter(kind="email").exists()
    categories = set(Question.objects.builtin().values_list("category", flat=True))
    assert categories == {"ask", "answer", "bring", "follow_up"}
    assert not Question.objects.builtin().filter(guidance="").exists()


LIBRARY_MIGRATION = ROOT / "interviews" / "migrations" / "0002_builtin_library.py"


def _builtin_rows() -> dict[str, set]:
    """Every built-in row by its content (no ids), for comparing two installs."""
    return {
        "questions": set(
            Question.objects.builtin().values_list(
                "builtin_key", "category", "round_kind", "prompt", "guidance", "retired"
            )
        ),
        "templates": set(
            ChecklistTemplate.objects.builtin().values_list(
                "builtin_key", "title", "description", "round_kind"
            )
        ),
        "items": set(
            TemplateItem.objects.filter(template__owner__isnull=True).values_list(
                "template__builtin_key",
                "position",
                "kind",
                "prompt",
                "guidance",
                "required",
                "question__builtin_key",
            )
        ),
    }


def test_the_library_migration_imports_nothing_from_the_app():
    """Migrations run against historical models; live code may set fields they lack."""
    tree = ast.parse(LIBRARY_MIGRATION.read_text())
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            imported.add("." * node.level + (node.module or ""))
    assert imported == {"django.db"}, imported


@pytest.mark.django_db
def test_the_migrated_database_holds_the_library_as_install_makes_it():
    migrated = _builtin_rows()
    assert len(migrated["questions"]) == len(library.QUESTIONS)
    assert len(migrated["items"]) == sum(len(t[4]) for t in library.TEMPLATES)
    TemplateItem.objects.filter(template__owner__isnull=True).delete()
    ChecklistTemplate.objects.builtin().delete()
    Question.objects.builtin().delete()
    library.install(Question, ChecklistTemplate, TemplateItem)
    assert _builtin_rows() == migrated


@pytest.mark.django_db
def test_running_the_library_migration_again_changes_nothing():
    migration = importlib.import_module("interviews.migrations.0002_builtin_library")
    before = _builtin_rows()
    counts = (Question.objects.count(), TemplateItem.objects.count())
    migration.install_library(django_apps, None)
    assert _builtin_rows() == before
    assert (Question.objects.count(), TemplateItem.objects.count()) == counts


@pytest.mark.django_db
def test_reinstalling_the_library_never_duplicates_rows():
    counts = (
        Question.objects.count(),
        ChecklistTemplate.objects.count(),
        TemplateItem.objects.count(),
    )
    library.install(Question, ChecklistTemplate, TemplateItem)
    call_command("load_library", stdout=open(os.devnull, "w"))  # noqa: SIM115
    assert counts == (
        Question.objects.count(),
        ChecklistTemplate.objects.count(),
        TemplateItem.objects.count(),
    )


@pytest.mark.django_db
def test_reinstalling_restores_an_edited_builtin():
    question = Question.objects.get(builtin_key="role-history")
    Question.objects.filter(pk=question.pk).update(prompt="tampered")
    library.install(Question, ChecklistTemplate, TemplateItem)
    question.refresh_from_db()
    assert question.prompt != "tampered"


@pytest.mark.django_db
def test_demo_data_refuses_to_run_with_debug_off():
    with pytest.raises(CommandError, match="DJANGO_DEBUG=1"):
        call_command("load_demo")
    assert not User.objects.filter(email="coach@example.com").exists()


@pytest.mark.django_db
@override_settings(DEBUG=True)
def test_demo_data_is_complete_and_idempotent(capsys):
    call_command("load_demo")
    call_command("load_demo")
    assert "demo-pass-2026" in capsys.readouterr().out
    coach = User.objects.get(email="coach@example.com")
    assert coach.check_password("demo-pass-2026") and coach.is_coach
    alex = Candidate.objects.get(coach=coach, email="alex@example.com")
    assert alex.user is not None and alex.invitations.filter(accepted_at__isnull=False).exists()
    alex_checklist = Assignment.objects.get(candidate=alex)
    assert alex_checklist.status == Assignment.Status.IN_PROGRESS
    assert alex_checklist.round.kind == "second" and alex_checklist.round.scheduled_at
    sam_checklist = Assignment.objects.get(candidate__email="sam@example.com")
    assert sam_checklist.status == Assignment.Status.SUBMITTED
    jordan = Candidate.objects.get(email="jordan@example.com")
    assert jordan.coach.email == "coach2@example.com"
    assert Candidate.objects.count() == 3
    assert Assignment.objects.count() == 3


def _run(argv, **env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    clean.update(env)
    return subprocess.run(  # noqa: S603 - argv built by the tests
        argv,
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        check=False,
    )


def _app_start(**env):
    """Start the app as gunicorn does: import the WSGI application."""
    return _run([sys.executable, "-c", "import coachsite.wsgi"], **env)


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({}, "DJANGO_SECRET_KEY"),
        ({"DJANGO_DEBUG": "perhaps"}, "DJANGO_DEBUG"),
        ({"DJANGO_DEBUG": "1", "DATABASE_CONN_MAX_AGE": "ten"}, "DATABASE_CONN_MAX_AGE"),
        ({"DJANGO_DEBUG": "1", "DATABASE_URL": "nosuchdb://x"}, "DATABASE_URL"),
        ({"DJANGO_DEBUG": "1", "TIME_ZONE": "Mars/Olympus"}, "TIME_ZONE"),
        ({"DJANGO_DEBUG": "1", "EMAIL_PORT": "-1"}, "EMAIL_PORT"),
        ({"DJANGO_DEBUG": "1", "SITE_URL": "example.com"}, "SITE_URL"),
    ],
)
def test_malformed_settings_stop_start_up_naming_the_variable(env, named):
    result = _app_start(**env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert named in result.stderr


def test_good_settings_start_up():
    assert _app_start(DJANGO_DEBUG="1").returncode == 0
    assert _app_start(DJANGO_SECRET_KEY="x" * 50).returncode == 0


def test_commands_that_sign_nothing_run_without_a_secret_key(tmp_path):
    result = _run(
        [sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"],
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )
    assert result.returncode == 0, result.stderr
    assert "No changes detected" in result.stdout


def test_check_deploy_names_a_missing_secret_key():
    result = _run([sys.executable, "manage.py", "check", "--deploy"])
    assert result.returncode != 0
    assert "coachsite.E001" in result.stderr
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def _make_run_environment(port: str, env: dict) -> dict:
    """The variables `make run PORT=…` serves with, read from make's dry run."""
    dry_run = subprocess.run(  # noqa: S603 - argv built by the test
        [shutil.which("make"), "-n", "run", f"PORT={port}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env=env,
    ).stdout
    serve = next(line for line in dry_run.splitlines() if "runserver" in line)
    assert serve.rstrip().endswith(f"runserver 127.0.0.1:{port}")
    return dict(word.split("=", 1) for word in serve.split() if "=" in word)


@pytest.mark.parametrize(
    ("site_url", "expected"),
    [(None, "http://127.0.0.1:8792"), ("https://coach.example.com", "https://coach.example.com")],
    ids=["follows-the-port", "explicit-wins"],
)
def test_make_run_links_in_emails_follow_the_served_port(site_url, expected):
    env = {k: v for k, v in os.environ.items() if k != "SITE_URL"}
    if site_url:
        env["SITE_URL"] = site_url
    served = _make_run_environment("8792", env)
    assert served["SITE_URL"] == expected
    # The settings the server starts with build email links on that base.
    printed = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.SITE_URL)"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={**env, **served, "DJANGO_SETTINGS_MODULE": "coachsite.settings"},
    ).stdout.strip()
    assert printed == expected
