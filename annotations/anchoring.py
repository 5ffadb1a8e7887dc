"""Re-anchoring a passage in a body whose offsets may have drifted: by quote, prefix and suffix.

This is the W3C TextQuoteSelector idea: the quote names the text, prefix and suffix (up to 32 characters
each side) say which occurrence, the old offsets break ties. No fuzzy matching: a quote that is no longer
in the body is reported orphaned rather than pinned to text the analyst never selected.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Status = Literal["exact", "moved", "orphaned"]


@dataclass(frozen=True)
class Anchor:
    """Where the passage sits now. For an orphaned passage start/end are the old, no longer valid, offsets."""

    start: int
    end: int
    status: Status


def _common_tail(a: str, b: str) -> int:
    """How many characters a and b share at their ends."""
    n = 0
    for x, y in zip(reversed(a), reversed(b), strict=False):
        if x != y:
            break
        n += 1
    return n


def _common_head(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def occurrences(body: str, quote: str) -> list[int]:
    """Every start offset of quote in body, overlapping ones included."""
    found, at = [], body.find(quote)
    while at != -1:
        found.append(at)
        at = body.find(quote, at + 1)
    return found


def reanchor(body: str, quote: str, prefix: str, suffix: str, start: int, end: int) -> Anchor:
    """Find the passage again: keep the offsets if they still hold the quote; otherwise take the occurrence
    of the quote whose surroundings match prefix and suffix best, the nearest to the old start on a tie."""
    if 0 <= start < end <= len(body) and body[start:end] == quote:
        return Anchor(start, end, "exact")
    if not quote:
        return Anchor(start, end, "orphaned")
    best: tuple[int, int, int] | None = None  # (-context score, distance, offset): smallest wins
    for at in occurrences(body, quote):
        before = body[max(0, at - len(prefix)) : at]
        after = body[at + len(quote) : at + len(quote) + len(suffix)]
        score = _common_tail(before, prefix) + _common_head(after, suffix)
        key = (-score, abs(at - start), at)
        if best is None or key < best:
            best = key
    if best is None:
        return Anchor(start, end, "orphaned")
    at = best[2]
    return Anchor(at, at + len(quote), "moved")
