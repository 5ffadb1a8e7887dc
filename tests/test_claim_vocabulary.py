"""Claims and the vocabulary: the claim fields' definitions loaded with it, the updated seed's bare codes,
merging moves claims, and proposed terms that leads accept."""

from __future__ import annotations

import copy
import io
import json
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.test import Client, override_settings

from annotations.models import Change, Claim, ClaimAttribute, Refused, Span, Term
from annotations.vocabulary import export_csv, export_json, load_vocabulary, load_vocabulary_bytes
from corpus.models import Article
from tests.annotated_world import build_world, make_term
from tests.conftest import shared_path

SEED = Path(__file__).resolve().parent.parent / "annotations" / "demo" / "seed_vocabulary.json"


def seed_document() -> dict:
    return json.loads(SEED.read_text(encoding="utf-8"))


def old_seed(document: dict) -> dict:
    """The seed as it was before the clean codes: commentary inside `cameo_code`, no status or note."""
    old = copy.deepcopy(document)
    for entry in old["event_types"]:
        note = entry.pop("cameo_code_note", None)
        status = entry.pop("cameo_code_status", None)
        if entry.get("cameo_code") and (note or status == "proposal"):
            inside = "; ".join(
                part for part in ("proposal" if status == "proposal" else "", note or "") if part
            )
            entry["cameo_code"] = f"{entry['cameo_code']} ({inside})"
    return old


def load(document: dict, name: str = "seed.json"):
    return load_vocabulary_bytes(json.dumps(document).encode(), filename=name)


# --- The claim fields' definitions ---------------------------------------------------------------


def test_load_demo_loads_the_claim_fields_instead_of_skipping_them(db):
    out = io.StringIO()
    with override_settings(DEBUG=True):  # as `make run` does; load_demo refuses with DEBUG off
        call_command("load_demo", stdout=out)

    assert "skipped claim_attributes" not in out.getvalue()
    assert "claim fields 11 (magnitude not coded)" in out.getvalue()
    names = list(ClaimAttribute.objects.values_list("name", flat=True))
    assert names == [
        "speaker",
        "speaker_role",
        "attribution_type",
        "reporting_verb",
        "claim_type",
        "stance",
        "certainty",
        "hedge_cues",
        "event_modality",
        "evidence_cited",
        "contested",
    ]
    stance = ClaimAttribute.objects.get(name="stance")
    assert stance.label == "Stance" and stance.definition.startswith("Speaker's evaluative position")
    assert stance.values == ["supportive", "opposed", "neutral", "mixed"]
    assert stance.extra == {"target": "actor_id or event tag"}
    # Loading again changes nothing and says nothing new.
    again = io.StringIO()
    with override_settings(DEBUG=True):
        call_command("load_demo", stdout=again)
    assert "claim fields 11" in again.getvalue() and ClaimAttribute.objects.count() == 11


def test_a_file_that_differs_from_the_code_is_reported_and_the_code_decides(db, alice):
    document = seed_document()
    fields = document["claim_attributes"]["fields"]
    stance = next(f for f in fields if f["name"] == "stance")
    stance["values"] = ["supportive", "opposed", "hostile"]
    stance["definition"] = "Where the speaker stands."
    fields.append({"name": "mood", "type": "enum", "values": ["calm"]})

    report = load(document)

    assert report.ok
    details = "\n".join(report.details())
    assert "note: claim field “stance”: the file lists hostile, which the code does not know" in details
    assert "note: claim field “stance”: the code also knows neutral, mixed, which the file lacks" in details
    assert "note: claim field “mood” is in the file but not a field of a claim here" in details
    assert ClaimAttribute.objects.get(name="stance").definition == "Where the speaker stands."
    assert not ClaimAttribute.objects.filter(name="mood").exists()
    # The enumeration stays the code's: "hostile" is still refused.
    with pytest.raises(Refused, match="stance: “hostile” is not one of"):
        Claim.create_on(passage(alice), {"speaker_kind": "author", "stance": "hostile"}, by=alice)


