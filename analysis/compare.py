"""Compare mode: an article's codings side by side, one unit per passage the analysts marked, for the
lead to adjudicate.

Units group the analysts' passages the way the agreement matches them, for any number of analysts:
overlapping passages of different analysts are joined largest overlap first, and a unit never holds two
passages of one analyst. A passage no one else marked is a unit of its own.

Each unit is shown field by field, one column per analyst (`Row`: a label and a cell per version, marked
when the cells differ): the offsets and quote, each term with the roles each analyst gave it, and each
claim field of each claim. Claims are paired across the versions as the agreement pairs them (same
speaker first, then in order: `ClaimSlot`). The text around the unit comes with it, each stretch marked
by which versions cover it. The edit form starts from those values (`ClaimSlot.initial`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch

from analysis.agreement import speaker_key
from annotations.forms_claims import values_from_claim
from annotations.models import CLAIM_ENUMERATIONS, Claim, Decision, Span, Tag, author_voice
from annotations.models.claims import SpeakerKind
from corpus.models import Article

CONTEXT = 160  # characters of text shown before and after a unit
# The claim fields compared, in the form's order (annotations.models.CLAIM_FIELDS).
CLAIM_ROWS = (
    ("speaker", "Speaker"),
    ("speaker_role", "Speaker role"),
    ("attribution_type", "Attribution"),
    ("reporting_verb", "Reporting verb"),
    ("claim_type", "Claim type"),
    ("stance", "Stance"),
    ("target", "Target"),
    ("certainty", "Certainty"),
    ("hedge_cues", "Hedge cues"),
    ("event_modality", "Event modality"),
    ("evidence_cited", "Evidence cited"),
    ("contested", "Contested"),
)
ABSENT = "—"


@dataclass
class Row:
    """One field of a unit, a cell per version (ABSENT where a version lacks it)."""

    label: str
    cells: list[str]
    name: str = ""

    @property
    def differs(self) -> bool:
        return len(set(self.cells)) > 1


@dataclass
class Segment:
    """A stretch of the text around a unit, and which versions cover it (`covered`: their usernames)."""

    text: str
    covered: list[str] = field(default_factory=list)
    coverage: str = "none"  # none | some | all


@dataclass
class ClaimSlot:
    """One claim as each version coded it (None where a version has no such claim)."""

    claims: list[Claim | None]
    rows: list[Row] = field(default_factory=list)
    initial: dict[str, str] = field(default_factory=dict)
    include: bool = True  # kept by an edit (the edit form's tick)

    @property
    def differs(self) -> bool:
        return any(claim is None for claim in self.claims) or any(row.differs for row in self.rows)

    @property
    def enum_fields(self) -> list[tuple[str, str, list[tuple[str, str]], str]]:
        """(name, label, choices, value) of each enumeration, for the edit form."""
        return [
            (name, label, CLAIM_ENUMERATIONS[name].choices, self.initial.get(name, ""))
            for name, label in CLAIM_ROWS
            if name in CLAIM_ENUMERATIONS
        ]


@dataclass
class Unit:
    versions: list[Span]
    decision: Decision | None = None
    coders_missing: list[str] = field(default_factory=list)
    context: list[Segment] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    claim_slots: list[ClaimSlot] = field(default_factory=list)
    # The page's: the unit's place, a refusal of its edit, and the edit form's starting values.
    number: int = 0
    error: str = ""
    edit_tags: list[dict] = field(default_factory=list)
    new_tag: dict[str, str] = field(default_factory=dict)
    keep_from: int | None = None
    speaker_terms: list[tuple[str, str]] = field(default_factory=list)
    target_terms: list[tuple[str, str]] = field(default_factory=list)

    @property
    def start(self) -> int:
        return min(span.start for span in self.versions)

    @property
    def key(self) -> str:
        return "-".join(str(span.pk) for span in self.versions)

    @property
    def anchor(self) -> str:
        return f"unit-{self.versions[0].pk}"

    @property
    def differs(self) -> bool:
        """Do the versions differ in offsets, tags or claims, or did an analyst leave the unit out?"""
        return (
            bool(self.coders_missing)
            or any(row.differs for row in self.rows)
            or any(slot.differs for slot in self.claim_slots)
        )

    @property
    def numbered(self) -> list[tuple[str, Span]]:
        """Each version with the number key that keeps it (1–9)."""
        return [(str(i), span) for i, span in enumerate(self.versions, 1)]

    def offered_tags(self) -> list[Tag]:
        """Every different tag of the versions, for an edit to start from."""
        seen, tags = set(), []
        for span in self.versions:
            for tag in span.tag_list:
                if (tag.term_id, tag.role) not in seen:
                    seen.add((tag.term_id, tag.role))
                    tags.append(tag)
        return tags

    def offered_terms(self, *kinds: str) -> list[tuple[str, str]]:
        """(term id, label) of the terms the versions' claims name (speakers, their groups, targets) of
        these kinds: the edit form's choices, beside a name to type for any other."""
        terms = {}
        for span in self.versions:
            for claim in span.claim_list:
                for term in (claim.speaker, claim.speaker_group, claim.target):
                    if term is not None and term.kind in kinds:
                        terms.setdefault(term.pk, term.label)
        return sorted(((str(pk), label) for pk, label in terms.items()), key=lambda item: item[1].casefold())


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
                .select_related("speaker", "speaker_group", "target", "article__source")
                .order_by("pk"),
                to_attr="claim_list",
            ),
        )
    )
    if coders is not None:
        spans = spans.filter(created_by__in=coders)
    spans = list(spans.order_by("start", "pk"))
    units = _group(spans)
    decisions = {}
    current = (
        Decision.objects.current()
        .filter(article=article)
        .select_related("kept__created_by", "decided_by", "result")
        .prefetch_related("versions")
    )
    results = []
    for decision in current:
        if decision.result is not None:
            results.append(decision.result)
        for span in decision.versions.all():
            decisions[span.pk] = decision
    Span.attach_tags_and_notes(results)
    coder_names = sorted({span.created_by.get_username() for span in spans})
    if coders is not None:
        coder_names = sorted(user.get_username() for user in coders)
    for unit in units:
        unit.decision = next((decisions[s.pk] for s in unit.versions if s.pk in decisions), None)
        present = {span.created_by.get_username() for span in unit.versions}
        unit.coders_missing = [name for name in coder_names if name not in present]
        unit.context = context_of(article.body, unit.versions)
        unit.rows = passage_rows(unit.versions)
        unit.claim_slots = claim_slots(unit.versions)
    return units


