"""Loading and exporting the shared vocabulary.

Two formats: the seed's JSON shape (`actors`, `event_types`, everything an entry carries kept in
`Term.mappings`) and a flat CSV of `kind, id, label, code, parent, aliases, description`.
Loading is idempotent: a file loaded twice changes nothing, an updated file updates labels, codes,
parents and adds aliases, and no term is ever deleted.
"""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import transaction
from django.utils import timezone

from annotations.folding import fold
from annotations.models import Alias, Change, Term

CSV_COLUMNS = ["kind", "id", "label", "code", "parent", "aliases", "description"]
ALIAS_SEPARATOR = "; "

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
    "acled",
    "definition",
    "notes",
    "aliases",
]
ACTOR_TYPES = set(Term.ActorType.values)
SPELLINGS = "alias_spellings"
NULLABLE = {"cameo_code", "country", "parent", "definition", "description"}


class VocabularyFileError(Exception):
    """The whole file cannot be read (not JSON, no known columns, …)."""


@dataclass
class Entry:
    """One term as a file describes it. `present` lists the Term fields the file speaks for:
    a CSV has no country or mappings, so loading it leaves those as they are."""

    where: str
    slug: str
    kind: str
    actor_type: str = ""
    label: str = ""
    country: str = ""
    code: str = ""
    description: str = ""
    parent: str = ""
    aliases: list[str] = field(default_factory=list)
    mappings: dict[str, Any] = field(default_factory=dict)
    retired: bool = False
    merged_into: str = ""
    present: set[str] = field(default_factory=set)
    _names: dict[bool, list[tuple[str, str]]] = field(default_factory=dict, repr=False, compare=False)

    @property
    def name(self) -> str:
        return f"{self.where} (id “{self.slug}”)" if self.slug else self.where

    def names(self, *, with_label: bool = True) -> list[tuple[str, str]]:
        """(name, folded key) of each alias, the label last unless already listed; one per key."""
        cached = self._names.get(with_label)
        if cached is not None:
            return cached
        result, keys = [], set()
        for name in [*self.aliases, self.label] if with_label else self.aliases:
            name = " ".join(name.split())
            key = fold(name)
            if key and key not in keys:
                keys.add(key)
                result.append((name, key))
        self._names[with_label] = result
        return result

    def folded_repeats(self) -> list[str]:
        """Spellings that fold like an earlier name of the same entry ("Khamene'i" after "Khamenei")."""
        kept = {name for name, _ in self.names()}
        seen, repeats = set(), []
        for name in self.aliases:
            name = " ".join(name.split())
            if name not in kept and name not in seen:
                repeats.append(name)
            seen.add(name)
        return repeats


@dataclass
class VocabularyReport:
    actors: int = 0
    events: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    aliases_added: int = 0
    shared_names: dict[str, list[str]] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        text = (
            f"actors {self.actors}, events {self.events}: created {self.created}, updated {self.updated}, "
            f"unchanged {self.unchanged}; aliases added {self.aliases_added}; "
            f"shared names {len(self.shared_names)}"
        )
        if self.skipped:
            text += "; " + "; ".join(self.skipped)
        if self.errors:
            text += f"; refused {len(self.errors)}"
        return text

    def details(self) -> list[str]:
        """One line per shared name and per refusal, for the command and the import screen."""
        lines = [f"shared name: {name} → {', '.join(labels)}" for name, labels in self.shared_names.items()]
        return lines + [f"refused: {error}" for error in self.errors]


# --- Reading ---------------------------------------------------------------------------------------


def load_vocabulary(path: str | Path, *, user=None) -> VocabularyReport:
    """Load a vocabulary file (.json in the seed's shape, or .csv) into the database."""
    path = Path(path)
    return load_vocabulary_bytes(path.read_bytes(), filename=path.name, user=user)