def test_a_second_load_changes_only_the_definitions_the_file_changed(db):
    load(seed_document())
    before = {attribute.name: attribute for attribute in ClaimAttribute.objects.all()}
    document = seed_document()
    stance = next(f for f in document["claim_attributes"]["fields"] if f["name"] == "stance")
    stance["definition"] = "Where the speaker stands."
    stance["label"] = "Position"

    load(document)

    after = {attribute.name: attribute for attribute in ClaimAttribute.objects.all()}
    assert (after["stance"].label, after["stance"].definition) == ("Position", "Where the speaker stands.")
    assert after["stance"].updated_at > before["stance"].updated_at
    unchanged = [name for name in after if name != "stance"]
    assert len(unchanged) == 10
    assert all(after[name].updated_at == before[name].updated_at for name in unchanged)
    assert all(after[name].definition == before[name].definition for name in unchanged)


def passage(user) -> Span:
    body = "Iran vowed harsh revenge."
    article = Article.objects.create(title="Revenge", body=body, sha256=Article.hash_body(body))
    return Span.create_for(article, 0, len(body), body, by=user)


def test_the_claim_form_shows_the_definitions_as_help(alice_client, alice):
    load(seed_document())
    span = passage(alice)
    html = alice_client.get(f"/articles/{span.article_id}/claims/new/?span={span.pk}").content.decode()
    assert "How the source is identified in the text." in html  # speaker_role
    assert "Epistemic strength signalled by hedges" in html  # certainty


def test_the_claim_fields_survive_export_and_load(db, tmp_path):
    load(seed_document())
    exported = json.loads(export_json())
    assert [f["name"] for f in exported["claim_attributes"]["fields"]][:3] == [
        "speaker",
        "speaker_role",
        "attribution_type",
    ]
    ClaimAttribute.objects.all().delete()
    load(exported, "exported.json")
    assert ClaimAttribute.objects.count() == 11
    assert json.loads(export_json())["claim_attributes"] == exported["claim_attributes"]


# --- The updated seed: codes only in `code` ----------------------------------------------------------


def test_the_updated_seed_over_the_old_one_leaves_bare_codes(db):
    assert load(old_seed(seed_document())).ok
    missile = Term.objects.get(slug="missile-strike")
    assert missile.code.startswith("190 (proposal; CAMEO has no missile-specific code")  # the old shape

    report = load(seed_document())

    assert report.ok
    for term in Term.objects.events():
        assert term.code == "" or term.code.replace(".", "").isdigit(), (term.slug, term.code)
    missile.refresh_from_db()
    assert missile.code == "190"
    assert missile.mappings["cameo_code_status"] == "proposal"
    assert (
        missile.mappings["cameo_code_note"] == "CAMEO has no missile-specific code; 194/195 are alternatives"
    )
    # The CSV carries codes only; the notes stay in the term's mappings (and in the JSON export).
    assert "missile-strike,Ballistic or cruise missile strike,190," in export_csv()
    exported = {e["id"]: e for e in json.loads(export_json())["event_types"]}["missile-strike"]
    assert (exported["cameo_code"], exported["cameo_code_status"]) == ("190", "proposal")


def test_the_demo_copy_is_the_shared_updated_seed():
    shared = shared_path("vocabulary", "seed_vocabulary.json")
    if not shared.exists():
        pytest.skip(f"{shared} is not here (the shared folder of the team)")
    assert json.loads(SEED.read_text()) == json.loads(shared.read_text())


# --- Merging moves claims ----------------------------------------------------------------------------


