"""Analysts' notes, on a passage or on a whole article."""

from __future__ import annotations

from django.db import models, transaction
from django.utils import timezone
from django.utils.timesince import timesince

from annotations.models.base import Refused, User
from annotations.models.base import clip as _clip
from annotations.models.base import record as _record
from annotations.models.changes import Change
from annotations.permissions import can_change
from corpus.models import Article
from ops.inputs import parse_id


class NoteQuerySet(models.QuerySet):
    def live(self) -> NoteQuerySet:
        return self.filter(deleted_at__isnull=True)

    def visible_to(self, user, *, article_id: int | None = None) -> NoteQuerySet:
        """What this user may see under independent coding: a note is its author's and, on a passage,
        the passage's (annotations/models/visibility.py)."""
        from annotations.models.visibility import note_visible_q

        return self.filter(note_visible_q(user, article_id=article_id))

    def on_article(self, article: Article) -> NoteQuerySet:
        """The notes on the article as a whole (not on one of its passages)."""
        return self.filter(article=article, span__isnull=True)

    def in_reader(self, article: Article | int, user) -> NoteQuerySet:
        """The live notes on this article (on the whole article and on its passages) that the reader
        shows `user`: the one entry point, as SpanQuerySet.in_reader is for passages."""
        article_id = article if isinstance(article, int) else article.pk
        return self.live().filter(article_id=article_id).visible_to(user, article_id=article_id)


class Note(models.Model):
    """An analyst's note on a passage, or on a whole article when span is empty."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="notes")
    span = models.ForeignKey(
        "annotations.Span", on_delete=models.CASCADE, null=True, blank=True, related_name="notes"
    )
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="notes")
    text = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)
    deleted_at = models.DateTimeField(null=True, blank=True)

    objects = NoteQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.text[:60]

    MAX_LENGTH = 20_000

    @staticmethod
    def check_length(text: str) -> None:
        """A note is a note: a pasted book is refused with its length, before anything is saved."""
        length = len(text.strip())
        if length > Note.MAX_LENGTH:
            raise Refused(
                f"The note is {length:,} characters long; keep it under {Note.MAX_LENGTH:,} "
                "(split it into several notes)."
            )

    @classmethod
    def add_to_article(cls, article: Article, text: str, *, by) -> Note:
        if not text.strip():
            raise Refused("The note is empty.")
        cls.check_length(text)
        with transaction.atomic():
            note = cls.objects.create(article=article, author=by, text=text.strip())
            _record(
                by,
                "create",
                note,
                f"Noted on the article: {_clip(note.text)}",
                after={"text": note.text},
                article_id=article.pk,
            )
        return note

    def _ids(self) -> dict:
        return {"article_id": self.article_id, "span_id": self.span_id}

    def check_can_change(self, user) -> None:
        if not can_change(user, self.author_id):
            owner = self.author.get_username()
            raise Refused(f"This note is {owner}’s: only {owner} or a lead can change it.", status=403)

    def _claim(self, version: int | str | None, by) -> None:
        """Take the next version, or refuse if someone changed the note meanwhile."""
        version = parse_id(version)
        if version is None:
            raise Refused("The note's version is missing; reload it.")
        now = timezone.now()
        if not Note.objects.filter(pk=self.pk, version=version, deleted_at__isnull=True).update(
            version=models.F("version") + 1, updated_at=now
        ):
            last = (
                Change.objects.filter(object_type="note", object_id=self.pk).select_related("actor").first()
            )
            who = (
                f" ({last.actor.get_username() if last.actor else 'someone'}, {timesince(last.at)} ago)"
                if last
                else ""
            )
            raise Refused(f"Someone else changed this note{who}; reload it.", status=409)
        self.version, self.updated_at = version + 1, now

    def edit(self, text: str, *, by, version: int | str | None) -> None:
        if not text.strip():
            raise Refused("The note is empty; delete it instead.")
        self.check_length(text)
        self.check_can_change(by)
        with transaction.atomic():
            self._claim(version, by)
            before, self.text = self.text, text.strip()
            Note.objects.filter(pk=self.pk).update(text=self.text)
            _record(
                by,
                "update",
                self,
                f"Edited a note: {_clip(self.text)}",
                before={"text": before},
                after={"text": self.text},
                **self._ids(),
            )

    def soft_delete(self, *, by, version: int | str | None) -> None:
        self.check_can_change(by)
        with transaction.atomic():
            self._claim(version, by)
            self.deleted_at = timezone.now()
            Note.objects.filter(pk=self.pk).update(deleted_at=self.deleted_at)
            _record(
                by,
                "delete",
                self,
                f"Deleted a note: {_clip(self.text)}",
                before={"text": self.text},
                **self._ids(),
            )
