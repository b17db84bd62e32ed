"""The notices pages: the in-app list and its badge, opening a notice,
Profile → Notifications, and the public one-click unsubscribe link."""

import datetime
import re
import zoneinfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from interviews.models import (
    Notification,
    NotificationDelivery,
    NotificationKind,
    NotificationPreference,
)
from interviews.selectors import notifications as notifications_selectors
from interviews.services import notifications as notifications_services

from ..factories import make_assignment

LIST = reverse("notifications")
SETTINGS = reverse("notification_settings")
Kind = NotificationKind


def _notice(user, subject="Something happened", *, kind=Kind.ASSIGNMENT_SUBMITTED, **kwargs):
    """A notice as notify() keeps it, without rendering an email: the row, and
    the user's unread count set from the rows (test_unread_count.py tests that
    the services keep it)."""
    defaults = {
        "object_key": f"test:{subject}",
        "occasion": "1",
        "url": "/coach/",
    }
    notice = Notification.objects.create(
        user=user, kind=kind, subject=subject, **{**defaults, **kwargs}
    )
    notifications_services.unread_notices_recount(users=[user])
    user.refresh_from_db(fields=["unread_notices"])
    return notice


def _badge(html: str) -> str | None:
    """The unread count shown next to "Notifications" in the navigation."""
    match = re.search(
        r'href="/notifications/"[^>]*>Notifications <span class="badge[^"]*">(\d+)'
        r'<span class="visually-hidden"> unread</span>',
        html,
    )
    return match.group(1) if match else None


# ---------------------------------------------------------------- the list and the badge


def test_the_list_shows_own_notices_newest_first(coach, other_coach, coach_client):
    now = timezone.now()
    _notice(coach, "Older news", created_at=now - datetime.timedelta(days=2))
    _notice(coach, "Newer news", created_at=now - datetime.timedelta(hours=1))
    _notice(other_coach, "Someone else's news")

    response = coach_client.get(LIST)

    html = response.content.decode()
    assert response.status_code == 200
    assert html.index("Newer news") < html.index("Older news")
    assert "Someone else" not in html
    assert [n.subject for n in response.context["page"]] == ["Newer news", "Older news"]


def test_each_notice_time_is_a_valid_datetime_attribute_to_the_second(coach, coach_client):
    # Stored times carry microseconds; the HTML checker rejects them in datetime="".
    at = datetime.datetime(2026, 3, 4, 10, 15, 30, 123456, tzinfo=datetime.UTC)
    _notice(coach, "Timed news", created_at=at)

    html = coach_client.get(LIST).content.decode()

    local = at.astimezone(zoneinfo.ZoneInfo(coach.time_zone))
    stamps = re.findall(r'<time datetime="([^"]*)"', html)
    assert stamps == [local.replace(microsecond=0).isoformat()]
    assert re.fullmatch(r"2026-03-04T\d\d:\d\d:30[+-]\d\d:\d\d", stamps[0])


def test_unread_notices_are_marked_in_words_not_only_bold(coach, coach_client):
    _notice(coach, "Unread one")
    _notice(coach, "Read one", read_at=timezone.now())

    html = coach_client.get(LIST).content.decode()

    assert html.count(">New</span>") == 1
    unread_row = html[html.index(">New</span>") : html.index("Unread one")]
    assert "fw-bold" in unread_row
    assert "Read one" in html


def test_the_list_is_paged_by_25(coach, coach_client):
    for n in range(27):
        _notice(coach, f"Notice {n}")

    first = coach_client.get(LIST)
    second = coach_client.get(LIST, {"page": 2})

    assert len(first.context["page"]) == 25
    assert len(second.context["page"]) == 2
    assert 'rel="next"' in first.content.decode()


def test_the_empty_list_says_what_will_appear(candidate_client):
    html = candidate_client.get(LIST).content.decode()

    assert "No notices yet." in html
    assert "news from your coach" in html
    assert "Mark all as read" not in html
    assert reverse("notification_settings") in html


def test_the_navigation_shows_the_unread_count(coach, coach_client):
    _notice(coach, "One")
    _notice(coach, "Two")
    _notice(coach, "Three, already read", read_at=timezone.now())

    html = coach_client.get(reverse("coach:dashboard")).content.decode()

    assert _badge(html) == "2"


