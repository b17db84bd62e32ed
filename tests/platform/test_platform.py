"""Health check, the built-in library, demo data and strict settings."""

import ast
import datetime
import importlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection
from django.db.migrations.loader import MigrationLoader
from django.test import override_settings
from django.utils import timezone

from interviews.lib.files import private_storage
from interviews.models import (
    Assignment,
    Candidate,
    ChecklistTemplate,
    Interviewer,
    InterviewRound,
    ItemFile,
    Practice,
    PracticeMembership,
    Question,
    RehearsalTake,
    TemplateItem,
    User,
)
from interviews.selectors import library as library_selectors
from interviews.selectors import rounds as rounds_selectors
from interviews.services import builtin_library
from interviews.services import checklists as checklists_services
from interviews.services import library as library_services

ROOT = Path(__file__).resolve().parents[2]


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
def test_the_library_ships_the_second_round_template_without_a_thank_you_email():
    prep = ChecklistTemplate.objects.get(builtin_key="second-round-prep")
    assert prep.title == "Second-round interview prep"
    assert set(prep.items.values_list("kind", flat=True)) == {"text", "check"}
    last = prep.items.order_by("position").last()
    assert (last.kind, last.required, last.question.builtin_key) == (
        "text",
        True,
        "follow-up-thank-you",
    )
    assert last.prompt == (
        "After the interview: what will you mention when you thank each interviewer?"
    )
    assert "round page" in last.guidance
    # The round's own debrief and thank-you notes replaced the "after" template.
    assert list(ChecklistTemplate.objects.builtin()) == [prep]
    categories = set(Question.objects.builtin().values_list("category", flat=True))
    assert categories == {"ask", "answer", "bring", "follow_up"}
    assert not Question.objects.builtin().filter(guidance="").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("key", "prompt_has", "guidance_has"),
    [
        # 1. The role in depth
        ("role-other-teams", ["other teams", "widen my experience"], ["widen your experience"]),
        (
            "role-career-path",
            ["changed over time", "held it before", "move on to"],
            ["where the job can lead", "why it was created"],
        ),
        ("role-inherited-work", ["unfinished work"], ["first months"]),
        # 2. What it takes to succeed
        (
            "success-qualities",
            ["What do you think is necessary to succeed in this position?"],
            ["plainly", "qualities and skills"],
        ),
        ("success-my-match", ["attributes fit"], ["relay it back", "qualities and skills"]),
        # 3. Close by offering more
        (
            "close-anything-else",
            ["Is there anything else you need from me?"],
            ["show work that has not come up", "openness, enthusiasm and commitment"],
        ),
        ("close-references", ["references"], []),
        ("close-certificates", ["certificates"], []),
        ("close-notice-period", ["notice period"], []),
        # 4. Follow up
        (
            "follow-up-thank-you",
            ["thank each interviewer"],
            [
                "professional and undemanding",
                "thanks for their time",
                "one specific thing from your conversation",
                "a clear wish to get the job",
                "hope to hear back soon",
            ],
        ),
    ],
)
def test_each_point_of_the_guide_is_in_the_library(key, prompt_has, guidance_has):
    question = Question.objects.get(builtin_key=key, owner=None)
    assert not question.retired
    for words in prompt_has:
        assert words in question.prompt
    for words in guidance_has:
        assert words in question.guidance
    assert question.template_items.filter(template__builtin_key="second-round-prep").exists()


@pytest.mark.django_db
def test_the_prep_template_lists_the_guide_in_its_order():
    prep = ChecklistTemplate.objects.get(builtin_key="second-round-prep")
    assert list(prep.items.values_list("question__builtin_key", "kind")) == [
        ("role-day-to-day", "text"),
        ("role-career-path", "text"),
        ("role-inherited-work", "text"),
        ("role-other-teams", "text"),
        ("success-qualities", "text"),
        ("success-my-match", "text"),
        ("success-gap", "text"),
        ("close-anything-else", "text"),
        # References, certificates and the notice period stay tick-off tasks.
        ("close-show-work", "check"),
        ("close-references", "check"),
        ("close-certificates", "check"),
        ("close-notice-period", "check"),
        ("follow-up-thank-you", "text"),
    ]


