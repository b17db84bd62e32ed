"""The worker loads WeasyPrint as it starts (services/brief.py
``brief_pdf_preload``), so the first brief PDF after a start does not wait
for the import; web processes never load it (they make no PDF)."""

import io
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand

from interviews.lib import pdf
from interviews.services import brief

BASE_DIR = Path(__file__).resolve().parent.parent.parent


@pytest.fixture
def worker_loop(monkeypatch, settings):
    """The worker's start-up without its loop (which would never return)."""
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    monkeypatch.setattr(DatabaseWorkerCommand, "handle", lambda self, *args, **options: None)
    calls = []
    monkeypatch.setattr(brief, "brief_pdf_preload", lambda: calls.append("preload") or True)
    return calls


@pytest.mark.django_db
def test_the_worker_loads_weasyprint_as_it_starts(worker_loop):
    out = io.StringIO()
    call_command("db_worker", sweep=False, stdout=out)
    assert worker_loop == ["preload"]
    assert "WeasyPrint loaded" in out.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize("options", [{"batch": True}, {"pdf_preload": False}])
def test_a_batch_run_or_the_option_skips_the_preload(worker_loop, options):
    call_command("db_worker", sweep=False, stdout=io.StringIO(), **options)
    assert worker_loop == []


def test_the_preload_makes_a_pdf_once(monkeypatch):
    made = []
    real = pdf.html_to_pdf

    def counted(html, **kwargs):
        made.append(html)
        return real(html, **kwargs)

    monkeypatch.setattr(pdf, "html_to_pdf", counted)
    assert brief.brief_pdf_preload() is True
    assert len(made) == 1
    assert "weasyprint" in sys.modules


def test_without_weasyprint_the_preload_says_so_and_does_not_fail(monkeypatch):
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # "import weasyprint" now fails
    assert brief.brief_pdf_preload() is False


def test_the_web_app_does_not_load_weasyprint():
    """gunicorn's workers import coachsite.wsgi: WeasyPrint (~45 MiB) stays out."""
    code = (
        "import sys, coachsite.wsgi; "
        "from django.test import Client; Client().get('/accounts/login/'); "
        "sys.exit('weasyprint' in sys.modules)"
    )
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env={"DJANGO_SETTINGS_MODULE": "tests.settings", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
