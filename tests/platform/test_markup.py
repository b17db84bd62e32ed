"""Markup the Nu HTML checker flagged, pinned: machine-readable times to the
second, a legend as its fieldset's first child, one type on the bank's search
box, and a description for search engines on public pages."""

import datetime
import re
import zoneinfo

import pytest
from django.template import Context, Template
from django.urls import reverse

VALID_DATETIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (
            datetime.datetime(2026, 12, 10, 15, 0, 7, 999999, tzinfo=datetime.UTC),
            "2026-12-10T16:00:07+01:00",
        ),
        (datetime.date(2026, 12, 10), "2026-12-10"),
        (None, ""),
    ],
)
def test_datetime_attr_writes_seconds_and_the_offset_of_the_current_zone(value, expected):
    from django.utils import timezone

    with timezone.override(zoneinfo.ZoneInfo("Europe/Berlin")):
        out = Template("{{ value|datetime_attr }}").render(Context({"value": value}))
    assert out == expected


def test_no_template_writes_a_datetime_attribute_with_date_c():
    """``date:'c'`` keeps microseconds, which a datetime attribute may not have."""
    from django.conf import settings

    root = settings.BASE_DIR / "templates"
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.html")
        if re.search(r"""datetime="\{\{[^}]*\|date:["']c["']""", path.read_text())
    ]
    assert offenders == []


def test_each_template_item_legend_is_its_fieldsets_first_child(coach_client, own_template):
    body = coach_client.get(reverse("coach:template_edit", args=[own_template.pk])).content
    body = body.decode()

    fieldsets = re.findall(r"<fieldset\b[^>]*>\s*(<[a-z]+)", body)
    assert len(fieldsets) >= 3
    assert set(fieldsets) == {"<legend"}


def test_the_bank_search_box_has_one_type(coach_client):
    body = coach_client.get(reverse("coach:question_list")).content.decode()

    box = re.search(r'<input\b[^>]*name="q"[^>]*>', body).group(0)
    assert re.findall(r"\btype=", box) == ["type="]
    assert 'type="search"' in box
    assert 'placeholder="Words in the text"' in box


def _description(body: str) -> str:
    tags = re.findall(r'<meta name="description" content="([^"]*)">', body)
    assert len(tags) == 1, tags
    return tags[0]


@pytest.mark.django_db
def test_the_login_page_describes_coachsite_for_search_engines(client):
    body = client.get(reverse("login")).content.decode()

    description = _description(body)
    assert "Coachsite" in description
    assert "log in" in description.lower()


@pytest.mark.django_db
def test_the_password_reset_page_has_the_default_description(client):
    body = client.get(reverse("password_reset")).content.decode()

    assert "interview preparation" in _description(body)


# ---------------------------------------------------------------- the phone menu


def _toggler(body: str) -> str | None:
    match = re.search(r'<button class="navbar-toggler"[^>]*>', body)
    return match.group(0) if match else None


def test_signed_in_pages_fold_the_menu_behind_a_labelled_button(coach, coach_client):
    from interviews.models import Notification, NotificationKind
    from interviews.services.notifications import unread_notices_recount

    body = coach_client.get(reverse("coach:dashboard")).content.decode()
    toggler = _toggler(body)
    assert 'aria-controls="main-menu"' in toggler
    assert 'aria-expanded="false"' in toggler
    assert 'aria-label="Menu"' in toggler
    assert 'class="collapse navbar-collapse' in body
    assert 'id="main-menu"' in body
    # Bootstrap's own script, vendored, deferred; the no-js marker before any paint.
    assert '<script src="/static/vendor/bootstrap/bootstrap.bundle.min.js" defer>' in body
    assert '<html lang="en" class="no-js">' in body
    assert '<script src="/static/js/js-class.js"></script>' in body

    Notification.objects.create(
        user=coach, kind=NotificationKind.ASSIGNMENT_SUBMITTED, subject="New", url="/coach/"
    )
    unread_notices_recount(users=[coach])  # as notify() counts it
    body = coach_client.get(reverse("coach:dashboard")).content.decode()
    assert 'aria-label="Menu, 1 unread notification"' in _toggler(body)


@pytest.mark.django_db
def test_the_login_page_has_no_menu_button_and_no_bootstrap_script(client):
    body = client.get(reverse("login")).content.decode()

    assert _toggler(body) is None
    assert "bootstrap.bundle" not in body
