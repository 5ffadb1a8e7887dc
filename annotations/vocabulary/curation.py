"""What loading a vocabulary file may change in a term that already exists: loading never undoes curation.

Two kinds of load, told apart by who loads:

**The operator's load** (`load_demo`, `load_vocabulary FILE` without `--user`) follows a three-way rule,
field by field (label, actor type, country, code, description, mappings, parent, retired, merged into,
and each name):

- *base*: what the operator's files last gave the term (`Term.loaded_values`, written by every operator
  load; for databases loaded before it existed, migration 0005 rebuilt it from the history);
- *stored*: the term as it is now;
- *file*: what the file says now.

If stored equals base, the team never changed the field: it follows the file (an updated seed updates
the codes). If stored differs from base, the team changed it: it is kept, and the report says so
("kept as the team left it: retired; label …"). Either way base becomes what the file says now, so the
same file loaded again changes nothing and reports the same. A field with no base (a term the team
created, that a file later lists) is kept when it differs. A name that was in the base but is no longer
on the term was removed by the team and is not added back; a name new to the file is added. A merged
term's names live on the term it was merged into, so none is added to it. Loading never un-merges, and
un-retires only a term the team did not retire. A file's `retired` and `merged_into` speak only where an
entry has the key (an export writes `"retired": true` only for retired terms).

**A team member's load** (the Import screen, `load_vocabulary FILE --user NAME`) is an edit by that
person, through the Term verbs and their permission checks (annotations/permissions.py): every field
that differs from the term is a change they make, recorded under their name. An analyst may create terms
and add names to any term, and change only the terms they created; an entry that would change another's
term, or retire, un-retire or merge (leads only), is refused whole with the reason, and the rest loads.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from annotations.models import Term
from annotations.permissions import can_change_term, can_curate_vocabulary, whose
from annotations.vocabulary.entries import SPELLINGS, Entry

# The fields a file may speak for, as Term.snapshot() names them, plus mappings.
FIELDS = ("label", "actor_type", "country", "code", "description", "mappings", "parent")
NAMES = "names"


def file_mappings(entry: Entry, stored: dict) -> dict:
    """The mappings the file gives: its own (or, when it has none, such as a CSV, the stored ones), with
    the spellings that fold like another name ("Khamene'i" beside "Khamenei") under SPELLINGS."""
    base = entry.mappings if "mappings" in entry.present else stored
    mappings = {key: value for key, value in (base or {}).items() if key != SPELLINGS}
    spellings = entry.folded_repeats()
    return {**mappings, SPELLINGS: spellings} if spellings else mappings


def file_values(entry: Entry, stored_mappings: dict) -> dict[str, Any]:
    """What the file says of each field it speaks for (`parent` as an id or None)."""
    values: dict[str, Any] = {"label": entry.label, "mappings": file_mappings(entry, stored_mappings)}
    for name in ("actor_type", "country", "code", "description"):
        if name in entry.present:
            values[name] = getattr(entry, name)
    if "parent" in entry.present:
        values["parent"] = entry.parent or None
    if "retired" in entry.present:
        values["retired"] = entry.retired
    if "merged_into" in entry.present:
        values["merged_into"] = entry.merged_into or None
    return values


def stored_values(term: Term, names: list[str]) -> dict[str, Any]:
    return {
        **{name: getattr(term, name) for name in ("label", "actor_type", "country", "code", "description")},
        "mappings": term.mappings or {},
        "parent": term.parent.slug if term.parent_id else None,
        "retired": term.is_retired,
        "merged_into": term.merged_into.slug if term.merged_into_id else None,
        NAMES: names,
    }


@dataclass
class Plan:
    """What loading one entry does to an existing term."""

    fields: dict[str, Any] = field(default_factory=dict)  # field -> new value (parent as an id or None)
    retire: bool | None = None  # True: retire; False: bring back; None: leave
    merge_into: str | None = None  # id of the term to merge into
    blocked_names: set[str] = field(default_factory=set)  # folded names not to add
    kept: list[str] = field(default_factory=list)  # what the team changed and the load left, for the report
    baseline: dict[str, Any] = field(default_factory=dict)  # Term.loaded_values after an operator load

    @property
    def curates(self) -> bool:
        return self.retire is not None or self.merge_into is not None


def _show(value: Any) -> str:
    if value is None or value == "":
        return "none"
    if isinstance(value, dict):
        return "as edited"
    return f"“{value}”"


def operator_plan(entry: Entry, term: Term, names: list[str]) -> Plan:
    """The three-way rule (module docstring): follow the file where the team left the field as the file
    last had it; keep the team's value where it changed it."""
    stored = stored_values(term, names)
    wanted = file_values(entry, stored["mappings"])
    base = term.loaded_values or {}
    plan = Plan(baseline=dict(base))
    for name in FIELDS:
        if name not in wanted:
            continue
        now, new = stored[name], wanted[name]
        plan.baseline[name] = new
        if now == new:
            continue
        if name in base and base[name] == now:
            plan.fields[name] = new
        elif name == "mappings":
            plan.kept.append("mappings changed by the team")
        else:
            plan.kept.append(f"{name} {_show(now)} (the file says {_show(new)})")
    if "merged_into" in wanted:
        plan.baseline["merged_into"] = wanted["merged_into"]
        if wanted["merged_into"] and stored["merged_into"] is None:
            plan.merge_into = wanted["merged_into"]
    merged_by_file = wanted.get("merged_into", base.get("merged_into"))
    if stored["merged_into"] and stored["merged_into"] != merged_by_file:
        plan.kept.append(f"merged into {term.merged_into.label} by the team (its names live there)")
    merged = stored["merged_into"] or plan.merge_into
    if "retired" in wanted:
        plan.baseline["retired"] = wanted["retired"]
    if not merged:
        now, new = stored["retired"], wanted.get("retired")
        if new is not None and now != new:
            if base.get("retired", False) == now:
                plan.retire = new
            else:
                plan.kept.append("retired by the team" if now else "brought back by the team")
        elif new is None and now and not base.get("retired", False):
            plan.kept.append("retired by the team")
    file_names = entry.names(with_label=not entry.merged_into)
    plan.baseline[NAMES] = [key for _, key in file_names]
    if merged:
        plan.blocked_names = {key for _, key in file_names if key not in names}
    else:
        removed = [(name, key) for name, key in file_names if key not in names and key in base.get(NAMES, [])]
        plan.blocked_names = {key for _, key in removed}
        if removed:
            plan.kept.append("names removed by the team: " + ", ".join(f"“{name}”" for name, _ in removed))
    return plan