def test_the_navigation_shows_no_badge_without_unread_notices(coach, coach_client):
    _notice(coach, "Read", read_at=timezone.now())

    html = coach_client.get(reverse("coach:dashboard")).content.decode()

    assert 'href="/notifications/"' in html
    assert _badge(html) is None
    assert " unread</span>" not in html


def test_the_badge_reads_the_count_on_the_user_row_with_no_query(
    coach, rf, django_assert_num_queries
):
    from interviews.context_processors import unread_notifications

    _notice(coach, "One")
    request = rf.get("/")
    request.user = coach
    with django_assert_num_queries(0):
        assert unread_notifications(request)["unread_notifications"] == 1


def test_anonymous_pages_count_nothing(db, rf, django_assert_num_queries):
    from django.contrib.auth.models import AnonymousUser

    from interviews.context_processors import unread_notifications

    request = rf.get("/")
    request.user = AnonymousUser()
    with django_assert_num_queries(0):
        assert not unread_notifications(request)["unread_notifications"]


# ---------------------------------------------------------------- opening


def test_opening_marks_read_and_goes_to_its_page(coach, coach_client):
    notice = _notice(coach, url="/coach/candidates/")

    response = coach_client.post(reverse("notification_open", args=[notice.pk]))

    assert response.status_code == 302
    assert response.url == "/coach/candidates/"
    notice.refresh_from_db()
    assert notice.read_at is not None


def test_opening_someone_elses_notice_is_404_and_changes_nothing(other_coach, coach_client):
    notice = _notice(other_coach)

    response = coach_client.post(reverse("notification_open", args=[notice.pk]))

    assert response.status_code == 404
    notice.refresh_from_db()
    assert notice.read_at is None


def test_opening_needs_a_post(coach, coach_client):
    notice = _notice(coach)

    response = coach_client.get(reverse("notification_open", args=[notice.pk]))

    assert response.status_code == 405
    notice.refresh_from_db()
    assert notice.read_at is None


@pytest.mark.parametrize(
    "url",
    ["https://evil.example/", "//evil.example", "/\\evil.example", "javascript:alert(1)", ""],
)
def test_a_url_off_the_site_leads_to_the_list(coach, coach_client, url):
    notice = _notice(coach, url=url)

    response = coach_client.post(reverse("notification_open", args=[notice.pk]))

    assert response.status_code == 302
    assert response.url == LIST
    notice.refresh_from_db()
    assert notice.read_at is not None


def test_read_all_marks_only_own_notices(coach, other_coach, coach_client):
    mine = [_notice(coach, "One"), _notice(coach, "Two")]
    theirs = _notice(other_coach, "Theirs")

    response = coach_client.post(reverse("notifications_read_all"))

    assert response.status_code == 302
    assert response.url == LIST
    assert all(Notification.objects.get(pk=n.pk).read_at for n in mine)
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert _badge(coach_client.get(LIST).content.decode()) is None


def test_read_all_needs_a_post(coach, coach_client):
    notice = _notice(coach)

    assert coach_client.get(reverse("notifications_read_all")).status_code == 405
    notice.refresh_from_db()
    assert notice.read_at is None


# ---------------------------------------------------------------- settings


def test_a_candidate_chooses_candidate_kinds_without_delivery(candidate_client):
    response = candidate_client.get(SETTINGS)

    html = response.content.decode()
    assert response.status_code == 200
    for kind in notifications_selectors.CANDIDATE_KINDS:
        assert f'name="enabled-{kind}"' in html
        assert kind.label in html
    for kind in notifications_selectors.COACH_KINDS:
        assert f'name="enabled-{kind}"' not in html
    assert 'name="delivery-' not in html
    assert "daily digest" not in html
    assert "between 21:00 and 08:00" in html


