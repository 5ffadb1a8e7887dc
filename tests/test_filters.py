"""filter_spans: which passages make up an annotated set."""

from __future__ import annotations

import pytest
from django.http import QueryDict

from annotations.filters import FILTER_PARAMS, InvalidFilter, SpanFilterForm, filter_spans
from annotations.models import Span
from tests.annotated_world import build_world, make_span, make_term


def build_cast(alice, bob):
    """Built once for the module's tests (tests/conftest.py `cast`)."""
    return build_world(alice, bob)


@pytest.fixture
def world(cast):
    return cast.world


def ids(params, **kwargs) -> set[int]:
    return set(filter_spans(params, **kwargs).values_list("pk", flat=True))


def test_no_filter_gives_every_live_passage_and_never_a_deleted_one(world):
    assert ids({}) == world.live
    assert world.deleted.pk not in ids({"term": "irgc"})


def test_article_filter(world):
    assert ids({"article": str(world.killing.pk)}) == {world.us_kills.pk, world.quds_commander.pk}


def test_source_filter_takes_an_id_or_a_name_in_any_case(world):
    expected = {world.irgc_revenge.pk, world.untagged.pk}
    assert ids({"source": str(world.tablet.pk)}) == expected
    assert ids({"source": "tablet"}) == expected


def test_published_range_is_inclusive_at_both_ends(world):
    assert ids({"published_from": "2020-01-10"}) == {world.irgc_revenge.pk, world.untagged.pk}
    assert ids({"published_to": "2020-01-03"}) == {world.us_kills.pk, world.quds_commander.pk}
    assert ids({"published_from": "2020-01-03", "published_to": "2020-01-10"}) == world.live
    assert ids({"published_from": "2020-01-04", "published_to": "2020-01-09"}) == set()


def test_term_includes_its_narrower_terms(world):
    # Tagging Quds Force counts as tagging the IRGC; not the other way round.
    assert ids({"term": "irgc"}) == {world.quds_commander.pk, world.irgc_revenge.pk}
    assert ids({"term": "quds-force"}) == {world.quds_commander.pk}


def test_term_includes_grandchildren(world, alice):
    unit = make_term("unit-400", "Unit 400", parent=world.quds_force)
    passage = make_span(world.killing, "operations abroad", alice, tags=((unit, "mentioned"),))
    assert passage.pk in ids({"term": "irgc"})


def test_event_terms_include_narrower_events(world):
    assert ids({"term": "use-of-force"}) == {world.us_kills.pk}


def test_repeated_term_matches_any_of_them(world):
    assert ids({"term": ["usa", "quds-force"]}) == {world.us_kills.pk, world.quds_commander.pk}
    assert ids(QueryDict("term=usa&term=quds-force")) == {world.us_kills.pk, world.quds_commander.pk}


def test_role_filter(world):
    assert ids({"role": "agent"}) == {world.us_kills.pk}
    assert ids({"role": "source"}) == {world.irgc_revenge.pk}


def test_term_and_role_apply_to_the_same_tag(world):
    # The IRGC (or a part of it) as the source: the revenge passage, not the one mentioning Quds Force.
    assert ids({"term": "irgc", "role": "source"}) == {world.irgc_revenge.pk}
    assert ids({"term": "irgc", "role": "mentioned"}) == {world.quds_commander.pk}
    # The United States is tagged, and there is a target, but the US is not the target.
    assert ids({"term": "usa", "role": "target"}) == set()


def test_kind_filter_finds_passages_with_a_tag_of_that_kind_once_each(world):
    assert ids({"kind": "event"}) == {world.us_kills.pk}
    assert ids({"kind": "actor"}) == {world.us_kills.pk, world.quds_commander.pk, world.irgc_revenge.pk}
    # us_kills has two actor tags; it must still be one passage.
    assert filter_spans({"kind": "actor"}).count() == 3


def test_analyst_filter_and_me(world, alice, bob):
    assert ids({"analyst": "alice"}) == {world.us_kills.pk, world.irgc_revenge.pk}
    assert ids({"analyst": "me"}, user=bob) == {world.quds_commander.pk, world.untagged.pk}
    assert ids({"analyst": ["alice", "bob"]}) == world.live


def test_created_range_is_inclusive_of_whole_days(world):
    # quds_commander was made at 00:00 on the 5th, irgc_revenge at 23:59 on the 10th.
    assert ids({"created_from": "2020-02-05", "created_to": "2020-02-10"}) == {
        world.quds_commander.pk,
        world.irgc_revenge.pk,
    }
    assert ids({"created_from": "2020-02-11"}) == {world.untagged.pk}
    assert ids({"created_to": "2020-02-01"}) == {world.us_kills.pk}


def test_text_is_found_in_the_quote_in_any_case(world):
    assert ids({"q": "REVENGE"}) == {world.irgc_revenge.pk}


def test_text_is_found_in_live_notes_but_not_in_deleted_ones(world):
    assert ids({"q": "elite unit"}) == {world.quds_commander.pk}
    assert ids({"q": "secret plans"}) == set()


def test_text_in_a_note_and_in_a_quote_gives_each_passage_once(world, bob):
    make_span(world.killing, "drone strike", bob, notes=((bob, "drone"), (bob, "another drone note")))
    assert filter_spans({"q": "drone"}).count() == 2  # the new passage, and untagged's "Drone footage" note


