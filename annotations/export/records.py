"""One passage in each form: a wide CSV record, long CSV rows, a JSONL record, a W3C Web Annotation.

CSV cells (documented for analysts in the README; quoting and formula defusing are in `csvcells`):
- Several terms in one cell: `Label [CODE]` joined by "; " (in the order they were tagged).
  actor_codes / event_codes: the distinct codes of the passage's actor / event terms, joined by "; ".
- notes: each live note as "author (YYYY-MM-DD HH:MM): text", oldest first, separated by a blank line.
- Dates and times in ISO 8601, UTC, to the second (`2026-11-22T03:14:18Z`); `published` is a date.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from annotations.export.claim_records import W3C_CLAIM_TERMS, claim_dict, w3c_claim_body
from annotations.export.csvcells import csv_cell, neutralise
from annotations.export.reading import Passage, TermInfo, analyst_agent, note_line
from annotations.models import Tag, Term

JSONL_FORMAT = "marginalia-passages/1"
W3C_CONTEXT = "http://www.w3.org/ns/anno.jsonld"

CSV_COLUMNS: tuple[str, ...] = (
    "span_id",
    "article_id",
    "article_title",
    "source",
    "published",
    "article_url",
    "start",
    "end",
    "quote",
    "sentence",
    "source_actors",
    "agent_actors",
    "target_actors",
    "mentioned_actors",
    "events",
    "actor_codes",
    "event_codes",
    "notes",
    "annotator",
    "created_at",
    "updated_at",
    "link",
)
# The long form carries what import_annotations needs to find the passage again (article_sha256,
# prefix, suffix) next to the tidy one-row-per-tag columns. Notes are not in it: JSONL carries them.
LONG_CSV_COLUMNS: tuple[str, ...] = (
    "span_id",
    "article_id",
    "article_sha256",
    "article_title",
    "source",
    "published",
    "start",
    "end",
    "quote",
    "prefix",
    "suffix",
    "annotator",
    "created_at",
    "updated_at",
    "link",
    "term_kind",
    "term_id",
    "term_label",
    "term_code",
    "role",
)
ROLE_COLUMNS = {
    Tag.Role.SOURCE: "source_actors",
    Tag.Role.AGENT: "agent_actors",
    Tag.Role.TARGET: "target_actors",
    Tag.Role.MENTIONED: "mentioned_actors",
    Tag.Role.EVENT: "events",
}


TERM_COLUMNS = (*ROLE_COLUMNS.values(), "actor_codes", "event_codes")
_ROLE_SLOT = {role: i for i, role in enumerate(ROLE_COLUMNS)}
_NO_TERMS = ("",) * len(TERM_COLUMNS)
_NO_TERMS_CSV = "," * (len(TERM_COLUMNS) - 1)


def term_cells(passage: Passage) -> tuple[str, ...]:
    """The cells of TERM_COLUMNS: `Label [CODE]`s by role, then the distinct actor and event codes."""
    if not passage.tags:
        return _NO_TERMS
    return _term_cells(tuple(passage.tags))[0]


def csv_term_cells(passage: Passage) -> str:
    """term_cells as CSV: neutralised, encoded and joined by commas."""
    if not passage.tags:
        return _NO_TERMS_CSV
    return _term_cells(tuple(passage.tags))[1]


@lru_cache(maxsize=20_000)
def _term_cells(tags: tuple[tuple[TermInfo, str], ...]) -> tuple[tuple[str, ...], str]:
    # Cached: the same terms in the same roles recur across thousands of passages.
    by_role: list[list[str]] = [[], [], [], [], []]
    actor_codes: list[str] = []
    event_codes: list[str] = []
    for term, role in tags:
        is_event = term.kind == Term.Kind.EVENT
        slot = _ROLE_SLOT.get(role, 4 if is_event else 3)
        by_role[slot].append(term.display)
        codes = event_codes if is_event else actor_codes
        if term.code and term.code not in codes:
            codes.append(term.code)
    cells = (*("; ".join(values) for values in by_role), "; ".join(actor_codes), "; ".join(event_codes))
    return cells, ",".join(csv_cell(neutralise(cell)) for cell in cells)


def csv_line(passage: Passage) -> str:
    """The passage's record in the wide CSV (CSV_COLUMNS), CRLF included."""
    article, n = passage.article, neutralise
    notes = "\n\n".join(note_line(author, text, created) for author, text, created, _ in passage.notes)
    sentence = article.sentence(passage.start, passage.end)
    return (
        f"{passage.span_id},{article.csv_head},{passage.start},{passage.end},"
        f"{csv_cell(n(passage.quote))},{csv_cell(n(sentence))},{csv_term_cells(passage)},"
        f"{csv_cell(n(notes))},{csv_cell(n(passage.annotator))},{passage.created_at},{passage.updated_at},"
        f"{csv_cell(f'{article.reader_url}#span-{passage.span_id}')}\r\n"
    )


