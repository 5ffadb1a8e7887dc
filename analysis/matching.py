"""Matching two analysts' codings of one article: passages, the tags on matched passages, and the
claims on matched passages. Pure functions over light records (no database), so that the agreement of
a whole set is computed from a few bulk reads.

Passages
- *exact*: same start and end offsets. One-to-one (two identical passages of one analyst match two of
  the other's, in id order).
- *overlap*: passages sharing at least one character. One-to-one, largest overlap first: every
  overlapping pair is a candidate, candidates are taken in order of characters in common (ties: the
  larger share of the union, then the lower ids), and a pair is kept when neither passage is matched
  yet. Exact matches are therefore always overlap matches.

Tags on a matched pair of passages are aligned into *slots*, each slot one tag of A against one tag of B
(or "(none)" when one analyst has no tag left): first the tags with the same term (same role first), then
tags with the same role, then what is left, in the order tagged. The term and the role of each slot are
the two nominal variables of the tag alphas; "(none)" is a value, so a tag one analyst left out counts
as a disagreement.

Claims on a matched pair of passages are paired one-to-one: same speaker first, then in the order
coded; a claim without a partner is counted as "only A"/"only B", not in the field alphas.
"""

from __future__ import annotations

from dataclasses import dataclass, field

NONE = "(none)"
CLAIM_FIELDS = (
    "speaker",
    "speaker_role",
    "attribution_type",
    "claim_type",
    "stance",
    "target",
    "certainty",
    "event_modality",
)


@dataclass(slots=True)
class ClaimCoding:
    """One claim as compared: its field values as strings (None: not coded)."""

    pk: int
    values: dict[str, str | None]


@dataclass(slots=True)
class Passage:
    """One analyst's passage, with its tags (term id, role) and claims."""

    pk: int
    article_id: int
    start: int
    end: int
    coder: int
    tags: list[tuple[int, str]] = field(default_factory=list)
    claims: list[ClaimCoding] = field(default_factory=list)

    def term_ids(self) -> set[int]:
        return {term_id for term_id, _ in self.tags}


def match_exact(a: list[Passage], b: list[Passage]) -> list[tuple[Passage, Passage]]:
    waiting: dict[tuple[int, int], list[Passage]] = {}
    for passage in sorted(b, key=lambda p: p.pk):
        waiting.setdefault((passage.start, passage.end), []).append(passage)
    pairs = []
    for passage in sorted(a, key=lambda p: p.pk):
        same = waiting.get((passage.start, passage.end))
        if same:
            pairs.append((passage, same.pop(0)))
    return pairs


def match_overlap(a: list[Passage], b: list[Passage]) -> list[tuple[Passage, Passage]]:
    candidates = []
    ordered_b = sorted(b, key=lambda p: p.start)
    for x in a:
        for y in ordered_b:
            if y.start >= x.end:
                break
            common = min(x.end, y.end) - max(x.start, y.start)
            if common > 0:
                union = max(x.end, y.end) - min(x.start, y.start)
                candidates.append((-common, -common / union, x.pk, y.pk, x, y))
    candidates.sort(key=lambda c: c[:4])
    taken_a: set[int] = set()
    taken_b: set[int] = set()
    pairs = []
    for *_, x, y in candidates:
        if x.pk not in taken_a and y.pk not in taken_b:
            taken_a.add(x.pk)
            taken_b.add(y.pk)
            pairs.append((x, y))
    pairs.sort(key=lambda pair: (pair[0].start, pair[0].pk))
    return pairs


Tag = tuple[int, str]


def tag_slots(a: list[Tag], b: list[Tag]) -> list[tuple[Tag | None, Tag | None]]:
    """A's and B's tags on one matched pair, aligned (see the module docstring)."""
    left, right = list(a), list(b)
    slots: list[tuple[Tag | None, Tag | None]] = []

    def pair_off(same) -> None:
        for x in list(left):
            for y in right:
                if same(x, y):
                    slots.append((x, y))
                    left.remove(x)
                    right.remove(y)
                    break

    pair_off(lambda x, y: x == y)
    pair_off(lambda x, y: x[0] == y[0])
    pair_off(lambda x, y: x[1] == y[1])
    while left and right:
        slots.append((left.pop(0), right.pop(0)))
    slots.extend((x, None) for x in left)
    slots.extend((None, y) for y in right)
    return slots


def claim_pairs(
    a: list[ClaimCoding], b: list[ClaimCoding]
) -> tuple[list[tuple[ClaimCoding, ClaimCoding]], list[ClaimCoding], list[ClaimCoding]]:
    """Claims of A and B on one matched pair: (pairs, only A's, only B's)."""
    left, right = sorted(a, key=lambda c: c.pk), sorted(b, key=lambda c: c.pk)
    pairs = []
    for x in list(left):
        for y in right:
            if x.values["speaker"] == y.values["speaker"]:
                pairs.append((x, y))
                left.remove(x)
                right.remove(y)
                break
    while left and right:
        pairs.append((left.pop(0), right.pop(0)))
    return pairs, left, right
