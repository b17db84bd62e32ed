"""The interview brief: one page to take along, on screen, printed and as a PDF."""

import datetime
import io
import shutil
import sys

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader

from interviews.lib import pdf
from interviews.lib.demo import sample_responses
from interviews.models import Assignment, ChecklistTemplate, Interviewer, ItemKind
from interviews.selectors import brief as brief_selectors
from interviews.selectors.brief import Section
from interviews.services import checklists as checklists_services
from interviews.services import files as files_services
from interviews.services import stories as stories_services

from ..factories import (
    AssignmentItemFactory,
    InterviewerFactory,
    InterviewRoundFactory,
    OpportunityFactory,
    QuestionFactory,
    make_assignment,
)
from ..files import samples

# Tuesday 1 December 2026, 15:00 UTC: 10:00 in New York, 00:00 the next day in Tokyo.
DASH = "\N{EN DASH}"  # between the start and the end time
INTERVIEW_AT = datetime.datetime(2026, 12, 1, 15, 0, tzinfo=datetime.UTC)

ROLE_NOTE = "The team owns the billing platform; the last lead moved to payments."
MATCH_NOTE = "Led the 2024 migration: two examples, the outage review and the hiring plan."
QUALITIES_ASK = "Which qualities matter most to you for someone in this role?"
CLOSING_ASK = "Is there anything about my background I can make clearer?"
PORTFOLIO_NOTE = "Churn model case study, 3 slides"
NOTICE_NOTE = "Three months' notice; earliest start 1 March."


def prep_for(coach, candidate, round_) -> Assignment:
    """The built-in second-round prep, assigned for ``round_``."""
    return checklists_services.assignment_create(
        coach=coach,
        candidate=candidate,
        template=ChecklistTemplate.objects.get(builtin_key="second-round-prep", owner=None),
        round=round_,
    )


def answer(assignment: Assignment, key: str, **response) -> None:
    """The candidate's response to the item copied from built-in question ``key``."""
    updated = assignment.items.filter(question__builtin_key=key).update(**response)
    assert updated == 1, key


def set_status(assignment: Assignment, status: str) -> None:
    Assignment.objects.filter(pk=assignment.pk).update(
        status=status, submitted_at=INTERVIEW_AT - datetime.timedelta(days=2)
    )


@pytest.fixture
def round_(candidate):
    opportunity = OpportunityFactory(
        candidate=candidate, company="Fabrikam", position="Engineering Manager, Platform"
    )
    return InterviewRoundFactory(
        opportunity=opportunity,
        sequence=2,
        scheduled_at=INTERVIEW_AT,
        duration_minutes=45,
        location="Video call: https://meet.example.com/fab-123",
    )


@pytest.fixture
def interviewers(round_):
    return [
        InterviewerFactory(
            round=round_,
            name="Maria Gomez",
            job_title="Head of Platform",
            role=Interviewer.Role.HIRING_MANAGER,
        ),
        InterviewerFactory(
            round=round_,
            name="Tom Becker",
            job_title="Staff Engineer",
            role=Interviewer.Role.TEAMMATE,
        ),
    ]


@pytest.fixture
def prep(coach, candidate, round_, interviewers):
    """The prep, partly answered: what the role is, a strength, two questions to
    ask, the portfolio and the notice period. Other items are left unanswered."""
    assignment = prep_for(coach, candidate, round_)
    answer(assignment, "role-day-to-day", response_text=ROLE_NOTE)
    answer(assignment, "success-my-match", response_text=MATCH_NOTE)
    answer(assignment, "success-qualities", response_text=QUALITIES_ASK)
    answer(assignment, "close-anything-else", response_text=CLOSING_ASK)
    answer(assignment, "close-show-work", done=True, response_text=PORTFOLIO_NOTE)
    answer(assignment, "close-notice-period", done=True, response_text=NOTICE_NOTE)
    answer(assignment, "close-references", done=False, response_text="")
    set_status(assignment, Assignment.Status.IN_PROGRESS)
    return assignment


def brief_url(round_, side="me"):
    return reverse(f"{side}:round_brief", args=[round_.pk])


def pdf_url(round_, side="me"):
    return reverse(f"{side}:round_brief_pdf", args=[round_.pk])


def pdf_text(response) -> str:
    reader = PdfReader(io.BytesIO(response.content))
    return "\n".join(page.extract_text() for page in reader.pages)


# ---------------------------------------------------------------- the page


