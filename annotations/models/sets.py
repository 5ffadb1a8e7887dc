"""Saved annotated sets: a named filter of the Annotations screen."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.urls import reverse

from annotations.models.base import User

if TYPE_CHECKING:
    from annotations.models.passages import SpanQuerySet


class SavedSet(models.Model):
    """A named filter of the Annotations screen: re-run, not frozen, each time it is exported. A set of
    claims is one whose query has view=claims (the Claims view's filter)."""

    name = models.CharField(max_length=200)
    owner = models.ForeignKey(User, on_delete=models.CASCADE, related_name="saved_sets")
    query = models.TextField(help_text="The filter as a URL query string.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["owner", "name"], name="saved_set_unique_name")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        """The Annotations screen showing this set's filter."""
        url = reverse("annotations:annotation-list")
        return f"{url}?{self.query}" if self.query else url

    @property
    def is_claims(self) -> bool:
        from django.http import QueryDict

        return QueryDict(self.query).get("view") == "claims"

    def filter_form(self):  # -> SpanFilterForm or ClaimFilterForm (imported late: filters import models)
        from django.http import QueryDict

        from annotations.filters_claims import filter_form_for

        return filter_form_for(QueryDict(self.query), user=self.owner)

    def spans(self) -> SpanQuerySet:
        """The passages that match the filter now, not when it was saved."""
        return self.filter_form().spans()

    def claims(self):  # -> ClaimQuerySet
        """The claims that match a claims set's filter now (see is_claims)."""
        return self.filter_form().claims()

    def in_words(self) -> str:
        return self.filter_form().in_words()
