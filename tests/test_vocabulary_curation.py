"""Loading never undoes the team's curation, and merge loops are refused everywhere (issue 7, items 3, 4).

The operator's loads (`load_demo`, `load_vocabulary` without --user) follow the three-way rule of
annotations/vocabulary/curation.py: a field the team changed is kept; a field the team left as the file
last had it follows the file.
"""

from __future__ import annotations

import importlib
import io
import json
import signal
from pathlib import Path

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import override_settings

from annotations.importing import Importer
from annotations.models import Alias, Change, Term
from annotations.vocabulary import load_vocabulary

SEED = Path(__file__).resolve().parent.parent / "annotations" / "demo" / "seed_vocabulary.json"


def term(slug: str) -> Term:
    return Term.objects.get(slug=slug)


def load_demo() -> str:
    out = io.StringIO()
    with override_settings(DEBUG=True):  # as `make run` does
        call_command("load_demo", stdout=out)
    return out.getvalue()


def write(tmp_path: Path, document: dict, name: str = "vocabulary.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def old_seed(tmp_path: Path) -> Path:
    """The seed as it was before issue 8: the commentary inside the event codes ("190 (proposal; …)")."""
    document = json.loads(SEED.read_text(encoding="utf-8"))
    for event in document["event_types"]:
        status = event.pop("cameo_code_status", "")
        commentary = "; ".join(
            filter(None, [status if status == "proposal" else "", event.pop("cameo_code_note", "")])
        )
        if event.get("cameo_code") and commentary:
            event["cameo_code"] = f"{event['cameo_code']} ({commentary})"
    return write(tmp_path, document, "seed_vocabulary.json")


def curate(lead) -> None:
    """What a lead does on the screens: retire, merge, rename, remove a name."""
    term("ali-al-sistani").retire(by=lead)
    term("mike-pompeo").merge_into(term("mark-esper"), by=lead)
    term("hassan-rouhani").edit({"label": "President Rouhani"}, by=lead)
    iran = term("iran")
    iran.remove_alias(iran.aliases.get(name="Tehran"), by=lead)


def assert_as_the_team_left_it() -> None:
    assert term("ali-al-sistani").is_retired
    pompeo = term("mike-pompeo")
    assert pompeo.is_retired and pompeo.merged_into.slug == "mark-esper" and not pompeo.aliases.exists()
    assert term("mark-esper").aliases.filter(name="Mike Pompeo").exists()
    assert term("hassan-rouhani").label == "President Rouhani"
    assert not term("iran").aliases.filter(name="Tehran").exists()


# --- Two runs of load_demo around the team's work -----------------------------------------------------


def test_two_runs_of_load_demo_leave_a_retire_a_merge_and_a_rename_as_the_team_left_them(db, charlie):
    load_demo()
    curate(charlie)
    changes = Change.objects.count()

    first, second = load_demo(), load_demo()

    assert_as_the_team_left_it()
    assert Change.objects.count() == changes  # the loads changed nothing
    for output in (first, second):
        assert "created 0, updated 0, unchanged 63 (4 kept as the team left them)" in output
        assert "refused:" not in output and "; refused" not in output
        assert (
            "unchanged: Ali al-Sistani (id “ali-al-sistani”): kept as the team left it: retired by the team"
            in (output)
        )
        assert (
            "Mike Pompeo (id “mike-pompeo”): kept as the team left it: merged into Mark Esper by the team"
            in (output)
        )
        assert "label “President Rouhani” (the file says “Hassan Rouhani”)" in output
        assert "names removed by the team: “Tehran”" in output


def test_the_operator_command_keeps_the_team_work_too(db, charlie):
    load_vocabulary(SEED)
    curate(charlie)
    out = io.StringIO()
    call_command("load_vocabulary", str(SEED), stdout=out)
    assert_as_the_team_left_it()
    assert "unchanged 63 (4 kept as the team left them)" in out.getvalue()


# --- Fields the team never changed follow the file ----------------------------------------------------


def test_an_updated_seed_updates_the_codes_the_team_never_touched(db, charlie, tmp_path):
    load_vocabulary(old_seed(tmp_path))
    assert term("missile-strike").code.startswith("190 (proposal;")
    term("air-drone-strike").edit({"label": "Drone or air strike"}, by=charlie)

    report = load_vocabulary(SEED)

    assert report.ok, report.errors
    assert term("missile-strike").code == "190"
    mappings = term("missile-strike").mappings
    assert mappings["cameo_code_status"] == "proposal"
    assert mappings["cameo_code_note"].startswith("CAMEO has no missile")
    drone = term("air-drone-strike")
    assert drone.code == "195"  # untouched field: follows the file
    assert drone.label == "Drone or air strike"  # the team's field: kept
    history = Change.objects.filter(term=term("missile-strike"), action="update").get()
    assert history.after["code"] == "190" and history.actor is None


def test_a_field_the_team_set_back_to_the_files_value_follows_the_file_again(db, charlie, tmp_path):
    load_vocabulary(SEED)
    rouhani = term("hassan-rouhani")
    rouhani.edit({"code": "IRNGOVX"}, by=charlie)
    load_vocabulary(SEED)
    assert term("hassan-rouhani").code == "IRNGOVX"
    term("hassan-rouhani").edit({"code": "IRNGOV"}, by=charlie)  # back to the file's value
    document = json.loads(SEED.read_text(encoding="utf-8"))
    next(a for a in document["actors"] if a["id"] == "hassan-rouhani")["cameo_code"] = "IRNGOVPRS"
    load_vocabulary(write(tmp_path, document))
    assert term("hassan-rouhani").code == "IRNGOVPRS"


def test_a_name_new_to_the_file_is_added_but_one_the_team_removed_is_not(db, charlie, tmp_path):
    load_vocabulary(SEED)
    iran = term("iran")
    iran.remove_alias(iran.aliases.get(name="Tehran"), by=charlie)
    document = json.loads(SEED.read_text(encoding="utf-8"))
    next(a for a in document["actors"] if a["id"] == "iran")["aliases"].append("Persia")
    report = load_vocabulary(write(tmp_path, document))
    names = term("iran").alias_names()
    assert "Persia" in names and "Tehran" not in names
    assert report.aliases_added == 1


def test_a_file_retires_a_term_the_team_left_alone_but_never_brings_back_one_it_retired(
    db, charlie, tmp_path
):
    load_vocabulary(SEED)
    term("ali-al-sistani").retire(by=charlie)
    document = json.loads(SEED.read_text(encoding="utf-8"))
    for actor in document["actors"]:
        if actor["id"] == "hadi-al-amiri":
            actor["retired"] = True
        if actor["id"] == "ali-al-sistani":
            actor["retired"] = False
    report = load_vocabulary(write(tmp_path, document))
    assert term("hadi-al-amiri").is_retired
    assert term("ali-al-sistani").is_retired
    assert any("Ali al-Sistani" in line and "retired by the team" in line for line in report.kept)


# --- Merge loops and merges into retired terms ---------------------------------------------------------


def loop_file(tmp_path: Path) -> Path:
    document = json.loads(SEED.read_text(encoding="utf-8"))
    for actor in document["actors"]:
        if actor["id"] == "mike-pompeo":
            actor.update(merged_into="mark-esper", retired=True)
        if actor["id"] == "mark-esper":
            actor.update(merged_into="mike-pompeo", retired=True)
    return write(tmp_path, document)


def test_a_merge_loop_in_a_file_is_refused_naming_it(db, tmp_path):
    load_vocabulary(SEED)
    report = load_vocabulary(loop_file(tmp_path))
    assert "merge loop: mike-pompeo → mark-esper → mike-pompeo" in " ".join(report.errors)
    assert "merge loop: mark-esper → mike-pompeo → mark-esper" in " ".join(report.errors)
    assert term("mike-pompeo").merged_into is None and term("mark-esper").merged_into is None
    assert not term("mike-pompeo").is_retired and not term("mark-esper").is_retired


def test_a_merge_loop_through_the_database_is_refused(db, charlie, tmp_path):
    load_vocabulary(SEED)
    term("mark-esper").merge_into(term("mike-pompeo"), by=charlie)
    document = {"actors": [{"id": "mike-pompeo", "label": "Mike Pompeo", "merged_into": "mark-esper"}]}
    report = load_vocabulary(write(tmp_path, document))
    assert "merge loop: mike-pompeo → mark-esper → mike-pompeo" in " ".join(report.errors)
    assert term("mike-pompeo").merged_into is None


def test_the_loop_from_the_issue_is_refused_through_the_command(db, tmp_path):
    out = io.StringIO()
    with pytest.raises(Exception, match="refused"):
        call_command("load_vocabulary", str(loop_file(tmp_path)), stdout=out)
    assert "merge loop" in out.getvalue()


def test_a_merge_into_a_retired_term_is_refused_in_a_file(db, charlie, tmp_path):
    load_vocabulary(SEED)
    term("mark-esper").retire(by=charlie)
    document = {"actors": [{"id": "mike-pompeo", "label": "Mike Pompeo", "merged_into": "mark-esper"}]}
    report = load_vocabulary(write(tmp_path, document))
    assert "Mark Esper is retired; merge into an active term." in " ".join(report.errors)
    assert term("mike-pompeo").merged_into is None


def test_a_merge_into_a_merged_term_is_refused_by_the_verb(db, charlie):
    load_vocabulary(SEED)
    # An old database's half-done merge: merged_into set, never retired (what issue 7 saw).
    Term.objects.filter(slug="mark-esper").update(merged_into=term("donald-trump"))
    with pytest.raises(
        ValidationError, match="Mark Esper was merged into Donald Trump; merge into that term instead"
    ):
        term("mike-pompeo").merge_into(term("mark-esper"), by=charlie)


def test_import_annotations_does_not_spin_on_a_loop_an_old_database_holds(db):
    load_vocabulary(SEED)
    Term.objects.filter(slug="mike-pompeo").update(merged_into=term("mark-esper"))
    Term.objects.filter(slug="mark-esper").update(merged_into=term("mike-pompeo"))

    def too_long(signum, frame):
        raise AssertionError("following merged_into did not stop")

    previous = signal.signal(signal.SIGALRM, too_long)
    signal.alarm(10)
    try:
        found = Importer().term("mike-pompeo")
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert found.slug in {"mike-pompeo", "mark-esper"}


# --- Databases loaded before the base existed -----------------------------------------------------------


def test_the_migration_rebuilds_the_base_from_the_history(db, charlie, tmp_path):
    load_vocabulary(old_seed(tmp_path))
    curate(charlie)
    Term.objects.update(loaded_values={})  # as before migration 0005
    migration = importlib.import_module("annotations.migrations.0005_term_loaded_values")
    migration.rebuild(apps, None)

    report = load_vocabulary(SEED)

    assert report.ok, report.errors
    assert_as_the_team_left_it()
    assert term("missile-strike").code == "190"


def test_the_migration_retires_again_a_merged_term_the_old_loader_brought_back(db, charlie):
    load_vocabulary(SEED)
    term("mike-pompeo").merge_into(term("mark-esper"), by=charlie)
    Term.objects.filter(slug="mike-pompeo").update(retired_at=None)  # what the old loader did
    migration = importlib.import_module("annotations.migrations.0005_term_loaded_values")
    migration.rebuild(apps, None)
    assert term("mike-pompeo").is_retired
    assert not Alias.objects.filter(term=term("mike-pompeo")).exists()
