"""Compare mode: an article's codings side by side, one unit per passage the analysts marked, for the
lead to adjudicate.

Units group the analysts' passages the way the agreement matches them, for any number of analysts:
overlapping passages of different analysts are joined largest overlap first, and a unit never holds two
passages of one analyst. A passage no one else marked is a unit of its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch

from annotations.models import Claim, Decision, Span, Tag
from corpus.models import Article


@dataclass
class Unit:
    versions: list[Span]
    decision: Decision | None = None
    coders_missing: list[str] = field(default_factory=list)

    @property
    def start(self) -> int:
        return min(span.start for span in self.versions)

    @property
    def key(self) -> str:
        return "-".join(str(span.pk) for span in self.versions)

    @property
    def differs(self) -> bool:
        """Do the versions differ in offsets, tags or claims, or did an analyst leave it out?"""
        if self.coders_missing:
            return True
        first = self.versions[0]
        return any(
            (span.start, span.end) != (first.start, first.end)
            or span.tag_signature != first.tag_signature
            or span.claim_signature != first.claim_signature
            for span in self.versions[1:]
        )

    def offered_tags(self) -> list[Tag]:
        """Every different tag of the versions, for an edit to choose from."""
        seen, tags = set(), []
        for span in self.versions:
            for tag in span.tag_list:
                if (tag.term_id, tag.role) not in seen:
                    seen.add((tag.term_id, tag.role))
                    tags.append(tag)
        return tags


CLAIM_SIGNATURE = ("speaker_kind", "speaker_id", "speaker_group_id", "speaker_role", "attribution_type")
CLAIM_SIGNATURE += ("claim_type", "stance", "target_id", "certainty", "event_modality")


def compare_units(article: Article, coders=None) -> list[Unit]:
    spans = (
        Span.objects.live()
        .coded()
        .in_article(article)
        .select_related("created_by")
        .prefetch_related(
            Prefetch("tags", queryset=Tag.objects.select_related("term").order_by("pk"), to_attr="tag_list"),
            Prefetch(
                "claims",
                queryset=Claim.objects.filter(deleted_at__isnull=True)
                .select_related("speaker", "speaker_group", "target")
                .order_by("pk"),
                to_attr="claim_list",
            ),
        )
    )
    if coders is not None:
        spans = spans.filter(created_by__in=coders)
    spans = list(spans.order_by("start", "pk"))
    for span in spans:
        span.tag_signature = sorted((tag.term_id, tag.role) for tag in span.tag_list)
        span.claim_signature = sorted(
            tuple(getattr(claim, name) for name in CLAIM_SIGNATURE) for claim in span.claim_list
        )
    units = _group(spans)
    decisions = {}
    for decision in Decision.objects.current().filter(article=article).prefetch_related("versions"):
        for span in decision.versions.all():
            decisions[span.pk] = decision
    coder_names = sorted({span.created_by.get_username() for span in spans})
    if coders is not None:
        coder_names = sorted(user.get_username() for user in coders)
    for unit in units:
        unit.decision = next((decisions[s.pk] for s in unit.versions if s.pk in decisions), None)
        present = {span.created_by.get_username() for span in unit.versions}
        unit.coders_missing = [name for name in coder_names if name not in present]
    return units


def _group(spans: list[Span]) -> list[Unit]:
    candidates = []
    for i, x in enumerate(spans):
        for y in spans[i + 1 :]:
            if y.start >= x.end:
                break
            if y.created_by_id != x.created_by_id:
                common = min(x.end, y.end) - max(x.start, y.start)
                if common > 0:
                    candidates.append((-common, x.pk, y.pk, x, y))
    candidates.sort(key=lambda c: c[:3])
    unit_of = {span.pk: [span] for span in spans}
    for *_, x, y in candidates:
        ux, uy = unit_of[x.pk], unit_of[y.pk]
        if ux is uy or {s.created_by_id for s in ux} & {s.created_by_id for s in uy}:
            continue
        ux.extend(uy)
        for span in uy:
            unit_of[span.pk] = ux
    seen, units = set(), []
    for span in spans:
        group = unit_of[span.pk]
        if id(group) not in seen:
            seen.add(id(group))
            units.append(Unit(sorted(group, key=lambda s: (s.created_by.get_username(), s.pk))))
    return sorted(units, key=lambda unit: (unit.start, unit.versions[0].pk))
