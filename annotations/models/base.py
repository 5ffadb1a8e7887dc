"""What the annotation models share: the user model's name, the refusal the analyst sees, and
the recording of a change in the history."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings

if TYPE_CHECKING:
    from annotations.models.changes import Change

User = settings.AUTH_USER_MODEL
PREFIX_LENGTH = 32


class Refused(Exception):
    """A change the rules refuse; the message is shown to the analyst as it is.

    status: 422 bad request, 403 someone else's work, 409 stale version."""

    def __init__(self, message: str, status: int = 422) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def clip(text: str, length: int = 60) -> str:
    """A quote short enough for a message or a history line."""
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1] + "…"


def record(*args, **kwargs) -> Change:
    # annotations/history.py imports the models, so it is imported here, when first needed.
    from annotations.history import record

    return record(*args, **kwargs)
