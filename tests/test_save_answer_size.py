"""A save stays small and cheap whatever the article holds (issue 13): on a crowded paragraph its answer
carries only the stretch of the paragraph the change touched (views/repaint.py, rendering.py `ranges`),
which put in place of the same stretch of the paragraph as shown gives exactly the paragraph repainted
whole; a new passage's save makes a fixed number of queries."""

from __future__ import annotations

import random
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from annotations.models import Span, Tag, Term
from annotations.rendering import paragraph_bounds, render_paragraphs
from annotations.views.repaint import CROWDED
from corpus.models import Article

WORDS = [f"word{i % 97}" for i in range(140)]  # one paragraph of 140 words
PASSAGES = 700  # five starting at every word, as at 2,000 words and 10,000 passages
# Before: the whole paragraph, 36 KB at this density (README, 2026-11-28). Target: 20 KB.
ANSWER_LIMIT = 20 * 1024
# A new passage's save: session, user, article, term; the transaction (begin, passage, its history
# line, tag, its history line, commit); leads, blind rows, the repainted stretch, vocabulary version,
# rejections, count, the side list's next passage. 22 before the panel was built from what was written.
SAVE_QUERIES = 17


@pytest.fixture
def crowded(db, alice, bob):
    """Three paragraphs, the middle one crowded by both analysts' overlapping passages."""
    middle = " ".join(WORDS)
    body = "Before the crowd.\n\n" + middle + "\n\nAfter the crowd."
    article = Article.objects.create(title="Crowded", body=body, sha256=Article.hash_body(body))
    terms = [
        Term.objects.create(slug=f"t{i}", kind=("actor", "event")[i % 2], label=f"T {i}") for i in range(6)
    ]
    starts = [m.start() for m in re.finditer(r"\S+", body)][3:-3]
    rng = random.Random(13)
    spans = []
    for n in range(PASSAGES):
        first = rng.randrange(len(starts) - 8)
        start = starts[first]
        end = body.index(" ", starts[first + rng.randint(0, 6)])
        spans.append(
            Span(article=article, start=start, end=end, quote=body[start:end], created_by=(alice, bob)[n % 2])
        )
    spans = Span.objects.bulk_create(spans)
    Tag.objects.bulk_create(
        Tag(span=span, term=terms[n % 6], role="mentioned", created_by_id=span.created_by_id)
        for n, span in enumerate(spans)
    )
    return article, terms


def paragraph(article, user, index: int) -> str:
    """The paragraph as the reader renders it now (suggestions aside: the article has none)."""
    rows = Span.objects.in_reader(article, user).in_reading_order().for_body()
    return render_paragraphs(article.body, rows, only=[index])[index]


def put_in_place(shown: str, template: str) -> str:
    """What reader.js's repaintRange does: replace the paragraph's parts at offsets [from, to) (an
    anchor belongs to the offset of the part after it) by the template's content."""
    head, inner = re.match(r"(<p [^>]*>)(.*)</p>$", shown, re.S).groups()
    frm, to, content = re.match(
        r'<template data-repaint="p-\d+" data-from="(\d+)" data-to="(\d*)">(.*)</template>', template, re.S
    ).groups()
    frm, to = int(frm), int(to) if to else float("inf")
    kids = re.findall(r"<(?:mark|span|a)\b[^>]*>.*?</(?:mark|span|a)>", inner, re.S)
    assert "".join(kids) == inner
    offsets, following = [], float("inf")
    for kid in reversed(kids):
        found = re.match(r'<[a-z]+ [^>]*data-o="(\d+)"', kid)
        following = int(found.group(1)) if found else following
        offsets.append(following)
    offsets.reverse()
    assert frm in offsets and (to == float("inf") or to in offsets), "no boundary there"
    before = [k for k, o in zip(kids, offsets, strict=True) if o < frm]
    after = [k for k, o in zip(kids, offsets, strict=True) if o >= to]
    return head + "".join(before) + content + "".join(after) + "</p>"


def save(client, article, start: int, end: int, term: Term):
    data = {"start": start, "end": end, "text": article.body[start:end], "term": term.pk}
    return client.post(f"/articles/{article.pk}/spans/", data, headers={"HX-Request": "true"})


@pytest.mark.django_db
def test_a_save_on_a_crowded_paragraph_answers_with_what_changed_only(alice_client, alice, crowded):
    article, terms = crowded
    p_start, p_end = paragraph_bounds(article.body)[1]
    assert Span.objects.filter(start__gte=p_start, end__lte=p_end).count() > CROWDED
    whole = len(paragraph(article, alice, 1).encode())
    assert whole > ANSWER_LIMIT  # sending it whole would break the limit
    words = [m.span() for m in re.finditer(r"\S+", article.body[p_start:p_end])]
    for first, last, term in [(10, 12, terms[0]), (0, 0, terms[1]), (60, 75, terms[2]), (139, 139, terms[3])]:
        shown = paragraph(article, alice, 1)
        start, end = p_start + words[first][0], p_start + words[last][1]
        response = save(alice_client, article, start, end, term)
        assert response.status_code == 200
        answer = response.content.decode()
        assert len(response.content) <= ANSWER_LIMIT, len(response.content)
        templates = re.findall(r'<template data-repaint="p-1".*?</template>', answer, re.S)
        assert len(templates) == 1 and 'id="p-1"' not in answer
        # Put in place, the stretch gives the paragraph exactly as a reload would show it.
        assert put_in_place(shown, templates[0]) == paragraph(article, alice, 1)


@pytest.mark.django_db
def test_a_tag_change_and_a_delete_on_a_crowded_paragraph_repaint_in_part_too(alice_client, alice, crowded):
    article, terms = crowded
    span = Span.objects.filter(created_by=alice).order_by("pk")[5]
    for url, data in [
        (f"/spans/{span.pk}/tags/", {"term": terms[1].pk, "version": span.version}),
        (f"/spans/{span.pk}/delete/", {"version": span.version + 1}),
    ]:
        shown = paragraph(article, alice, 1)
        response = alice_client.post(url, data, headers={"HX-Request": "true"})
        assert response.status_code == 200, response.content[:300]
        assert len(response.content) <= ANSWER_LIMIT
        template = re.search(r'<template data-repaint="p-1".*?</template>', response.content.decode(), re.S)
        assert put_in_place(shown, template.group(0)) == paragraph(article, alice, 1)


@pytest.mark.django_db
def test_a_quiet_paragraph_is_still_repainted_whole(alice_client, crowded):
    article, terms = crowded
    start = article.body.index("After")
    answer = save(alice_client, article, start, start + 5, terms[0]).content.decode()
    assert '<p hx-swap-oob="true" id="p-2"' in answer and "data-repaint" not in answer


@pytest.mark.django_db
def test_a_new_passage_costs_a_fixed_number_of_queries(alice_client, crowded):
    article, terms = crowded
    p_start = paragraph_bounds(article.body)[1][0]
    save(alice_client, article, p_start, p_start + 6, terms[0])  # caches filled, as in a running worker
    with CaptureQueriesContext(connection) as captured:
        assert save(alice_client, article, p_start + 7, p_start + 13, terms[1]).status_code == 200
    assert len(captured) <= SAVE_QUERIES, [q["sql"][:80] for q in captured]