def test_a_coach_chooses_coach_kinds_with_delivery(coach_client):
    response = coach_client.get(SETTINGS)

    html = response.content.decode()
    assert response.status_code == 200
    for kind in notifications_selectors.COACH_KINDS:
        assert f'name="enabled-{kind}"' in html
        assert f'name="delivery-{kind}"' in html
    for kind in notifications_selectors.CANDIDATE_KINDS:
        assert f'name="enabled-{kind}"' not in html
    assert "Straight away" in html
    assert "In one daily digest at 08:00" in html
    # What the digest holds is explained.
    for part in ["waiting for your review", "next two days", "readiness", "overdue checklists"]:
        assert part in html
    assert "thank-you notes that are overdue" in html


def _coach_data(**overrides):
    data = {}
    for kind in notifications_selectors.COACH_KINDS:
        data[f"enabled-{kind}"] = "on"
        data[f"delivery-{kind}"] = NotificationDelivery.INSTANT
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_a_coach_saves_their_choices(coach, coach_client):
    data = _coach_data(
        **{
            f"enabled-{Kind.PREP_NOT_READY}": None,  # unticked: not sent
            f"delivery-{Kind.REVIEW_WAITING}": NotificationDelivery.DIGEST,
        }
    )

    response = coach_client.post(SETTINGS, data, follow=True)

    assert response.redirect_chain == [(SETTINGS, 302)]
    assert "Your email settings have been saved." in response.content.decode()
    stored = {p.kind: (p.enabled, p.delivery) for p in coach.notification_preferences.all()}
    assert stored[Kind.PREP_NOT_READY][0] is False
    assert stored[Kind.REVIEW_WAITING] == (True, NotificationDelivery.DIGEST)
    assert stored[Kind.ASSIGNMENT_SUBMITTED] == (True, NotificationDelivery.INSTANT)
    # The page shows the saved choice back.
    html = response.content.decode()
    assert re.search(rf'name="enabled-{Kind.PREP_NOT_READY}" id="[^"]+">', html)
    assert re.search(
        rf'name="delivery-{Kind.REVIEW_WAITING}" id="[^"]+" value="digest" checked', html
    )


def test_a_candidate_saves_their_choices(candidate_user, candidate_client):
    data = {f"enabled-{kind}": "on" for kind in notifications_selectors.CANDIDATE_KINDS}
    del data[f"enabled-{Kind.DUE_SOON}"]
    # A delivery sent by a candidate is ignored: theirs always come straight away.
    data[f"delivery-{Kind.DUE_TODAY}"] = NotificationDelivery.DIGEST

    response = candidate_client.post(SETTINGS, data)

    assert response.status_code == 302
    stored = {
        p.kind: (p.enabled, p.delivery) for p in candidate_user.notification_preferences.all()
    }
    assert stored[Kind.DUE_SOON] == (False, NotificationDelivery.INSTANT)
    assert stored[Kind.DUE_TODAY] == (True, NotificationDelivery.INSTANT)


@pytest.mark.parametrize("delivery", ["weekly", ""])
def test_an_unknown_delivery_is_a_form_error_and_nothing_is_saved(coach, coach_client, delivery):
    data = _coach_data(
        **{
            f"enabled-{Kind.PREP_NOT_READY}": None,
            f"delivery-{Kind.REVIEW_WAITING}": delivery,
        }
    )

    response = coach_client.post(SETTINGS, data)

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="form-errors"' in html
    assert "Choose “Straight away” or “In one daily digest at 08:00”." in html
    assert not NotificationPreference.objects.filter(user=coach).exists()


def test_the_profile_links_to_the_settings(coach_client):
    html = coach_client.get(reverse("profile")).content.decode()

    assert f'href="{SETTINGS}"' in html
    assert "Choose which emails you get" in html


# ---------------------------------------------------------------- unsubscribe


def _unsubscribe_url(user, kind):
    return reverse("unsubscribe", args=[notifications_services.unsubscribe_token(user, kind)])


def test_the_unsubscribe_page_asks_first_and_changes_nothing(coach, client):
    response = client.get(_unsubscribe_url(coach, Kind.REVIEW_WAITING))

    html = response.content.decode()
    assert response.status_code == 200
    assert f"Stop emails about: {Kind.REVIEW_WAITING.label}?" in html
    assert "c***@example.com" in html
    assert "coach@example.com" not in html
    assert ">Unsubscribe</button>" in html
    assert not NotificationPreference.objects.filter(user=coach).exists()


