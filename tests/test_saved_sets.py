"""Saved sets: a named filter, owned by its analyst, visible to the team, re-run each time."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from annotations.models import SavedSet
from tests.annotated_world import build_world, make_span

LIST = reverse("annotations:annotation-list")
SAVE = reverse("annotations:save-set")
EXPORT = reverse("annotations:export")


def build_cast(alice, bob):
    """Built once for the module's tests (tests/conftest.py `cast`)."""
    return build_world(alice, bob)


@pytest.fixture
def world(cast):
    return cast.world


@pytest.fixture
def irgc_sources(world, alice) -> SavedSet:
    return SavedSet.objects.create(owner=alice, name="IRGC as source", query="term=irgc&role=source")


def edit_url(saved_set: SavedSet) -> str:
    return reverse("annotations:edit-set", args=[saved_set.pk])


def delete_url(saved_set: SavedSet) -> str:
    return reverse("annotations:delete-set", args=[saved_set.pk])


def test_analyst_saves_the_current_filter_under_a_name(alice_client, world, alice):
    response = alice_client.post(
        SAVE, {"name": "IRGC, all of it", "query": "term=irgc&q=&sort=created&page=2"}
    )
    saved_set = SavedSet.objects.get()
    assert (saved_set.owner, saved_set.name, saved_set.query) == (alice, "IRGC, all of it", "term=irgc")
    assert response.status_code == 302
    assert response["Location"] == f"{LIST}?term=irgc"
    page = alice_client.get(response["Location"]).content.decode()
    assert "Saved the set “IRGC, all of it”." in page
    assert "2 passages" in page


def test_saving_me_stores_the_owners_name_so_the_set_means_the_same_for_everyone(alice_client, world, alice):
    alice_client.post(SAVE, {"name": "Mine", "query": "analyst=me"})
    saved_set = SavedSet.objects.get()
    assert saved_set.query == "analyst=alice"
    assert set(saved_set.spans().values_list("pk", flat=True)) == {world.us_kills.pk, world.irgc_revenge.pk}


def test_saved_set_picks_up_a_passage_created_after_it_was_saved(alice_client, world, irgc_sources, bob):
    assert set(irgc_sources.spans().values_list("pk", flat=True)) == {world.irgc_revenge.pk}
    later = make_span(world.killing, "Iran's operations abroad", bob, tags=((world.quds_force, "source"),))
    assert set(irgc_sources.spans().values_list("pk", flat=True)) == {world.irgc_revenge.pk, later.pk}
    # And its download has it too.
    response = alice_client.get(EXPORT, {"format": "csv", "set": irgc_sources.pk})
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert {int(row["span_id"]) for row in rows} == {world.irgc_revenge.pk, later.pk}
    assert 'filename="marginalia-irgc-as-source-' in response["Content-Disposition"]


def test_saved_sets_are_listed_for_the_whole_team_with_their_filter_in_words(client, bob, irgc_sources):
    client.force_login(bob)
    html = client.get(LIST).content.decode()
    assert "IRGC as source" in html
    assert "term Islamic Revolutionary Guard Corps (and narrower) · role source" in html
    assert f'href="{LIST}?term=irgc&amp;role=source"' in html
    assert f"{EXPORT}?format=csv&amp;set={irgc_sources.pk}" in html
    # bob may open and download it but is not offered to change it.
    assert edit_url(irgc_sources) not in html


def test_owner_is_offered_to_rename_or_delete(alice_client, irgc_sources):
    assert edit_url(irgc_sources) in alice_client.get(LIST).content.decode()


def test_colleague_cannot_delete_or_rename_someone_elses_set(client, bob, irgc_sources):
    client.force_login(bob)
    assert client.post(delete_url(irgc_sources)).status_code == 403
    assert client.post(edit_url(irgc_sources), {"name": "Mine now"}).status_code == 403
    assert client.get(edit_url(irgc_sources)).status_code == 403
    irgc_sources.refresh_from_db()
    assert irgc_sources.name == "IRGC as source"


