"""The body as HTML: every character exactly once, in order, each text node in an element with its body
offset; a run of text is one element whatever covers it, its kind and depth those of the passages
covering it; each passage's anchor stands where it starts and its runs rebuild its quote; each vocabulary
suggestion outside the passages is underlined over exactly its text."""

from __future__ import annotations

import re
import uuid
from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotations.models import KIND_BITS, BodyRow, Refused, Span, Term
from annotations.rendering import MAX_DEPTH, paragraphs_touching, render_body, render_paragraphs
from annotations.suggestions import outside
from corpus.models import Article

ALPHABET = st.sampled_from(
    list("ab c")
    + ["😀", "👩\u200d🔬", "e\u0301", "\u0301", "“", "”", "’", "\n", "\n\n", "<", "&", '"', "é", "ع", "𝔸"]
)
KINDS = {(): 0, ("actor",): 1, ("event",): 2, ("actor", "event"): 3}


class BodyText(HTMLParser):
    """Reads the rendered body back: its text, the runs of text (with the mark's kind and depth, if
    any), the anchors (with the text offset where each stands) and the suggestions."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.runs: list[dict] = []  # offset, text, mark (bool), kind, depth
        self.anchors: list[tuple[int, int]] = []  # (passage id, offset), in document order
        self.suggestions: list[tuple[int, int, int, str]] = []  # start, end, term, text
        self.paragraphs: list[int] = []
        self._stack: list[tuple[str, dict]] = []

    @property
    def at(self) -> int:
        return len("".join(self.text))

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "p":
            self.paragraphs.append(int(attrs["data-o"]))
            if len(self.paragraphs) > 1:
                self.text.append("\n\n")
        if tag == "a":
            assert set(attrs) == {"id"} and attrs["id"].startswith("span-"), attrs
            self.anchors.append((int(attrs["id"][5:]), self.at))
        self._stack.append((tag, attrs))

    def handle_endtag(self, tag):
        assert self._stack.pop()[0] == tag

    def handle_data(self, data):
        tag, attrs = self._stack[-1]
        assert "data-o" in attrs, f"text outside a data-o element: {data!r}"
        offset = int(attrs["data-o"])
        assert offset == self.at, "data-o must be the body offset of the text"
        self.text.append(data)
        if tag == "mark":
            hl, kind, depth = attrs["class"].split()
            assert hl == "hl" and set(attrs) == {"class", "data-o"}, "a mark names no passage"
            self.runs.append({"offset": offset, "text": data, "mark": True, "kind": kind, "depth": depth})
        elif tag == "span":
            self.runs.append({"offset": offset, "text": data, "mark": False})
            if attrs.get("class") == "suggest":  # its end: its start and its characters
                self.suggestions.append((offset, offset + len(data), int(attrs["data-term"]), data))


def fake_span(pk: int, body: str, start: int, end: int, kinds=("actor",)) -> BodyRow:
    return BodyRow(pk, start, end, KINDS[tuple(kinds)])


def parse(html: str) -> BodyText:
    parser = BodyText()
    parser.feed(html)
    parser.close()
    return parser


def reading_order(spans):
    return sorted(spans, key=lambda s: (s.start, -s.end, s.pk))


@st.composite
def bodies_with_spans(draw):
    body = "".join(draw(st.lists(ALPHABET, min_size=1, max_size=80)))
    spans = []
    for pk in range(1, draw(st.integers(0, 12)) + 1):
        start = draw(st.integers(0, len(body) - 1))
        end = draw(st.integers(start + 1, len(body)))
        # As Span.create_for stores them: no surrounding whitespace.
        while start < end and body[start].isspace():
            start += 1
        while end > start and body[end - 1].isspace():
            end -= 1
        if start == end:
            continue
        kinds = draw(st.sampled_from(list(KINDS)))
        spans.append(fake_span(pk, body, start, end, kinds))
    return body, reading_order(spans)


@st.composite
def bodies_with_spans_and_suggestions(draw):
    """As the reader gets them: suggestions that do not overlap each other (the longest name
    wins) nor, once outside() has filtered them, any passage."""
    body, spans = draw(bodies_with_spans())
    found, position = [], 0
    for term in range(draw(st.integers(0, 10))):
        if position >= len(body):
            break
        start = draw(st.integers(position, len(body) - 1))
        end = draw(st.integers(start + 1, min(len(body), start + 8)))
        position = end + draw(st.integers(0, 3))
        if not body[start].isspace() and not body[end - 1].isspace():  # a name, as spaCy finds them
            found.append((start, end, 100 + term))
    return body, spans, outside(found, [(s.start, s.end) for s in spans])


def check_contract(body: str, spans: list, parsed: BodyText) -> None:
    """What reader.js relies on, and what an analyst must see."""
    assert "".join(parsed.text) == body
    for run in parsed.runs:
        first, last = run["offset"], run["offset"] + len(run["text"])
        covering = [s for s in spans if s.start <= first < s.end]
        # One element per boundary run: no passage starts or ends strictly inside a run.
        assert not any(first < s.start < last or first < s.end < last for s in spans)
        assert run["mark"] == bool(covering)
        if covering:
            bits = 0
            for s in covering:
                bits |= s.kind_bits
            kind = {0: "untagged", KIND_BITS["actor"]: "actor", KIND_BITS["event"]: "event", 3: "both"}[bits]
            assert run["kind"] == kind and run["depth"] == f"d{min(len(covering), MAX_DEPTH)}"
    # One anchor per passage, where it starts, in reading order.
    assert parsed.anchors == [(s.pk, s.start) for s in reading_order(spans)]
    # The marks between a passage's start and end rebuild its quote (paragraph breaks between them).
    for span in spans:
        rebuilt, position = "", span.start
        for run in parsed.runs:
            if span.start <= run["offset"] < span.end:
                assert run["mark"]
                gap = body[position : run["offset"]]
                assert not gap.strip("\n"), "only paragraph breaks may fall between a passage's runs"
                rebuilt += gap + run["text"]
                position = run["offset"] + len(run["text"])
        rebuilt += body[position : span.end]
        assert rebuilt == body[span.start : span.end]


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(bodies_with_spans())
def test_rendered_text_is_the_body_and_each_highlight_is_its_quote(case):
    body, spans = case
    check_contract(body, spans, parse(render_body(body, spans)))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(bodies_with_spans_and_suggestions())
def test_suggestions_keep_the_text_whole_and_underline_exactly_their_names(case):
    body, spans, suggestions = case
    parsed = parse(render_body(body, spans, suggestions))
    check_contract(body, spans, parsed)
    without = parse(render_body(body, spans))
    assert [r for r in parsed.runs if r["mark"]] == [r for r in without.runs if r["mark"]]
    drawn = {(start, end, term) for start, end, term, _text in parsed.suggestions}
    for start, end, _term, text in parsed.suggestions:
        assert text == body[start:end]
    # Every suggestion is drawn, unless it crosses a paragraph break (spaCy never finds those).
    assert drawn == {s for s in suggestions if "\n\n" not in body[s[0] : s[1]]}


@settings(max_examples=50, deadline=None)
@given(bodies_with_spans_and_suggestions())
def test_repainting_some_paragraphs_matches_the_full_render(case):
    body, spans, suggestions = case
    full = render_paragraphs(body, spans, suggestions=suggestions)
    for span in spans:
        indexes = paragraphs_touching(body, span.start, span.end)
        repainted = render_paragraphs(body, spans, only=indexes, suggestions=suggestions)
        assert repainted == {i: full[i] for i in indexes}


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(bodies_with_spans(), st.integers(1, 40))
def test_markup_does_not_grow_with_how_deeply_passages_nest(case, copies):
    """The same passages stacked `copies` times over: the same runs, only deeper (capped), and one
    more anchor per copy, nothing per mark."""
    body, spans = case
    stacked = reading_order(
        [
            BodyRow(pk + 1000 * n, s.start, s.end, s.kind_bits)
            for n in range(copies)
            for pk, s in enumerate(spans)
        ]
    )
    once, many = parse(render_body(body, spans)), parse(render_body(body, stacked))
    check_contract(body, stacked, many)
    assert [(r["offset"], r["text"]) for r in many.runs] == [(r["offset"], r["text"]) for r in once.runs]
    marks = re.findall(r"<mark[^>]*>", render_body(body, stacked))
    assert all(
        len(mark) <= len('<mark class="hl untagged d4" data-o="">') + len(str(len(body))) for mark in marks
    )


def test_suggestion_is_underlined_outside_passages_only():
    body = "Rouhani met Soleimani.\n\nSoleimani left."
    first, second = body.index("Soleimani"), body.rindex("Soleimani")
    suggestions = [(0, 7, 2), (first, first + 9, 1), (second, second + 9, 1)]
    passage = fake_span(1, body, first, first + 9)
    html = render_body(body, [passage], outside(suggestions, [(first, first + 9)]))
    assert html.startswith(
        '<p id="p-0" data-o="0"><span class="suggest" data-o="0" data-term="2">Rouhani</span>'
        '<span data-o="7"> met </span>'
        '<a id="span-1"></a><mark class="hl actor d1" data-o="12">Soleimani</mark>'
    )
    assert (
        f'<p id="p-1" data-o="24"><span class="suggest" data-o="{second}" data-term="1">Soleimani</span>'
        f'<span data-o="{second + 9}"> left.</span></p>'
    ) in html


def test_overlapping_passages_get_depth_and_kind_and_one_anchor_each():
    body = "With the murder of Qasem Soleimani, the United States declared war."
    outer = fake_span(1, body, 0, len(body), kinds=("event",))
    inner = fake_span(2, body, 19, 34, kinds=("actor",))
    html = render_body(body, [outer, inner])
    assert html == (
        '<p id="p-0" data-o="0">'
        '<a id="span-1"></a><mark class="hl event d1" data-o="0">With the murder of </mark>'
        '<a id="span-2"></a><mark class="hl both d2" data-o="19">Qasem Soleimani</mark>'
        '<mark class="hl event d1" data-o="34">, the United States declared war.</mark></p>'
    )


def test_passages_starting_together_have_their_anchors_in_reading_order():
    body = "Tehran vowed revenge."
    short, long_, untagged = fake_span(3, body, 0, 6), fake_span(5, body, 0, 21), fake_span(4, body, 0, 6, ())
    html = render_body(body, reading_order([short, long_, untagged]))
    assert html.startswith('<p id="p-0" data-o="0"><a id="span-5"></a><a id="span-3"></a><a id="span-4"></a>')
    assert '<mark class="hl actor d3" data-o="0">Tehran</mark>' in html


def test_markup_in_the_body_is_escaped():
    body = "<script>alert(1)</script> & “quotes”"
    html = render_body(body, [fake_span(1, body, 0, 8)])
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "".join(parse(html).text) == body


def test_paragraphs_are_split_at_blank_lines_with_their_offsets():
    body = "One.\n\nTwo\nlines.\n\n\nThree."
    parsed = parse(render_body(body, []))
    assert parsed.paragraphs == [0, 6, 18]
    assert "".join(parsed.text) == body


@pytest.mark.django_db
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    body=st.lists(ALPHABET | st.just(" ab ") | st.just(" c "), min_size=1, max_size=60).map("".join),
    cuts=st.lists(st.tuples(st.integers(0, 200), st.integers(1, 60)), max_size=8),
)
def test_reader_page_shows_the_body_and_every_saved_quote(alice_client, alice, body, cuts):
    """End to end through Span.create_for and the reader view: what is stored is what is shown,
    with the vocabulary's names ("ab", "c") underlined wherever no passage covers them."""
    for name in ("ab", "c"):
        Term.objects.get_or_create(slug=f"name-{name}", defaults={"kind": "actor", "label": name})
    article = Article.objects.create(title="Property", body=body, sha256=uuid.uuid4().hex)
    spans = []
    for start, length in cuts:
        start = start % len(body)
        end = min(len(body), start + length)
        try:
            spans.append(Span.create_for(article, start, end, body[start:end], by=alice))
        except Refused as refused:
            # Only a whitespace selection, or one that cuts a character in two, is refused here.
            assert not body[start:end].strip() or "inside the character" in refused.message
    html = alice_client.get(f"/articles/{article.pk}/").content.decode()
    parsed = parse(html.split('id="body"', 1)[1].split(">", 1)[1].split("</div>", 1)[0])
    for span in spans:
        assert body[span.start : span.end] == span.quote == span.quote.strip()
    check_contract(body, [fake_span(s.pk, body, s.start, s.end, ()) for s in spans], parsed)
    for start, end, _term, text in parsed.suggestions:
        assert text == body[start:end] and text in ("ab", "c")
        assert not any(span.start < end and start < span.end for span in spans)
