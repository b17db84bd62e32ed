"""Links: single-use links (invitations of both kinds), absolute URLs for
emails and feeds, and the one rule for "go back where you were" redirects.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

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


# ---------------------------------------------------------------- a list's links

#: A number no real id takes, reversed in its place and then swapped for each id.
_PK_MARKER = 987654321


def pk_url(name: str) -> Callable[[int], str]:
    """``reverse(name, args=[pk])`` for every row of a list at the cost of one
    ``reverse``: ``url = pk_url("coach:round_detail")`` then ``url(round.pk)``
    per row. For a pattern whose one argument is an ``<int:pk>``."""
    head, tail = reverse(name, args=[_PK_MARKER]).rsplit(str(_PK_MARKER), 1)
    return lambda pk: f"{head}{int(pk)}{tail}"


# ---------------------------------------------------------------- tokens in addresses

# The longest token the app makes is an unsubscribe link for every kind of
# notice at once (about 290 characters); nothing longer is worth a lookup.
TOKEN_MAX_LENGTH = 400


class TokenConverter:
    """``<token:name>``: a credential in an address (invitation, calendar feed,
    practice join, password reset, unsubscribe).

    Every token the app makes is URL-safe base64, hex or a signature of them
    (letters, digits, ``-``, ``_``, and ``.`` and ``:`` in signed ones). Anything
    else (a NUL, which PostgreSQL refuses to store or compare; an invalid
    UTF-8 escape, which reaches the view still percent-encoded; an overlong
    string) is no token: the address matches no pattern and answers 404
    before any view or database sees it. A page behind this converter is
    personal (interviews.middleware.personal_public_pages).
    """

    regex = rf"[A-Za-z0-9_.:-]{{1,{TOKEN_MAX_LENGTH}}}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


# ---------------------------------------------------------------- going back


def safe_next(target: str | None, *, default: str) -> str:
    """``target`` when it is a path on this site ("/coach/candidates/?q=x"),
    else ``default``: the one policy for every "next" a request or a stored row
    carries (log-in, the code step, the share buttons, a notice's link).

    Only a local path passes. Not an absolute URL, not even to this host: it
    could name another scheme or port, and nothing of ours needs one. Not
    "//host" or "/\\host", which browsers read as another site; not a path
    with control characters or spaces, which no link of ours contains."""
    if (
        target
        and target.startswith("/")
        and target.isprintable()
        and " " not in target
        and url_has_allowed_host_and_scheme(target, allowed_hosts=None)
    ):
        return target
    return default
