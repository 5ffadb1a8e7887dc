"""No query on a hot path grows with the tables: the Articles list, the reader (with its side list and
activity pages), a save, and the Annotations screen make as many queries at 10,000 rows (articles,
passages, tags, notes, history lines) as at 1,000."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from annotations.models import Change, Note, Span, Tag, Term
from corpus.models import Article

WORDS = 3_000


class World:
    """A corpus that grows: articles, and passages (with a tag, sometimes a note, a history line) on one
    long article, by two analysts."""

    def __init__(self, analysts) -> None:
        self.analysts = analysts
        self.terms = [Term.objects.create(slug=f"t-{i}", kind="actor", label=f"Actor {i}") for i in range(20)]
        self.body = " ".join(f"w{i}" for i in range(WORDS))
        self.starts = [i for i, c in enumerate(self.body) if c != " " and (i == 0 or self.body[i - 1] == " ")]
        self.article = Article.objects.create(
            title="Long", body=self.body, sha256=Article.hash_body(self.body)
        )

    def grow(self, rows: int) -> None:
        articles = Article.objects.count()
        Article.objects.bulk_create(
            Article(title=f"Article {i}", body=f"Text {i}.", sha256=f"{i:064d}")
            for i in range(articles, rows)
        )
        now, made = timezone.now(), Span.objects.count()
        spans = Span.objects.bulk_create(
            Span(
                article=self.article,
                start=self.starts[i % WORDS],
                end=self.starts[i % WORDS] + 2,
                quote=self.body[self.starts[i % WORDS] : self.starts[i % WORDS] + 2],
                created_by=self.analysts[i % 2],
                created_at=now,
            )
            for i in range(made, rows)
        )
        Tag.objects.bulk_create(
            Tag(span=s, term=self.terms[s.pk % 20], role="mentioned", created_by=s.created_by) for s in spans
        )
        Note.objects.bulk_create(
            Note(article=self.article, span=s, author=s.created_by, text="A note") for s in spans[::5]
        )
        Change.objects.bulk_create(
            Change(
                actor=s.created_by,
                action="create",
                object_type="span",
                object_id=s.pk,
                article=self.article,
                span=s,
                summary="Marked",
            )
            for s in spans
        )

    def save(self, client, i: int):
        start = self.starts[WORDS - 1 - i]
        data = {
            "start": start,
            "end": start + 2,
            "text": self.body[start : start + 2],
            "term": self.terms[0].pk,
        }
        response = client.post(f"/articles/{self.article.pk}/spans/", data, headers={"HX-Request": "true"})
        assert response.status_code == 200
        return response


def queries(request) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = request()
    assert response.status_code == 200
    return len(captured)


@pytest.mark.django_db
def test_no_hot_path_makes_more_queries_as_the_tables_grow(alice_client, alice, bob):
    world = World([alice, bob])
    article = world.article
    hx = {"HX-Request": "true"}
    first = Span.objects.in_reader(article, alice).in_reading_order()
    screens = {
        "articles list": lambda: alice_client.get("/"),
        "articles search": lambda: alice_client.get("/?q=Article"),
        "reader": lambda: alice_client.get(f"/articles/{article.pk}/"),
        "side list page": lambda: alice_client.get(
            f"/articles/{article.pk}/passages/?after={first[0].start}.{first[0].end}.{first[0].pk}",
            headers=hx,
        ),
        "activity page": lambda: alice_client.get(
            f"/articles/{article.pk}/activity/?before={Change.objects.latest('pk').pk}", headers=hx
        ),
        "annotations": lambda: alice_client.get("/annotations/"),
        "annotations filtered": lambda: alice_client.get("/annotations/?q=w1&term=t-3&analyst=bob"),
    }
    counts = []
    for rows in (1_000, 10_000):
        world.grow(rows)
        for request in screens.values():
            request()  # caches (vocabulary suggestions) filled, as on a running server
        counted = {name: queries(request) for name, request in screens.items()}
        counted["save"] = queries(lambda: world.save(alice_client, rows // 1000))  # noqa: B023
        counts.append(counted)
    assert counts[0] == counts[1]
    assert Span.objects.count() == 10_001  # grown to 10,000 (the first save among them), and the second save
