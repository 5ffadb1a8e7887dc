"""Scoring suggestions against gold mentions (the format of ../shared/gold/README.md), for
bench/suggestions.py and its tests.

A suggestion matches a gold mention of a vocabulary actor *exactly* (same offsets, same actor) or
*by overlap* (the ranges share a character, same actor). Recall is the share of gold mentions some
suggestion matches; precision the share of suggestions that match some gold mention. Recall is
counted by the gold's kind of mention (name, metonym, group, nominal), precision by the kind the
rule gave its suggestion, and both for certain suggestions alone and with the confirm ones.
"New actor?" suggestions are scored apart, by overlap with the gold's `new:` mentions.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field

KINDS = ("name", "metonym", "group", "nominal")
NEW_ACTOR = "new:"


@dataclass(frozen=True)
class Gold:
    start: int
    end: int
    actor: str  # a vocabulary id (slug), or new:<slug>
    kind: str
    text: str = ""
    role: str = ""


@dataclass(frozen=True)
class Suggested:
    start: int
    end: int
    actor: str | None  # the term's slug; None for a new actor
    certainty: str  # certain, confirm, new
    kind: str
    text: str = ""


@dataclass
class Figures:
    found: int = 0
    total: int = 0

    @property
    def ratio(self) -> float | None:
        return self.found / self.total if self.total else None

    def __str__(self) -> str:
        return "—" if self.ratio is None else f"{self.ratio:.2f} ({self.found}/{self.total})"


@dataclass
class Report:
    recall: dict[tuple[str, str, str], Figures] = field(default_factory=dict)  # (mode, kind, which)
    precision: dict[tuple[str, str, str], Figures] = field(default_factory=dict)
    misses: list[Gold] = field(default_factory=list)  # by overlap, certain and confirm
    false: list[Suggested] = field(default_factory=list)
    new_recall: Figures = field(default_factory=Figures)
    new_precision: Figures = field(default_factory=Figures)

    def get(self, table: str, mode: str, kind: str = "all", which: str = "all") -> Figures:
        return getattr(self, table).get((mode, kind, which), Figures())


def matches(s: Suggested, g: Gold, mode: str) -> bool:
    if s.actor != g.actor:
        return False
    if mode == "exact":
        return s.start == g.start and s.end == g.end
    return s.start < g.end and g.start < s.end


def score(gold: Iterable[Gold], suggested: Iterable[Suggested]) -> Report:
    gold = list(gold)
    suggested = list(suggested)
    known = [g for g in gold if not g.actor.startswith(NEW_ACTOR)]
    ours = {"certain": [s for s in suggested if s.certainty == "certain"]}
    ours["all"] = [s for s in suggested if s.certainty in ("certain", "confirm")]
    ours["confirm"] = [s for s in suggested if s.certainty == "confirm"]
    report = Report()
    for mode in ("exact", "overlap"):
        for which in ("certain", "all"):
            for kind in ("all", *KINDS):
                wanted = [g for g in known if kind in ("all", g.kind)]
                hit = sum(any(matches(s, g, mode) for s in ours[which]) for g in wanted)
                report.recall[(mode, kind, which)] = Figures(hit, len(wanted))
        for which in ("certain", "confirm", "all"):
            for kind in ("all", *KINDS):
                mine = [s for s in ours[which] if kind in ("all", s.kind)]
                right = sum(any(matches(s, g, mode) for g in known) for s in mine)
                report.precision[(mode, kind, which)] = Figures(right, len(mine))
    report.misses = [g for g in known if not any(matches(s, g, "overlap") for s in ours["all"])]
    report.false = [s for s in ours["all"] if not any(matches(s, g, "overlap") for g in known)]
    new_gold = [g for g in gold if g.actor.startswith(NEW_ACTOR)]
    new_ours = [s for s in suggested if s.certainty == "new"]

    def overlaps(s: Suggested, g: Gold) -> bool:
        return s.start < g.end and g.start < s.end

    report.new_recall = Figures(sum(any(overlaps(s, g) for s in new_ours) for g in new_gold), len(new_gold))
    report.new_precision = Figures(
        sum(any(overlaps(s, g) for g in new_gold) for s in new_ours), len(new_ours)
    )
    return report


def map_offsets(raw: str, stored: str, gold: Iterable[Gold]) -> tuple[list[Gold], list[Gold]]:
    """Gold mentions on a raw seed text, moved onto the article's stored (cleaned) body: aligned
    by difflib, then checked by their text; the ones the cleaning removed come back second."""
    blocks = difflib.SequenceMatcher(None, raw, stored, autojunk=False).get_matching_blocks()
    moved, lost = [], []
    for g in gold:
        block = next((b for b in blocks if b.a <= g.start and g.end <= b.a + b.size), None)
        if block is not None:
            start = g.start - block.a + block.b
            end = start + (g.end - g.start)
            if stored[start:end] == raw[g.start : g.end]:
                moved.append(Gold(start, end, g.actor, g.kind, g.text, g.role))
                continue
        lost.append(g)
    return moved, lost