def team_plan(entry: Entry, term: Term, names: list[str]) -> Plan:
    """A team member's load: every difference is a change they make."""
    stored = stored_values(term, names)
    wanted = file_values(entry, stored["mappings"])
    plan = Plan()
    for name in FIELDS:
        if name in wanted and wanted[name] != stored[name]:
            plan.fields[name] = wanted[name]
    if wanted.get("merged_into") and wanted["merged_into"] != stored["merged_into"]:
        plan.merge_into = wanted["merged_into"]
    # A merge retires the term by itself.
    if (
        "retired" in wanted
        and wanted["retired"] != stored["retired"]
        and not (plan.merge_into and wanted["retired"])
    ):
        plan.retire = wanted["retired"]
    if stored["merged_into"] or plan.merge_into:
        # A merged term's names live on the term it was merged into.
        plan.blocked_names = {key for _, key in entry.names() if key not in names}
    return plan


def refusal(plan: Plan, term: Term | None, actor: Any) -> str | None:
    """Why this user may not load this entry, or None. The verbs check again when the load applies it."""
    if plan.curates and not can_curate_vocabulary(actor):
        doing = "merging" if plan.merge_into else "retiring" if plan.retire else "bringing back"
        return f"{doing} a term needs a lead: only leads and staff retire, un-retire and merge terms"
    if term is not None and plan.fields and not can_change_term(actor, term):
        return (
            f"the file changes {', '.join(plan.fields)} of {term.label}, {whose(term)}; only its creator "
            "or a lead may change it (names can be added by anyone)"
        )
    return None
