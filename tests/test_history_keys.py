"""The history's keys are not checked by the database (annotations/models/changes.py): Django still
deletes a line with the article, passage or term it names and detaches it from a deleted user, so no
line is left naming a row that is gone."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from annotations.models import Change, Span, Term
from corpus.models import Article

pytestmark = pytest.mark.django_db


def test_deleting_an_article_deletes_its_passages_history():
    author = User.objects.create_user("author")
    body = "Qasem Soleimani was killed in Baghdad."
    article = Article.objects.create(title="A", body=body, sha256=Article.hash_body(body))
    term = Term.objects.create(slug="soleimani", kind="actor", label="Qasem Soleimani")
    span = Span.create_for(article, 0, 15, "Qasem Soleimani", by=author, term=term)
    assert Change.objects.filter(span=span).count() == 2  # the passage's line and its tag's
    article.delete()
    assert not Change.objects.filter(article_id=article.pk).exists()
    assert not Change.objects.filter(span_id=span.pk).exists()


def test_deleting_a_user_or_a_term_detaches_or_deletes_their_lines():
    lead = User.objects.create_user("lead")
    term = Term.objects.create(slug="quds-force", kind="actor", label="Quds Force")
    line = Change.objects.create(
        actor=lead, action="update", object_type="term", object_id=term.pk, term=term, summary="Renamed"
    )
    lead.delete()
    line.refresh_from_db()
    assert line.actor_id is None  # the line stays, without its author
    term.delete()
    assert not Change.objects.filter(pk=line.pk).exists()