@pytest.mark.django_db
def test_superseded_questions_are_retired_not_deleted(coach):
    retired = Question.objects.builtin().filter(retired=True)
    assert set(retired.values_list("builtin_key", flat=True)) == {
        "role-history",
        "follow-up-debrief",
    }
    # Retired built-ins are no longer offered for templates.
    offered = library_selectors.questions_to_add(coach)
    assert not offered.filter(retired=True).exists()
    assert offered.filter(builtin_key="role-career-path").exists()


LIBRARY_MIGRATIONS = [
    "0002_builtin_library",
    "0005_library_follows_the_guide",
    "0016_guide_mentions_files",
]
LATEST_LIBRARY_MIGRATION = LIBRARY_MIGRATIONS[-1]


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


@pytest.mark.parametrize("name", LIBRARY_MIGRATIONS)
def test_the_library_migrations_import_nothing_from_the_app(name):
    """Migrations run against historical models; live code may set fields they lack."""
    tree = ast.parse((ROOT / "interviews" / "migrations" / f"{name}.py").read_text())
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
    assert len(migrated["questions"]) == len(builtin_library.QUESTIONS) + len(
        builtin_library.RETIRED_QUESTIONS
    )
    assert len(migrated["templates"]) == len(builtin_library.TEMPLATES)
    assert len(migrated["items"]) == sum(len(t[4]) for t in builtin_library.TEMPLATES)
    TemplateItem.objects.filter(template__owner__isnull=True).delete()
    ChecklistTemplate.objects.builtin().delete()
    Question.objects.builtin().delete()
    builtin_library.install(Question, ChecklistTemplate, TemplateItem)
    assert _builtin_rows() == migrated


@pytest.mark.django_db
def test_running_the_latest_library_migration_again_changes_nothing():
    migration = importlib.import_module(f"interviews.migrations.{LATEST_LIBRARY_MIGRATION}")
    before = _builtin_rows()
    counts = (
        Question.objects.count(),
        ChecklistTemplate.objects.count(),
        TemplateItem.objects.count(),
    )
    migration.update_library(django_apps, None)
    assert _builtin_rows() == before
    assert (
        Question.objects.count(),
        ChecklistTemplate.objects.count(),
        TemplateItem.objects.count(),
    ) == counts


def _historical_apps(migration: str):
    """The models as they stood when ``migration`` had run, as ``migrate`` sees them."""
    return MigrationLoader(connection).project_state(("interviews", migration)).apps


