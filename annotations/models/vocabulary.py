"""The shared vocabulary: terms (actors and event types) and their aliases. A lead's verbs on a term
(merge, accept, retire, bring back) are in curation.py, mixed into Term."""

from __future__ import annotations

import functools
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Case, Count, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce, Least
from django.urls import reverse

from annotations.folding import fold
from annotations.models.base import User
from annotations.models.changes import Change
from annotations.models.curation import TermCuration
from annotations.models.suggestions import VocabularyQuerySet, VocabularyVersion, vocabulary_change
from annotations.permissions import can_remove_alias, require_term_change, whose
from ops.compiled import CompiledObjects

NO_MATCH = 9


class TermQuerySet(VocabularyQuerySet):
    def active(self) -> TermQuerySet:
        return self.filter(retired_at__isnull=True)

    def actors(self) -> TermQuerySet:
        return self.filter(kind=Term.Kind.ACTOR)

    def events(self) -> TermQuerySet:
        return self.filter(kind=Term.Kind.EVENT)

    def of_kind(self, kind: str | None) -> TermQuerySet:
        return self.filter(kind=kind) if kind in Term.Kind.values else self

    def matching(self, query: str) -> TermQuerySet:
        """Terms whose label or an alias contains the folded query, best match first:
        an exact name, then a name starting with the query, then a word of a name starting
        with it, then anywhere inside; ties in label order. Each term appears once."""
        key = fold(query)
        if not key:
            return self
        exact = [key]
        if key.endswith("s") and len(key) > 3:
            # "Iran's" and "irans" fold to "irans": let the possessive find "Iran".
            exact.append(key[:-1])

        def rank(field: str) -> Case:
            return Case(
                When(**{f"{field}__in": exact}, then=Value(0)),
                When(**{f"{field}__startswith": key}, then=Value(1)),
                When(**{f"{field}__contains": " " + key}, then=Value(2)),
                When(**{f"{field}__contains": key}, then=Value(3)),
                default=Value(NO_MATCH),
            )

        best_alias = (
            Alias.objects.filter(Q(key__contains=key) | Q(key__in=exact), term=OuterRef("pk"))
            .annotate(rank=rank("key"))
            .order_by("rank")
            .values("rank")[:1]
        )
        return (
            self.annotate(
                match_rank=Least(Coalesce(Subquery(best_alias), Value(NO_MATCH)), rank("label_key"))
            )
            .filter(match_rank__lt=NO_MATCH)
            .order_by("match_rank", "label", "pk")
        )

    def with_usage(self, viewer: Any = None) -> TermQuerySet:
        """Annotate `usage`: live tags on live passages (with `viewer`, those they may see under
        independent coding). A subquery, so it combines with matching()."""
        from annotations.models.passages import Tag  # passages imports this module
        from annotations.models.visibility import tag_visible_q

        tags = Tag.objects.filter(term=OuterRef("pk"), span__deleted_at__isnull=True)
        if viewer is not None:
            tags = tags.filter(tag_visible_q(viewer))
        live_tags = tags.order_by().values("term").annotate(count=Count("pk")).values("count")
        return self.annotate(usage=Coalesce(Subquery(live_tags), Value(0)))

    def of_actor_type(self, actor_type: str | None) -> TermQuerySet:
        return self.filter(actor_type=actor_type) if actor_type in Term.ActorType.values else self