def test_the_brief_shows_the_answers_in_their_sections(candidate_client, round_, prep):
    response = candidate_client.get(brief_url(round_))

    assert response.status_code == 200
    brief = response.context["brief"]
    assert [s.section for s in brief.sections] == [
        Section.ROLE,
        Section.SUCCEED,
        Section.ASK,
        Section.BRING,
        Section.CLOSING,
    ]
    assert [e.note for e in brief.section(Section.ROLE).entries] == [ROLE_NOTE]
    assert [e.note for e in brief.section(Section.SUCCEED).entries] == [MATCH_NOTE]
    assert [e.note for e in brief.section(Section.ASK).entries] == [QUALITIES_ASK]
    assert [e.note for e in brief.section(Section.CLOSING).entries] == [CLOSING_ASK]
    bring = brief.section(Section.BRING).entries
    assert [(e.note, e.task, e.done) for e in bring] == [
        (PORTFOLIO_NOTE, True, True),
        (NOTICE_NOTE, True, True),
    ]
    html = response.content.decode()
    for text in ["Fabrikam", "Engineering Manager, Platform", "45 minutes", "fab-123"]:
        assert text in html
    for section in brief.sections:
        assert section.title in html
    for note in [ROLE_NOTE, MATCH_NOTE, CLOSING_ASK, PORTFOLIO_NOTE]:
        assert note.replace("'", "&#x27;") in html
    assert "✓ Done" in html
    assert reverse("me:round_brief_pdf", args=[round_.pk]) in html


def test_unanswered_parts_are_left_out(candidate_client, round_, prep):
    html = candidate_client.get(brief_url(round_)).content.decode()

    assert "Other notes" not in html  # no items without a bank question
    # Unanswered items: the role's day to day, a gap, references (not ticked, no note).
    for key in ["role-other-teams", "success-gap", "close-references"]:
        prompt = prep.items.get(question__builtin_key=key).prompt
        assert prompt.replace("'", "&#x27;") not in html, key
    # A thank-you email draft and follow-up notes belong to after the interview.
    AssignmentItemFactory(assignment=prep, kind=ItemKind.EMAIL, email_body="Dear Maria, thank you")
    AssignmentItemFactory(
        assignment=prep,
        question=QuestionFactory(owner=prep.candidate.coach, category="follow_up"),
        response_text="Thank Maria for the platform tour",
    )
    html = candidate_client.get(brief_url(round_)).content.decode()
    assert "Dear Maria" not in html
    assert "platform tour" not in html


def test_a_brief_with_nothing_answered_has_no_sections(candidate_client, coach, candidate, round_):
    prep_for(coach, candidate, round_)

    response = candidate_client.get(brief_url(round_))

    assert response.context["brief"].sections == []
    html = response.content.decode()
    assert "No prep answers for this interview yet." in html
    for section in Section:
        assert section.title not in html
    assert "Interviewers" not in html  # nobody listed yet


def test_a_task_ticked_without_a_note_and_a_note_on_an_open_task_both_show(
    candidate_client, coach, candidate, round_
):
    assignment = prep_for(coach, candidate, round_)
    answer(assignment, "close-references", done=True)
    answer(assignment, "close-certificates", done=False, response_text="Asking HR for a copy")

    brief = candidate_client.get(brief_url(round_)).context["brief"]

    bring = brief.section(Section.BRING).entries
    assert [(e.note, e.done) for e in bring] == [("", True), ("Asking HR for a copy", False)]


def test_items_of_the_coachs_own_and_withdrawn_checklists(
    coach, candidate, candidate_client, round_, prep
):
    own = make_assignment(candidate, kinds=(), round=round_, status=Assignment.Status.APPROVED)
    AssignmentItemFactory(
        assignment=own, kind=ItemKind.TEXT, prompt="Parking", response_text="Level 2, bay 14"
    )
    AssignmentItemFactory(
        assignment=own,
        kind=ItemKind.TEXT,
        prompt="Ask about on-call",
        question=QuestionFactory(owner=coach, category="ask"),
        response_text="How is on-call shared?",
    )
    withdrawn = make_assignment(candidate, kinds=(), round=round_)
    AssignmentItemFactory(assignment=withdrawn, response_text="Withdrawn answer")
    checklists_services.assignment_withdraw(assignment=withdrawn, by=coach)

    brief = candidate_client.get(brief_url(round_)).context["brief"]

    assert [e.note for e in brief.section(Section.OTHER).entries] == ["Level 2, bay 14"]
    assert [e.note for e in brief.section(Section.ASK).entries] == [
        QUALITIES_ASK,
        "How is on-call shared?",
    ]
    assert all(e.note != "Withdrawn answer" for s in brief.sections for e in s.entries)


