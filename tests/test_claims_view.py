"""The Claims view of the Annotations screen, its downloads, saved claims sets and the command line."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from annotations.models import SavedSet
from tests.annotated_world import build_world
from tests.claim_helpers import build_claims, make_claim

LIST = reverse("annotations:annotation-list")
EXPORT = reverse("annotations:export")
SAVE = reverse("annotations:save-set")


def build_cast(alice, bob):
    """Built once for the module's tests (tests/conftest.py `cast`)."""
    return build_world(alice, bob)


@pytest.fixture
def world(cast):
    return cast.world


@pytest.fixture
def claims(world, alice, bob):
    return build_claims(world, alice, bob)


def read_csv(response) -> list[dict[str, str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_claims_view_lists_every_live_claim_with_speaker_stance_and_target(alice_client, claims):
    response = alice_client.get(LIST, {"view": "claims"})
    assert response.status_code == 200
    html = response.content.decode()
    assert '<strong id="claim-count">5 claims</strong>' in html
    for claim in (claims.usa_on_soleimani, claims.us_official, claims.iraqi_sources):
        assert f'id="claim-{claim.pk}"' in html
    assert f'id="claim-{claims.deleted.pk}"' not in html
    assert f'id="claim-{claims.on_deleted_passage.pk}"' not in html
    row = html[html.index(f'id="claim-{claims.usa_on_soleimani.pk}"') :]
    row = row[: row.index("</tr>")]
    assert 'class="speaker speaker-actor">United States</span>' in row
    assert 'class="stance stance-opposed">opposed</span>' in row
    assert 'class="term term-actor">Qasem Soleimani</span>' in row
    assert "The United States killed Soleimani</mark>" in row and "<strong>Contested</strong>" in row
    assert "Author: FRANCE 24" in html  # the author of an article without a by-line: its outlet
    assert "“a senior US official” (United States)" in html
    # The view switch keeps the filter; the form knows it is the claims view.
    assert 'aria-current="page">Claims</a>' in html
    assert '<input type="hidden" name="view" value="claims">' in html


def test_passages_view_is_unchanged_by_default(alice_client, claims):
    html = alice_client.get(LIST).content.decode()
    assert "4 passages" in html and 'id="claim-count"' not in html and 'name="stance"' not in html
    assert f'href="{LIST}?view=claims"' in html


def test_switching_view_carries_the_passages_filter_over(alice_client, claims):
    html = alice_client.get(
        LIST, {"view": "claims", "source": "tablet", "stance": "opposed"}
    ).content.decode()
    assert f'href="{LIST}?source=tablet"' in html  # back to passages: the claim filter stays behind
    html = alice_client.get(LIST, {"source": "tablet"}).content.decode()
    assert f'href="{LIST}?view=claims&amp;source=tablet"' in html


def test_filter_narrows_the_claims_and_the_form_shows_it(alice_client, claims):
    html = alice_client.get(LIST, {"view": "claims", "speaker": "irgc", "stance": "opposed"}).content.decode()
    assert "1 claim<" in html
    assert (
        f'id="claim-{claims.quds_threat.pk}"' in html
        and f'id="claim-{claims.usa_on_soleimani.pk}"' not in html
    )
    assert '<option value="irgc" selected>' in html and '<option value="opposed" selected>' in html


def test_htmx_gets_the_results_and_a_canonical_url(alice_client, claims):
    response = alice_client.get(
        LIST,
        {"view": "claims", "stance": "opposed", "q": "", "sort": "-created"},
        headers={"HX-Request": "true"},
    )
    assert "<html" not in response.content.decode() and "2 claims" in response.content.decode()
    assert response["HX-Push-Url"] == f"{LIST}?view=claims&stance=opposed&sort=-created"


@pytest.mark.parametrize(
    "params, label, message",
    [
        ({"stance": "angry"}, "Stance", "“angry” is not a stance"),
        ({"speaker": "nobody"}, "Speaker", "No actor with id “nobody” in the vocabulary."),
        ({"contested": "maybe"}, "Contested", "“maybe” is not yes or no."),
        ({"target": "hezbolah"}, "Target", "No term with id “hezbolah”"),
    ],
)
def test_bad_claim_filter_is_a_400_naming_the_field_with_the_screen_kept(
    alice_client, claims, params, label, message
):
    response = alice_client.get(LIST, {"view": "claims", **params})
    assert response.status_code == 400
    html = response.content.decode().replace("&ldquo;", "“").replace("&rdquo;", "”")
    # The screen names the field as its label does; the download's 400 names the parameter.
    assert f"<strong>{label}</strong>: {message}" in html
    assert 'id="span-filter"' in html  # the screen is still there to fix it
    htmx = alice_client.get(LIST, {"view": "claims", **params}, headers={"HX-Request": "true"})
    assert htmx.status_code == 400 and "HX-Push-Url" not in htmx


def test_claim_parameter_on_the_passages_view_is_a_400(alice_client, claims):
    response = alice_client.get(LIST, {"stance": "opposed"})
    assert response.status_code == 400
    assert "stance filters claims: add view=claims" in response.content.decode()


def test_an_unknown_view_is_a_400(alice_client, claims):
    response = alice_client.get(LIST, {"view": "tables"})
    assert response.status_code == 400
    assert "is not a view; use passages or claims." in response.content.decode()


def test_claims_view_makes_a_fixed_number_of_queries(
    alice_client, world, claims, alice, django_assert_max_num_queries
):
    for number in range(60):
        make_claim(
            world.us_kills,
            alice,
            speaker=world.usa,
            target=world.irgc,
            stance="opposed",
            hedge_cues=[{"text": f"cue {number}"}],
        )
    with django_assert_max_num_queries(20):
        response = alice_client.get(LIST, {"view": "claims"})
    assert "65 claims" in response.content.decode()


def test_downloads_on_the_claims_view_carry_the_filter(alice_client, claims):
    html = alice_client.get(LIST, {"view": "claims", "stance": "opposed"}).content.decode()
    assert f'href="{EXPORT}?format=claims-csv&amp;view=claims&amp;stance=opposed"' in html
    assert f'href="{EXPORT}?format=claims-csv&amp;bom=1&amp;view=claims&amp;stance=opposed"' in html
    assert f'href="{EXPORT}?format=claims-jsonl&amp;view=claims&amp;stance=opposed"' in html


# --- The download view -------------------------------------------------------------------------------


def test_claims_csv_download_has_exactly_the_filtered_claims(alice_client, claims):
    response = alice_client.get(EXPORT, {"format": "claims-csv", "view": "claims", "speaker": "unnamed"})
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].endswith('-claims.csv"')
    rows = read_csv(response)
    assert {int(row["claim_id"]) for row in rows} == {claims.us_official.pk, claims.iraqi_sources.pk}
    assert {row["link"] for row in rows} == {
        f"http://testserver/articles/{claims.us_official.article_id}/#span-{claims.us_official.span_id}"
    }


def test_claims_csv_for_excel_has_a_bom_and_a_name_of_its_own(alice_client, claims):
    plain = alice_client.get(EXPORT, {"format": "claims-csv"})
    excel = alice_client.get(EXPORT, {"format": "claims-csv", "bom": "1"})
    assert b"".join(excel.streaming_content).startswith("\ufeffclaim_id,".encode())
    assert excel["Content-Disposition"].endswith('-claims-excel.csv"')
    assert plain["Content-Disposition"] != excel["Content-Disposition"]
    passages_plain = alice_client.get(EXPORT, {"format": "csv"})["Content-Disposition"]
    passages_excel = alice_client.get(EXPORT, {"format": "csv", "bom": "1"})["Content-Disposition"]
    assert passages_excel.endswith('-excel.csv"') and passages_plain != passages_excel


def test_claims_jsonl_download(alice_client, claims):
    response = alice_client.get(EXPORT, {"format": "claims-jsonl", "contested": "yes"})
    assert response["Content-Type"].startswith("application/jsonl")
    lines = [json.loads(line) for line in b"".join(response.streaming_content).decode().splitlines()]
    assert {line["claim_id"] for line in lines} == {claims.usa_on_soleimani.pk, claims.us_official.pk}


def test_bad_claim_filter_on_download_is_a_400_naming_it(alice_client, claims):
    response = alice_client.get(EXPORT, {"format": "claims-csv", "stance": "angry"})
    assert response.status_code == 400
    assert "stance: “angry” is not a stance" in response.content.decode()


def test_passage_format_of_a_claims_filter_is_refused_clearly(alice_client, claims):
    response = alice_client.get(EXPORT, {"format": "csv", "view": "claims", "stance": "opposed"})
    assert response.status_code == 400
    assert (
        "selects claims (view=claims); export it as claims-csv or claims-jsonl" in response.content.decode()
    )


# --- Saved claims sets -----------------------------------------------------------------------------------


def test_a_claims_set_is_saved_from_the_claims_view_and_knows_it(alice_client, claims, alice):
    response = alice_client.post(
        SAVE, {"name": "Opposed", "query": "view=claims&stance=opposed&q=&sort=created"}
    )
    saved = SavedSet.objects.get()
    assert saved.query == "view=claims&stance=opposed" and saved.is_claims
    assert response["Location"] == f"{LIST}?view=claims&stance=opposed"
    page = alice_client.get(response["Location"]).content.decode()
    assert "2 claims" in page
    assert f"format=claims-csv&amp;set={saved.pk}" in page  # the saved set's own download
    assert saved.in_words() == "stance Opposed"


def test_a_claims_set_with_a_bad_filter_is_not_saved(alice_client, claims):
    response = alice_client.post(SAVE, {"name": "Bad", "query": "view=claims&stance=angry"})
    assert response.status_code == 400 and not SavedSet.objects.exists()
    assert "The filter has errors" in response.content.decode()


def test_a_saved_claims_set_exports_what_matches_now(alice_client, world, claims, alice):
    saved = SavedSet.objects.create(owner=alice, name="IRGC claims", query="view=claims&speaker=irgc")
    rows = read_csv(alice_client.get(EXPORT, {"format": "claims-csv", "set": saved.pk}))
    assert [int(row["claim_id"]) for row in rows] == [claims.quds_threat.pk]
    later = make_claim(world.us_kills, alice, speaker=world.irgc, stance="supportive")
    assert set(saved.claims().values_list("pk", flat=True)) == {claims.quds_threat.pk, later.pk}
    response = alice_client.get(EXPORT, {"format": "claims-csv", "set": saved.pk})
    assert response["Content-Disposition"].startswith('attachment; filename="marginalia-irgc-claims-')
    assert {int(row["claim_id"]) for row in read_csv(response)} == {claims.quds_threat.pk, later.pk}
    refused = alice_client.get(EXPORT, {"format": "csv", "set": saved.pk})
    assert refused.status_code == 400 and "The set “IRGC claims” selects claims" in refused.content.decode()


# --- export_annotations --format claims-csv|claims-jsonl ----------------------------------------------------


def run_export(tmp_path: Path, *args: str) -> list[dict[str, str]]:
    out = tmp_path / "claims.csv"
    call_command("export_annotations", "--format", "claims-csv", "--output", str(out), *args)
    with open(out, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_command_exports_claims_with_every_filter(tmp_path, claims):
    assert {int(r["claim_id"]) for r in run_export(tmp_path)} == claims.live
    assert [int(r["claim_id"]) for r in run_export(tmp_path, "--speaker", "irgc", "--stance", "opposed")] == [
        claims.quds_threat.pk
    ]
    rows = run_export(tmp_path, "--speaker", "author", "--speaker", "unnamed:usa", "--source", "FRANCE 24")
    assert [int(r["claim_id"]) for r in rows] == [claims.author_on_strike.pk]
    rows = run_export(tmp_path, "--target", "use-of-force", "--certainty", "possible", "--contested", "no")
    assert [int(r["claim_id"]) for r in rows] == [claims.author_on_strike.pk]
    rows = run_export(tmp_path, "--claim-type", "prediction", "--speaker-role", "unnamed_official", "--bom")
    assert [int(r["claim_id"]) for r in rows] == [claims.us_official.pk]
    assert (tmp_path / "claims.csv").read_bytes().startswith("\ufeff".encode())
    rows = run_export(
        tmp_path, "--attribution", "direct_quote", "--modality", "actual", "--evidence", "named_evidence"
    )
    assert [int(r["claim_id"]) for r in rows] == [claims.usa_on_soleimani.pk]


def test_command_exports_a_saved_claims_set_as_jsonl(tmp_path, claims, alice):
    SavedSet.objects.create(owner=alice, name="Contested", query="view=claims&contested=yes")
    out = tmp_path / "contested.jsonl"
    call_command("export_annotations", "--format", "claims-jsonl", "--set", "Contested", "--output", str(out))
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert {line["claim_id"] for line in lines} == {claims.usa_on_soleimani.pk, claims.us_official.pk}


def test_command_refuses_mixing_claims_and_passages(tmp_path, claims, alice):
    with pytest.raises(CommandError, match="--stance filter claims; export claims with --format claims-csv"):
        call_command(
            "export_annotations", "--format", "csv", "--stance", "opposed", "--output", str(tmp_path / "x")
        )
    SavedSet.objects.create(owner=alice, name="Contested", query="view=claims&contested=yes")
    with pytest.raises(CommandError, match="The set “Contested” selects claims"):
        call_command(
            "export_annotations", "--format", "csv", "--set", "Contested", "--output", str(tmp_path / "x")
        )
    SavedSet.objects.create(owner=alice, name="Passages", query="term=irgc")
    with pytest.raises(CommandError, match="The set “Passages” selects passages"):
        call_command("export_annotations", "--format", "claims-csv", "--set", "Passages")


def test_command_names_a_bad_claim_filter(claims):
    with pytest.raises(CommandError, match="Bad filter: speaker: No actor with id “nobody”"):
        call_command("export_annotations", "--format", "claims-csv", "--speaker", "nobody")


def test_an_empty_result_says_so_with_a_zero_count(alice_client, claims):
    html = alice_client.get(LIST, {"view": "claims", "stance": "mixed"}).content.decode()
    assert '<strong id="claim-count">0 claims</strong>' in html and "No claim matches this filter." in html
    html = alice_client.get(LIST, {"q": "no such words anywhere"}).content.decode()
    assert "0 passages" in html and "No passage matches this filter." in html


def test_an_analyst_who_only_coded_claims_can_be_chosen(alice_client, world, claims, django_user_model):
    dora = django_user_model.objects.create_user("dora", "dora@example.org", "x")
    make_claim(world.untagged, dora, stance="mixed")
    html = alice_client.get(LIST, {"view": "claims"}).content.decode()
    assert '<option value="dora">dora</option>' in html
    assert "1 claim<" in alice_client.get(LIST, {"view": "claims", "analyst": "dora"}).content.decode()
