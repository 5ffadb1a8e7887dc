"""Claims: who claims what, about whom, how surely, and how it reaches the reader.

A claim belongs to one passage (the claimed content); a passage may hold several. The enumerations are
the `claim_attributes` of the seed vocabulary, fixed here and validated on the server; their labels and
definitions (help text for the form) are loaded with the vocabulary.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models
from django.db.models import Q
from django.utils import timezone

from annotations.models.base import User
from annotations.models.passages import Span
from annotations.models.vocabulary import Term
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

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None
