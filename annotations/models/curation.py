"""A lead's verbs on the vocabulary: merge, accept, retire and bring back. Mixed into `Term`
(annotations/models/vocabulary.py). Each verb checks the curator permission itself
(annotations/permissions.py), so that the screens, the vocabulary upload, the command line and the admin
refuse alike, and records what it changed in the history.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from annotations.models.changes import Change
from annotations.permissions import require_curator

if TYPE_CHECKING:
    from annotations.models.vocabulary import Term


class TermCuration:
    """Merge, accept, retire, unretire: what only a lead (or staff) may do to a term."""

    def merge_into(self, survivor: Term, *, by) -> None:
        """Fold this term into `survivor`: its tags, aliases and children move there, its label
        becomes an alias there, and this term is retired as merged. Nothing is deleted."""
        from annotations.history import record
        from annotations.models.vocabulary import Alias  # vocabulary imports this module

        require_curator(by, f"Merging {self.label} into {survivor.label}")
        if survivor.pk == self.pk:
            raise ValidationError("A term cannot be merged into itself.", code="self")
        if survivor.kind != self.kind:
            raise ValidationError(
                f"{self.label} is an {self.get_kind_display().lower()} and {survivor.label} an "
                f"{survivor.get_kind_display().lower()}; only terms of the same kind can be merged.",
                code="kind",
            )
        if survivor.merged_into_id:
            # Merged terms are retired, so this is an old database's half-done merge: never make a loop.
            raise ValidationError(
                f"{survivor.label} was merged into {survivor.survivor().label}; "
                "merge into that term instead.",
                code="merged",
            )
        if survivor.is_retired:
            raise ValidationError(f"{survivor.label} is retired; merge into an active term.", code="retired")
        if self.merged_into_id:
            raise ValidationError(
                f"{self.label} was already merged into {self.merged_into.label}.", code="merged"
            )
        with transaction.atomic():
            from annotations.models.passages import Tag  # passages imports this module

            moved = dropped = 0
            for tag in self.tags.select_related("span").order_by("pk"):
                if Tag.objects.filter(span_id=tag.span_id, term=survivor, role=tag.role).exists():
                    tag_id = tag.pk
                    tag.delete()
                    tag.pk = tag_id
                    dropped += 1
                    record(
                        by,
                        Change.Action.DELETE,
                        tag,
                        f"Dropped {self.label} as {tag.role}: {survivor.label} already tags this passage",
                        before={"term": self.slug, "role": tag.role},
                        article_id=tag.span.article_id,
                        span_id=tag.span_id,
                        term_id=self.pk,
                    )
                else:
                    tag.term = survivor
                    tag.save(update_fields=["term"])
                    moved += 1
                    record(
                        by,
                        Change.Action.UPDATE,
                        tag,
                        f"Tag {self.label} became {survivor.label} (merge)",
                        before={"term": self.slug},
                        after={"term": survivor.slug},
                        article_id=tag.span.article_id,
                        span_id=tag.span_id,
                        term_id=survivor.pk,
                    )
            # --- claims: speakers, the actors unnamed sources belong to, and targets move too. ---
            claims_moved = self._move_claims_to(survivor, by=by)
            # --- end claims ---
            names = []
            for alias in self.aliases.order_by("pk"):
                if survivor.aliases.filter(key=alias.key).exists():
                    alias.delete()
                    continue
                alias.term = survivor
                alias.save()
                names.append(alias.name)
            if not survivor.aliases.filter(key=self.label_key).exists():
                Alias(term=survivor, name=self.label).save()
                names.append(self.label)
            for key in Alias.objects.filter(term=survivor, shared=True).values_list("key", flat=True):
                # A name that was shared between the two terms is now only the survivor's.
                holders = Alias.objects.filter(kind=self.kind, key=key)
                if holders.count() == 1:
                    holders.update(shared=False)
            children = list(self.children.exclude(pk=survivor.pk).values_list("slug", flat=True))
            self.children.exclude(pk=survivor.pk).update(parent=survivor)
            if survivor.parent_id == self.pk:
                # Merging a parent into its own child: the child takes the parent's place.
                survivor.parent_id = self.parent_id
                survivor.save(update_fields=["parent", "updated_at"])
            type(self).objects.filter(merged_into=self).update(merged_into=survivor)
            self.retired_at = timezone.now()
            self.merged_into = survivor
            self.save(update_fields=["retired_at", "merged_into", "updated_at"])
            details = {
                "tags_moved": moved,
                "tags_dropped": dropped,
                "claims_moved": claims_moved,
                "aliases_moved": names,
                "children": children,
            }
            record(
                by,
                Change.Action.MERGE,
                self,
                f"Merged {self.label} into {survivor.label}",
                before={"merged_into": None},
                after={"merged_into": survivor.slug, **details},
                term_id=self.pk,
            )
            record(
                by,
                Change.Action.MERGE,
                survivor,
                f"Merged {self.label} into {survivor.label}",
                after={"merged_from": self.slug, **details},
                term_id=survivor.pk,
            )

    def _move_claims_to(self, survivor: Term, *, by) -> int:
        """Point every claim that names this term (as speaker, speaker's group or target) at the
        survivor, one history entry per claim. Claims keep their version: the merge is the lead's
        change to the vocabulary, not to the coding. Returns how many claims moved."""
        from annotations.history import record
        from annotations.models.claims import Claim  # claims imports this module

        fields = ("speaker", "speaker_group", "target")
        claims = Claim.objects.filter(
            Q(speaker=self) | Q(speaker_group=self) | Q(target=self)
        ).select_related("span")
        moved = 0
        for claim in claims.order_by("pk"):
            named = [name for name in fields if getattr(claim, f"{name}_id") == self.pk]
            Claim.objects.filter(pk=claim.pk).update(**{name: survivor for name in named})
            moved += 1
            record(
                by,
                Change.Action.UPDATE,
                claim,
                f"Claim {', '.join(named)} {self.label} became {survivor.label} (merge)",
                before={name: self.slug for name in named},
                after={name: survivor.slug for name in named},
                article_id=claim.article_id,
                span_id=claim.span_id,
                term_id=survivor.pk,
            )
        return moved

    def accept(self, *, by) -> None:
        """A lead takes a proposed term into the vocabulary as it is (or after editing it)."""
        from annotations.history import record

        require_curator(by, f"Accepting {self.label}")
        if not self.proposed:
            raise ValidationError(f"{self.label} is not a proposed term.", code="not_proposed")
        if self.is_retired:
            raise ValidationError(
                f"{self.label} is retired; bring it back before accepting it.", code="retired"
            )
        with transaction.atomic():
            self.proposed = False
            self.save(update_fields=["proposed", "updated_at"])
            record(
                by,
                Change.Action.UPDATE,
                self,
                f"Accepted {self.label} into the vocabulary",
                before={"proposed": True},
                after={"proposed": False},
                term_id=self.pk,
            )

    def retire(self, *, by) -> None:
        """Stop offering the term for new tags; passages already tagged keep it."""
        require_curator(by, f"Retiring {self.label}")
        if self.is_retired:
            raise ValidationError(f"{self.label} is already retired.", code="retired")
        self._set_retired(timezone.now(), by, Change.Action.RETIRE, f"Retired {self.label}")

    def unretire(self, *, by) -> None:
        require_curator(by, f"Bringing back {self.label}")
        if not self.is_retired:
            raise ValidationError(f"{self.label} is not retired.", code="active")
        if self.merged_into_id:
            raise ValidationError(
                f"{self.label} was merged into {self.merged_into.label}; its tags live there now.",
                code="merged",
            )
        self._set_retired(None, by, Change.Action.RESTORE, f"Brought back {self.label}")

    def _set_retired(self, retired_at: datetime | None, by, action: str, summary: str) -> None:
        from annotations.history import record

        retired = retired_at is not None
        self.retired_at = retired_at
        with transaction.atomic():
            self.save(update_fields=["retired_at", "updated_at"])
            record(
                by,
                action,
                self,
                summary,
                before={"retired": not retired},
                after={"retired": retired},
                term_id=self.pk,
            )