@pytest.mark.django_db
def test_the_guide_migration_changes_built_ins_only_and_keeps_what_was_made_from_them(
    coach, candidate
):
    migrated = _builtin_rows()
    # Put the library back as 0004 left it: 0002's content, nothing of 0005.
    TemplateItem.objects.filter(template__owner__isnull=True).delete()
    ChecklistTemplate.objects.builtin().delete()
    Question.objects.builtin().delete()
    importlib.import_module("interviews.migrations.0002_builtin_library").install_library(
        _historical_apps("0004_interview_centre"), None
    )
    old_prep = ChecklistTemplate.objects.get(builtin_key="second-round-prep", owner=None)
    old_after = ChecklistTemplate.objects.get(builtin_key="after-the-interview", owner=None)
    assert old_prep.items.filter(kind="email").exists()
    # What coaches made from the old library before the migration.
    after_copy = library_services.template_copy(template=old_after, by=coach)
    prep_copy = library_services.template_copy(template=old_prep, by=coach)
    question_copy = library_services.question_copy(
        question=Question.objects.get(builtin_key="role-history"), by=coach
    )
    from_after = checklists_services.assignment_create(
        coach=coach, candidate=candidate, template=old_after
    )
    from_prep = checklists_services.assignment_create(
        coach=coach, candidate=candidate, template=old_prep
    )

    def items_of(obj):
        return list(
            obj.items.order_by("position").values_list(
                "position", "kind", "prompt", "guidance", "required", "question__builtin_key"
            )
        )

    kept = {obj: items_of(obj) for obj in (after_copy, prep_copy, from_after, from_prep)}
    assert len(kept[from_after]) == 4 and len(kept[from_prep]) == 13

    # The library migrations after 0002, in order, as ``migrate`` runs them.
    for name in LIBRARY_MIGRATIONS[1:]:
        migration = importlib.import_module(f"interviews.migrations.{name}")
        migration.update_library(_historical_apps("0004_interview_centre"), None)

    assert _builtin_rows() == migrated
    assert not ChecklistTemplate.objects.filter(builtin_key="after-the-interview").exists()
    new_prep = ChecklistTemplate.objects.get(builtin_key="second-round-prep", owner=None)
    assert new_prep.pk == old_prep.pk
    assert not new_prep.items.filter(kind="email").exists()
    for obj in kept:
        obj.refresh_from_db()
        assert items_of(obj) == kept[obj], obj
    # The links to the deleted template are set null; nothing else moved.
    assert (after_copy.copied_from, prep_copy.copied_from) == (None, new_prep)
    assert (from_after.template, from_prep.template) == (None, new_prep)
    assert from_prep.items.filter(kind="email").count() == 1
    question_copy.refresh_from_db()
    assert question_copy.owner == coach and not question_copy.retired
    assert question_copy.prompt.startswith("Is this a new position")
    # The checklist's item still points at the old question, now retired.
    item = from_prep.items.get(position=2)
    assert (item.question.builtin_key, item.question.retired) == ("role-history", True)


@pytest.mark.django_db
def test_reinstalling_the_library_never_duplicates_rows():
    before = _builtin_rows()
    counts = (
        Question.objects.count(),
        ChecklistTemplate.objects.count(),
        TemplateItem.objects.count(),
    )
    builtin_library.install(Question, ChecklistTemplate, TemplateItem)
    call_command("load_library", stdout=open(os.devnull, "w"))  # noqa: SIM115
    assert counts == (
        Question.objects.count(),
        ChecklistTemplate.objects.count(),
        TemplateItem.objects.count(),
    )
    assert _builtin_rows() == before


@pytest.mark.django_db
def test_reinstalling_restores_an_edited_builtin():
    question = Question.objects.get(builtin_key="role-career-path")
    Question.objects.filter(pk=question.pk).update(prompt="tampered", retired=True)
    builtin_library.install(Question, ChecklistTemplate, TemplateItem)
    question.refresh_from_db()
    assert question.prompt != "tampered" and not question.retired


@pytest.mark.django_db
def test_reinstalling_leaves_coaches_copies_alone(coach):
    prep = ChecklistTemplate.objects.get(builtin_key="second-round-prep")
    copy = library_services.template_copy(template=prep, by=coach)
    TemplateItem.objects.filter(template=copy, position=1).update(prompt="My own wording")
    builtin_library.install(Question, ChecklistTemplate, TemplateItem)
    copy.refresh_from_db()
    assert copy.copied_from == prep
    assert copy.items.get(position=1).prompt == "My own wording"


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
    assert list(alex_checklist.round.interviewers.values_list("name", "role", "email")) == [
        ("Tom Becker", "hiring_manager", "tom.becker@example.com"),
        ("Ana Lima", "teammate", "ana.lima@example.com"),
    ]
    # The portfolio piece Alex will show is a PDF on its item, once however
    # often the demo loads, and the storage holds its bytes.
    portfolio = ItemFile.objects.get(candidate=alex)
    assert portfolio.item.question.builtin_key == "close-show-work"
    assert (portfolio.name, portfolio.content_type) == (
        "Churn model case study.pdf",
        "application/pdf",
    )
    with private_storage().open(portfolio.key, "rb") as stored:
        assert stored.read().startswith(b"%PDF-")
    # Item 6 ("How do my attributes fit …") has one rehearsal, sent to the coach.
    take = RehearsalTake.objects.get(candidate=alex)
    assert (take.item.position, take.for_coach, take.content_type) == (6, True, "audio/wav")
    with private_storage().open(take.key, "rb") as stored:
        assert stored.read(4) == b"RIFF"
    sam_checklist = Assignment.objects.get(candidate__email="sam@example.com")
    assert sam_checklist.status == Assignment.Status.SUBMITTED
    jordan = Candidate.objects.get(email="jordan@example.com")
    assert jordan.coach.email == "coach2@example.com"
    assert Candidate.objects.count() == 5
    assert Assignment.objects.count() == 5
    assert InterviewRound.objects.count() == 6
    assert Interviewer.objects.count() == 8


