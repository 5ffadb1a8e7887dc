"""marginalia/sqlite: on SQLite, a write transaction holds the writers' lock file (`NAME.writers`) from its
start to its commit or rollback, so that the next writer in any process is woken when it ends rather
than polling SQLite's lock."""

from __future__ import annotations

import fcntl
import os

import pytest
from django.db import connection, transaction

pytestmark = pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="SQLite's writers only"
)


def held(path: str) -> bool:
    """Does someone hold the lock (another open file, as another process would have)?"""
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(descriptor)
    return False


@pytest.mark.django_db(transaction=True)
def test_a_write_transaction_holds_the_writers_lock_until_it_ends():
    path = f"{connection.settings_dict['NAME']}.writers"
    assert not held(path)
    with transaction.atomic():
        assert held(path)
        with transaction.atomic():  # a savepoint: still the one transaction
            assert held(path)
        assert held(path)
    assert not held(path)
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        assert held(path)
        1 / 0  # noqa: B018
    assert not held(path)
