"""The Annotations screen: the table of passages, its filter, and the download view."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from annotations.models import Span
from tests.annotated_world import build_world, make_span

LIST = reverse("annotations:annotation-list")
EXPORT = reverse("annotations:export")


def build_cast(alice, bob):
    """Built once for the module's tests (tests/conftest.py `cast`)."""
    return build_world(alice, bob)


@pytest.fixture
def world(cast):
    return cast.world


def test_login_is_required(client, world):
    response = client.get(LIST)
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_screen_lists_every_live_passage_with_its_context(alice_client, world):
    response = alice_client.get(LIST)
    assert response.status_code == 200
    html = response.content.decode()
    assert "4 passages" in html
    # The quote with a little context, the article and its source, terms by role, notes, analyst.
    assert "The United States killed Soleimani</mark>" in html
    assert "US kills Soleimani" in html and "FRANCE 24" in html and "2020-01-03" in html
    assert 'class="role-name">agent</span> <span class="term term-actor">United States</span>' in html
    assert 'class="role-name">target</span> <span class="term term-actor">Qasem Soleimani</span>' in html
    assert "Commander of the elite unit" in html
    assert f'href="{world.us_kills.get_absolute_url()}"' in html
    assert f"/articles/{world.killing.pk}/#span-{world.us_kills.pk}" in html


def test_deleted_passages_and_deleted_notes_are_not_shown(alice_client, world):
    html = alice_client.get(LIST).content.decode()
    assert f'id="passage-{world.deleted.pk}"' not in html
    assert "highlighted and then deleted</mark>" not in html
    assert "secret plans" not in html


def test_filter_in_the_query_string_narrows_the_table_and_the_count(alice_client, world):
    response = alice_client.get(LIST, {"term": "irgc"})
    html = response.content.decode()
    assert "2 passages" in html
    assert "The Quds Force commander" in html and "the IRGC vowed revenge" in html
    assert "The United States killed Soleimani" not in html
    # The form shows the filter it applied.
    assert '<option value="irgc" selected>' in html


def test_one_passage_is_counted_in_the_singular(alice_client, world):
    assert "1 passage<" in alice_client.get(LIST, {"role": "agent"}).content.decode()


