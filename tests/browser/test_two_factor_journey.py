"""Journey 9: two-factor login. A coach sets up an authenticator app from the
profile page (QR code and typed key, then a first code typed with the
keyboard) and sees ten recovery codes once. Logging in again, the password
alone signs nobody in: the code page comes next, a coach page still sends to
the login, a wrong code is refused, and a recovery code reaches the dashboard.
Runs at desktop width and at phone width (390 x 844).

django-otp refuses a time step's code twice, and the set-up used this step's:
the login therefore uses a recovery code (the unit tests in test_two_factor.py
cover the app's code at login, with the clock stopped)."""

import re

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from interviews import twofactor

from .conftest import DESKTOP, PHONE, log_in, log_out, main_nav

pytestmark = [pytest.mark.browser, pytest.mark.journey("9-two-factor")]


def app_code(device: TOTPDevice, *, drift: int = 0) -> str:
    """What the phone shows now (``drift`` steps away), as an authenticator app computes it."""
    device.refresh_from_db()
    code = totp(
        device.bin_key,
        step=device.step,
        t0=device.t0,
        digits=device.digits,
        drift=device.drift + drift,
    )
    return f"{code:0{device.digits}d}"


def wrong_code(device: TOTPDevice) -> str:
    """Six digits that match none of the steps django-otp accepts around now."""
    near = {app_code(device, drift=d) for d in range(-2, 3)}
    return next(f"{n:06d}" for n in range(1_000_000) if f"{n:06d}" not in near)


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_coach_sets_up_two_factor_and_logs_in_with_a_recovery_code(
    width, open_page, journey, coach, password
):
    viewport = DESKTOP if width == "desktop" else PHONE
    page = open_page("coach", viewport=viewport)
    log_in(page, journey, coach.email, password)
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    journey.check(page, "dashboard")

    # Profile → Two-factor login: off for now.
    main_nav(page).get_by_role("link", name="Profile").click()
    card = page.get_by_role("region", name="Two-factor login")
    expect(card).to_be_visible()
    journey.check(page, "profile")
    card.get_by_role("link", name=re.compile("two-factor login", re.I)).click()
    expect(page.get_by_role("heading", name="Two-factor login", level=1)).to_be_visible()
    expect(page.get_by_text("Off", exact=True)).to_be_visible()
    journey.check(page, "two-factor-off")

    # Set up: the QR code, drawn in the page, and the key to type by hand.
    page.get_by_role("button", name="Set up two-factor login").click()
    device = TOTPDevice.objects.get(user=coach)
    assert not device.confirmed
    qr = page.locator(".qr-code svg")
    expect(qr).to_be_visible()
    box = qr.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"], box
    expect(page.locator("#totp-secret")).to_have_text(twofactor.secret_for_typing(device))
    journey.check(page, "two-factor-setup")

    # The first code, typed with the keyboard into the focused field, sent with Enter.
    field = page.get_by_label("Code from the app")
    expect(field).to_be_focused()  # autofocus
    page.keyboard.type(app_code(device))
    page.keyboard.press("Enter")
    expect(page.get_by_text("Two-factor login is on.")).to_be_visible()
    codes_list = page.locator("#recovery-codes li")
    expect(codes_list).to_have_count(twofactor.RECOVERY_CODE_COUNT)
    codes = codes_list.all_inner_texts()
    stored = set(StaticToken.objects.filter(device__user=coach).values_list("token", flat=True))
    assert set(codes) == stored and len(stored) == 10
    journey.check(page, "two-factor-recovery-codes")
    device.refresh_from_db()
    assert device.confirmed

    # Shown once: after a reload the codes are gone, the count stays.
    page.reload()
    expect(page.get_by_role("heading", name="Your recovery codes")).to_have_count(0)
    expect(page.get_by_text("Recovery codes left: 10")).to_be_visible()
    journey.check(page, "two-factor-on")

    # Log out, then the password alone leads to the code page, not in.
    log_out(page)
    journey.check(page, "logged-out")
    log_in(page, journey, coach.email, password)
    page.wait_for_url(re.compile(r"/accounts/login/code/$"))
    expect(page.get_by_role("heading", name="Authentication code")).to_be_visible()
    journey.check(page, "login-code")

    # Not signed in yet: a coach page sends to the login.
    page.goto("/coach/")
    page.wait_for_url(re.compile(r"/accounts/login/\?next=/coach/$"))
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    journey.check(page, "coach-page-needs-login")
    log_in(page, journey, coach.email, password, first=False)
    page.wait_for_url(re.compile(r"/accounts/login/code/$"))
    journey.check(page, "login-code-again")

    # A wrong code is refused, and says so.
    page.get_by_label("Authentication code").fill(wrong_code(device))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "That code is not right, or has been used already."
    )
    journey.check(page, "login-code-wrong")

    # A recovery code (typed in capitals with a space, as people do) signs in.
    recovery = codes[0]
    page.get_by_label("Authentication code").fill(f"{recovery[:4]} {recovery[4:]}".upper())
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(re.compile(r"/coach/$"))
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    journey.check(page, "dashboard-after-code")
    assert not StaticToken.objects.filter(device__user=coach, token=recovery).exists()
    assert StaticToken.objects.filter(device__user=coach).count() == 9
