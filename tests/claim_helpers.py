"""Claims made through the ORM for the claims export, filter and network tests (part A's verbs are not
needed to read claims back)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from annotations.models import Claim, Span

DEFAULT_TIME = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)


def make_claim(span: Span, by, *, at: datetime | None = None, **fields) -> Claim:
    """A claim on `span` by `by`. Fields default to the author speaking; pass speaker=<Term> for an
    actor, or unnamed_speaker="…" (and speaker_group=<Term>) for an unnamed source."""
    if "speaker_kind" not in fields:
        if fields.get("speaker") is not None:
            fields["speaker_kind"] = "actor"
        elif fields.get("unnamed_speaker"):
            fields["speaker_kind"] = "unnamed"
        else:
            fields["speaker_kind"] = "author"
    at = at or DEFAULT_TIME
    return Claim.objects.create(
        span=span, article_id=span.article_id, created_by=by, created_at=at, updated_at=at, **fields
    )


@dataclass
class Claims:
    """The claims of `build_claims` on the annotated world (tests/annotated_world.py)."""

    usa_on_soleimani: Claim  # alice, us_kills: the US (actor), opposed toward Soleimani, contested
    quds_threat: Claim  # alice, irgc_revenge: the Quds Force (part of the IRGC), opposed toward the US
    author_on_strike: Claim  # bob, quds_commander: the author, supportive toward the air/drone strike
    us_official: Claim  # bob, untagged: "a senior US official" of the US, neutral toward the IRGC
    iraqi_sources: Claim  # bob, untagged: "Iraqi sources", no group, nothing else coded
    deleted: Claim  # alice, us_kills, deleted
    on_deleted_passage: Claim  # alice, on the deleted passage

    @property
    def live(self) -> set[int]:
        return {
            c.pk
            for c in (
                self.usa_on_soleimani,
                self.quds_threat,
                self.author_on_strike,
                self.us_official,
                self.iraqi_sources,
            )
        }


def day(text: str) -> datetime:
    return datetime.fromisoformat(text + "T12:00:00+00:00")


def build_claims(world, alice, bob) -> Claims:
    """Five live claims, one of each speaker kind, every field coded on one or another."""
    usa_on_soleimani = make_claim(
        world.us_kills,
        alice,
        speaker=world.usa,
        speaker_role="named_official",
        attribution_type="direct_quote",
        claim_type="factual_assertion",
        stance="opposed",
        target=world.soleimani,
        certainty="asserted_certain",
        event_modality="actual",
        evidence_cited="named_evidence",
        contested=True,
        at=day("2020-03-01"),
    )
    quds_threat = make_claim(
        world.irgc_revenge,
        alice,
        speaker=world.quds_force,
        speaker_role="militia_or_group_statement",
        attribution_type="indirect_quote_paraphrase",
        reporting_verb="vowed",
        claim_type="threat",
        stance="opposed",
        target=world.usa,
        certainty="probable",
        event_modality="future",
        evidence_cited="none",
        at=day("2020-03-05"),
    )
    author_on_strike = make_claim(
        world.quds_commander,
        bob,
        speaker_role="journalist_author",
        attribution_type="author_assertion",
        claim_type="evaluation_opinion",
        stance="supportive",
        target=world.strike,
        certainty="possible",
        event_modality="historical",
        evidence_cited="official_document",
        at=day("2020-03-10"),
    )
    us_official = make_claim(
        world.untagged,
        bob,
        unnamed_speaker="a senior US official",
        speaker_group=world.usa,
        speaker_role="unnamed_official",
        attribution_type="unattributed_report",
        claim_type="prediction",
        stance="neutral",
        target=world.irgc,
        certainty="alleged_reported",
        hedge_cues=[{"text": "reportedly"}],
        event_modality="hypothetical",
        evidence_cited="intelligence_claim",
        contested=True,
        at=day("2020-03-15"),
    )
    iraqi_sources = make_claim(world.untagged, bob, unnamed_speaker="Iraqi sources", at=day("2020-03-20"))
    deleted = make_claim(world.us_kills, alice, speaker=world.usa, stance="opposed", target=world.soleimani)
    Claim.objects.filter(pk=deleted.pk).update(deleted_at=day("2020-04-01"), deleted_by=alice)
    on_deleted_passage = make_claim(world.deleted, alice, speaker=world.irgc, stance="opposed")
    live = (usa_on_soleimani, quds_threat, author_on_strike, us_official, iraqi_sources)
    return Claims(*live, deleted, on_deleted_passage)