def test_merging_a_term_moves_the_claims_that_name_it(alice, bob, charlie):
    world = build_world(alice, bob)
    duplicate = make_term("usa-2", "USA")
    spoken = Claim.create_on(world.us_kills, {"speaker_kind": "actor", "speaker": duplicate.pk}, by=alice)
    unnamed = Claim.create_on(
        world.us_kills,
        {"speaker_kind": "unnamed", "unnamed_speaker": "an aide", "speaker_group": duplicate.pk},
        by=bob,
    )
    targeted = Claim.create_on(world.us_kills, {"speaker_kind": "author", "target": duplicate.pk}, by=alice)

    duplicate.merge_into(world.usa, by=charlie)

    for claim in (spoken, unnamed, targeted):
        claim.refresh_from_db()
    assert (spoken.speaker, unnamed.speaker_group, targeted.target) == (world.usa, world.usa, world.usa)
    assert spoken.version == 1  # the coding did not change; the vocabulary did
    changes = Change.objects.filter(object_type="claim", action="update", actor=charlie).order_by("object_id")
    assert [(c.object_id, c.before, c.after) for c in changes] == [
        (spoken.pk, {"speaker": "usa-2"}, {"speaker": "usa"}),
        (unnamed.pk, {"speaker_group": "usa-2"}, {"speaker_group": "usa"}),
        (targeted.pk, {"target": "usa-2"}, {"target": "usa"}),
    ]
    merge = Change.objects.get(object_type="term", action="merge", term=duplicate)
    assert merge.after["claims_moved"] == 3


# --- Proposed terms: leads accept, merge or retire ---------------------------------------------------


@pytest.fixture
def lead(charlie):
    """charlie leads the team and holds the term-change permission that curating the vocabulary needs."""
    from django.contrib.auth.models import Permission

    charlie.user_permissions.add(
        Permission.objects.get(codename="change_term", content_type__app_label="annotations")
    )
    return charlie


def proposed(by) -> Term:
    term, _ = Term.propose("Barham Salih", "person", by=by)
    return term


def test_a_lead_accepts_a_proposed_term_and_it_is_recorded(alice, lead):
    charlie = lead
    term = proposed(alice)
    client = Client()
    client.force_login(charlie)

    response = client.post(f"/vocabulary/terms/{term.slug}/accept/", {"next": "vocabulary"})

    assert response.status_code == 302 and response["Location"] == "/vocabulary/"
    term.refresh_from_db()
    assert term.proposed is False
    change = Change.objects.get(term=term, action="update")
    assert (
        change.actor == charlie
        and change.before == {"proposed": True}
        and change.after == {"proposed": False}
    )


def test_an_analyst_cannot_accept_a_proposed_term(alice_client, alice):
    term = proposed(alice)
    response = alice_client.post(f"/vocabulary/terms/{term.slug}/accept/")
    assert response.status_code == 403
    term.refresh_from_db()
    assert term.proposed is True
    with pytest.raises(PermissionDenied):
        term.accept(by=alice)


def test_the_vocabulary_screen_lists_proposed_terms_with_the_leads_choices(alice, lead):
    charlie = lead
    term = proposed(alice)
    lead = Client()
    lead.force_login(charlie)
    html = lead.get("/vocabulary/").content.decode()
    proposed_list = html.split('id="proposed-terms"')[1].split("</section>")[0]
    assert "Barham Salih" in proposed_list and "alice" in proposed_list
    assert f"/vocabulary/terms/{term.slug}/accept/" in proposed_list
    assert f"/vocabulary/terms/{term.slug}/merge/" in proposed_list
    assert f"/vocabulary/terms/{term.slug}/retire/" in proposed_list

    analyst = Client()
    analyst.force_login(alice)
    html = analyst.get("/vocabulary/").content.decode()
    assert "Barham Salih" in html and "/accept/" not in html

    term.accept(by=charlie)
    assert 'id="proposed-terms"' not in lead.get("/vocabulary/").content.decode()


def test_a_proposed_actor_can_be_a_claims_speaker_at_once(alice, bob):
    world = build_world(alice, bob)
    term = proposed(alice)
    claim = Claim.create_on(world.us_kills, {"speaker_kind": "actor", "speaker": term.pk}, by=alice)
    assert claim.speaker == term


def test_the_seed_loads_its_claim_fields_from_the_file_path(db):
    report = load_vocabulary(SEED)
    assert report.ok and report.claim_fields == 11 and report.claim_fields_left_out == ["magnitude"]
