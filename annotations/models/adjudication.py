"""Adjudication: the lead settles where analysts' codings of one passage differ.

A unit is the analysts' versions of one passage (matched by overlap: `analysis.agreement`). For each unit
the lead keeps one version, edits one (its offsets, with tags and claims taken from the versions or
written anew: any term in any role that fits, any claim's fields changed), or rejects them all. Keeping
or editing makes the *adjudicated* passage: a new passage owned by the lead, with its tags and claims,
pointed at by the Decision (`Span.decision`). The analysts' passages are never touched.

Deciding a unit again supersedes the earlier decision: its adjudicated passage is deleted (with
history, so it can be restored) and the new decision takes its place. Every decision is in the history.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from annotations.models.assignments import AssignedArticle
from annotations.models.base import Refused, User
from annotations.models.base import clip as _clip
from annotations.models.base import record as _record
from annotations.models.claim_values import clean_claim_values
from annotations.models.claims import Claim
from annotations.models.passages import Span, Tag
from annotations.models.vocabulary import Term
from annotations.permissions import is_lead
from corpus.models import Article

# Claim fields that are bookkeeping, not coding: not copied into the adjudicated claim.
CLAIM_BOOKKEEPING = {"id", "span", "article", "created_by", "created_at", "updated_at", "version"}
CLAIM_BOOKKEEPING |= {"deleted_at", "deleted_by"}


def check_can_adjudicate(user) -> None:
    if not is_lead(user):
        raise Refused("Only a lead can adjudicate.", status=403)


def check_coding_over(article_id: int) -> None:
    """No adjudication while the article is coded blind: the adjudicated passage is the lead's, which
    colleagues may see, and it would carry one coder's work to the others before they are done."""
    if AssignedArticle.objects.blind().filter(article_id=article_id).exists():
        raise Refused(
            "Independent coding of this article is not over: adjudicate once every coder has marked it "
            "done, or close the assignment.",
            status=409,
        )


class DecisionQuerySet(models.QuerySet):
    def current(self) -> DecisionQuerySet:
        return self.filter(superseded_at__isnull=True)