def context_of(body: str, versions: list[Span]) -> list[Segment]:
    """The text around the unit, cut at the edges of what the versions cover, each stretch marked by who
    covers it: the difference in offsets is visible in the text itself."""
    low, high = min(s.start for s in versions), max(s.end for s in versions)
    before = body[max(0, low - CONTEXT) : low]
    after = body[high : high + CONTEXT]
    if low > CONTEXT and " " in before:
        before = "…" + before[before.index(" ") + 1 :]
    if high + CONTEXT < len(body) and " " in after:
        after = after[: after.rindex(" ")] + "…"
    segments = [Segment(before)]
    bounds = sorted({low, high} | {s.start for s in versions} | {s.end for s in versions})
    for start, end in zip(bounds, bounds[1:], strict=False):
        covering = [s.created_by.get_username() for s in versions if s.start <= start and end <= s.end]
        coverage = "all" if len(covering) == len(versions) else "some" if covering else "none"
        segments.append(Segment(body[start:end], covering, coverage))
    segments.append(Segment(after))
    return segments


def passage_rows(versions: list[Span]) -> list[Row]:
    """Offsets, then each term (in the order first tagged) with the roles each version gave it."""
    rows = [Row("Offsets", [f"{span.start}–{span.end}" for span in versions], "offsets")]
    if rows[0].differs:
        rows.append(Row("Quote", [_clip(span.quote) for span in versions], "quote"))
    terms = {}
    for span in versions:
        for tag in span.tag_list:
            terms.setdefault(tag.term_id, tag.term)
    for term_id, term in terms.items():
        cells = []
        for span in versions:
            roles = [tag.get_role_display() for tag in span.tag_list if tag.term_id == term_id]
            cells.append(", ".join(roles) or ABSENT)
        label = f"{term.label} [{term.code}]" if term.code else term.label
        rows.append(Row(label, cells, "tag"))
    if not terms:
        rows.append(Row("Tags", ["no tags"] * len(versions), "tag"))
    return rows


def _clip(text: str, length: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1] + "…"


def claim_slots(versions: list[Span]) -> list[ClaimSlot]:
    """The versions' claims paired as the agreement pairs them: the same speaker first, then in order."""
    slots: list[ClaimSlot] = []
    for index, span in enumerate(versions):
        claims = list(span.claim_list)
        filled = [slot for slot in slots if slot.claims[index] is None]
        for claim in list(claims):
            same = next((s for s in filled if _speaker(_first(s)) == _speaker(claim)), None)
            if same is not None:
                same.claims[index] = claim
                filled.remove(same)
                claims.remove(claim)
        for claim in claims:
            slot = filled.pop(0) if filled else None
            if slot is None:
                slot = ClaimSlot([None] * len(versions))
                slots.append(slot)
            slot.claims[index] = claim
    for slot in slots:
        # A field not coded and a claim a version lacks read the same: only what is coded differs.
        slot.rows = [
            Row(label, [(claim_value(claim, name) if claim else "") or ABSENT for claim in slot.claims], name)
            for name, label in CLAIM_ROWS
        ]
        slot.initial = edit_values(_first(slot))
    return slots


def _first(slot: ClaimSlot) -> Claim:
    return next(claim for claim in slot.claims if claim is not None)


def _speaker(claim: Claim) -> str:
    return speaker_key(claim.speaker_kind, claim.speaker_id, claim.speaker_group_id)


def claim_value(claim: Claim, name: str) -> str:
    """A claim field as the compare table shows it ("" when not coded)."""
    if name == "speaker":
        if claim.speaker_kind == SpeakerKind.ACTOR:
            return claim.speaker.label
        if claim.speaker_kind == SpeakerKind.AUTHOR:
            return f"Author: {author_voice(claim.article)}"
        group = f" ({claim.speaker_group.label})" if claim.speaker_group_id else ""
        return f"Unnamed: {claim.unnamed_speaker}{group}"
    if name == "target":
        return claim.target.label if claim.target_id else ""
    if name == "hedge_cues":
        return "; ".join(cue.get("text", "") for cue in claim.hedge_cues or [])
    if name == "contested":
        return "yes" if claim.contested else "no"
    if name in CLAIM_ENUMERATIONS:
        return getattr(claim, f"get_{name}_display")() if getattr(claim, name) else ""
    return getattr(claim, name) or ""


def edit_values(claim: Claim) -> dict[str, str]:
    """What the edit form starts from for a claim: its values, the speaker as one choice (actor:ID,
    author, unnamed)."""
    values = values_from_claim(claim)
    kind = claim.speaker_kind
    values["speaker_choice"] = f"actor:{claim.speaker_id}" if kind == SpeakerKind.ACTOR else kind
    return values


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
