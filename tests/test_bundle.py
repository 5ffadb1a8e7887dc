"""The project bundle (ops/bundle.py): export_project, then import_project into an empty database (or one
holding other work) gives back every row of every table it carries, references remapped."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import models
from django.http import QueryDict

from annotations.models import Note, SavedSet, Span, Term, VocabularyVersion
from annotations.suggestions import vocabulary_index
from corpus.models import Article
from ops.bundle import HISTORY_OBJECTS, LEFT_OUT, TABLES, _model, import_project
from tests.project_world import build_project, exports

pytestmark = pytest.mark.django_db(transaction=True)

NOT_CARRIED = {"users": {"password", "is_staff", "is_superuser"}}


def carried_rows() -> dict[str, dict[int, dict]]:
    """Each carried table's rows by id, with every concrete field, its many-to-many fields as sorted ids
    (a decision's versions), and users' groups by name."""
    rows = {}
    for table in TABLES:
        model = _model(table)
        rows[table.name] = {
            row["id"]: {k: v for k, v in row.items() if k not in NOT_CARRIED.get(table.name, ())}
            for row in model.objects.values()
        }
        for obj in model.objects.all() if table.many else ():
            for name in table.many:
                rows[table.name][obj.pk][name] = sorted(getattr(obj, name).values_list("pk", flat=True))
    for user in User.objects.prefetch_related("groups"):
        rows["users"][user.pk]["groups"] = sorted(g.name for g in user.groups.all())
    return rows


def remapped(
    before: dict[str, dict[int, dict]], ids: dict[str, dict[int, int]]
) -> dict[str, dict[int, dict]]:
    """The rows as they must be after the import: ids and references through the importer's maps."""
    by_model = {_model(table): table.name for table in TABLES}
    expected = {}
    for table in TABLES:
        model = _model(table)
        relations = {
            f.attname: by_model[f.related_model]
            for f in model._meta.concrete_fields
            if isinstance(f, models.ForeignKey)
        }
        expected[table.name] = {}
        for old, row in before[table.name].items():
            row = dict(row, id=ids[table.name][old])
            for attname, target in relations.items():
                if row[attname] is not None:
                    row[attname] = ids[target][row[attname]]
            for name in table.many:
                target = by_model[model._meta.get_field(name).related_model]
                row[name] = sorted(ids[target][pk] for pk in row[name])
            if table.name == "saved_sets":
                query = QueryDict(row["query"], mutable=True)
                query.setlist("article", [str(ids["articles"][int(v)]) for v in query.getlist("article")])
                row["query"] = query.urlencode()
            if table.name == "history" and row["object_type"] in HISTORY_OBJECTS:
                row["object_id"] = ids[HISTORY_OBJECTS[row["object_type"]]].get(row["object_id"], 0)
            expected[table.name][row["id"]] = row
    return expected


def readable(exported: dict[str, str], ids: dict[str, dict[int, int]] | None = None) -> dict[str, list[dict]]:
    """The exports row by row; with `ids`, the database ids in them (passage, article, link) remapped."""
    rows = {}
    for fmt, text in exported.items():
        records = (
            [json.loads(line) for line in text.splitlines()]
            if fmt == "jsonl"
            else list(csv.DictReader(io.StringIO(text)))
        )
        for record in records:
            if ids is not None:
                span, article = (
                    ids["spans"][int(record["span_id"])],
                    ids["articles"][int(record["article_id"])],
                )
                kind = type(record["span_id"])
                record["span_id"], record["article_id"] = kind(span), kind(article)
                record["link"] = re.sub(
                    r"/articles/\d+/#span-\d+$", f"/articles/{article}/#span-{span}", record["link"]
                )
                for claim in record.get("claims", []):  # the passage's claims (JSONL)
                    claim["claim_id"] = ids["claims"][claim["claim_id"]]
        rows[fmt] = records
    return rows


def test_a_bundle_imported_into_an_empty_database_gives_back_every_row(alice, bob, charlie, tmp_path):
    build_project(alice, bob, charlie)
    exported = exports()
    before = carried_rows()
    assert all(before[table.name] for table in TABLES), [t.name for t in TABLES if not before[t.name]]
    assert any(row["deleted_at"] for row in before["notes"].values())
    assert any(row["superseded_at"] for row in before["decisions"].values())
    assert any(row["loaded_values"] for row in before["terms"].values())
    assert any(row["proposed"] for row in before["terms"].values())
    assert {row["object_type"] for row in before["history"].values()} >= {
        "span", "tag", "note", "claim", "term", "alias", "assignment", "decision", "rejection"
    }  # fmt: skip
    path = tmp_path / "team.zip"
    call_command("export_project", str(path))
    call_command("flush", interactive=False)
    importer = import_project(path)
    assert carried_rows() == remapped(before, importer.ids)
    assert readable(exports()) == readable(exported, importer.ids)
    assert not User.objects.get(username="alice").has_usable_password()
    assert User.objects.get(username="charlie").has_perm("annotations.change_term")


def test_a_bundle_imported_beside_other_work_remaps_every_reference(alice, bob, charlie, tmp_path):
    world = build_project(alice, bob, charlie)
    before = carried_rows()
    path = tmp_path / "team.zip"
    call_command("export_project", str(path))
    call_command("flush", interactive=False)
    # The other instance already has its own analyst, article and vocabulary, so every id shifts.
    dave = User.objects.create_user("dave")
    other = Article.objects.create(title="Other", body="Other text.", sha256=Article.hash_body("Other text."))
    elsewhere = Term.objects.create(slug="elsewhere", kind="actor", label="Elsewhere")
    # A term the bundle also has, kept here under another parent: it is reused, its parent left alone.
    Term.objects.create(slug="quds-force", kind="actor", label="Quds Force", parent=elsewhere)
    Span.create_for(other, 0, 5, "Other", by=dave)
    importer = import_project(path)
    assert importer.ids["articles"][world.killing.pk] != world.killing.pk
    expected = remapped(before, importer.ids)
    quds_force = importer.ids["terms"][world.quds_force.pk]
    del expected["terms"][quds_force]  # the one row that was already here
    for name, rows in expected.items():
        actual = carried_rows()[name]
        assert {pk: actual[pk] for pk in rows} == rows, name
    assert Term.objects.get(slug="quds-force").parent == elsewhere
    killing = Article.objects.get(sha256=world.killing.sha256)
    assert SavedSet.objects.get(name="Killing").query == f"article={killing.pk}&term=usa"
    assert (
        Note.objects.filter(article=killing, span__isnull=True).get().text
        == "Check the date against Reuters."
    )


def test_importing_a_bundle_twice_creates_nothing_twice(alice, bob, charlie, tmp_path):
    build_project(alice, bob, charlie)
    path = tmp_path / "team.zip"
    call_command("export_project", str(path))
    counts = {table.name: _model(table).objects.count() for table in TABLES}
    importer = import_project(path)
    assert sum(importer.created.values()) == 0
    assert {table.name: _model(table).objects.count() for table in TABLES} == counts


def test_the_manifest_lists_the_tables_and_counts(alice, bob, charlie, tmp_path):
    build_project(alice, bob, charlie)
    path = tmp_path / "team.zip"
    call_command("export_project", str(path))
    manifest = json.loads(zipfile.ZipFile(path).read("manifest.json"))
    assert manifest["format"] == "marginalia-project" and manifest["version"] == 1
    assert manifest["tables"] == [table.name for table in TABLES]
    assert manifest["counts"]["spans"] == Span.objects.count()


def test_a_bundle_from_a_newer_marginalia_is_refused_whole(db, tmp_path):
    path = tmp_path / "future.zip"
    with zipfile.ZipFile(path, "w") as bundle:
        bundle.writestr(
            "manifest.json", json.dumps({"format": "marginalia-project", "version": 2, "tables": []})
        )
    with pytest.raises(CommandError, match="Nothing imported: The bundle is version 2"):
        call_command("import_project", str(path))
    (tmp_path / "junk.zip").write_bytes(b"junk")
    with pytest.raises(CommandError, match="is not a bundle"):
        call_command("import_project", str(tmp_path / "junk.zip"))


def test_every_model_is_carried_or_left_out_on_purpose():
    carried = {_model(table)._meta.label for table in TABLES}
    every = {model._meta.label for model in apps.get_models()}
    assert carried.isdisjoint(LEFT_OUT)
    assert every - carried - set(LEFT_OUT) == set(), "add the model to TABLES, or to LEFT_OUT with why"
    assert set(LEFT_OUT) <= every


def test_an_import_makes_every_process_compile_the_vocabulary_again(alice, bob, charlie, tmp_path):
    build_project(alice, bob, charlie)
    path = tmp_path / "team.zip"
    call_command("export_project", str(path))
    compiled, version = vocabulary_index(), VocabularyVersion.key()
    importer = import_project(path)  # into the same instance: every row is already here
    assert sum(importer.created.values()) == 0
    assert VocabularyVersion.key() != version
    assert vocabulary_index() is not compiled
