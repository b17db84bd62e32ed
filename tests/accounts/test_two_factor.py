"""Two-factor login: set-up with a real authenticator code, the code step after
the password, recovery codes, switching off, and COACHSITE_REQUIRE_2FA."""

import datetime
import time

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from interviews import twofactor
from interviews.services import accounts as accounts_services

from ..factories import PASSWORD, CoachFactory

pytestmark = pytest.mark.django_db

STEP = 30  # seconds per authenticator code


@pytest.fixture
def clock():
    """Time stands still unless a test moves it: each code belongs to a 30-second step."""
    start = datetime.datetime(2025, 3, 3, 9, 0, 5, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False) as traveller:
        yield traveller


def app_code(device: TOTPDevice) -> str:
    """What the phone shows now, computed as an authenticator app does."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits)
    totp.time = time.time()
    return f"{totp.token():0{device.digits}d}"


def set_up(user) -> tuple[TOTPDevice, list[str]]:
    device = accounts_services.app_device_start(user=user)
    codes = accounts_services.two_factor_confirm(device=device, code=app_code(device))
    assert codes is not None
    device.refresh_from_db()
    user.refresh_from_db()  # its session epoch moved on
    return device, codes


def log_in_with_password(client, user, **extra):
    return client.post(reverse("login"), {"username": user.email, "password": PASSWORD, **extra})


def is_logged_in(client) -> bool:
    return SESSION_KEY in client.session


# ---------------------------------------------------------------- set-up


def test_setting_up_shows_a_server_drawn_qr_code_and_the_key(coach_client, coach, clock):
    assert b"Set up two-factor login" in coach_client.get(reverse("two_factor")).content
    assert coach_client.post(reverse("two_factor_start")).status_code == 302
    device = TOTPDevice.objects.get(user=coach)
    assert not device.confirmed
    assert device.name == "Authenticator app"

    page = coach_client.get(reverse("two_factor")).content.decode()
    svg = page[page.index("<svg") : page.index("</svg>")]
    assert "style=" not in svg  # the CSP forbids style attributes
    assert twofactor.secret_for_typing(device) in page
    assert 'autocomplete="one-time-code"' in page
    assert 'inputmode="numeric"' in page


def test_a_wrong_confirmation_code_leaves_it_off(coach_client, coach, clock):
    coach_client.post(reverse("two_factor_start"))
    device = TOTPDevice.objects.get(user=coach)
    wrong = f"{(int(app_code(device)) + 1) % 1_000_000:06d}"

    response = coach_client.post(reverse("two_factor"), {"code": wrong})

    assert response.status_code == 200
    assert b"That code is not right" in response.content
    device.refresh_from_db()
    assert not device.confirmed
    assert not StaticDevice.objects.filter(user=coach).exists()


def test_the_right_code_switches_it_on_and_shows_ten_recovery_codes_once(
    coach_client, coach, clock
):
    coach_client.post(reverse("two_factor_start"))
    device = TOTPDevice.objects.get(user=coach)

    response = coach_client.post(reverse("two_factor"), {"code": app_code(device)}, follow=True)

    device.refresh_from_db()
    assert device.confirmed
    tokens = list(StaticToken.objects.filter(device__user=coach).values_list("token", flat=True))
    assert len(tokens) == 10
    page = response.content.decode()
    assert all(token in page for token in tokens)
    assert "Two-factor login is on." in page
    # This session gave the code: it is verified, and stays signed in.
    assert coach_client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert coach_client.get(reverse("coach:dashboard")).status_code == 200

    again = coach_client.get(reverse("two_factor")).content.decode()
    assert not any(token in again for token in tokens)
    assert "Recovery codes left: 10." in again


def test_switching_it_on_ends_the_other_sessions(coach_client, coach, clock):
    elsewhere = Client()
    elsewhere.force_login(coach)
    coach_client.post(reverse("two_factor_start"))
    device = TOTPDevice.objects.get(user=coach)

    coach_client.post(reverse("two_factor"), {"code": app_code(device)})

    assert elsewhere.get(reverse("coach:dashboard")).url.startswith(reverse("login"))
    assert coach_client.get(reverse("coach:dashboard")).status_code == 200


def test_candidates_are_not_offered_it(candidate_client):
    assert candidate_client.get(reverse("two_factor")).status_code == 404
    assert candidate_client.post(reverse("two_factor_start")).status_code == 404
    assert not TOTPDevice.objects.exists()


# ---------------------------------------------------------------- logging in


def test_the_password_alone_does_not_log_in_a_user_with_two_factor(client, coach, clock):
    device, _ = set_up(coach)
    clock.shift(STEP)

    response = log_in_with_password(client, coach)

    assert response.url == reverse("login_code")
    assert not is_logged_in(client)
    dashboard = client.get(reverse("coach:dashboard"))
    assert dashboard.url.startswith(reverse("login"))

    page = client.get(reverse("login_code"))
    assert b"Authentication code" in page.content
    response = client.post(reverse("login_code"), {"code": app_code(device)})

    assert response.url == reverse("home")
    assert is_logged_in(client)
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert client.get(reverse("coach:dashboard")).status_code == 200


def test_the_code_step_keeps_the_page_asked_for(client, coach, clock):
    device, _ = set_up(coach)
    clock.shift(STEP)
    log_in_with_password(client, coach, next=reverse("coach:candidate_list"))
    response = client.post(reverse("login_code"), {"code": app_code(device)})
    assert response.url == reverse("coach:candidate_list")


def test_a_user_without_two_factor_logs_in_with_the_password(client, coach):
    response = log_in_with_password(client, coach)
    assert response.url == reverse("home")
    assert is_logged_in(client)


def test_a_wrong_code_is_a_form_error_and_five_send_back_to_the_password(client, coach, clock):
    device, _ = set_up(coach)
    clock.shift(STEP)
    log_in_with_password(client, coach)
    wrong = f"{(int(app_code(device)) + 1) % 1_000_000:06d}"

    for _ in range(4):
        response = client.post(reverse("login_code"), {"code": wrong})
        assert response.status_code == 200
        assert response.context["form"].errors["code"]
        assert not is_logged_in(client)
        clock.shift(60)  # past django-otp's growing wait after a wrong code

    response = client.post(reverse("login_code"), {"code": wrong}, follow=True)

    assert response.redirect_chain[-1][0] == reverse("login")
    assert b"Too many wrong codes" in response.content
    assert not is_logged_in(client)
    # The half-done login is gone: even the right code no longer helps.
    assert client.post(reverse("login_code"), {"code": app_code(device)}).url == reverse("login")
    assert not is_logged_in(client)


def test_a_recovery_code_works_once(client, coach, clock):
    _, codes = set_up(coach)

    log_in_with_password(client, coach)
    response = client.post(reverse("login_code"), {"code": codes[0].upper()})
    assert response.status_code == 302
    assert is_logged_in(client)
    assert StaticToken.objects.filter(device__user=coach).count() == 9

    client.post(reverse("logout"))
    clock.shift(60)
    log_in_with_password(client, coach)
    response = client.post(reverse("login_code"), {"code": codes[0]})
    assert response.status_code == 200
    assert b"has been used already" in response.content
    assert not is_logged_in(client)


def test_the_half_done_login_expires_after_five_minutes(client, coach, clock):
    device, _ = set_up(coach)
    log_in_with_password(client, coach)

    clock.shift(5 * 60 + 1)
    response = client.post(reverse("login_code"), {"code": app_code(device)}, follow=True)

    assert response.redirect_chain[-1][0] == reverse("login")
    assert b"within 5 minutes" in response.content
    assert not is_logged_in(client)


def test_the_code_page_without_a_password_step_goes_to_login(client):
    assert client.get(reverse("login_code")).url == reverse("login")


def test_the_admins_own_login_form_does_not_skip_the_code(client, clock):
    staff = CoachFactory(is_staff=True, is_superuser=True)
    set_up(staff)
    response = client.post(reverse("admin:login"), {"username": staff.email, "password": PASSWORD})
    assert response.url.startswith(reverse("login"))
    assert not is_logged_in(client)


# ---------------------------------------------------------------- switching off


def test_switching_off_needs_the_password_and_a_code(client, coach, clock):
    device, _ = set_up(coach)
    coach_client = Client()
    coach_client.force_login(coach)
    clock.shift(STEP)
    url = reverse("two_factor_disable")

    response = coach_client.post(url, {"password": "wrong", "code": app_code(device)})
    assert response.status_code == 200
    assert b"That is not your password" in response.content
    response = coach_client.post(url, {"password": PASSWORD, "code": "000000"})
    assert response.status_code == 200
    assert response.context["disable_form"].errors["code"]
    assert TOTPDevice.objects.filter(user=coach).exists()

    clock.shift(60)
    response = coach_client.post(url, {"password": PASSWORD, "code": app_code(device)})

    assert response.url == reverse("two_factor")
    assert not TOTPDevice.objects.filter(user=coach).exists()
    assert not StaticDevice.objects.filter(user=coach).exists()
    client = Client()
    log_in_with_password(client, coach)
    assert is_logged_in(client)


def test_new_recovery_codes_replace_the_old(client, coach, clock):
    device, old_codes = set_up(coach)
    clock.shift(STEP)
    log_in_with_password(client, coach)
    client.post(reverse("login_code"), {"code": app_code(device)})

    response = client.post(reverse("two_factor_recovery_codes"), follow=True)

    new_codes = set(StaticToken.objects.filter(device__user=coach).values_list("token", flat=True))
    assert len(new_codes) == 10
    assert not new_codes & set(old_codes)
    assert all(code in response.content.decode() for code in new_codes)


# ---------------------------------------------------------------- COACHSITE_REQUIRE_2FA


@pytest.fixture
def required(settings):
    settings.COACHSITE_REQUIRE_2FA = True


def test_when_required_a_coach_without_it_is_sent_to_set_up(coach_client, required):
    response = coach_client.get(reverse("coach:dashboard"))
    assert response.url == reverse("two_factor")
    page = coach_client.get(reverse("two_factor"))
    assert page.status_code == 200
    assert b"requires two-factor login" in page.content
    assert coach_client.post(reverse("two_factor_start")).status_code == 302
    assert coach_client.post(reverse("logout")).url == reverse("login")


def test_when_not_required_a_coach_without_it_carries_on(coach_client):
    assert coach_client.get(reverse("coach:dashboard")).status_code == 200


def test_when_required_candidates_are_not_affected(candidate_client, required):
    assert candidate_client.get(reverse("me:home")).status_code == 200


def test_when_required_a_session_without_a_code_is_asked_for_one(client, coach, required, clock):
    device, _ = set_up(coach)
    clock.shift(STEP)
    client.force_login(coach)  # signed in, but no code given in this session

    response = client.get(reverse("coach:candidate_list"))

    assert response.url == f"{reverse('login_code')}?next={reverse('coach:candidate_list')}"
    assert client.get(reverse("two_factor")).url.startswith(reverse("login_code"))
    response = client.post(response.url, {"code": app_code(device)})
    assert response.url == reverse("coach:candidate_list")
    assert client.get(reverse("coach:candidate_list")).status_code == 200


def test_when_required_the_admin_lets_in_only_verified_staff(client, settings, clock):
    staff = CoachFactory(is_staff=True, is_superuser=True)
    device, _ = set_up(staff)
    clock.shift(STEP)
    client.force_login(staff)
    admin_index = reverse("admin:index")

    assert client.get(admin_index).status_code == 200  # not required: the password is enough
    settings.COACHSITE_REQUIRE_2FA = True
    response = client.get(admin_index)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login_code"))

    client.post(response.url, {"code": app_code(device)})
    assert client.get(admin_index).status_code == 200


def test_when_required_the_admin_site_itself_refuses_unverified_staff(rf, settings):
    """Behind the middleware, the admin checks too."""
    from django.contrib import admin

    staff = CoachFactory(is_staff=True, is_superuser=True)
    request = rf.get("/admin/")
    request.user = staff
    staff.is_verified = lambda: False
    assert admin.site.has_permission(request)
    settings.COACHSITE_REQUIRE_2FA = True
    assert not admin.site.has_permission(request)
    staff.is_verified = lambda: True
    assert admin.site.has_permission(request)


def test_the_profile_links_to_it_for_coaches_only(coach_client, candidate_client):
    assert reverse("two_factor").encode() in coach_client.get(reverse("profile")).content
    assert reverse("two_factor").encode() not in candidate_client.get(reverse("profile")).content


def test_staff_can_remove_a_users_devices_in_the_admin(client, coach, clock):
    """The way back for someone who lost both phone and recovery codes."""
    set_up(coach)
    superuser = CoachFactory(is_staff=True, is_superuser=True)
    client.force_login(superuser)
    for model in (TOTPDevice, StaticDevice):
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        assert str(coach) in client.get(url).content.decode()


def test_the_profile_says_whether_two_factor_is_on(coach, coach_client):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    assert 'Two-factor login <span class="badge text-bg-secondary">Off</span>' in (
        coach_client.get("/accounts/profile/").content.decode()
    )
    TOTPDevice.objects.create(user=coach, name="Authenticator app", confirmed=True)
    assert 'Two-factor login <span class="badge text-bg-success">On</span>' in (
        coach_client.get("/accounts/profile/").content.decode()
    )
