"""Secrets out of logs: the addresses whose path is a credential (a calendar
feed, an invitation, a password reset, a practice join, an unsubscribe link)
are written to logs with everything after their fixed prefix replaced.

One list names them; ``redact`` is the one function that applies it, used by
Django's logging (``RedactSecrets`` in settings.LOGGING) and by gunicorn's
access log (coachsite/gunicorn.conf.py). Nothing here imports Django, so the
gunicorn configuration can load it before the app.
``tests/platform/test_redaction.py`` fails when a URL pattern with a
credential in its path is missing from the list.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import quote

#: URL name -> the fixed start of its path, before the first secret part.
#: Everything after the prefix (the token, the rest of the path, the query
#: string) is redacted, so a mistyped or cut link (a 404) is covered too.
SECRET_URLS: dict[str, str] = {
    "account_unlock": "/accounts/unlock/",
    "calendar_feed": "/calendar/",
    "invite_accept": "/invite/",
    "password_reset_confirm": "/accounts/reset/",
    "practice_join": "/practice/join/",
    "unsubscribe": "/notifications/unsubscribe/",
}

#: The path parameters that hold a credential; a URL pattern with one of
#: these must be in SECRET_URLS.
SECRET_PARAMETERS = frozenset({"token", "uidb64", "key", "secret", "signature"})

REDACTED = "[redacted]"

_PREFIXES = sorted(set(SECRET_URLS.values()), key=len, reverse=True)
_PATTERN = re.compile(
    "("
    + "|".join(re.escape(p) for p in _PREFIXES)
    # Up to the end of the path and query: a space (request line), a quote
    # (the log's quoted fields) or a fragment.
    + r")[^\s\"'#<>]+"
    # The same address inside a query string, URL-encoded: a log-in page's
    # ?next=%2Fpractice%2Fjoin%2F<token>%2F, up to the next parameter.
    + "|("
    + "|".join(re.escape(quote(p, safe="")) for p in _PREFIXES)
    + r")[^\s\"'#<>&]+",
    re.IGNORECASE,
)


def redact(text: str) -> str:
    """``text`` with every secret-bearing path cut after its prefix:
    ``GET /calendar/abc.ics HTTP/1.1`` -> ``GET /calendar/[redacted] HTTP/1.1``.
    Works on a bare path, a full URL (a referrer) or a whole log line."""
    if not isinstance(text, str) or "/" not in text:
        return text
    return _PATTERN.sub(lambda m: (m.group(1) or m.group(2)) + REDACTED, text)


def _redacted(value):
    return redact(value) if isinstance(value, str) else value


class RedactSecrets(logging.Filter):
    """A logging filter that redacts secret paths in a record's message and
    arguments (django.request's "Not Found: /invite/<token>/", runserver's
    request lines); the record is kept, never dropped."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(_redacted(a) for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {k: _redacted(v) for k, v in record.args.items()}
        return True