@pytest.mark.parametrize(
    ("status", "draft"),
    [
        (Assignment.Status.ASSIGNED, True),
        (Assignment.Status.IN_PROGRESS, True),
        (Assignment.Status.SUBMITTED, True),
        (Assignment.Status.CHANGES_REQUESTED, True),
        (Assignment.Status.APPROVED, False),
    ],
)
def test_the_brief_is_a_draft_until_the_coach_approves(
    status, draft, candidate_client, coach_client, round_, prep
):
    set_status(prep, status)

    candidate_html = candidate_client.get(brief_url(round_)).content.decode()
    coach_html = coach_client.get(brief_url(round_, "coach")).content.decode()

    assert ("Draft: your coach has not approved this prep yet" in candidate_html) is draft
    assert ("Draft: you have not approved this prep yet" in coach_html) is draft


def test_one_unapproved_checklist_of_two_makes_a_draft(candidate_client, candidate, round_, prep):
    set_status(prep, Assignment.Status.APPROVED)
    make_assignment(candidate, round=round_)

    html = candidate_client.get(brief_url(round_)).content.decode()

    assert "Draft: your coach has not approved this prep yet" in html


@pytest.mark.parametrize(
    ("zone", "shown"),
    [
        ("America/New_York", f"Tuesday 1 December 2026, 10:00{DASH}10:45 EST"),
        ("Asia/Tokyo", f"Wednesday 2 December 2026, 00:00{DASH}00:45 JST"),
        ("UTC", f"Tuesday 1 December 2026, 15:00{DASH}15:45 UTC"),
    ],
    ids=["new-york", "tokyo", "utc"],
)
def test_the_time_is_shown_in_the_viewers_time_zone(
    zone, shown, candidate, candidate_client, round_
):
    candidate.user.time_zone = zone
    candidate.user.save(update_fields=["time_zone"])

    html = candidate_client.get(brief_url(round_)).content.decode()

    assert shown in html


def test_the_coach_sees_the_time_in_their_own_zone(coach, coach_client, round_):
    coach.time_zone = "Europe/Berlin"
    coach.save(update_fields=["time_zone"])

    html = coach_client.get(brief_url(round_, "coach")).content.decode()

    assert f"Tuesday 1 December 2026, 16:00{DASH}16:45 CET" in html


def test_interviewers_are_listed_with_their_roles(candidate_client, round_, interviewers):
    html = candidate_client.get(brief_url(round_)).content.decode()

    assert "Maria Gomez</span>, Head of Platform" in html
    assert "Hiring manager" in html
    assert "Tom Becker</span>, Staff Engineer" in html
    assert "Future teammate" in html


def test_the_coach_sees_the_same_brief(coach_client, round_, prep):
    response = coach_client.get(brief_url(round_, "coach"))

    assert response.status_code == 200
    html = response.content.decode()
    assert ROLE_NOTE in html
    assert "Maria Gomez" in html
    assert reverse("coach:round_brief_pdf", args=[round_.pk]) in html


def test_the_brief_has_a_print_stylesheet(candidate_client, round_):
    html = candidate_client.get(brief_url(round_)).content.decode()

    assert '<link rel="stylesheet" href="/static/css/brief.css">' in html
    css = pdf.static_file("/static/css/brief.css").read_text()
    assert "@media print" in css
    assert "size: auto" in css
    assert ".site-header" in css


@pytest.mark.parametrize("side", ["coach", "me"])
def test_another_coach_or_candidate_gets_404(
    side, round_, prep, other_coach_client, other_candidate_client
):
    other = other_coach_client if side == "coach" else other_candidate_client
    assert other.get(brief_url(round_, side)).status_code == 404
    assert other.get(pdf_url(round_, side)).status_code == 404


@pytest.mark.parametrize("items", [3, 40])
def test_the_brief_runs_a_fixed_number_of_queries(
    items, candidate, candidate_client, round_, interviewers, django_assert_max_num_queries
):
    assignment = make_assignment(candidate, kinds=(), round=round_)
    for n in range(items):
        AssignmentItemFactory(
            assignment=assignment,
            question=QuestionFactory(owner=candidate.coach, category="answer"),
            response_text=f"Answer {n}",
        )
    InterviewerFactory.create_batch(items, round=round_)

    # +1: unread notices in the navigation; +1: the state of the stored PDF;
    # +2: the stories the answers use and their frozen copies; +1: the files' names
    with django_assert_max_num_queries(11):
        response = candidate_client.get(brief_url(round_))

    assert len(response.context["brief"].section(Section.SUCCEED).entries) == items
    assert len(response.context["brief"].interviewers) == items + 2


