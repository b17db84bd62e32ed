"""The calendar: the private feed /calendar/<token>.ics and each round's .ics."""

import datetime
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from interviews.models import Assignment, InterviewRound, Opportunity
from interviews.selectors import calendar
from interviews.services import accounts as accounts_services
from interviews.services import caseload as caseload_services
from interviews.services import checklists as checklists_services
from interviews.services import rounds as rounds_services

from ..factories import (
    CandidateFactory,
    InterviewerFactory,
    InterviewRoundFactory,
    OpportunityFactory,
    make_assignment,
)

SITE = "http://testserver"


def soon(**delta) -> datetime.datetime:
    """A time relative to now, on the minute (as a form would store it)."""
    return (timezone.now() + datetime.timedelta(**delta)).replace(second=0, microsecond=0)


def feed_url(user) -> str:
    return reverse("calendar_feed", args=[user.calendar_token])


def parse(response) -> Calendar:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def events(cal: Calendar) -> dict[str, object]:
    """The calendar's VEVENTs by UID (each UID once)."""
    found = cal.walk("VEVENT")
    by_uid = {str(event["UID"]): event for event in found}
    assert len(by_uid) == len(found), "a UID appears twice"
    return by_uid


def feed(client, user) -> dict[str, object]:
    return events(parse(client.get(feed_url(user))))


def round_uid(round_) -> str:
    return f"round-{round_.pk}@coachsite"


def checklist_uid(assignment) -> str:
    return f"checklist-{assignment.pk}@coachsite"


@pytest.fixture
def opportunity(candidate):
    return OpportunityFactory(candidate=candidate, company="Fabrikam", position="Data Lead")


@pytest.fixture
def round_(opportunity):
    round_ = InterviewRoundFactory(
        opportunity=opportunity,
        sequence=1,
        scheduled_at=soon(days=3),
        duration_minutes=45,
        location="Video call: https://meet.example.com/abc-defg",
    )
    InterviewerFactory(round=round_, name="Ann Lee", job_title="Head of Data")
    InterviewerFactory(round=round_, name="Tom Becker", job_title="")
    return round_


@pytest.fixture
def other_round(other_candidate):
    return InterviewRoundFactory(
        opportunity=OpportunityFactory(candidate=other_candidate, company="Contoso"),
        scheduled_at=soon(days=2),
    )


# ---------------------------------------------------------------- what the feed lists


def test_the_feed_parses_and_its_event_matches_the_round(client, candidate, round_):
    response = client.get(feed_url(candidate.user))
    cal = parse(response)

    assert str(cal["VERSION"]) == "2.0"
    assert str(cal["PRODID"]) == calendar.PRODID
    assert str(cal["X-WR-CALNAME"]) == "Coachsite — Cam Candidate"
    event = events(cal)[round_uid(round_)]
    assert str(event["SUMMARY"]) == "Second-round interview at Fabrikam"
    assert event.decoded("DTSTART") == round_.scheduled_at
    assert event.decoded("DTEND") == round_.scheduled_at + datetime.timedelta(minutes=45)
    assert str(event["LOCATION"]) == "Video call: https://meet.example.com/abc-defg"
    # The video link is the event's link; the brief is in the description.
    assert str(event["URL"]) == "https://meet.example.com/abc-defg"
    description = str(event["DESCRIPTION"])
    assert "Data Lead at Fabrikam" in description
    assert "- Ann Lee (Head of Data)\n- Tom Becker" in description
    assert f"{SITE}/me/rounds/{round_.pk}/brief/" in description
    assert str(event["STATUS"]) == "CONFIRMED"


def test_a_round_at_a_place_links_to_the_brief(client, candidate, round_):
    InterviewRound.objects.filter(pk=round_.pk).update(location="On site, 1 King St")
    event = feed(client, candidate.user)[round_uid(round_)]
    assert str(event["LOCATION"]) == "On site, 1 King St"
    assert str(event["URL"]) == f"{SITE}/me/rounds/{round_.pk}/brief/"


def test_a_link_inside_the_location_is_the_events_link(client, candidate, round_):
    InterviewRound.objects.filter(pk=round_.pk).update(
        location="Zoom (https://zoom.us/j/123?pwd=x)."
    )
    event = feed(client, candidate.user)[round_uid(round_)]
    assert str(event["URL"]) == "https://zoom.us/j/123?pwd=x"


