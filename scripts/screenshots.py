"""Screenshots of the pages a change touches, at desktop and phone width.

    .venv/bin/python scripts/screenshots.py [--out test-artifacts/screens]

Builds a throw-away SQLite database with the demo data plus the states worth
looking at (a candidate who has not joined, changes requested, a revision
since the coach's mark, notices and email choices, an unsubscribe link,
two-factor set-up and login, a login lockout, account deletion and an erased
candidate), serves it with runserver on a free local port, and has headless Chromium
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
    login None for a page opened without logging in, and optionally steps
    once the page is open: a button's name to press, or a callable(page, base)."""
    from django.core.management import call_command

    from interviews.models import Assignment, AssignmentItem, Candidate, User
    from interviews.services import checklists as checklists_services

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
    checklists_services.assignment_review(
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
    checklists_services.assignment_save(assignment=alex_list, by=alex, responses=responses)
    checklists_services.assignment_submit(assignment=alex_list, by=alex)
    first = alex_list.items.get(position=1)
    checklists_services.assignment_review(
        assignment=alex_list,
        by=coach,
        verdict="changes_requested",
        marks={first.pk: AssignmentItem.Mark.NEEDS_WORK},
        comments={first.pk: "Also ask which dashboards you would inherit."},
    )
    first.refresh_from_db()
    checklists_services.assignment_save(
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
    checklists_services.assignment_submit(assignment=alex_list, by=alex)

    notices = _build_notices(coach, sam_list)
    privacy = _build_privacy(coach)

    return {
        "assign-form-not-joined": (
            "coach@example.com",
            f"/coach/assignments/new/?candidate={newcomer.pk}",
        ),
        "candidate-changes-requested": ("sam@example.com", sam_list.get_candidate_url()),
        "candidate-home-changes-requested": ("sam@example.com", "/me/"),
        "coach-review-after-revision": ("coach@example.com", alex_list.get_absolute_url()),
        "coach-dashboard": ("coach@example.com", "/coach/"),
        # Practices (demo: coach@ leads Northstar Careers with coach3@; coach2@ alone)
        "practice-overview-lead": ("coach@example.com", "/practice/"),
        "practice-members-lead": ("coach@example.com", "/practice/members/"),
        "practice-outcomes-lead": ("coach@example.com", "/practice/outcomes/"),
        "practice-member": ("coach3@example.com", "/practice/"),
        "practice-none": ("coach2@example.com", "/practice/"),
        "outcomes-coach": ("coach3@example.com", "/coach/outcomes/"),
        "templates-shared-member": ("coach3@example.com", "/coach/templates/"),
        **notices,
        **privacy,
    }


def _build_notices(coach, sam_list) -> dict[str, tuple[str | None, ...]]:
    """Sam's notices (one unread reminder among read ones), email choices for
    both roles, and an unsubscribe link; returns their states."""
    import datetime

    from django.urls import reverse
    from django.utils import timezone

    from interviews.models import Assignment, NotificationDelivery, NotificationKind
    from interviews.services import notifications as notifications_services

    Kind, Delivery = NotificationKind, NotificationDelivery
    sam = sam_list.candidate.user
    now = timezone.now()
    # The notices so far (the new checklist, the review) are older and read.
    for age, notice in enumerate(sam.notifications.order_by("created_at", "pk"), start=1):
        notice.created_at = now - datetime.timedelta(days=4 - age, hours=3)
        notice.save(update_fields=["created_at"])
    notifications_services.notifications_mark_all_read(user=sam)
    # The sweep's "due in two days" reminder, as it would make it: unread.
    sam_list.due_date = timezone.localdate() + datetime.timedelta(days=2)
    sam_list.save(update_fields=["due_date"])
    due = Assignment.objects.with_readiness().get(pk=sam_list.pk)
    left = list(due.items.filter(required=True).incomplete())
    notifications_services.notify(
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
    notifications_services.notification_preferences_save(
        user=sam, choices={Kind.INTERVIEW_TOMORROW: (False, Delivery.INSTANT)}
    )
    # The coach leaves two kinds to the digest and switches one off.
    notifications_services.notification_preferences_save(
        user=coach,
        choices={
            Kind.ASSIGNMENT_SUBMITTED: (True, Delivery.INSTANT),
            Kind.THANK_YOU_CHECK_REQUESTED: (False, Delivery.INSTANT),
            Kind.REVIEW_WAITING: (True, Delivery.DIGEST),
            Kind.PREP_NOT_READY: (True, Delivery.DIGEST),
        },
    )
    # The link in the footer of Sam's reminder emails, opened without logging in.
    unsubscribe = reverse(
        "unsubscribe", args=[notifications_services.unsubscribe_token(sam, Kind.OVERDUE)]
    )
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


def _app_code(device) -> str:
    """What an authenticator app shows now for ``device``."""
    from django_otp.oath import totp

    device.refresh_from_db()
    code = totp(
        device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift
    )
    return f"{code:0{device.digits}d}"


def _fill_login(page, base: str, email: str, password: str = PASSWORD) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()


def _build_privacy(coach) -> dict[str, tuple]:
    """Two-factor login (set-up, recovery codes, the code step), a login
    lockout, account deletion and erasure; returns their states. Pages that
    need fresh state for each width get a step (a callable) that makes it."""
    from interviews.models import Candidate, User
    from interviews.services import accounts as accounts_services
    from interviews.services import privacy as privacy_services

    def new_coach(email: str, name: str) -> User:
        return User.objects.create_user(email, PASSWORD, full_name=name, role=User.Role.COACH)

    # Mid set-up: the QR code and the key are on the page.
    setting_up = new_coach("quinn@example.com", "Quinn Setup")
    accounts_services.app_device_start(user=setting_up)
    # Recovery codes are shown once, right after the first code: each width
    # starts the set-up over (before logging in, which the code would block).
    confirming = new_coach("rowan@example.com", "Rowan Codes")

    def show_recovery_codes(page, base):
        accounts_services.two_factor_disable(user=confirming)
        device = accounts_services.app_device_start(user=confirming)
        _fill_login(page, base, confirming.email)
        page.goto(f"{base}/accounts/two-factor/")
        page.get_by_label("Code from the app").fill(_app_code(device))
        page.get_by_role("button", name="Switch on two-factor login").click()
        page.wait_for_load_state()

    # Two-factor login on: the password leads to the code page.
    with_app = new_coach("tess@example.com", "Tess Twofactor")
    device = accounts_services.app_device_start(user=with_app)
    recovery_codes = accounts_services.two_factor_confirm(device=device, code=_app_code(device))

    def password_only(page, base):
        _fill_login(page, base, with_app.email)

    def wrong_code(page, base):
        password_only(page, base)
        page.get_by_label("Authentication code").fill("000000")
        page.get_by_role("button", name="Continue").click()
        page.wait_for_load_state()

    def with_recovery_code(page, base):
        password_only(page, base)
        page.get_by_label("Authentication code").fill(recovery_codes.pop())
        page.get_by_role("button", name="Continue").click()
        page.wait_for_load_state()
        page.goto(f"{base}/accounts/two-factor/")

    # Ten wrong passwords for one account from this address lock it (django-axes).
    def lock_out(page, base):
        for _ in range(12):
            if page.get_by_role("heading", name="Too many failed attempts").count():
                return
            _fill_login(page, base, "locked@example.com", "not-the-password")

    # Casey, erased by the coach: a "Former candidate" with dates and outcomes.
    casey = Candidate.objects.get(coach=coach, email="casey@example.com")
    privacy_services.candidate_erase(candidate=casey, by=coach)
    alex = Candidate.objects.get(coach=coach, email="alex@example.com")
    return {
        "two-factor-setup": (setting_up.email, "/accounts/two-factor/"),
        "two-factor-recovery-codes": (None, "/accounts/login/", show_recovery_codes),
        "login-code": (None, "/accounts/login/", password_only),
        "login-code-wrong": (None, "/accounts/login/", wrong_code),
        "two-factor-on": (None, "/accounts/login/", with_recovery_code),
        "account-delete-candidate": ("sam@example.com", "/accounts/delete/"),
        "account-delete-coach": ("coach@example.com", "/accounts/delete/"),
        "candidate-erase-confirm": ("coach@example.com", f"/coach/candidates/{alex.pk}/erase/"),
        "candidate-erased": ("coach@example.com", f"/coach/candidates/{casey.pk}/"),
        "candidate-detail": ("coach@example.com", f"/coach/candidates/{alex.pk}/"),
        # Last: it locks an account for 15 minutes from this address.
        "login-locked-out": (None, "/accounts/login/", lock_out),
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
    # Some steps touch the database between browser actions, while Playwright's
    # sync API keeps an event loop running in this thread; plain synchronous
    # code, so safe (as in tests/browser/conftest.py).
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
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
                    for step in press:
                        if callable(step):
                            step(page, base)
                            continue
                        page.get_by_role("button", name=step).click()
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
