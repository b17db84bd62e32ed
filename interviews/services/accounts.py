"""Accounts: the calendar token, other sessions, two-factor login, unlocking
password sign-in."""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import F
from django.template import loader
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .. import throttle, twofactor
from ..models import ThrottleHit, UnsubscribeLink, User, new_calendar_token
from . import UnlockLinkInvalid
from .notifications import queue_email

# ---------------------------------------------------------------- calendar


@transaction.atomic
def calendar_token_replace(*, user: User) -> User:
    """A new secret for the user's calendar-feed address: the old address
    answers 404 from now on (a leaked address is revoked this way)."""
    user.calendar_token = new_calendar_token()
    user.save(update_fields=["calendar_token"])
    return user


def user_time_zone_set(*, user: User, time_zone: str) -> User:
    """The zone pages and emails are in from now on (the zone offer's answer;
    the caller has checked it against the zone database)."""
    user.time_zone = time_zone
    user.save(update_fields=["time_zone"])
    return user


@transaction.atomic
def user_secrets_rotate(*, user: User) -> User:
    """Replace every link that works without a login: the calendar-feed
    address and every unsubscribe link the user was emailed. Old addresses
    answer "no longer valid" from now on. Done by "Log out everywhere" and a
    password reset or change, the moments a user says their account may be in
    other hands (README, "Security")."""
    user.calendar_token = new_calendar_token()
    user.save(update_fields=["calendar_token"])
    UnsubscribeLink.objects.filter(user=user).delete()
    return user


@transaction.atomic
def user_password_set(*, user: User, password: str) -> User:
    """A new password (a reset or a change): it is stored, and the links that
    work without a login are replaced (``user_secrets_rotate``). Django's
    session hash changes with the password, so other sessions end too."""
    user.set_password(password)
    user.save(update_fields=["password"])
    return user_secrets_rotate(user=user)


# ---------------------------------------------------------------- sessions


@transaction.atomic
def user_sessions_end_others(*, user: User) -> User:
    """End every session the user signed in before now ("Log out everywhere"):
    a new session epoch changes the auth hash each older session carries. The
    calendar address and unsubscribe links are replaced too
    (``user_secrets_rotate``). The caller keeps its own session with
    update_session_auth_hash."""
    # Locked, so two clicks at once still raise the epoch twice, not once.
    locked = User.objects.select_for_update().get(pk=user.pk)
    user.session_epoch = locked.session_epoch + 1
    user.save(update_fields=["session_epoch"])
    return user_secrets_rotate(user=user)


# ---------------------------------------------------------------- two-factor login


@transaction.atomic
def app_device_start(*, user: User) -> TOTPDevice:
    """A fresh, unconfirmed authenticator device: any earlier unfinished set-up
    is replaced, so only the QR code last shown can be confirmed."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=twofactor.APP_DEVICE_NAME, confirmed=False)


def _recovery_codes_create(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(
        user=user, name=twofactor.RECOVERY_DEVICE_NAME, confirmed=True
    )
    codes = [StaticToken.random_token() for _ in range(twofactor.RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@transaction.atomic
def two_factor_confirm(*, device: TOTPDevice, code: str) -> list[str] | None:
    """Switch two-factor login on once the app shows a right code.

    Returns the new recovery codes (stored, but shown only this once), or None
    for a wrong code. Every other session of the user ends (session_epoch):
    one signed in before had no code asked of it.
    """
    if device.confirmed or not device.verify_token(twofactor.normalise_code(code)):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=device.user_id).exclude(pk=device.pk).delete()
    user = device.user
    User.objects.filter(pk=user.pk).update(session_epoch=F("session_epoch") + 1)
    return _recovery_codes_create(user)


@transaction.atomic
def recovery_codes_replace(*, user: User) -> list[str]:
    """Ten new recovery codes; the old ones stop working."""
    return _recovery_codes_create(user)


@transaction.atomic
def two_factor_disable(*, user: User) -> None:
    """Back to the password alone: every app and recovery code is removed."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


# ---------------------------------------------------------------- unlocking password sign-in

UNLOCK_SALT = "interviews.account-unlock"
# The link is good until the lock it was sent for ends (an hour at most) and
# in any case no longer than a day.
UNLOCK_LINK_MAX_AGE = 24 * 60 * 60


def account_unlock_offer(*, user: User) -> None:
    """Email the owner of an account whose password sign-in is paused
    (throttle.ACCOUNT_CEILING) a link that lifts the pause. The link names
    the newest failure counted: once the pause is lifted (or has ended) that
    row is gone, so the link works once."""
    newest = (
        ThrottleHit.objects.filter(
            scope=throttle.ACCOUNT_CEILING.scope, key=throttle.key_for_user(user)
        )
        .order_by("-created_at", "-pk")
        .first()
    )
    if newest is None:
        return
    token = signing.dumps({"u": user.pk, "h": newest.pk}, salt=UNLOCK_SALT)
    context = {
        "user": user,
        "url": settings.SITE_URL + reverse("account_unlock", args=[token]),
        "limit": throttle.ACCOUNT_CEILING.limit,
    }
    queue_email(
        to=user.email,
        subject="Password sign-in to your Coachsite account is paused",
        body=loader.render_to_string("registration/account_unlock_email.txt", context),
        secret=True,
    )


@transaction.atomic
def account_unlock(*, token: str) -> User:
    """Lift the pause on an account's password sign-in with the emailed link:
    the account's counted failures are forgotten. The link works once, and
    not after the pause it was sent for has ended."""
    try:
        data = signing.loads(token, salt=UNLOCK_SALT, max_age=UNLOCK_LINK_MAX_AGE)
        user = User.objects.get(pk=data["u"], is_active=True)
        newest = int(data["h"])
    except (signing.BadSignature, User.DoesNotExist, KeyError, TypeError, ValueError):
        raise UnlockLinkInvalid("This unlock link is not valid or has expired.") from None
    failures = ThrottleHit.objects.select_for_update().filter(
        scope=throttle.ACCOUNT_CEILING.scope, key=throttle.key_for_user(user)
    )
    in_force = failures.filter(created_at__gt=timezone.now() - throttle.ACCOUNT_CEILING.window)
    if not in_force.filter(pk=newest).exists():
        raise UnlockLinkInvalid(
            "This unlock link has been used already, or the pause it was sent for has ended."
        )
    failures.delete()
    return user
