"""One round, followed through every place its time is shown, with the coach in
New York and the candidate in Berlin, across the weeks of March 2027 when the
United States are on summer time (from 14 March) and Europe is not yet (28
March): the two zones are 5 hours apart then, 6 hours before and after.

Each person reads their own zone, named; the coach's pages add the
candidate's time; calendars carry UTC.
"""

import datetime
import io
import re

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from interviews.models import ChecklistTemplate, Notification, NotificationKind, OutgoingEmail
from interviews.selectors import practices as practices_selectors
from interviews.services import reminders

from ..checklist_helpers import round_form_data
from ..conftest import client_for
from ..factories import (
    CandidateFactory,
    CoachFactory,
    OpportunityFactory,
    UserFactory,
    make_assignment,
)

UTC = datetime.UTC
DASH = "\N{EN DASH}"
#: Thursday 25 March 2027, 14:00 UTC: 10:00 EDT in New York, 15:00 CET in Berlin.
START = datetime.datetime(2027, 3, 25, 14, 0, tzinfo=UTC)
#: Tuesday 30 March 2027, 14:00 UTC: 10:00 EDT, and 16:00 CEST (Europe has switched).
LATER = datetime.datetime(2027, 3, 30, 14, 0, tzinfo=UTC)
#: The day before, 10:00 in Berlin (05:00 in New York, the coach's quiet hours).
EVE = datetime.datetime(2027, 3, 24, 9, 0, tzinfo=UTC)
PASSWORD = "plenty-long-password-7"