def load_vocabulary_bytes(data: bytes, *, filename: str, user=None) -> VocabularyReport:
    """Load from the bytes of a file; the format comes from the file name's extension."""
    report = VocabularyReport()
    try:
        text = data.decode("utf-8-sig")
        suffix = Path(filename).suffix.lower()
        if suffix == ".json":
            entries = parse_json(text, report)
        elif suffix == ".csv":
            entries = parse_csv(text, report)
        else:
            raise VocabularyFileError(
                f"{filename}: unknown format “{suffix or 'no extension'}”; use .json or .csv"
            )
    except UnicodeDecodeError:
        report.errors.append(f"{filename}: not UTF-8 text")
        return report
    except VocabularyFileError as error:
        report.errors.append(str(error))
        return report
    with transaction.atomic():
        _Loader(entries, report, user, filename).run()
    return report


def chunks(values: list, size: int = 2000) -> list[list]:
    """Keep IN lists well under the databases' limits on query parameters."""
    return [values[i : i + size] for i in range(0, len(values), size)]


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
    if document.get("claim_attributes"):
        report.skipped.append("skipped claim_attributes (not terms)")
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
        present={"label", "country", "code", "description", "parent", "mappings", "actor_type", "retired"},
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
        row = {(key or "").strip().lower(): _text(value) for key, value in row.items() if key is not None}
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