def test_htmx_request_gets_only_the_results_and_a_clean_url_to_push(alice_client, world):
    response = alice_client.get(
        LIST, {"term": "irgc", "q": "", "article": "", "sort": "-created"}, headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert "<html" not in html and 'id="span-filter"' not in html
    assert "2 passages" in html
    assert response["HX-Push-Url"] == f"{LIST}?term=irgc&sort=-created"
    assert "HX-Request" in response["Vary"]


def test_htmx_history_restore_gets_the_whole_page(alice_client, world):
    response = alice_client.get(
        LIST, {"term": "irgc"}, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )
    assert 'id="span-filter"' in response.content.decode()


@pytest.mark.parametrize(
    "params, message",
    [
        ({"article": "abc"}, "Article must be an article id (a number), not “abc”."),
        ({"published_from": "2020-02-30"}, "Enter a date as YYYY-MM-DD."),
        ({"term": "hezbolah"}, "No term with id “hezbolah” in the vocabulary."),
        ({"analyst": "mallory"}, "No analyst called “mallory”."),
    ],
)
def test_invalid_filter_shows_the_problem_not_a_server_error(alice_client, world, params, message):
    response = alice_client.get(LIST, params)
    assert response.status_code == 400
    html = response.content.decode()
    assert "This filter can’t be applied" in html
    assert message in html.replace("&ldquo;", "“").replace("&rdquo;", "”")
    assert "passages</strong>" not in html
    # What was typed stays in the form.
    field, value = next(iter(params.items()))
    if field in {"published_from"}:
        assert f'value="{value}"' in html


def test_analyst_me_shows_my_passages(client, world, bob):
    client.force_login(bob)
    html = client.get(LIST, {"analyst": "me"}).content.decode()
    assert "2 passages" in html
    assert '<option value="me" selected>' in html
    assert "The Quds Force commander" in html and "The United States killed Soleimani" not in html


def test_table_is_paginated_by_fifty(alice_client, world, alice):
    for _ in range(47):
        make_span(world.killing, "drone strike", alice)
    first = alice_client.get(LIST).content.decode()
    assert "51 passages" in first
    assert "Page 1 of 2" in first
    assert first.count('<tr id="passage-') == 50
    second = alice_client.get(LIST, {"page": "2", "sort": "-created"}).content.decode()
    assert second.count('<tr id="passage-') == 1


def test_sort_by_analyst(alice_client, world):
    html = alice_client.get(LIST, {"sort": "analyst"}).content.decode()
    rows = [html.index(f'id="passage-{span.pk}"') for span in (world.us_kills, world.quds_commander)]
    assert rows[0] < rows[1]  # alice before bob
    html = alice_client.get(LIST, {"sort": "-analyst"}).content.decode()
    rows = [html.index(f'id="passage-{span.pk}"') for span in (world.us_kills, world.quds_commander)]
    assert rows[0] > rows[1]


def test_screen_makes_a_fixed_number_of_queries_however_many_passages(
    alice_client, world, alice, bob, django_assert_max_num_queries
):
    for number in range(60):
        make_span(
            world.killing,
            "drone strike",
            alice if number % 2 else bob,
            tags=((world.strike, "event"), (world.usa, "agent")),
            notes=((alice, f"note {number}"),),
        )
    with django_assert_max_num_queries(20):
        response = alice_client.get(LIST, {"kind": "event"})
    assert "61 passages" in response.content.decode()


def test_download_links_carry_the_current_filter(alice_client, world):
    html = alice_client.get(LIST, {"term": "irgc", "role": "source"}).content.decode()
    assert f'href="{EXPORT}?format=csv&amp;term=irgc&amp;role=source"' in html
    assert f'href="{EXPORT}?format=csv&amp;bom=1&amp;term=irgc&amp;role=source"' in html
    for fmt in ("csv-long", "jsonl", "w3c", "w3c-jsonl"):
        assert f"format={fmt}&amp;term=irgc" in html


# --- The download view -------------------------------------------------------------------------------


def read_csv(response) -> list[dict[str, str]]:
    text = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def test_export_streams_exactly_the_filtered_passages_as_csv(alice_client, world):
    response = alice_client.get(EXPORT, {"format": "csv", "term": "irgc"})
    assert response.status_code == 200
    assert response.streaming is True
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="marginalia-all-')
    assert response["Content-Disposition"].endswith('.csv"')
    rows = read_csv(response)
    assert {int(row["span_id"]) for row in rows} == {world.quds_commander.pk, world.irgc_revenge.pk}
    revenge = next(row for row in rows if int(row["span_id"]) == world.irgc_revenge.pk)
    assert revenge["quote"] == "the IRGC vowed revenge"
    assert revenge["link"] == f"http://testserver/articles/{world.revenge.pk}/#span-{world.irgc_revenge.pk}"


def test_export_with_bom_starts_with_the_byte_order_mark(alice_client, world):
    response = alice_client.get(EXPORT, {"format": "csv", "bom": "1"})
    content = b"".join(response.streaming_content)
    assert content.startswith("\ufeff".encode())
    plain = b"".join(alice_client.get(EXPORT, {"format": "csv"}).streaming_content)
    assert not plain.startswith("\ufeff".encode())


@pytest.mark.parametrize(
    "fmt, content_type, extension",
    [
        ("csv-long", "text/csv; charset=utf-8", "-long.csv"),
        ("jsonl", "application/jsonl; charset=utf-8", ".jsonl"),
        ("w3c", "application/ld+json", "-w3c.jsonld"),
        ("w3c-jsonl", "application/ld+json", "-w3c.jsonl"),
    ],
)
def test_export_serves_each_format_with_its_content_type(alice_client, world, fmt, content_type, extension):
    response = alice_client.get(EXPORT, {"format": fmt, "analyst": "alice"})
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"].startswith(content_type)
    assert extension in response["Content-Disposition"]
    body = b"".join(response.streaming_content).decode()
    assert "the IRGC vowed revenge" in body and "Commander of the elite unit" not in body


def test_export_refuses_an_unknown_format(alice_client, world):
    response = alice_client.get(EXPORT, {"format": "xlsx"})
    assert response.status_code == 400
    assert "Unknown export format “xlsx”" in response.content.decode()


def test_export_refuses_an_invalid_filter_naming_it(alice_client, world):
    response = alice_client.get(EXPORT, {"format": "csv", "term": "hezbolah"})
    assert response.status_code == 400
    assert "term: No term with id “hezbolah”" in response.content.decode()


def test_export_of_an_unknown_set_is_404(alice_client, world):
    assert alice_client.get(EXPORT, {"format": "csv", "set": "12345"}).status_code == 404
    assert alice_client.get(EXPORT, {"format": "csv", "set": "abc"}).status_code == 404


def test_export_needs_login(client, world):
    assert client.get(EXPORT, {"format": "csv"}).status_code == 302


def test_export_excludes_deleted_passages(alice_client, world):
    Span.objects.filter(pk=world.us_kills.pk).update(deleted_at=world.us_kills.created_at)
    rows = read_csv(alice_client.get(EXPORT, {"format": "csv"}))
    assert {int(row["span_id"]) for row in rows} == world.live - {world.us_kills.pk}


def test_a_common_text_lists_the_same_passages_in_each_order_once_the_database_has_statistics(
    alice_client, world, django_assert_max_num_queries
):
    """With statistics (PostgreSQL's ANALYZE, as autovacuum keeps them) a text most passages hold is
    found by an OR read in the list's order (annotations/filters.py); the page, its count and its order
    are those of the UNION it replaces."""
    from django.db import connection

    sorts = ("-created", "article", "analyst", "-updated")  # an index's order, a joined table's, none
    before = {sort: alice_client.get(LIST, {"q": "the", "sort": sort}).content.decode() for sort in sorts}
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE annotations_span")
            cursor.execute("ANALYZE annotations_note")
    for sort in sorts:
        with django_assert_max_num_queries(20) as queries:
            html = alice_client.get(LIST, {"q": "the", "sort": sort}).content.decode()
        if connection.vendor == "postgresql":
            assert not any(" UNION " in query["sql"] for query in queries.captured_queries), sort
        rows = [line for line in html.splitlines() if '<tr id="passage-' in line]
        assert rows == [line for line in before[sort].splitlines() if '<tr id="passage-' in line], sort
        # "the" is in four live quotes ("Another", "The …"; "then" in a deleted one, which is not listed).
        assert len(rows) == 4 and "4 passages" in html, sort
        assert f'id="passage-{world.deleted.pk}"' not in html
