"""The export an analyst takes away: CSV (wide and long) and JSONL, read back cell by cell.

The helpers at the top (an article with awkward text, `mark`, `tag`, `note`) are shared with
test_w3c.py and test_import_annotations.py.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime

import pandas as pd
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from annotations.export import CSV_COLUMNS, FORMATS, LONG_CSV_COLUMNS, export_filename, stream
from annotations.models import PREFIX_LENGTH, Note, Span, Tag, Term
from corpus.models import Article, Source

BASE_URL = "https://marginalia.example.org"

BODY = (
    "Tehran vowed revenge, on Friday. The strike killed Qasem Soleimani near Baghdad airport.\n\n"
    'Officials said "this is an act of war", and markets fell 🔥 sharply.\n\n'
    "=SUM(A1:A9) was scrawled on a wall. +44 callers, -5 degrees, @handle posted.\n\n"
    "قال المتحدث إن الرد سيكون قاسياً. אמר הדובר כי התגובה תהיה קשה.\n\n"
    "The last sentence ends here."
)


def make_article(body: str = BODY, title: str = 'Targeted Killing, "Step" into War', **extra) -> Article:
    source, _ = Source.objects.get_or_create(name=extra.pop("source_name", "The Limited Times"))
    return Article.objects.create(
        source=source,
        title=title,
        body=body,
        sha256=Article.hash_body(body),
        published=extra.pop("published", date(2020, 1, 3)),
        url=extra.pop("url", "https://example.org/soleimani"),
        **extra,
    )


def mark(article: Article, quote: str, by, occurrence: int = 0, **extra) -> Span:
    """A span on the nth occurrence of quote, with prefix and suffix as the reader stores them."""
    start = -1
    for _ in range(occurrence + 1):
        start = article.body.index(quote, start + 1)
    end = start + len(quote)
    return Span.objects.create(
        article=article,
        start=start,
        end=end,
        quote=quote,
        prefix=article.body[max(0, start - PREFIX_LENGTH) : start],
        suffix=article.body[end : end + PREFIX_LENGTH],
        created_by=by,
        **extra,
    )


def term(slug: str, label: str, kind: str = "actor", code: str = "", parent: Term | None = None) -> Term:
    return Term.objects.create(slug=slug, label=label, kind=kind, code=code, parent=parent)


def tag(span: Span, the_term: Term, role: str | None = None) -> Tag:
    return Tag.objects.create(
        span=span, term=the_term, role=role or the_term.default_role, created_by=span.created_by
    )


def note(span: Span, author, text: str, at: datetime | None = None) -> Note:
    at = at or datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
    return Note.objects.create(
        article=span.article, span=span, author=author, text=text, created_at=at, updated_at=at
    )


def export(fmt: str, spans=None, **options) -> str:
    spans = Span.objects.live() if spans is None else spans
    return "".join(stream(fmt, spans, base_url=BASE_URL, **options))


def csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


@pytest.fixture
def vocabulary(db) -> dict[str, Term]:
    irgc = term("irgc", "Islamic Revolutionary Guard Corps", code="IRNMIL")
    return {
        "irgc": irgc,
        "quds": term("quds-force", "Quds Force", code="IRNMILQDS", parent=irgc),
        "soleimani": term("qasem-soleimani", "Qasem Soleimani", code="IRNMIL"),
        "usa": term("united-states", "United States", code="USA"),
        "iran": term("iran", "Iran", code="IRN"),
        "nocode": term("markets", "Markets"),
        "strike": term("air-strike", "Air/drone strike", kind="event", code="195"),
        "threat": term("threaten", "Threaten", kind="event", code="13"),
    }


@pytest.fixture
def article(db) -> Article:
    return make_article()


# --- The wide CSV --------------------------------------------------------------------------------


def test_csv_has_the_documented_columns_in_order(article, alice):
    mark(article, "Qasem Soleimani", alice)
    header = export("csv").split("\r\n", 1)[0]
    assert header.split(",") == list(CSV_COLUMNS)
    assert list(CSV_COLUMNS)[:3] == ["span_id", "article_id", "article_title"]
    assert list(CSV_COLUMNS)[-3:] == ["created_at", "updated_at", "link"]


def test_csv_gives_one_row_per_passage_with_terms_by_role(article, alice, vocabulary):
    span = mark(article, "The strike killed Qasem Soleimani near Baghdad airport.", alice)
    tag(span, vocabulary["usa"], "agent")
    tag(span, vocabulary["soleimani"], "target")
    tag(span, vocabulary["quds"], "target")
    tag(span, vocabulary["nocode"], "mentioned")
    tag(span, vocabulary["strike"])
    other = mark(article, "Tehran vowed revenge", bob_user := alice)
    tag(other, vocabulary["iran"], "source")
    tag(other, vocabulary["threat"])

    rows = csv_rows(export("csv"))

    assert [row["quote"] for row in rows] == ["Tehran vowed revenge", span.quote]
    row = rows[1]
    assert row["span_id"] == str(span.pk)
    assert row["article_id"] == str(article.pk)
    assert row["article_title"] == 'Targeted Killing, "Step" into War'
    assert row["source"] == "The Limited Times"
    assert row["published"] == "2020-01-03"
    assert row["article_url"] == "https://example.org/soleimani"
    assert (row["start"], row["end"]) == (str(span.start), str(span.end))
    assert row["agent_actors"] == "United States [USA]"
    assert row["target_actors"] == "Qasem Soleimani [IRNMIL]; Quds Force [IRNMILQDS]"
    assert row["mentioned_actors"] == "Markets"
    assert row["source_actors"] == ""
    assert row["events"] == "Air/drone strike [195]"
    assert row["actor_codes"] == "USA; IRNMIL; IRNMILQDS"
    assert row["event_codes"] == "195"
    assert row["annotator"] == bob_user.username == "alice"
    assert rows[0]["source_actors"] == "Iran [IRN]"
    assert rows[0]["events"] == "Threaten [13]"


def test_csv_dates_are_iso_utc_and_link_is_absolute(article, alice):
    created = datetime(2026, 11, 21, 17, 5, 9, 123456, tzinfo=UTC)
    span = mark(article, "Qasem Soleimani", alice, created_at=created, updated_at=created)
    row = csv_rows(export("csv"))[0]
    assert row["created_at"] == row["updated_at"] == "2026-11-21T17:05:09Z"
    assert row["link"] == f"{BASE_URL}/articles/{article.pk}/#span-{span.pk}"


def test_sentence_is_the_sentence_around_the_quote_even_across_two(article, alice):
    mark(article, "Qasem Soleimani", alice)
    mark(article, "Friday. The strike", alice)
    rows = {row["quote"]: row for row in csv_rows(export("csv"))}
    assert rows["Qasem Soleimani"]["sentence"] == "The strike killed Qasem Soleimani near Baghdad airport."
    assert rows["Friday. The strike"]["sentence"] == (
        "Tehran vowed revenge, on Friday. The strike killed Qasem Soleimani near Baghdad airport."
    )


def test_sentence_starts_are_computed_once_and_stored_for_articles_without_them(article, alice):
    assert article.sentence_starts == []
    mark(article, "The last sentence", alice)
    assert csv_rows(export("csv"))[0]["sentence"] == "The last sentence ends here."
    article.refresh_from_db()
    assert article.sentence_starts and article.body.index("The last sentence") in article.sentence_starts
    with CaptureQueriesContext(connection) as queries:
        export("csv")
    assert not any("UPDATE" in query["sql"] for query in queries.captured_queries)


def test_notes_are_one_cell_with_author_time_and_a_blank_line_between(article, alice, bob):
    span = mark(article, "Qasem Soleimani", alice)
    note(span, alice, 'First, a "quoted" remark,\nover two lines', datetime(2026, 11, 20, 9, 30, tzinfo=UTC))
    note(span, bob, "Second 👍", datetime(2026, 11, 21, 14, 2, tzinfo=UTC))
    gone = note(span, bob, "deleted note", datetime(2026, 11, 21, 15, 0, tzinfo=UTC))
    gone.deleted_at = datetime(2026, 11, 21, 16, 0, tzinfo=UTC)
    gone.save()
    row = csv_rows(export("csv"))[0]
    assert row["notes"] == (
        'alice (2026-11-20 09:30): First, a "quoted" remark,\nover two lines'
        "\n\nbob (2026-11-21 14:02): Second 👍"
    )


AWKWARD_NOTES = {
    'Officials said "this is an act of war", and markets': 'comma, "double quotes"\r\nand a CRLF newline',
    "🔥": "emoji 🔥👍🏽 and a zero-width joiner 👩‍🔬",
    "قال المتحدث إن الرد سيكون قاسياً.": "نص عربي, with comma",
    "אמר הדובר כי התגובה תהיה קשה.": "עברית\nשורה שנייה",
    "=SUM(A1:A9)": '=HYPERLINK("http://evil.example")',
    "+44 callers": "+1 agreed",
    "-5 degrees": "-- dash note",
    "@handle": "@channel ping",
}
NEUTRALISED = {"=SUM(A1:A9)", "+44 callers", "-5 degrees", "@handle"}


@pytest.fixture
def awkward_set(article, alice) -> dict[str, Span]:
    spans = {}
    for quote, text in AWKWARD_NOTES.items():
        spans[quote] = span = mark(article, quote, alice)
        note(span, alice, text)
    return spans


def expected_cells(quote: str) -> tuple[str, str]:
    text = AWKWARD_NOTES[quote]
    expected_quote = "'" + quote if quote in NEUTRALISED else quote
    return expected_quote, f"alice (2026-11-20 09:30): {text}"


def test_awkward_quotes_and_notes_read_back_exactly_with_python_csv(awkward_set):
    rows = csv_rows(export("csv"))
    assert len(rows) == len(AWKWARD_NOTES)
    by_id = {row["span_id"]: row for row in rows}
    for quote, span in awkward_set.items():
        row = by_id[str(span.pk)]
        assert (row["quote"], row["notes"]) == expected_cells(quote)
        assert row["start"] == str(span.start)  # numbers are never neutralised


def test_awkward_quotes_and_notes_read_back_exactly_with_pandas(awkward_set):
    frame = pd.read_csv(io.StringIO(export("csv"), newline=""), dtype=str, keep_default_na=False)
    assert list(frame.columns) == list(CSV_COLUMNS)
    assert len(frame) == len(AWKWARD_NOTES)
    for quote, span in awkward_set.items():
        row = frame[frame["span_id"] == str(span.pk)].iloc[0]
        assert (row["quote"], row["notes"]) == expected_cells(quote)
        assert row["end"] == str(span.end)


def test_csv_is_rfc_4180_crlf_records_with_newlines_kept_inside_quoted_cells(awkward_set):
    text = export("csv")
    assert text.endswith("\r\n")
    # The Hebrew note's newline is inside a quoted cell, not a record break.
    assert '"alice (2026-11-20 09:30): עברית\nשורה שנייה"' in text
    assert '"alice (2026-11-20 09:30): comma, ""double quotes""\r\nand a CRLF newline"' in text


def test_formula_cells_get_an_apostrophe_but_plain_text_does_not(article, alice, vocabulary):
    span = mark(article, "=SUM(A1:A9)", alice)
    tag(span, term("minus", "-Minus group", code="=X"), "mentioned")
    mark(article, "Tehran vowed revenge", alice)
    rows = {row["span_id"]: row for row in csv_rows(export("csv"))}
    row = rows[str(span.pk)]
    assert row["quote"] == "'=SUM(A1:A9)"
    assert row["sentence"].startswith("'=SUM(A1:A9) was scrawled")
    assert row["mentioned_actors"] == "'-Minus group [=X]"
    assert row["actor_codes"] == "'=X"
    plain = [r for r in rows.values() if r["quote"] == "Tehran vowed revenge"][0]
    assert plain["quote"] == "Tehran vowed revenge"


def test_tab_and_carriage_return_at_the_start_are_neutralised_too(alice):
    article = make_article(body="\tindented line\n\rodd text", title="Tabs")
    mark(article, "\tindented", alice)
    assert csv_rows(export("csv"))[0]["quote"] == "'\tindented"


def test_bom_option_prefixes_a_utf8_byte_order_mark_once(article, alice):
    mark(article, "Qasem Soleimani", alice)
    with_bom = export("csv", bom=True)
    assert with_bom.startswith("\ufeffspan_id,")
    assert with_bom.count("\ufeff") == 1
    assert not export("csv").startswith("\ufeff")
    frame = pd.read_csv(
        io.BytesIO(with_bom.encode("utf-8")), dtype=str, keep_default_na=False, encoding="utf-8-sig"
    )
    assert frame.columns[0] == "span_id"


def test_export_is_limited_to_the_spans_given(article, alice, bob):
    mark(article, "Qasem Soleimani", alice)
    mark(article, "Baghdad airport", bob)
    rows = csv_rows(export("csv", Span.objects.live().filter(created_by=bob)))
    assert [row["quote"] for row in rows] == ["Baghdad airport"]


def test_rows_come_in_article_then_reading_order(alice):
    first, second = make_article(title="B second"), make_article(body=BODY + " More.", title="A first")
    mark(second, "The last sentence", alice)
    mark(first, "The strike", alice)
    mark(first, "Tehran", alice)
    rows = csv_rows(export("csv"))
    assert [(row["article_id"], row["quote"]) for row in rows] == [
        (str(first.pk), "Tehran"),
        (str(first.pk), "The strike"),
        (str(second.pk), "The last sentence"),
    ]


# --- The long CSV --------------------------------------------------------------------------------


def test_long_csv_gives_one_row_per_tag_and_one_for_an_untagged_passage(article, alice, vocabulary):
    span = mark(article, "The strike killed Qasem Soleimani", alice)
    tag(span, vocabulary["usa"], "agent")
    tag(span, vocabulary["strike"])
    bare = mark(article, "=SUM(A1:A9)", alice)

    rows = csv_rows(export("csv-long"))

    assert list(rows[0]) == list(LONG_CSV_COLUMNS)
    assert [
        (r["span_id"], r["term_kind"], r["term_id"], r["term_label"], r["term_code"], r["role"]) for r in rows
    ] == [
        (str(span.pk), "actor", "united-states", "United States", "USA", "agent"),
        (str(span.pk), "event", "air-strike", "Air/drone strike", "195", "event"),
        (str(bare.pk), "", "", "", "", ""),
    ]
    assert rows[0]["article_sha256"] == article.sha256
    assert rows[0]["prefix"] == article.body[: span.start][-PREFIX_LENGTH:]
    assert rows[0]["suffix"] == span.suffix
    assert rows[2]["quote"] == "'=SUM(A1:A9)"
    assert rows[2]["link"] == f"{BASE_URL}/articles/{article.pk}/#span-{bare.pk}"


# --- JSONL ---------------------------------------------------------------------------------------


def test_jsonl_gives_one_passage_per_line_with_terms_and_notes_as_objects(article, alice, bob, vocabulary):
    span = mark(article, "=SUM(A1:A9)", alice)
    tag(span, vocabulary["soleimani"], "target")
    tag(span, vocabulary["strike"])
    note(span, bob, "line one\nline two 🔥", datetime(2026, 11, 21, 14, 2, tzinfo=UTC))
    mark(article, "Tehran", bob)

    lines = export("jsonl").splitlines()

    assert len(lines) == 2
    record = json.loads(lines[1])
    assert record["quote"] == "=SUM(A1:A9)"  # JSON is data: nothing neutralised
    assert record["span_id"] == span.pk
    assert record["article_sha256"] == article.sha256
    assert (record["start"], record["end"]) == (span.start, span.end)
    assert (record["prefix"], record["suffix"]) == (span.prefix, span.suffix)
    assert record["sentence"].startswith("=SUM(A1:A9) was scrawled")
    assert record["terms"] == [
        {
            "id": "qasem-soleimani",
            "label": "Qasem Soleimani",
            "code": "IRNMIL",
            "kind": "actor",
            "role": "target",
        },
        {"id": "air-strike", "label": "Air/drone strike", "code": "195", "kind": "event", "role": "event"},
    ]
    assert record["target_actors"] == "Qasem Soleimani [IRNMIL]"
    assert record["notes"] == [
        {
            "author": "bob",
            "text": "line one\nline two 🔥",
            "created_at": "2026-11-21T14:02:00Z",
            "updated_at": "2026-11-21T14:02:00Z",
        }
    ]
    assert record["annotator"] == "alice"
    assert record["version"] == 1
    assert record["link"] == f"{BASE_URL}/articles/{article.pk}/#span-{span.pk}"
    assert set(CSV_COLUMNS) <= set(record)


# --- Streaming, formats, file names ----------------------------------------------------------------


def test_stream_yields_the_header_before_reading_any_passage(article, alice):
    mark(article, "Qasem Soleimani", alice)
    chunks = stream("csv", Span.objects.live(), base_url=BASE_URL)
    with CaptureQueriesContext(connection) as queries:
        first = next(chunks)
    assert first.startswith("span_id,")
    assert len(queries.captured_queries) == 0
    assert "Qasem Soleimani" in "".join(chunks)


def test_stream_reads_passages_in_chunks_not_all_at_once(article, alice, vocabulary):
    for i in range(25):
        span = Span.objects.create(
            article=article, start=i, end=i + 5, quote=article.body[i : i + 5], created_by=alice
        )
        tag(span, vocabulary["iran"])
    chunks = stream("csv", Span.objects.live(), base_url=BASE_URL, chunk_size=10)
    next(chunks)  # header
    with CaptureQueriesContext(connection) as queries:
        first_rows = next(chunks)
    assert first_rows.count("\r\n") == 10
    tag_queries = [q for q in queries.captured_queries if "annotations_tag" in q["sql"]]
    assert len(tag_queries) == 1
    with CaptureQueriesContext(connection) as queries:
        rest = "".join(chunks)
    assert rest.count("\r\n") == 15
    # two more chunks, each with its own tag query: the set never sits in memory whole
    assert len([q for q in queries.captured_queries if "annotations_tag" in q["sql"]]) == 2


def test_query_count_does_not_grow_with_the_number_of_passages(article, alice, bob, vocabulary):
    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            export("csv")
        return len(queries.captured_queries)

    span = mark(article, "Qasem Soleimani", alice)
    tag(span, vocabulary["soleimani"])
    note(span, bob, "a note")
    count_queries()  # the first export stores the article's sentence starts
    few = count_queries()
    for quote in ("Tehran", "Baghdad", "markets fell", "The last sentence"):
        more = mark(article, quote, bob)
        tag(more, vocabulary["iran"])
        note(more, alice, "another")
    assert count_queries() == few


def test_formats_declare_content_type_and_extension():
    assert FORMATS["csv"].content_type == "text/csv; charset=utf-8"
    assert FORMATS["jsonl"].extension == "jsonl"
    assert FORMATS["w3c"].content_type.startswith("application/ld+json")
    assert set(FORMATS) == {"csv", "csv-long", "jsonl", "w3c", "w3c-jsonl", "claims-csv", "claims-jsonl"}


def test_unknown_format_is_refused_by_name(db):
    with pytest.raises(ValueError, match="xlsx"):
        stream("xlsx", Span.objects.none(), base_url=BASE_URL)


def test_file_name_says_the_set_and_the_date():
    today = date(2026, 11, 22)
    assert export_filename("csv", "IRGC agents", today) == "marginalia-irgc-agents-2026-11-22.csv"
    assert export_filename("csv", None, today) == "marginalia-all-2026-11-22.csv"
    assert export_filename("csv", None, today, bom=True) == "marginalia-all-2026-11-22-excel.csv"
    assert export_filename("csv-long", "x", today) == "marginalia-x-2026-11-22-long.csv"
    assert export_filename("jsonl", "", today) == "marginalia-all-2026-11-22.jsonl"
    assert export_filename("w3c", "Set", today) == "marginalia-set-2026-11-22-w3c.jsonld"
    assert export_filename("w3c-jsonl", "Set", today) == "marginalia-set-2026-11-22-w3c.jsonl"


def test_empty_set_gives_just_the_header(db):
    assert export("csv") == ",".join(CSV_COLUMNS) + "\r\n"
    assert export("jsonl") == ""


def test_sentence_column_agrees_with_the_pipelines_sentences_around(article, alice):
    from annotations.export import ArticleInfo
    from corpus.nlp import sentences_around

    article.ensure_sentence_starts()
    info = ArticleInfo(article.pk, BASE_URL)
    length = len(article.body)
    for start in range(0, length - 1, 7):
        for end in (start + 1, min(start + 40, length), min(start + 200, length)):
            expected = sentences_around(article.body, article.sentence_starts, start, end)
            assert info.sentence(start, end) == expected


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_export_reads_ahead_in_a_thread_and_is_the_same(alice, bob):
    import threading

    from django.db import transaction

    article = make_article()
    for quote in ("Tehran", "Qasem Soleimani", "=SUM(A1:A9)", "markets fell", "The last sentence"):
        span = mark(article, quote, alice)
        note(span, bob, f"note on {quote}")
    with transaction.atomic():
        in_one_thread = export("csv", chunk_size=2)
    chunks = stream("csv", Span.objects.live(), base_url=BASE_URL, chunk_size=2)
    first = next(chunks) + next(chunks)
    readers = [t for t in threading.enumerate() if t.name == "marginalia-export-reader"]
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        assert readers == []  # an in-memory test database cannot be shared with another thread
    else:
        assert len(readers) == 1
    assert first + "".join(chunks) == in_one_thread
    for reader in readers:
        reader.join(timeout=5)
        assert not reader.is_alive()


@pytest.mark.django_db(transaction=True)
def test_a_cancelled_download_stops_the_reading_thread(alice):
    import threading

    article = make_article()
    for i in range(10):
        Span.objects.create(
            article=article, start=i, end=i + 3, quote=article.body[i : i + 3], created_by=alice
        )
    chunks = stream("csv", Span.objects.live(), base_url=BASE_URL, chunk_size=1)
    next(chunks)
    next(chunks)
    chunks.close()  # what Django does when the client goes away
    assert not [t for t in threading.enumerate() if t.name == "marginalia-export-reader" and t.is_alive()]


def test_csv_is_byte_for_byte_what_the_csv_module_writes(awkward_set, vocabulary, alice, bob):
    span = awkward_set["🔥"]
    tag(span, vocabulary["usa"], "agent")
    tag(span, term("comma", 'Comma, "quoted" group', code="C,1"), "target")
    Article.objects.filter(pk=span.article_id).update(
        title='Title, with "quotes"\nand a line', url="https://x.org/a,b"
    )
    alice.username = "=alice,"
    alice.save()
    for fmt in ("csv", "csv-long"):
        ours = export(fmt)
        rewritten = io.StringIO()
        csv.writer(rewritten, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n").writerows(
            csv.reader(io.StringIO(ours, newline=""))
        )
        assert ours == rewritten.getvalue()
    row = [r for r in csv_rows(export("csv")) if r["span_id"] == str(span.pk)][0]
    assert row["target_actors"] == 'Comma, "quoted" group [C,1]'
    assert row["annotator"] == "'=alice,"
    assert row["article_url"] == "https://x.org/a,b"
