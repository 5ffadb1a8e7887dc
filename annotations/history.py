"""Recording the history: every create, change and delete of passages, tags, notes, terms, aliases."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from annotations.models import Change
from ops.compiled import key_of


def record(
    actor: AbstractBaseUser | None,
    action: str,
    obj: Any,
    summary: str,
    *,
    before: dict | None = None,
    after: dict | None = None,
    article_id: int | None = None,
    span_id: int | None = None,
    term_id: int | None = None,
    object_type: str | None = None,
    at: datetime | None = None,
    save: bool = True,
) -> Change:
    """Write one Change (`save=False`: make it, for the caller to write with others in one INSERT; `obj`
    may then be unsaved too, written before it by ops.compiled.insert_linked).
    object_type is the model name in lower case (span, tag, note, term, alias), or the one given where
    that name is longer than the column's ten characters (a suggestion rejection is `rejection`).
    `at`: the time of the action it is part of (a passage made with its first tag and note is one
    action: ChangeQuerySet.one_line_per_action)."""
    change = Change(
        at=at or timezone.now(),
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        object_type=object_type or type(obj)._meta.model_name,
        object_id=key_of(obj),
        summary=summary[:500],
        before=before,
        after=after,
        article_id=article_id,
        span_id=span_id,
        term_id=term_id,
    )
    if save:
        change.save(force_insert=True)
    return change
