"""The project bundle: a whole team's work in one file, to move it to another instance losslessly.

`export_project PATH` writes a zip: `manifest.json` (format, version, counts, the tables in order) and
one JSON Lines file per table, one record per row: `{"id": <id here>, "fields": {<field>: <value>}}`.
References are the ids of this instance; `import_project PATH` creates the rows in the same order
and remaps every reference to the ids it gets there (users by username, sources by name, articles by
SHA-256, terms by slug, claim fields by name: an existing one is reused, not duplicated). Everything
happens in one transaction: a bundle is imported whole or not at all, and importing it twice creates
nothing twice.

What it carries is `TABLES`, the one list to extend (a new model adds one line, in dependency order);
what it leaves out on purpose is `LEFT_OUT`, with the reason (a test fails on a model in neither).
Users come without passwords (set them on the new instance) and without staff or superuser rights;
their groups come by name. Deleted passages, notes and claims come too, so Undo and history survive;
the history's own references (object ids) are remapped, and those of objects that no longer exist
(a removed tag, a rejection a lead lifted) become 0, their before/after kept whole. Terms come with
what the operator's vocabulary files last gave them (`loaded_values`, the base of the loader's
three-way rule), so a later `load_demo` there still never undoes the team's curation. Claim field
definitions (`ClaimAttribute`) are carried rather than re-loaded from a vocabulary file: they are what
the team read while coding, and the other instance may never load that file; one already there (same
field name) is kept. Jobs (imports and exports in the background) are not carried: they are this
instance's work queue and files, not the team's work.

An import ends by bumping the vocabulary's version (annotations.models.VocabularyVersion), so every
process rebuilds its compiled suggestion matchers and cached suggestions, whatever the bundle held.
"""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.http import QueryDict
from django.utils import timezone

FORMAT = "marginalia-project"
VERSION = 1


@dataclass(frozen=True)
class Table:
    name: str  # the file in the bundle: <name>.jsonl
    model: str  # app_label.ModelName
    # Fields (after remapping) that find a row already there, to reuse instead of creating it again.
    match: tuple[str, ...]
    # Self-references, set once every row of the table exists.
    deferred: tuple[str, ...] = ()
    # Fields not carried: secrets and rights that belong to an instance, not to the team's work.
    skip: tuple[str, ...] = ()
    # Many-to-many fields, carried as lists of ids of a carried table and set once the row exists.
    many: tuple[str, ...] = ()


TABLES: tuple[Table, ...] = (
    Table("groups", "auth.Group", match=("name",)),
    Table(
        "users",
        "auth.User",
        match=("username",),
        skip=("password", "is_staff", "is_superuser"),
    ),
    Table("sources", "corpus.Source", match=("name",)),
    Table("articles", "corpus.Article", match=("sha256",)),
    Table("terms", "annotations.Term", match=("slug",), deferred=("parent", "merged_into")),
    Table("aliases", "annotations.Alias", match=("term", "name")),
    Table("spans", "annotations.Span", match=("article", "start", "end", "created_by", "created_at")),
    Table("tags", "annotations.Tag", match=("span", "term", "role")),
    Table("notes", "annotations.Note", match=("article", "span", "author", "created_at")),
    Table("claims", "annotations.Claim", match=("span", "created_by", "created_at")),
    Table("saved_sets", "annotations.SavedSet", match=("owner", "name")),
    Table("claim_attributes", "annotations.ClaimAttribute", match=("name",)),
    Table("assignments", "annotations.Assignment", match=("created_by", "created_at")),
    Table("assigned_articles", "annotations.AssignedArticle", match=("assignment", "article", "analyst")),
    Table(
        "decisions", "annotations.Decision", match=("article", "decided_by", "decided_at"), many=("versions",)
    ),
    Table("rejections", "annotations.SuggestionRejection", match=("article", "key", "term")),
    Table("history", "annotations.Change", match=("actor", "at", "action", "object_type", "summary")),
)
# Models not carried, and why. Every model is in TABLES or here (tests/test_bundle.py checks).
LEFT_OUT = {
    "admin.LogEntry": "the admin's own log of this instance",
    "auth.Permission": "Django makes them from the models; groups carry theirs by name",
    "contenttypes.ContentType": "Django makes them from the models",
    "sessions.Session": "log-ins to this instance",
    "axes.AccessAttempt": "this instance's login throttling",
    "axes.AccessAttemptExpiration": "this instance's login throttling",
    "axes.AccessFailureLog": "this instance's login throttling",
    "axes.AccessLog": "this instance's login throttling",
    "django_tasks_database.DBTaskResult": "this instance's task queue",
    "jobs.Job": "this instance's background imports and exports (its queue and files), not the team's work",
    "jobs.JobUpload": "the files of this instance's import jobs",
    "annotations.VocabularyVersion": "a counter of this instance's caches: bumped by the import instead",
    "annotations.PassageCount": "the database counts the passages as they are written (its triggers)",
}
# Change.object_type -> the table its object_id points into: the model's name, or what
# annotations.history.record was given instead (a suggestion's rejection is "rejection").
HISTORY_OBJECTS = {table.model.split(".")[1].lower(): table.name for table in TABLES}
HISTORY_OBJECTS["rejection"] = "rejections"


