"""Links: single-use links (invitations of both kinds) and absolute URLs for
emails and feeds.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone

# ---------------------------------------------------------------- single-use links


class LinkState(models.TextChoices):
    PENDING = "pending", "Pending"
    ACCEPTED = "accepted", "Accepted"
    REPLACED = "replaced", "Replaced"
    EXPIRED = "expired", "Expired"


class SingleUseLink:
    """The state of an invitation link (a candidate's, a coach's to a practice),
    from its ``accepted_at``, ``revoked_at`` and ``expires_at``."""

    State = LinkState

    @property
    def state(self) -> LinkState:
        if self.accepted_at:
            return LinkState.ACCEPTED
        if self.revoked_at:
            return LinkState.REPLACED
        if self.expires_at <= timezone.now():
            return LinkState.EXPIRED
        return LinkState.PENDING


# ---------------------------------------------------------------- invitations


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def absolute(path: str) -> str:
    """A site path as a full address, for emails and calendar feeds."""
    return f"{settings.SITE_URL}{path}"
