"""Importing claims with their passages (annotations/importing.py places the passages), without losing any.

- A passage's claims come in the `claims` list of our passage JSONL; the claims JSONL (one claim per line,
  its passage under `passage`) is read as passages too, consecutive lines of one passage together.
- Speakers, groups and targets are matched by term id (slug), merged terms followed to the survivor;
  analysts by username (an unknown one is created inactive). A claim naming a term this vocabulary lacks,
  or a value the enumerations refuse, is reported and not imported; its passage still is.
- The reporting verb's and hedge cues' offsets are re-anchored like the passage (annotations/anchoring.py):
  kept where the text still stands, else found again nearest to where the passage moved them; when the text
  is no longer in the body, its offsets are dropped and the text kept.
- Importing twice creates nothing twice: a claim is the same when its passage, analyst and every coded
  field are; of n identical claims in the file, only those missing here are created.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from annotations.anchoring import reanchor
from annotations.export import CLAIMS_JSONL_FORMAT, JSONL_FORMAT
from annotations.history import record
from annotations.models import Claim, Span, SpeakerKind, Term

if TYPE_CHECKING:
    from annotations.importing import Importer

ENUMERATIONS = (
    "speaker_role",
    "attribution_type",
    "claim_type",
    "stance",
    "certainty",
    "event_modality",
    "evidence_cited",
)


def claims_as_passages(
    lines: Iterable[tuple[str, dict[str, Any] | str]],
) -> Iterator[tuple[str, dict[str, Any] | str]]:
    """Lines of the claims JSONL become passage records (with their claims); other lines pass through."""
    current: dict[str, Any] | None = None
    current_key: tuple | None = None
    where = ""
    for line_where, line in lines:
        if not isinstance(line, dict) or line.get("format") != CLAIMS_JSONL_FORMAT:
            if current is not None:
                yield where, current
                current = current_key = None
            yield line_where, line
            continue
        passage = line.get("passage") if isinstance(line.get("passage"), dict) else {}
        key = (line.get("article_sha256"), passage.get("span_id"), passage.get("start"), passage.get("end"))
        if current is not None and key != current_key:
            yield where, current
            current = None
        if current is None:
            where, current_key = line_where, key
            current = {
                **passage,
                "format": JSONL_FORMAT,
                "article_sha256": line.get("article_sha256"),
                "article_title": line.get("article_title", ""),
                "notes": line.get("notes") or [],
                "claims": [],
            }
        current["claims"].append(line)
    if current is not None:
        yield where, current


def _moment(value: Any) -> datetime | None:
    if not value:
        return None
    moment = datetime.fromisoformat(str(value))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _offsets(body: str, text: str, start: Any, end: Any, shift: int) -> tuple[int | None, int | None]:
    """Where `text` stands now: the old offsets moved with the passage, re-anchored by the text itself."""
    if not text or start is None or end is None:
        return None, None
    try:
        start, end = int(start), int(end)
    except (TypeError, ValueError):
        return None, None
    if 0 <= start < end <= len(body) and body[start:end] == text:
        return start, end
    anchor = reanchor(body, text, "", "", start + shift, end + shift)
    return (anchor.start, anchor.end) if anchor.status != "orphaned" else (None, None)


def _signature(claim: Claim) -> tuple:
    cues = json.dumps(claim.hedge_cues, sort_keys=True, ensure_ascii=False)
    return (
        claim.created_by_id, claim.speaker_kind, claim.speaker_id, claim.unnamed_speaker,
        claim.speaker_group_id, claim.reporting_verb, claim.reporting_verb_start, claim.reporting_verb_end,
        claim.target_id, cues, claim.contested, *(getattr(claim, name) for name in ENUMERATIONS),
    )  # fmt: skip


class ClaimImport:
    """The claims of one placed passage."""

    def __init__(self, importer: Importer, where: str, span: Span, shift: int) -> None:
        self.importer, self.where, self.span, self.shift = importer, where, span, shift

    def run(self, entries: list[Any]) -> None:
        wanted: list[Claim] = []
        for entry in entries:
            claim = self.build(entry) if isinstance(entry, dict) else None
            if claim is not None:
                wanted.append(claim)
        if not wanted:
            return
        have = Counter(_signature(claim) for claim in self.span.claims.filter(deleted_at__isnull=True))
        for claim in wanted:
            signature = _signature(claim)
            if have[signature] > 0:  # already here (imported before, or the same instance)
                have[signature] -= 1
                continue
            claim.save()
            record(
                None,
                "create",
                claim,
                f"Imported claim by {claim.created_by.get_username()} ({claim.speaker_kind} speaker)",
                article_id=self.span.article_id,
                span_id=self.span.pk,
            )
            self.importer.report.claims_added += 1

    def problem(self, text: str) -> None:
        self.importer.report.claim_problems.append(f"{self.where}: {text}; that claim was not imported")

    def term(self, slug: Any, what: str) -> tuple[Term | None, bool]:
        """(term, ok): no slug is (None, True); an unknown one is reported."""
        if not slug:
            return None, True
        term = self.importer.term(str(slug))
        if term is None:
            self.problem(f"no term with id “{slug}” for the {what}")
            return None, False
        return term, True

    def build(self, entry: dict[str, Any]) -> Claim | None:
        kind = str(entry.get("speaker_kind") or "")
        if kind not in SpeakerKind.values:
            self.problem(f"“{kind}” is not a speaker kind (actor, author or unnamed)")
            return None
        # speaker_id is the actor that speaks: the speaker, or the group of an unnamed source.
        term, ok = self.term(entry.get("speaker_id") if kind != SpeakerKind.AUTHOR else "", "speaker")
        target, target_ok = self.term(entry.get("target_id"), "target")
        if not (ok and target_ok):
            return None
        if term is not None and term.kind != Term.Kind.ACTOR:
            self.problem(f"the speaker “{term.label}” is an event type, not an actor")
            return None
        if kind == SpeakerKind.ACTOR and term is None:
            self.problem("an actor speaker without its speaker_id")
            return None
        body = self.span.article.body
        verb = str(entry.get("reporting_verb") or "")
        verb_start, verb_end = _offsets(
            body, verb, entry.get("reporting_verb_start"), entry.get("reporting_verb_end"), self.shift
        )
        cues = []
        for cue in entry.get("hedge_cues") or []:
            cue = cue if isinstance(cue, dict) else {"text": str(cue)}
            text = str(cue.get("text", ""))
            start, end = _offsets(body, text, cue.get("start"), cue.get("end"), self.shift)
            cues.append({"text": text, "start": start, "end": end} if start is not None else {"text": text})
        analyst = self.importer.analyst(str(entry.get("annotator") or self.span.created_by.get_username()))
        created = _moment(entry.get("created_at")) or timezone.now()
        claim = Claim(
            span=self.span,
            article_id=self.span.article_id,
            speaker_kind=kind,
            speaker=term if kind == SpeakerKind.ACTOR else None,
            speaker_group=term if kind == SpeakerKind.UNNAMED else None,
            unnamed_speaker=str(entry.get("unnamed_speaker") or "") if kind == SpeakerKind.UNNAMED else "",
            reporting_verb=verb,
            reporting_verb_start=verb_start,
            reporting_verb_end=verb_end,
            target=target,
            hedge_cues=cues,
            contested=entry.get("contested") in (True, "yes", "true", 1),
            created_by=analyst,
            created_at=created,
            updated_at=_moment(entry.get("updated_at")) or created,
            version=int(entry.get("version") or 1),
            **{name: str(entry.get(name) or "") for name in ENUMERATIONS},
        )
        try:
            claim.full_clean(exclude={"span", "article", "created_by", "deleted_by"})
        except ValidationError as error:
            self.problem("; ".join(f"{name}: {' '.join(text)}" for name, text in error.message_dict.items()))
            return None
        return claim
