"""gunicorn's settings for Coachsite: ``gunicorn -c coachsite/gunicorn.conf.py
coachsite.wsgi`` (README, "Deploying"). Command-line options still win.

The access log writes each request line and referrer; the paths that are
credentials (calendar feed, invitation, password reset, practice join,
unsubscribe) are redacted by the same function as Django's own logs
(interviews/lib/redaction.py).
"""

import pathlib
import sys

from gunicorn.glogging import Logger

# gunicorn loads this file before the app: make the project importable.
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))

from interviews.lib.redaction import redact


class RedactingLogger(Logger):
    """gunicorn's logger, with every text atom of an access-log line (the
    request line, the path, the query, the referrer and other headers)
    redacted, and the error log's messages too."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        return {k: redact(v) if isinstance(v, str) else v for k, v in atoms.items()}

    def error(self, msg, *args, **kwargs):
        super().error(redact(str(msg)), *_redacted(args), **kwargs)

    def warning(self, msg, *args, **kwargs):
        super().warning(redact(str(msg)), *_redacted(args), **kwargs)

    def exception(self, msg, *args, **kwargs):
        super().exception(redact(str(msg)), *_redacted(args), **kwargs)


def _redacted(args: tuple) -> list:
    return [redact(a) if isinstance(a, str) else a for a in args]


logger_class = RedactingLogger
