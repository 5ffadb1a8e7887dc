"""The article body as HTML with its passages highlighted, built in Python for speed.

The offset contract (static/js/reader.js relies on it; tests/test_rendering.py pins it):
every text node of the result holds body characters 1:1, in order, and sits in an element carrying
`data-o`, the body offset (code points) of its first character. Paragraphs are the body split at
"\\n\\n" (`<p id="p-N" data-o="START">`); the breaks themselves are not in the DOM.

The markup is proportional to what is on screen, not to how deeply passages nest:
- a run of text between two passage boundaries is one element. Covered by passages, it is
  `<mark class="hl KIND dN" data-o="START">`: KIND is actor, event, both or untagged (the kinds of the
  covering passages' tags), N how many passages cover it (capped at 4). It names no passage: which
  passages cover a point is asked of the server on click (views/spans.py `choose_span`, `?at=OFFSET`),
  and the marks of one passage are the runs between its start and end.
- an empty `<a id="span-ID"></a>` stands where each passage starts, in reading order, so that
  `/articles/<id>/#span-<id>` links land on it and `j`/`k` can walk the passages; a passage with
  claims has `class="anchor claimed"` there (its claim marker, static/css/claims.css).
- uncovered text is `<span data-o="START">`, or a vocabulary suggestion (annotations/suggestions.py)
  `<span class="suggest" data-o="START" data-term="ID">` (class `suggest confirm` with data-kind for
  one the rules inferred, `suggest new` with data-label and data-type for a new actor), which holds
  its body characters like any other piece, so selections across it map to offsets as before. Its end
  is its start plus its characters; its term's label is in the page once (the suggestions toggle's
  `data-labels`), not on each underline: at 100,000 words dense with names the underlines were
  2.2 MB of a 3.4 MB page.

The passages are BodyRow (SpanQuerySet.for_body): where each lies, the kinds of its tags as bits, and
whether it holds claims.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from html import escape

from annotations.models import KIND_BITS, BodyRow, SpanRow

MAX_DEPTH = 4
KIND_NAMES = {0: "untagged", KIND_BITS["actor"]: "actor", KIND_BITS["event"]: "event", 3: "both"}


def paragraph_bounds(body: str) -> list[tuple[int, int]]:
    """(start, end) of each paragraph, in body offsets."""
    bounds, offset = [], 0
    for text in body.split("\n\n"):
        bounds.append((offset, offset + len(text)))
        offset += len(text) + 2
    return bounds


def paragraphs_touching(body: str, start: int, end: int) -> list[int]:
    """Indexes of the paragraphs that hold any of body[start:end]."""
    bounds = paragraph_bounds(body)
    starts = [b[0] for b in bounds]
    first = max(bisect.bisect_right(starts, start) - 1, 0)
    last = max(bisect.bisect_right(starts, max(end - 1, start)) - 1, first)
    return list(range(first, last + 1))


def render_paragraphs(
    body: str,
    spans: Sequence[BodyRow],
    only: Iterable[int] | None = None,
    suggestions: Sequence[tuple[int, int, int]] = (),
    ranges: dict[int, tuple[int, int]] | None = None,
) -> dict[int, str]:
    """HTML of each paragraph (or of the paragraphs in `only`), keyed by paragraph index.

    `ranges` (paragraph index -> (start, end)): of those paragraphs, only the parts at offsets from
    start to end, in `<template data-repaint="p-N" data-from="START" data-to="END">` (END empty: to
    the paragraph's end), for reader.js to put in place of the same parts of the paragraph shown
    (views/repaint.py: a save on a crowded paragraph answers with what changed). start and end must
    be boundaries of the browser's paragraph: a passage's start or end, or the paragraph's.

    `spans` are the live passages touching those paragraphs, in reading order (SpanQuerySet.for_body).
    `suggestions` are (start, end, term id) in reading order, outside the passages. One that does not
    lie wholly inside unhighlighted text is left out, so the text stays 1:1 whatever is passed."""
    bounds = paragraph_bounds(body)
    plain = _PlainText(body, suggestions)
    wanted = sorted(set(only)) if only is not None else range(len(bounds))

    # Boundary events: at each offset, how the cover changes (passages, those with an actor tag, those
    # with an event tag) and the anchors of the passages that open there. Counters rather than a list
    # of passage ids, so that a run of text costs the same however deeply passages nest over it.
    changes: dict[int, list[int]] = {}
    opens: dict[int, str] = {}
    for span in spans:
        actor, event = span.kind_bits & 1, span.kind_bits >> 1 & 1
        change = changes.get(span.start)
        if change is None:
            change = changes[span.start] = [0, 0, 0]
        change[0] += 1
        change[1] += actor
        change[2] += event
        change = changes.get(span.end)
        if change is None:
            change = changes[span.end] = [0, 0, 0]
        change[0] -= 1
        change[1] -= actor
        change[2] -= event
        marker = ' class="anchor claimed"' if span.claimed else ""
        opens[span.start] = opens.get(span.start, "") + f'<a id="span-{span.pk}"{marker}></a>'
    cuts = sorted(changes)

    html: dict[int, str] = {}
    depth = actors = events = 0
    i, last = 0, len(cuts)
    for index in wanted:
        p_start, p_end = bounds[index]
        # Catch up with passages that opened or closed before this paragraph.
        while i < last and cuts[i] < p_start:
            d, a, e = changes[cuts[i]]
            depth, actors, events = depth + d, actors + a, events + e
            i += 1
        parts = [f'<p id="p-{index}" data-o="{p_start}">']
        at = [-1]  # the body offset each part belongs to (`ranges` cut by it; not the <p> itself)
        position = p_start
        while True:
            at_cut = i < last and cuts[i] <= p_end
            cut = cuts[i] if at_cut else p_end
            if cut > position:
                if depth:
                    kind = KIND_NAMES[(actors > 0) | (events > 0) << 1]
                    parts.append(
                        f'<mark class="hl {kind} d{min(depth, MAX_DEPTH)}" data-o="{position}">'
                        f"{escape(body[position:cut], quote=False)}</mark>"
                    )
                else:
                    parts.append(plain.render(position, cut))
                at.append(position)
                position = cut
            if not at_cut:
                break
            d, a, e = changes[cut]
            depth, actors, events = depth + d, actors + a, events + e
            if cut in opens:
                parts.append(opens[cut])
                at.append(cut)
            i += 1
        if ranges is not None and index in ranges:
            start, end = ranges[index]
            inside = "".join(part for part, offset in zip(parts, at, strict=True) if start <= offset < end)
            to = "" if end >= p_end else str(end)
            html[index] = (
                f'<template data-repaint="p-{index}" data-from="{start}" data-to="{to}">{inside}</template>'
            )
            continue
        parts.append("</p>")
        html[index] = "".join(parts)
    return html


class _PlainText:
    """Unhighlighted body text, with the suggestions that lie wholly inside it underlined.
    Pieces are asked for in reading order, so one pass over the suggestions serves them all."""

    def __init__(self, body: str, suggestions: Sequence[tuple[int, int, int]]):
        self.body, self.suggestions, self.next = body, suggestions, 0

    def render(self, start: int, end: int) -> str:
        body, suggestions = self.body, self.suggestions
        parts, position, i = [], start, self.next
        while i < len(suggestions) and suggestions[i][0] < start:
            i += 1  # began in text already rendered (or inside a passage)
        while i < len(suggestions) and suggestions[i][0] < end:
            s_start, s_end = suggestions[i][0], suggestions[i][1]
            i += 1
            if s_end > end or s_start < position:
                continue  # would cross into a passage or the next paragraph, or overlap the last one
            if s_start > position:
                text = escape(body[position:s_start], quote=False)
                parts.append(f'<span data-o="{position}">{text}</span>')
            parts.append(_suggestion(body, suggestions[i - 1]))
            position = s_end
        self.next = i
        if position < end:
            parts.append(f'<span data-o="{position}">{escape(body[position:end], quote=False)}</span>')
        return "".join(parts)


def _suggestion(body: str, suggestion: Sequence) -> str:
    """One suggestion's underline: certain (a name of the vocabulary), confirm (inferred by the
    rules: a different underline) or new (a name the vocabulary lacks: "new actor?")."""
    start, end, term_id = suggestion[0], suggestion[1], suggestion[2]
    certainty = suggestion[3] if len(suggestion) > 3 else "certain"
    text = escape(body[start:end], quote=False)
    if certainty == "new":
        label, actor_type = suggestion[5], suggestion[6]
        return (
            f'<span class="suggest new" data-o="{start}" data-term="" data-label="{escape(label)}" '
            f'data-type="{actor_type}">{text}</span>'
        )
    if certainty == "confirm":
        return (
            f'<span class="suggest confirm" data-o="{start}" data-term="{term_id}" '
            f'data-kind="{suggestion[4]}">{text}</span>'
        )
    return f'<span class="suggest" data-o="{start}" data-term="{term_id}">{text}</span>'


def render_body(
    body: str,
    spans: Sequence[BodyRow],
    suggestions: Sequence[tuple[int, int, int]] = (),
) -> str:
    """The whole article body as HTML."""
    # No whitespace between paragraphs: every text node in the body is body text.
    return "".join(render_paragraphs(body, spans, suggestions=suggestions).values())


def _clip(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


def render_passage_item(span: SpanRow) -> str:
    """One item of the side list: quote, tags with roles, claims (`claim_list`), analyst, notes. Its id,
    `passage-ID`, is what a save's answer swaps out of band (views/repaint.py)."""
    tags = "".join(
        f'<span class="term {tag.term.kind}">{escape(tag.term.label)} <small>{tag.role}</small></span> '
        for tag in span.tag_list
    )
    notes = "".join(
        f'<p class="note-snippet">{escape(_clip(note.text, 200))} '
        f'<span class="by">— {escape(note.author.get_username())}</span></p>'
        for note in span.note_list
    )
    # Claims: speaker → stance → target, one line each.
    claims = "".join(f'<span class="claim">{escape(claim.summary)}</span>' for claim in span.claim_list)
    return (
        f'<li id="passage-{span.pk}" class="passage" data-span="{span.pk}">'
        f'<a class="passage-link" href="#span-{span.pk}" data-span="{span.pk}">'
        f"“{escape(_clip(span.quote, 140))}”</a>"
        f'<span class="tags">{tags}</span>'
        + (f'<span class="claims">{claims}</span>' if claims else "")
        + f'<span class="by">{escape(span.created_by.get_username())}</span>{notes}</li>'
    )


def render_passage_list(spans: Sequence[SpanRow]) -> str:
    """The side list's items, in Python as the body is (a template loop costs ten times more)."""
    return "".join(render_passage_item(span) for span in spans)