def long_csv_rows(passage: Passage) -> list[list[Any]]:
    article, n = passage.article, neutralise
    common = [
        passage.span_id,
        article.id,
        article.sha256,
        n(article.title),
        n(article.source),
        article.published,
        passage.start,
        passage.end,
        n(passage.quote),
        n(passage.prefix),
        n(passage.suffix),
        n(passage.annotator),
        passage.created_at,
        passage.updated_at,
        passage.link,
    ]
    if not passage.tags:  # a passage without tags still gets its row: nothing is lost
        return [[*common, "", "", "", "", ""]]
    return [[*common, term.kind, term.slug, n(term.label), n(term.code), role] for term, role in passage.tags]


def jsonl_record(passage: Passage) -> dict[str, Any]:
    cells = dict(zip(TERM_COLUMNS, term_cells(passage), strict=True))
    return {
        "format": JSONL_FORMAT,
        **passage.json_place(),
        "start": passage.start,
        "end": passage.end,
        "quote": passage.quote,
        "prefix": passage.prefix,
        "suffix": passage.suffix,
        "sentence": passage.sentence,
        "terms": passage.json_terms(),
        **cells,
        "notes": passage.json_notes(),
        "claims": [claim_dict(claim) for claim in passage.claims],
        "annotator": passage.annotator,
        "created_at": passage.created_at,
        "updated_at": passage.updated_at,
        "version": passage.version,
        "link": passage.link,
    }


def w3c_annotation(passage: Passage, base_url: str) -> dict[str, Any]:
    """One passage as a W3C Web Annotation. Each tag is a SpecificResource body whose source is the
    term's IRI in our vocabulary: purpose `identifying` for an actor (who the passage names), `classifying`
    for an event type; the actor's role (source/agent/target/mentioned) goes in `role` of our own context.
    Each note is a TextualBody with purpose `commenting`; each claim a body of its own (claim_records)."""
    article = passage.article
    bodies: list[dict[str, Any]] = [
        {
            "type": "SpecificResource",
            "purpose": "classifying" if term.kind == Term.Kind.EVENT else "identifying",
            "source": {"id": term.iri, "label": term.display},
            "role": role,
        }
        for term, role in passage.tags
    ]
    bodies += [
        {
            "type": "TextualBody",
            "purpose": "commenting",
            "value": text,
            "format": "text/plain",
            "creator": analyst_agent(author, base_url),
            "created": created,
            "modified": updated,
        }
        for author, text, created, updated in passage.notes
    ]
    bodies += [w3c_claim_body(claim, base_url) for claim in passage.claims]
    ours = {"marginalia": f"{base_url}/ns#", "role": "marginalia:role"}
    if passage.claims:
        ours.update({term: f"marginalia:{term}" for term in W3C_CLAIM_TERMS})
    annotation: dict[str, Any] = {
        "@context": [W3C_CONTEXT, ours],
        "id": passage.link,
        "type": "Annotation",
        "motivation": "classifying" if passage.tags else "commenting" if passage.notes else "highlighting",
        "created": passage.created_at,
        "modified": passage.updated_at,
        "creator": analyst_agent(passage.annotator, base_url),
        "generator": {"id": f"{base_url}/", "type": "Software", "name": "Marginalia"},
    }
    if bodies:
        annotation["body"] = bodies
    annotation["target"] = {
        "source": article.url or article.reader_url,
        "selector": [
            {
                "type": "TextQuoteSelector",
                "exact": passage.quote,
                "prefix": passage.prefix,
                "suffix": passage.suffix,
            },
            {"type": "TextPositionSelector", "start": passage.start, "end": passage.end},
        ],
    }
    return annotation
