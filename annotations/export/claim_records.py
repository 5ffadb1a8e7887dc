"""One claim in each form: a claims CSV record, a claims JSONL record, the claim inside its passage's JSONL
record, and a W3C Web Annotation body.

The claims CSV (documented for analysts in the README; quoting and formula defusing are in `csvcells`):
- one row per live claim, in CLAIM_CSV_COLUMNS order; enumerations as their codes (`direct_quote`);
- speaker, speaker_id, speaker_code name one actor: the speaker; for an unnamed source, the actor it
  belongs to (blank when none); for the author, speaker is the article's by-line, or its outlet when it
  has none, and speaker_id/speaker_code are blank. speaker_kind says which: actor, author or unnamed;
  unnamed_speaker is an unnamed source's description;
- target, target_id, target_code, target_kind: the term the stance is toward (blank when none);
- hedge_cues: the cues' text joined by "; " (their offsets are in the JSONL); reporting_verb: its text;
- contested: `yes` or `no`;
- actors / events: the passage's actor / event tags as `Label [CODE]` joined by "; ", each term once;
- quote, sentence and notes are the passage's (as in the passage CSV); annotator, created_at and
  updated_at are the claim's; link opens the claim's passage in the reader.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from annotations.export.claim_reading import ClaimInfo
from annotations.export.csvcells import csv_cell, neutralise
from annotations.export.reading import Passage, TermInfo, analyst_agent, note_line
from annotations.models import SpeakerKind, Term

CLAIMS_JSONL_FORMAT = "marginalia-claims/1"

CLAIM_CSV_COLUMNS: tuple[str, ...] = (
    *("claim_id", "span_id", "article_id", "article_title", "source", "published", "article_url"),
    *("quote", "sentence", "speaker", "speaker_id", "speaker_code", "speaker_kind", "speaker_role"),
    *("unnamed_speaker", "attribution_type", "reporting_verb", "claim_type", "stance", "target"),
    *("target_id", "target_code", "target_kind", "certainty", "hedge_cues", "event_modality"),
    *("evidence_cited", "contested", "actors", "events", "notes", "annotator", "created_at"),
    *("updated_at", "link"),
)
CONTESTED = {True: "yes", False: "no"}
_NO_TERM = ",,"


def _text(value: str) -> str:
    """A text cell, neutralised; most of a claim's text cells are empty, and cost nothing then."""
    return csv_cell(neutralise(value)) if value else ""


def hedge_cues_text(claim: ClaimInfo) -> str:
    return "; ".join(str(cue.get("text", "")) for cue in claim.hedge_cues)


def passage_actors_events(passage: Passage) -> tuple[str, str]:
    """The passage's actor and event tags as `Label [CODE]; …`, each term once, in tag order."""
    return _actors_events(tuple(passage.tags))


@lru_cache(maxsize=20_000)
def _actors_events(tags: tuple[tuple[TermInfo, str], ...]) -> tuple[str, str]:
    actors: dict[str, None] = {}
    events: dict[str, None] = {}
    for term, _role in tags:
        (events if term.kind == Term.Kind.EVENT else actors)[term.display] = None
    return "; ".join(actors), "; ".join(events)


def _notes_text(passage: Passage) -> str:
    return "\n\n".join(note_line(author, text, created) for author, text, created, _ in passage.notes)


def _speaker_cells(claim: ClaimInfo) -> str:
    term = claim.speaker_term()
    if term is not None:
        return term.csv_cells
    return _text(claim.speaker_label) + ",,"


class ClaimCsv:
    """Writes claims CSV records; a passage's cells are worked out once for all of its claims."""

    def __init__(self) -> None:
        self._passage: Passage | None = None
        self._text = self._tags = self._link = ""

    def line(self, claim: ClaimInfo) -> str:
        """The claim's record (CLAIM_CSV_COLUMNS), CRLF included."""
        passage = claim.passage
        if passage is not self._passage:
            n = neutralise
            actors, events = passage_actors_events(passage)
            sentence = passage.article.sentence(passage.start, passage.end)
            self._text = f"{csv_cell(n(passage.quote))},{csv_cell(n(sentence))}"
            self._tags = f"{csv_cell(n(actors))},{csv_cell(n(events))},{csv_cell(n(_notes_text(passage)))}"
            self._link = csv_cell(passage.link)
            self._passage = passage
        target = claim.target
        target_cells = f"{target.csv_cells},{target.kind}" if target is not None else _NO_TERM + ","
        return (
            f"{claim.id},{passage.span_id},{passage.article.csv_head},{self._text},{_speaker_cells(claim)},"
            f"{claim.speaker_kind},{claim.speaker_role},{_text(claim.unnamed_speaker)},"
            f"{claim.attribution_type},{_text(claim.reporting_verb)},{claim.claim_type},"
            f"{claim.stance},{target_cells},{claim.certainty},"
            f"{_text(hedge_cues_text(claim)) if claim.hedge_cues else ''},"
            f"{claim.event_modality},{claim.evidence_cited},{CONTESTED[claim.contested]},{self._tags},"
            f"{_text(claim.annotator)},{claim.created_at},{claim.updated_at},{self._link}\r\n"
        )


