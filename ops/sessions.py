"""Django's database sessions (SESSION_ENGINE = "ops.sessions"), read by a query compiled once per
process (ops/compiled.py). Every request reads its session, and building that query with the ORM
cost more than the database's answer. Everything else (saving, expiry, cycling the key) is Django's.

Every request then reads its user, whose id is inside the session: the two cannot be one query. Each
process remembers which user a session key held when it last read it, and sends that user's read
ahead with the session's (ops/compiled.py Compiled.ahead: one round trip on PostgreSQL instead of
two). It is only a guess at what to read: the session read decides who the user is (Django's
auth.get_user), and a wrong guess costs one read nobody uses."""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DatabaseStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from ops.auth import read_user_ahead
from ops.compiled import CompiledObjects

# Session key -> the user id it held when this process last read it (the most recent sessions).
REMEMBERED = 10_000
_users: OrderedDict[str, int] = OrderedDict()
_users_lock = threading.Lock()


def _by_key(key: str):
    return Session.objects.filter(session_key=key)


_session = CompiledObjects(_by_key)


class SessionStore(DatabaseStore):
    def load(self) -> dict[str, Any]:
        key = self.session_key
        if key:
            with _users_lock:
                guess = _users.get(key)
            if guess is not None:
                read_user_ahead(guess)
        data = super().load()
        user_id = data.get(SESSION_KEY)
        if key and self.session_key == key and user_id is not None:
            with _users_lock:
                _users[key] = user_id
                _users.move_to_end(key)
                while len(_users) > REMEMBERED:
                    _users.popitem(last=False)
        return data

    def _get_session_from_db(self) -> Session | None:
        """The session of this key if it has not expired, as Django's own reads it; else None, and the
        key is dropped (a new session gets a new one)."""
        found = _session(key=self.session_key)
        if found and found[0].expire_date > timezone.now():
            return found[0]
        self._session_key = None
        return None