def test_times_are_written_in_utc(client, candidate, opportunity):
    candidate.user.time_zone = "Asia/Tokyo"
    candidate.user.save()
    new_york = zoneinfo.ZoneInfo("America/New_York")
    local = (timezone.now() + datetime.timedelta(days=10)).astimezone(new_york)
    local = local.replace(hour=9, minute=30, second=0, microsecond=0)
    round_ = InterviewRoundFactory(opportunity=opportunity, scheduled_at=local)

    response = client.get(feed_url(candidate.user))

    utc = local.astimezone(datetime.UTC)
    assert f"DTSTART:{utc:%Y%m%dT%H%M%S}Z".encode() in response.content
    start = events(parse(response))[round_uid(round_)].decoded("DTSTART")
    assert start.utcoffset() == datetime.timedelta(0)
    assert start == local


def test_a_round_without_a_known_length_lasts_an_hour(round_):
    round_ = InterviewRound.objects.with_kind_count().get(pk=round_.pk)
    round_.duration_minutes = None

    event = events(Calendar.from_ical(calendar.round_calendar(round_, calendar.CANDIDATE)))[
        round_uid(round_)
    ]

    assert event.decoded("DTEND") - event.decoded("DTSTART") == datetime.timedelta(hours=1)


def test_a_due_date_is_an_all_day_event(client, candidate):
    due = timezone.localdate() + datetime.timedelta(days=5)
    assignment = make_assignment(candidate, title="Second-round prep", due_date=due)

    response = client.get(feed_url(candidate.user))

    event = events(parse(response))[checklist_uid(assignment)]
    assert str(event["SUMMARY"]) == "Due: Second-round prep"
    start, end = event.decoded("DTSTART"), event.decoded("DTEND")
    assert type(start) is datetime.date and start == due
    assert end == due + datetime.timedelta(days=1)
    assert f"DTSTART;VALUE=DATE:{due:%Y%m%d}".encode() in response.content
    assert str(event["TRANSP"]) == "TRANSPARENT"
    assert str(event["URL"]) == f"{SITE}/me/checklists/{assignment.pk}/"
    assert str(event["STATUS"]) == "CONFIRMED"


def test_an_approved_checklist_is_marked(client, candidate):
    assignment = make_assignment(
        candidate,
        title="Prep",
        due_date=timezone.localdate(),
        status=Assignment.Status.APPROVED,
    )
    event = feed(client, candidate.user)[checklist_uid(assignment)]
    assert str(event["SUMMARY"]) == "Due: Prep (approved)"


def test_the_feed_keeps_just_passed_events_and_leaves_out_old_and_undated_ones(
    client, candidate, opportunity
):
    recent = InterviewRoundFactory(opportunity=opportunity, scheduled_at=soon(days=-29))
    old = InterviewRoundFactory(opportunity=opportunity, scheduled_at=soon(days=-31))
    undated = InterviewRoundFactory(opportunity=opportunity, scheduled_at=None)
    today = timezone.localdate()
    recent_due = make_assignment(candidate, due_date=today - datetime.timedelta(days=29))
    old_due = make_assignment(candidate, due_date=today - datetime.timedelta(days=31))
    undue = make_assignment(candidate, due_date=None)

    uids = set(feed(client, candidate.user))

    assert uids == {round_uid(recent), checklist_uid(recent_due)}
    assert not {round_uid(old), round_uid(undated), checklist_uid(old_due)} & uids
    assert checklist_uid(undue) not in uids


# ---------------------------------------------------------------- whose events


def test_the_coach_feed_covers_their_candidates(client, coach, candidate, round_, other_round):
    assignment = make_assignment(
        candidate, title="Prep", due_date=timezone.localdate() + datetime.timedelta(days=1)
    )

    found = feed(client, coach)

    assert set(found) == {round_uid(round_), checklist_uid(assignment)}
    event = found[round_uid(round_)]
    assert str(event["SUMMARY"]) == "Cam Candidate — Second-round interview at Fabrikam"
    assert "Candidate: Cam Candidate" in str(event["DESCRIPTION"])
    assert f"{SITE}/coach/rounds/{round_.pk}/brief/" in str(event["DESCRIPTION"])
    checklist = found[checklist_uid(assignment)]
    assert str(checklist["SUMMARY"]) == "Due: Cam Candidate — Prep"
    assert str(checklist["URL"]) == f"{SITE}/coach/assignments/{assignment.pk}/"


def test_the_coach_feed_leaves_out_archived_candidates(client, coach, candidate, round_):
    make_assignment(candidate, due_date=timezone.localdate())
    caseload_services.candidate_archive(candidate=candidate, by=coach)

    assert feed(client, coach) == {}


def test_nobody_sees_anyone_elses_events(
    client, coach, other_coach, candidate, other_candidate, round_, other_round
):
    """Each feed holds exactly its owner's events, whichever client asks."""
    due = timezone.localdate() + datetime.timedelta(days=2)
    mine = make_assignment(candidate, due_date=due)
    theirs = make_assignment(other_candidate, due_date=due)
    own = {round_uid(round_), checklist_uid(mine)}
    others = {round_uid(other_round), checklist_uid(theirs)}

    expected = {
        coach: own,
        candidate.user: own,
        other_coach: others,
        other_candidate.user: others,
    }
    for user, uids in expected.items():
        assert set(feed(client, user)) == uids, user