def _term_fields(term: TermInfo | None, prefix: str) -> dict[str, str]:
    if term is None:
        return {f"{prefix}": "", f"{prefix}_id": "", f"{prefix}_code": ""}
    return {f"{prefix}": term.label, f"{prefix}_id": term.slug, f"{prefix}_code": term.code}


def claim_dict(claim: ClaimInfo) -> dict[str, Any]:
    """The claim's own fields, as the passage JSONL's `claims` entries and the claims JSONL carry them
    (and as import_annotations reads them back): ids are term ids (slugs), enumerations their codes."""
    speaker = _term_fields(claim.speaker_term(), "speaker")
    if claim.speaker_kind == SpeakerKind.AUTHOR:
        speaker["speaker"] = claim.speaker_label
    elif claim.speaker_kind == SpeakerKind.UNNAMED and claim.speaker_group is None:
        speaker["speaker"] = claim.unnamed_speaker
    target = claim.target
    return {
        "claim_id": claim.id,
        **speaker,
        "speaker_kind": claim.speaker_kind,
        "speaker_role": claim.speaker_role,
        "unnamed_speaker": claim.unnamed_speaker,
        "attribution_type": claim.attribution_type,
        "reporting_verb": claim.reporting_verb,
        "reporting_verb_start": claim.reporting_verb_start,
        "reporting_verb_end": claim.reporting_verb_end,
        "claim_type": claim.claim_type,
        "stance": claim.stance,
        **_term_fields(target, "target"),
        "target_kind": target.kind if target is not None else "",
        "certainty": claim.certainty,
        "hedge_cues": [
            {"text": cue.get("text", ""), "start": cue.get("start"), "end": cue.get("end")}
            for cue in claim.hedge_cues
        ],
        "event_modality": claim.event_modality,
        "evidence_cited": claim.evidence_cited,
        "contested": claim.contested,
        "annotator": claim.annotator,
        "created_at": claim.created_at,
        "updated_at": claim.updated_at,
        "version": claim.version,
    }


def claims_jsonl_record(claim: ClaimInfo) -> dict[str, Any]:
    """One claim per line: the claims CSV's columns (typed: lists, booleans, offsets), and under
    `passage` what import_annotations needs to place the passage again (its tags and notes included)."""
    passage = claim.passage
    actors, events = passage_actors_events(passage)
    return {
        "format": CLAIMS_JSONL_FORMAT,
        **claim_dict(claim),
        **passage.json_place(),
        "quote": passage.quote,
        "sentence": passage.sentence,
        "actors": actors,
        "events": events,
        "notes": passage.json_notes(),
        "link": passage.link,
        "passage": {
            "span_id": passage.span_id,
            "start": passage.start,
            "end": passage.end,
            "quote": passage.quote,
            "prefix": passage.prefix,
            "suffix": passage.suffix,
            "annotator": passage.annotator,
            "created_at": passage.created_at,
            "updated_at": passage.updated_at,
            "version": passage.version,
            "terms": passage.json_terms(),
        },
    }


# The claim's fields in W3C bodies, in our namespace (the annotation's context maps them, see records).
W3C_CLAIM_TERMS = (
    *("speaker_kind", "speaker", "unnamed_speaker", "speaker_role", "attribution_type", "reporting_verb"),
    *("claim_type", "stance", "stance_target", "certainty", "hedge_cues", "event_modality"),
    *("evidence_cited", "contested", "Claim"),
)


def _w3c_term(term: TermInfo) -> dict[str, str]:
    return {"id": term.iri, "label": term.display, "kind": term.kind}


def w3c_claim_body(claim: ClaimInfo, base_url: str) -> dict[str, Any]:
    """The claim as a body of its passage's annotation: an External Web Resource (the claim's own IRI, no
    `purpose`, as the model requires of one) whose properties are the coded fields, blanks left out.
    The stance's target is `stance_target`, since `target` is the annotation's own property."""
    speaker: dict[str, str] = {"label": claim.speaker_label}
    term = claim.speaker_term()
    if term is not None:
        speaker = {**_w3c_term(term), "label": claim.speaker_label}
    body: dict[str, Any] = {
        "id": f"{claim.passage.article.reader_url}#claim-{claim.id}",
        "type": "Claim",
        "speaker_kind": claim.speaker_kind,
        "speaker": speaker,
        "unnamed_speaker": claim.unnamed_speaker,
        "speaker_role": claim.speaker_role,
        "attribution_type": claim.attribution_type,
        "reporting_verb": claim.reporting_verb,
        "claim_type": claim.claim_type,
        "stance": claim.stance,
        "stance_target": _w3c_term(claim.target) if claim.target is not None else None,
        "certainty": claim.certainty,
        "hedge_cues": [str(cue.get("text", "")) for cue in claim.hedge_cues],
        "event_modality": claim.event_modality,
        "evidence_cited": claim.evidence_cited,
        "contested": claim.contested,
        "creator": analyst_agent(claim.annotator, base_url),
        "created": claim.created_at,
        "modified": claim.updated_at,
    }
    return {key: value for key, value in body.items() if value not in ("", None, [])}
