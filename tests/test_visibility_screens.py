"""Independent coding on the screens outside the reader (real HTTP, three users): the Annotations screen,
its download, and the term page's passages and history. The killing article is assigned to alice and bob
independently by charlie; alice has "The United States killed Soleimani" on it, bob "The Quds Force
commander"."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from annotations.history import record
from annotations.models import AssignedArticle, Assignment
from tests.annotated_world import build_world

LIST = reverse("annotations:annotation-list")
EXPORT = reverse("annotations:export")
ALICES = "The United States killed Soleimani"
BOBS = "The Quds Force commander"


@pytest.fixture
def world(alice, bob, charlie):
    world = build_world(alice, bob)
    Assignment.hand_out([world.killing], [alice, bob], by=charlie, independent=True)
    tag = world.quds_commander.tags.get()
    record(
        bob,
        "create",
        tag,
        f"Tagged “{BOBS}” with Quds Force",
        term_id=world.quds_force.pk,
        article_id=world.killing.pk,
        span_id=world.quds_commander.pk,
    )
    return world


def page_for(client, user, url, params=None) -> str:
    client.force_login(user)
    response = client.get(url, params or {})
    assert response.status_code == 200
    return response.content.decode()


def both_done(world) -> None:
    for task in AssignedArticle.objects.filter(article=world.killing):
        task.set_status("done", by=task.analyst, version=task.version)


def test_annotations_screen_shows_a_blind_coder_only_their_own_passages(client, world, alice, bob, charlie):
    page = page_for(client, alice, LIST, {"article": world.killing.pk})
    assert ALICES in page and BOBS not in page
    page = page_for(client, bob, LIST, {"article": world.killing.pk})
    assert BOBS in page and ALICES not in page
    page = page_for(client, charlie, LIST, {"article": world.killing.pk})
    assert ALICES in page and BOBS in page


def test_a_search_for_the_other_coders_passage_finds_nothing(client, world, alice):
    page = page_for(client, alice, LIST, {"q": "Quds"})
    assert BOBS not in page and '<strong id="passage-count">0 passages</strong>' in page


def test_download_leaves_out_what_the_analyst_may_not_see(client, world, alice):
    client.force_login(alice)
    response = client.get(EXPORT, {"format": "csv"})
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert {int(row["span_id"]) for row in rows} == world.live - {world.quds_commander.pk}


def test_term_page_hides_the_other_coders_passages_and_history(client, world, alice, charlie):
    url = reverse("annotations:term-detail", args=[world.quds_force.slug])
    page = page_for(client, alice, url)
    assert BOBS not in page
    page = page_for(client, charlie, url)
    assert BOBS in page and f"Tagged “{BOBS}” with Quds Force" in page


def test_everything_shows_once_both_coders_are_done(client, world, alice):
    both_done(world)
    page = page_for(client, alice, LIST, {"article": world.killing.pk})
    assert ALICES in page and BOBS in page
    page = page_for(client, alice, reverse("annotations:term-detail", args=[world.quds_force.slug]))
    assert f"Tagged “{BOBS}” with Quds Force" in page
