"""Passages (Span) and their tags (Tag), and the light rows the reader renders them from."""

from __future__ import annotations

import datetime as dt

from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.timesince import timesince

from annotations.graphemes import check_range
from annotations.models.base import PREFIX_LENGTH, Refused, User
from annotations.models.base import clip as _clip
from annotations.models.base import record as _record
from annotations.models.changes import Change
from annotations.models.notes import Note
from annotations.models.span_queries import (  # noqa: F401 (read as annotations.models.passages.NAME too)
    KIND_BITS,
    BodyRow,
    BodyRows,
    NoteRow,
    SpanQuerySet,
    SpanRow,
    TagRow,
)
from annotations.models.vocabulary import Term
from annotations.permissions import can_change
from corpus.models import Article
from ops.compiled import insert, insert_linked, key_of
from ops.inputs import parse_id


class Span(models.Model):
    """A highlighted passage: code-point offsets into Article.body, end exclusive."""

    # No index of its own: (article, start) and the reading order's index begin with it.
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="spans", db_index=False)
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    quote = models.TextField()
    prefix = models.CharField(max_length=PREFIX_LENGTH, blank=True)
    suffix = models.CharField(max_length=PREFIX_LENGTH, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="spans")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    objects = SpanQuerySet.as_manager()

    class Meta:
        ordering = ["article", "start", "-end", "pk"]
        indexes = [
            models.Index(fields=["article", "start"]),
            models.Index(fields=["created_at"]),
            # The reader reads an article's live passages in reading order: this index serves it alone,
            # the analyst included, whom independent coding filters on (visibility.py).
            models.Index(
                fields=["article", "start", "-end", "id", "created_by"],
                condition=Q(deleted_at__isnull=True),
                name="span_live_reading_order",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="span_end_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.quote[:60]} ({self.article_id}:{self.start}-{self.end})"

    def get_absolute_url(self) -> str:
        return reverse("annotations:reader", args=[self.article_id]) + f"#span-{self.pk}"

    @property
    def reading_key(self) -> tuple[int, int, int]:
        """Where the passage comes in reading order (start, longest first, then oldest), as a tuple
        that sorts like SpanQuerySet.in_reading_order."""
        return (self.start, -self.end, self.pk)

    # --- The rules of the annotation loop. Each change is checked, versioned and recorded. ---

    @classmethod
    def unsaved(cls, article: Article, start: int, end: int, *, by, at: dt.datetime) -> Span:
        """A passage of these offsets as stored (its quote and the text around it), not saved yet: for
        create_for, and for whoever writes many at once (bulk_create)."""
        body = article.body
        return cls(
            article=article,
            start=start,
            end=end,
            quote=body[start:end],
            prefix=body[max(0, start - PREFIX_LENGTH) : start],
            suffix=body[end : end + PREFIX_LENGTH],
            created_by=by,
            created_at=at,
            updated_at=at,
        )

    @classmethod
    def create_for(
        cls,
        article: Article,
        start: int,
        end: int,
        text: str,
        *,
        by,
        term: Term | None = None,
        role: str = "",
        note: str = "",
    ) -> Span:
        """A new passage from a browser selection: offsets checked against the body, whitespace
        trimmed, neither end inside a user-perceived character (annotations/graphemes.py),
        quote/prefix/suffix stored; optionally its first tag and a note."""
        body = article.body
        if not (0 <= start < end <= len(body)):
            if start >= end:
                raise Refused(f"The selection is empty or reversed (start {start}, end {end}).")
            raise Refused(
                f"The selection {start}–{end} lies outside the article (it has {len(body)} characters)."
            )
        if body[start:end] != text:
            raise Refused(
                f"The selected text does not match the article at {start}–{end}: "
                f"expected “{_clip(body[start:end])}”, got “{_clip(text)}”. Reload the page."
            )
        while start < end and body[start].isspace():
            start += 1
        while end > start and body[end - 1].isspace():
            end -= 1
        if start >= end:
            raise Refused("The selection holds only whitespace.")
        cut = check_range(body, start, end)
        if cut:
            raise Refused(cut)
        if term is not None:
            role = Tag.check_role(term, role)
        Note.check_length(note)
        now = timezone.now()  # one action: the passage, its first tag and its note share their time
        span = cls.unsaved(article, start, end, by=by, at=now)
        summary = f"Marked “{_clip(span.quote)}”"
        if term is not None:  # the activity shows this one line for the whole action
            summary = f"Tagged “{_clip(span.quote)}” with {term.label} as {role}"
        if note.strip():
            summary += ", with a note"
        after = span.snapshot(tagged=False)
        line = _record(by, "create", span, summary, after=after, at=now, save=False, **span._ids())
        # The action's rows are made as it goes and written together (ops/compiled.py), the save's hot
        # path: on PostgreSQL in one statement; elsewhere the history lines in one INSERT.
        pending = [span, line]
        tags = [span._tag(term, role, by, first=True, at=now, pending=pending)] if term is not None else []
        notes = [span._note(note, by, at=now, pending=pending)] if note.strip() else []
        insert_linked(pending)
        # What it holds is known without asking: the panel and the side list show it as it is.
        span.tag_list, span.note_list, span.claim_list = tags, notes, []
        span.written = [line]  # its history as the reader shows it: one line for the whole action
        return span

    @staticmethod
    def attach_tags_and_notes(spans: list[Span], notes: models.QuerySet | None = None) -> list[Span]:
        """Attach `tag_list` (terms loaded) and `note_list` (live notes, authors loaded; of `notes` when
        given, e.g. Note.objects.in_reader: those the viewer may see) to these passages, in two queries."""
        by_id = {span.pk: span for span in spans}
        for span in spans:
            span.tag_list, span.note_list = [], []
        if spans:
            for tag in Tag.objects.filter(span_id__in=list(by_id)).select_related("term").order_by("pk"):
                by_id[tag.span_id].tag_list.append(tag)
            notes = notes if notes is not None else Note.objects.live()
            for note in notes.filter(span_id__in=list(by_id)).select_related("author"):
                by_id[note.span_id].note_list.append(note)
        return spans

    def _ids(self) -> dict:
        return {"article_id": self.article_id, "span_id": key_of(self)}

    def snapshot(self, *, tagged: bool = True) -> dict:
        """The passage as the history records it. `tagged=False`: it has no tags yet (it was just
        made), so they are not read."""
        tags = self.tags.select_related("term") if tagged else []
        return {
            "start": self.start,
            "end": self.end,
            "quote": self.quote,
            "version": self.version,
            "tags": [{"term": t.term.slug, "label": t.term.label, "role": t.role} for t in tags],
        }

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def kinds(self) -> set[str]:
        return {tag.term.kind for tag in getattr(self, "tag_list", None) or self.tags.select_related("term")}

    def check_can_change(self, user) -> None:
        if not can_change(user, self.created_by_id):
            owner = self.created_by.get_username()
            raise Refused(f"This passage is {owner}’s: only {owner} or a lead can change it.", status=403)

    def last_change(self) -> Change | None:
        """The latest change to the passage or its tags (notes and claims do not move its version)."""
        return self.changes.exclude(object_type__in=("note", "claim")).select_related("actor").first()

    def _claim(self, version: int | str | None, by) -> None:
        """Check permission and take the next version, or refuse if someone changed it meanwhile.

        One UPDATE … WHERE version = n: of two concurrent saves exactly one wins."""
        self.check_can_change(by)
        version = parse_id(version)
        if version is None:
            raise Refused("The passage's version is missing; reload it.")
        now = timezone.now()
        claimed = Span.objects.filter(pk=self.pk, version=version, deleted_at__isnull=True).update(
            version=models.F("version") + 1, updated_at=now
        )
        if not claimed:
            self.refresh_from_db()
            if self.is_deleted:
                raise Refused("This passage has been deleted; reload the page.", status=409)
            raise Refused(self.stale_message(), status=409)
        self.version, self.updated_at = version + 1, now

    def stale_message(self) -> str:
        change = self.last_change()
        if change is None:
            return "Someone else changed this passage; reload it."
        who = change.actor.get_username() if change.actor else "someone"
        return f"Someone else changed this passage ({who}, {timesince(change.at)} ago); reload it."

    def _tag(
        self,
        term: Term,
        role: str,
        by,
        *,
        first: bool = False,
        at: dt.datetime | None = None,
        pending: list | None = None,
    ) -> Tag:
        """Tag the passage (`first`: it has no tag yet, so this one cannot be a duplicate). Given
        `pending`, the tag and its history line are appended to it unsaved, for the caller to write
        with the rest (insert_linked); the passage may be unsaved too."""
        if not first and self.tags.filter(term=term, role=role).exists():
            raise Refused(f"This passage is already tagged {term.label} as {role}.")
        tag = Tag(span=self, term=term, role=role, created_by=by)
        if pending is None:
            insert(tag)
        change = _record(
            by,
            "create",
            tag,
            f"Tagged “{_clip(self.quote)}” with {term.label} as {role}",
            after={"term": term.slug, "label": term.label, "role": role},
            term_id=term.pk,
            at=at,
            save=pending is None,
            **self._ids(),
        )
        if pending is not None:
            pending += [tag, change]
        return tag

    def _note(self, text: str, by, *, at: dt.datetime | None = None, pending: list | None = None) -> Note:
        """Note on the passage; given `pending`, the note and its history line are appended to it unsaved."""
        note = Note(article_id=self.article_id, span=self, author=by, text=text.strip())
        if pending is None:
            note.save(force_insert=True)
        change = _record(
            by,
            "create",
            note,
            f"Noted on “{_clip(self.quote)}”: {_clip(note.text)}",
            after={"text": note.text},
            at=at,
            save=pending is None,
            **self._ids(),
        )
        if pending is not None:
            pending += [note, change]
        return note

    def add_tag(self, term: Term, role: str, *, by, version: int | str | None) -> Tag:
        role = Tag.check_role(term, role)
        # Reads before the transaction: on SQLite a transaction that reads, then writes, can
        # fail at once when another writer got there first; the version check keeps this safe.
        self.check_can_change(by)
        with transaction.atomic():
            self._claim(version, by)
            return self._tag(term, role, by)

    def tag(self, tag_id: int | str) -> Tag:
        try:
            return self.tags.select_related("term").get(pk=parse_id(tag_id) or 0)
        except Tag.DoesNotExist:
            raise Refused("That tag is no longer on this passage; reload it.", status=409) from None

    def remove_tag(self, tag_id: int | str, *, by, version: int | str | None) -> None:
        self.check_can_change(by)
        tag = self.tag(tag_id)
        with transaction.atomic():
            self._claim(version, by)
            before = {"term": tag.term.slug, "label": tag.term.label, "role": tag.role}
            _record(
                by,
                "delete",
                tag,
                f"Removed {tag.term.label} ({tag.role}) from “{_clip(self.quote)}”",
                before=before,
                term_id=tag.term_id,
                **self._ids(),
            )
            tag.delete()

    def change_role(self, tag_id: int | str, role: str, *, by, version: int | str | None) -> Tag:
        self.check_can_change(by)
        tag = self.tag(tag_id)
        role = Tag.check_role(tag.term, role)
        if role == tag.role:
            return tag
        if self.tags.filter(term=tag.term, role=role).exists():
            raise Refused(f"This passage is already tagged {tag.term.label} as {role}.")
        with transaction.atomic():
            self._claim(version, by)
            before = tag.role
            tag.role = role
            tag.save(update_fields=["role"])
            _record(
                by,
                "update",
                tag,
                f"{tag.term.label}: role {before} → {role} on “{_clip(self.quote)}”",
                before={"role": before},
                after={"role": role},
                term_id=tag.term_id,
                **self._ids(),
            )
            return tag

    def add_note(self, text: str, *, by) -> Note:
        """Any analyst may add their own note to any passage; notes stay their author's."""
        if not text.strip():
            raise Refused("The note is empty.")
        Note.check_length(text)
        if self.is_deleted:
            raise Refused("This passage has been deleted; reload the page.", status=409)
        with transaction.atomic():
            return self._note(text, by)

    def soft_delete(self, *, by, version: int | str | None) -> None:
        """Delete the passage, keeping its tags and notes so that Undo brings it back whole."""
        self.check_can_change(by)
        with transaction.atomic():
            self._claim(version, by)
            now = timezone.now()
            Span.objects.filter(pk=self.pk).update(deleted_at=now, deleted_by=by)
            self.deleted_at, self.deleted_by = now, by
            _record(
                by, "delete", self, f"Deleted “{_clip(self.quote)}”", before=self.snapshot(), **self._ids()
            )

    def restore(self, *, by) -> None:
        """Undo a delete: the passage comes back with its tags and notes."""
        self.check_can_change(by)
        with transaction.atomic():
            restored = Span.objects.filter(pk=self.pk, deleted_at__isnull=False).update(
                deleted_at=None, deleted_by=None, version=models.F("version") + 1, updated_at=timezone.now()
            )
            if not restored:
                raise Refused("This passage is not deleted.", status=409)
            self.refresh_from_db()
            _record(
                by, "restore", self, f"Restored “{_clip(self.quote)}”", after=self.snapshot(), **self._ids()
            )


class PassageCount(models.Model):
    """How many live passages an article has, kept by the database itself: triggers on the passages'
    table (migration 0013) count each passage made, deleted, restored or removed, so every door keeps
    it right, a save, an undo, an import, a bundle, a restored backup or raw SQL alike. The reader
    shows it after each save; counting the article's passages instead read all of them, and on
    PostgreSQL visited the table for each one written since the last VACUUM (0.77 ms at 650 passages).
    No row: no passage yet."""

    article = models.OneToOneField(Article, on_delete=models.CASCADE, primary_key=True, related_name="+")
    # Not a PositiveIntegerField: a check that failed inside a trigger would refuse the analyst's delete.
    live = models.IntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.live} passages in article {self.article_id}"


class Tag(models.Model):
    class Role(models.TextChoices):
        SOURCE = "source", "Source (asserts it)"
        AGENT = "agent", "Agent (acts)"
        TARGET = "target", "Target (acted upon)"
        MENTIONED = "mentioned", "Mentioned"
        EVENT = "event", "Event"

    ACTOR_ROLES = (Role.SOURCE, Role.AGENT, Role.TARGET, Role.MENTIONED)
    EVENT_ROLES = (Role.EVENT,)

    # span, term, created_by: no index of their own; the constraint and the indexes below begin with
    # each (every index is written at every save).
    span = models.ForeignKey(Span, on_delete=models.CASCADE, related_name="tags", db_index=False)
    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="tags", db_index=False)
    role = models.CharField(max_length=10, choices=Role.choices)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", db_index=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["span", "pk"]
        indexes = [
            # An analyst's last terms (Tag.recent_terms), read on every reader load and tagging save.
            models.Index(fields=["created_by", "-created_at", "-id"], name="tag_recent_by_analyst"),
            # The passages of a term (the Annotations screen's term filter), from the index alone.
            models.Index(fields=["term", "span"], name="tag_term_span"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["span", "term", "role"], name="tag_unique_per_span"),
        ]

    def __str__(self) -> str:
        return f"{self.term} as {self.role}"

    @property
    def role_choices(self) -> list[tuple[str, str]]:
        """The roles this tag's term may take, for the role menu."""
        return [(role, Tag.Role(role).label) for role in Tag.roles_for(self.term.kind)]

    @staticmethod
    def roles_for(kind: str) -> tuple[str, ...]:
        return Tag.EVENT_ROLES if kind == Term.Kind.EVENT else Tag.ACTOR_ROLES

    @staticmethod
    def check_role(term: Term, role: str) -> str:
        """The role for this term: its default when none is given; refused if it does not fit."""
        if not role:
            return term.default_role
        allowed = Tag.roles_for(term.kind)
        if role not in allowed:
            raise Refused(
                f"The role “{role}” does not fit {term.label} (an {term.kind}); choose {', '.join(allowed)}."
            )
        return role

    @staticmethod
    def term_for_tagging(term_id: int | str | None) -> Term:
        """The term an analyst picked, refused if unknown or retired."""
        if term_id in (None, ""):
            raise Refused("Choose a term from the list first.")
        term = Term.as_stored(parse_id(term_id) or 0)
        if term is None:
            raise Refused(f"Unknown term “{str(term_id)[:40]}”.")
        if term.is_retired:
            instead = f"; use {term.merged_into.label}" if term.merged_into_id else ""
            raise Refused(f"{term.label} is retired and cannot be used for new tags{instead}.")
        return term

    @staticmethod
    def recent_terms(user, limit: int = 9) -> list[Term]:
        """The last `limit` different active terms this analyst tagged with, most recent first."""
        seen: list[int] = []
        for term_id in (
            Tag.objects.filter(created_by=user)
            .order_by("-created_at", "-pk")
            .values_list("term_id", flat=True)[:200]
        ):
            if term_id not in seen:
                seen.append(term_id)
        terms = Term.objects.active().in_bulk(seen)
        return [terms[pk] for pk in seen if pk in terms][:limit]
