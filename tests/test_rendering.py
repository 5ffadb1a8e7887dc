"""The body as HTML: every character exactly once, in order; each passage's highlight is its quote."""

from __future__ import annotations

import uuid
from html.parser import HTMLParser
from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotations.models import Refused, Span
from annotations.rendering import paragraphs_touching, render_body, render_paragraphs
from corpus.models import Article

ALPHABET = st.sampled_from(
    list("ab c")
    + ["😀", "👩\u200d🔬", "e\u0301", "\u0301", "“", "”", "’", "\n", "\n\n", "<", "&", '"', "é", "ع", "𝔸"]
)


class BodyText(HTMLParser):
    """Collects the text of the rendered body, and for each passage id the text of its segments."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.by_span: dict[int, list[tuple[int, str]]] = {}
        self.paragraphs: list[int] = []
        self._stack: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "p":
            self.paragraphs.append(int(attrs["data-o"]))
            if len(self.paragraphs) > 1:
                self.text.append("\n\n")
        self._stack.append(attrs)

    def handle_endtag(self, tag):
        self._stack.pop()

    def handle_data(self, data):
        attrs = self._stack[-1]
        assert "data-o" in attrs, f"text outside a data-o element: {data!r}"
        offset = int(attrs["data-o"])
        assert offset == len("".join(self.text)), "data-o must be the body offset of the text"
        self.text.append(data)
        for pk in attrs.get("data-spans", "").split():
            self.by_span.setdefault(int(pk), []).append((offset, data))


def fake_span(pk: int, body: str, start: int, end: int, kinds=("actor",)):
    tags = [SimpleNamespace(term=SimpleNamespace(kind=k, label=f"T{pk}{k}"), role="mentioned") for k in kinds]
    return SimpleNamespace(pk=pk, start=start, end=end, quote=body[start:end], tag_list=tags)


def parse(html: str) -> BodyText:
    parser = BodyText()
    parser.feed(html)
    parser.close()
    return parser


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
        kinds = draw(st.sampled_from([("actor",), ("event",), ("actor", "event"), ()]))
        spans.append(fake_span(pk, body, start, end, kinds))
    return body, spans


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(bodies_with_spans())
def test_rendered_text_is_the_body_and_each_highlight_is_its_quote(case):
    body, spans = case
    parsed = parse(render_body(body, spans))
    assert "".join(parsed.text) == body
    for span in spans:
        pieces = parsed.by_span.get(span.pk, [])
        # Segments of one passage are contiguous in the body, except for the paragraph breaks between them.
        rebuilt, position = "", span.start
        for offset, text in pieces:
            gap = body[position:offset]
            assert not gap.strip("\n"), "only paragraph breaks may fall between a passage's segments"
            rebuilt += gap + text
            position = offset + len(text)
        rebuilt += body[position : span.end]
        assert rebuilt == span.quote


@settings(max_examples=50, deadline=None)
@given(bodies_with_spans())
def test_repainting_some_paragraphs_matches_the_full_render(case):
    body, spans = case
    full = render_paragraphs(body, spans)
    for span in spans:
        indexes = paragraphs_touching(body, span.start, span.end)
        assert render_paragraphs(body, spans, only=indexes) == {i: full[i] for i in indexes}


def test_overlapping_passages_get_depth_and_kind_and_all_tags_in_title():
    body = "With the murder of Qasem Soleimani, the United States declared war."
    outer = fake_span(1, body, 0, len(body), kinds=("event",))
    inner = fake_span(2, body, 19, 34, kinds=("actor",))
    html = render_body(body, [outer, inner])
    assert '<a id="span-1" class="anchor"></a><mark class="hl event d1" data-o="0" data-spans="1"' in html
    assert (
        '<a id="span-2" class="anchor"></a><mark class="hl both d2" data-o="19" data-spans="1 2" '
        'title="T1event (mentioned); T2actor (mentioned)">Qasem Soleimani</mark>'
    ) in html


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
    body=st.lists(ALPHABET, min_size=1, max_size=60).map("".join),
    cuts=st.lists(st.tuples(st.integers(0, 200), st.integers(1, 60)), max_size=8),
)
def test_reader_page_shows_the_body_and_every_saved_quote(alice_client, alice, body, cuts):
    """End to end through Span.create_for and the reader view: what is stored is what is shown."""
    article = Article.objects.create(title="Property", body=body, sha256=uuid.uuid4().hex)
    spans = []
    for start, length in cuts:
        start = start % len(body)
        end = min(len(body), start + length)
        try:
            spans.append(Span.create_for(article, start, end, body[start:end], by=alice))
        except Refused:
            assert not body[start:end].strip()  # only a whitespace selection is refused here
    html = alice_client.get(f"/articles/{article.pk}/").content.decode()
    parsed = parse(html.split('id="body"', 1)[1].split(">", 1)[1].split("</div>", 1)[0])
    assert "".join(parsed.text) == body
    for span in spans:
        assert body[span.start : span.end] == span.quote == span.quote.strip()
        pieces = parsed.by_span[span.pk]
        assert pieces[0][0] == span.start
        assert pieces[-1][0] + len(pieces[-1][1]) == span.end
