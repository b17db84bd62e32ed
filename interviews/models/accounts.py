"""Accounts: the user (email login, role, time zone, calendar token) and the
rows that throttle sign-in attempts.
"""

from __future__ import annotations

import secrets
import zoneinfo

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from ..lib.zones import Choices, grouped_zones
from ..validators import validate_single_line

TIME_ZONE_MAX_LENGTH = 64


def validate_time_zone(value: str) -> None:
    try:
        zoneinfo.ZoneInfo(value)
    # OSError: a folder of the database ("Europe") is no zone either.
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        raise ValidationError(f"{value!r} is not a known time zone.") from None


def known_time_zone(value: object) -> str:
    """``value`` when the zone database knows it, else "" (never an error)."""
    if not isinstance(value, str) or not value or len(value) > TIME_ZONE_MAX_LENGTH:
        return ""
    try:
        validate_time_zone(value)
    except ValidationError:
        return ""
    return value


def first_known_time_zone(*zones: str | None) -> str:
    """The first of ``zones`` the zone database knows; the server's zone
    (settings.TIME_ZONE) when none is."""
    for zone in zones:
        if known := known_time_zone(zone):
            return known
    return settings.TIME_ZONE


def time_zone_choices() -> Choices:
    """For forms only (the list depends on the machine's tz database, so it
    must not be frozen into a migration): the zones grouped by region, named
    by place and country, then UTC (lib/zones.py)."""
    return grouped_zones()


# ---------------------------------------------------------------- users


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("role", User.Role.COACH)
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, username):
        # Email is the login and is stored lower-cased; match it that way.
        if len(username) > self.model._meta.get_field("email").max_length:
            # No stored email is that long, and SQLite refuses a LIKE pattern
            # over 50 kB (the login form does not enforce the field's length).
            raise self.model.DoesNotExist
        # PostgreSQL compares case-insensitively by Unicode rules, so "sis@" and
        # "s\u0131s@" (a dotless i) both match either address; the unique
        # constraint only lower-cases, so both accounts can exist. The exact
        # (lower-cased) spelling then picks one, instead of
        # MultipleObjectsReturned (a 500 on the login page).
        matches = list(self.filter(email__iexact=username)[:2])
        if len(matches) == 1:
            return matches[0]
        exact = [user for user in matches if user.email == username.lower()]
        if len(exact) == 1:
            return exact[0]
        if matches:
            raise self.model.MultipleObjectsReturned
        raise self.model.DoesNotExist


def new_calendar_token() -> str:
    """The secret in a user's calendar-feed address: 256 random bits, URL-safe."""
    return secrets.token_urlsafe(32)


class UserRole(models.TextChoices):
    COACH = "coach", "Coach"
    CANDIDATE = "candidate", "Candidate"


class User(AbstractBaseUser, PermissionsMixin):
    Role = UserRole

    email = models.EmailField("email address", unique=True)
    full_name = models.CharField(max_length=150, blank=True, validators=[validate_single_line])
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.CANDIDATE)
    time_zone = models.CharField(
        max_length=TIME_ZONE_MAX_LENGTH,
        default="UTC",
        validators=[validate_time_zone],
        help_text="Dates and times are shown and entered in this time zone.",
    )
    is_staff = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)
    # The private calendar feed's address, /calendar/<token>.ics; replacing it
    # (profile page) kills the old address.
    calendar_token = models.CharField(max_length=64, unique=True, default=new_calendar_token)
    # Part of every session's auth hash: raising it ("Log out everywhere")
    # ends every session signed in before.
    session_epoch = models.PositiveIntegerField(default=0)
    # How many of the user's notices are unread: the badge every signed-in page
    # shows, read from the user row the request already has (no COUNT per
    # page). Kept exact by services.notifications, the one place that makes,
    # reads and deletes notices; ``manage.py recount_unread_notices`` repairs
    # drift (a row changed by hand).
    unread_notices = models.PositiveIntegerField(default=0, editable=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        ordering = ["email"]
        constraints = [
            models.CheckConstraint(
                condition=Q(role__in=UserRole.values),
                name="interviews_user_role_valid",
            ),
            models.UniqueConstraint(Lower("email"), name="interviews_user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    def clean(self) -> None:
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def _get_session_auth_hash(self, secret=None) -> str:
        """Django's hash of the password, with ``session_epoch`` mixed in once
        it is raised, so a new epoch ends every session as a new password does
        (and sessions from before epochs existed stay valid)."""
        from django.utils.crypto import salted_hmac

        value = self.password if not self.session_epoch else f"{self.password}:{self.session_epoch}"
        return salted_hmac(
            "django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash",
            value,
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return (self.full_name.split() or [self.email])[0]

    @property
    def is_coach(self) -> bool:
        return self.role == self.Role.COACH

    @property
    def is_candidate(self) -> bool:
        return self.role == self.Role.CANDIDATE


# ---------------------------------------------------------------- throttling


class ThrottleHit(models.Model):
    """One counted attempt (a password-reset request, an invitation re-send, a
    failed invitation lookup) under a scope and key, such as
    ("reset-email", "ada@example.com") or ("reset-ip", "203.0.113.9"). A limit
    is the number of hits of a scope and key within a window; the state lives
    in the database, so every app server sees the same counts."""

    scope = models.CharField(max_length=40)
    key = models.CharField(max_length=254)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # Counting the hits of one scope and key in the last window.
            models.Index(fields=["scope", "key", "created_at"], name="throttlehit_lookup_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.key} at {self.created_at:%Y-%m-%d %H:%M}"