class BundleError(Exception):
    """A bundle that cannot be imported; nothing was changed."""


def _model(table: Table) -> type[models.Model]:
    return apps.get_model(table.model)


def _fields(table: Table) -> list[models.Field]:
    return [f for f in _model(table)._meta.concrete_fields if not f.primary_key and f.name not in table.skip]


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return value


def _record(table: Table, obj: models.Model) -> dict:
    fields = {}
    for field in _fields(table):
        fields[field.name] = (
            getattr(obj, field.attname) if field.is_relation else _plain(field.value_from_object(obj))
        )
    for name in table.many:
        fields[name] = sorted(getattr(obj, name).values_list("pk", flat=True))
    if table.name == "users":
        fields["groups"] = sorted(obj.groups.values_list("name", flat=True))
    elif table.name == "groups":
        fields["permissions"] = sorted(
            f"{p.content_type.app_label}.{p.codename}" for p in obj.permissions.select_related("content_type")
        )
    return {"id": obj.pk, "fields": fields}


def export_project(path: Path) -> dict[str, int]:
    """Write the bundle to `path`; the number of rows of each table."""
    counts: dict[str, int] = {}
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        for table in TABLES:
            with bundle.open(f"{table.name}.jsonl", "w") as out:
                count = 0
                for obj in _model(table).objects.order_by("pk").iterator(chunk_size=2000):
                    out.write(json.dumps(_record(table, obj), ensure_ascii=False).encode() + b"\n")
                    count += 1
            counts[table.name] = count
        manifest = {
            "format": FORMAT,
            "version": VERSION,
            "exported_at": timezone.now().isoformat(),
            "tables": [table.name for table in TABLES],
            "counts": counts,
        }
        bundle.writestr("manifest.json", json.dumps(manifest, indent=2))
    return counts


