"""Reading claims for export: a passage's claims (JSONL, W3C), and a claims set a chunk at a time (claims
CSV and JSONL), with their passages, articles, tags and notes.

As for passages (`reading`), memory stays flat: claims are read in chunks of CHUNK_SIZE as plain value
rows with their passage's columns joined in, each chunk's tags and notes in one query each, and only the
current article is kept. Every claims form lists claims by article, then the passage's reading order,
then passage and claim id.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from itertools import islice
from typing import Any

from django.db import connections
from django.db.models import QuerySet, TextField
from django.db.models.functions import Cast

from annotations.export.reading import (
    CHUNK_SIZE,
    NO_NOTES,
    NO_TAGS,
    ArticleInfo,
    Lookups,
    Passage,
    TermInfo,
    ensure_sentence_starts,
    iso_from_db,
    read_ahead,
    rows_for_spans,
    tags_and_notes,
)
from annotations.models import Claim, Span, SpeakerKind
from annotations.models.visibility import Sight

# The claim's own columns, in the order ClaimInfo reads them (raw SQL and values_list alike).
CLAIM_FIELDS = (
    *("id", "span_id", "speaker_kind", "speaker_id", "unnamed_speaker", "speaker_group_id", "speaker_role"),
    *("attribution_type", "reporting_verb", "reporting_verb_start", "reporting_verb_end", "claim_type"),
    *("stance", "target_id", "certainty", "hedge_cues", "event_modality", "evidence_cited", "contested"),
    "created_by_id",
)
CLAIM_SQL = (
    f"SELECT {', '.join(CLAIM_FIELDS)}, CAST(created_at AS TEXT), CAST(updated_at AS TEXT), version "
    f"FROM {Claim._meta.db_table} WHERE deleted_at IS NULL AND span_id {{ids}} ORDER BY span_id, id"
)


class ClaimInfo:
    """One live claim as the exports show it; `passage` is set when its Passage is built."""

    __slots__ = (
        *("id", "span_id", "speaker_kind", "speaker", "unnamed_speaker", "speaker_group", "speaker_role"),
        *("attribution_type", "reporting_verb", "reporting_verb_start", "reporting_verb_end"),
        *("claim_type", "stance", "target", "certainty", "hedge_cues", "event_modality", "evidence_cited"),
        *("contested", "annotator", "created_at", "updated_at", "version", "passage"),
    )

    def __init__(self, row: tuple | list, lookups: Lookups) -> None:
        terms, usernames = lookups.terms, lookups.usernames
        (
            self.id, self.span_id, self.speaker_kind, speaker_id, self.unnamed_speaker, group_id,
            self.speaker_role, self.attribution_type, self.reporting_verb, self.reporting_verb_start,
            self.reporting_verb_end, self.claim_type, self.stance, target_id, self.certainty, cues,
            self.event_modality, self.evidence_cited, contested, by, created, updated, self.version,
        ) = row  # fmt: skip
        self.speaker: TermInfo | None = terms.get(speaker_id) if speaker_id else None
        self.speaker_group: TermInfo | None = terms.get(group_id) if group_id else None
        self.target: TermInfo | None = terms.get(target_id) if target_id else None
        if isinstance(cues, str):  # read as text: parsed only when there is something to parse
            cues = json.loads(cues) if cues not in ("", "[]") else []
        self.hedge_cues: list[dict[str, Any]] = cues or []
        self.contested = bool(contested)  # SQLite gives 0/1
        self.annotator = usernames.get(by, "")
        self.created_at, self.updated_at = iso_from_db(created), iso_from_db(updated)
        self.passage: Passage | None = None

    def speaker_term(self) -> TermInfo | None:
        """The actor that speaks: the speaker, or the group an unnamed source belongs to."""
        return self.speaker if self.speaker_kind == SpeakerKind.ACTOR else self.speaker_group

    @property
    def speaker_label(self) -> str:
        """Who speaks, in words: the actor's label; the article's by-line (its outlet when it has none)
        for the author; for an unnamed source, the actor it belongs to, else its description."""
        if self.speaker_kind == SpeakerKind.AUTHOR:
            article = self.passage.article
            return article.authors or article.source
        term = self.speaker_term()
        return term.label if term is not None else self.unnamed_speaker

    @property
    def link(self) -> str:
        return self.passage.link


def claims_by_span(
    using: str,
    ids: list[int],
    lookups: Lookups,
    sight: Sight | None = None,
    articles: dict[int, int] | None = None,
) -> dict[int, list[ClaimInfo]]:
    """The live claims of these (live) spans, by span id, in one query. `sight`: only those its viewer may
    see (a claim is its coder's too), `articles` giving each span's article."""
    claims: dict[int, list[ClaimInfo]] = defaultdict(list)
    by = CLAIM_FIELDS.index("created_by_id")
    for row in rows_for_spans(using, CLAIM_SQL, ids):
        if sight is not None and not sight.sees(articles[row[1]], row[by]):
            continue
        claims[row[1]].append(ClaimInfo(row, lookups))
    return claims


def read_claims(
    claims: QuerySet[Claim], *, base_url: str, chunk_size: int = CHUNK_SIZE, sight: Sight | None = None
) -> Iterator[list[ClaimInfo]]:
    """The set's claims in (article, passage start, passage, claim) order, a chunk (list) at a time,
    each with its passage (article, tags, notes: with `sight`, the notes its viewer may see). Read one
    chunk ahead outside a transaction, as `reading.passages` does."""
    ensure_sentence_starts(Span.objects.filter(pk__in=claims.order_by().values("span_id")))
    connection = connections[claims.db]
    in_memory = getattr(connection, "is_in_memory_db", lambda: False)()
    if connection.in_atomic_block or in_memory:
        return _read_claims(claims, base_url, chunk_size, sight)
    return read_ahead(lambda: _read_claims(claims, base_url, chunk_size, sight), using=claims.db)


def _read_claims(
    claims: QuerySet[Claim], base_url: str, chunk_size: int, sight: Sight | None = None
) -> Iterator[list[ClaimInfo]]:
    lookups = Lookups(base_url)
    rows = (
        claims.order_by("article_id", "span__start", "span_id", "pk")
        .annotate(
            # JSON as text, parsed in ClaimInfo only when not empty: most claims have no hedge cues, and
            # JSONField's own decoding was a third of the export's time.
            export_cues=Cast("hedge_cues", output_field=TextField()),
            export_created=Cast("created_at", output_field=TextField()),
            export_updated=Cast("updated_at", output_field=TextField()),
            span_created=Cast("span__created_at", output_field=TextField()),
            span_updated=Cast("span__updated_at", output_field=TextField()),
        )
        .values_list(
            *CLAIM_FIELDS[:15], "export_cues", *CLAIM_FIELDS[16:],
            "export_created", "export_updated", "version",
            "article_id", "span__start", "span__end", "span__quote", "span__prefix", "span__suffix",
            "span__created_by_id", "span_created", "span_updated", "span__version",
        )
        .iterator(chunk_size=chunk_size)
    )  # fmt: skip
    width = len(CLAIM_FIELDS) + 3
    article: ArticleInfo | None = None
    while chunk := list(islice(rows, chunk_size)):
        span_ids = list(dict.fromkeys(row[1] for row in chunk))
        tags, notes = tags_and_notes(claims.db, span_ids, lookups, sight)
        passage: Passage | None = None
        batch = []
        for row in chunk:
            claim = ClaimInfo(row[:width], lookups)
            article_id, start, end, quote, prefix, suffix, by, created, updated, version = row[width:]
            if passage is None or passage.span_id != claim.span_id:
                if article is None or article.id != article_id:
                    article = ArticleInfo(article_id, base_url, claims.db)
                span_id = claim.span_id
                passage = Passage(
                    span_id, article, start, end, quote, prefix, suffix, lookups.usernames.get(by, ""),
                    iso_from_db(created), iso_from_db(updated), version, tags.get(span_id, NO_TAGS),
                    notes.get(span_id, NO_NOTES),
                )  # fmt: skip
            claim.passage = passage
            batch.append(claim)
        yield batch
