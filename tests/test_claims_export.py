"""The claims CSV and claims JSONL, read back cell by cell with `csv` and pandas; claims inside the
passage JSONL and the W3C export."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime

import pandas as pd
import pytest

from annotations.export import CLAIM_CSV_COLUMNS, FORMATS, export_filename, stream
from annotations.models import Claim, Span
from tests import test_export, test_w3c
from tests.claim_helpers import make_claim
from tests.test_export import BASE_URL, make_article, mark, note, tag

article = test_export.article
vocabulary = test_export.vocabulary

# The column order the issue fixes, written out rather than imported: the test fails if it drifts.
ISSUE_COLUMNS = [
    *("claim_id", "span_id", "article_id", "article_title", "source", "published", "article_url", "quote"),
    *("sentence", "speaker", "speaker_id", "speaker_code", "speaker_kind", "speaker_role", "unnamed_speaker"),
    *("attribution_type", "reporting_verb", "claim_type", "stance", "target", "target_id", "target_code"),
    *("target_kind", "certainty", "hedge_cues", "event_modality", "evidence_cited", "contested", "actors"),
    *("events", "notes", "annotator", "created_at", "updated_at", "link"),
]


def claims_export(fmt: str = "claims-csv", claims=None, **options) -> str:
    claims = Claim.objects.live() if claims is None else claims
    return "".join(stream(fmt, claims, base_url=BASE_URL, **options))


def rows() -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(claims_export(), newline="")))


def frame() -> pd.DataFrame:
    return pd.read_csv(io.StringIO(claims_export(), newline=""), dtype=str, keep_default_na=False)


@pytest.fixture
def coded(article, alice, bob, vocabulary) -> dict[str, Claim]:
    """Three claims on one passage (actor, author, unnamed with a group) and one on another."""
    passage = mark(article, "The strike killed Qasem Soleimani near Baghdad airport.", alice)
    tag(passage, vocabulary["usa"], "agent")
    tag(passage, vocabulary["soleimani"], "target")
    tag(passage, vocabulary["strike"])
    tag(passage, vocabulary["quds"], "mentioned")
    note(passage, bob, 'Bob: "confirmed",\nsee wire 🔥', datetime(2026, 11, 21, 8, 0, tzinfo=UTC))
    by_actor = make_claim(
        passage,
        alice,
        speaker=vocabulary["usa"],
        speaker_role="spokesperson_or_statement",
        attribution_type="indirect_quote_paraphrase",
        reporting_verb="killed",
        reporting_verb_start=passage.start + 11,
        reporting_verb_end=passage.start + 17,
        claim_type="factual_assertion",
        stance="opposed",
        target=vocabulary["soleimani"],
        certainty="asserted_certain",
        hedge_cues=[],
        event_modality="actual",
        evidence_cited="none",
        contested=True,
        at=datetime(2026, 11, 22, 3, 14, 18, 500000, tzinfo=UTC),
    )
    by_author = make_claim(
        passage, bob, stance="supportive", target=vocabulary["strike"], certainty="probable"
    )
    unnamed = make_claim(
        passage,
        bob,
        unnamed_speaker="a senior US official",
        speaker_group=vocabulary["usa"],
        hedge_cues=[{"text": "reportedly", "start": 3, "end": 13}, {"text": "may", "start": 20, "end": 23}],
        certainty="alleged_reported",
    )
    other = mark(article, "Tehran vowed revenge", bob)
    lone = make_claim(other, bob, unnamed_speaker="Iraqi security sources", claim_type="threat")
    return {"actor": by_actor, "author": by_author, "unnamed": unnamed, "lone": lone}


# --- The claims CSV ----------------------------------------------------------------------------------


def test_claims_csv_has_the_issues_columns_in_order(coded):
    assert list(CLAIM_CSV_COLUMNS) == ISSUE_COLUMNS
    assert claims_export().split("\r\n", 1)[0].split(",") == ISSUE_COLUMNS


def test_one_row_per_live_claim_in_article_then_reading_order(coded, alice):
    deleted = make_claim(coded["actor"].span, alice, claim_type="denial")
    Claim.objects.filter(pk=deleted.pk).update(deleted_at=datetime(2026, 11, 23, tzinfo=UTC))
    assert [row["claim_id"] for row in rows()] == [
        str(coded["lone"].pk),  # "Tehran vowed revenge" comes first in the body
        str(coded["actor"].pk),
        str(coded["author"].pk),
        str(coded["unnamed"].pk),
    ]
    Span.objects.filter(pk=coded["lone"].span_id).update(deleted_at=datetime(2026, 11, 23, tzinfo=UTC))
    assert str(coded["lone"].pk) not in {row["claim_id"] for row in rows()}


def test_every_field_of_an_actors_claim_arrives_in_its_column(coded, article):
    claim = coded["actor"]
    row = next(row for row in rows() if row["claim_id"] == str(claim.pk))
    assert row == {
        "claim_id": str(claim.pk),
        "span_id": str(claim.span_id),
        "article_id": str(article.pk),
        "article_title": 'Targeted Killing, "Step" into War',
        "source": "The Limited Times",
        "published": "2020-01-03",
        "article_url": "https://example.org/soleimani",
        "quote": "The strike killed Qasem Soleimani near Baghdad airport.",
        "sentence": "The strike killed Qasem Soleimani near Baghdad airport.",
        "speaker": "United States",
        "speaker_id": "united-states",
        "speaker_code": "USA",
        "speaker_kind": "actor",
        "speaker_role": "spokesperson_or_statement",
        "unnamed_speaker": "",
        "attribution_type": "indirect_quote_paraphrase",
        "reporting_verb": "killed",
        "claim_type": "factual_assertion",
        "stance": "opposed",
        "target": "Qasem Soleimani",
        "target_id": "qasem-soleimani",
        "target_code": "IRNMIL",
        "target_kind": "actor",
        "certainty": "asserted_certain",
        "hedge_cues": "",
        "event_modality": "actual",
        "evidence_cited": "none",
        "contested": "yes",
        "actors": "United States [USA]; Qasem Soleimani [IRNMIL]; Quds Force [IRNMILQDS]",
        "events": "Air/drone strike [195]",
        "notes": 'bob (2026-11-21 08:00): Bob: "confirmed",\nsee wire 🔥',
        "annotator": "alice",
        "created_at": "2026-11-22T03:14:18Z",
        "updated_at": "2026-11-22T03:14:18Z",
        "link": f"{BASE_URL}/articles/{article.pk}/#span-{claim.span_id}",
    }


def test_the_author_speaks_with_the_by_line_or_else_the_outlet(coded, article):
    by_id = {row["claim_id"]: row for row in rows()}
    row = by_id[str(coded["author"].pk)]
    assert (row["speaker"], row["speaker_id"], row["speaker_code"], row["speaker_kind"]) == (
        "The Limited Times",
        "",
        "",
        "author",
    )
    assert (row["stance"], row["target"], row["target_kind"], row["target_code"]) == (
        "supportive",
        "Air/drone strike",
        "event",
        "195",
    )
    assert row["contested"] == "no"
    article.authors = "Andrei Suchkov; Jane Roe"
    article.save()
    assert {r["claim_id"]: r for r in rows()}[str(coded["author"].pk)][
        "speaker"
    ] == "Andrei Suchkov; Jane Roe"


def test_an_unnamed_source_speaks_for_its_actor_or_else_in_its_own_words(coded):
    by_id = {row["claim_id"]: row for row in rows()}
    grouped = by_id[str(coded["unnamed"].pk)]
    assert [
        grouped[c] for c in ("speaker", "speaker_id", "speaker_code", "speaker_kind", "unnamed_speaker")
    ] == [
        "United States",
        "united-states",
        "USA",
        "unnamed",
        "a senior US official",
    ]
    assert grouped["hedge_cues"] == "reportedly; may"
    lone = by_id[str(coded["lone"].pk)]
    assert [
        lone[c] for c in ("speaker", "speaker_id", "speaker_code", "speaker_kind", "unnamed_speaker")
    ] == [
        "Iraqi security sources",
        "",
        "",
        "unnamed",
        "Iraqi security sources",
    ]
    assert (lone["target"], lone["target_id"], lone["actors"], lone["events"]) == ("", "", "", "")


AWKWARD = {
    # quote in the body: (unnamed speaker, reporting verb, hedge cue, note)
    'Officials said "this is an act of war", and markets': (
        'officials, "senior" ones',
        "said,\nquietly",
        'cue, "quoted"',
        "comma, newline\r\nCRLF",
    ),
    "🔥": ("emoji 🔥👍🏽 source 👩‍🔬", "vowed 🔥", "🔥", "emoji 🔥"),
    "قال المتحدث إن الرد سيكون قاسياً.": ("المتحدث, العسكري", "قال", "ربما", "نص عربي"),
    "אמר הדובר כי התגובה תהיה קשה.": ("הדובר\nהצבאי", "אמר", "אולי", "עברית"),
    "=SUM(A1:A9)": ("=HYPERLINK(1)", "+warned", "-maybe", "@channel"),
}


@pytest.fixture
def awkward(article, alice) -> dict[str, Claim]:
    claims = {}
    for quote, (speaker, verb, cue, text) in AWKWARD.items():
        span = mark(article, quote, alice)
        note(span, alice, text)
        claims[quote] = make_claim(
            span, alice, unnamed_speaker=speaker, reporting_verb=verb, hedge_cues=[{"text": cue}]
        )
    return claims


def expected(quote: str) -> dict[str, str]:
    speaker, verb, cue, text = AWKWARD[quote]

    def defused(value: str) -> str:
        return "'" + value if value[:1] in "=+-@" else value

    return {
        "quote": defused(quote),
        "speaker": defused(speaker),
        "unnamed_speaker": defused(speaker),
        "reporting_verb": defused(verb),
        "hedge_cues": defused(cue),
        "notes": f"alice (2026-11-20 09:30): {text}",
    }


def test_awkward_text_reads_back_cell_by_cell_with_python_csv(awkward):
    by_id = {row["claim_id"]: row for row in rows()}
    assert len(by_id) == len(AWKWARD)
    for quote, claim in awkward.items():
        row = by_id[str(claim.pk)]
        assert {column: row[column] for column in expected(quote)} == expected(quote)
        assert row["span_id"] == str(claim.span_id)  # numbers are never neutralised


def test_awkward_text_reads_back_cell_by_cell_with_pandas(awkward):
    table = frame()
    assert list(table.columns) == ISSUE_COLUMNS
    for quote, claim in awkward.items():
        row = table[table["claim_id"] == str(claim.pk)].iloc[0]
        assert {column: row[column] for column in expected(quote)} == expected(quote)


def test_claims_csv_is_rfc_4180_and_the_bom_is_optional(awkward):
    text = claims_export()
    assert text.endswith("\r\n") and not text.startswith("\ufeff")
    assert '"said,\nquietly"' in text and '"officials, ""senior"" ones"' in text
    with_bom = claims_export(bom=True)
    assert with_bom.startswith("\ufeffclaim_id,") and with_bom.count("\ufeff") == 1
    table = pd.read_csv(io.BytesIO(with_bom.encode()), dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert table.columns[0] == "claim_id" and len(table) == len(AWKWARD)


def test_reading_in_small_chunks_gives_the_same_file(coded, alice):
    for _ in range(5):
        make_claim(coded["actor"].span, alice, claim_type="prediction")
    whole = claims_export()
    assert "".join(stream("claims-csv", Claim.objects.live(), base_url=BASE_URL, chunk_size=2)) == whole
    assert whole.count("\r\n") == 1 + 4 + 5


def test_an_empty_set_is_just_the_header(db):
    assert claims_export() == ",".join(ISSUE_COLUMNS) + "\r\n"


# --- Claims JSONL ------------------------------------------------------------------------------------


def test_claims_jsonl_has_one_typed_line_per_claim_with_its_passage(coded, article):
    lines = [json.loads(line) for line in claims_export("claims-jsonl").splitlines()]
    assert [line["claim_id"] for line in lines] == [int(row["claim_id"]) for row in rows()]
    unnamed = next(line for line in lines if line["claim_id"] == coded["unnamed"].pk)
    assert unnamed["format"] == "marginalia-claims/1"
    assert unnamed["hedge_cues"] == [
        {"text": "reportedly", "start": 3, "end": 13},
        {"text": "may", "start": 20, "end": 23},
    ]
    assert unnamed["contested"] is False
    assert (unnamed["speaker_kind"], unnamed["speaker_id"], unnamed["unnamed_speaker"]) == (
        "unnamed",
        "united-states",
        "a senior US official",
    )
    assert unnamed["article_sha256"] == article.sha256
    passage = unnamed["passage"]
    assert article.body[passage["start"] : passage["end"]] == passage["quote"]
    assert {term["id"] for term in passage["terms"]} == {
        "united-states",
        "qasem-soleimani",
        "air-strike",
        "quds-force",
    }
    actor = next(line for line in lines if line["claim_id"] == coded["actor"].pk)
    assert (actor["reporting_verb"], actor["reporting_verb_start"], actor["reporting_verb_end"]) == (
        "killed",
        coded["actor"].reporting_verb_start,
        coded["actor"].reporting_verb_end,
    )
    assert article.body[actor["reporting_verb_start"] : actor["reporting_verb_end"]] == "killed"
    assert actor["contested"] is True and actor["notes"][0]["author"] == "bob"


# --- Claims inside the passage exports -----------------------------------------------------------------


def test_passage_jsonl_carries_its_claims(coded):
    lines = [
        json.loads(line)
        for line in "".join(stream("jsonl", Span.objects.live(), base_url=BASE_URL)).splitlines()
    ]
    by_span = {line["span_id"]: line for line in lines}
    claims = by_span[coded["actor"].span_id]["claims"]
    assert [claim["claim_id"] for claim in claims] == [coded[k].pk for k in ("actor", "author", "unnamed")]
    assert claims[0]["speaker_id"] == "united-states" and claims[0]["target_id"] == "qasem-soleimani"
    assert claims[1]["speaker"] == "The Limited Times" and claims[1]["speaker_kind"] == "author"
    assert by_span[coded["lone"].span_id]["claims"][0]["claim_type"] == "threat"


def test_passage_csv_is_unchanged_by_claims(coded):
    text = "".join(stream("csv", Span.objects.live(), base_url=BASE_URL))
    assert text.split("\r\n", 1)[0].split(",") == list(test_export.CSV_COLUMNS)
    assert "a senior US official" not in text


@test_w3c.needs_suite
def test_w3c_annotations_with_claims_still_pass_every_must_assertion(coded, bob):
    bare = mark(make_article(body="Nothing coded here at all.", title="Bare"), "Nothing", bob)
    make_claim(bare, bob)  # the author, nothing else coded
    annotations = test_w3c.w3c_lines()
    assert len(annotations) == 3
    for annotation in annotations:
        assert test_w3c.failures(annotation, "annotations/annotationMusts.test") == [], annotation["id"]
    collection = test_w3c.collection()
    assert test_w3c.failures(collection, "collections/collectionMusts.test") == []


def test_w3c_claim_bodies_carry_the_coded_fields(coded, article):
    annotation = next(a for a in test_w3c.w3c_lines() if a["id"].endswith(f"#span-{coded['actor'].span_id}"))
    claims = [body for body in annotation["body"] if body.get("type") == "Claim"]
    assert len(claims) == 3
    first = claims[0]
    assert first["id"] == f"{BASE_URL}/articles/{article.pk}/#claim-{coded['actor'].pk}"
    assert "purpose" not in first  # an External Web Resource body has none
    assert first["speaker"] == {
        "id": f"{BASE_URL}/vocabulary/terms/united-states/",
        "label": "United States",
        "kind": "actor",
    }
    assert first["stance"] == "opposed" and first["stance_target"]["label"] == "Qasem Soleimani [IRNMIL]"
    assert first["contested"] is True and first["creator"]["nickname"] == "alice"
    assert claims[2]["hedge_cues"] == ["reportedly", "may"]
    context = annotation["@context"][1]
    assert context["stance_target"] == "marginalia:stance_target" and context["Claim"] == "marginalia:Claim"


# --- File names --------------------------------------------------------------------------------------


def test_every_download_of_one_set_on_one_day_has_its_own_file_name():
    day = datetime(2026, 11, 22).date()
    names = [export_filename(fmt, "IRGC agents", day) for fmt in FORMATS]
    names += [export_filename(fmt, "IRGC agents", day, bom=True) for fmt in FORMATS if FORMATS[fmt].is_csv]
    assert len(set(names)) == len(names)
    assert export_filename("csv", "IRGC agents", day) == "marginalia-irgc-agents-2026-11-22.csv"
    assert (
        export_filename("csv", "IRGC agents", day, bom=True) == "marginalia-irgc-agents-2026-11-22-excel.csv"
    )
    assert export_filename("claims-csv", None, day) == "marginalia-all-2026-11-22-claims.csv"
    assert export_filename("claims-csv", None, day, bom=True) == "marginalia-all-2026-11-22-claims-excel.csv"
    assert export_filename("claims-jsonl", None, day) == "marginalia-all-2026-11-22-claims.jsonl"
    assert export_filename("jsonl", None, day, bom=True) == "marginalia-all-2026-11-22.jsonl"  # JSON: no BOM
