"""The shared vocabulary: loading and exporting files, folded search, and the verbs on Term
(aliases, merge, retire, edit), each recording its history."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from annotations.models import Alias, Change, Span, Tag, Term
from annotations.vocabulary import export_csv, export_json, load_vocabulary, load_vocabulary_bytes
from corpus.models import Article

SEED = Path(__file__).resolve().parent.parent / "annotations" / "demo" / "seed_vocabulary.json"


def build_cast():
    """The seed vocabulary, loaded once for the module's tests (tests/conftest.py `cast`). Tests that
    start from an empty vocabulary are in tests/test_vocabulary_files.py."""
    return load_vocabulary(SEED)


@pytest.fixture
def seed(cast):
    return cast.world


def term(slug: str) -> Term:
    return Term.objects.get(slug=slug)


def make_article(body: str = "Qasem Soleimani was killed near Baghdad airport.") -> Article:
    return Article.objects.create(title="An article", body=body, sha256=Article.hash_body(body))


def make_span(article: Article, user, start: int = 0, end: int = 15) -> Span:
    return Span.objects.create(
        article=article, start=start, end=end, quote=article.body[start:end], created_by=user
    )


def wipe_vocabulary() -> None:
    Change.objects.all().delete()
    Alias.objects.all().delete()
    Term.objects.update(parent=None, merged_into=None)
    Term.objects.all().delete()


# --- Loading the seed ---------------------------------------------------------------------------------


def test_seed_loads_40_actors_and_23_events(seed):
    assert seed.ok, seed.errors
    assert Term.objects.actors().count() == 40
    assert Term.objects.events().count() == 23
    assert seed.summary().startswith("actors 40, events 23: created 63, updated 0, unchanged 0")
    assert "skipped 6 related entities (not actors or events)" in seed.summary()


def test_seed_fields_land_on_the_term(seed):
    irgc = term("irgc")
    assert irgc.kind == "actor"
    assert irgc.actor_type == "organization"
    assert irgc.country == "IRN"
    assert irgc.code == "IRNMIL"
    killing = term("targeted-killing")
    assert killing.kind == "event"
    assert killing.code == "186"
    assert killing.description.startswith("Deliberate killing (or attempt) of a specific named individual")


def test_parents_are_resolved(seed):
    assert term("quds-force").parent == term("irgc")
    assert term("irgc").parent == term("iran")
    assert term("iran").parent is None
    assert {t.slug for t in term("iran").children.all()} >= {"irgc", "iran-government"}


def test_everything_else_is_kept_in_mappings(seed):
    killing = term("targeted-killing").mappings
    assert killing["acled"]["sub_event_type"] == "Air/drone strike"
    assert killing["plover"]["event"] == "ASSAULT"
    assert killing["quad"] == "material_conflict"
    assert "CAMEO 185" in killing["notes"]
    us = term("united-states").mappings
    assert us == {"cameo_code_status": "attested_phoenix_dict", "plover_sector": None}


def test_label_is_also_an_alias(seed):
    us_government = term("us-government")
    assert us_government.aliases.filter(name="US government / Trump administration").exists()
    # Event types have no aliases in the seed: their label is their one name.
    assert term("protest").alias_names() == ["Peaceful protest or rally"]


def test_shared_names_load_on_every_term_that_lists_them(seed):
    for name, slugs in {
        "Washington": {"united-states", "us-government"},
        "Tehran": {"iran", "iran-government"},
        "Baghdad": {"iraq", "iraq-government"},
    }.items():
        aliases = Alias.objects.filter(name=name)
        assert {a.term.slug for a in aliases} == slugs
        assert all(a.shared for a in aliases)
    assert Alias.objects.filter(shared=True).count() == 6
    assert "shared names 3" in seed.summary()
    assert "shared name: Washington → United States, US government / Trump administration" in seed.details()


def test_loading_twice_changes_nothing(seed):
    aliases, changes = Alias.objects.count(), Change.objects.count()
    again = load_vocabulary(SEED)
    assert again.summary().startswith(
        "actors 40, events 23: created 0, updated 0, unchanged 63; aliases added 0"
    )
    assert Alias.objects.count() == aliases
    assert Change.objects.count() == changes
    assert Term.objects.count() == 63


def test_an_updated_file_updates_labels_codes_and_adds_aliases(seed, tmp_path):
    document = json.loads(SEED.read_text())
    rouhani = next(a for a in document["actors"] if a["id"] == "hassan-rouhani")
    rouhani["label"] = "Hassan Rouhani (President of Iran)"
    rouhani["cameo_code"] = "IRNGOVPRS"
    rouhani["aliases"].append("President Rouhani")
    del document["actors"][0]  # a term missing from the file is never deleted
    path = tmp_path / "vocabulary.json"
    path.write_text(json.dumps(document), encoding="utf-8")

    report = load_vocabulary(path)

    assert report.ok, report.errors
    assert report.updated == 1 and report.unchanged == 61 and report.created == 0
    rouhani_term = term("hassan-rouhani")
    assert rouhani_term.label == "Hassan Rouhani (President of Iran)"
    assert rouhani_term.code == "IRNGOVPRS"
    names = rouhani_term.alias_names()
    assert "President Rouhani" in names and "Hassan Rouhani (President of Iran)" in names
    assert "Rohani" in names  # old aliases stay
    assert Term.objects.filter(slug="united-states").exists()
    change = Change.objects.filter(term=rouhani_term, action="update").get()
    assert change.before["label"] == "Hassan Rouhani" and change.after["code"] == "IRNGOVPRS"


def test_loading_records_history_for_created_terms(seed):
    change = Change.objects.get(term=term("qasem-soleimani"), action="create")
    assert "Loaded Qasem Soleimani" in change.summary
    assert "Qassem Soleimani" in change.after["aliases"]


def test_a_name_the_database_gives_another_term_is_refused_on_load(seed):
    data = b"kind,id,label,code,parent,aliases,description\nperson,impostor,Impostor,,,Soleimani; Imp,\n"
    report = load_vocabulary_bytes(data, filename="v.csv")
    assert report.errors == [
        "line 2 (id “impostor”): alias “Soleimani” is already an alias of Qasem Soleimani"
    ]
    assert term("impostor").alias_names() == ["Imp", "Impostor"]


# --- Export and round trips ---------------------------------------------------------------------------


def test_json_export_restores_the_seed_shape(seed):
    exported = json.loads(export_json())
    original = json.loads(SEED.read_text())
    assert len(exported["actors"]) == 40 and len(exported["event_types"]) == 23
    by_id = {entry["id"]: entry for entry in exported["actors"] + exported["event_types"]}
    for entry in original["actors"] + original["event_types"]:
        mine = by_id[entry["id"]]
        for key, value in entry.items():
            if key == "aliases":
                # Spellings that fold alike ("Khamene'i", "Khamenei") come back after the others.
                assert set(mine["aliases"]) >= set(value)
            else:
                assert mine[key] == value, (entry["id"], key)
    assert "related_entities" not in exported


def test_json_round_trip_gives_the_same_vocabulary(seed, tmp_path):
    first = export_json()
    path = tmp_path / "exported.json"
    path.write_text(first, encoding="utf-8")
    wipe_vocabulary()
    report = load_vocabulary(path)
    assert report.ok and report.created == 63
    assert export_json() == first
    assert Alias.objects.filter(shared=True).count() == 6


def test_csv_round_trip_gives_the_same_vocabulary(seed, tmp_path):
    first = export_csv()
    assert first.splitlines()[0] == "kind,id,label,code,parent,aliases,description"
    path = tmp_path / "exported.csv"
    path.write_text(first, encoding="utf-8", newline="")
    wipe_vocabulary()
    report = load_vocabulary(path)
    assert report.ok, report.errors
    assert export_csv() == first
    assert term("quds-force").parent.slug == "irgc"
    assert term("irgc").actor_type == "organization"


def test_retired_and_merged_terms_survive_the_json_round_trip(seed, alice, tmp_path, charlie):
    term("badr-organization").retire(by=charlie)
    term("hezbollah").merge_into(term("kataib-hezbollah"), by=charlie)  # odd, but allowed
    first = export_json()
    path = tmp_path / "exported.json"
    path.write_text(first, encoding="utf-8")
    wipe_vocabulary()
    load_vocabulary(path)
    assert term("badr-organization").is_retired
    assert term("hezbollah").merged_into.slug == "kataib-hezbollah"
    assert export_json() == first


# --- Search -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "slug"),
    [
        ("soleimani", "qasem-soleimani"),
        ("Qassem", "qasem-soleimani"),
        ("SOLEÏMANI", "qasem-soleimani"),
        ("Rouhani", "hassan-rouhani"),
        ("Rohani", "hassan-rouhani"),
        ("irans", "iran"),
        ("Iran's", "iran"),
        ("Iran’s", "iran"),
        ("kataib hezbollah", "kataib-hezbollah"),
        ("Kata’ib", "kataib-hezbollah"),
        ("al muhandis", "abu-mahdi-al-muhandis"),
    ],
)
def test_search_is_folded_and_puts_the_term_first(seed, query, slug):
    assert Term.objects.matching(query).first().slug == slug


def test_search_ranks_exact_then_prefix_then_contains(seed):
    results = [t.slug for t in Term.objects.matching("iran")]
    assert results[0] == "iran"  # exact alias
    # "Iranian government" starts with "iran"; "Islamic Revolutionary Guard Corps" only contains it
    assert results.index("iran-government") < results.index("irgc")
    assert len(results) == len(set(results))


def test_type_ahead_signature_gives_ranked_distinct_active_terms(seed, alice, charlie):
    term("hassan-rouhani").retire(by=charlie)
    found = list(Term.objects.active().matching("hassan")[:10])
    slugs = [t.slug for t in found]
    assert "hassan-rouhani" not in slugs
    assert slugs[0] == "hassan-nasrallah"
    assert len(slugs) == len(set(slugs))


# --- Aliases ------------------------------------------------------------------------------------------


def test_adding_a_taken_alias_is_refused_naming_the_term(seed, alice):
    with pytest.raises(ValidationError, match="“Soleimani” is already an alias of Qasem Soleimani"):
        term("esmail-qaani").add_alias("Soleimani", by=alice)
    with pytest.raises(ValidationError, match="already an alias of Qasem Soleimani"):
        term("esmail-qaani").add_alias("  QASSEM  soleimani ", by=alice)
    assert not term("esmail-qaani").aliases.filter(key="soleimani").exists()


def test_refusal_says_when_the_holder_is_retired(seed, alice, charlie):
    term("qasem-soleimani").retire(by=charlie)
    with pytest.raises(ValidationError, match=r"already an alias of Qasem Soleimani \(retired\)"):
        term("esmail-qaani").add_alias("Soleimani", by=alice)


def test_the_same_name_in_another_kind_is_fine(seed, alice):
    alias = term("protest").add_alias("Iran", by=alice)
    assert alias.kind == "event" and not alias.shared


def test_shared_override_marks_both_holders_shared(seed, alice):
    alias = term("esmail-qaani").add_alias("Soleimani", by=alice, shared=True)
    assert alias.shared
    assert Alias.objects.get(term=term("qasem-soleimani"), key="soleimani").shared
    assert Change.objects.filter(term=term("esmail-qaani"), object_type="alias", action="create").exists()
    assert Change.objects.filter(term=term("qasem-soleimani"), object_type="alias", action="update").exists()


def test_adding_an_alias_records_history(seed, alice):
    term("hassan-rouhani").add_alias("Dr. Rouhani", by=alice)
    change = Change.objects.get(term=term("hassan-rouhani"), object_type="alias")
    assert change.actor == alice and change.after == {"name": "Dr. Rouhani", "shared": False}


def test_removing_an_alias_records_it_but_the_label_stays(seed, alice, charlie):
    rouhani = term("hassan-rouhani")
    rohani = rouhani.aliases.get(name="Rohani")
    rouhani.remove_alias(rohani, by=charlie)
    assert not rouhani.aliases.filter(name="Rohani").exists()
    change = Change.objects.get(term=rouhani, object_type="alias", action="delete")
    assert change.before == {"name": "Rohani", "shared": False}
    with pytest.raises(ValidationError, match="is the label of Hassan Rouhani"):
        rouhani.remove_alias(rouhani.aliases.get(name="Hassan Rouhani"), by=charlie)


def test_removing_one_holder_of_a_shared_name_unshares_the_other(seed, alice, charlie):
    us = term("united-states")
    us.remove_alias(us.aliases.get(name="Washington"), by=charlie)
    assert not Alias.objects.get(name="Washington").shared


# --- Edit, merge, retire ------------------------------------------------------------------------------


def test_editing_records_before_and_after_and_keeps_the_new_label_as_alias(seed, alice, charlie):
    quds = term("quds-force")
    changed = quds.edit({"label": "Quds Force (IRGC-QF)", "code": "IRNMILQF"}, by=charlie)
    assert changed == {"label": "Quds Force (IRGC-QF)", "code": "IRNMILQF"}
    change = Change.objects.get(term=quds, action="update")
    assert change.before == {"label": "IRGC Quds Force", "code": "IRNMIL"}
    assert change.after["label"] == "Quds Force (IRGC-QF)"
    assert quds.aliases.filter(name="Quds Force (IRGC-QF)").exists()
    assert quds.edit({"code": "IRNMILQF"}, by=charlie) == {}


def test_editing_refuses_a_label_another_term_has_and_a_parent_loop(seed, alice, charlie):
    with pytest.raises(ValidationError, match="already an alias of Qasem Soleimani"):
        term("esmail-qaani").edit({"label": "Soleimani"}, by=charlie)
    with pytest.raises(ValidationError, match="loop"):
        term("iran").edit({"parent": term("quds-force")}, by=charlie)
    with pytest.raises(ValidationError, match="not an actor"):
        term("iran").edit({"parent": term("protest")}, by=charlie)


def test_merge_moves_tags_aliases_children_and_adds_the_label(seed, alice, bob, charlie):
    article = make_article()
    span = make_span(article, alice)
    other = make_span(article, bob, 26, 33)
    irgc, quds = term("irgc"), term("quds-force")
    guards = Term.objects.create(slug="guards-corps", kind="actor", label="Guards Corps", parent=irgc)
    guards.ensure_label_alias()
    child = Term.objects.create(slug="guards-unit", kind="actor", label="Guards unit", parent=guards)
    Tag.objects.create(span=span, term=guards, role="agent", created_by=alice)
    Tag.objects.create(span=other, term=guards, role="mentioned", created_by=bob)
    guards.add_alias("the Corps", by=alice)

    guards.merge_into(irgc, by=charlie)

    guards.refresh_from_db()
    assert guards.is_retired and guards.merged_into == irgc
    assert set(Tag.objects.filter(term=irgc).values_list("span_id", "role")) == {
        (span.pk, "agent"),
        (other.pk, "mentioned"),
    }
    assert not Tag.objects.filter(term=guards).exists()
    assert {"Guards Corps", "the Corps"} <= set(irgc.alias_names())
    child.refresh_from_db()
    assert child.parent == irgc
    assert quds.parent == irgc
    merge = Change.objects.get(term=guards, action="merge")
    assert merge.after["tags_moved"] == 2 and merge.actor == charlie
    assert Change.objects.filter(term=irgc, action="merge").exists()
    assert Change.objects.filter(span=span, object_type="tag", action="update").exists()


def test_merge_drops_a_tag_the_survivor_already_has(seed, alice, charlie):
    span = make_span(make_article(), alice)
    soleimani = term("qasem-soleimani")
    twin = Term.objects.create(slug="soleimani-twin", kind="actor", label="Haj Qasem")
    Tag.objects.create(span=span, term=soleimani, role="agent", created_by=alice)
    Tag.objects.create(span=span, term=twin, role="agent", created_by=alice)
    Tag.objects.create(span=span, term=twin, role="target", created_by=alice)

    twin.merge_into(soleimani, by=charlie)

    assert sorted(Tag.objects.filter(span=span).values_list("term__slug", "role")) == [
        ("qasem-soleimani", "agent"),
        ("qasem-soleimani", "target"),
    ]
    assert soleimani.aliases.filter(name="Haj Qasem").exists()


def test_merging_a_parent_into_its_child_puts_the_child_in_its_place(seed, alice, charlie):
    irgc, quds = term("irgc"), term("quds-force")
    irgc.merge_into(quds, by=charlie)
    quds.refresh_from_db()
    assert quds.parent == term("iran")


def test_merge_refuses_other_kinds_itself_and_retired_terms(seed, alice, charlie):
    iran = term("iran")
    with pytest.raises(ValidationError, match="same kind"):
        iran.merge_into(term("protest"), by=charlie)
    with pytest.raises(ValidationError, match="into itself"):
        iran.merge_into(iran, by=charlie)
    iraq = term("iraq")
    iraq.retire(by=charlie)
    with pytest.raises(ValidationError, match="Iraq is retired"):
        iran.merge_into(iraq, by=charlie)
    assert not term("iran").is_retired


def test_retire_hides_from_active_but_old_tags_keep_the_term(seed, alice, charlie):
    span = make_span(make_article(), alice)
    sistani = term("ali-al-sistani")
    Tag.objects.create(span=span, term=sistani, role="mentioned", created_by=alice)

    sistani.retire(by=charlie)

    assert not Term.objects.active().filter(pk=sistani.pk).exists()
    assert list(Term.objects.active().matching("sistani")) == []
    assert Tag.objects.get(span=span).term == sistani
    assert Change.objects.get(term=sistani, action="retire").actor == charlie
    sistani.unretire(by=charlie)
    assert Term.objects.active().filter(pk=sistani.pk).exists()
    assert Change.objects.filter(term=sistani, action="restore").exists()


def test_a_merged_term_cannot_be_unretired(seed, alice, charlie):
    twin = term("mike-pompeo")
    twin.merge_into(term("mark-esper"), by=charlie)
    with pytest.raises(ValidationError, match="was merged into Mark Esper"):
        twin.unretire(by=charlie)


def test_usage_counts_live_tags_on_live_passages(seed, alice):
    article = make_article()
    live, deleted = make_span(article, alice), make_span(article, alice, 26, 33)
    trump = term("donald-trump")
    Tag.objects.create(span=live, term=trump, role="agent", created_by=alice)
    Tag.objects.create(span=deleted, term=trump, role="agent", created_by=alice)
    Span.objects.filter(pk=deleted.pk).update(deleted_at="2026-01-01T00:00:00Z")
    assert Term.objects.with_usage().get(pk=trump.pk).usage == 1
    assert Term.objects.matching("trump").with_usage().get(pk=trump.pk).usage == 1
    assert trump.passages().count() == 1


def test_merging_the_two_holders_of_a_shared_name_leaves_one_unshared_alias(seed, alice, charlie):
    term("us-government").merge_into(term("united-states"), by=charlie)
    washington = Alias.objects.filter(key="washington")
    assert [(a.term.slug, a.shared) for a in washington] == [("united-states", False)]
    assert term("united-states").aliases.filter(name="US government / Trump administration").exists()
    assert term("us-military").parent == term("united-states")
    assert term("us-embassy-baghdad").parent == term("united-states")  # was under the US government