def test_the_selector_runs_six_queries(round_, prep, django_assert_num_queries):
    # The interviewers, the checklists, their items; the stories the answers
    # use, and their frozen copies; the names of the files attached
    # (selectors/brief.py round_brief).
    with django_assert_num_queries(6):
        brief = brief_selectors.round_brief(round_)
        assert brief.sections and brief.interviewers


# ---------------------------------------------------------------- the PDF


@pytest.mark.parametrize("side", ["coach", "me"])
def test_the_pdf_is_downloaded_with_the_answers(side, coach_client, candidate_client, round_, prep):
    client = coach_client if side == "coach" else candidate_client

    response = client.get(pdf_url(round_, side))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="brief-fabrikam-2026-12-01.pdf"'
    assert response.content.startswith(b"%PDF-")
    text = pdf_text(response)
    for expected in [
        "Fabrikam",
        "Maria Gomez",
        "Tom Becker",
        "Hiring manager",
        QUALITIES_ASK,
        NOTICE_NOTE,
        "Draft:",
    ]:
        assert expected in text, expected


def test_the_pdf_file_name_has_the_local_date(candidate, candidate_client, round_):
    candidate.user.time_zone = "Asia/Tokyo"
    candidate.user.save(update_fields=["time_zone"])
    round_.opportunity.company = "Fabrikam & Söhne AG"
    round_.opportunity.save()

    response = candidate_client.get(pdf_url(round_))

    assert response["Content-Disposition"] == (
        'attachment; filename="brief-fabrikam-sohne-ag-2026-12-02.pdf"'
    )


