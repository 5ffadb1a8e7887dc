"""Django's database sessions (SESSION_ENGINE = "ops.sessions"), read by a query compiled once per
process (ops/compiled.py). Every request reads its session, and building that query with the ORM
cost more than the database's answer. Everything else (saving, expiry, cycling the key) is Django's."""

from __future__ import annotations

from django.contrib.sessions.backends.db import SessionStore as DatabaseStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from ops.compiled import CompiledObjects


def _by_key(key: str):
    return Session.objects.filter(session_key=key)


_session = CompiledObjects(_by_key)


class SessionStore(DatabaseStore):
    def _get_session_from_db(self) -> Session | None:
        """The session of this key if it has not expired, as Django's own reads it; else None, and the
        key is dropped (a new session gets a new one)."""
        found = _session(key=self.session_key)
        if found and found[0].expire_date > timezone.now():
            return found[0]
        self._session_key = None
        return None
