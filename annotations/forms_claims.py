"""The claim form's fields, in their fixed order, with their values, help and suggestion marks.

The form is keyboard-first (static/js/claim-form.js): speaker first, then every field in CLAIM_FIELDS
order, each enumeration as compact choices numbered for the number keys. Its values come from one of
three places: the rules' suggestion (a new claim, annotations/claimcues.py), the stored claim (an
edit, or after a refusal that leaves the stored claim as it was), or what the analyst sent (a refused
new claim keeps what was typed). The server checks them all again on save (claim_values.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from annotations.claimcues import Prefill
from annotations.models import CLAIM_ENUMERATIONS, CLAIM_FIELDS, Claim, ClaimAttribute, Term, author_voice
from annotations.models.claim_values import TERM_FIELDS
from annotations.vocabulary.claim_attributes import label_for
from corpus.models import Article
from ops.inputs import parse_ids

# What the form says of a field the vocabulary file does not define (or before it is loaded).
FALLBACK_HELP = {
    "speaker": "Who makes the claim: an actor of the vocabulary, the article's author, or an unnamed source.",
    "target": "The actor or event type the speaker takes a stance toward.",
}


@dataclass
class ClaimField:
    name: str
    label: str
    kind: str  # speaker, choice, text, term, yesno
    help: str = ""
    value: str = ""
    value_label: str = ""
    # (value, label, number key) of each choice
    choices: list[tuple[str, str, str]] = field(default_factory=list)
    suggested: bool = False
    why: str = ""


def _key(index: int) -> str:
    return str(index % 10)


def claim_fields(values: Mapping[str, str], suggested: Mapping[str, str] | None = None) -> list[ClaimField]:
    """The form's fields in order. `suggested` maps the fields the rules filled to why they did."""
    suggested = suggested or {}
    definitions = ClaimAttribute.objects.as_help()
    fields = []
    for name in CLAIM_FIELDS:
        definition = definitions.get(name)
        help_text = definition.definition if definition else FALLBACK_HELP.get(name, "")
        if name == "target" and not definition and "stance" in definitions:
            help_text = (
                f"{FALLBACK_HELP['target']} ({definitions['stance'].extra.get('target', '')})".replace(
                    " ()", ""
                )
            )
        item = ClaimField(
            name=name,
            label=definition.label if definition else label_for(name),
            kind="text",
            help=help_text,
            value=values.get(name, ""),
            suggested=name in suggested,
            why=suggested.get(name, ""),
        )
        if name == "speaker":
            item.kind = "speaker"
            item.value_label = values.get("speaker_label", "")
            item.suggested = "speaker" in suggested
        elif name in CLAIM_ENUMERATIONS:
            item.kind = "choice"
            item.choices = [
                (value, label, _key(i))
                for i, (value, label) in enumerate(CLAIM_ENUMERATIONS[name].choices, 1)
            ]
        elif name in TERM_FIELDS:
            item.kind = "term"
            item.value_label = values.get(f"{name}_label", "")
        elif name == "contested":
            item.kind = "yesno"
            item.choices = [("0", "No", "1"), ("1", "Yes", "2")]
        fields.append(item)
    return fields


def _term_labels(ids: set[Any]) -> dict[str, str]:
    wanted = set(parse_ids(str(i) for i in ids))
    return {str(pk): label for pk, label in Term.objects.filter(pk__in=wanted).values_list("pk", "label")}


def _speaker_label(kind: str, speaker_label: str, article: Article) -> str:
    if kind == "author":
        return f"Author: {author_voice(article)}"
    if kind == "unnamed":
        return "Unnamed source"
    return speaker_label


def values_from_claim(claim: Claim) -> dict[str, str]:
    """What the form shows for a stored claim."""
    values = {
        "speaker_kind": claim.speaker_kind,
        "unnamed_speaker": claim.unnamed_speaker,
        "reporting_verb": claim.reporting_verb,
        "hedge_cues": "; ".join(cue.get("text", "") for cue in claim.hedge_cues or []),
        "contested": "1" if claim.contested else "0",
    }
    for name in CLAIM_ENUMERATIONS:
        values[name] = getattr(claim, name)
    for name in TERM_FIELDS:
        term = getattr(claim, name)
        values[name] = str(term.pk) if term else ""
        values[f"{name}_label"] = term.label if term else ""
    values["speaker_label"] = _speaker_label(claim.speaker_kind, values["speaker_label"], claim.article)
    return values


def values_from_post(data: Mapping[str, Any], article: Article) -> dict[str, str]:
    """What the analyst sent, as the form shows it again after a refusal."""
    values = {name: str(data.get(name, "")) for name in (*CLAIM_FIELDS, "speaker_kind", "unnamed_speaker")}
    values["speaker_group"] = str(data.get("speaker_group", ""))
    labels = _term_labels({values[name] for name in TERM_FIELDS})
    for name in TERM_FIELDS:
        values[f"{name}_label"] = labels.get(values[name], "")
    values["speaker_label"] = _speaker_label(values["speaker_kind"], values["speaker_label"], article)
    values["contested"] = "1" if values["contested"] in {"1", "true", "yes", "on"} else "0"
    return values


def values_from_prefill(prefill: Prefill, article: Article) -> tuple[dict[str, str], dict[str, str]]:
    """The rules' suggestion as form values, and which fields it filled (with why)."""
    suggestion = prefill.as_dict()
    values: dict[str, str] = {"contested": "0", "unnamed_speaker": "", "speaker_group": ""}
    suggested: dict[str, str] = {}
    for name in ("attribution_type", "certainty", "event_modality", "claim_type"):
        values[name] = suggestion[name]
        suggested[name] = prefill.why.get(name, "")
    if prefill.reporting_verb:
        values["reporting_verb"] = prefill.reporting_verb
        suggested["reporting_verb"] = "found in the sentence"
    if prefill.hedge_cues:
        values["hedge_cues"] = "; ".join(cue.text for cue in prefill.hedge_cues)
        suggested["hedge_cues"] = "found in the sentence"
    values["speaker_kind"] = prefill.speaker_kind
    values["speaker"] = str(prefill.speaker) if prefill.speaker is not None else ""
    values["unnamed_speaker"] = prefill.unnamed_speaker
    if prefill.speaker_role:
        values["speaker_role"] = prefill.speaker_role
        suggested["speaker_role"] = prefill.why.get("speaker_role", "")
    labels = _term_labels({values["speaker"]})
    values["speaker_label"] = _speaker_label(prefill.speaker_kind, labels.get(values["speaker"], ""), article)
    if prefill.speaker_kind:
        suggested["speaker"] = prefill.why.get("speaker", "")
    return values, suggested