def page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def pdf_text(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    reader = PdfReader(io.BytesIO(response.content))
    return "\n".join(p.extract_text() for p in reader.pages)


def sweep(capture, kind: str) -> list[OutgoingEmail]:
    """The emails a sweep sends now that carry a reminder of ``kind``, alone or
    with the person's other reminders of that sweep (one email for several)."""
    emails_before = set(OutgoingEmail.objects.values_list("pk", flat=True))
    notices_before = set(Notification.objects.values_list("pk", flat=True))
    with capture(execute=True):
        reminders.sweep(datetime.datetime.now(UTC))
    made = Notification.objects.exclude(pk__in=notices_before).filter(kind=kind)
    sent = OutgoingEmail.objects.exclude(pk__in=emails_before)
    return [
        email
        for email in sent
        if any(email.to == n.user.email and n.subject in email.subject for n in made)
    ]


def test_one_round_is_read_in_each_persons_zone_everywhere(
    db, mailoutbox, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    prep = ChecklistTemplate.objects.get(builtin_key="second-round-prep", owner=None)
    with time_machine.travel(EVE, tick=False) as clock:
        coach = CoachFactory(
            email="casey@example.com", full_name="Casey Coach", time_zone="America/New_York"
        )
        coach_client = client_for(coach)
        alex = CandidateFactory(coach=coach, full_name="Alex Berger", email="alex@example.com")
        opportunity = OpportunityFactory(candidate=alex, company="Fabrikam", position="Designer")

        # The coach types 10:00, their own time.
        coach_client.post(
            reverse("coach:round_create", args=[opportunity.pk]),
            round_form_data(scheduled_at="2027-03-25T10:00", location="Fabrikam HQ"),
        )
        round_ = opportunity.rounds.get()
        assert round_.scheduled_at == START

        # The prep goes out with the invitation. Alex has no login yet, so the
        # email is in the coach's zone: it says which.
        with capture(execute=True):
            coach_client.post(
                reverse("coach:assignment_create"),
                {
                    "candidate": alex.pk,
                    "template": prep.pk,
                    "round": round_.pk,
                    "instructions": "",
                    "send_invitation": "on",
                },
            )
        (invitation_email,) = mailoutbox
        assert "It is for: Second-round interview at Fabrikam, Thu 25 Mar, 10:00 EDT." in (
            invitation_email.body
        )
        link = re.search(r"http://testserver(/invite/[\w-]+/)", invitation_email.body).group(1)

        # Alex joins; the browser says Berlin.
        alex_client = Client()
        joined = alex_client.post(
            link,
            {
                "full_name": "Alex Berger",
                "password1": PASSWORD,
                "password2": PASSWORD,
                "time_zone": "Europe/Berlin",
            },
        )
        assert joined.status_code == 302
        alex.refresh_from_db()
        assert alex.user.time_zone == "Europe/Berlin"

        # The next checklist reaches Alex's login, in Alex's zone.
        mailoutbox.clear()
        with capture(execute=True):
            coach_client.post(
                reverse("coach:assignment_create"),
                {"candidate": alex.pk, "template": prep.pk, "round": round_.pk, "instructions": ""},
            )
        (assigned_email,) = mailoutbox
        assert assigned_email.to == ["alex@example.com"]
        assert "It is for: Second-round interview at Fabrikam, Thu 25 Mar, 15:00 CET." in (
            assigned_email.body
        )
        assignment = alex.assignments.order_by("pk").last()

        # The coach's pages: their own time, then Alex's.
        both = "10:00 EDT \N{MIDDLE DOT} 15:00 CET for Alex"
        coach_round = page(coach_client, reverse("coach:round_detail", args=[round_.pk]))
        assert f"Thursday 25 March 2027, {both}" in coach_round
        dashboard = page(coach_client, reverse("coach:dashboard"))
        assert f"Thu 25 Mar, {both}" in dashboard
        for url in (
            reverse("coach:candidate_detail", args=[alex.pk]),
            reverse("coach:assignment_detail", args=[assignment.pk]),
        ):
            assert f"Second-round interview at Fabrikam, Thu 25 Mar, {both}" in page(
                coach_client, url
            )

        # Alex's pages: Alex's time only.
        alex_round = page(alex_client, reverse("me:round", args=[round_.pk]))
        assert "Thursday 25 March 2027, 15:00 CET (60 min)" in alex_round
        assert "open when the interview starts, on Thu 25 Mar 2027 at 15:00 CET." in alex_round
        alex_home = page(alex_client, reverse("me:home"))
        assert "Second-round interview at Fabrikam, Thu 25 Mar, 15:00 CET" in alex_home
        for html in (alex_round, alex_home):
            assert "EDT" not in html

        # The brief and its PDF, for each.
        assert f"Thursday 25 March 2027, 15:00{DASH}16:00 CET" in page(
            alex_client, reverse("me:round_brief", args=[round_.pk])
        )
        assert f"Thursday 25 March 2027, 10:00{DASH}11:00 EDT" in page(
            coach_client, reverse("coach:round_brief", args=[round_.pk])
        )
        alex_pdf = pdf_text(alex_client, reverse("me:round_brief_pdf", args=[round_.pk]))
        assert f"Thursday 25 March 2027, 15:00{DASH}16:00 CET" in alex_pdf
        coach_pdf = pdf_text(coach_client, reverse("coach:round_brief_pdf", args=[round_.pk]))
        assert f"Thursday 25 March 2027, 10:00{DASH}11:00 EDT" in coach_pdf

        # The eve, 10:00 in Berlin: Alex's reminder, in Alex's zone.
        (tomorrow,) = sweep(capture, NotificationKind.INTERVIEW_TOMORROW)
        assert tomorrow.to == "alex@example.com"
        # With the overdue checklist, in one email.
        assert "Tomorrow: Second-round interview at Fabrikam, Thu 25 Mar, 15:00 CET" in (
            tomorrow.subject
        )
        assert "When:  Thursday 25 March, 15:00 to 16:00 CET" in tomorrow.body
        # 09:00 in New York: the coach's (the prep is not done), in the coach's.
        clock.move_to(EVE + datetime.timedelta(hours=4))
        (prep_email,) = sweep(capture, NotificationKind.PREP_NOT_READY)
        assert prep_email.to == "casey@example.com"
        assert "interview tomorrow: Second-round interview at Fabrikam, Thu 25 Mar, 10:00 EDT." in (
            prep_email.body
        )

        # Calendars carry UTC, whoever reads them.
        coach.refresh_from_db()
        stamp = b"DTSTART:20270325T140000Z"
        for feed_owner in (coach, alex.user):
            feed = Client().get(reverse("calendar_feed", args=[feed_owner.calendar_token]))
            assert stamp in feed.content
        assert stamp in coach_client.get(reverse("coach:round_ics", args=[round_.pk])).content
        assert stamp in alex_client.get(reverse("me:round_ics", args=[round_.pk])).content

        # A final round after Europe's switch: 6 hours apart again.
        coach_client.post(
            reverse("coach:round_create", args=[opportunity.pk]),
            round_form_data(kind="final", scheduled_at="2027-03-30T10:00"),
        )
        final = opportunity.rounds.get(kind="final")
        assert final.scheduled_at == LATER
        assert "Tuesday 30 March 2027, 10:00 EDT \N{MIDDLE DOT} 16:00 CEST for Alex" in page(
            coach_client, reverse("coach:round_detail", args=[final.pk])
        )
        assert "Tuesday 30 March 2027, 16:00 CEST" in page(
            alex_client, reverse("me:round", args=[final.pk])
        )
        feed = Client().get(reverse("calendar_feed", args=[alex.user.calendar_token]))
        assert b"DTSTART:20270330T140000Z" in feed.content


@pytest.fixture
def joined_alex(coach, candidate):
    """The coach in New York; their candidate, joined, in Berlin."""
    coach.time_zone = "America/New_York"
    coach.save(update_fields=["time_zone"])
    candidate.user.time_zone = "Europe/Berlin"
    candidate.user.save(update_fields=["time_zone"])
    return candidate


def test_the_coachs_pages_add_the_candidates_time(coach, joined_alex):
    round_ = OpportunityFactory(candidate=joined_alex, company="Fabrikam").rounds.create(
        sequence=1, scheduled_at=START
    )
    assignment = make_assignment(joined_alex, round=round_)
    both = "10:00 EDT \N{MIDDLE DOT} 15:00 CET for Cam"
    with time_machine.travel(EVE, tick=False):
        client = client_for(coach)
        assert f"Thursday 25 March 2027, {both}</time> (60 min)" in page(
            client, reverse("coach:round_detail", args=[round_.pk])
        )
        assert f">Thu 25 Mar, {both}</time>" in page(client, reverse("coach:dashboard"))
        for url in (
            reverse("coach:candidate_detail", args=[joined_alex.pk]),
            reverse("coach:assignment_detail", args=[assignment.pk]),
        ):
            assert f"Second-round interview at Fabrikam, Thu 25 Mar, {both}</a>" in page(
                client, url
            )


def test_a_candidate_in_the_coachs_zone_gets_no_second_time(coach, joined_alex):
    joined_alex.user.time_zone = "America/Toronto"  # other name, same clock and abbreviation
    joined_alex.user.save(update_fields=["time_zone"])
    round_ = OpportunityFactory(candidate=joined_alex).rounds.create(sequence=1, scheduled_at=START)
    with time_machine.travel(EVE, tick=False):
        html = page(client_for(coach), reverse("coach:round_detail", args=[round_.pk]))
    assert "Thursday 25 March 2027, 10:00 EDT</time> (60 min)" in html
    assert " for Cam" not in html


def test_a_candidate_not_joined_yet_gets_no_second_time(coach):
    coach.time_zone = "America/New_York"
    coach.save(update_fields=["time_zone"])
    newcomer = CandidateFactory(coach=coach, full_name="Nia Newcomer")
    round_ = OpportunityFactory(candidate=newcomer).rounds.create(sequence=1, scheduled_at=START)
    with time_machine.travel(EVE, tick=False):
        html = page(client_for(coach), reverse("coach:round_detail", args=[round_.pk]))
    assert "Thursday 25 March 2027, 10:00 EDT</time> (60 min)" in html
    assert " for Nia" not in html


def test_the_lead_reads_the_practices_coming_interviews_in_both_zones(
    coach, joined_alex, practice, lead
):
    lead.time_zone = "Asia/Tokyo"
    lead.save(update_fields=["time_zone"])
    OpportunityFactory(candidate=joined_alex).rounds.create(sequence=1, scheduled_at=START)
    with time_machine.travel(EVE, tick=False):
        html = page(client_for(lead), reverse("practice:home"))
    # 23:00 in Tokyo, 15:00 in Berlin: the same day in both, so said once.
    assert "Thu 25 Mar, 23:00 JST \N{MIDDLE DOT} 15:00 CET for Cam" in html


def test_another_day_for_the_candidate_is_named(coach, joined_alex):
    # 20:00 in New York is 01:00 the next morning in Berlin.
    late = START + datetime.timedelta(hours=10)
    OpportunityFactory(candidate=joined_alex).rounds.create(sequence=1, scheduled_at=late)
    with time_machine.travel(EVE, tick=False):
        html = page(client_for(coach), reverse("coach:dashboard"))
    assert "Thu 25 Mar, 20:00 EDT \N{MIDDLE DOT} Fri 26 Mar, 01:00 CET for Cam" in html


def _join_from_berlin(coach, numbers: range) -> None:
    """Candidates of ``coach`` who joined from Berlin, each with an interview tomorrow."""
    for i in numbers:
        user = UserFactory(email=f"joined{i}@example.com", time_zone="Europe/Berlin")
        record = CandidateFactory(
            coach=coach, email=user.email, full_name=f"Kim{i} Berger", user=user
        )
        OpportunityFactory(candidate=record).rounds.create(sequence=1, scheduled_at=START)


@pytest.mark.parametrize(
    ("viewer", "url"),
    [("coach", reverse("coach:dashboard")), ("lead", reverse("practice:home"))],
)
def test_the_candidates_zone_costs_no_query_per_row(coach, practice, lead, viewer, url):
    """Pinned at two sizes, with candidates who joined (the page cost tests'
    candidates have no login, so they read no zone)."""
    coach.time_zone = "America/New_York"
    coach.save(update_fields=["time_zone"])
    counts = []
    with time_machine.travel(EVE, tick=False):
        client = client_for(coach if viewer == "coach" else lead)
        for numbers in (range(1), range(1, 6)):
            _join_from_berlin(coach, numbers)
            with CaptureQueriesContext(connection) as queries:
                html = page(client, url)
            # The dashboard's card draws the first six interviews, the
            # overview each coach's next three (issue 25).
            limit = 6 if viewer == "coach" else practices_selectors.OVERVIEW_INTERVIEWS
            shown = min(numbers.stop, limit)
            assert all(f"15:00 CET for Kim{i}<" in html for i in range(shown))
            counts.append(len(queries))
    assert counts[0] == counts[1]
