"""A small annotated corpus for the Annotations screen tests, built through the ORM.

Two sources, two articles, a vocabulary with narrower terms (Quds Force is part of the IRGC),
five passages by alice and bob, one of them deleted, one note deleted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.contrib.auth.models import User
from django.utils import timezone

from annotations.models import Note, Span, Tag, Term
from corpus.models import Article, Source

FRANCE24_BODY = (
    "Baghdad, 3 January. The United States killed Soleimani in a drone strike near the airport.\n\n"
    "The Quds Force commander had led Iran's operations abroad for two decades."
)
TABLET_BODY = (
    "A week later the IRGC vowed revenge, and officials spoke of a measured response.\n\n"
    "One passage here was highlighted and then deleted. Another passage stays untagged."
)


def moment(day: str, clock: str = "12:00") -> datetime:
    return timezone.make_aware(datetime.fromisoformat(f"{day}T{clock}"))


def make_term(slug: str, label: str, kind: str = "actor", parent: Term | None = None, code: str = "") -> Term:
    return Term.objects.create(slug=slug, label=label, kind=kind, parent=parent, code=code)


def make_article(
    title: str, body: str, source: Source | None = None, published: date | None = None
) -> Article:
    return Article.objects.create(
        title=title, body=body, source=source, published=published, sha256=Article.hash_body(body)
    )


def make_span(
    article: Article,
    quote: str,
    by: User,
    *,
    tags: tuple[tuple[Term, str], ...] = (),
    notes: tuple[tuple[User, str], ...] = (),
    created: datetime | None = None,
) -> Span:
    start = article.body.index(quote)
    end = start + len(quote)
    created = created or timezone.now()
    span = Span.objects.create(
        article=article,
        start=start,
        end=end,
        quote=quote,
        prefix=article.body[max(0, start - 32) : start],
        suffix=article.body[end : end + 32],
        created_by=by,
        created_at=created,
        updated_at=created,
    )
    for term, role in tags:
        Tag.objects.create(span=span, term=term, role=role, created_by=by)
    for author, text in notes:
        Note.objects.create(article=article, span=span, author=author, text=text)
    return span


@dataclass
class World:
    france24: Source
    tablet: Source
    killing: Article
    revenge: Article
    irgc: Term
    quds_force: Term
    usa: Term
    soleimani: Term
    use_of_force: Term
    strike: Term
    us_kills: Span  # alice: usa agent, soleimani target, strike event
    quds_commander: Span  # bob: quds-force mentioned; note "commander of the elite unit"
    irgc_revenge: Span  # alice: irgc source; a deleted note "secret plans"
    deleted: Span  # alice, deleted
    untagged: Span  # bob: no tags; note "Drone footage, with commas"

    @property
    def live(self) -> set[int]:
        return {self.us_kills.pk, self.quds_commander.pk, self.irgc_revenge.pk, self.untagged.pk}


def build_world(alice: User, bob: User) -> World:
    france24 = Source.objects.create(name="FRANCE 24")
    tablet = Source.objects.create(name="Tablet")
    killing = make_article("US kills Soleimani", FRANCE24_BODY, france24, date(2020, 1, 3))
    revenge = make_article("Revenge for Soleimani", TABLET_BODY, tablet, date(2020, 1, 10))
    irgc = make_term("irgc", "Islamic Revolutionary Guard Corps", code="IRNMIL")
    quds_force = make_term("quds-force", "Quds Force", parent=irgc, code="IRNMILQDS")
    usa = make_term("usa", "United States", code="USA")
    soleimani = make_term("qasem-soleimani", "Qasem Soleimani", code="IRNMIL")
    use_of_force = make_term("use-of-force", "Use of force", kind="event", code="18")
    strike = make_term("air-drone-strike", "Air/drone strike", kind="event", parent=use_of_force, code="195")

    us_kills = make_span(
        killing,
        "The United States killed Soleimani",
        alice,
        tags=((usa, "agent"), (soleimani, "target"), (strike, "event")),
        created=moment("2020-02-01"),
    )
    quds_commander = make_span(
        killing,
        "The Quds Force commander",
        bob,
        tags=((quds_force, "mentioned"),),
        notes=((bob, "Commander of the elite unit"),),
        created=moment("2020-02-05", "00:00"),
    )
    irgc_revenge = make_span(
        revenge,
        "the IRGC vowed revenge",
        alice,
        tags=((irgc, "source"),),
        created=moment("2020-02-10", "23:59"),
    )
    Note.objects.create(
        article=revenge, span=irgc_revenge, author=alice, text="secret plans", deleted_at=timezone.now()
    )
    deleted = make_span(revenge, "highlighted and then deleted", alice, tags=((irgc, "mentioned"),))
    Span.objects.filter(pk=deleted.pk).update(deleted_at=timezone.now(), deleted_by=alice)
    untagged = make_span(
        revenge,
        "Another passage stays untagged",
        bob,
        notes=((bob, "Drone footage, with commas"),),
        created=moment("2020-02-20"),
    )
    return World(
        france24,
        tablet,
        killing,
        revenge,
        irgc,
        quds_force,
        usa,
        soleimani,
        use_of_force,
        strike,
        us_kills,
        quds_commander,
        irgc_revenge,
        deleted,
        untagged,
    )
