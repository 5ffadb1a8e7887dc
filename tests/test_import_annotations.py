"""Import back: re-anchoring, the round trip JSONL → import → JSONL, and nothing silently lost."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from annotations.anchoring import Anchor, reanchor
from annotations.importing import import_passages
from annotations.models import Change, Note, Span, Tag
from tests import test_export
from tests.test_export import BASE_URL, export, make_article, mark, note, tag

article = test_export.article
vocabulary = test_export.vocabulary

# --- Re-anchoring --------------------------------------------------------------------------------

TEXT = "Iran said no. Then Iran said yes, and later Iran said maybe. 🔥 Iran said nothing."


def test_offsets_that_still_hold_the_quote_are_kept():
    start = TEXT.index("Then Iran")
    assert reanchor(TEXT, "Then Iran", "", "", start, start + 9) == Anchor(start, start + 9, "exact")


def test_a_unique_quote_at_the_wrong_offsets_is_moved_to_where_it_is():
    start = TEXT.index("maybe")
    assert reanchor(TEXT, "maybe", "", "", 3, 8) == Anchor(start, start + 5, "moved")


def test_prefix_and_suffix_choose_between_occurrences_even_against_the_nearer_one():
    third = TEXT.index("and later Iran") + len("and later ")
    anchor = reanchor(TEXT, "Iran said", "yes, and later ", " maybe", 1, 10)
    assert anchor == Anchor(third, third + len("Iran said"), "moved")
    assert TEXT[anchor.start : anchor.end] == "Iran said"


def test_without_context_the_occurrence_nearest_the_old_offset_wins():
    last = TEXT.rindex("Iran said")
    anchor = reanchor(TEXT, "Iran said", "", "", last + 3, last + 12)
    assert anchor == Anchor(last, last + 9, "moved")


def test_offsets_are_code_points_so_emoji_do_not_shift_them():
    start = TEXT.index("🔥 Iran")
    assert reanchor(TEXT, "🔥 Iran", "", "", start, start + 6).status == "exact"
    # a UTF-16 offset (the emoji counted twice) is one too far: found again by quote
    assert reanchor(TEXT, "nothing", "", "", TEXT.index("nothing") + 1, TEXT.index("nothing") + 8) == Anchor(
        TEXT.index("nothing"), TEXT.index("nothing") + 7, "moved"
    )


def test_a_quote_no_longer_in_the_text_is_orphaned_with_its_old_offsets():
    assert reanchor(TEXT, "Iraq said", "", "", 5, 14) == Anchor(5, 14, "orphaned")
    assert reanchor(TEXT, "", "", "", 5, 14).status == "orphaned"


# --- The round trip --------------------------------------------------------------------------------


@pytest.fixture
def team_work(article, alice, bob, vocabulary) -> list[Span]:
    first = mark(article, "The strike killed Qasem Soleimani near Baghdad airport.", alice)
    tag(first, vocabulary["usa"], "agent")
    tag(first, vocabulary["soleimani"], "target")
    tag(first, vocabulary["strike"])
    note(first, bob, 'Bob: "confirmed",\nsee wire 🔥', datetime(2026, 11, 21, 8, 0, tzinfo=UTC))
    note(first, alice, "Alice agrees", datetime(2026, 11, 21, 9, 15, tzinfo=UTC))
    formula = mark(article, "=SUM(A1:A9)", bob)
    tag(formula, vocabulary["nocode"], "mentioned")
    minus = mark(article, "-5 degrees", bob)
    arabic = mark(article, "قال المتحدث", alice)
    tag(arabic, vocabulary["iran"], "source")
    note(arabic, alice, "نص عربي")
    other = make_article(body="Another article, about Quds Force moves.", title="Second", url="")
    quds = mark(other, "Quds Force", bob)
    tag(quds, vocabulary["quds"], "agent")
    return [first, formula, minus, arabic, quds]


def without_ids(records: list[dict]) -> list[dict]:
    return [{k: v for k, v in r.items() if k not in ("span_id", "link", "id")} for r in records]


def jsonl_records(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines()]


def csv_without_ids(text: str) -> list[dict]:
    return without_ids(list(csv.DictReader(io.StringIO(text, newline=""))))


def forget_everything_but_articles_and_vocabulary(*users: User) -> None:
    """As on an instance that has the same articles and vocabulary and none of the passages."""
    Change.objects.all().delete()
    Span.objects.all().delete()
    for user in users:
        user.delete()


def test_round_trip_jsonl_import_export_is_identical_apart_from_ids(team_work, bob, tmp_path):
    before = {fmt: export(fmt) for fmt in ("jsonl", "csv", "csv-long", "w3c-jsonl")}
    exported = tmp_path / "set.jsonl"
    exported.write_text(before["jsonl"], encoding="utf-8")
    forget_everything_but_articles_and_vocabulary(bob)
    assert export("csv").count("\r\n") == 1

    report = import_passages(exported)

    assert (report.created, report.moved, report.orphaned, report.unplaced) == (5, [], [], [])
    assert report.new_analysts == ["bob"]
    assert without_ids(jsonl_records(export("jsonl"))) == without_ids(jsonl_records(before["jsonl"]))
    assert csv_without_ids(export("csv")) == csv_without_ids(before["csv"])
    assert csv_without_ids(export("csv-long")) == csv_without_ids(before["csv-long"])
    assert without_ids(jsonl_records(export("w3c-jsonl"))) == without_ids(jsonl_records(before["w3c-jsonl"]))


def test_unknown_analysts_are_created_inactive_without_a_usable_password(team_work, bob, tmp_path):
    exported = tmp_path / "set.jsonl"
    exported.write_text(export("jsonl"), encoding="utf-8")
    forget_everything_but_articles_and_vocabulary(bob)
    import_passages(exported)
    bob = User.objects.get(username="bob")
    assert not bob.is_active and not bob.has_usable_password()
    assert Span.objects.filter(created_by=bob).count() == 3
    assert Note.objects.get(text__startswith="Bob:").author == bob


def test_importing_the_same_file_twice_creates_nothing_twice(team_work, tmp_path):
    exported = tmp_path / "set.jsonl"
    exported.write_text(export("jsonl"), encoding="utf-8")
    counts = (Span.objects.count(), Tag.objects.count(), Note.objects.count())
    report = import_passages(exported)
    assert (report.created, report.already_there, report.tags_added, report.notes_added) == (0, 5, 0, 0)
    again = import_passages(exported)
    assert again.already_there == 5
    assert (Span.objects.count(), Tag.objects.count(), Note.objects.count()) == counts


def test_import_records_history_of_what_it_created(team_work, bob, tmp_path):
    exported = tmp_path / "set.jsonl"
    exported.write_text(export("jsonl"), encoding="utf-8")
    forget_everything_but_articles_and_vocabulary(bob)
    import_passages(exported)
    assert Change.objects.filter(object_type="span", action="create").count() == 5
    assert Change.objects.filter(object_type="tag", action="create").count() == Tag.objects.count()


def test_long_csv_imports_passages_and_tags_with_formula_guards_undone(team_work, bob, tmp_path):
    before = export("csv-long")
    assert "'=SUM(A1:A9)" in before and "'-5 degrees" in before
    exported = tmp_path / "set.csv"
    exported.write_text(before, encoding="utf-8")
    forget_everything_but_articles_and_vocabulary(bob)

    report = import_passages(exported)

    assert (report.created, report.unplaced) == (5, [])
    assert set(Span.objects.values_list("quote", flat=True)) >= {"=SUM(A1:A9)", "-5 degrees"}
    assert csv_without_ids(export("csv-long")) == csv_without_ids(before)
    # the long form has no notes: JSONL is the form that carries them
    assert Note.objects.count() == 0


def test_the_wide_csv_is_refused_with_a_pointer_to_the_long_one(team_work, tmp_path):
    exported = tmp_path / "wide.csv"
    exported.write_text(export("csv"), encoding="utf-8")
    with pytest.raises(CommandError, match="one-row-per-passage CSV.*csv-long"):
        call_command("import_annotations", str(exported), stdout=io.StringIO())


# --- What cannot be placed is reported and kept --------------------------------------------------------


def passage_line(article, **changes) -> str:
    record = {
        "format": "marginalia-passages/1",
        "article_sha256": article.sha256,
        "article_title": article.title,
        "start": 0,
        "end": 6,
        "quote": "Tehran",
        "prefix": "",
        "suffix": " vowed revenge",
        "annotator": "dora",
        "created_at": "2026-11-20T10:00:00Z",
        "updated_at": "2026-11-20T10:00:00Z",
        "terms": [{"id": "iran", "role": "agent", "label": "Iran"}],
        "notes": [{"author": "dora", "text": "first", "created_at": "2026-11-20T10:00:00Z"}],
    }
    record.update(changes)
    return json.dumps(record, ensure_ascii=False)


def test_moved_orphaned_and_unknown_article_passages_are_reported_and_kept(article, vocabulary, tmp_path):
    airport = article.body.index("Baghdad airport")
    lines = [
        passage_line(article),
        passage_line(article, start=airport + 2, end=airport + 17, quote="Baghdad airport", prefix="near "),
        passage_line(article, quote="Tehran threatened", start=0, end=17),
        passage_line(article, article_sha256="0" * 64, article_title="Not here"),
        "this is not json",
        passage_line(article, start="", quote="Tehran"),
    ]
    source = tmp_path / "incoming.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = io.StringIO()

    with pytest.raises(CommandError, match="4 passages were not imported"):
        call_command("import_annotations", str(source), stdout=out)

    text = out.getvalue()
    assert "imported 2, already there 0, moved 1, orphaned 1, no article 1, refused 2" in text
    assert f"line 2: “Baghdad airport” in article {article.pk} moved {airport + 2}–{airport + 17}" in text
    assert f"→ {airport}–{airport + 15}" in text
    assert "line 3: “Tehran threatened” is no longer in article" in text
    assert f"line 4: “Tehran”: no article with sha256 {'0' * 64} (“Not here”)" in text
    assert "line 5: not JSON" in text
    assert "line 6: no start" in text
    moved = Span.objects.get(quote="Baghdad airport")
    assert (moved.start, moved.end) == (airport, airport + 15)
    assert moved.prefix == article.body[max(0, airport - 32) : airport]
    assert not Span.objects.filter(quote="Tehran threatened").exists()  # never pinned to wrong text
    orphans = [
        json.loads(line) for line in (tmp_path / "incoming.jsonl.orphans.jsonl").read_text().splitlines()
    ]
    assert [o["quote"] for o in orphans] == ["Tehran threatened", "Tehran", "Tehran"]
    assert "no longer in article" in orphans[0]["import_problem"]
    assert "no article with sha256" in orphans[1]["import_problem"]


def test_unknown_terms_and_wrong_roles_are_reported_and_the_passage_kept_with_the_rest(
    article, vocabulary, tmp_path
):
    terms = [
        {"id": "iran", "role": "agent", "label": "Iran"},
        {"id": "no-such-term", "role": "agent", "label": "Nobody"},
        {"id": "air-strike", "role": "agent", "label": "Air strike"},
    ]
    source = tmp_path / "t.jsonl"
    source.write_text(passage_line(article, terms=terms) + "\n", encoding="utf-8")
    report = import_passages(source)
    span = Span.objects.get(quote="Tehran")
    assert [(t.term.slug, t.role) for t in span.tags.all()] == [("iran", "agent")]
    assert report.term_problems == [
        "line 1: no term with id “no-such-term” (Nobody); the passage was imported without it",
        "line 1: “agent” is not a role for event “Air/drone strike”; that tag was not imported",
    ]
    assert report.unplaced == []


def test_tags_to_a_merged_term_land_on_the_survivor(article, vocabulary, tmp_path):
    old = test_export.term("soleimani-old", "Gen. Soleimani")
    old.merged_into = vocabulary["soleimani"]
    old.save()
    source = tmp_path / "m.jsonl"
    source.write_text(
        passage_line(article, terms=[{"id": "soleimani-old", "role": "target"}]) + "\n", encoding="utf-8"
    )
    import_passages(source)
    assert Tag.objects.get().term == vocabulary["soleimani"]


def test_dry_run_reports_and_changes_nothing(article, vocabulary, tmp_path):
    source = tmp_path / "d.jsonl"
    source.write_text(passage_line(article) + "\n", encoding="utf-8")
    out = io.StringIO()
    call_command("import_annotations", str(source), "--dry-run", stdout=out)
    assert "Dry run, nothing changed: imported 1" in out.getvalue()
    assert not Span.objects.exists() and not User.objects.filter(username="dora").exists()


def test_import_command_reports_a_missing_file_and_a_w3c_file(article, tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_annotations", str(tmp_path / "nope.jsonl"))
    w3c = tmp_path / "w3c.jsonl"
    w3c.write_text(json.dumps({"@context": "http://www.w3.org/ns/anno.jsonld", "type": "Annotation"}) + "\n")
    out = io.StringIO()
    with pytest.raises(CommandError, match="1 passages were not imported"):
        call_command("import_annotations", str(w3c), "--orphans", str(tmp_path / "o.jsonl"), stdout=out)
    assert "W3C Web Annotation; import reads Marginalia's own JSONL" in out.getvalue()


def test_link_in_the_reimported_export_points_at_the_new_passage(team_work, bob, tmp_path):
    exported = tmp_path / "set.jsonl"
    exported.write_text(export("jsonl"), encoding="utf-8")
    forget_everything_but_articles_and_vocabulary(bob)
    import_passages(exported)
    for record in jsonl_records(export("jsonl")):
        assert record["link"] == f"{BASE_URL}/articles/{record['article_id']}/#span-{record['span_id']}"
        assert Span.objects.filter(pk=record["span_id"], quote=record["quote"]).exists()
