"""`make run` twice changes nothing: the second `load_demo` leaves every row of every table as the first
left it, the vocabulary's version included (a bump would make every process compile the vocabulary and
compute every article's suggestions again after each restart), and the team's curation stays."""

from __future__ import annotations

import pytest

from annotations.models import Alias, Term, VocabularyVersion
from tests.conftest import load_demo
from tests.project_world import table_rows

pytestmark = pytest.mark.django_db


def test_loading_the_demo_again_changes_no_row(charlie):
    load_demo()
    pompeo, esper, rouhani = (
        Term.objects.get(slug=s) for s in ("mike-pompeo", "mark-esper", "hassan-rouhani")
    )
    pompeo.retire(by=charlie)
    esper.merge_into(Term.objects.get(slug="donald-trump"), by=charlie)
    rouhani.edit({"label": "Hassan Rohani"}, by=charlie)
    before = table_rows()
    load_demo()
    assert table_rows() == before


def test_a_bulk_write_that_changes_nothing_keeps_the_vocabulary_version(db):
    term = Term.objects.create(slug="iran", kind="actor", label="Iran")
    version = VocabularyVersion.key()
    Term.objects.bulk_update([], ["label"])
    Term.objects.bulk_create([])
    Term.objects.filter(slug="nobody").update(label="x")
    Alias.objects.filter(term=term).delete()
    assert VocabularyVersion.key() == version
    Term.objects.filter(pk=term.pk).update(label="Persia")  # a row written: bumped
    assert VocabularyVersion.key() != version