def test_a_candidate_feed_covers_every_coach_they_work_with(client, candidate, round_, other_coach):
    second = CandidateFactory(coach=other_coach, email=candidate.email, user=candidate.user)
    elsewhere = InterviewRoundFactory(
        opportunity=OpportunityFactory(candidate=second), scheduled_at=soon(days=4)
    )

    assert set(feed(client, candidate.user)) == {round_uid(round_), round_uid(elsewhere)}


# ---------------------------------------------------------------- the token


def test_the_feed_needs_no_login_and_is_not_cached(client, candidate, round_):
    response = client.get(feed_url(candidate.user))
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"


def test_an_unknown_token_is_not_found(client, candidate, round_):
    assert client.get(reverse("calendar_feed", args=["no-such-token"])).status_code == 404
    assert client.get(feed_url(candidate.user)[:-5] + "x.ics").status_code == 404


def test_an_inactive_users_feed_is_not_found(client, candidate, round_):
    candidate.user.is_active = False
    candidate.user.save()
    assert client.get(feed_url(candidate.user)).status_code == 404


def test_replacing_the_token_kills_the_old_address(client, candidate_client, candidate, round_):
    user = candidate.user
    old_url = feed_url(user)

    response = candidate_client.post(reverse("calendar_token_replace"), follow=True)

    assert response.redirect_chain == [(reverse("profile"), 302)]
    assert "old address no longer works" in response.content.decode()
    user.refresh_from_db()
    assert feed_url(user) != old_url
    assert client.get(old_url).status_code == 404
    assert round_uid(round_) in feed(client, user)
    # The profile shows the new address.
    assert f"{SITE}{feed_url(user)}" in response.content.decode()


def test_replacing_the_token_is_post_only(candidate_client, candidate):
    token = candidate.user.calendar_token
    assert candidate_client.get(reverse("calendar_token_replace")).status_code == 405
    candidate.user.refresh_from_db()
    assert candidate.user.calendar_token == token


def test_the_service_leaves_other_users_alone(candidate, other_candidate):
    before = other_candidate.user.calendar_token
    accounts_services.calendar_token_replace(user=candidate.user)
    other_candidate.user.refresh_from_db()
    assert other_candidate.user.calendar_token == before


# ---------------------------------------------------------------- cancelled


def test_a_withdrawn_round_is_cancelled(client, candidate, round_):
    rounds_services.round_record_outcome(round=round_, by=candidate.user, outcome="withdrawn")
    assert str(feed(client, candidate.user)[round_uid(round_)]["STATUS"]) == "CANCELLED"


def test_a_pending_round_of_a_closed_opportunity_is_cancelled(client, candidate, round_):
    Opportunity.objects.filter(pk=round_.opportunity_id).update(status=Opportunity.Status.REJECTED)
    assert str(feed(client, candidate.user)[round_uid(round_)]["STATUS"]) == "CANCELLED"


def test_a_round_that_took_place_stays_when_it_closes_the_opportunity(
    client, candidate, opportunity
):
    held = InterviewRoundFactory(opportunity=opportunity, scheduled_at=soon(days=-1))
    rounds_services.round_record_outcome(round=held, by=candidate.user, outcome="rejected")
    opportunity.refresh_from_db()
    assert opportunity.status == Opportunity.Status.REJECTED

    assert str(feed(client, candidate.user)[round_uid(held)]["STATUS"]) == "CONFIRMED"


def test_a_withdrawn_checklist_is_cancelled(client, coach, candidate):
    assignment = make_assignment(candidate, due_date=timezone.localdate())
    checklists_services.assignment_withdraw(assignment=assignment, by=coach)

    for user in (candidate.user, coach):
        event = feed(client, user)[checklist_uid(assignment)]
        assert str(event["STATUS"]) == "CANCELLED"
    # The candidate can no longer open it: no link to a page that is gone.
    assert "URL" not in feed(client, candidate.user)[checklist_uid(assignment)]


# ---------------------------------------------------------------- stable UIDs


def test_uids_are_stable_and_shared_with_the_round_download(
    client, candidate_client, candidate, round_
):
    first = client.get(feed_url(candidate.user)).content
    second = client.get(feed_url(candidate.user)).content
    assert first == second

    download = events(parse(candidate_client.get(reverse("me:round_ics", args=[round_.pk]))))
    assert list(download) == [round_uid(round_)]
    from_feed = events(Calendar.from_ical(first))[round_uid(round_)]
    assert download[round_uid(round_)].to_ical() == from_feed.to_ical()


