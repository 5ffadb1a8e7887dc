"""The claim fields' definitions as the vocabulary file gives them: help for the claim form.

The seed vocabulary's `claim_attributes` describe each field of a claim (its definition and, for an
enumeration, its values). The values themselves are fixed in code (the TextChoices of claims.py) and
checked on the server; what the file adds is the wording analysts read while coding. Loading the
vocabulary stores one ClaimAttribute per field the code knows, and reports where file and code differ.
"""

from __future__ import annotations

from django.db import models


class ClaimAttributeQuerySet(models.QuerySet):
    def as_help(self) -> dict[str, ClaimAttribute]:
        """The definitions by field name, for the claim form."""
        return {attribute.name: attribute for attribute in self}


class ClaimAttribute(models.Model):
    """One field of a claim as the vocabulary file defines it."""

    name = models.CharField(max_length=50, unique=True)  # the Claim field: speaker_role, stance, …
    label = models.CharField(max_length=100)
    definition = models.TextField(blank=True)
    value_type = models.CharField(max_length=50, blank=True)  # enum, free_text, bool, list[str], …
    values = models.JSONField(default=list, blank=True)  # the file's value list, for an enumeration
    # What else the file says of the field ("target": "actor_id or event tag"), kept for export.
    extra = models.JSONField(default=dict, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ClaimAttributeQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.label
