"""PostgreSQL whose per-request health check asks the socket before it asks the server.

With CONN_HEALTH_CHECKS (settings.py) Django checks a kept connection before each request's first
query, so that one the server dropped (a restart, `pg_terminate_backend`) is replaced instead of
failing the request. Django's check is a `SELECT 1`: a round trip, a statement parsed and planned and
a transaction on the server, before every request. A server that ends a connection says so on the
socket (its FATAL message, then end of file), so here a kept connection that is idle and whose socket
has nothing to read is taken as healthy, a `poll` of a few microseconds; only a socket with something
waiting (or a connection psycopg already knows is closed or broken) gets Django's `SELECT 1`, which
reads the news and closes the connection if it is bad. A connection on a link that died silently
(no FIN, no RST) passes the poll, as it would pass until a timeout in `SELECT 1`.

settings.py uses this backend for every PostgreSQL DATABASE_URL; `connection.vendor` stays
"postgresql".
"""

from __future__ import annotations

import select

from django.db.backends.postgresql import base
from psycopg.pq import TransactionStatus


def has_news(fileno: int) -> bool:
    """Whether the socket has something to read (a message, or the end of the connection)."""
    if hasattr(select, "poll"):
        poller = select.poll()
        poller.register(fileno, select.POLLIN | select.POLLPRI)
        return bool(poller.poll(0))
    readable, _, _ = select.select([fileno], [], [], 0)  # Windows: poll() is missing there
    return bool(readable)


class DatabaseWrapper(base.DatabaseWrapper):
    def close_if_health_check_failed(self) -> None:
        connection = self.connection
        if (
            connection is not None
            and self.health_check_enabled
            and not self.health_check_done
            and not self.pool
            and not connection.closed
            and not connection.broken
            and connection.info.transaction_status == TransactionStatus.IDLE
            and not has_news(connection.fileno())
        ):
            self.health_check_done = True
        super().close_if_health_check_failed()
