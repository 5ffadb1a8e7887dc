"""The history: one Change per create, change and delete of passages, tags, notes, terms and aliases."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from annotations.models.base import User
from corpus.models import Article


class ChangeQuerySet(models.QuerySet):
    def visible_to(self, user, *, article_id: int | None = None) -> ChangeQuerySet:
        """The history entries this user may see under independent coding (visibility.py)."""
        from annotations.models.visibility import change_visible_q

        return self.filter(change_visible_q(user, article_id=article_id))

    def in_reader(self, article: Article | int, user) -> ChangeQuerySet:
        """The history the reader shows `user` on this article (newest first): its activity and a passage's
        or a claim's history. The one entry point, as SpanQuerySet.in_reader is for passages."""
        article_id = article if isinstance(article, int) else article.pk
        visible = self.filter(article_id=article_id).visible_to(user, article_id=article_id)
        return visible.one_line_per_action()

    def one_line_per_action(self) -> ChangeQuerySet:
        """Without the records of a passage's first tag and note, made in the same action as the passage
        (Span.create_for gives all three its time): the passage's own line names them."""
        return self.exclude(object_type__in=("tag", "note"), action="create", span__created_at=models.F("at"))

    def before(self, change: Change) -> ChangeQuerySet:
        """The changes older than `change` in the history's order: the activity's next page."""
        return self.filter(models.Q(at__lt=change.at) | models.Q(at=change.at, pk__lt=change.pk))


def _names(to: type[models.Model] | str, related_name: str) -> models.ForeignKey:
    """A history line's link to a row it names: optional, without an index of its own, not checked by
    the database (Change)."""
    return models.ForeignKey(
        to,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name=related_name,
        db_index=False,
        db_constraint=False,
    )


class Change(models.Model):
    """One entry of the history: who did what to which object, with before and after."""

    class Action(models.TextChoices):
        CREATE = "create"
        UPDATE = "update"
        DELETE = "delete"
        RESTORE = "restore"
        MERGE = "merge"
        RETIRE = "retire"

    # The keys of a history line are not checked by the database (db_constraint=False), as
    # django-simple-history does for its history rows: every line is written in the transaction of
    # the change it records, whose own rows' keys are checked there, and Django deletes a line with
    # the row it names (on_delete) as before. Checking them again cost every save eight lookups that
    # lock the user's, the article's and the term's rows (PostgreSQL's FOR KEY SHARE), which
    # concurrent saves then share.
    actor = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, related_name="+", db_constraint=False
    )
    at = models.DateTimeField(default=timezone.now, db_index=True)
    action = models.CharField(max_length=10, choices=Action.choices)
    object_type = models.CharField(max_length=10)  # span, tag, note, term, alias
    object_id = models.PositiveBigIntegerField()
    # article, span and term: no index of their own; the history indexes below begin with each (every
    # index is written at every save).
    article = _names(Article, "+")
    span = _names("annotations.Span", "changes")
    term = _names("annotations.Term", "changes")
    summary = models.CharField(max_length=500)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)

    objects = ChangeQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["article", "-at"]),
            # The history of one object: a passage's panel, a term's page, a note's stale-save message.
            models.Index(fields=["span", "-at"], name="change_span_history"),
            models.Index(fields=["term", "-at"], name="change_term_history"),
            models.Index(fields=["object_type", "object_id", "-at"], name="change_object_history"),
        ]

    def __str__(self) -> str:
        return self.summary
