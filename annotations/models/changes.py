"""The history: one Change per create, change and delete of passages, tags, notes, terms and aliases."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from annotations.models.base import User
from corpus.models import Article


class Change(models.Model):
    """One entry of the history: who did what to which object, with before and after."""

    class Action(models.TextChoices):
        CREATE = "create"
        UPDATE = "update"
        DELETE = "delete"
        RESTORE = "restore"
        MERGE = "merge"
        RETIRE = "retire"

    actor = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(default=timezone.now, db_index=True)
    action = models.CharField(max_length=10, choices=Action.choices)
    object_type = models.CharField(max_length=10)  # span, tag, note, term, alias
    object_id = models.PositiveBigIntegerField()
    article = models.ForeignKey(Article, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    span = models.ForeignKey(
        "annotations.Span", on_delete=models.CASCADE, null=True, blank=True, related_name="changes"
    )
    term = models.ForeignKey(
        "annotations.Term", on_delete=models.CASCADE, null=True, blank=True, related_name="changes"
    )
    summary = models.CharField(max_length=500)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["article", "-at"])]

    def __str__(self) -> str:
        return self.summary