def test_a_changed_round_keeps_its_uid_with_a_higher_sequence(client, candidate, round_):
    before = feed(client, candidate.user)[round_uid(round_)]
    moved = round_.scheduled_at + datetime.timedelta(days=1)
    InterviewRound.objects.filter(pk=round_.pk).update(
        scheduled_at=moved, updated_at=timezone.now() + datetime.timedelta(minutes=5)
    )

    after = feed(client, candidate.user)[round_uid(round_)]

    assert after.decoded("DTSTART") == moved
    assert after.decoded("SEQUENCE") > before.decoded("SEQUENCE")
    assert after.decoded("LAST-MODIFIED") > before.decoded("LAST-MODIFIED")


# ---------------------------------------------------------------- the round download


def test_the_coach_downloads_a_round(coach_client, round_):
    response = coach_client.get(reverse("coach:round_ics", args=[round_.pk]))

    date = timezone.localdate(round_.scheduled_at).isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="interview-fabrikam-{date}.ics"'
    )
    event = events(parse(response))[round_uid(round_)]
    assert str(event["SUMMARY"]) == "Cam Candidate — Second-round interview at Fabrikam"
    assert event.decoded("DTSTART") == round_.scheduled_at


def test_the_candidate_downloads_a_round(candidate_client, round_):
    response = candidate_client.get(reverse("me:round_ics", args=[round_.pk]))

    assert response["Content-Disposition"].startswith("attachment; filename=")
    event = events(parse(response))[round_uid(round_)]
    assert str(event["SUMMARY"]) == "Second-round interview at Fabrikam"


def test_others_cannot_download_a_round(
    other_coach_client, other_candidate_client, coach_client, candidate_client, round_
):
    assert other_coach_client.get(reverse("coach:round_ics", args=[round_.pk])).status_code == 404
    assert other_candidate_client.get(reverse("me:round_ics", args=[round_.pk])).status_code == 404
    # Each side's address is for that side only.
    assert coach_client.get(reverse("me:round_ics", args=[round_.pk])).status_code == 404
    assert candidate_client.get(reverse("coach:round_ics", args=[round_.pk])).status_code == 404


def test_a_round_without_a_time_has_no_download(coach_client, candidate_client, opportunity):
    undated = InterviewRoundFactory(opportunity=opportunity, scheduled_at=None)
    assert coach_client.get(reverse("coach:round_ics", args=[undated.pk])).status_code == 404
    assert candidate_client.get(reverse("me:round_ics", args=[undated.pk])).status_code == 404


# ---------------------------------------------------------------- pages


def test_the_profile_shows_the_address_and_the_replace_button(candidate_client, candidate):
    page = candidate_client.get(reverse("profile")).content.decode()

    assert f'value="{SITE}{feed_url(candidate.user)}" readonly' in page
    assert '<label class="form-label" for="calendar-url">' in page
    assert f'action="{reverse("calendar_token_replace")}"' in page


@pytest.mark.parametrize(
    ("client_name", "page", "ics"),
    [
        ("coach_client", "coach:round_detail", "coach:round_ics"),
        ("candidate_client", "me:round", "me:round_ics"),
    ],
)
def test_round_pages_offer_the_download_only_with_a_time(
    request, client_name, page, ics, round_, opportunity
):
    client = request.getfixturevalue(client_name)
    undated = InterviewRoundFactory(opportunity=opportunity, scheduled_at=None)

    scheduled = client.get(reverse(page, args=[round_.pk])).content.decode()
    unscheduled = client.get(reverse(page, args=[undated.pk])).content.decode()

    assert f'href="{reverse(ics, args=[round_.pk])}"' in scheduled
    assert "Add to calendar (.ics)" in scheduled
    assert "Add to calendar (.ics)" not in unscheduled


# ---------------------------------------------------------------- queries


@pytest.mark.parametrize("size", [1, 20])
def test_the_feed_runs_a_fixed_number_of_queries(
    client, coach, candidate, size, django_assert_max_num_queries
):
    due = timezone.localdate() + datetime.timedelta(days=3)
    for n in range(size):
        opportunity = OpportunityFactory(candidate=candidate)
        for sequence in (1, 2):
            round_ = InterviewRoundFactory(
                opportunity=opportunity, sequence=sequence, scheduled_at=soon(days=n + 1)
            )
            InterviewerFactory.create_batch(2, round=round_)
        make_assignment(candidate, kinds=(), round=round_, due_date=due)

    for user in (coach, candidate.user):
        # The token, the feed's version (test_calendar_cache.py), the rounds,
        # their interviewers, the checklists.
        with django_assert_max_num_queries(5):
            found = feed(client, user)
        assert len(found) == size * 3
        assert all(
            "Interviewers:" in str(event["DESCRIPTION"])
            for uid, event in found.items()
            if uid.startswith("round-")
        )
