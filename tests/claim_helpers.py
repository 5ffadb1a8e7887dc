"""Claims made through the ORM for the claims export, filter and network tests (part A's verbs are not
needed to read claims back)."""

from __future__ import annotations

from datetime import UTC, datetime

from annotations.models import Claim, Span

DEFAULT_TIME = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)


def make_claim(span: Span, by, *, at: datetime | None = None, **fields) -> Claim:
    """A claim on `span` by `by`. Fields default to the author speaking; pass speaker=<Term> for an
    actor, or unnamed_speaker="…" (and speaker_group=<Term>) for an unnamed source."""
    if "speaker_kind" not in fields:
        if fields.get("speaker") is not None:
            fields["speaker_kind"] = "actor"
        elif fields.get("unnamed_speaker"):
            fields["speaker_kind"] = "unnamed"
        else:
            fields["speaker_kind"] = "author"
    at = at or DEFAULT_TIME
    return Claim.objects.create(
        span=span, article_id=span.article_id, created_by=by, created_at=at, updated_at=at, **fields
    )