@pytest.mark.django_db
@override_settings(DEBUG=True)
def test_demo_casey_interviewed_yesterday_with_approved_prep_and_untouched_note_drafts(capsys):
    call_command("load_demo")
    call_command("load_demo")
    assert "casey@example.com" in capsys.readouterr().out
    casey = Candidate.objects.get(coach__email="coach@example.com", email="casey@example.com")
    assert casey.user.check_password("demo-pass-2026") and not casey.user.is_coach
    checklist = Assignment.objects.get(candidate=casey)
    round_ = checklist.round
    assert (round_.opportunity.company, round_.kind) == ("Contoso Health", "second")
    yesterday = timezone.now() - datetime.timedelta(days=1)
    assert round_.scheduled_at <= yesterday
    assert yesterday - round_.scheduled_at < datetime.timedelta(hours=1)
    assert (round_.scheduled_at.minute, round_.scheduled_at.second) == (0, 0)
    interviewers = list(round_.interviewers.all())
    assert len(interviewers) == 2 and all(person.email for person in interviewers)
    assert checklist.template.builtin_key == "second-round-prep"
    assert checklist.status == Assignment.Status.APPROVED
    assert checklist.reviews.get().verdict == "approved"
    assert all(item.is_complete for item in checklist.items.all())
    assert round_.debriefed_at is None and not round_.debrief_notes
    # The notes are the template's drafts, one per interviewer, not yet touched:
    # the writing checks flag the placeholder each still holds.
    notes = list(round_.thank_you_notes.select_related("interviewer"))
    assert sorted(note.interviewer.name for note in notes) == ["Grace Park", "Omar Haddad"]
    assert all(note.placeholders and not note.is_sent for note in notes)
    for note in notes:
        findings = rounds_selectors.note_checks(note, round=round_, notes=notes)
        assert "placeholder" in [finding.code for finding in findings]


