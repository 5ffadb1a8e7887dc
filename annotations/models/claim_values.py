"""What a claim may hold: the submitted values of a claim, checked on the server.

Browsers, the claims importer and tests all hand a claim's values in as a mapping of field name to
value (strings from a form, or Python values). `clean_claim_values` turns them into model field
values or refuses the whole claim with a `Refused` (422) naming the field and what it accepts, so
nothing is saved. The enumerations are the TextChoices in claims.py; the reporting verb and the
hedge cues are located in (or checked against) Article.body.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from django.db import models

from annotations.models.base import Refused
from annotations.models.base import clip as _clip
from annotations.models.vocabulary import Term
from corpus.models import Article

MAX_UNNAMED_SPEAKER = 300
MAX_REPORTING_VERB = 100
MAX_HEDGE_CUE = 100
MAX_HEDGE_CUES = 20
# How far around the passage a reporting verb or a cue is looked for when no offsets are given:
# the sentence that holds it rarely reaches further.
SEARCH_AROUND = 400

# The fields that hold a vocabulary term (stored as <name>_id).
TERM_FIELDS = ("speaker", "speaker_group", "target")
TRUE_WORDS = {"1", "true", "yes", "on", "y"}
FALSE_WORDS = {"", "0", "false", "no", "off", "n"}


def refuse(field: str, message: str) -> Refused:
    """A refusal that names the field; `field` also tells the form which control to point at."""
    refused = Refused(f"{field}: {message}")
    refused.field = field  # type: ignore[attr-defined]
    return refused


def choice(field: str, value: Any, choices: type[models.TextChoices]) -> str:
    """An enumeration's value, "" for not coded; anything else is refused, listing what is allowed."""
    text = "" if value is None else str(value).strip()
    if text in choices.values or text == "":
        return text
    raise refuse(
        field,
        f"“{_clip(text, 40)}” is not one of {', '.join(choices.values)} (or empty for not coded).",
    )