class _Loader:
    """Applies parsed entries to the database: terms first, then parents, then aliases."""

    def __init__(self, entries: list[Entry], report: VocabularyReport, user, filename: str) -> None:
        self.entries, self.report, self.user, self.filename = entries, report, user, filename
        self.terms: dict[str, Term] = {}
        self.by_pk: dict[int, Term] = {}
        self.before: dict[str, dict] = {}
        self.created: set[str] = set()
        self.new_aliases: dict[str, list[str]] = defaultdict(list)

    def refuse(self, entry: Entry, reason: str) -> None:
        self.report.errors.append(f"{entry.name}: {reason}")

    def run(self) -> None:
        self.entries = self.valid_entries()
        for entry in self.entries:
            self.apply_fields(entry)
        # bulk_create skips Term.save, which sets label_key.
        new_terms = [self.terms[entry.slug] for entry in self.entries if entry.slug in self.created]
        for term in new_terms:
            term.label_key = fold(term.label)
        Term.objects.bulk_create(new_terms, batch_size=1000)
        self.by_pk = {term.pk: term for term in self.terms.values()}
        for entry in self.entries:
            self.apply_links(entry)
        self.apply_aliases()
        self.record_and_count()

    def valid_entries(self) -> list[Entry]:
        seen, valid = set(), []
        for entry in self.entries:
            if not entry.slug:
                self.refuse(entry, "missing id")
            elif not entry.label:
                self.refuse(entry, "missing label")
            elif entry.slug in seen:
                self.refuse(entry, "the same id appears earlier in the file")
            else:
                try:
                    validate_slug(entry.slug)
                except ValidationError:
                    self.refuse(entry, "an id may only hold letters, digits, hyphens and underscores")
                    continue
                if len(entry.country) > 3:
                    self.refuse(entry, f"country “{entry.country}” is not a three-letter code")
                    continue
                seen.add(entry.slug)
                valid.append(entry)
        existing = {
            term.slug: term
            for slugs in chunks([entry.slug for entry in valid])
            for term in Term.objects.filter(slug__in=slugs).select_related("parent")
        }
        kept = []
        for entry in valid:
            term = existing.get(entry.slug)
            if term is not None and term.kind != entry.kind:
                self.refuse(entry, f"already in the vocabulary as an {term.kind}; a term cannot change kind")
                continue
            kept.append(entry)
        # A parent must exist in the file or the database and be of the same kind; refusing one
        # entry can orphan another, so repeat until nothing changes.
        wanted = {entry.parent for entry in kept if entry.parent} | {
            e.merged_into for e in kept if e.merged_into
        }
        in_database = {
            slug: kind
            for slugs in chunks(sorted(wanted))
            for slug, kind in Term.objects.filter(slug__in=slugs).values_list("slug", "kind")
        }
        while True:
            kinds = {**in_database, **{entry.slug: entry.kind for entry in kept}}
            still = []
            for entry in kept:
                for link, what in ((entry.parent, "parent"), (entry.merged_into, "merged_into")):
                    if link and link not in kinds:
                        self.refuse(entry, f"unknown {what} “{link}”")
                        break
                    if link and kinds[link] != entry.kind:
                        self.refuse(entry, f"{what} “{link}” is an {kinds[link]}, not an {entry.kind}")
                        break
                    if link == entry.slug:
                        self.refuse(entry, f"a term cannot be its own {what}")
                        break
                else:
                    still.append(entry)
            if len(still) == len(kept):
                break
            kept = still
        self.existing = existing
        return kept

    def apply_fields(self, entry: Entry) -> None:
        term = self.existing.get(entry.slug)
        if term is None:
            term = Term(slug=entry.slug, kind=entry.kind, created_by=self.user)
            self.created.add(entry.slug)
        else:
            self.before[entry.slug] = {
                **term.snapshot(),
                "mappings": term.mappings,
                "retired": term.is_retired,
            }
        term.label = entry.label
        for name in ("actor_type", "country", "code", "description", "mappings"):
            if name in entry.present:
                setattr(term, name, getattr(entry, name))
        # Aliases are unique per term once folded, so "Khamene'i" beside "Khamenei" cannot be an alias
        # of its own; the spelling is kept in the mappings and exported among the aliases again.
        spellings = entry.folded_repeats()
        mappings = {key: value for key, value in (term.mappings or {}).items() if key != SPELLINGS}
        term.mappings = {**mappings, SPELLINGS: spellings} if spellings else mappings
        if "retired" in entry.present:
            if entry.retired and term.retired_at is None:
                term.retired_at = timezone.now()
            elif not entry.retired:
                term.retired_at = None
        if term.pk is not None and self.fields_changed(term, entry.slug):
            term.save()
        self.terms[entry.slug] = term

    def fields_changed(self, term: Term, slug: str) -> bool:
        before = self.before[slug]
        after = {**term.snapshot(), "mappings": term.mappings, "retired": term.is_retired}
        return any(after[key] != before[key] for key in after if key != "parent")

    def lookup(self, slug: str) -> Term:
        if slug not in self.terms:
            self.terms[slug] = Term.objects.get(slug=slug)
        return self.terms[slug]

    def apply_links(self, entry: Entry) -> None:
        term = self.terms[entry.slug]
        update = []
        if "parent" in entry.present:
            parent = self.lookup(entry.parent) if entry.parent else None
            if parent is not None and self.makes_loop(term, parent):
                self.refuse(entry, f"parent “{entry.parent}” is below this term; that would be a loop")
            elif term.parent_id != (parent.pk if parent else None):
                term.parent = parent
                update.append("parent")
        if entry.merged_into:
            survivor = self.lookup(entry.merged_into)
            if term.merged_into_id != survivor.pk:
                term.merged_into = survivor
                update.append("merged_into")
        if update:
            term.save(update_fields=[*update, "updated_at"])

    def makes_loop(self, term: Term, parent: Term) -> bool:
        seen, current = set(), parent
        while current is not None and current.pk not in seen:
            if current.pk == term.pk:
                return True
            seen.add(current.pk)
            current = self.lookup_by_pk(current.parent_id)
        return False

    def lookup_by_pk(self, pk: int | None) -> Term | None:
        if pk is None:
            return None
        if pk not in self.by_pk:
            self.by_pk[pk] = Term.objects.get(pk=pk)
        return self.by_pk[pk]

    def apply_aliases(self) -> None:
        # Each entry's names in file order, its label included, without repeats.
        wanted: list[tuple[Entry, str, str]] = []
        holders: dict[tuple[str, str], list[Entry]] = defaultdict(list)
        for entry in self.entries:
            # A merged term's label already lives on as an alias of the term it was merged into.
            for name, key in entry.names(with_label=not entry.merged_into):
                if len(name) > 200:
                    self.refuse(entry, f"alias “{name[:40]}…” is longer than 200 characters")
                else:
                    wanted.append((entry, name, key))
                    holders[(entry.kind, key)].append(entry)
        in_database: dict[tuple[str, str], list[Alias]] = defaultdict(list)
        keys = {key for _, _, key in wanted}
        for some_keys in chunks(sorted(keys)):
            for alias in Alias.objects.filter(key__in=some_keys).select_related("term").order_by("pk"):
                in_database[(alias.kind, alias.key)].append(alias)

        for (kind, key), entries in holders.items():
            if len(entries) > 1:
                name = next(n for e, n, k in wanted if k == key and e.kind == kind)
                self.report.shared_names[name] = [entry.label for entry in entries]

        to_create = []
        for entry, name, key in wanted:
            term = self.terms[entry.slug]
            existing = in_database[(entry.kind, key)]
            if any(alias.term_id == term.pk for alias in existing):
                continue
            listed_on_several = len(holders[(entry.kind, key)]) > 1
            outsiders = [
                alias
                for alias in existing
                if alias.term.slug not in {e.slug for e in holders[(entry.kind, key)]}
            ]
            if any(not alias.shared for alias in outsiders) and not listed_on_several:
                labels = ", ".join(sorted({alias.term.label for alias in outsiders}))
                self.refuse(entry, f"alias “{name}” is already an alias of {labels}")
                continue
            shared = listed_on_several or bool(existing)
            for alias in existing:
                if shared and not alias.shared:
                    alias.shared = True
                    alias.save(update_fields=["shared"])
                    self.new_aliases[alias.term.slug].append(f"{alias.name} (now shared)")
            alias = Alias(term=term, name=name, key=key, kind=entry.kind, shared=shared)
            to_create.append(alias)
            existing.append(alias)
            self.new_aliases[entry.slug].append(name)
        # bulk_create skips Alias.save, so key and kind are set above; file order is kept.
        Alias.objects.bulk_create(to_create)
        self.report.aliases_added += len(to_create)

    def record_and_count(self) -> None:
        """Count, and write one Change per created or updated term (in bulk: a file may hold thousands)."""
        changes = []

        def record(actor, action, term, summary, *, before=None, after=None, term_id=None) -> None:
            actor = actor if actor is not None and actor.is_authenticated else None
            changes.append(
                Change(
                    actor=actor,
                    action=action,
                    object_type="term",
                    object_id=term.pk,
                    summary=summary[:500],
                    before=before,
                    after=after,
                    term_id=term_id,
                )  # fmt: skip
            )

        for entry in self.entries:
            term = self.terms[entry.slug]
            if entry.kind == Term.Kind.ACTOR:
                self.report.actors += 1
            else:
                self.report.events += 1
            aliases = self.new_aliases.get(entry.slug, [])
            if entry.slug in self.created:
                self.report.created += 1
                record(
                    self.user,
                    Change.Action.CREATE,
                    term,
                    f"Loaded {term.label} from {self.filename}",
                    after={**term.snapshot(), "aliases": aliases},
                    term_id=term.pk,
                )
                continue
            before = self.before[entry.slug]
            after = {**term.snapshot(), "mappings": term.mappings, "retired": term.is_retired}
            changed = [key for key in after if after[key] != before[key]]
            if not changed and not aliases:
                self.report.unchanged += 1
                continue
            self.report.updated += 1
            what = ", ".join(changed + ([f"aliases {', '.join(aliases)}"] if aliases else []))
            record(
                self.user,
                Change.Action.UPDATE,
                term,
                f"Updated {term.label} from {self.filename}: {what}",
                before={key: before[key] for key in changed},
                after={
                    **{key: after[key] for key in changed},
                    **({"aliases_added": aliases} if aliases else {}),
                },
                term_id=term.pk,
            )
        Change.objects.bulk_create(changes, batch_size=1000)


# --- Writing ---------------------------------------------------------------------------------------


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
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def export_csv() -> str:
    """The flat CSV: actor rows carry their actor type in `kind`; country and mappings are not in it."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    terms = sorted(_terms_for_export(), key=lambda term: (term.kind != Term.Kind.ACTOR, term.pk))
    for term in terms:
        kind = (term.actor_type or "actor") if term.kind == Term.Kind.ACTOR else "event"
        writer.writerow(
            [
                kind,
                term.slug,
                term.label,
                term.code,
                term.parent.slug if term.parent_id else "",
                ALIAS_SEPARATOR.join(_alias_names(term)),
                term.description,
            ]
        )
    return buffer.getvalue()


def export_vocabulary(format: str) -> str:
    if format == "json":
        return export_json()
    if format == "csv":
        return export_csv()
    raise ValueError(f"unknown format “{format}”; use json or csv")
