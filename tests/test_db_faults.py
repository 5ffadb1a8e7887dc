"""After a PostgreSQL restart the next request succeeds: CONN_HEALTH_CHECKS replaces a pooled connection
that the server dropped before the request uses it.

The request goes through Django's real WSGI handler (the test client skips the request signals that
close stale connections, so it could not show this). The server side of our connection is ended with
`pg_terminate_backend` from a second connection, as a restart ends it.
"""

from __future__ import annotations

import psycopg
import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection
from django.test import Client, RequestFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def postgres():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite is a file opened in the process: there is no server connection to lose")


def backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def terminate(pid: int) -> None:
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    with psycopg.connect(**params, autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])


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
