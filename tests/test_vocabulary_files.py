"""Vocabulary files into an empty vocabulary: parents in any order, refusals by name, unreadable files,
the CSV's columns, the load and export commands, and search over what a file loaded."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from annotations.models import Term
from annotations.vocabulary import load_vocabulary, load_vocabulary_bytes

SEED = Path(__file__).resolve().parent.parent / "annotations" / "demo" / "seed_vocabulary.json"


def term(slug: str) -> Term:
    return Term.objects.get(slug=slug)


def test_parents_may_come_after_their_children_in_the_file(db, tmp_path):
    path = tmp_path / "v.csv"
    path.write_text(
        "kind,id,label,code,parent,aliases,description\n"
        "armed_group,quds,Quds Force,IRNMIL,guards,Qods Force; al-Quds Force,\n"
        "organization,guards,Revolutionary Guards,,persia,IRGC,\n"
        "state,persia,Iran,IRN,,Iran; Islamic Republic,\n",
        encoding="utf-8",
    )
    report = load_vocabulary(path)
    assert report.ok, report.errors
    assert term("quds").parent.slug == "guards"
    assert term("guards").parent.slug == "persia"


def test_bad_entries_are_refused_by_name_and_the_rest_still_loads(db, tmp_path):
    path = tmp_path / "v.json"
    path.write_text(
        json.dumps(
            {
                "actors": [
                    {"id": "good", "label": "Good actor", "kind": "person", "aliases": ["Goodie"]},
                    {"id": "orphan", "label": "Orphan", "kind": "person", "parent": "nobody"},
                    {"label": "No id", "kind": "person"},
                    {"id": "nolabel", "kind": "person"},
                    {"id": "weird", "label": "Weird", "kind": "spaceship"},
                    {"id": "grandchild", "label": "Grandchild", "kind": "person", "parent": "orphan"},
                ],
                "event_types": [{"id": "strike", "label": "Strike", "parent": "good"}],
            }
        ),
        encoding="utf-8",
    )
    report = load_vocabulary(path)
    assert list(Term.objects.values_list("slug", flat=True)) == ["good"]
    errors = "\n".join(report.errors)
    assert "actors[1] (id “orphan”): unknown parent “nobody”" in errors
    assert "actors[2]: missing id" in errors
    assert "actors[3] (id “nolabel”): missing label" in errors
    assert "actors[4] (id “weird”): unknown kind “spaceship”" in errors
    assert "actors[5] (id “grandchild”): unknown parent “orphan”" in errors
    assert "event_types[0] (id “strike”): parent “good” is an actor, not an event" in errors
    assert report.summary().endswith("refused 6")


def test_unreadable_files_are_refused_with_the_reason(db):
    assert load_vocabulary_bytes(b"{nope", filename="v.json").errors[0].startswith("not valid JSON")
    assert "missing: label" in load_vocabulary_bytes(b"kind,id\nactor,x\n", filename="v.csv").errors[0]
    assert "unknown format" in load_vocabulary_bytes(b"x", filename="v.xlsx").errors[0]
    assert "not UTF-8" in load_vocabulary_bytes(b"\xff\xfe\x00", filename="v.csv").errors[0]
    assert Term.objects.count() == 0


def test_csv_kind_may_be_an_actor_type_and_aliases_are_split(db):
    data = (
        b"kind,id,label,code,parent,aliases,description\n"
        b"person,zarif,Mohammad Javad Zarif,,,Javad Zarif; Zarif,Foreign minister\n"
        b"event,strike,Air or drone strike,195,,drone strike,From the air\n"
        b"robot,r2,R2-D2,,,,\n"
    )
    report = load_vocabulary_bytes(data, filename="v.csv")
    zarif = term("zarif")
    assert (zarif.kind, zarif.actor_type, zarif.description) == ("actor", "person", "Foreign minister")
    assert zarif.alias_names() == ["Javad Zarif", "Zarif", "Mohammad Javad Zarif"]
    assert term("strike").kind == "event" and term("strike").code == "195"
    assert report.errors == [
        "line 4 (id “r2”): unknown kind “robot” (use actor, event or an actor type: "
        "armed_group, government_body, organization, person, state)"
    ]


def test_commands_load_and_export(db, tmp_path):
    out = io.StringIO()
    call_command("load_vocabulary", str(SEED), stdout=out)
    assert out.getvalue().startswith("actors 40, events 23: created 63")
    assert "shared name: Tehran → Iran, Iranian government" in out.getvalue()
    out = io.StringIO()
    call_command("export_vocabulary", "--format", "csv", stdout=out)
    assert out.getvalue().startswith("kind,id,label,code,parent,aliases,description")
    target = tmp_path / "v.json"
    call_command("export_vocabulary", "--format", "json", "--output", str(target), stderr=io.StringIO())
    assert len(json.loads(target.read_text())["event_types"]) == 23


def test_load_command_fails_when_entries_are_refused(db, tmp_path):
    path = tmp_path / "v.csv"
    path.write_text("kind,id,label\nperson,,Nobody\nperson,ok,Fine\n", encoding="utf-8")
    out = io.StringIO()
    with pytest.raises(CommandError, match="1 entry refused"):
        call_command("load_vocabulary", str(path), stdout=out)
    assert "refused: line 2: missing id" in out.getvalue()
    assert Term.objects.filter(slug="ok").exists()


def test_search_finds_terms_created_without_aliases_by_label(db):
    Term.objects.create(slug="x", kind="actor", label="Xanadu Council")
    assert [t.slug for t in Term.objects.matching("xanadu")] == ["x"]


def test_a_load_writes_every_parent_in_one_statement(db):
    with CaptureQueriesContext(connection) as queries:
        load_vocabulary(SEED)
    updates = [q["sql"] for q in queries.captured_queries if q["sql"].startswith('UPDATE "annotations_term"')]
    assert len(updates) == 1 and 'SET "parent_id" = ' in updates[0]
    assert Term.objects.filter(parent__isnull=False).count() == 13
    assert term("quds-force").parent == term("irgc")