@pytest.mark.django_db
@override_settings(DEBUG=True)
def test_demo_practice_with_a_shared_template_and_coach3s_candidate(capsys):
    call_command("load_demo")
    call_command("load_demo")
    assert "coach3@example.com" in capsys.readouterr().out
    practice = Practice.objects.get()
    assert practice.name == "Northstar Careers"
    roles = dict(practice.memberships.values_list("user__email", "role"))
    assert roles == {"coach@example.com": "lead", "coach3@example.com": "coach"}
    assert not PracticeMembership.objects.filter(user__email="coach2@example.com").exists()
    coach3 = User.objects.get(email="coach3@example.com")
    assert coach3.check_password("demo-pass-2026") and coach3.is_coach

    shared = ChecklistTemplate.objects.get(practice=practice)
    assert shared.owner.email == "coach@example.com"
    assert ChecklistTemplate.objects.filter(owner=shared.owner).count() == 1  # not re-copied
    assert ChecklistTemplate.objects.visible_to(coach3).filter(pk=shared.pk).exists()
    coach2 = User.objects.get(email="coach2@example.com")
    assert not ChecklistTemplate.objects.visible_to(coach2).filter(pk=shared.pk).exists()

    morgan = Candidate.objects.get(coach=coach3)
    assert morgan.user.check_password("demo-pass-2026") and not morgan.user.is_coach
    now = timezone.now()
    past, upcoming = morgan.opportunities.get().rounds.order_by("sequence")
    assert past.scheduled_at < now and past.outcome == InterviewRound.Outcome.ADVANCED
    assert upcoming.kind == InterviewRound.Kind.SECOND and upcoming.scheduled_at > now
    assert upcoming.outcome == InterviewRound.Outcome.PENDING
    checklist = Assignment.objects.get(candidate=morgan)
    assert checklist.round == upcoming and checklist.template == shared
    assert checklist.status == Assignment.Status.IN_PROGRESS
    done = [item.is_complete for item in checklist.items.all()]
    assert 0 < sum(done) < len(done)


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
        (
            {
                "DJANGO_DEBUG": "1",
                "DATABASE_URL": "postgres://u@127.0.0.1:5432/x",
                "DATABASE_RANDOM_PAGE_COST": "fast",
            },
            "DATABASE_RANDOM_PAGE_COST",
        ),
        ({"DJANGO_DEBUG": "1", "DATABASE_RECONNECT_WAIT": "-1"}, "DATABASE_RECONNECT_WAIT"),
        ({"DJANGO_DEBUG": "1", "DATABASE_SQLITE_TIMEOUT": "0"}, "DATABASE_SQLITE_TIMEOUT"),
        ({"DJANGO_DEBUG": "1", "DATABASE_SQLITE_TIMEOUT": "soon"}, "DATABASE_SQLITE_TIMEOUT"),
        ({"DJANGO_DEBUG": "1", "TIME_ZONE": "Mars/Olympus"}, "TIME_ZONE"),
        ({"DJANGO_DEBUG": "1", "DATABASE_HEALTH_CHECK": "ping"}, "DATABASE_HEALTH_CHECK"),
        ({"DJANGO_DEBUG": "1", "CACHE_URL": "redis"}, "CACHE_URL"),
        ({"DJANGO_DEBUG": "1", "CACHE_URL": "file://relative/folder"}, "CACHE_URL"),
        ({"DJANGO_DEBUG": "1", "CACHE_URL": "db://"}, "CACHE_URL"),
        ({"DJANGO_DEBUG": "1", "CACHE_URL": "couchbase://x"}, "CACHE_URL"),
        ({"DJANGO_DEBUG": "1", "EMAIL_PORT": "-1"}, "EMAIL_PORT"),
        ({"DJANGO_DEBUG": "1", "SITE_URL": "example.com"}, "SITE_URL"),
        (
            {
                "DJANGO_DEBUG": "1",
                "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            },
            "EMAIL_FILE_PATH",
        ),
    ],
)
def test_malformed_settings_stop_start_up_naming_the_variable(env, named):
    result = _app_start(**env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert named in result.stderr


@pytest.mark.parametrize(
    ("url", "backend", "location"),
    [
        ("locmem://", "locmem.LocMemCache", "coachsite"),
        ("dummy://", "dummy.DummyCache", None),
        ("db://coachsite_cache", "db.DatabaseCache", "coachsite_cache"),
        ("file:///var/cache/coachsite", "filebased.FileBasedCache", "/var/cache/coachsite"),
    ],
)
def test_cache_url_picks_djangos_backend(url, backend, location):
    from coachsite.settings import cache_from_url

    cache = cache_from_url(url)
    assert cache["BACKEND"] == f"django.core.cache.backends.{backend}"
    assert cache.get("LOCATION") == location


def test_the_default_cache_is_each_processs_memory():
    from django.conf import settings

    assert settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"


@pytest.mark.django_db
def test_postgresql_plans_with_the_configured_random_page_cost():
    """Index lookups priced for memory and SSD (settings.py says why)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only (CI runs it)")
    with connection.cursor() as cursor:
        cursor.execute("SHOW random_page_cost")
        assert cursor.fetchone()[0] == "1.1"


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
    recipe = next(line for line in dry_run.splitlines() if "runserver" in line)
    # The recipe also starts the worker; the server's command is "VAR=… python
    # manage.py runserver ADDRESS".
    serve = re.search(r"((?:[A-Z_]+=\S+ )+)\S+ manage\.py runserver (\S+)", recipe)
    assert serve is not None, recipe
    assert serve.group(2) == f"127.0.0.1:{port}"
    return dict(word.split("=", 1) for word in serve.group(1).split())


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
