"""The W3C Web Annotation export against the MUST assertions of the W3C test suite.

The suite's JSON Schemas are read in place from ../shared/w3c-web-annotation-tests/: each `*Musts.test`
lists assertion files (draft-04 schemas whose `$ref`s point at definitions/*.json by file name, letter case
ignored). Every one of ours says "expectedResult": "valid", so an annotation passes when it validates
against each of them. Formats (uri, date-time) are checked too: jsonschema's format-nongpl extra.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from annotations.export import W3C_CONTEXT, stream
from annotations.models import Span
from tests import test_export
from tests.conftest import shared_path
from tests.test_export import BASE_URL, make_article, mark, note, tag

if TYPE_CHECKING:
    from jsonschema import Draft4Validator
    from referencing import Resource

# Fixtures shared with the CSV tests.
article = test_export.article
vocabulary = test_export.vocabulary

SUITE = shared_path("w3c-web-annotation-tests")
_suite_present = pytest.mark.skipif(
    not SUITE.is_dir(), reason=f"the W3C Web Annotation test suite is not at {SUITE} (it lives in ../shared)"
)
# The tests that validate against the suite run in one test process (`make test`'s --dist loadgroup):
# the validators cost each process that builds them about 2 s of CPU (jsonschema's format checkers
# import in 1.1 s, and the first validation reads and indexes every definitions file).
_one_process = pytest.mark.xdist_group("w3c")


def needs_suite(test):
    """For a test that validates against the W3C suite: skipped without the suite, and run beside the
    other such tests."""
    return _one_process(_suite_present(test))


@cache
def definitions() -> dict[str, Path]:
    return {path.name.lower(): path for path in (SUITE / "definitions").glob("*.json")}


@cache  # the registry hands a $ref to this on every validation: read each definitions file once
def retrieve(uri: str) -> Resource:
    from referencing import Resource
    from referencing.jsonschema import DRAFT4

    name = uri.rsplit("/", 1)[-1].split("#", 1)[0].lower()
    if name not in definitions():
        raise LookupError(f"the W3C suite has no definitions file for $ref {uri!r}")
    contents = json.loads(definitions()[name].read_text(encoding="utf-8"))
    return Resource.from_contents(contents, default_specification=DRAFT4)


@cache
def must_assertions(test_file: str) -> list[tuple[str, Draft4Validator]]:
    """(assertion file, validator) for every assertion a *Musts.test lists. jsonschema is imported here,
    not with the module: its format checkers take 3 s to import, which every test process paid."""
    from jsonschema import Draft4Validator
    from referencing import Registry

    listed = json.loads((SUITE / test_file).read_text(encoding="utf-8"))["assertions"]
    registry = Registry(retrieve=retrieve)
    validators = []
    for name in listed:
        schema = json.loads((SUITE / name).read_text(encoding="utf-8"))
        assert schema["assertionType"] == "must" and schema["expectedResult"] == "valid", name
        validators.append(
            (name, Draft4Validator(schema, registry=registry, format_checker=Draft4Validator.FORMAT_CHECKER))
        )
    return validators


def failures(document: dict, test_file: str) -> list[str]:
    found = []
    for name, validator in must_assertions(test_file):
        errors = list(validator.iter_errors(document))
        if errors:
            found.append(f"{name}: {validator.schema['errorMessage']} ({errors[0].message[:200]})")
    return found


@pytest.fixture
def annotated(article, alice, bob, vocabulary) -> list[Span]:
    tagged = mark(article, "The strike killed Qasem Soleimani", alice)
    tag(tagged, vocabulary["usa"], "agent")
    tag(tagged, vocabulary["soleimani"], "target")
    tag(tagged, vocabulary["strike"])
    note(
        tagged,
        bob,
        'Bob\'s remark, with "quotes"\nand a newline 🔥',
        datetime(2026, 11, 21, 14, 2, tzinfo=UTC),
    )
    noted = mark(article, "قال المتحدث", bob)
    note(noted, bob, "Arabic passage")
    bare = mark(article, "=SUM(A1:A9)", alice)
    without_url = make_article(body="A body with no web address 🔥 at all.", title="Pasted", url="")
    elsewhere = mark(without_url, "🔥 at all", bob)
    tag(elsewhere, vocabulary["threat"])
    return [tagged, noted, bare, elsewhere]


def w3c_lines() -> list[dict]:
    return [
        json.loads(line)
        for line in "".join(stream("w3c-jsonl", Span.objects.live(), base_url=BASE_URL)).splitlines()
    ]


@needs_suite
def test_every_exported_annotation_passes_every_must_assertion(annotated):
    annotations = w3c_lines()
    assert len(annotations) == len(annotated)
    assert len(must_assertions("annotations/annotationMusts.test")) > 40
    for annotation in annotations:
        assert failures(annotation, "annotations/annotationMusts.test") == [], annotation["id"]


@needs_suite
def test_the_must_assertions_do_catch_a_broken_annotation(annotated):
    broken = w3c_lines()[0]
    del broken["@context"]
    broken["body"][0]["value"] = "a Specific Resource may not carry a value"
    broken["created"] = "yesterday"
    found = failures(broken, "annotations/annotationMusts.test")
    assert any("3.1-annotationContextValidated" in failure for failure in found)
    assert any("4-bodySpecificResourceNoValue" in failure for failure in found)
    assert any("3.3.1-annotationCreatedValidated" in failure for failure in found)


def test_selectors_point_at_the_right_text(annotated):
    for annotation, span in zip(
        w3c_lines(), sorted(annotated, key=lambda s: (s.article_id, s.start)), strict=True
    ):
        body = span.article.body
        quote, position = annotation["target"]["selector"]
        assert quote["type"] == "TextQuoteSelector" and position["type"] == "TextPositionSelector"
        assert body[position["start"] : position["end"]] == quote["exact"] == span.quote
        assert body[: position["start"]].endswith(quote["prefix"])
        assert body[position["end"] :].startswith(quote["suffix"])


def test_annotation_carries_terms_roles_notes_and_the_analyst(annotated):
    tagged = w3c_lines()[0]
    span = annotated[0]
    assert W3C_CONTEXT in tagged["@context"]
    assert tagged["type"] == "Annotation"
    assert tagged["id"] == f"{BASE_URL}/articles/{span.article_id}/#span-{span.pk}"
    assert tagged["motivation"] == "classifying"
    assert tagged["creator"] == {"id": f"{BASE_URL}/analysts/alice", "type": "Person", "nickname": "alice"}
    assert tagged["target"]["source"] == "https://example.org/soleimani"
    terms = [(body["source"]["id"], body["purpose"], body["role"]) for body in tagged["body"][:3]]
    assert terms == [
        (f"{BASE_URL}/vocabulary/terms/united-states/", "identifying", "agent"),
        (f"{BASE_URL}/vocabulary/terms/qasem-soleimani/", "identifying", "target"),
        (f"{BASE_URL}/vocabulary/terms/air-strike/", "classifying", "event"),
    ]
    comment = tagged["body"][3]
    assert comment["type"] == "TextualBody" and comment["purpose"] == "commenting"
    assert comment["value"] == 'Bob\'s remark, with "quotes"\nand a newline 🔥'
    assert comment["creator"]["nickname"] == "bob"
    assert comment["created"] == "2026-11-21T14:02:00Z"
    by_quote = {a["target"]["selector"][0]["exact"]: a for a in w3c_lines()}
    assert by_quote["قال المتحدث"]["motivation"] == "commenting"
    assert by_quote["=SUM(A1:A9)"]["motivation"] == "highlighting"
    assert "body" not in by_quote["=SUM(A1:A9)"]
    # an article without a web address is annotated at its reader page
    assert by_quote["🔥 at all"]["target"]["source"] == f"{BASE_URL}/articles/{annotated[3].article_id}/"


def collection() -> dict:
    text = "".join(
        stream(
            "w3c", Span.objects.live(), base_url=BASE_URL, label="IRGC agents", collection_id=BASE_URL + "/x"
        )
    )
    return json.loads(text)


def test_collection_is_one_json_ld_document_with_every_annotation(annotated):
    document = collection()
    assert document["@context"] == W3C_CONTEXT
    assert document["type"] == "AnnotationCollection"
    assert document["label"] == "IRGC agents"
    assert document["id"] == BASE_URL + "/x"
    assert document["total"] == len(annotated)
    page = document["first"]
    assert page["type"] == "AnnotationPage" and page["startIndex"] == 0
    assert [item["id"] for item in page["items"]] == [a["id"] for a in w3c_lines()]


def test_empty_collection_is_still_valid_json(db):
    document = collection()
    assert document["total"] == 0 and document["first"]["items"] == []


@needs_suite
def test_collection_passes_the_collection_and_page_must_assertions(annotated):
    document = collection()
    assert failures(document, "collections/collectionMusts.test") == []
    assert failures(document, "collections/pages/pageMusts.test") == []
    for item in document["first"]["items"]:
        assert failures(item, "annotations/annotationMusts.test") == []
