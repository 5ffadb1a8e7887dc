"""Reading vocabulary files into entries.

Two formats: the seed's JSON shape (`actors`, `event_types`, everything an entry carries kept in
`Term.mappings`) and a flat CSV of `kind, id, label, code, parent, aliases, description`.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from annotations.export.csvcells import unneutralise
from annotations.models import Term
from annotations.vocabulary.claim_attributes import read_claim_attributes
from annotations.vocabulary.entries import CSV_COLUMNS, Entry, VocabularyFileError
from annotations.vocabulary.report import VocabularyReport

# Keys of a JSON entry that map onto Term fields; every other key is kept in Term.mappings.
ACTOR_FIELDS = {
    "id",
    "label",
    "kind",
    "country",
    "aliases",
    "cameo_code",
    "parent",
    "description",
    "retired",
    "merged_into",
}
EVENT_FIELDS = {"id", "label", "aliases", "cameo_code", "parent", "definition", "retired", "merged_into"}
ACTOR_TYPES = set(Term.ActorType.values)
NULLABLE = {"cameo_code", "country", "parent", "definition", "description"}


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def parse_json(text: str, report: VocabularyReport) -> list[Entry]:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise VocabularyFileError(f"not valid JSON: {error.msg} at line {error.lineno}") from error
    if not isinstance(document, dict) or not ("actors" in document or "event_types" in document):
        raise VocabularyFileError(
            "a vocabulary JSON file is an object with “actors” and/or “event_types” lists"
        )
    entries = []
    for section, kind in (("actors", Term.Kind.ACTOR), ("event_types", Term.Kind.EVENT)):
        items = document.get(section) or []
        if not isinstance(items, list):
            raise VocabularyFileError(f"“{section}” must be a list")
        for index, item in enumerate(items):
            where = f"{section}[{index}]"
            if not isinstance(item, dict):
                report.errors.append(f"{where}: not an object")
                continue
            entries.append(_json_entry(item, kind, where, report))
    related = document.get("related_entities") or []
    if related:
        report.skipped.append(f"skipped {len(related)} related entities (not actors or events)")
    # The claim fields' definitions are loaded after the terms (claim_attributes.py).
    report.claim_attributes = read_claim_attributes(document, report)
    return [entry for entry in entries if entry is not None]


def _json_entry(item: dict, kind: str, where: str, report: VocabularyReport) -> Entry | None:
    known = ACTOR_FIELDS if kind == Term.Kind.ACTOR else EVENT_FIELDS
    aliases = item.get("aliases") or []
    if not isinstance(aliases, list):
        report.errors.append(f"{where} (id “{_text(item.get('id'))}”): “aliases” must be a list of names")
        return None
    entry = Entry(
        where=where,
        slug=_text(item.get("id")),
        kind=kind,
        label=_text(item.get("label")),
        country=_text(item.get("country")),
        code=_text(item.get("cameo_code")),
        description=_text(item.get("description" if kind == Term.Kind.ACTOR else "definition")),
        parent=_text(item.get("parent")),
        aliases=[_text(name) for name in aliases if _text(name)],
        # An explicit null ("cameo_code": null: the seed knows there is none) is kept, to be written back.
        mappings={
            key: value
            for key, value in item.items()
            if key not in known or (value is None and key in NULLABLE)
        },
        retired=bool(item.get("retired")),
        merged_into=_text(item.get("merged_into")),
        present=_present(item, kind, known),
    )
    if kind == Term.Kind.ACTOR:
        actor_type = _text(item.get("kind"))
        if actor_type not in ACTOR_TYPES | {"", "actor"}:
            report.errors.append(
                f"{entry.name}: unknown kind “{actor_type}” (use one of {', '.join(sorted(ACTOR_TYPES))})"
            )
            return None
        entry.actor_type = "" if actor_type == "actor" else actor_type
    return entry


def _present(item: dict, kind: str, known: set[str]) -> set[str]:
    """The fields a JSON entry speaks for: those whose key it has. A missing key never blanks a field
    (an entry with only id, label and aliases adds names), and "retired" only where the entry says it:
    an export writes "retired": true for retired terms alone, so it never brings a term back."""
    keys = {
        "country": "country",
        "code": "cameo_code",
        "description": "description" if kind == Term.Kind.ACTOR else "definition",
        "parent": "parent",
        "actor_type": "kind",
        "retired": "retired",
        "merged_into": "merged_into",
    }
    present = {"label"} | {name for name, key in keys.items() if key in item}
    if any(key not in known or (value is None and key in NULLABLE) for key, value in item.items()):
        present.add("mappings")
    return present


def parse_csv(text: str, report: VocabularyReport) -> list[Entry]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    columns = {(name or "").strip().lower() for name in reader.fieldnames or []}
    missing = {"kind", "id", "label"} - columns
    if missing:
        raise VocabularyFileError(
            f"the CSV needs the columns {', '.join(CSV_COLUMNS)}; missing: {', '.join(sorted(missing))}"
        )
    # A CSV speaks only for its own columns; kind "actor" names no actor type, so it keeps the stored one.
    present = {"label"} | {name for name in ("code", "parent", "description", "country") if name in columns}
    entries = []
    for row in reader:
        # Our export defused cells that a spreadsheet would run as a formula; undo that exactly.
        row = {
            (key or "").strip().lower(): unneutralise(_text(value))
            for key, value in row.items()
            if key is not None
        }
        where = f"line {reader.line_num}"
        kind_text = row.get("kind", "").lower()
        slug = row.get("id", "")
        if kind_text in Term.Kind.values:
            kind, actor_type = kind_text, ""
        elif kind_text in ACTOR_TYPES:
            kind, actor_type = Term.Kind.ACTOR, kind_text
        else:
            name = f"{where} (id “{slug}”)" if slug else where
            report.errors.append(
                f"{name}: unknown kind “{kind_text}” (use actor, event or an actor type: "
                f"{', '.join(sorted(ACTOR_TYPES))})"
            )
            continue
        entries.append(
            Entry(
                where=where,
                slug=slug,
                kind=kind,
                actor_type=actor_type,
                label=row.get("label", ""),
                country=row.get("country", ""),
                code=row.get("code", ""),
                description=row.get("description", ""),
                parent=row.get("parent", ""),
                aliases=[name.strip() for name in row.get("aliases", "").split(";") if name.strip()],
                present=present | ({"actor_type"} if actor_type else set()),
            )
        )
    return entries
