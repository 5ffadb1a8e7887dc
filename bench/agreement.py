"""Benchmark: the agreement report of a large assignment on PostgreSQL.

Two analysts × 500 articles × 40 passages and 10 claims each (40,000 passages, about 60,000 tags, 10,000
claims), in the database `marginalia_bench_agreement` (created and migrated if missing; loaded once and
kept while it has the right size). The second analyst agrees with the first on most passages (same
offsets, or shifted ones that overlap), tags and claim fields, and differs on the rest. Times the whole
report for the assignment, as the Agreement screen and `manage.py agreement` compute it (three bulk reads,
the matching, every alpha with krippendorff, the CSV), median of three runs.

One line: `agreement: 3.69 s for 40,000 passages (…)`. Target: under 5 s.

Measured 2026-11-28 (2 cores shared with other work, load average 4.9): 3.69 s for 40,000 passages
(17,066 pairs matched by overlap, 4,261 claim pairs, 93 figures). About 1 s is the three bulk reads,
1.8 s the matching in Python, and most of the rest one alpha: krippendorff builds a units × values × values
array, so the term alpha (25,000 tag slots × 41 terms) costs more than all the others together.

    .venv/bin/python bench/agreement.py [--database-url URL]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.export import ensure_database, setup_django  # noqa: E402 (needs ROOT on the path)

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/marginalia_bench_agreement"
ARTICLES, PASSAGES, CLAIMS = 500, 40, 10
WORDS = [
    "the",
    "strike",
    "killed",
    "commander",
    "near",
    "airport",
    "officials",
    "said",
    "revenge",
    "markets",
    "fell",
    "Tehran",
    "Baghdad",
]


def load() -> None:
    from django.contrib.auth.models import User

    from annotations.models import Assignment, Claim, Span, Tag, Term
    from corpus.models import Article

    rng = random.Random(9)
    for model in (Claim, Tag, Span, Assignment, Article, Term):
        model.objects.all().delete()
    User.objects.filter(username__in=["ana", "ben", "lead"]).delete()
    ana, ben = User.objects.create(username="ana"), User.objects.create(username="ben")
    lead = User.objects.create(username="lead", is_staff=True)
    terms = Term.objects.bulk_create(
        Term(slug=f"t{i}", label=f"Term {i}", kind="event" if i % 5 == 0 else "actor") for i in range(40)
    )
    articles = Article.objects.bulk_create(
        Article(title=f"Article {i}", body=" ".join(rng.choices(WORDS, k=1500)), sha256=f"{i:064x}")
        for i in range(ARTICLES)
    )
    spans, plans = [], []
    for article in articles:
        for j in range(PASSAGES):
            start = j * 200 + rng.randint(0, 20)
            end = start + rng.randint(20, 120)
            draw = rng.random()
            b_start, b_end = (
                (start, end) if draw < 0.6 else (start + 5, end + 10) if draw < 0.85 else (end + 30, end + 60)
            )
            for user, (s, e) in ((ana, (start, end)), (ben, (b_start, b_end))):
                spans.append(Span(article=article, start=s, end=e, quote=article.body[s:e], created_by=user))
            plans.append(j < CLAIMS)
    Span.objects.bulk_create(spans, batch_size=5000)
    tags, claims = [], []
    for index in range(0, len(spans), 2):
        a, b = spans[index], spans[index + 1]
        term = rng.choice(terms)
        role = "event" if term.kind == "event" else rng.choice(["source", "agent", "target", "mentioned"])
        tags.append(Tag(span=a, term=term, role=role, created_by=ana))
        other = term if rng.random() < 0.8 else rng.choice([t for t in terms if t.kind == term.kind])
        tags.append(Tag(span=b, term=other, role=role, created_by=ben))
        if rng.random() < 0.5:
            extra = rng.choice([t for t in terms if t.kind == "actor" and t != term])
            tags.append(Tag(span=a, term=extra, role="mentioned", created_by=ana))
        if plans[index // 2]:
            fields = {
                "speaker_kind": "actor",
                "speaker": rng.choice(terms[1:5]),
                "stance": rng.choice(["supportive", "opposed", "neutral"]),
                "certainty": rng.choice(["probable", "possible", "asserted_certain"]),
                "claim_type": rng.choice(["threat", "demand", "prediction"]),
            }
            claims.append(Claim(span=a, article_id=a.article_id, created_by=ana, **fields))
            changed = (
                dict(fields, stance=rng.choice(["supportive", "opposed"])) if rng.random() < 0.3 else fields
            )
            claims.append(Claim(span=b, article_id=b.article_id, created_by=ben, **changed))
    Tag.objects.bulk_create(tags, batch_size=5000)
    Claim.objects.bulk_create(claims, batch_size=5000)
    Assignment.hand_out(articles, [ana, ben], by=lead, independent=True, name="bench")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    args = parser.parse_args()
    ensure_database(args.database_url)
    setup_django(args.database_url)
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    from analysis.agreement import agreement
    from analysis.output import report_csv
    from analysis.scope import scope_for
    from annotations.models import Assignment, Claim, Span

    if Span.objects.count() != 2 * ARTICLES * PASSAGES or Claim.objects.count() != 2 * ARTICLES * CLAIMS:
        load()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    assignment = Assignment.objects.get(name="bench")
    seconds = []
    for _ in range(3):
        began = time.perf_counter()
        report = agreement(scope_for(assignment=assignment.pk))
        report_csv(report)
        seconds.append(time.perf_counter() - began)
    overlap = next(
        f for f in report.figures if (f.section, f.measure) == ("passages", "overlap") and f.term_id is None
    )
    claims = next(f for f in report.figures if (f.section, f.measure) == ("claims", "matched"))
    print(
        f"agreement: {statistics.median(seconds):.2f} s for {report.unit_count:,} passages "
        f"({overlap.matched:,} pairs matched by overlap, {claims.matched:,} claim pairs, "
        f"{len(report.figures)} figures), "
        f"2 analysts × {ARTICLES} articles, PostgreSQL (target < 5 s)"
    )


if __name__ == "__main__":
    main()
