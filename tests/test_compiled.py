"""ops/compiled.py: a query compiled once answers as the ORM does for every value, on both databases,
and refuses a value the query transforms (it could not be put back in place)."""

from __future__ import annotations

import pytest

from annotations.models import Span
from corpus.models import Article
from ops.compiled import Compiled


@pytest.mark.django_db
def test_a_compiled_query_answers_as_the_orm_does(alice):
    body = "one two three four five six"
    article = Article.objects.create(title="A", body=body, sha256=Article.hash_body(body))
    for start, end in [(0, 3), (4, 7), (8, 13), (4, 13)]:
        Span.objects.create(article=article, start=start, end=end, quote=body[start:end], created_by=alice)

    def orm(article, start, end):
        return Span.objects.filter(article_id=article, start__lt=end, end__gt=start).order_by("start", "-end")

    compiled = Compiled(lambda article, start, end: orm(article, start, end).values_list("start", "end"))
    for start, end in [(0, 1), (4, 8), (5, 30), (20, 25)]:
        expected = list(orm(article.pk, start, end).values_list("start", "end"))
        assert compiled(article=article.pk, start=start, end=end) == expected
    assert compiled(article=article.pk + 1, start=0, end=99) == []


@pytest.mark.django_db
def test_a_value_the_query_transforms_is_refused():
    compiled = Compiled(lambda quote: Span.objects.filter(quote__contains=str(quote)).values_list("pk"))
    with pytest.raises(ValueError, match="not a plain parameter"):
        compiled(quote=3)


@pytest.mark.django_db
def test_warming_compiles_the_app_queries_and_leaves_one_it_cannot_to_its_first_use():
    import annotations.views.repaint  # noqa: F401  (declares the save's queries)
    from ops import compiled as module

    Compiled(lambda quote: Span.objects.filter(quote__contains=str(quote)).values_list("pk"))
    # The app's seven: leads, blind rows, vocabulary version, rejections, a paragraph's passages,
    # the count, the next passage. The broken one is skipped, not raised.
    assert 7 <= module.warm() < len(module._every)