class Decision(models.Model):
    """The lead's decision on one unit: keep a version, edit one, or reject all."""

    class Action(models.TextChoices):
        KEEP = "keep", "Kept a version"
        EDIT = "edit", "Edited a version"
        REJECT = "reject", "Rejected every version"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="decisions")
    assignment = models.ForeignKey(
        "annotations.Assignment", on_delete=models.SET_NULL, null=True, blank=True, related_name="decisions"
    )
    # The analysts' passages this decision settles.
    versions = models.ManyToManyField(Span, related_name="decisions_about")
    action = models.CharField(max_length=10, choices=Action.choices)
    # The version kept, or the one an edit started from.
    kept = models.ForeignKey(Span, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    # The adjudicated passage (the lead's); none when every version was rejected.
    result = models.OneToOneField(
        Span, on_delete=models.SET_NULL, null=True, blank=True, related_name="decision"
    )
    decided_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(default=timezone.now)
    superseded_at = models.DateTimeField(null=True, blank=True)

    objects = DecisionQuerySet.as_manager()

    class Meta:
        ordering = ["-decided_at", "-pk"]
        indexes = [models.Index(fields=["article", "superseded_at"])]

    def __str__(self) -> str:
        return f"{self.get_action_display()} ({self.article_id})"

    @classmethod
    def decide(
        cls,
        versions: Sequence[Span],
        action: str,
        *,
        by,
        keep: Span | None = None,
        tags: Iterable[tuple[int, str]] | None = None,
        claims: Iterable[int | Mapping[str, Any]] | None = None,
        assignment=None,
    ) -> Decision:
        """Settle one unit. keep: the version kept (KEEP) or edited from (EDIT: its offsets).
        For EDIT, tags are (term id, role): a version's, or any active term in a role that fits it; claims
        are a version's claim id (copied as it is) or a claim's values (the claim form's fields, checked
        as a new claim on the adjudicated passage is: annotations/models/claim_values.py). Nothing is
        saved when any of them is refused."""
        check_can_adjudicate(by)
        versions = list(dict.fromkeys(versions))
        if not versions:
            raise Refused("Choose the passages to adjudicate.")
        if action not in cls.Action.values:
            raise Refused(f"“{action}” is not a decision; use keep, edit or reject.")
        if len({span.article_id for span in versions}) > 1:
            raise Refused("The versions of one unit must be passages of one article.")
        if any(span.is_deleted for span in versions):
            raise Refused("One of these passages has been deleted; reload the page.", status=409)
        if Span.objects.filter(pk__in=[s.pk for s in versions], decision__isnull=False).exists():
            raise Refused("An adjudicated passage is not a version to adjudicate.")
        if action != cls.Action.REJECT and keep not in versions:
            raise Refused("Choose which version to keep (or edit from).")
        check_coding_over(versions[0].article_id)
        with transaction.atomic():
            cls._supersede(versions, by)
            result = None
            if action == cls.Action.KEEP:
                result = cls._copy(
                    keep, by, keep_tags(keep), list(keep.claims.filter(deleted_at__isnull=True))
                )
            elif action == cls.Action.EDIT:
                result = cls._copy(keep, by, *cls._chosen(versions, keep, tags or (), claims or ()))
            decision = cls.objects.create(
                article_id=versions[0].article_id,
                assignment=assignment,
                action=action,
                kept=keep if action != cls.Action.REJECT else None,
                result=result,
                decided_by=by,
            )
            decision.versions.set(versions)
            owners = ", ".join(sorted({span.created_by.get_username() for span in versions}))
            if action == cls.Action.REJECT:
                what = f"rejected every version ({owners})"
            else:
                verb = "kept" if action == cls.Action.KEEP else "edited"
                what = f"{verb} {keep.created_by.get_username()}’s version"
            _record(
                by,
                "create",
                decision,
                f"Adjudicated “{_clip(versions[0].quote)}”: {what}",
                after={
                    "action": action,
                    "versions": [span.pk for span in versions],
                    "kept": keep.pk if keep and action != cls.Action.REJECT else None,
                    "result": result.pk if result else None,
                },
                article_id=decision.article_id,
                span_id=result.pk if result else None,
            )
        return decision

    @classmethod
    def _supersede(cls, versions: list[Span], by) -> None:
        for earlier in (
            cls.objects.current().filter(versions__in=versions).distinct().select_related("result")
        ):
            earlier.superseded_at = timezone.now()
            earlier.save(update_fields=["superseded_at"])
            if earlier.result and not earlier.result.is_deleted:
                earlier.result.soft_delete(by=by, version=earlier.result.version)

    @staticmethod
    def _chosen(
        versions: list[Span],
        base: Span,
        tags: Iterable[tuple[int, str]],
        claims: Iterable[int | Mapping[str, Any]],
    ) -> tuple[list[tuple[Term, str]], list[Claim | dict[str, Any]]]:
        """The tags and claims an edit makes: a version's tag, or an active term in a role that fits it;
        a version's claim (by id), or claim values, cleaned for the base's offsets."""
        offered = {(tag.term_id, tag.role): tag.term for span in versions for tag in span.tags.all()}
        chosen_tags = []
        for term_id, role in dict.fromkeys((int(term_id), role) for term_id, role in tags):
            if (term_id, role) in offered:
                chosen_tags.append((offered[(term_id, role)], role))
                continue
            # A version's term in another role, or a term of the lead's choosing (not retired).
            term = next((t for (pk, _), t in offered.items() if pk == term_id), None)
            term = term or Tag.term_for_tagging(term_id)
            chosen_tags.append((term, Tag.check_role(term, role)))
        by_id = {
            claim.pk: claim
            for claim in Claim.objects.filter(span__in=versions, deleted_at__isnull=True).order_by("pk")
        }
        chosen_claims: list[Claim | dict[str, Any]] = []
        copied: set[int] = set()
        for claim in claims:
            if isinstance(claim, Mapping):
                chosen_claims.append(clean_claim_values(claim, base.article, (base.start, base.end)))
            elif int(claim) not in by_id:
                raise Refused("An edit takes its claims from the versions; reload the page.")
            elif int(claim) not in copied:
                copied.add(int(claim))
                chosen_claims.append(by_id[int(claim)])
        return chosen_tags, chosen_claims

    @staticmethod
    def _copy(base: Span, by, tags: list[tuple[Term, str]], claims: list[Claim | dict[str, Any]]) -> Span:
        """The lead's adjudicated passage: the base's offsets, the chosen tags and claims (a version's,
        copied with every field; or cleaned values, as the lead edited them)."""
        article = base.article
        span = Span.create_for(article, base.start, base.end, article.body[base.start : base.end], by=by)
        for term, role in dict.fromkeys(tags):
            if not span.tags.filter(term=term, role=role).exists():
                span._tag(term, role, by)
        for claim in claims:
            if isinstance(claim, Claim):
                fields = {
                    field.attname: getattr(claim, field.attname)
                    for field in Claim._meta.concrete_fields
                    if field.name not in CLAIM_BOOKKEEPING
                }
                after = {"from_claim": claim.pk}
            else:
                fields, after = claim, {"edited": True}
            copy = Claim.objects.create(span=span, article_id=span.article_id, created_by=by, **fields)
            copy.span, copy.article = span, article
            _record(
                by,
                "create",
                copy,
                f"Adjudicated claim on “{_clip(span.quote)}”: {copy.summary}",
                after={**after, **copy.snapshot()},
                article_id=span.article_id,
                span_id=span.pk,
            )
        return span


def keep_tags(span: Span) -> list[tuple[Term, str]]:
    return [(tag.term, tag.role) for tag in span.tags.select_related("term").order_by("pk")]


def adjudicated_span_ids() -> models.QuerySet:
    """The adjudicated coding: passages that are the result of a current decision."""
    return Decision.objects.current().filter(result__isnull=False).values("result_id")