def test_filters_combine_with_and(world):
    assert ids({"source": "Tablet", "analyst": "bob"}) == {world.untagged.pk}
    assert ids({"source": "FRANCE 24", "kind": "event", "analyst": "alice"}) == {world.us_kills.pk}
    assert ids({"source": "FRANCE 24", "term": "irgc", "q": "elite"}) == {world.quds_commander.pk}
    assert ids({"source": "FRANCE 24", "term": "irgc", "analyst": "alice"}) == set()


def test_blank_parameters_are_ignored(world):
    blank = {name: "" for name in FILTER_PARAMS}
    assert ids(blank) == world.live


def test_sort_orders_the_passages(world):
    assert list(filter_spans({"sort": "created"}).values_list("pk", flat=True)) == [
        world.us_kills.pk,
        world.quds_commander.pk,
        world.irgc_revenge.pk,
        world.untagged.pk,
    ]
    by_analyst = list(filter_spans({"sort": "-analyst"}).values_list("created_by__username", flat=True))
    assert by_analyst == ["bob", "bob", "alice", "alice"]


@pytest.mark.parametrize(
    "params, field, words",
    [
        ({"article": "abc"}, "article", "article id"),
        ({"article": "999999"}, "article", "no article with id 999999"),
        ({"source": "Le Monde"}, "source", "no source “Le Monde”"),
        ({"published_from": "2020-13-01"}, "published_from", "YYYY-MM-DD"),
        ({"created_to": "yesterday"}, "created_to", "YYYY-MM-DD"),
        ({"published_from": "2020-02-01", "published_to": "2020-01-01"}, "published_to", "before it starts"),
        ({"term": ["irgc", "hezbolah"]}, "term", "“hezbolah”"),
        ({"role": "boss"}, "role", "not a role"),
        ({"kind": "place"}, "kind", "not a term kind"),
        ({"analyst": "mallory"}, "analyst", "No analyst called “mallory”"),
        ({"analyst": "me"}, "analyst", "logged-in"),
        ({"sort": "colour"}, "sort", "not a sort order"),
    ],
)
def test_invalid_values_are_refused_naming_the_parameter(world, params, field, words):
    with pytest.raises(InvalidFilter) as refused:
        filter_spans(params)
    assert field in refused.value.errors
    assert words.lower() in " ".join(refused.value.errors[field]).lower()
    assert words.lower() in str(refused.value).lower()


def test_query_string_is_canonical_and_resolves_me_for_an_owner(world, alice):
    form = SpanFilterForm(QueryDict("q=&term=irgc&analyst=me&sort=created&page=2&role=source"), user=alice)
    assert form.is_valid()
    assert form.query_string() == "term=irgc&role=source&analyst=me"
    assert form.query_string(owner=alice) == "term=irgc&role=source&analyst=alice"


def test_filter_in_words(world, alice):
    params = {"term": "irgc", "role": "source", "analyst": "alice", "published_from": "2020-01-01"}
    assert SpanFilterForm(params).in_words() == (
        "published from 2020-01-01 · term Islamic Revolutionary Guard Corps (and narrower)"
        " · role source · by alice"
    )
    assert SpanFilterForm({}).in_words() == "every passage"


def analyse() -> None:
    """Statistics for the planner's estimates, as autovacuum's ANALYZE keeps them (PostgreSQL)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE annotations_span")
            cursor.execute("ANALYZE annotations_note")


def walked_ids(params) -> set[int]:
    """Found once the planner's statistics are there: by the OR on PostgreSQL when the text is common."""
    return set(SpanFilterForm(params).spans().values_list("pk", flat=True))


def test_a_common_text_is_found_by_walking_the_list_and_finds_what_the_union_finds(world, bob):
    from django.db import connection

    make_span(world.killing, "drone strike", bob, notes=((bob, "drone"), (bob, "another drone note")))
    union = {text: ids({"q": text}) for text in ("REVENGE", "drone")}  # before the statistics
    analyse()
    searched = SpanFilterForm({"q": "revenge"}).spans()
    if connection.vendor == "postgresql":
        # One quote in six holds it, so the database expects a common text: no UNION, an OR walked in order.
        assert "UNION" not in str(searched.query)
    else:
        assert "UNION" in str(searched.query), "SQLite keeps no estimate: the UNION, as before"
    assert walked_ids({"q": "REVENGE"}) == union["REVENGE"] == {world.irgc_revenge.pk}
    assert walked_ids({"q": "elite unit"}) == {world.quds_commander.pk}  # in a note only
    assert walked_ids({"q": "secret plans"}) == set()  # in a deleted note
    drone = walked_ids({"q": "drone"})
    assert drone == union["drone"] and len(drone) == 2  # in a quote and a note: once each
    assert walked_ids({"q": "revenge", "analyst": "bob"}) == set()  # with the other filters


def test_a_rare_text_keeps_the_two_searches_the_trigram_indexes_serve(world, alice):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the estimate that tells rare from common is PostgreSQL's")
    body = world.killing.body
    Span.objects.bulk_create(
        Span(article=world.killing, start=0, end=3, quote=body[:3], created_by=alice) for _ in range(200)
    )
    analyse()
    searched = SpanFilterForm({"q": "nowhere in any quote", "sort": "article"}).spans()
    assert "UNION" in str(searched.query)
    assert not searched.exists()
    assert "UNION" not in str(SpanFilterForm({"q": body[:3], "sort": "article"}).spans().query)
