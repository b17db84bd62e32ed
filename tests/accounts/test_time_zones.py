"""A person's time zone: taken from the browser when an account is made (the
inviting coach's when the browser gives none or nonsense, never UTC by
default), and picked on the profile from a grouped list."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from interviews.models import PracticeMembership, User
from interviews.services import caseload as caseload_services
from interviews.services import practices as practices_services

from ..factories import PASSWORD, CandidateFactory, CoachFactory, UserFactory

NEW_PASSWORD = "plenty-long-password-7"
#: What the hidden field may carry besides a real zone: hostile or broken input
#: falls back like an empty field, and is never a form error or a 500.
NOT_ZONES = [
    "Mars/Olympus",
    "Europe",  # a folder of the zone database, not a zone
    "../../etc/passwd",
    "Europe/Berlin\x00",
    "Europe/Berlin ",
    "x" * 500,
]


@pytest.fixture
def new_yorker(coach):
    coach.time_zone = "America/New_York"
    coach.save(update_fields=["time_zone"])
    return coach


@pytest.fixture
def invite_url(new_yorker):
    record = CandidateFactory(coach=new_yorker, email="alex@example.com", full_name="Alex Doe")
    _, token = caseload_services.invitation_create(candidate=record, by=new_yorker)
    return reverse("invite_accept", args=[token])


def sign_up(url: str, **extra) -> Client:
    client = Client()
    data = {"full_name": "Alex Doe", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    response = client.post(url, data | extra)
    assert response.status_code == 302, response.content.decode()[:2000]
    return client


def zone_of(email: str) -> str:
    return User.objects.get(email=email).time_zone


# ---------------------------------------------------------------- the candidate's invitation


def test_the_invitation_page_asks_the_browser_for_its_zone(client, invite_url):
    html = client.get(invite_url).content.decode()
    assert re.search(r'<input type="hidden" name="time_zone" data-detect-zone[^>]*>', html)
    assert '<script src="/static/js/zone.js" defer></script>' in html


def test_the_browsers_zone_is_stored_with_the_new_account(invite_url):
    sign_up(invite_url, time_zone="Europe/Berlin")
    assert zone_of("alex@example.com") == "Europe/Berlin"


def test_an_old_name_the_browser_may_report_is_kept(invite_url):
    # Chromium still says Asia/Calcutta; the zone database knows it.
    sign_up(invite_url, time_zone="Asia/Calcutta")
    assert zone_of("alex@example.com") == "Asia/Calcutta"


@pytest.mark.parametrize("bogus", NOT_ZONES, ids=range(len(NOT_ZONES)))
def test_a_bogus_zone_falls_back_to_the_coachs(invite_url, bogus):
    sign_up(invite_url, time_zone=bogus)
    assert zone_of("alex@example.com") == "America/New_York"


def test_no_zone_falls_back_to_the_coachs(invite_url):
    sign_up(invite_url, time_zone="")
    assert zone_of("alex@example.com") == "America/New_York"


def test_a_form_without_the_field_falls_back_to_the_coachs(invite_url):
    sign_up(invite_url)
    assert zone_of("alex@example.com") == "America/New_York"


def test_an_existing_login_keeps_its_own_zone(new_yorker):
    returning = UserFactory(email="back@example.com", time_zone="Asia/Tokyo")
    record = CandidateFactory(coach=new_yorker, email=returning.email)
    _, token = caseload_services.invitation_create(candidate=record, by=new_yorker)
    client = Client()
    response = client.post(
        reverse("invite_accept", args=[token]), {"password": PASSWORD, "time_zone": "Europe/Rome"}
    )
    assert response.status_code == 302
    assert zone_of("back@example.com") == "Asia/Tokyo"


def test_the_service_falls_back_without_a_form(new_yorker):
    record = CandidateFactory(coach=new_yorker, email="svc@example.com")
    invitation, _ = caseload_services.invitation_create(candidate=record, by=new_yorker)
    user = caseload_services.invitation_accept(invitation=invitation, password=NEW_PASSWORD)
    assert user.time_zone == "America/New_York"


# ---------------------------------------------------------------- a coach joining a practice


@pytest.fixture
def join_url(lead):
    lead.time_zone = "Europe/London"
    lead.save(update_fields=["time_zone"])
    _, token = practices_services.practice_invite(
        practice=lead.practice_membership.practice, by=lead, email="newcoach@example.com"
    )
    return reverse("practice_join", args=[token])


def test_the_join_page_asks_the_browser_for_its_zone(client, join_url):
    html = client.get(join_url).content.decode()
    assert re.search(r'<input type="hidden" name="time_zone" data-detect-zone[^>]*>', html)
    assert '<script src="/static/js/zone.js" defer></script>' in html


def test_a_new_coach_gets_the_browsers_zone(join_url):
    sign_up(join_url, time_zone="Australia/Sydney")
    assert zone_of("newcoach@example.com") == "Australia/Sydney"


@pytest.mark.parametrize("sent", ["", "Mars/Olympus", None], ids=["empty", "bogus", "missing"])
def test_a_new_coach_without_a_browser_zone_gets_the_inviting_leads(join_url, sent):
    sign_up(join_url, **({} if sent is None else {"time_zone": sent}))
    assert zone_of("newcoach@example.com") == "Europe/London"


def test_when_the_inviting_lead_is_gone_the_practices_lead_zone_is_taken(lead, join_url):
    # The invitation outlives its sender (invited_by is set to NULL).
    practice = lead.practice_membership.practice
    other_lead = CoachFactory(email="lead2@example.com", time_zone="Asia/Singapore")
    PracticeMembership.objects.create(
        practice=practice, user=other_lead, role=PracticeMembership.Role.LEAD
    )
    lead.delete()
    sign_up(join_url, time_zone="")
    assert zone_of("newcoach@example.com") == "Asia/Singapore"


# ---------------------------------------------------------------- the profile's picker


def test_the_picker_groups_zones_by_region_with_the_current_one_first(coach, coach_client):
    coach.time_zone = "Europe/Berlin"
    coach.save(update_fields=["time_zone"])
    html = coach_client.get(reverse("profile")).content.decode()
    select = html[html.index('<select name="time_zone"') : html.index("</select>")]
    groups = re.findall(r'<optgroup label="([^"]+)">', select)
    assert groups[0] == "Current"
    assert {"Africa", "America", "Asia", "Europe", "Pacific", "Other"} <= set(groups)
    first = re.search(r"<option [^>]*>([^<]+)</option>", select)
    assert (
        first.group(0) == '<option value="Europe/Berlin" selected>Current: Europe/Berlin</option>'
    )
    # Places are named with their country, and old aliases are not offered.
    assert '<option value="Europe/Berlin">Berlin (Germany)</option>' in select
    assert '<option value="America/New_York">New York (United States)</option>' in select
    assert "US/Eastern" not in select
    # Labelled, and enhanced by the static script only.
    assert re.search(r'<label\s+for="id_time_zone"', html)
    assert "data-zone-picker" in select
    assert '<script src="/static/js/zone.js" defer></script>' in html


def test_the_picker_saves_any_zone_the_database_knows(coach, coach_client):
    for zone in ("Asia/Kathmandu", "US/Eastern", "Asia/Calcutta"):
        response = coach_client.post(reverse("profile"), {"full_name": "C", "time_zone": zone})
        assert response.status_code == 302
        coach.refresh_from_db()
        assert coach.time_zone == zone


@pytest.mark.parametrize("bogus", NOT_ZONES, ids=range(len(NOT_ZONES)))
def test_the_picker_refuses_anything_else_with_a_form_error(coach, coach_client, bogus):
    response = coach_client.post(reverse("profile"), {"full_name": "C", "time_zone": bogus})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    coach.refresh_from_db()
    assert coach.time_zone == "UTC"


# ---------------------------------------------------------------- the zone banner

USE_ZONE = reverse("time_zone_use")


def test_every_signed_in_page_carries_the_hidden_zone_offer(coach, coach_client):
    html = coach_client.get(reverse("coach:dashboard")).content.decode()
    form = re.search(r'<form method="post" action="[^"]+"[^>]*data-zone-offer="UTC"[^>]*>', html)
    assert form is not None
    assert " hidden>" in form.group(0)  # shown by static/js/zone.js only
    assert 'action="/accounts/profile/time-zone/"' in form.group(0)
    assert 'name="next" value="/coach/"' in html
    assert "static/js/zone.js" in html


def test_the_offer_is_not_on_public_pages(client):
    html = client.get(reverse("login")).content.decode()
    assert "data-zone-offer" not in html


def test_taking_the_offer_switches_the_zone_and_returns_to_the_page(coach, coach_client):
    response = coach_client.post(
        USE_ZONE, {"time_zone": "Asia/Tokyo", "next": "/coach/candidates/?q=ada"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/coach/candidates/?q=ada"
    coach.refresh_from_db()
    assert coach.time_zone == "Asia/Tokyo"
    page = coach_client.get(response["Location"]).content.decode()
    assert "Times are now shown in Asia/Tokyo." in page
    assert 'data-zone-offer="Asia/Tokyo"' in page


@pytest.mark.parametrize("bogus", [*NOT_ZONES, ""])
def test_an_unknown_zone_changes_nothing_and_says_so(coach, coach_client, bogus):
    response = coach_client.post(USE_ZONE, {"time_zone": bogus, "next": "/coach/"}, follow=True)
    assert response.status_code == 200
    coach.refresh_from_db()
    assert coach.time_zone == "UTC"
    assert "choose yours on your profile page" in response.content.decode()


def test_the_offer_never_leads_off_the_site(candidate, candidate_client):
    response = candidate_client.post(
        USE_ZONE, {"time_zone": "Europe/Berlin", "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("profile")
    candidate.user.refresh_from_db()
    assert candidate.user.time_zone == "Europe/Berlin"


def test_the_offer_only_takes_a_post(coach_client, client):
    assert coach_client.get(USE_ZONE).status_code == 405
    response = client.post(USE_ZONE, {"time_zone": "Europe/Berlin"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
