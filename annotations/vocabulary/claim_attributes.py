"""The vocabulary file's `claim_attributes`: the definitions of a claim's fields, loaded as form help.

The enumerations stay fixed in code (claims.py); a file that lists other values, or fields the code
does not know, is reported, never obeyed: the code decides what a claim may hold, the file what the
analyst reads about it.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from annotations.models import CLAIM_ENUMERATIONS, CLAIM_FIELDS, ClaimAttribute
from annotations.vocabulary.report import VocabularyReport

# Fields of the seed's schema that Marginalia deliberately does not code.
NOT_CODED = {"magnitude"}
# What the file describes of each field the code knows.
DESCRIBED = ("label", "definition", "value_type", "values", "extra", "position")


def read_claim_attributes(document: dict, report: VocabularyReport) -> list[dict] | None:
    """The field definitions of a JSON vocabulary document, or None when it has none."""
    section = document.get("claim_attributes")
    if section is None:
        return None
    fields = section.get("fields") if isinstance(section, dict) else section
    if not isinstance(fields, list) or not all(isinstance(f, dict) and f.get("name") for f in fields):
        report.errors.append("claim_attributes: “fields” must be a list of objects, each with a name")
        return None
    return fields


def label_for(name: str) -> str:
    return name.replace("_", " ").capitalize()


def load_claim_attributes(fields: list[dict], report: VocabularyReport) -> None:
    """Store the definitions of the fields the code knows, in the code's order; report the rest."""
    known = {name: position for position, name in enumerate(CLAIM_FIELDS)}
    stored = {attribute.name: attribute for attribute in ClaimAttribute.objects.all()}
    seen = set()
    new_ones, changed = [], []
    for field in fields:
        name = str(field["name"]).strip()
        if name in NOT_CODED:
            report.claim_fields_left_out.append(name)
            continue
        if name not in known:
            report.warnings.append(f"claim field “{name}” is in the file but not a field of a claim here")
            continue
        seen.add(name)
        values = field.get("values") or []
        report.warnings.extend(mismatches(name, values))
        attribute = stored.get(name) or ClaimAttribute(name=name)
        new = {
            "label": str(field.get("label") or label_for(name)),
            "definition": str(field.get("definition") or ""),
            "value_type": str(field.get("type") or ""),
            "values": list(values) if isinstance(values, list) else [],
            "extra": {
                key: value
                for key, value in field.items()
                if key not in {"name", "label", "definition", "type", "values"}
            },
            "position": known[name],
        }
        if attribute.pk is None or any(getattr(attribute, key) != value for key, value in new.items()):
            for key, value in new.items():
                setattr(attribute, key, value)
            (new_ones if attribute.pk is None else changed).append(attribute)
        report.claim_fields += 1
    # One INSERT for the new and one UPDATE for the changed (a save each was eleven statements).
    ClaimAttribute.objects.bulk_create(new_ones)
    if changed:
        now = timezone.now()
        for attribute in changed:
            attribute.updated_at = now
        ClaimAttribute.objects.bulk_update(changed, [*DESCRIBED, "updated_at"])
    for name in CLAIM_FIELDS:
        if name not in seen and name != "target":  # the target is described with the stance
            report.warnings.append(f"claim field “{name}” has no definition in the file")


def mismatches(name: str, values: Any) -> list[str]:
    """Where the file's value list and the code's enumeration differ."""
    choices = CLAIM_ENUMERATIONS.get(name)
    if choices is None:
        return [f"claim field “{name}”: the file lists values, the code takes free input"] if values else []
    in_file = [str(value) for value in values] if isinstance(values, list) else []
    lines = []
    extra = [value for value in in_file if value not in choices.values]
    missing = [value for value in choices.values if value not in in_file]
    if extra:
        lines.append(f"claim field “{name}”: the file lists {', '.join(extra)}, which the code does not know")
    if missing:
        lines.append(f"claim field “{name}”: the code also knows {', '.join(missing)}, which the file lacks")
    return lines


def export_claim_attributes() -> dict | None:
    """The stored definitions in the seed's shape, so that export then load loses none of them."""
    attributes = list(ClaimAttribute.objects.all())
    if not attributes:
        return None
    fields = []
    for attribute in attributes:
        field: dict[str, Any] = {"name": attribute.name}
        if attribute.value_type:
            field["type"] = attribute.value_type
        if attribute.values:
            field["values"] = attribute.values
        field.update(attribute.extra)
        if attribute.definition:
            field["definition"] = attribute.definition
        if attribute.label != label_for(attribute.name):
            field["label"] = attribute.label
        fields.append(field)
    return {"fields": fields}
