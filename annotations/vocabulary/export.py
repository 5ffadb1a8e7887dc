"""Exporting the vocabulary: the seed's JSON shape (keys in the seed's own order) and the flat CSV."""

from __future__ import annotations

import json
from typing import Any

from annotations.export.csvcells import csv_record, neutralise
from annotations.models import Term
from annotations.vocabulary.claim_attributes import export_claim_attributes
from annotations.vocabulary.entries import ALIAS_SEPARATOR, CSV_COLUMNS, SPELLINGS

# Export order of keys, the seed's own; keys not listed follow in alphabetical order.
ACTOR_ORDER = [
    "id",
    "label",
    "kind",
    "country",
    "aliases",
    "cameo_code",
    "cameo_code_status",
    "plover_sector",
    "parent",
    "description",
    "notes",
]
EVENT_ORDER = [
    "id",
    "label",
    "parent",
    "parent_category",
    "quad",
    "plover",
    "cameo_code",
    "cameo_code_status",
    "cameo_code_note",
    "acled",
    "definition",
    "notes",
    "aliases",
]


def _ordered(entry: dict, order: list[str]) -> dict:
    keys = [key for key in order if key in entry] + sorted(key for key in entry if key not in order)
    return {key: entry[key] for key in keys}


def _terms_for_export():
    return Term.objects.select_related("parent", "merged_into").prefetch_related("aliases").order_by("pk")


def _alias_names(term: Term) -> list[str]:
    names = [alias.name for alias in sorted(term.aliases.all(), key=lambda alias: alias.pk)]
    return names + list((term.mappings or {}).get(SPELLINGS, []))


def term_as_json(term: Term) -> dict:
    """One entry in the seed's shape: mappings come back as top-level keys."""
    entry: dict[str, Any] = dict(term.mappings or {})
    entry.pop(SPELLINGS, None)
    entry.update({"id": term.slug, "label": term.label, "aliases": _alias_names(term)})
    if term.kind == Term.Kind.ACTOR:
        entry["kind"] = term.actor_type or "actor"
        if term.country:
            entry["country"] = term.country
        if term.description:
            entry["description"] = term.description
    elif term.description:
        entry["definition"] = term.description
    if term.code:
        entry["cameo_code"] = term.code
    if term.parent_id:
        entry["parent"] = term.parent.slug
    if term.is_retired:
        entry["retired"] = True
    if term.merged_into_id:
        entry["merged_into"] = term.merged_into.slug
    return _ordered(entry, ACTOR_ORDER if term.kind == Term.Kind.ACTOR else EVENT_ORDER)


def export_json() -> str:
    terms = list(_terms_for_export())
    document = {
        "meta": {
            "title": "Marginalia vocabulary",
            "conventions": {
                "alias_matching": "Case-insensitive, diacritic-folded, apostrophe/hyphen-insensitive. "
                "A name listed on several terms of the same kind is a shared name: resolve it by context."
            },
        },
        "actors": [term_as_json(term) for term in terms if term.kind == Term.Kind.ACTOR],
        "event_types": [term_as_json(term) for term in terms if term.kind == Term.Kind.EVENT],
    }
    claim_attributes = export_claim_attributes()
    if claim_attributes is not None:
        document["claim_attributes"] = claim_attributes
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def export_csv() -> str:
    """The flat CSV: actor rows carry their actor type in `kind`; country and mappings are not in it.
    Text cells go through the app's one CSV-cell helper (annotations/export/csvcells.py): formulas are
    defused, and loading the file back undoes that exactly."""
    terms = sorted(_terms_for_export(), key=lambda term: (term.kind != Term.Kind.ACTOR, term.pk))
    rows = [csv_record(CSV_COLUMNS)]
    for term in terms:
        kind = (term.actor_type or "actor") if term.kind == Term.Kind.ACTOR else "event"
        cells = [
            term.slug,
            term.label,
            term.code,
            term.parent.slug if term.parent_id else "",
            ALIAS_SEPARATOR.join(_alias_names(term)),
            term.description,
        ]
        rows.append(csv_record([kind, *(neutralise(cell) for cell in cells)]))
    return "".join(rows)


def export_vocabulary(format: str) -> str:
    if format == "json":
        return export_json()
    if format == "csv":
        return export_csv()
    raise ValueError(f"unknown format “{format}”; use json or csv")