class Term(TermCuration, models.Model):
    class Kind(models.TextChoices):
        ACTOR = "actor", "Actor"
        EVENT = "event", "Event"

    class ActorType(models.TextChoices):
        PERSON = "person", "Person"
        ORGANIZATION = "organization", "Organisation"
        STATE = "state", "State"
        ARMED_GROUP = "armed_group", "Armed group"
        GOVERNMENT_BODY = "government_body", "Government body"

    slug = models.SlugField(max_length=100, unique=True, help_text="Stable id, e.g. qasem-soleimani.")
    kind = models.CharField(max_length=5, choices=Kind.choices)
    label = models.CharField(max_length=200)
    label_key = models.CharField(max_length=200, editable=False, db_index=True)
    actor_type = models.CharField(max_length=20, choices=ActorType.choices, blank=True)
    country = models.CharField(max_length=3, blank=True, help_text="ISO 3166-1 alpha-3.")
    code = models.CharField(max_length=100, blank=True, help_text="CAMEO/PLOVER-style code.")
    description = models.TextField(blank=True)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    # Everything else the vocabulary carries: CAMEO status, PLOVER sector/event/mode,
    # ACLED mapping, curators' notes. Kept whole so an export loses nothing.
    mappings = models.JSONField(default=dict, blank=True)
    # Added by an analyst from the reader's type-ahead, waiting for a lead to accept, merge or retire it.
    # Usable at once.
    proposed = models.BooleanField(default=False)
    retired_at = models.DateTimeField(null=True, blank=True)
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged_terms"
    )
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    # What the operator's vocabulary files last gave this term (label, code, …, retired, merged_into, the
    # folded names): the base of the loader's three-way rule, so that a load changes only what the team
    # left as the file had it (annotations/vocabulary/loading.py).
    loaded_values = models.JSONField(default=dict, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TermQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "label"]

    def __str__(self) -> str:
        return self.label

    def save(self, *args, **kwargs) -> None:
        self.label_key = fold(self.label)
        with vocabulary_change():
            super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("annotations:term-detail", args=[self.slug])

    def delete(self, *args, **kwargs):
        with vocabulary_change():
            return super().delete(*args, **kwargs)

    @classmethod
    def as_stored(cls, pk: int) -> Term | None:
        """The term of this key as stored, or None: read once per vocabulary version in this process
        (every change of a term bumps the version), so a save's term costs no query of its own after
        the first. The instance is shared: read it, do not change it."""
        return _term_at(VocabularyVersion.key(), pk)

    @property
    def is_retired(self) -> bool:
        return self.retired_at is not None

    @property
    def default_role(self) -> str:
        from annotations.models.passages import Tag  # passages imports this module

        return Tag.Role.EVENT if self.kind == Term.Kind.EVENT else Tag.Role.MENTIONED

    @property
    def display(self) -> str:
        """`Label [CODE]`, as the CSV writes it."""
        return f"{self.label} [{self.code}]" if self.code else self.label

    def survivor(self) -> Term:
        """Where this term's tags live now: the end of its merged_into chain. The verbs never make a
        loop, but the walk is bounded all the same: on a loop it stops before going round again."""
        term, seen = self, {self.pk}
        while term.merged_into_id and term.merged_into_id not in seen:
            seen.add(term.merged_into_id)
            term = term.merged_into
        return term

    def descendant_ids(self) -> set[int]:
        """This term and every term below it (IRGC finds Quds Force)."""
        ids, frontier = {self.pk}, {self.pk}
        while frontier:
            frontier = set(Term.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)) - ids
            ids |= frontier
        return ids

    # --- Vocabulary verbs. Each records its Change, so the term page shows who did what. ---

    @classmethod
    def propose(cls, label: str, actor_type: str, *, by) -> tuple[Term, bool]:
        """A new actor named in the text and missing from the vocabulary, usable at once and marked
        proposed for a lead to accept, merge or retire. Returns (term, created): when an active actor
        already has that name, that actor, so the same name never becomes two terms."""
        from annotations.history import record

        label = " ".join(label.split())
        if not any(char.isalnum() for char in label):
            raise ValidationError("A new actor's name needs at least one letter or digit.", code="empty")
        if actor_type not in Term.ActorType.values:
            raise ValidationError(
                f"Choose what kind of actor “{label}” is: {', '.join(Term.ActorType.values)}.", code="type"
            )
        existing = (
            Term.objects.active()
            .actors()
            .filter(Q(label_key=fold(label)) | Q(aliases__key=fold(label)))
            .distinct()
            .first()
        )
        if existing is not None and fold(label):
            return existing, False
        probe = Term(kind=Term.Kind.ACTOR)
        label = probe.check_new_alias(label)  # a name a retired actor still holds is refused, naming it
        with transaction.atomic():
            term = Term(
                slug=cls.free_slug(label),
                kind=Term.Kind.ACTOR,
                label=label,
                actor_type=actor_type,
                proposed=True,
                created_by=by if by is not None and by.is_authenticated else None,
            )
            term.save()
            record(
                by,
                Change.Action.CREATE,
                term,
                f"Proposed {term.label} as a new {term.get_actor_type_display().lower()}",
                after={**term.snapshot(), "proposed": True},
                term_id=term.pk,
            )
            term.ensure_label_alias(by=by)
        return term, True

    @staticmethod
    def free_slug(label: str) -> str:
        """An unused id made from the label ("Emmanuel Macron" -> emmanuel-macron, then -2, -3…)."""
        from django.utils.text import slugify

        base = slugify(label)[:90].strip("-") or "term"
        slug, n = base, 2
        while Term.objects.filter(slug=slug).exists():
            slug, n = f"{base}-{n}", n + 1
        return slug

    def snapshot(self) -> dict:
        """The editable fields as they are now, for a Change's before/after."""
        return {
            "slug": self.slug,
            "kind": self.kind,
            "label": self.label,
            "actor_type": self.actor_type,
            "country": self.country,
            "code": self.code,
            "description": self.description,
            "parent": self.parent.slug if self.parent_id else None,
        }

    def alias_names(self) -> list[str]:
        return [alias.name for alias in self.aliases.order_by("pk")]

    @property
    def alias_preview(self) -> tuple[list[str], int]:
        """A few names besides the label, and how many more there are (uses prefetched aliases)."""
        aliases = sorted(self.aliases.all(), key=lambda alias: alias.pk)  # as the vocabulary lists them
        names = [alias.name for alias in aliases if alias.key != self.label_key]
        return names[:4], max(len(names) - 4, 0)

    def mapping_rows(self) -> list[tuple[str, str]]:
        """The mappings (CAMEO status, PLOVER, ACLED, notes, …) as readable label/text pairs."""

        def readable(value) -> str:
            if isinstance(value, dict):
                return "; ".join(
                    f"{key.replace('_', ' ')}: {readable(inner)}" for key, inner in value.items()
                )
            if isinstance(value, list):
                return ", ".join(readable(inner) for inner in value)
            return "—" if value is None or value == "" else str(value)

        return [(key.replace("_", " "), readable(value)) for key, value in (self.mappings or {}).items()]

    def passages(self) -> models.QuerySet:
        """Tags with this term on live passages, in article and reading order."""
        return (
            self.tags.filter(span__deleted_at__isnull=True)
            .select_related("span__article", "span__created_by")
            .order_by("span__article__title", "span__article_id", "span__start", "pk")
        )

    def check_new_alias(self, name: str, *, shared: bool = False) -> str:
        """Refuse a name this term or (unless shared) another term of its kind already has.
        Returns the cleaned name."""
        name = " ".join(name.split())
        if not fold(name):
            raise ValidationError("An alias needs at least one letter or digit.", code="empty")
        if len(name) > Alias._meta.get_field("name").max_length:
            raise ValidationError("An alias can be at most 200 characters long.", code="too_long")
        key = fold(name)
        if self.pk and self.aliases.filter(key=key).exists():
            raise ValidationError(f"“{name}” is already an alias of {self.label}.", code="duplicate")
        if not shared:
            others = (
                Alias.objects.filter(kind=self.kind, key=key).exclude(term_id=self.pk).select_related("term")
            )
            holders = sorted(
                {alias.term.label + (" (retired)" if alias.term.is_retired else "") for alias in others}
            )
            if holders:
                raise ValidationError(
                    f"“{name}” is already an alias of {' and '.join(holders)}. "
                    "Tick “shared name” if it really refers to several terms.",
                    code="taken",
                )
        return name

    def add_alias(self, name: str, *, by, shared: bool = False) -> Alias:
        """Give this term another name. A name another term of the same kind has is refused,
        naming that term, unless `shared`: then every holder of the name is marked shared."""
        from annotations.history import record

        name = self.check_new_alias(name, shared=shared)
        key = fold(name)
        with transaction.atomic():
            others = list(
                Alias.objects.select_for_update().filter(kind=self.kind, key=key).exclude(term=self)
            )
            for other in others:
                if not other.shared:
                    other.shared = True
                    other.save(update_fields=["shared"])
                    record(
                        by,
                        Change.Action.UPDATE,
                        other,
                        f"“{other.name}” of {other.term.label} is now a shared name (also {self.label})",
                        before={"shared": False},
                        after={"shared": True},
                        term_id=other.term_id,
                    )
            try:
                with transaction.atomic():
                    alias = Alias(term=self, name=name, shared=bool(others))
                    alias.save()
            except IntegrityError as error:
                # Someone added the same name a moment ago.
                raise ValidationError(
                    f"“{name}” was just added elsewhere; try again.", code="race"
                ) from error
            record(
                by,
                Change.Action.CREATE,
                alias,
                f"Added alias “{name}” to {self.label}" + (" (shared name)" if alias.shared else ""),
                after={"name": name, "shared": alias.shared},
                term_id=self.pk,
            )
        return alias

    def remove_alias(self, alias: Alias, *, by) -> None:
        """Remove one of this term's names; the label's own alias stays."""
        from annotations.history import record

        if alias.term_id != self.pk:
            raise ValidationError(f"“{alias.name}” is not an alias of {self.label}.", code="other_term")
        if not can_remove_alias(by, alias):
            raise PermissionDenied(
                f"Removing “{alias.name}”: {self.label} is {whose(self)}, and someone else added this name; "
                "only the term's creator, whoever added the name, or a lead may remove it."
            )
        if alias.key == self.label_key:
            raise ValidationError(
                f"“{alias.name}” is the label of {self.label}; change the label instead.", code="label"
            )
        with transaction.atomic():
            before = {"name": alias.name, "shared": alias.shared}
            alias_id = alias.pk
            alias.delete()
            alias.pk = alias_id
            record(
                by,
                Change.Action.DELETE,
                alias,
                f"Removed alias “{alias.name}” from {self.label}",
                before=before,
                term_id=self.pk,
            )
            # A name left on a single term no longer needs context to resolve.
            remaining = Alias.objects.filter(kind=self.kind, key=alias.key)
            if alias.shared and remaining.count() == 1:
                remaining.update(shared=False)

    def ensure_label_alias(self, *, by=None, shared: bool = False) -> Alias | None:
        """The label is also one of the aliases, so search and type-ahead only look at aliases."""
        if self.aliases.filter(key=self.label_key).exists():
            return None
        return self.add_alias(self.label, by=by, shared=shared)

    def edit(self, values: dict, *, by) -> dict:
        """Change fields (label, code, parent, …, and mappings, which only files carry) and record
        before/after of what changed. A new label also becomes an alias. Returns the changed fields' new
        values. Only the term's creator or a curator may (annotations/permissions.py)."""
        from annotations.history import record

        require_term_change(by, self, f"Editing {self.label}")
        if "kind" in values and values["kind"] != self.kind and self.tags.exists():
            raise ValidationError("A term already used in passages cannot change kind.", code="kind")

        def tracked() -> dict:
            return {**self.snapshot(), **({"mappings": self.mappings} if "mappings" in values else {})}

        before = tracked()
        new_label = values.get("label", self.label)
        if fold(new_label) != self.label_key and not self.aliases.filter(key=fold(new_label)).exists():
            try:
                self.check_new_alias(new_label)
            except ValidationError as error:
                raise ValidationError({"label": error.messages}) from error
        for field, value in values.items():
            setattr(self, field, value)
        self.full_clean(exclude=["merged_into", "created_by", "label_key"], validate_unique=True)
        after = tracked()
        changed = {field: after[field] for field in after if after[field] != before[field]}
        if not changed:
            return {}
        with transaction.atomic():
            self.save()
            if "label" in changed:
                self.ensure_label_alias(by=by)
            record(
                by,
                Change.Action.UPDATE,
                self,
                f"Edited {self.label}: {', '.join(changed)}",
                before={field: before[field] for field in changed},
                after=changed,
                term_id=self.pk,
            )
        return changed

    def clean(self) -> None:
        if self.kind == Term.Kind.EVENT and self.actor_type:
            raise ValidationError({"actor_type": "Only actors have an actor type."})
        if self.parent_id:
            if self.parent_id == self.pk:
                raise ValidationError({"parent": "A term cannot be its own parent."})
            if self.parent.kind != self.kind:
                raise ValidationError(
                    {"parent": f"{self.parent.label} is not an {self.get_kind_display().lower()}."}
                )
            if self.pk and self.parent_id in self.descendant_ids():
                raise ValidationError(
                    {"parent": f"{self.parent.label} is below {self.label}; that would be a loop."}
                )


