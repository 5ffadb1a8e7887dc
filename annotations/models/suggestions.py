"""What the reader's vocabulary suggestions need from the database: the vocabulary's version
(one row, bumped in the same transaction as any change of a term or an alias) and the suggestions
analysts rejected (per article, for everyone, counted for the leads)."""

from __future__ import annotations

import uuid
from contextlib import contextmanager

from django.db import models, transaction
from django.db.models import F

from annotations.models.base import User
from corpus.models import Article
from ops.compiled import Compiled


def _new_stamp() -> str:
    return uuid.uuid4().hex


class VocabularyVersion(models.Model):
    """One row: a number that grows with every change of a term or an alias. Caches of anything
    computed from the vocabulary (the compiled matchers, each article's suggestions) are keyed by
    it, so every process sees a change at its next request, with one primary-key read."""

    number = models.PositiveBigIntegerField(default=0)
    # New at every bump: a bump rolled back with its transaction, or a row made again, never yields
    # a version some process has already compiled for another vocabulary.
    stamp = models.CharField(max_length=32, default=_new_stamp)

    ROW = 1

    def __str__(self) -> str:
        return f"vocabulary version {self.number}"

    @classmethod
    def current(cls) -> int:
        number = cls.objects.filter(pk=cls.ROW).values_list("number", flat=True).first()
        return number or 0

    @classmethod
    def key(cls) -> str:
        """The version as caches key it: the row's stamp and number (one primary-key read, compiled
        once, and once per request: every reader load and save asks; a bump reads it again)."""
        rows = _version_row()
        return f"{rows[0][0]}.{rows[0][1]}" if rows else "0"

    @classmethod
    def key_ahead(cls) -> None:
        """This request will ask key(): read it along with its next query (Compiled.ahead)."""
        _version_row.ahead()

    @classmethod
    def bump(cls, using: str | None = None) -> None:
        """Add one, in the caller's transaction (the row lock orders concurrent changes)."""
        _version_row.forget()  # this request reads the version again
        rows = cls.objects.db_manager(using)
        if not rows.filter(pk=cls.ROW).update(number=F("number") + 1, stamp=_new_stamp()):
            rows.get_or_create(pk=cls.ROW, defaults={"number": 1})


_version_row = Compiled(
    lambda: VocabularyVersion.objects.filter(pk=VocabularyVersion.ROW).values_list("stamp", "number")[:1],
    per_request=True,
)


@contextmanager
def vocabulary_change(using: str | None = None):
    """Run a change of terms or aliases and bump the vocabulary's version in one transaction."""
    with transaction.atomic(using=using):
        yield
        VocabularyVersion.bump(using=using)


class VocabularyQuerySet(models.QuerySet):
    """Terms' and aliases' bulk writes bump the vocabulary's version in the same transaction,
    so no door (a loader, a merge, an admin action) can change a name without the caches knowing.
    A write that changes no row bumps nothing: loading the same file again (`make run` twice) keeps
    every process's compiled vocabulary and cached suggestions. Django's bulk_update writes through
    update(), so it bumps here once a batch (tests/test_vocabulary_version.py holds it to that)."""

    def update(self, **kwargs) -> int:
        with transaction.atomic(using=self.db):
            rows = super().update(**kwargs)
            if rows:
                VocabularyVersion.bump(using=self.db)
        return rows

    def delete(self):
        with transaction.atomic(using=self.db):
            deleted = super().delete()
            if deleted[0]:
                VocabularyVersion.bump(using=self.db)
        return deleted

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        with transaction.atomic(using=self.db):
            created = super().bulk_create(objs, *args, **kwargs)
            if objs:
                VocabularyVersion.bump(using=self.db)
        return created


class SuggestionRejectionQuerySet(models.QuerySet):
    def in_article(self, article: Article) -> SuggestionRejectionQuerySet:
        return self.filter(article=article)


class SuggestionRejection(models.Model):
    """An analyst said a suggestion is wrong: this name (folded) is not this term (or, for a
    "new actor?" suggestion, not an actor) in this article. The rules never suggest the pair there
    again, for anyone; the leads see how often each name misled."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200, help_text="The suggested text, folded.")
    text = models.CharField(max_length=200, help_text="The suggested text as the article has it.")
    term = models.ForeignKey(
        "annotations.Term", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    label = models.CharField(max_length=200, blank=True, help_text="A new actor's proposed label.")
    certainty = models.CharField(max_length=10, blank=True)
    kind = models.CharField(max_length=10, blank=True)
    start = models.PositiveIntegerField(help_text="Where it was rejected first.")
    rejected_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    rejected_at = models.DateTimeField(auto_now_add=True)

    objects = SuggestionRejectionQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["article", "key", "term"],
                condition=models.Q(term__isnull=False),
                name="rejection_once",
            ),
            models.UniqueConstraint(
                fields=["article", "key"], condition=models.Q(term__isnull=True), name="rejection_new_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.text} ≠ {self.term or 'a new actor'}"
