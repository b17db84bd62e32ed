"""Screenshots of the pages a change touches, at desktop and phone width.

    .venv/bin/python scripts/screenshots.py [--out test-artifacts/screens]

Builds a throw-away SQLite database with the demo data plus the states worth
looking at (a candidate who has not joined, changes requested, a revision
since the coach's mark, notices and email choices, an unsubscribe link),
serves it with runserver on a free local port, and has headless Chromium
(Debian's /usr/bin/chromium) save full-page PNGs at 1280 and 390 px. For
looking at the UI, not for testing it: the browser journeys in tests/browser
do that.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WIDTHS = {"desktop": 1280, "phone": 390}
PASSWORD = "demo-pass-2026"  # noqa: S105 - the published demo password (load_demo)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _build_states() -> dict[str, tuple[str | None, ...]]:
    """Demo data plus the states to look at; returns {name: (login, path)}, the
    login None for a page opened without logging in, and optionally a button
    to press once the page is open."""
    from django.core.management import call_command

    from interviews import services
    from interviews.models import Assignment, AssignmentItem, Candidate, User

    call_command("migrate", verbosity=0)
    call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115 - closed at exit
    coach = User.objects.get(email="coach@example.com")
    newcomer, _ = Candidate.objects.get_or_create(
        coach=coach,
        email="nia@example.com",
        defaults={"full_name": "Nia Newcomer", "headline": "Data engineer"},
    )

    # Sam's submitted checklist: the coach asks for changes on two items.
    sam_list = Assignment.objects.get(candidate__user__email="sam@example.com")
    items = list(sam_list.items.all())
    services.assignment_review(
        assignment=sam_list,
        by=coach,
        verdict="changes_requested",
        note="Good start. Two answers need more substance before Thursday.",
        marks={items[0].pk: AssignmentItem.Mark.NEEDS_WORK, items[3].pk: "needs_work"},
        comments={
            items[0].pk: "Ask about the role's history too: what did the last person in it "
            "leave unfinished, and which teams would you work with?",
            items[3].pk: "Name two strengths and one example for each.",
        },
    )

    # Alex's checklist: completed, changes requested on item 1, revised, resubmitted.
    alex = User.objects.get(email="alex@example.com")
    alex_list = Assignment.objects.get(candidate__user=alex)
    responses = {}
    for item in alex_list.items.all():
        values = {
            "text": {"response_text": item.response_text or f"My notes: {item.prompt[:50]}"},
            "check": {"done": True},
            "email": {
                "email_to": "tom.becker@example.com",
                "email_subject": "Thank you",
                "email_body": "Dear Tom,\n\nThank you for your time.\n\nAlex",
            },
        }[item.kind]
        responses[item.pk] = (item.version, values)
    services.assignment_save(assignment=alex_list, by=alex, responses=responses)
    services.assignment_submit(assignment=alex_list, by=alex)
    first = alex_list.items.get(position=1)
    services.assignment_review(
        assignment=alex_list,
        by=coach,
        verdict="changes_requested",
        marks={first.pk: AssignmentItem.Mark.NEEDS_WORK},
        comments={first.pk: "Also ask which dashboards you would inherit."},
    )
    first.refresh_from_db()
    services.assignment_save(
        assignment=alex_list,
        by=alex,
        responses={
            first.pk: (
                first.version,
                {
                    "response_text": "What would the first three months look like, which "
                    "dashboards would I inherit, and what was left unfinished?"
                },
            )
        },
        replies={first.pk: "Added the question about inherited dashboards."},
    )
    services.assignment_submit(assignment=alex_list, by=alex)

    notices = _build_notices(coach, sam_list)

    return {
        "assign-form-not-joined": (
            "coach@example.com",
            f"/coach/assignments/new/?candidate={newcomer.pk}",
        ),
        "candidate-changes-requested": ("sam@example.com", sam_list.get_candidate_url()),
        "candidate-home-changes-requested": ("sam@example.com", "/me/"),
        "coach-review-after-revision": ("coach@example.com", alex_list.get_absolute_url()),
        "coach-dashboard": ("coach@example.com", "/coach/"),
        **notices,
    }


def _build_notices(coach, sam_list) -> dict[str, tuple[str | None, ...]]:
    """Sam's notices (one unread reminder among read ones), email choices for
    both roles, and an unsubscribe link; returns their states."""
    import datetime

    from django.urls import reverse
    from django.utils import timezone

    from interviews import notifications
    from interviews.models import Assignment, NotificationDelivery, NotificationKind

    Kind, Delivery = NotificationKind, NotificationDelivery
    sam = sam_list.candidate.user
    now = timezone.now()
    # The notices so far (the new checklist, the review) are older and read.
    for age, notice in enumerate(sam.notifications.order_by("created_at", "pk"), start=1):
        notice.created_at = now - datetime.timedelta(days=4 - age, hours=3)
        notice.save(update_fields=["created_at"])
    notifications.mark_all_read(sam)
    # The sweep's "due in two days" reminder, as it would make it: unread.
    sam_list.due_date = timezone.localdate() + datetime.timedelta(days=2)
    sam_list.save(update_fields=["due_date"])
    due = Assignment.objects.with_readiness().get(pk=sam_list.pk)
    left = list(due.items.filter(required=True).incomplete())
    notifications.notify(
        user=sam,
        kind=Kind.DUE_SOON,
        object_key=f"assignment:{due.pk}",
        occasion=due.due_date.isoformat(),
        template="reminder_checklist_due",
        context={
            "assignment": due,
            "kind": Kind.DUE_SOON,
            "days": 2,
            "left": left[:10],
            "more_left": max(0, len(left) - 10),
            "readiness": due.readiness,
        },
        url=due.get_candidate_url(),
    )
    notifications.preferences_save(
        user=sam, choices={Kind.INTERVIEW_TOMORROW: (False, Delivery.INSTANT)}
    )
    # The coach leaves two kinds to the digest and switches one off.
    notifications.preferences_save(
        user=coach,
        choices={
            Kind.ASSIGNMENT_SUBMITTED: (True, Delivery.INSTANT),
            Kind.THANK_YOU_CHECK_REQUESTED: (False, Delivery.INSTANT),
            Kind.REVIEW_WAITING: (True, Delivery.DIGEST),
            Kind.PREP_NOT_READY: (True, Delivery.DIGEST),
        },
    )
    # The link in the footer of Sam's reminder emails, opened without logging in.
    unsubscribe = reverse("unsubscribe", args=[notifications.unsubscribe_token(sam, Kind.OVERDUE)])
    return {
        "notifications-candidate": ("sam@example.com", "/notifications/"),
        "notification-settings-coach": ("coach@example.com", "/accounts/notifications/"),
        "notification-settings-candidate": ("sam@example.com", "/accounts/notifications/"),
        "profile-coach": ("coach@example.com", "/accounts/profile/"),
        "profile-candidate": ("sam@example.com", "/accounts/profile/"),
        # No login; the third value is a button pressed once the page is open.
        "unsubscribe-confirm": (None, unsubscribe),
        "unsubscribe-done": (None, unsubscribe, "Unsubscribe"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "test-artifacts" / "screens"))
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    workdir = Path(tempfile.mkdtemp(prefix="coachsite-screens-"))
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{workdir / 'db.sqlite3'}",
        "SITE_URL": f"http://127.0.0.1:{port}",
        "DJANGO_SETTINGS_MODULE": "coachsite.settings",
    }
    os.environ.update(env)
    import django

    django.setup()
    states = _build_states()

    server = subprocess.Popen(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=1)  # noqa: S310 - local
                break
            except OSError:
                time.sleep(0.1)
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium")
            for name, (login, path, *press) in states.items():
                for label, width in WIDTHS.items():
                    page = browser.new_page(viewport={"width": width, "height": 900})
                    if login is not None:
                        page.goto(f"{base}/accounts/login/")
                        page.get_by_label("Email").fill(login)
                        page.get_by_label("Password").fill(PASSWORD)
                        page.get_by_role("button", name="Log in").click()
                        page.wait_for_load_state()
                    page.goto(f"{base}{path}")
                    for button in press:
                        page.get_by_role("button", name=button).click()
                        page.wait_for_load_state()
                    target = out / f"{name}-{label}.png"
                    page.screenshot(path=str(target), full_page=True)
                    print(target)
                    page.close()
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