def test_unsubscribing_turns_the_kind_off(coach, client):
    response = client.post(_unsubscribe_url(coach, Kind.REVIEW_WAITING))

    html = response.content.decode()
    assert response.status_code == 200
    assert f"You will no longer get emails about: {Kind.REVIEW_WAITING.label}" in html
    assert SETTINGS in html
    pref = NotificationPreference.objects.get(user=coach, kind=Kind.REVIEW_WAITING)
    assert pref.enabled is False
    assert NotificationPreference.objects.filter(user=coach).count() == 1


def test_one_click_unsubscribe_needs_no_csrf_token_and_can_be_repeated(coach):
    mail_provider = Client(enforce_csrf_checks=True)
    url = _unsubscribe_url(coach, Kind.ASSIGNMENT_SUBMITTED)

    first = mail_provider.post(url, {"List-Unsubscribe": "One-Click"})
    again = mail_provider.post(url, {"List-Unsubscribe": "One-Click"})

    assert first.status_code == again.status_code == 200
    pref = NotificationPreference.objects.get(user=coach, kind=Kind.ASSIGNMENT_SUBMITTED)
    assert pref.enabled is False


def test_a_tampered_unsubscribe_link_is_404_and_changes_nothing(coach, client):
    token = notifications_services.unsubscribe_token(coach, Kind.REVIEW_WAITING)
    tampered = reverse("unsubscribe", args=[token[:-2] + ("AA" if token[-2:] != "AA" else "BB")])

    got = client.get(tampered)
    posted = client.post(tampered, {"List-Unsubscribe": "One-Click"})

    assert got.status_code == posted.status_code == 404
    assert "This unsubscribe link is no longer valid" in posted.content.decode()
    assert reverse("notification_settings") in posted.content.decode()
    assert not NotificationPreference.objects.filter(user=coach).exists()


def test_a_link_for_a_closed_account_is_not_valid(coach, client):
    url = _unsubscribe_url(coach, Kind.REVIEW_WAITING)
    coach.is_active = False
    coach.save(update_fields=["is_active"])

    assert client.post(url).status_code == 404
    assert not NotificationPreference.objects.filter(user=coach).exists()


# ---------------------------------------------------------------- the email's own link


def _notify_submitted(coach, assignment, occasion="first"):
    return notifications_services.notify(
        user=coach,
        kind=Kind.ASSIGNMENT_SUBMITTED,
        object_key=f"assignment:{assignment.pk}",
        occasion=occasion,
        template="assignment_submitted",
        context={"assignment": assignment, "candidate": assignment.candidate},
        url=assignment.get_absolute_url(),
    )


def test_the_emails_list_unsubscribe_header_unsubscribes_that_kind(
    coach, candidate, mailoutbox, django_capture_on_commit_callbacks
):
    assignment = make_assignment(candidate)
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        notice = _notify_submitted(coach, assignment)

    assert notice is not None
    assert len(mailoutbox) == 1
    email = mailoutbox[0]
    assert email.to == [coach.email]
    assert email.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    header = email.extra_headers["List-Unsubscribe"]
    assert header.startswith("<http://testserver/notifications/unsubscribe/")
    url = header.strip("<>").removeprefix("http://testserver")
    assert url in email.body  # the footer carries the same link

    response = Client(enforce_csrf_checks=True).post(url, {"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    assert not notifications_selectors.preference(coach, Kind.ASSIGNMENT_SUBMITTED).enabled

    # The same notice again is neither kept twice nor sent twice.
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert _notify_submitted(coach, assignment) is None
    assert mailoutbox == []
    assert Notification.objects.filter(user=coach, kind=Kind.ASSIGNMENT_SUBMITTED).count() == 1


def test_a_kind_switched_off_is_kept_in_the_app_but_not_emailed(
    coach, candidate, mailoutbox, django_capture_on_commit_callbacks
):
    assignment = make_assignment(candidate)
    notifications_services.notification_unsubscribe(user=coach, kind=Kind.ASSIGNMENT_SUBMITTED)
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        notice = _notify_submitted(coach, assignment, occasion="second")

    assert notice is not None
    assert notice.emailed_at is None
    assert mailoutbox == []
    assert Notification.objects.filter(pk=notice.pk, user=coach).exists()
