"""The article body as HTML with its passages highlighted, built in Python for speed.

Every text node of the result holds body characters 1:1, in order: paragraphs are the body
split at "\\n\\n" (`<p id="p-N" data-o="START">`), and inside a paragraph every piece of text sits
in its own element carrying `data-o`, the body offset (code points) of its first character.
That is what lets the browser turn a selection into exact body offsets (static/js/reader.js).

A piece covered by passages is `<mark class="hl KIND dN" data-spans="ID ID">`: KIND is actor,
event, both or untagged (from the covering passages' tags), N the overlap depth (capped at 4),
and its title lists every tag of every covering passage. An empty `<a id="span-ID">` marks
where each passage starts, so `/articles/<id>/#span-<id>` links land on it.

A vocabulary suggestion (annotations/suggestions.py) outside every passage is
`<span class="suggest" data-o="START" data-term="ID" data-end="END" title="…">` (class
`suggest confirm` for one the rules inferred, `suggest new` with data-label and data-type for a
new actor): it holds its body characters like any other piece, so selections across it map to
offsets as before.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from html import escape

from annotations.models import Span

MAX_DEPTH = 4


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


def _tag_kinds_and_titles(spans: Iterable[Span]) -> tuple[dict[int, set[str]], dict[int, list[str]]]:
    kinds: dict[int, set[str]] = {}
    titles: dict[int, list[str]] = {}
    for span in spans:
        tags = getattr(span, "tag_list", [])
        kinds[span.pk] = {tag.term.kind for tag in tags}
        titles[span.pk] = [f"{tag.term.label} ({tag.role})" for tag in tags]
    return kinds, titles


def render_paragraphs(
    body: str,
    spans: Sequence[Span],
    only: Iterable[int] | None = None,
    suggestions: Sequence[tuple[int, int, int]] = (),
    labels: dict[int, str] | None = None,
) -> dict[int, str]:
    """HTML of each paragraph (or of the paragraphs in `only`), keyed by paragraph index.

    `spans` are the live passages touching those paragraphs, with `tag_list` attached
    (SpanQuerySet.for_reader). `suggestions` are (start, end, term id) in reading order, outside
    the passages; `labels` names their terms. One that does not lie wholly inside unhighlighted
    text is left out, so the text stays 1:1 whatever is passed."""
    bounds = paragraph_bounds(body)
    plain = _PlainText(body, suggestions, labels or {})
    wanted = sorted(set(only)) if only is not None else range(len(bounds))
    kinds, titles = _tag_kinds_and_titles(spans)

    # Passages with claims carry a claim marker on their anchor (claims: reader.css `.anchor.claimed`).
    claimed = {span.pk for span in spans if getattr(span, "claim_list", None)}
    # Boundary events: at each offset, which passages open and which close.
    opens: dict[int, list[int]] = {}
    closes: dict[int, list[int]] = {}
    for span in spans:
        opens.setdefault(span.start, []).append(span.pk)
        closes.setdefault(span.end, []).append(span.pk)
    cuts = sorted(set(opens) | set(closes))

    html: dict[int, str] = {}
    active: list[int] = []
    i = 0
    for index in wanted:
        p_start, p_end = bounds[index]
        # Catch up with passages that opened or closed before this paragraph.
        while i < len(cuts) and cuts[i] < p_start:
            _apply(cuts[i], active, opens, closes)
            i += 1
        parts = [f'<p id="p-{index}" data-o="{p_start}">']
        position = p_start
        while i < len(cuts) and cuts[i] <= p_end:
            cut = cuts[i]
            if cut > position:
                parts.append(
                    _piece(body[position:cut], position, active, kinds, titles)
                    if active
                    else plain.render(position, cut)
                )
                position = cut
            for pk in _apply(cut, active, opens, closes):
                marker = " claimed" if pk in claimed else ""
                parts.append(f'<a id="span-{pk}" class="anchor{marker}"></a>')
            i += 1
        if position < p_end:
            parts.append(
                _piece(body[position:p_end], position, active, kinds, titles)
                if active
                else plain.render(position, p_end)
            )
        parts.append("</p>")
        html[index] = "".join(parts)
    return html


def _apply(
    cut: int, active: list[int], opens: dict[int, list[int]], closes: dict[int, list[int]]
) -> list[int]:
    """Close the passages ending at `cut`, open those starting there; return the opened ones."""
    for pk in closes.get(cut, ()):
        if pk in active:
            active.remove(pk)
    opened = opens.get(cut, [])
    active.extend(opened)
    return opened


class _PlainText:
    """Unhighlighted body text, with the suggestions that lie wholly inside it underlined.
    Pieces are asked for in reading order, so one pass over the suggestions serves them all."""

    def __init__(self, body: str, suggestions: Sequence[tuple[int, int, int]], labels: dict[int, str]):
        self.body, self.suggestions, self.labels, self.next = body, suggestions, labels, 0

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
            parts.append(_suggestion(body, suggestions[i - 1], self.labels))
            position = s_end
        self.next = i
        if position < end:
            parts.append(f'<span data-o="{position}">{escape(body[position:end], quote=False)}</span>')
        return "".join(parts)


def _suggestion(body: str, suggestion: Sequence, labels: dict[int, str]) -> str:
    """One suggestion's underline: certain (a name of the vocabulary), confirm (inferred by the
    rules: a different underline) or new (a name the vocabulary lacks: "new actor?")."""
    start, end, term_id = suggestion[0], suggestion[1], suggestion[2]
    certainty = suggestion[3] if len(suggestion) > 3 else "certain"
    text = escape(body[start:end], quote=False)
    if certainty == "new":
        label, actor_type = suggestion[5], suggestion[6]
        title = escape(f"New actor? {label} ({actor_type.replace('_', ' ')}) — click to add and tag")
        return (
            f'<span class="suggest new" data-o="{start}" data-term="" data-end="{end}" '
            f'data-label="{escape(label)}" data-type="{actor_type}" title="{title}">{text}</span>'
        )
    label = labels.get(term_id, "a term")
    if certainty == "confirm":
        title = escape(f"Confirm: {label}? — click to tag")
        return (
            f'<span class="suggest confirm" data-o="{start}" data-term="{term_id}" data-end="{end}" '
            f'data-kind="{suggestion[4]}" title="{title}">{text}</span>'
        )
    title = escape(f"Suggest: {label} — click to tag")
    return (
        f'<span class="suggest" data-o="{start}" data-term="{term_id}" data-end="{end}" '
        f'title="{title}">{text}</span>'
    )


def _piece(
    text: str, offset: int, active: list[int], kinds: dict[int, set[str]], titles: dict[int, list[str]]
) -> str:
    kind_set: set[str] = set()
    labels: list[str] = []
    for pk in active:
        kind_set |= kinds.get(pk, set())
        for label in titles.get(pk, ()):
            if label not in labels:
                labels.append(label)
    if len(kind_set) == 2:
        kind = "both"
    elif kind_set:
        kind = next(iter(kind_set))
    else:
        kind = "untagged"
    depth = min(len(active), MAX_DEPTH)
    title = escape("; ".join(labels) or "No tags yet")
    ids = " ".join(map(str, active))
    return (
        f'<mark class="hl {kind} d{depth}" data-o="{offset}" data-spans="{ids}" title="{title}">'
        f"{escape(text, quote=False)}</mark>"
    )


def render_body(
    body: str,
    spans: Sequence[Span],
    suggestions: Sequence[tuple[int, int, int]] = (),
    labels: dict[int, str] | None = None,
) -> str:
    """The whole article body as HTML."""
    # No whitespace between paragraphs: every text node in the body is body text.
    return "".join(render_paragraphs(body, spans, suggestions=suggestions, labels=labels).values())


def _clip(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


def render_passage_list(spans: Sequence[Span]) -> str:
    """The side list's items: quote, tags with roles, analyst, notes (in Python, as the body is)."""
    items = []
    for span in spans:
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
        claims = "".join(
            f'<span class="claim">{escape(claim.summary)}</span>' for claim in getattr(span, "claim_list", ())
        )
        items.append(
            f'<li class="passage" data-span="{span.pk}">'
            f'<a class="passage-link" href="#span-{span.pk}" data-span="{span.pk}">'
            f"“{escape(_clip(span.quote, 140))}”</a>"
            f'<span class="tags">{tags}</span>'
            + (f'<span class="claims">{claims}</span>' if claims else "")
            + f'<span class="by">{escape(span.created_by.get_username())}</span>{notes}</li>'
        )
    return "".join(items)