def test_lead_can_delete_a_colleagues_set(client, charlie, irgc_sources):
    client.force_login(charlie)
    response = client.post(delete_url(irgc_sources))
    assert response.status_code == 302
    assert not SavedSet.objects.exists()


def test_delete_is_confirmed_first_and_never_happens_on_a_get(alice_client, irgc_sources, world):
    page = alice_client.get(edit_url(irgc_sources)).content.decode()
    assert "Delete the set “IRGC as source”" in page
    assert "The passages themselves are not touched" in page
    assert alice_client.get(delete_url(irgc_sources)).status_code == 405
    assert SavedSet.objects.filter(pk=irgc_sources.pk).exists()
    alice_client.post(delete_url(irgc_sources))
    assert not SavedSet.objects.exists()
    assert len(world.live) == 4  # passages are untouched


def test_owner_renames_a_set(alice_client, irgc_sources):
    response = alice_client.post(edit_url(irgc_sources), {"name": "Guards claiming"})
    assert response.status_code == 302
    irgc_sources.refresh_from_db()
    assert irgc_sources.name == "Guards claiming"


def test_duplicate_name_for_the_same_owner_is_an_error_keeping_the_typed_name(alice_client, irgc_sources):
    response = alice_client.post(SAVE, {"name": "irgc as SOURCE", "query": "kind=event"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "You already have a set called “irgc as SOURCE”; choose another name." in html
    assert 'value="irgc as SOURCE"' in html
    # The filter being saved stays on screen.
    assert 'value="kind=event"' in html and "1 passage<" in html
    assert SavedSet.objects.count() == 1


def test_renaming_onto_another_of_the_owners_names_is_refused(alice_client, alice, irgc_sources):
    SavedSet.objects.create(owner=alice, name="Events", query="kind=event")
    response = alice_client.post(edit_url(irgc_sources), {"name": "Events"})
    assert response.status_code == 400
    assert "alice already has a set called “Events”." in response.content.decode()
    assert 'value="Events"' in response.content.decode()
    irgc_sources.refresh_from_db()
    assert irgc_sources.name == "IRGC as source"


def test_colleagues_may_use_the_same_name(client, bob, irgc_sources):
    client.force_login(bob)
    client.post(SAVE, {"name": "IRGC as source", "query": "term=irgc"})
    assert SavedSet.objects.filter(name="IRGC as source").count() == 2


def test_a_set_needs_a_name(alice_client, world):
    response = alice_client.post(SAVE, {"name": "  ", "query": "term=irgc"})
    assert response.status_code == 400
    assert "Give the set a name." in response.content.decode()
    assert not SavedSet.objects.exists()


def test_an_invalid_filter_is_not_saved(alice_client, world):
    response = alice_client.post(SAVE, {"name": "Broken", "query": "term=hezbolah"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "The filter has errors; fix them before saving it as a set." in html
    assert 'value="Broken"' in html
    assert not SavedSet.objects.exists()


def test_saving_needs_a_post(alice_client, world):
    assert alice_client.get(SAVE).status_code == 405


def test_the_screen_showing_a_saved_set_names_its_downloads_after_it(client, bob, world, irgc_sources):
    client.force_login(bob)  # anyone's set: the team's
    html = client.get(irgc_sources.get_absolute_url()).content.decode()
    assert "the set “IRGC as source”" in html
    assert "format=csv&amp;bom=1&amp;term=irgc&amp;role=source&amp;name=IRGC+as+source" in html
    response = client.get(
        EXPORT, {"format": "csv", "bom": "1", "term": "irgc", "role": "source", "name": "IRGC as source"}
    )
    assert 'filename="marginalia-irgc-as-source-' in response["Content-Disposition"]
    assert response["Content-Disposition"].endswith('-excel.csv"')
    # Another filter is no set: its downloads are named as before.
    html = client.get(LIST, {"term": "irgc"}).content.decode()
    assert "name=IRGC" not in html and "the set “" not in html
