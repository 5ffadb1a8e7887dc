"""After a PostgreSQL restart the next request succeeds: CONN_HEALTH_CHECKS replaces a pooled connection
that the server dropped before the request uses it. The check asks the socket first
(marginalia/postgresql): a quiet connection costs the server no statement, one with something to read
gets Django's `SELECT 1`.

The request goes through Django's real WSGI handler (the test client skips the request signals that
close stale connections, so it could not show this). The server side of our connection is ended with
`pg_terminate_backend` from a second connection, as a restart ends it.
"""

from __future__ import annotations

import time

import psycopg
import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection
from django.test import Client, RequestFactory

from marginalia.postgresql.base import has_news

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def postgres():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite is a file opened in the process: there is no server connection to lose")


def backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def other_connection() -> psycopg.Connection:
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    return psycopg.connect(**params, autocommit=True)


def terminate(pid: int) -> None:
    with other_connection() as other:
        other.execute("SELECT pg_terminate_backend(%s, 5000)", [pid])  # returns once it has ended


def last_statement(pid: int) -> str:
    """What the server last ran for that backend, as another session sees it."""
    with other_connection() as other:
        return other.execute("SELECT query FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone()[0]


def get(path: str, cookie: str) -> int:
    environ = RequestFactory().get(path, HTTP_COOKIE=cookie).environ
    status = []
    response = WSGIHandler()(environ, lambda s, headers, exc_info=None: status.append(s))
    b"".join(response)
    response.close()  # request_finished, as a WSGI server sends it
    return int(status[0].split()[0])


@pytest.fixture
def cookie(alice) -> str:
    client = Client()
    client.force_login(alice)
    return "; ".join(f"{name}={morsel.value}" for name, morsel in client.cookies.items())


def test_the_next_request_after_the_server_dropped_our_connection_succeeds(postgres, cookie):
    assert connection.settings_dict["CONN_HEALTH_CHECKS"] is True
    assert get("/", cookie) == 200
    before = backend_pid()
    terminate(before)
    assert get("/", cookie) == 200
    assert backend_pid() != before


def test_without_health_checks_that_request_would_have_failed(postgres, cookie):
    """The control: the same sequence with the health checks off answers 500."""
    connection.close()
    connection.settings_dict["CONN_HEALTH_CHECKS"] = False
    try:
        assert get("/", cookie) == 200
        terminate(backend_pid())
        assert get("/", cookie) == 500
    finally:
        connection.settings_dict["CONN_HEALTH_CHECKS"] = True
        connection.close()


def test_a_quiet_kept_connection_passes_the_check_without_a_statement(postgres, cookie):
    assert get("/", cookie) == 200  # the request's end asks for a check before the next one's first query
    pid = connection.connection.info.backend_pid  # known to psycopg: no statement, no check
    connection.connection.execute("SELECT 'the last statement'")
    assert connection.health_check_done is False
    connection.close_if_health_check_failed()
    assert connection.health_check_done is True
    assert last_statement(pid) == "SELECT 'the last statement'"  # no SELECT 1 was sent
    assert backend_pid() == pid


def test_a_connection_with_something_to_read_gets_the_servers_check_and_is_kept_when_healthy(
    postgres, cookie
):
    assert get("/", cookie) == 200
    pid = connection.connection.info.backend_pid
    connection.connection.execute("LISTEN marginalia_health")
    with other_connection() as other:
        other.execute("NOTIFY marginalia_health")
    deadline = time.monotonic() + 5
    while not has_news(connection.connection.fileno()) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert has_news(connection.connection.fileno())
    connection.close_if_health_check_failed()
    assert last_statement(pid) == "SELECT 1"
    assert backend_pid() == pid  # healthy: kept
    connection.connection.execute("UNLISTEN *")
