"""A two-coder fixture with every kind of disagreement, whose agreement figures are computed by hand in
tests/test_agreement.py.

alice (A) and bob (B) code one article:
  P1  same offsets         A: usa agent                 B: usa agent
      claims               A: usa → opposed → iran, probable, future     B: usa → opposed → iran, possible;
                                                                          B also: unnamed → neutral (only B)
  P2  overlapping offsets  A: iran source               B: iran target        (same term, other role)
      claims               A: author, threat, opposed   B: author, threat, supportive
  P3  same offsets         A: usa agent                 B: iran agent         (same role, other term)
  P4  same offsets         A: usa agent, strike event   B: usa agent          (a tag left out)
  P5  only A, untagged
  P6  only B               B: soleimani mentioned
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import User

from annotations.models import Claim, Span, Tag, Term
from corpus.models import Article
from tests.annotated_world import make_article, make_term

BODY = (
    "Alpha one is first. Beta two three follows. Gamma four is third. "
    "Delta five six is fourth. Epsilon seven is fifth. Zeta eight is last."
)


@dataclass
class AgreementWorld:
    article: Article
    usa: Term
    iran: Term
    strike: Term
    soleimani: Term
    a: dict[str, Span]
    b: dict[str, Span]


def passage(article: Article, text: str, by: User, *tags: tuple[Term, str]) -> Span:
    start = article.body.index(text)
    span = Span.objects.create(article=article, start=start, end=start + len(text), quote=text, created_by=by)
    for term, role in tags:
        Tag.objects.create(span=span, term=term, role=role, created_by=by)
    return span


def claim(span: Span, by: User, **fields) -> Claim:
    fields.setdefault("speaker_kind", "actor" if fields.get("speaker") else "author")
    return Claim.objects.create(span=span, article_id=span.article_id, created_by=by, **fields)


def build_agreement_world(alice: User, bob: User, article: Article | None = None) -> AgreementWorld:
    article = article or make_article("Six passages", BODY, None, None)
    usa = Term.objects.filter(slug="usa").first() or make_term("usa", "United States")
    iran = Term.objects.filter(slug="iran").first() or make_term("iran", "Iran")
    strike = Term.objects.filter(slug="strike").first() or make_term("strike", "Strike", kind="event")
    soleimani = Term.objects.filter(slug="soleimani").first() or make_term("soleimani", "Soleimani")
    a = {
        "p1": passage(article, "Alpha one", alice, (usa, "agent")),
        "p2": passage(article, "Beta two", alice, (iran, "source")),
        "p3": passage(article, "Gamma four", alice, (usa, "agent")),
        "p4": passage(article, "Delta five six", alice, (usa, "agent"), (strike, "event")),
        "p5": passage(article, "Epsilon seven", alice),
    }
    b = {
        "p1": passage(article, "Alpha one", bob, (usa, "agent")),
        "p2": passage(article, "two three", bob, (iran, "target")),
        "p3": passage(article, "Gamma four", bob, (iran, "agent")),
        "p4": passage(article, "Delta five six", bob, (usa, "agent")),
        "p6": passage(article, "Zeta eight", bob, (soleimani, "mentioned")),
    }
    claim(
        a["p1"],
        alice,
        speaker=usa,
        stance="opposed",
        target=iran,
        certainty="probable",
        event_modality="future",
    )
    claim(b["p1"], bob, speaker=usa, stance="opposed", target=iran, certainty="possible")
    claim(b["p1"], bob, speaker_kind="unnamed", unnamed_speaker="an official", stance="neutral")
    claim(a["p2"], alice, claim_type="threat", stance="opposed")
    claim(b["p2"], bob, claim_type="threat", stance="supportive")
    return AgreementWorld(article, usa, iran, strike, soleimani, a, b)
