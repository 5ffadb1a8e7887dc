"""`manage.py export_annotations`: formats, saved sets, filter options, --output and standard output."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command

from annotations.export import CSV_COLUMNS
from annotations.models import SavedSet
from tests import test_export
from tests.test_export import make_article, mark, tag

article = test_export.article
vocabulary = test_export.vocabulary


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("export_annotations", *args, "--base-url", "https://m.example.org/", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def quotes(text: str) -> list[str]:
    return [row["quote"] for row in csv.DictReader(io.StringIO(text, newline=""))]


@pytest.fixture
def passages(article, alice, bob, vocabulary):
    irgc = mark(article, "Tehran vowed revenge", alice)
    tag(irgc, vocabulary["irgc"], "source")
    quds = mark(article, "Qasem Soleimani", bob)
    tag(quds, vocabulary["quds"], "target")
    strike = mark(article, "The strike", bob)
    tag(strike, vocabulary["strike"])
    return {"irgc": irgc, "quds": quds, "strike": strike}


def test_writes_csv_to_standard_output_by_default(passages):
    out, _ = run()
    assert out.startswith(",".join(CSV_COLUMNS) + "\r\n")
    assert quotes(out) == ["Tehran vowed revenge", "The strike", "Qasem Soleimani"]
    assert "https://m.example.org/articles/" in out


def test_writes_to_a_file_with_output_and_says_how_many(passages, tmp_path):
    target = tmp_path / "set.csv"
    out, err = run("--output", str(target), "--bom")
    assert out == ""
    assert "Exported 3 passages (csv) to" in err
    data = target.read_bytes()
    assert data.startswith("\ufeffspan_id,".encode())
    assert quotes(data.decode("utf-8-sig")) == ["Tehran vowed revenge", "The strike", "Qasem Soleimani"]
    assert list(tmp_path.iterdir()) == [target]  # no .part left behind


def test_each_format_comes_out(passages, tmp_path):
    out, _ = run("--format", "jsonl")
    assert [json.loads(line)["quote"] for line in out.splitlines()][0] == "Tehran vowed revenge"
    out, _ = run("--format", "csv-long")
    assert "term_kind" in out.splitlines()[0]
    out, _ = run("--format", "w3c-jsonl")
    assert all(json.loads(line)["type"] == "Annotation" for line in out.splitlines())
    out, _ = run("--format", "w3c", "--term", "irgc")
    collection = json.loads(out)
    assert collection["total"] == 2
    assert collection["id"] == "https://m.example.org/annotations/?term=irgc"
    assert "IRGC" in collection["label"] or "Islamic Revolutionary Guard Corps" in collection["label"]


def test_filter_options_narrow_the_set_and_a_term_includes_its_children(passages):
    assert quotes(run("--term", "irgc")[0]) == ["Tehran vowed revenge", "Qasem Soleimani"]
    assert quotes(run("--term", "irgc", "--role", "target")[0]) == ["Qasem Soleimani"]
    assert quotes(run("--kind", "event")[0]) == ["The strike"]
    assert quotes(run("--analyst", "alice")[0]) == ["Tehran vowed revenge"]
    assert quotes(run("--q", "STRIKE")[0]) == ["The strike"]
    assert quotes(run("--analyst", "bob", "--analyst", "alice", "--kind", "actor")[0]) == [
        "Tehran vowed revenge",
        "Qasem Soleimani",
    ]


def test_a_saved_set_is_exported_with_the_passages_that_match_now(passages, alice, bob, vocabulary):
    SavedSet.objects.create(name="IRGC", owner=alice, query="term=irgc")
    assert quotes(run("--set", "IRGC")[0]) == ["Tehran vowed revenge", "Qasem Soleimani"]
    later = mark(make_article(body="Later: the Quds Force again.", title="Later"), "Quds Force", bob)
    tag(later, vocabulary["quds"], "agent")
    assert quotes(run("--set", "IRGC")[0])[-1] == "Quds Force"
    # an option on the command line narrows the saved filter
    assert quotes(run("--set", "IRGC", "--role", "source")[0]) == ["Tehran vowed revenge"]


def test_the_w3c_collection_of_a_saved_set_is_labelled_with_its_name(passages, alice):
    SavedSet.objects.create(name="IRGC", owner=alice, query="term=irgc")
    assert json.loads(run("--set", "IRGC", "--format", "w3c")[0])["label"] == "IRGC"


def test_unknown_and_ambiguous_set_names_are_refused_clearly(passages, alice, bob):
    SavedSet.objects.create(name="Mine", owner=alice, query="analyst=alice")
    with pytest.raises(CommandError, match="There is no saved set called “Nope”. Saved sets: “Mine”"):
        run("--set", "Nope")
    SavedSet.objects.create(name="Mine", owner=bob, query="analyst=bob")
    with pytest.raises(CommandError, match=r"Several analysts .* \(alice, bob\).*--set alice/Mine"):
        run("--set", "Mine")
    assert quotes(run("--set", "bob/Mine")[0]) == ["The strike", "Qasem Soleimani"]


def test_a_bad_filter_option_is_refused_naming_it(passages):
    with pytest.raises(CommandError, match="term: No term with id “no-such-term”"):
        run("--term", "no-such-term")
    with pytest.raises(CommandError, match="published_from: Enter a date as YYYY-MM-DD"):
        run("--published-from", "03/01/2020")
    with pytest.raises(CommandError, match="invalid choice: 'xlsx'"):
        run("--format", "xlsx")


def test_an_unwritable_output_is_refused_and_leaves_nothing(passages, tmp_path):
    with pytest.raises(CommandError, match="Cannot write"):
        run("--output", str(tmp_path / "no-such-folder" / "set.csv"))