def boolean(field: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = "" if value is None else str(value).strip().lower()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise refuse(field, f"“{_clip(text, 20)}” is not yes or no.")


def text(field: str, value: Any, limit: int) -> str:
    cleaned = " ".join(("" if value is None else str(value)).split())
    if len(cleaned) > limit:
        raise refuse(field, f"at most {limit} characters ({len(cleaned)} given).")
    return cleaned


def offset(field: str, value: Any) -> int | None:
    if value is None or value == "":
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise refuse(field, f"the offset “{_clip(str(value), 20)}” is not a whole number.") from None
    if number < 0:
        raise refuse(field, f"the offset {number} is negative.")
    return number


def term(field: str, value: Any, *, kinds: tuple[str, ...], stored_id: int | None, what: str) -> Term | None:
    """A vocabulary term by id: of one of `kinds` and active, unless it is the one already stored
    (a claim keeps a term that was retired after it was coded)."""
    if value is None or value == "":
        return None
    if isinstance(value, Term):
        found = value
    else:
        try:
            found = Term.objects.get(pk=int(value))
        except (Term.DoesNotExist, TypeError, ValueError):
            raise refuse(field, f"unknown term “{_clip(str(value), 20)}”; choose {what}.") from None
    if found.kind not in kinds:
        raise refuse(field, f"{found.label} is an {found.kind}; choose {what}.")
    if found.is_retired and found.pk != stored_id:
        instead = f"; use {found.merged_into.label}" if found.merged_into_id else ""
        raise refuse(field, f"{found.label} is retired{instead}.")
    return found


def _word_bounded(body: str, start: int, end: int) -> bool:
    before = body[start - 1] if start > 0 else " "
    after = body[end] if end < len(body) else " "
    return not before.isalnum() and not after.isalnum()


def locate(body: str, phrase: str, near: tuple[int, int]) -> tuple[int, int] | None:
    """Where `phrase` stands in the body as a whole word or words, case-insensitively, nearest to the
    passage `near` and no further than SEARCH_AROUND from it; None when it is not there."""
    if not phrase:
        return None
    low, high = max(0, near[0] - SEARCH_AROUND), min(len(body), near[1] + SEARCH_AROUND)
    best: tuple[int, int] | None = None
    best_distance = None
    for match in re.finditer(re.escape(phrase), body[low:high], flags=re.IGNORECASE):
        start, end = low + match.start(), low + match.end()
        if not _word_bounded(body, start, end):
            continue
        distance = 0 if start < near[1] and end > near[0] else min(abs(start - near[1]), abs(near[0] - end))
        if best_distance is None or distance < best_distance:
            best, best_distance = (start, end), distance
    return best


def checked_offsets(
    field: str, body: str, phrase: str, start: int | None, end: int | None, near: tuple[int, int]
) -> tuple[int | None, int | None]:
    """Offsets given with a phrase must hold exactly that phrase in the body; none given, the phrase
    is looked for near the passage (and left without offsets when it is not in the text)."""
    if start is None and end is None:
        found = locate(body, phrase, near)
        return found if found else (None, None)
    if start is None or end is None:
        raise refuse(field, "give both offsets (start and end) or neither.")
    if not phrase:
        raise refuse(field, "offsets were given without the text they point to.")
    if not (0 <= start < end <= len(body)):
        raise refuse(field, f"{start}–{end} lies outside the article (it has {len(body)} characters).")
    if body[start:end] != phrase:
        raise refuse(
            field,
            f"the text at {start}–{end} is “{_clip(body[start:end], 40)}”, not “{_clip(phrase, 40)}”.",
        )
    return start, end


def hedge_cues(value: Any, body: str, near: tuple[int, int]) -> list[dict]:
    """The literal cues, each {"text", "start", "end"} (offsets None when the cue is not in the text).

    Accepted: a list of strings or of {"text", "start", "end"} objects, that list as JSON, or plain
    text with the cues separated by semicolons ("reportedly; may")."""
    field = "hedge_cues"
    if value is None or value == "":
        return []
    if isinstance(value, str):
        stripped = value.strip()
        if stripped.startswith("["):
            try:
                value = json.loads(stripped)
            except json.JSONDecodeError:
                raise refuse(field, "not a valid JSON list of cues.") from None
        else:
            value = [cue for cue in stripped.replace("\n", ";").split(";")]
    if not isinstance(value, list):
        raise refuse(field, "give a list of cues.")
    cues: list[dict] = []
    for item in value:
        if isinstance(item, str):
            cue_text, start, end = item, None, None
        elif isinstance(item, dict):
            cue_text, start, end = item.get("text", ""), item.get("start"), item.get("end")
        else:
            raise refuse(field, "each cue is a text or an object with text, start and end.")
        cue_text = " ".join(str(cue_text or "").split())
        if not cue_text:
            if start not in (None, "") or end not in (None, ""):
                raise refuse(field, "a cue with offsets needs its text.")
            continue
        if len(cue_text) > MAX_HEDGE_CUE:
            raise refuse(field, f"a cue has at most {MAX_HEDGE_CUE} characters (“{_clip(cue_text, 30)}”).")
        start, end = offset(field, start), offset(field, end)
        start, end = checked_offsets(field, body, cue_text, start, end, near)
        cue = {"text": cue_text, "start": start, "end": end}
        if cue not in cues:
            cues.append(cue)
    if len(cues) > MAX_HEDGE_CUES:
        raise refuse(field, f"at most {MAX_HEDGE_CUES} cues ({len(cues)} given).")
    return cues


def clean_claim_values(
    data: Mapping[str, Any], article: Article, near: tuple[int, int], *, current=None
) -> dict[str, Any]:
    """The model field values for a claim in `article` on the passage at `near` (start, end).

    With `current` (an existing claim), a field missing from `data` keeps its stored value, so a
    partial change is possible; for a new claim a missing field is not coded. A present but empty
    field clears it. Refuses the first problem found, naming the field."""
    from annotations.models.claims import (
        AttributionType,
        Certainty,
        ClaimType,
        EventModality,
        EvidenceCited,
        SpeakerKind,
        SpeakerRole,
        Stance,
    )

    def given(name: str) -> Any:
        if name in data:
            return data[name]
        if current is None:
            return None
        stored = getattr(current, name + "_id") if name in TERM_FIELDS else getattr(current, name)
        return stored

    body = article.body
    values: dict[str, Any] = {}

    kind = "" if given("speaker_kind") is None else str(given("speaker_kind")).strip()
    if kind == "":
        raise refuse("speaker_kind", "choose who makes the claim: actor, author or unnamed.")
    if kind not in SpeakerKind.values:
        raise refuse("speaker_kind", f"“{_clip(kind, 20)}” is not one of {', '.join(SpeakerKind.values)}.")
    values["speaker_kind"] = kind
    speaker_id = current.speaker_id if current is not None else None
    group_id = current.speaker_group_id if current is not None else None
    # A field that belongs to another kind of speaker is a contradiction, not something to drop quietly.
    # Fields left over in the stored claim from its previous kind are cleared when the kind changes.
    switching = current is not None and "speaker_kind" in data and kind != current.speaker_kind

    def own(name: str) -> Any:
        return data.get(name) if switching else given(name)

    unnamed = text("unnamed_speaker", own("unnamed_speaker"), MAX_UNNAMED_SPEAKER)
    speaker_value, group_value = own("speaker"), own("speaker_group")
    if kind == SpeakerKind.ACTOR:
        if unnamed or group_value not in (None, ""):
            raise refuse(
                "speaker", "an actor speaker takes no unnamed description (unnamed_speaker, speaker_group)."
            )
        speaker = term(
            "speaker",
            speaker_value,
            kinds=("actor",),
            stored_id=speaker_id,
            what="an actor of the vocabulary",
        )
        if speaker is None:
            raise refuse("speaker", "choose the actor who makes the claim.")
        values.update(speaker=speaker, unnamed_speaker="", speaker_group=None)
    elif kind == SpeakerKind.AUTHOR:
        if unnamed or speaker_value not in (None, "") or group_value not in (None, ""):
            raise refuse("speaker", "the author's voice takes no actor and no unnamed description.")
        values.update(speaker=None, unnamed_speaker="", speaker_group=None)
    else:
        if speaker_value not in (None, ""):
            raise refuse(
                "speaker",
                "an unnamed source is described in words (unnamed_speaker); the actor it belongs to "
                "goes in speaker_group.",
            )
        if not unnamed:
            raise refuse("unnamed_speaker", "describe the unnamed source, e.g. “a senior US official”.")
        group = term(
            "speaker_group",
            group_value,
            kinds=("actor",),
            stored_id=group_id,
            what="an actor of the vocabulary",
        )
        values.update(speaker=None, unnamed_speaker=unnamed, speaker_group=group)

    for name, choices in (
        ("speaker_role", SpeakerRole),
        ("attribution_type", AttributionType),
        ("claim_type", ClaimType),
        ("stance", Stance),
        ("certainty", Certainty),
        ("event_modality", EventModality),
        ("evidence_cited", EvidenceCited),
    ):
        values[name] = choice(name, given(name), choices)

    values["target"] = term(
        "target",
        given("target"),
        kinds=("actor", "event"),
        stored_id=current.target_id if current is not None else None,
        what="an actor or an event type",
    )

    verb = text("reporting_verb", given("reporting_verb"), MAX_REPORTING_VERB)
    verb_start = offset("reporting_verb", given("reporting_verb_start"))
    verb_end = offset("reporting_verb", given("reporting_verb_end"))
    if (
        current is not None
        and "reporting_verb" in data
        and not ("reporting_verb_start" in data or "reporting_verb_end" in data)
    ):
        verb_start = verb_end = None  # a new verb without offsets: look for it again
    if not verb and verb_start is None and verb_end is None:
        values.update(reporting_verb="", reporting_verb_start=None, reporting_verb_end=None)
    else:
        verb_start, verb_end = checked_offsets("reporting_verb", body, verb, verb_start, verb_end, near)
        values.update(reporting_verb=verb, reporting_verb_start=verb_start, reporting_verb_end=verb_end)

    values["hedge_cues"] = hedge_cues(given("hedge_cues"), body, near)
    values["contested"] = boolean("contested", given("contested"))
    return values
