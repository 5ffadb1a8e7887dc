"""SQLite whose writers queue in the kernel instead of polling for the lock.

SQLite lets one writer in at a time; the others, told "busy", sleep and try again, in steps that
grow to 100 ms, so that under a few concurrent saves most of a save's time is spent asleep after the
lock was already free. Here each write transaction (Django's `atomic()`, begun IMMEDIATE, see
settings.py) first takes an exclusive `flock` on a file beside the database (`NAME.writers`), and
releases it at its commit or rollback: a waiting writer is woken the moment the previous one is done,
in any process (gunicorn's workers, the task worker, a management command). SQLite's own lock and
busy timeout still guard every write, including autocommitted ones outside a transaction. An
in-memory database has nothing to share and takes no lock.

settings.py uses this backend for every SQLite DATABASE_URL; `connection.vendor` stays "sqlite".
"""

from __future__ import annotations

import os

try:
    import fcntl
except ImportError:  # Windows: no flock; SQLite's own busy timeout queues the writers there
    fcntl = None

from django.db.backends.sqlite3 import base


class DatabaseWrapper(base.DatabaseWrapper):
    _writers: int | None = None  # the open lock file, while this connection holds the write lock

    def _queue(self) -> None:
        if self._writers is not None or fcntl is None or self.is_in_memory_db():
            return
        descriptor = os.open(f"{self.settings_dict['NAME']}.writers", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX)
        except BaseException:
            os.close(descriptor)
            raise
        self._writers = descriptor

    def _leave(self) -> None:
        descriptor, self._writers = self._writers, None
        if descriptor is not None:
            os.close(descriptor)  # closing releases the flock

    def _start_transaction_under_autocommit(self) -> None:
        self._queue()
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._leave()
            raise

    def _commit(self) -> None:
        try:
            super()._commit()
        finally:
            self._leave()

    def _rollback(self) -> None:
        try:
            super()._rollback()
        finally:
            self._leave()

    def _close(self) -> None:
        try:
            super()._close()
        finally:
            self._leave()
