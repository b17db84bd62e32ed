"""The brief's PDF is made by the worker and kept until the brief changes; no
request renders one. Answers on the brief are bounded, so no PDF is either.

The tests of the queue use the real database backend and run the real worker
(as tests/notifications/test_email_queue.py does); the rest use the test
settings' immediate backend, which builds the PDF as the download asks for it.
"""

import datetime
import io

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from pypdf import PdfReader

from interviews.lib import pdf
from interviews.models import AssignmentItem, BriefPdf
from interviews.selectors import brief as brief_selectors
from interviews.selectors.brief import NOTE_LIMIT, NOTES_LIMIT, cut
from interviews.services import brief as brief_services
from interviews.services import privacy as privacy_services

from ..factories import InterviewRoundFactory, OpportunityFactory, make_assignment
from ..queue_helpers import run_worker
from .test_brief import INTERVIEW_AT, brief_url, pdf_url, prep_for

BUILD = "interviews.tasks.build_brief_pdf"
WORDS = "situation task action result learned measured "  # 46 characters


def long_answer(length: int = 20_000) -> str:
    return (WORDS * (length // len(WORDS) + 1))[:length]


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@pytest.fixture
def round_(candidate):
    opportunity = OpportunityFactory(
        candidate=candidate, company="Fabrikam", position="Engineering Manager"
    )
    return InterviewRoundFactory(opportunity=opportunity, sequence=2, scheduled_at=INTERVIEW_AT)


@pytest.fixture
def prep(coach, candidate, round_):
    """The built-in second-round prep with one short answer."""
    assignment = prep_for(coach, candidate, round_)
    set_answer(assignment, "The team owns billing.")
    return assignment


def answer_item(assignment) -> AssignmentItem:
    return assignment.items.get(question__builtin_key="role-day-to-day")


def set_answer(assignment, text: str) -> None:
    AssignmentItem.objects.filter(pk=answer_item(assignment).pk).update(response_text=text)


@pytest.fixture
def renders(monkeypatch):
    """Every call to WeasyPrint (``lib.pdf.html_to_pdf``), counted."""
    calls = []
    real = pdf.html_to_pdf

    def counted(html, *, base_url):
        calls.append(base_url)
        return real(html, base_url=base_url)

    monkeypatch.setattr(pdf, "html_to_pdf", counted)
    return calls


# ---------------------------------------------------------------- bounded answers


def test_a_short_text_is_kept_and_a_long_one_cut_at_a_word():
    assert cut("short answer", 100) == ("short answer", False)
    text, was_cut = cut("alpha beta gamma delta", 13)
    assert (text, was_cut) == ("alpha beta", True)
    # One very long word is cut inside it rather than losing the whole answer.
    assert cut("x" * 5000, NOTE_LIMIT) == ("x" * NOTE_LIMIT, True)


def test_a_long_answer_shows_its_start_and_points_to_the_app(coach_client, candidate_client, prep):
    set_answer(prep, long_answer())

    html = candidate_client.get(brief_url(prep.round)).content.decode()

    entry = brief_selectors.round_brief(prep.round).sections[0].entries[0]
    assert entry.continued and len(entry.note) <= NOTE_LIMIT
    assert long_answer().startswith(entry.note)
    assert long_answer()[len(entry.note)] == " "  # cut between two words
    assert "(continued in Coachsite:" in html
    assert f'href="{reverse("me:checklist", args=[prep.pk])}"' in html
    assert long_answer(3000) not in html
    coach_html = coach_client.get(brief_url(prep.round, "coach")).content.decode()
    assert f'href="{reverse("coach:assignment_detail", args=[prep.pk])}"' in coach_html


def test_a_short_answer_is_not_marked_continued(candidate_client, prep):
    html = candidate_client.get(brief_url(prep.round)).content.decode()
    assert "The team owns billing." in html
    assert "continued in Coachsite" not in html
    assert "site_url" not in html  # the template's comments stay comments


def test_the_whole_brief_shows_at_most_its_budget_of_answers(prep):
    prep.items.filter(kind__in=["text", "check"]).update(response_text=long_answer(), done=True)

    brief = brief_selectors.round_brief(prep.round)

    entries = [entry for section in brief.sections for entry in section.entries]
    assert len(entries) > NOTES_LIMIT // NOTE_LIMIT  # the budget runs out
    assert sum(len(entry.note) for entry in entries) <= NOTES_LIMIT
    assert all(entry.continued for entry in entries)


def test_a_round_of_20000_character_answers_makes_a_bounded_pdf(candidate_client, prep):
    prep.items.filter(kind__in=["text", "check"]).update(response_text=long_answer(), done=True)
    answered = prep.items.filter(kind__in=["text", "check"]).count()

    response = candidate_client.get(pdf_url(prep.round))

    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(response.content))
    text = pdf_text(response.content)
    # Unbounded, the answers alone would be answered x 20,000 characters.
    assert answered * 20_000 > 10 * NOTES_LIMIT
    assert len(text) < 2 * NOTES_LIMIT
    assert len(reader.pages) <= 12
    assert "continued in Coachsite" in text
    assert f"http://testserver{reverse('me:checklist', args=[prep.pk])}" in text.replace("\n", "")


# ---------------------------------------------------------------- kept until the brief changes


def test_the_pdf_is_made_once_and_served_until_the_brief_changes(candidate_client, prep, renders):
    first = candidate_client.get(pdf_url(prep.round))
    again = candidate_client.get(pdf_url(prep.round))

    assert first.status_code == again.status_code == 200
    assert len(renders) == 1  # the second download served the stored file
    assert again.content == first.content
    assert again["Content-Disposition"] == first["Content-Disposition"]

    set_answer(prep, "The team owns billing and payments.")
    changed = candidate_client.get(pdf_url(prep.round))

    assert len(renders) == 2
    assert "billing and payments" in pdf_text(changed.content)
    # The new file replaced the old one: one row per round and side.
    stored = BriefPdf.objects.get(round=prep.round)
    assert bytes(stored.pdf) == changed.content
    assert stored.status == BriefPdf.Status.READY


def test_the_coach_and_the_candidate_each_have_their_own_pdf(
    coach_client, candidate_client, prep, renders
):
    mine = pdf_text(candidate_client.get(pdf_url(prep.round)).content)
    coachs = pdf_text(coach_client.get(pdf_url(prep.round, "coach")).content)

    assert "your coach has not approved this prep yet" in mine
    assert "you have not approved this prep yet" in coachs
    assert len(renders) == 2
    assert set(BriefPdf.objects.values_list("side", flat=True)) == {"coach", "candidate"}


def test_a_new_time_zone_makes_a_new_pdf(candidate, candidate_client, prep, renders):
    candidate_client.get(pdf_url(prep.round))
    candidate.user.time_zone = "Asia/Tokyo"
    candidate.user.save(update_fields=["time_zone"])

    response = candidate_client.get(pdf_url(prep.round))

    assert len(renders) == 2
    assert response["Content-Disposition"].endswith('2026-12-02.pdf"')
    assert BriefPdf.objects.get(round=prep.round).time_zone == "Asia/Tokyo"


def test_a_failed_build_says_so_and_the_next_download_tries_again(
    monkeypatch, candidate_client, prep
):
    real = pdf.html_to_pdf

    def broken(html, *, base_url):
        raise RuntimeError("out of memory")

    monkeypatch.setattr(pdf, "html_to_pdf", broken)

    response = candidate_client.get(pdf_url(prep.round))

    assert response.status_code == 503
    html = response.content.decode()
    assert "The PDF could not be made" in html
    assert f'href="{pdf_url(prep.round)}"' in html
    assert "data-pdf-poll" not in html  # no loop of failures
    stored = BriefPdf.objects.get(round=prep.round)
    assert stored.status == BriefPdf.Status.FAILED
    assert "out of memory" in stored.error

    monkeypatch.setattr(pdf, "html_to_pdf", real)
    retried = candidate_client.get(pdf_url(prep.round))

    assert retried.status_code == 200
    assert retried.content.startswith(b"%PDF-")
    stored.refresh_from_db()
    assert (stored.status, stored.error) == (BriefPdf.Status.READY, "")


def test_erasing_the_candidate_deletes_their_stored_pdfs(
    coach, candidate, coach_client, candidate_client, other_candidate, prep
):
    # Another candidate's PDF stays.
    theirs = make_assignment(
        other_candidate,
        round=InterviewRoundFactory(opportunity=OpportunityFactory(candidate=other_candidate)),
    )
    kept = brief_services.brief_pdf_request(
        round=theirs.round, side=BriefPdf.Side.COACH, time_zone="UTC", fingerprint="x"
    )
    candidate_client.get(pdf_url(prep.round))
    coach_client.get(pdf_url(prep.round, "coach"))
    assert BriefPdf.objects.filter(round=prep.round).count() == 2

    privacy_services.candidate_erase(candidate=candidate, by=coach)

    assert not BriefPdf.objects.filter(round__opportunity__candidate=candidate).exists()
    assert BriefPdf.objects.get().pk == kept.pk


# ---------------------------------------------------------------- the queue


@pytest.fixture
def queue(settings):
    """The database task backend: tasks wait for the worker."""
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    DBTaskResult.objects.all().delete()
    return settings


def builds() -> int:
    return DBTaskResult.objects.filter(task_path=BUILD).count()


@pytest.mark.django_db(transaction=True)
def test_a_download_never_renders_a_pdf_itself(queue, candidate_client, prep, renders):
    response = candidate_client.get(pdf_url(prep.round))

    assert renders == []
    assert response.status_code == 202
    assert response["Retry-After"] == "3"
    html = response.content.decode()
    assert "Your PDF is being made" in html
    # No automatic refresh (axe: meta-refresh); the script asks the same address.
    assert 'http-equiv="refresh"' not in html
    assert f'data-pdf-poll="{pdf_url(prep.round)}" data-poll-seconds="3"' in html
    assert f'href="{pdf_url(prep.round)}"' in html  # "Check again"
    assert builds() == 1
    assert BriefPdf.objects.get(round=prep.round).status == BriefPdf.Status.PENDING

    # More downloads while the build waits queue nothing more.
    for _ in range(3):
        assert candidate_client.get(pdf_url(prep.round)).status_code == 202
    assert builds() == 1
    assert renders == []

    run_worker()

    assert len(renders) == 1  # the worker made it
    ready = candidate_client.get(pdf_url(prep.round))
    assert ready.status_code == 200
    assert ready["Content-Type"] == "application/pdf"
    assert "The team owns billing." in pdf_text(ready.content)
    assert len(renders) == 1  # served, not rendered again
    assert builds() == 1


@pytest.mark.django_db(transaction=True)
def test_a_change_queues_a_new_build_and_the_file_is_replaced(
    queue, candidate_client, prep, renders
):
    candidate_client.get(pdf_url(prep.round))
    run_worker()
    before = bytes(BriefPdf.objects.get(round=prep.round).pdf)

    set_answer(prep, "The team owns billing and payments.")
    response = candidate_client.get(pdf_url(prep.round))

    assert response.status_code == 202  # the stale file is not served
    assert builds() == 2
    run_worker()
    stored = BriefPdf.objects.get(round=prep.round)
    assert bytes(stored.pdf) != before
    assert "billing and payments" in pdf_text(bytes(stored.pdf))
    assert BriefPdf.objects.filter(round=prep.round).count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_failed_or_lost_build_is_asked_for_again(
    queue, monkeypatch, candidate_client, prep, time_machine
):
    def broken(html, *, base_url):
        raise RuntimeError("out of memory")

    monkeypatch.setattr(pdf, "html_to_pdf", broken)
    candidate_client.get(pdf_url(prep.round))
    run_worker()
    assert BriefPdf.objects.get(round=prep.round).status == BriefPdf.Status.FAILED
    assert DBTaskResult.objects.get(task_path=BUILD).status == "FAILED"

    # The next download queues a build again.
    assert candidate_client.get(pdf_url(prep.round)).status_code == 202
    assert builds() == 2
    assert BriefPdf.objects.get(round=prep.round).status == BriefPdf.Status.PENDING

    # A build nobody ran for longer than the timeout is taken as lost.
    assert candidate_client.get(pdf_url(prep.round)).status_code == 202
    assert builds() == 2
    time_machine.move_to(timezone.now() + BriefPdf.PENDING_TIMEOUT + datetime.timedelta(seconds=1))
    candidate_client.get(pdf_url(prep.round))
    assert builds() == 3


@pytest.mark.django_db(transaction=True)
def test_the_brief_shows_the_state_of_its_pdf(queue, candidate_client, prep):
    def link():
        return candidate_client.get(brief_url(prep.round)).context["pdf"]

    assert link() == brief_selectors.PdfLink(ready=False, building=False)
    assert "Download PDF" in candidate_client.get(brief_url(prep.round)).content.decode()

    candidate_client.get(pdf_url(prep.round))
    assert link() == brief_selectors.PdfLink(ready=False, building=True)
    building = candidate_client.get(brief_url(prep.round)).content.decode()
    assert "Preparing the PDF…" in building
    assert "Download PDF" not in building

    run_worker()
    assert link() == brief_selectors.PdfLink(ready=True, building=False)
    page = candidate_client.get(brief_url(prep.round)).content.decode()
    assert "Download PDF" in page
    assert f'href="{pdf_url(prep.round)}"' in page

    set_answer(prep, "Something new.")
    assert link() == brief_selectors.PdfLink(ready=False, building=False)


def test_a_build_of_a_deleted_round_or_an_unchanged_brief_does_nothing(prep, renders):
    stored = brief_services.brief_pdf_request(
        round=prep.round, side=BriefPdf.Side.CANDIDATE, time_zone="UTC", fingerprint="x"
    )
    assert len(renders) == 1

    assert brief_services.brief_pdf_build(brief_pdf_id=stored.pk) == "already current"
    assert len(renders) == 1
    stored.delete()
    assert brief_services.brief_pdf_build(brief_pdf_id=stored.pk).startswith("gone")


# ---------------------------------------------------------------- the table's rules


def test_the_table_keeps_one_pdf_per_round_and_side_and_known_values(round_):
    def row(**values):
        return BriefPdf.objects.create(
            **{"round": round_, "side": "candidate", "time_zone": "UTC"}
            | {"requested_at": timezone.now()}
            | values
        )

    row()
    for bad in [{}, {"side": "lead"}, {"side": "coach", "status": "lost"}]:
        with pytest.raises(IntegrityError), transaction.atomic():
            row(**bad)
    assert row(side="coach").status == BriefPdf.Status.PENDING