class Alias(models.Model):
    """Another name of a term. Unique within a kind unless the vocabulary marks it shared
    (the seed's "Washington" names both the state and its government)."""

    term = models.ForeignKey(Term, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=200)
    key = models.CharField(max_length=200, editable=False, db_index=True)
    kind = models.CharField(max_length=5, choices=Term.Kind.choices, editable=False)
    shared = models.BooleanField(
        default=False, help_text="The name knowingly refers to several terms; resolve by context."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = VocabularyQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["term", "key"], name="alias_unique_per_term"),
            models.UniqueConstraint(
                fields=["kind", "key"], condition=Q(shared=False), name="alias_unique_per_kind"
            ),
        ]
        verbose_name_plural = "aliases"

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.key = fold(self.name)
        self.kind = self.term.kind
        with vocabulary_change():
            super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        with vocabulary_change():
            return super().delete(*args, **kwargs)

    @property
    def is_label(self) -> bool:
        """The alias that stores the term's own label: it cannot be removed."""
        return self.key == self.term.label_key

    def other_holders(self) -> list[Term]:
        """The other terms of the same kind that share this name."""
        return [
            a.term
            for a in Alias.objects.filter(kind=self.kind, key=self.key)
            .exclude(pk=self.pk)
            .select_related("term")
        ]


_term = CompiledObjects(lambda pk: Term.objects.filter(pk=pk))


@functools.lru_cache(maxsize=2048)
def _term_at(version: str, pk: int) -> Term | None:
    """Term.as_stored: the version is part of the key, so an entry is never stale (older versions'
    entries age out)."""
    found = _term(pk=pk)
    return found[0] if found else None
