"""User-perceived characters (grapheme clusters): an offset into a text is a boundary only if it does
not cut one. 🇮🇷 is two code points, 👨‍👩‍👧 five, q̃ two (q and a combining tilde): a passage, a claim's
cue or any other stored range must start and end between clusters, or its quote shows half a flag.

Clusters are the `regex` module's `\\X` (Unicode's extended grapheme clusters, UAX #29), the same rule
as the browser's `Intl.Segmenter`, which static/js/reader.js uses to snap selections before sending.
"""

from __future__ import annotations

import regex

CLUSTER = regex.compile(r"\X")
# Clusters never span a line break (a paragraph starts a fresh run), so looking back to the last
# "\n" is enough context; a line without one is read from at most this far back.
CONTEXT = 1000


def is_boundary(text: str, offset: int) -> bool:
    """Whether `offset` (code points) lies between two user-perceived characters of `text`."""
    if offset <= 0 or offset >= len(text):
        return 0 <= offset <= len(text)
    for match in _clusters_around(text, offset):
        if match.start() < offset < match.end():
            return False
        if match.end() >= offset:
            return True
    return True


def _clusters_around(text: str, offset: int):
    return CLUSTER.finditer(text, pos=_safe_start(text, offset), endpos=min(len(text), offset + 64))


def _safe_start(text: str, offset: int) -> int:
    """A cluster boundary at or before `offset`, near it: between two ASCII characters other than CR LF
    (neither can extend a cluster, join one, or be a regional indicator), else the start of the line."""
    floor = text.rfind("\n", max(0, offset - CONTEXT), offset)
    floor = floor + 1 if floor >= 0 else max(0, offset - CONTEXT)
    for at in range(offset - 1, floor, -1):
        before, after = text[at - 1], text[at]
        if after < "\x80" and before < "\x80" and before != "\r":
            return at
    return floor


def cluster_at(text: str, offset: int) -> str:
    """The whole user-perceived character that covers `offset`, for a message."""
    for match in _clusters_around(text, offset):
        if match.start() <= offset < match.end():
            return match.group()
    return text[offset : offset + 1]


def check_range(text: str, start: int, end: int) -> str | None:
    """None if body[start:end] neither starts nor ends inside a character; else what is wrong, in words."""
    for where, offset in (("starts", start), ("ends", end)):
        if not is_boundary(text, offset):
            char = cluster_at(text, offset)
            return (
                f"The selection {where} inside the character “{char}” ({len(char)} code points that show "
                "as one): select the whole character."
            )
    return None
