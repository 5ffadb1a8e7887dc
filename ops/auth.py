"""Django's ModelBackend, with the user of each request read by a query compiled once per process
(ops/compiled.py): every request reads its user, and building that query with the ORM cost more than
the database's answer. Logging in, permissions and the rest are Django's."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend

from ops.compiled import CompiledObjects

_user = CompiledObjects(lambda pk: get_user_model()._default_manager.filter(pk=pk))


def read_user_ahead(user_id: Any) -> None:
    """This request will likely read this user (ops/sessions.py): read it along with its next query."""
    try:
        _user.ahead(pk=int(user_id))
    except (TypeError, ValueError, OverflowError):
        return


class ModelBackend(DjangoModelBackend):
    def get_user(self, user_id):
        try:
            found = _user(pk=int(user_id))
        except (TypeError, ValueError, OverflowError):
            return None
        user = found[0] if found else None
        return user if user is not None and self.user_can_authenticate(user) else None