class Importer:
    """Creates a bundle's rows in order; `ids[table][old id] = new id` remaps every reference."""

    def __init__(self, bundle: zipfile.ZipFile) -> None:
        self.bundle = bundle
        self.ids: dict[str, dict[int, int]] = {table.name: {} for table in TABLES}
        self.created: dict[str, int] = {table.name: 0 for table in TABLES}
        self.by_model = {_model(table): table for table in TABLES}

    def records(self, table: Table) -> Iterator[dict]:
        with self.bundle.open(f"{table.name}.jsonl") as lines:
            for number, line in enumerate(lines, 1):
                try:
                    yield json.loads(line)
                except ValueError:
                    raise BundleError(f"{table.name}.jsonl line {number} is not JSON.") from None

    def remap(self, field: models.Field, old: int | None, table: Table) -> int | None:
        if old is None:
            return None
        target = self.by_model.get(field.related_model)
        if target is None:
            raise BundleError(
                f"{table.name}.{field.name} points to {field.related_model.__name__}, not carried."
            )
        try:
            return self.ids[target.name][old]
        except KeyError:
            raise BundleError(
                f"{table.name}.{field.name} points to {target.name} {old}, not in the bundle."
            ) from None

    def load(self, table: Table) -> None:
        model, fields = _model(table), _fields(table)
        deferred = []
        for record in self.records(table):
            values = {}
            for field in fields:
                if field.name not in record["fields"] or field.name in table.deferred:
                    continue
                raw = record["fields"][field.name]
                values[field.attname] = (
                    self.remap(field, raw, table) if field.is_relation else field.to_python(raw)
                )
            self.fix_references(table, values)
            wanted = {
                model._meta.get_field(name).attname: values.get(model._meta.get_field(name).attname)
                for name in table.match
            }
            obj = model.objects.filter(**wanted).first()
            if obj is None:
                try:
                    with transaction.atomic():
                        obj = self.create(table, model, values, record["fields"])
                except (IntegrityError, ValidationError, ValueError) as error:
                    raise BundleError(
                        f"{table.name} {record['id']} cannot be created here: {error}"
                    ) from None
                self.created[table.name] += 1
                if table.deferred:  # a row that was already here keeps its own references
                    deferred.append((obj, record["fields"]))
            self.ids[table.name][record["id"]] = obj.pk
        for obj, raw in deferred:
            updates = {
                model._meta.get_field(name).attname: self.remap(
                    model._meta.get_field(name), raw.get(name), table
                )
                for name in table.deferred
            }
            model.objects.filter(pk=obj.pk).update(**updates)

    def create(self, table: Table, model: type[models.Model], values: dict, raw: dict) -> models.Model:
        obj = model(**values)
        if table.name == "users":
            obj.set_unusable_password()
        obj.save()
        # auto_now / auto_now_add would stamp today's date: put the bundle's times back.
        stamped = {
            f.attname: values[f.attname]
            for f in model._meta.concrete_fields
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
            if f.attname in values
        }
        if stamped:
            model.objects.filter(pk=obj.pk).update(**stamped)
        for name in table.many:
            field = model._meta.get_field(name)
            getattr(obj, name).set([self.remap(field, old, table) for old in raw.get(name, [])])
        if table.name == "users":
            Group = apps.get_model("auth.Group")
            obj.groups.set([Group.objects.get_or_create(name=name)[0] for name in raw.get("groups", [])])
        elif table.name == "groups":
            Permission = apps.get_model("auth.Permission")
            for label in raw.get("permissions", []):
                app_label, codename = label.split(".", 1)
                permission = Permission.objects.filter(
                    content_type__app_label=app_label, codename=codename
                ).first()
                if permission is not None:
                    obj.permissions.add(permission)
        return obj

    def fix_references(self, table: Table, values: dict) -> None:
        """References that are not foreign keys: a history entry's object, a saved set's filter."""
        if table.name == "history":
            target = HISTORY_OBJECTS.get(values.get("object_type", ""))
            old = values.get("object_id")
            values["object_id"] = self.ids[target].get(old, 0) if target else old
        elif table.name == "saved_sets":
            query = QueryDict(values.get("query", ""), mutable=True)
            for name, target in (("article", "articles"), ("source", "sources")):
                query.setlist(
                    name,
                    [
                        str(self.ids[target].get(int(v), v)) if v.isascii() and v.isdigit() else v
                        for v in query.getlist(name)
                    ],
                )
            values["query"] = query.urlencode()


def read_manifest(bundle: zipfile.ZipFile) -> dict:
    try:
        manifest = json.loads(bundle.read("manifest.json"))
    except (KeyError, ValueError):
        raise BundleError("No manifest.json: this is not a Marginalia project bundle.") from None
    if manifest.get("format") != FORMAT:
        raise BundleError("This is not a Marginalia project bundle (its manifest names another format).")
    if manifest.get("version", 0) > VERSION:
        raise BundleError(
            f"The bundle is version {manifest['version']}; this Marginalia reads up to {VERSION}."
        )
    unknown = set(manifest.get("tables", [])) - {table.name for table in TABLES}
    if unknown:
        raise BundleError(
            f"The bundle carries tables this Marginalia does not know: {', '.join(sorted(unknown))}."
        )
    return manifest


def import_project(path: Path) -> Importer:
    """Import the bundle at `path` whole, or raise BundleError having changed nothing."""
    try:
        bundle = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as error:
        raise BundleError(f"{path} is not a bundle: {error}.") from None
    with bundle:
        manifest = read_manifest(bundle)
        importer = Importer(bundle)
        with transaction.atomic():
            for table in TABLES:
                if table.name in manifest["tables"]:
                    importer.load(table)
            # Rows were written past the verbs (and reused rows not at all): every process must
            # compile the vocabulary again and forget the suggestions it cached.
            apps.get_model("annotations.VocabularyVersion").bump()
    return importer
