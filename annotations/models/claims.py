"""Claims: who claims what, about whom, how surely, and how it reaches the reader.

A claim belongs to one passage (the claimed content); a passage may hold several. The enumerations are
the `claim_attributes` of the seed vocabulary, fixed here and validated on the server; their labels and
definitions (help text for the form) are loaded with the vocabulary.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.timesince import timesince

from annotations.models.base import Refused, User
from annotations.models.base import clip as _clip
from annotations.models.base import record as _record
from annotations.models.changes import Change
from annotations.models.claim_values import clean_claim_values
from annotations.models.passages import Span
from annotations.models.vocabulary import Term
from annotations.permissions import can_change
from corpus.models import Article


class SpeakerKind(models.TextChoices):
    ACTOR = "actor", "A vocabulary actor"
    AUTHOR = "author", "The article's author"
    UNNAMED = "unnamed", "An unnamed source"


class SpeakerRole(models.TextChoices):
    NAMED_OFFICIAL = "named_official", "Named official"
    UNNAMED_OFFICIAL = "unnamed_official", "Unnamed official"
    SPOKESPERSON_OR_STATEMENT = "spokesperson_or_statement", "Spokesperson or statement"
    STATE_MEDIA = "state_media", "State media"
    MILITIA_OR_GROUP_STATEMENT = "militia_or_group_statement", "Militia or group statement"
    EYEWITNESS = "eyewitness", "Eyewitness"
    EXPERT_OR_ANALYST = "expert_or_analyst", "Expert or analyst"
    SOCIAL_MEDIA_POST = "social_media_post", "Social media post"
    JOURNALIST_AUTHOR = "journalist_author", "Journalist (author)"
    UNKNOWN = "unknown", "Unknown"


class AttributionType(models.TextChoices):
    DIRECT_QUOTE = "direct_quote", "Direct quote"
    INDIRECT_QUOTE_PARAPHRASE = "indirect_quote_paraphrase", "Indirect quote or paraphrase"
    AUTHOR_ASSERTION = "author_assertion", "Author's assertion"
    ATTRIBUTED_TO_DOCUMENT = "attributed_to_document", "Attributed to a document"
    UNATTRIBUTED_REPORT = "unattributed_report", "Unattributed report"


class ClaimType(models.TextChoices):
    FACTUAL_ASSERTION = "factual_assertion", "Factual assertion"
    PREDICTION = "prediction", "Prediction"
    THREAT = "threat", "Threat"
    DEMAND = "demand", "Demand"
    EVALUATION_OPINION = "evaluation_opinion", "Evaluation or opinion"
    DENIAL = "denial", "Denial"
    JUSTIFICATION = "justification", "Justification"


class Stance(models.TextChoices):
    SUPPORTIVE = "supportive", "Supportive"
    OPPOSED = "opposed", "Opposed"
    NEUTRAL = "neutral", "Neutral"
    MIXED = "mixed", "Mixed"


class Certainty(models.TextChoices):
    ASSERTED_CERTAIN = "asserted_certain", "Asserted as certain"
    PROBABLE = "probable", "Probable"
    POSSIBLE = "possible", "Possible"
    ALLEGED_REPORTED = "alleged_reported", "Alleged or reported"
    DENIED = "denied", "Denied"
    UNCERTAIN_UNKNOWN = "uncertain_unknown", "Uncertain or unknown"


class EventModality(models.TextChoices):
    ACTUAL = "actual", "Actual"
    HISTORICAL = "historical", "Historical"
    FUTURE = "future", "Future"
    HYPOTHETICAL = "hypothetical", "Hypothetical"
    NEGATED = "negated", "Negated"


class EvidenceCited(models.TextChoices):
    NONE = "none", "None"
    NAMED_EVIDENCE = "named_evidence", "Named evidence"
    INTELLIGENCE_CLAIM = "intelligence_claim", "Intelligence claim"
    OFFICIAL_DOCUMENT = "official_document", "Official document"
    IMAGERY_OR_DATA = "imagery_or_data", "Imagery or data"


# --- Claim queries (claimexport: the Claims view, its filters and exports) -----------------------------
class ClaimQuerySet(models.QuerySet):
    def live(self) -> ClaimQuerySet:
        """Claims that are not deleted, on passages that are not deleted."""
        return self.filter(deleted_at__isnull=True, span__deleted_at__isnull=True)

    def visible_to(self, user, *, article_id: int | None = None) -> ClaimQuerySet:
        """What this user may see under independent coding: a claim is its coder's and its passage's
        (annotations/models/visibility.py)."""
        from annotations.models.visibility import claim_visible_q

        return self.filter(claim_visible_q(user, article_id=article_id))

    def in_reader(self, article: Article | int, user) -> ClaimQuerySet:
        """The live claims the reader shows `user` on this article (as SpanQuerySet.in_reader)."""
        article_id = article if isinstance(article, int) else article.pk
        return self.live().filter(article_id=article_id).visible_to(user, article_id=article_id)

    def spoken_by(
        self,
        actor_ids: Iterable[int] = (),
        *,
        author: bool = False,
        unnamed: bool = False,
        unnamed_for: Iterable[int] = (),
    ) -> ClaimQuerySet:
        """Claims whose speaker is any of: one of these actors, the article's author, any unnamed source,
        an unnamed source belonging to one of `unnamed_for`. (Callers expand narrower terms.)"""
        wanted = Q(pk__in=[])
        if actor_ids:
            wanted |= Q(speaker_kind=SpeakerKind.ACTOR, speaker_id__in=list(actor_ids))
        if author:
            wanted |= Q(speaker_kind=SpeakerKind.AUTHOR)
        if unnamed:
            wanted |= Q(speaker_kind=SpeakerKind.UNNAMED)
        if unnamed_for:
            wanted |= Q(speaker_kind=SpeakerKind.UNNAMED, speaker_group_id__in=list(unnamed_for))
        return self.filter(wanted)

    def about(self, term_ids: Iterable[int]) -> ClaimQuerySet:
        """Claims whose target is one of these terms."""
        return self.filter(target_id__in=list(term_ids))


# --- end of claim queries --------------------------------------------------------------------------------
# A claim's fields in the form's fixed order (speaker first). `magnitude`, in the seed's schema, is left out.
CLAIM_FIELDS = (
    "speaker",
    "speaker_role",
    "attribution_type",
    "reporting_verb",
    "claim_type",
    "stance",
    "target",
    "certainty",
    "hedge_cues",
    "event_modality",
    "evidence_cited",
    "contested",
)
CLAIM_ENUMERATIONS: dict[str, type[models.TextChoices]] = {
    "speaker_role": SpeakerRole,
    "attribution_type": AttributionType,
    "claim_type": ClaimType,
    "stance": Stance,
    "certainty": Certainty,
    "event_modality": EventModality,
    "evidence_cited": EvidenceCited,
}


def author_voice(article: Article) -> str:
    """Who "the article's author" is: the by-line, or the outlet when there is none."""
    if article.author_list:
        return ", ".join(article.author_list)
    if article.source_id:
        return article.source.name
    return "the article"


class ClaimRow:
    """A claim as the reader's side list shows it (attach_claim_rows), without a model instance."""

    __slots__ = ("pk", "span_id", "summary")

    def __init__(self, pk: int, span_id: int, summary: str) -> None:
        self.pk, self.span_id, self.summary = pk, span_id, summary


