"""Reads of accounts."""

from __future__ import annotations

from ..models import User


def user_with_email(email: str) -> User | None:
    """The login with this email, compared case-insensitively."""
    return User.objects.filter(email__iexact=email).first()
