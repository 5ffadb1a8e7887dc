"""How passages are read: the Span queryset (live, visible, in reading order, for the reader's body and
side list) and the light rows the reader renders them from. The model and its verbs are in passages.py."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

from django.db import models
from django.db.models import Case, Exists, Max, OuterRef, Q, When

from annotations.models.notes import Note
from annotations.models.vocabulary import Term
from corpus.models import Article

if TYPE_CHECKING:
    from annotations.models.passages import Span

# The kinds of a passage's tags as bits, for the reader's body (rendering.py).
KIND_BITS = {"actor": 1, "event": 2}


class BodyRow(NamedTuple):
    """A passage as the reader's body draws it: where it lies, the kinds of its tags (KIND_BITS), and
    whether it holds a live claim (its anchor's claim marker)."""

    pk: int
    start: int
    end: int
    kind_bits: int
    claimed: bool = False


class BodyRows(list):
    """BodyRow of each passage in order (SpanQuerySet.for_body), and `term_ids`: the terms they use."""

    term_ids: set[int]


class TagRow:
    """A tag as the reader shows it: what a Tag has, without a model instance per row
    (thousands of them on a long article are the reader's main cost)."""

    __slots__ = ("pk", "span_id", "term_id", "role", "term")

    def __init__(self, pk: int, span_id: int, term_id: int, role: str, term: Term) -> None:
        self.pk, self.span_id, self.term_id, self.role, self.term = pk, span_id, term_id, role, term

    def get_role_display(self) -> str:
        from annotations.models.passages import Tag  # passages imports this module

        return Tag.Role(self.role).label

    @property
    def role_choices(self) -> list[tuple[str, str]]:
        """The roles this tag's term may take, for the role menu."""
        from annotations.models.passages import Tag  # passages imports this module

        return [(role, Tag.Role(role).label) for role in Tag.roles_for(self.term.kind)]


class SpanRow:
    """A passage as the reader's side list shows it (SpanQuerySet.for_reader)."""

    __slots__ = (
        "pk", "start", "end", "quote", "created_by_id", "created_by", "tag_list", "note_list", "claim_list"
    )  # fmt: skip

    def __init__(self, pk: int, start: int, end: int, quote: str, created_by_id: int) -> None:
        self.pk, self.start, self.end, self.quote, self.created_by_id = pk, start, end, quote, created_by_id
        self.created_by = None
        self.tag_list: list[TagRow] = []
        self.note_list: list[NoteRow] = []
        self.claim_list: list = []  # ClaimRow (claims.py), attached by for_reader

    @property
    def reading_key(self) -> tuple[int, int, int]:
        return (self.start, -self.end, self.pk)


class NoteRow:
    __slots__ = ("text", "author")

    def __init__(self, text: str, author) -> None:
        self.text, self.author = text, author


class SpanQuerySet(models.QuerySet):
    # The reader's viewer and article, set by in_reader and carried through chaining (_clone), so that what
    # for_body and for_reader attach to the passages (claim markers, claims, notes) is narrowed to what that
    # viewer may see there, as the passages themselves are.
    _reader: tuple[Any, int] | None = None

    def _clone(self) -> SpanQuerySet:
        clone = super()._clone()
        clone._reader = self._reader
        return clone

    def _claims_shown(self) -> models.QuerySet:
        """The live claims for_body and for_reader may show on these passages (all of them, outside the
        reader). The passages are the viewer's to see already: a claim's coder is what is left to ask."""
        from annotations.models.claims import Claim  # claims imports this module
        from annotations.models.visibility import visible_q

        claims = Claim.objects.filter(deleted_at__isnull=True)
        if self._reader is None:
            return claims
        user, article_id = self._reader
        return claims.filter(visible_q(user, article_id=article_id))

    def _notes_shown(self) -> models.QuerySet:
        """The same for notes: their author is what is left to ask."""
        from annotations.models.visibility import visible_q

        if self._reader is None:
            return Note.objects.live()
        user, article_id = self._reader
        return Note.objects.live().filter(visible_q(user, owner="author", article_id=article_id))

    def live(self) -> SpanQuerySet:
        return self.filter(deleted_at__isnull=True)

    def overlapping(self, start: int, end: int) -> SpanQuerySet:
        return self.filter(start__lt=end, end__gt=start)

    def by(self, user) -> SpanQuerySet:
        return self.filter(created_by=user)

    def visible_to(self, user, *, article_id: int | None = None) -> SpanQuerySet:
        """What this user may see under independent coding (annotations/models/visibility.py);
        `article_id` when every passage is on that article (cheaper: see visible_q)."""
        from annotations.models.visibility import visible_q

        return self.filter(visible_q(user, article_id=article_id))

    def adjudicated(self) -> SpanQuerySet:
        """Only the adjudicated coding: the leads' settled passages (annotations/models/adjudication.py)."""
        return self.filter(decision__isnull=False, decision__superseded_at__isnull=True)

    def coded(self) -> SpanQuerySet:
        """Only the analysts' own coding, without the adjudicated copies."""
        return self.filter(decision__isnull=True)

    def tagged_with(self, term_id: int | str | None = None, role: str = "") -> SpanQuerySet:
        """Passages with a tag of this term and/or in this role (both optional)."""
        from annotations.models.passages import Tag  # passages imports this module

        tags = Tag.objects.all()
        if term_id:
            tags = tags.filter(term_id=term_id)
        if role:
            tags = tags.filter(role=role)
        if not term_id and not role:
            return self
        return self.filter(pk__in=tags.values("span_id"))

    def with_tags_and_notes(self) -> list[Span]:
        """The spans (model instances) with `tag_list` (terms loaded) and `note_list` attached,
        in three queries. For one or a few passages, as the panel shows them."""
        return self.model.attach_tags_and_notes(list(self.select_related("created_by")))

    def for_body(self, *, with_terms: bool = False) -> BodyRows:
        """Where each passage lies, the kinds of its tags and whether it holds claims (one grouped
        query, no model instance per passage or tag: on a 10,000-passage article those would be most of
        the page's cost); with `with_terms`, also the ids of the terms they use (one more query), for
        the side list's menu."""
        rows = BodyRows(BodyRow(*row) for row in self.body_query())
        rows.term_ids = set()
        if with_terms and rows:
            from annotations.models.passages import Tag  # passages imports this module

            tags = Tag.objects.filter(span__in=self.values("pk")).order_by()
            rows.term_ids = set(tags.values_list("term_id", flat=True).distinct())
        return rows

    def body_query(self) -> models.QuerySet:
        """for_body's one query, not yet run: (pk, start, end, kind_bits, claimed) of each passage."""
        return (
            self.values("pk", "start", "end")
            .annotate(
                kind_bits=Max(
                    Case(When(tags__term__kind=Term.Kind.ACTOR, then=KIND_BITS["actor"]), default=0)
                )
                + Max(Case(When(tags__term__kind=Term.Kind.EVENT, then=KIND_BITS["event"]), default=0)),
                claimed=Exists(self._claims_shown().filter(span=OuterRef("pk"))),
            )
            .values_list("pk", "start", "end", "kind_bits", "claimed")
        )

    def for_reader(self) -> list[SpanRow]:
        """What the side list shows of each passage, as light rows (no model instance per passage,
        tag or note). Meant for a page of passages (views/reader.py pages the side list by 100)."""
        from django.contrib.auth import get_user_model

        spans = [SpanRow(*row) for row in self.values_list("pk", "start", "end", "quote", "created_by_id")]
        if not spans:
            return spans
        by_id = {span.pk: span for span in spans}
        self._attach_tags(spans)
        notes = list(
            self._notes_shown()
            .filter(span_id__in=list(by_id))
            .order_by("created_at", "pk")
            .values_list("span_id", "text", "author_id")
        )
        # A handful of analysts serve many rows: load each once.
        users = get_user_model().objects.in_bulk(
            {span.created_by_id for span in spans} | {note[2] for note in notes}
        )
        for span in spans:
            span.created_by = users[span.created_by_id]
        for span_id, text, author_id in notes:
            by_id[span_id].note_list.append(NoteRow(text, users[author_id]))
        from annotations.models.claims import attach_claim_rows  # claims imports this module

        attach_claim_rows(spans, self._claims_shown())
        return spans

    def _attach_tags(self, spans: list) -> None:
        from annotations.models.passages import Tag  # passages imports this module

        by_id = {span.pk: span for span in spans}
        rows = list(
            Tag.objects.filter(span_id__in=list(by_id))
            .order_by("pk")
            .values_list("pk", "span_id", "term_id", "role")
        )
        terms = Term.objects.in_bulk({row[2] for row in rows})
        for pk, span_id, term_id, role in rows:
            if span_id in by_id:
                by_id[span_id].tag_list.append(TagRow(pk, span_id, term_id, role, terms[term_id]))

    def in_article(self, article: Article) -> SpanQuerySet:
        return self.filter(article=article)

    def in_reader(self, article: Article | int, user) -> SpanQuerySet:
        """The passages the reader shows `user` on this article: the one entry point of the reader's
        body, side list, counts and repaints, narrowed by independent coding (visibility.py, in its
        one-article form: no extra query). The claims and notes that for_body and for_reader attach
        follow (Claim.objects.in_reader, Note.objects.in_reader)."""
        article_id = article if isinstance(article, int) else article.pk
        spans = self.live().filter(article_id=article_id).visible_to(user, article_id=article_id)
        spans._reader = (user, article_id)
        return spans

    def in_reading_order(self) -> SpanQuerySet:
        return self.order_by("start", "-end", "pk")

    def after(self, key: tuple[int, int, int]) -> SpanQuerySet:
        """The passages after `key` in reading order (Span.reading_key): the side list's next page.
        `start >= …` says again what the alternatives imply, so that the reading order's index starts
        there (an index condition) rather than reading every passage before it and filtering them."""
        start, neg_end, pk = key
        end = -neg_end
        return self.filter(
            Q(start__gte=start),
            Q(start__gt=start) | Q(start=start, end__lt=end) | Q(start=start, end=end, pk__gt=pk),
        )
