"""Django's PostgreSQL backend, with the check of a persistent connection
between requests made by looking at its socket instead of asking the server.

Django checks a reused connection before the first query of each request
(CONN_HEALTH_CHECKS) with a ``SELECT 1``: a round trip on every request that
no query count shows (about 70 µs on a local socket, more across a network).
This asks the kernel instead: an idle connection has nothing to read, since
the server only speaks when asked. Readable means the server said goodbye —
a restart or shutdown, ``pg_terminate_backend``, an idle-session timeout all
send a FATAL message and close the stream — or, rarely, sent a notice unasked
(a setting changed by a reload); either way the connection is closed and the
request takes a new one. One ``poll()``, about a microsecond.

What it cannot see: a server that vanished without closing its sockets (a
machine lost at once, a failover that moves the address). Only a round trip
finds that out, so such a connection fails its first query: a GET or HEAD is
run again (RetryOnDroppedConnectionMiddleware), a POST answers 500 once.
Deployments that fail over that way set DATABASE_HEALTH_CHECK=query (README,
"Performance"). ``tests/platform/test_database_restart.py`` proves a restart
costs no request, a POST included.
"""

from __future__ import annotations

import select

from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
    def close_if_health_check_failed(self) -> None:
        if self.connection is None or not self.health_check_enabled or self.health_check_done:
            return
        if not self.socket_is_quiet():
            self.close()
        self.health_check_done = True

    def socket_is_quiet(self) -> bool:
        """True when the idle connection's socket is open with nothing to read."""
        connection = self.connection
        if connection is None or connection.closed or connection.broken:
            return False
        try:
            poller = select.poll()
            poller.register(connection.pgconn.socket, select.POLLIN | select.POLLPRI)
            return not poller.poll(0)
        except (OSError, ValueError, base.Database.Error):
            return False