def test_the_pdf_uses_the_print_stylesheet(candidate_client, round_, prep):
    """The stylesheet is read from disk: without it WeasyPrint would fall back to
    its default serif font."""
    reader = PdfReader(io.BytesIO(candidate_client.get(pdf_url(round_)).content))

    fonts = {
        str(font["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].get_object().values()
    }
    assert any("DejaVu-Sans" in name for name in fonts), fonts
    assert not any("Serif" in name for name in fonts), fonts


def test_the_pdf_fetches_static_files_from_disk_and_nothing_else():
    weasyprint = pytest.importorskip("weasyprint")
    fetcher = pdf._fetcher_class(weasyprint)()

    css = fetcher.fetch("https://coachsite.example.com/static/css/brief.css")
    assert b"@page" in css.read()
    assert css.content_type == "text/css"
    for url in [
        "https://cdn.example.com/bootstrap.css",
        "https://coachsite.example.com/static/../coachsite/settings.py",
        "https://coachsite.example.com/static/css/missing.css",
        "file:///etc/passwd",
    ]:
        with pytest.raises(ValueError, match="static files only"):
            fetcher.fetch(url)


def test_without_weasyprint_the_pdf_answers_503_and_points_at_the_page(
    monkeypatch, candidate_client, round_, prep
):
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # "import weasyprint" now fails

    response = candidate_client.get(pdf_url(round_))

    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert "The PDF is unavailable" in html
    assert f'href="{brief_url(round_)}"' in html
    assert candidate_client.get(brief_url(round_)).status_code == 200


def test_a_missing_system_library_also_answers_503(monkeypatch, coach_client, round_):
    def broken():
        raise pdf.PdfUnavailable("cannot load library 'libpango-1.0-0'")

    monkeypatch.setattr(pdf, "_weasyprint", broken)

    response = coach_client.get(pdf_url(round_, "coach"))

    assert response.status_code == 503
    assert "The PDF is unavailable" in response.content.decode()


# ---------------------------------------------------------------- where it is linked


def test_the_brief_is_linked_from_the_round_the_checklist_and_home(
    candidate_client, coach_client, round_, prep, time_machine
):
    time_machine.move_to(INTERVIEW_AT - datetime.timedelta(days=2))
    url = brief_url(round_)

    assert url in candidate_client.get(reverse("me:round", args=[round_.pk])).content.decode()
    assert url in candidate_client.get(reverse("me:checklist", args=[prep.pk])).content.decode()
    assert url in candidate_client.get(reverse("me:home")).content.decode()
    coach_page = coach_client.get(reverse("coach:round_detail", args=[round_.pk]))
    assert brief_url(round_, "coach") in coach_page.content.decode()


# ---------------------------------------------------------------- stories: "my examples"


def _use_story(prep, candidate, **values):
    story = stories_services.story_create(
        candidate=candidate,
        by=candidate.user,
        values={
            "title": "Churn model",
            "situation": "Renewals had fallen two quarters in a row.",
            "task": "Find which customers would leave.",
            "action": "I joined three years of data and built a simple model.",
            "result": "Renewals rose 12 % in the pilot.",
            "measurable_result": "12 % more renewals",
            **values,
        },
    )
    item = prep.items.get(question__builtin_key="success-my-match")
    checklists_services.item_story_use(item=item, story=story, by=candidate.user)
    return story


def test_a_used_story_shows_as_a_star_summary_under_its_answer(candidate, candidate_client, prep):
    _use_story(prep, candidate)
    response = candidate_client.get(brief_url(prep.round))
    entry = next(
        e
        for e in response.context["brief"].section(Section.SUCCEED).entries
        if e.note == MATCH_NOTE
    )
    assert [story.title for story in entry.stories] == ["Churn model"]
    assert entry.stories[0].parts == (
        ("S", "Renewals had fallen two quarters in a row."),
        ("T", "Find which customers would leave."),
        ("A", "I joined three years of data and built a simple model."),
        ("R", "Renewals rose 12 % in the pilot."),
    )
    body = response.content.decode()
    assert "Example: Churn model" in body and "(12 % more renewals)" in body


def test_a_submitted_checklists_brief_shows_the_story_as_the_coach_reviewed_it(
    candidate, candidate_client, prep
):
    story = _use_story(prep, candidate)
    checklists_services.assignment_save(
        assignment=prep, by=candidate.user, responses=sample_responses(prep, required_only=True)
    )
    checklists_services.assignment_submit(assignment=prep, by=candidate.user)
    stories_services.story_update(
        story=story,
        by=candidate.user,
        version=story.version,
        values={**story.content(), "title": "Renamed after submitting"},
    )
    body = candidate_client.get(brief_url(prep.round)).content.decode()
    assert "Example: Churn model" in body
    assert "Renamed after submitting" not in body


def test_an_answer_with_only_a_story_still_shows(candidate, candidate_client, prep):
    answer(prep, "success-my-match", response_text="")
    _use_story(prep, candidate)
    brief = candidate_client.get(brief_url(prep.round)).context["brief"]
    entries = brief.section(Section.SUCCEED).entries
    assert any(e.note == "" and e.stories for e in entries)


def test_stories_spend_the_briefs_budget_and_keep_their_titles_past_it(candidate, prep):
    long = "I did one more careful thing. " * 40
    _use_story(prep, candidate, situation=long, task=long, action=long, result=long)
    item = prep.items.get(question__builtin_key="success-my-match")
    entry = brief_selectors.entry_for(item)
    # Each part is cut to a compact reminder.
    assert all(
        len(text) <= brief_selectors.STORY_PART_LIMIT + 2 for _, text in entry.stories[0].parts
    )
    # Within the budget the summary shows; past it, the title only, and the
    # entry points at the app for the rest.
    (kept,) = brief_selectors.within_budget([entry], budget=5000)
    assert kept.stories[0].parts == entry.stories[0].parts
    (over,) = brief_selectors.within_budget([entry], budget=len(MATCH_NOTE) + 250)
    assert over.stories[0].title == "Churn model"
    assert over.stories[0].parts == ()
    assert over.stories_cut and over.more_in_app and not over.continued


def test_the_pdf_lists_the_stories_the_answers_use(candidate, candidate_client, prep):
    _use_story(prep, candidate)
    text = pdf_text(candidate_client.get(pdf_url(prep.round)))
    assert "Example: Churn model" in text
    assert "Renewals rose 12 % in the pilot." in text


# ---------------------------------------------------------------- files: what the candidate brings


def test_the_brief_and_its_pdf_list_the_files_by_name_without_their_bytes(
    candidate, candidate_client, round_, prep, private_files
):
    item = prep.items.get(question__builtin_key="close-show-work")
    files_services.item_file_add(
        item=item, upload=SimpleUploadedFile("portfolio.pdf", samples.PDF), by=candidate.user
    )
    # The brief names the file without reading it: gone from the storage, it still lists it.
    shutil.rmtree(private_files)
    page = candidate_client.get(brief_url(round_)).content.decode()
    assert "Bringing: portfolio.pdf" in page
    assert "Bringing: portfolio.pdf" in pdf_text(candidate_client.get(pdf_url(round_)))


def test_a_task_with_only_a_file_still_shows(candidate, candidate_client, round_, prep):
    item = prep.items.get(question__builtin_key="close-certificates")
    files_services.item_file_add(
        item=item, upload=SimpleUploadedFile("degree.png", samples.PNG), by=candidate.user
    )
    assert "Bringing: degree.png" in candidate_client.get(brief_url(round_)).content.decode()