def attach_claim_rows(rows: list, claims: models.QuerySet | None = None) -> None:
    """Give each passage row (SpanRow, or a Span) its live claims as `claim_list`, in one query: the
    speaker, stance and target labels come joined, the author's voice from the article. `claims`, when
    given, are those that may be shown (Claim.objects.in_reader: what the viewer may see)."""
    by_id = {row.pk: row for row in rows}
    for row in rows:
        row.claim_list = []
    if not rows:
        return
    claims = (
        (claims if claims is not None else Claim.objects.all())
        .filter(span_id__in=list(by_id), deleted_at__isnull=True)
        .order_by("pk")
        .values_list(
            "pk",
            "span_id",
            "speaker_kind",
            "speaker__label",
            "unnamed_speaker",
            "speaker_group__label",
            "stance",
            "target__label",
            "article__authors",
            "article__source__name",
        )
    )
    for pk, span_id, kind, speaker, unnamed, group, stance, target, authors, outlet in claims:
        if kind == SpeakerKind.ACTOR:
            who = speaker or "?"
        elif kind == SpeakerKind.AUTHOR:
            names = [name.strip() for name in (authors or "").split(";") if name.strip()]
            who = "Author: " + (", ".join(names) or outlet or "the article")
        else:
            who = unnamed + (f" ({group})" if group else "")
        parts = [who] + ([Stance(stance).label.lower()] if stance else []) + ([target] if target else [])
        by_id[span_id].claim_list.append(ClaimRow(pk, span_id, " → ".join(parts)))


