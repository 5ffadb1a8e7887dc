"""Claims travel with their passages: export, import into an instance with the same articles and
vocabulary, export again — identical but for ids; importing twice creates nothing twice."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from annotations.importing import import_passages
from annotations.models import Change, Claim, Span, Tag
from tests import test_export, test_import_annotations
from tests.claim_helpers import make_claim
from tests.test_claims_export import claims_export
from tests.test_export import export, mark, tag
from tests.test_import_annotations import forget_everything_but_articles_and_vocabulary

article = test_export.article
vocabulary = test_export.vocabulary
team_work = test_import_annotations.team_work


@pytest.fixture
def coded(team_work, article, alice, bob, vocabulary) -> list[Claim]:
    first = team_work[0]  # "The strike killed Qasem Soleimani near Baghdad airport." by alice
    verb_at = article.body.index("killed", first.start)
    cue_at = article.body.index("near", first.start)
    return [
        make_claim(
            first,
            alice,
            speaker=vocabulary["usa"],
            speaker_role="spokesperson_or_statement",
            attribution_type="indirect_quote_paraphrase",
            reporting_verb="killed",
            reporting_verb_start=verb_at,
            reporting_verb_end=verb_at + 6,
            claim_type="factual_assertion",
            stance="opposed",
            target=vocabulary["soleimani"],
            certainty="asserted_certain",
            hedge_cues=[{"text": "near", "start": cue_at, "end": cue_at + 4}, {"text": "not in the text"}],
            event_modality="actual",
            evidence_cited="none",
            contested=True,
            at=datetime(2026, 11, 22, 3, 14, 18, tzinfo=UTC),
        ),
        make_claim(first, bob, stance="supportive", target=vocabulary["strike"], certainty="probable"),
        make_claim(
            first, bob, stance="supportive", target=vocabulary["strike"], certainty="probable"
        ),  # twice
        make_claim(
            team_work[3],  # the Arabic passage
            bob,
            unnamed_speaker='مصدر أمني، "رفيع"',
            speaker_group=vocabulary["iran"],
            claim_type="threat",
            contested=False,
        ),
        make_claim(team_work[1], alice, unnamed_speaker="=cmd|' /C calc'!A0"),  # a formula, no group
    ]


def without_ids(text: str) -> str:
    return re.sub(r"#(span|claim)-\d+", r"#\1-N", text)


def jsonl_without_ids(text: str) -> list[dict]:
    drop = {"span_id", "claim_id", "id", "link"}

    def clean(value):
        if isinstance(value, dict):
            return {k: clean(v) for k, v in value.items() if k not in drop}
        if isinstance(value, list):
            return [clean(item) for item in value]
        return value

    return [clean(json.loads(line)) for line in without_ids(text).splitlines()]


def csv_without_ids(text: str) -> list[dict]:
    rows = csv.DictReader(io.StringIO(text, newline=""))
    return [{k: v for k, v in row.items() if k not in ("claim_id", "span_id", "link")} for row in rows]


def snapshot() -> dict[str, str]:
    return {
        "jsonl": export("jsonl"),
        "w3c-jsonl": export("w3c-jsonl"),
        "claims-csv": claims_export("claims-csv"),
        "claims-jsonl": claims_export("claims-jsonl"),
    }


def assert_same_but_ids(after: dict[str, str], before: dict[str, str]) -> None:
    for fmt in ("jsonl", "w3c-jsonl", "claims-jsonl"):
        assert jsonl_without_ids(after[fmt]) == jsonl_without_ids(before[fmt]), fmt
    assert csv_without_ids(after["claims-csv"]) == csv_without_ids(before["claims-csv"])


def test_round_trip_through_the_passage_jsonl_is_identical_apart_from_ids(coded, bob, tmp_path):
    before = snapshot()
    assert before["claims-csv"].count("\r\n") == 1 + 5
    exported = tmp_path / "set.jsonl"
    exported.write_text(before["jsonl"], encoding="utf-8")
    forget_everything_but_articles_and_vocabulary(bob)
    assert not Claim.objects.exists()

    report = import_passages(exported)

    assert (report.claims_added, report.claim_problems) == (5, [])
    assert_same_but_ids(snapshot(), before)
    imported = Claim.objects.get(reporting_verb="killed")
    body = imported.article.body
    assert body[imported.reporting_verb_start : imported.reporting_verb_end] == "killed"
    assert imported.hedge_cues[1] == {"text": "not in the text"}
    assert Change.objects.filter(object_type="claim", action="create").count() == 5


def test_round_trip_through_the_claims_jsonl(coded, bob, alice, tmp_path):
    before = snapshot()
    exported = tmp_path / "claims.jsonl"
    exported.write_text(before["claims-jsonl"], encoding="utf-8")
    forget_everything_but_articles_and_vocabulary(bob)

    report = import_passages(exported)

    # Only the passages that hold claims come back, with their tags and notes.
    assert (report.created, report.claims_added, report.claim_problems) == (3, 5, [])
    assert csv_without_ids(claims_export("claims-csv")) == csv_without_ids(before["claims-csv"])
    assert jsonl_without_ids(claims_export("claims-jsonl")) == jsonl_without_ids(before["claims-jsonl"])


def test_importing_twice_creates_no_claim_twice(coded, tmp_path):
    for fmt, text in (("jsonl", export("jsonl")), ("claims-jsonl", claims_export("claims-jsonl"))):
        path = tmp_path / f"{fmt}.jsonl"
        path.write_text(text, encoding="utf-8")
        counts = (Span.objects.count(), Tag.objects.count(), Claim.objects.count())
        for _ in range(2):
            report = import_passages(path)
            assert report.claims_added == 0 and report.created == 0
        assert (Span.objects.count(), Tag.objects.count(), Claim.objects.count()) == counts


def test_a_claim_missing_here_is_added_to_its_passage_that_is_already_there(coded, tmp_path):
    path = tmp_path / "set.jsonl"
    path.write_text(export("jsonl"), encoding="utf-8")
    Claim.objects.filter(pk=coded[2].pk).delete()  # one of the two identical claims
    report = import_passages(path)
    assert report.claims_added == 1
    assert Claim.objects.filter(span=coded[1].span, stance="supportive").count() == 2


def test_offsets_move_with_a_re_anchored_passage(coded, article, bob, tmp_path):
    records = [json.loads(line) for line in export("jsonl").splitlines()]
    for record in records:  # offsets drifted by three, as after an edit upstream of the passage
        record["start"] += 3
        record["end"] += 3
        for claim in record["claims"]:
            if claim["reporting_verb_start"] is not None:
                claim["reporting_verb_start"] += 3
                claim["reporting_verb_end"] += 3
            for cue in claim["hedge_cues"]:
                if cue.get("start") is not None:
                    cue["start"] += 3
                    cue["end"] += 3
    path = tmp_path / "drifted.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    forget_everything_but_articles_and_vocabulary(bob)

    report = import_passages(path)

    assert len(report.moved) == 5 and report.claims_added == 5
    claim = Claim.objects.get(reporting_verb="killed")
    assert article.body[claim.reporting_verb_start : claim.reporting_verb_end] == "killed"
    near = claim.hedge_cues[0]
    assert article.body[near["start"] : near["end"]] == "near"


def test_a_claim_that_cannot_be_placed_is_reported_and_its_passage_imported(coded, bob, tmp_path):
    records = [json.loads(line) for line in export("jsonl").splitlines()]
    first = next(r for r in records if r["claims"])
    first["claims"][0]["speaker_id"] = "no-such-actor"
    first["claims"][1]["stance"] = "furious"
    first["claims"][2]["speaker_kind"] = "ghost"
    path = tmp_path / "broken.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    forget_everything_but_articles_and_vocabulary(bob)

    report = import_passages(path)

    assert report.created == 5 and report.claims_added == 2
    problems = "\n".join(report.claim_problems)
    assert "no term with id “no-such-actor” for the speaker; that claim was not imported" in problems
    assert "stance: Value 'furious' is not a valid choice." in problems
    assert "“ghost” is not a speaker kind" in problems
    assert "claims not imported 3" in report.summary()


def test_command_reports_claims_and_a_dry_run_changes_nothing(coded, bob, tmp_path, capsys):
    path = tmp_path / "set.jsonl"
    path.write_text(export("jsonl"), encoding="utf-8")
    forget_everything_but_articles_and_vocabulary(bob)
    call_command("import_annotations", str(path), "--dry-run")
    assert "claims imported 5" in capsys.readouterr().out and not Claim.objects.exists()
    call_command("import_annotations", str(path))
    assert Claim.objects.count() == 5
    assert User.objects.get(username="bob").claims.count() == 3


def test_claims_of_a_passage_with_tags_come_back_with_tags(alice, article, vocabulary, tmp_path):
    span = mark(article, "Tehran vowed revenge", alice)
    tag(span, vocabulary["iran"], "source")
    make_claim(span, alice, speaker=vocabulary["iran"], claim_type="threat")
    path = tmp_path / "claims.jsonl"
    path.write_text(claims_export("claims-jsonl"), encoding="utf-8")
    Span.objects.all().delete()
    import_passages(path)
    claim = Claim.objects.get()
    assert [t.term.slug for t in claim.span.tags.all()] == ["iran"] and claim.speaker.slug == "iran"