class Claim(models.Model):
    """One claim made in a passage. The speaker is a vocabulary actor, the article's author, or an
    unnamed source described in words (optionally belonging to an actor). Empty enumerations are
    "not coded"; the speaker is required."""

    span = models.ForeignKey(Span, on_delete=models.CASCADE, related_name="claims")
    # The passage's article, kept beside it so claims filter and count by article without a join.
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="claims")

    speaker_kind = models.CharField(max_length=10, choices=SpeakerKind.choices)
    speaker = models.ForeignKey(
        Term, on_delete=models.PROTECT, null=True, blank=True, related_name="claims_spoken"
    )
    unnamed_speaker = models.CharField(max_length=300, blank=True)
    # The actor an unnamed source belongs to ("a senior US official" -> the US government).
    speaker_group = models.ForeignKey(
        Term, on_delete=models.PROTECT, null=True, blank=True, related_name="claims_spoken_for"
    )
    speaker_role = models.CharField(max_length=30, choices=SpeakerRole.choices, blank=True)
    attribution_type = models.CharField(max_length=30, choices=AttributionType.choices, blank=True)
    reporting_verb = models.CharField(max_length=100, blank=True)
    # Where the reporting verb stands in Article.body (code points, end exclusive), when it is there.
    reporting_verb_start = models.PositiveIntegerField(null=True, blank=True)
    reporting_verb_end = models.PositiveIntegerField(null=True, blank=True)
    claim_type = models.CharField(max_length=30, choices=ClaimType.choices, blank=True)
    stance = models.CharField(max_length=20, choices=Stance.choices, blank=True)
    target = models.ForeignKey(
        Term, on_delete=models.PROTECT, null=True, blank=True, related_name="claims_targeted"
    )
    certainty = models.CharField(max_length=30, choices=Certainty.choices, blank=True)
    # The literal cues, each {"text": "reportedly", "start": 120, "end": 130} (offsets when in the body).
    hedge_cues = models.JSONField(default=list, blank=True)
    event_modality = models.CharField(max_length=20, choices=EventModality.choices, blank=True)
    evidence_cited = models.CharField(max_length=30, choices=EvidenceCited.choices, blank=True)
    contested = models.BooleanField(default=False)

    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="claims")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    objects = ClaimQuerySet.as_manager()

    class Meta:
        ordering = ["span", "pk"]
        indexes = [
            models.Index(fields=["article", "span"]),
            models.Index(fields=["created_by"]),
            models.Index(fields=["speaker"]),
            models.Index(fields=["target"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(speaker_kind=SpeakerKind.ACTOR, speaker__isnull=False)
                    | Q(speaker_kind=SpeakerKind.AUTHOR, speaker__isnull=True)
                    | (Q(speaker_kind=SpeakerKind.UNNAMED, speaker__isnull=True) & ~Q(unnamed_speaker=""))
                ),
                name="claim_speaker_fits_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"Claim {self.pk} on span {self.span_id}"

    def get_absolute_url(self) -> str:
        return self.span.get_absolute_url()

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    # --- How the claim reads: in the side list, the panel and the history. ---

    @property
    def speaker_label(self) -> str:
        """The speaker as analysts read it: the actor, "Author: <by-line>", or the unnamed source
        with the actor it belongs to."""
        if self.speaker_kind == SpeakerKind.ACTOR:
            return self.speaker.label if self.speaker_id else "?"
        if self.speaker_kind == SpeakerKind.AUTHOR:
            return f"Author: {author_voice(self.article)}"
        group = f" ({self.speaker_group.label})" if self.speaker_group_id else ""
        return f"{self.unnamed_speaker}{group}"

    @property
    def summary(self) -> str:
        """speaker → stance → target, the parts that are coded."""
        parts = [self.speaker_label]
        if self.stance:
            parts.append(self.get_stance_display().lower())
        if self.target_id:
            parts.append(self.target.label)
        return " → ".join(parts)

    def snapshot(self) -> dict[str, Any]:
        """Every coded value, terms by their stable id, for a Change's before/after."""

        def slug(term: Term | None) -> str | None:
            return term.slug if term is not None else None

        return {
            "speaker_kind": self.speaker_kind,
            "speaker": slug(self.speaker),
            "unnamed_speaker": self.unnamed_speaker,
            "speaker_group": slug(self.speaker_group),
            "speaker_role": self.speaker_role,
            "attribution_type": self.attribution_type,
            "reporting_verb": self.reporting_verb,
            "reporting_verb_start": self.reporting_verb_start,
            "reporting_verb_end": self.reporting_verb_end,
            "claim_type": self.claim_type,
            "stance": self.stance,
            "target": slug(self.target),
            "certainty": self.certainty,
            "hedge_cues": list(self.hedge_cues or []),
            "event_modality": self.event_modality,
            "evidence_cited": self.evidence_cited,
            "contested": self.contested,
            "version": self.version,
        }

    def _ids(self) -> dict:
        return {"article_id": self.article_id, "span_id": self.span_id}

    # --- The rules, as for passages: checked, versioned, recorded; deletes are undone. ---

    @classmethod
    def create_on(cls, span: Span, values: Mapping[str, Any], *, by) -> Claim:
        """A new claim on an existing live passage. Any analyst may code a claim on any passage; the
        claim is theirs (they, or a lead, change it). Refused (422) naming the field when a value is
        not allowed; nothing is saved then."""
        if span.is_deleted:
            raise Refused("This passage has been deleted; reload the page.", status=409)
        article = span.article
        cleaned = clean_claim_values(values, article, (span.start, span.end))
        with transaction.atomic():
            return cls._create(span, cleaned, by)

    @classmethod
    def create_with_passage(
        cls, article: Article, start: int, end: int, text: str, values: Mapping[str, Any], *, by
    ) -> Claim:
        """A new passage from a selection and its first claim, in one transaction: both or neither.
        The values are checked before anything is written."""
        cleaned = clean_claim_values(values, article, (start, end))
        with transaction.atomic():
            span = Span.create_for(article, start, end, text, by=by)
            span.article = article
            return cls._create(span, cleaned, by)

    @classmethod
    def _create(cls, span: Span, cleaned: dict[str, Any], by) -> Claim:
        now = timezone.now()
        claim = cls.objects.create(
            span=span, article_id=span.article_id, created_by=by, created_at=now, updated_at=now, **cleaned
        )
        claim.span, claim.article = span, span.article
        _record(
            by,
            Change.Action.CREATE,
            claim,
            f"Claim on “{_clip(span.quote)}”: {claim.summary}",
            after=claim.snapshot(),
            **claim._ids(),
        )
        return claim

    def check_can_change(self, user) -> None:
        if not can_change(user, self.created_by_id):
            owner = self.created_by.get_username()
            raise Refused(f"This claim is {owner}’s: only {owner} or a lead can change it.", status=403)

    def last_change(self) -> Change | None:
        return (
            Change.objects.filter(object_type="claim", object_id=self.pk)
            .select_related("actor")
            .order_by("-at", "-pk")
            .first()
        )

    def history(self, limit: int = 30, *, viewer=None) -> models.QuerySet:
        """The claim's history, newest first; with `viewer`, what they may see of it (independent coding)."""
        changes = Change.objects.filter(object_type="claim", object_id=self.pk)
        if viewer is not None:
            changes = changes.visible_to(viewer, article_id=self.article_id)
        return changes.select_related("actor")[:limit]

    def stale_message(self) -> str:
        change = self.last_change()
        if change is None:
            return "Someone else changed this claim; reload it."
        who = change.actor.get_username() if change.actor else "someone"
        return f"Someone else changed this claim ({who}, {timesince(change.at)} ago); reload it."

    def _take_version(self, version: int | str | None, by) -> None:
        """Check permission and take the next version, or refuse if someone changed it meanwhile.

        One UPDATE … WHERE version = n (as Span._claim): of two concurrent saves exactly one wins."""
        self.check_can_change(by)
        try:
            version = int(version)
        except (TypeError, ValueError):
            raise Refused("The claim's version is missing; reload it.") from None
        now = timezone.now()
        taken = Claim.objects.filter(pk=self.pk, version=version, deleted_at__isnull=True).update(
            version=models.F("version") + 1, updated_at=now
        )
        if not taken:
            self.refresh_from_db()
            if self.is_deleted:
                raise Refused("This claim has been deleted; reload the page.", status=409)
            raise Refused(self.stale_message(), status=409)
        self.version, self.updated_at = version + 1, now

    def edit(self, values: Mapping[str, Any], *, by, version: int | str | None) -> dict[str, Any]:
        """Change the coded values (a field missing from `values` keeps its value). Returns the
        changed fields' new values; nothing changed takes no version and writes no history."""
        # Permission first, so that a colleague learns the claim is not theirs, not what is wrong in it.
        self.check_can_change(by)
        if self.is_deleted:
            raise Refused("This claim has been deleted; reload the page.", status=409)
        if self.span.is_deleted:
            raise Refused("This passage has been deleted; reload the page.", status=409)
        cleaned = clean_claim_values(values, self.article, (self.span.start, self.span.end), current=self)
        before = self.snapshot()
        for name, value in cleaned.items():
            setattr(self, name, value)
        after = self.snapshot()
        changed = [key for key in after if key != "version" and after[key] != before[key]]
        if not changed:
            self.refresh_from_db()
            return {}
        with transaction.atomic():
            self._take_version(version, by)
            Claim.objects.filter(pk=self.pk).update(**cleaned)
            after["version"] = self.version
            _record(
                by,
                Change.Action.UPDATE,
                self,
                f"Claim on “{_clip(self.span.quote)}”: {', '.join(changed)} → {self.summary}",
                before={key: before[key] for key in changed} | {"version": before["version"]},
                after={key: after[key] for key in changed} | {"version": self.version},
                **self._ids(),
            )
        return {key: after[key] for key in changed}

    def soft_delete(self, *, by, version: int | str | None) -> None:
        """Delete the claim, keeping every value so that Undo brings it back whole."""
        self.check_can_change(by)
        with transaction.atomic():
            self._take_version(version, by)
            now = timezone.now()
            Claim.objects.filter(pk=self.pk).update(deleted_at=now, deleted_by=by)
            self.deleted_at, self.deleted_by = now, by
            _record(
                by,
                Change.Action.DELETE,
                self,
                f"Deleted the claim {self.summary} on “{_clip(self.span.quote)}”",
                before=self.snapshot(),
                **self._ids(),
            )

    def restore(self, *, by) -> None:
        """Undo a delete."""
        self.check_can_change(by)
        with transaction.atomic():
            restored = Claim.objects.filter(pk=self.pk, deleted_at__isnull=False).update(
                deleted_at=None, deleted_by=None, version=models.F("version") + 1, updated_at=timezone.now()
            )
            if not restored:
                raise Refused("This claim is not deleted.", status=409)
            self.refresh_from_db()
            _record(
                by,
                Change.Action.RESTORE,
                self,
                f"Restored the claim {self.summary} on “{_clip(self.span.quote)}”",
                after=self.snapshot(),
                **self._ids(),
            )
