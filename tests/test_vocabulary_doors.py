"""Doors into the vocabulary that used to answer without a word or without the history: an empty POST to
the Vocabulary forms is a 400 naming what is missing (the form kept), and the admin shows terms, aliases,
passages, notes, claims and the history without changing them (the screens do, with history)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from annotations.models import Alias, Change, Note, Span, Tag, Term
from tests.annotated_world import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def iran() -> Term:
    term = Term.objects.create(slug="iran", kind="actor", label="Iran")
    term.ensure_label_alias()
    return term


def test_an_empty_post_to_the_vocabulary_import_is_refused_naming_the_file(alice_client):
    response = alice_client.post("/vocabulary/import/")
    assert response.status_code == 400
    html = response.content.decode()
    assert "Choose a .json or .csv file to import." in html
    assert 'type="file" name="file"' in html  # the form is there to try again


def test_an_empty_file_is_refused_naming_the_problem(alice_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = alice_client.post("/vocabulary/import/", {"file": SimpleUploadedFile("terms.csv", b"")})
    assert (
        response.status_code == 400 and "The file is empty: nothing to import." in response.content.decode()
    )


@pytest.mark.parametrize("path", ["/vocabulary/new/", "/vocabulary/terms/iran/edit/"])
def test_an_empty_post_to_a_term_form_is_refused_naming_the_label(alice_client, charlie, iran, path):
    client = Client()
    client.force_login(charlie)  # a lead, who may edit any term
    response = client.post(path)
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert Term.objects.get(slug="iran").label == "Iran" and Term.objects.count() == 1


def test_an_empty_post_to_the_merge_form_is_refused_and_merges_nothing(charlie, iran):
    client = Client()
    client.force_login(charlie)
    response = client.post("/vocabulary/terms/iran/merge/")
    assert response.status_code == 400
    assert Term.objects.get(slug="iran").merged_into is None


@pytest.fixture
def staff_client(db) -> Client:
    root = User.objects.create_superuser("root", "root@example.org", "x")
    client = Client()
    client.force_login(root)
    return client


def test_the_admin_shows_a_term_and_points_to_its_vocabulary_page(staff_client, iran):
    response = staff_client.get(f"/admin/annotations/term/{iran.pk}/change/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="/vocabulary/terms/iran/"' in html and "where the change is checked and recorded" in html
    assert 'name="label"' not in html  # no field to type into
    assert staff_client.get("/admin/annotations/term/add/").status_code == 403


def test_the_admin_cannot_rename_a_term_behind_the_history(staff_client, iran):
    changes = Change.objects.count()
    response = staff_client.post(
        f"/admin/annotations/term/{iran.pk}/change/",
        {
            "slug": "iran",
            "kind": "actor",
            "label": "Persia",
            "aliases-TOTAL_FORMS": "0",
            "aliases-INITIAL_FORMS": "1",
        },
    )
    assert response.status_code == 403
    assert Term.objects.get(pk=iran.pk).label == "Iran" and Change.objects.count() == changes
    assert staff_client.post(f"/admin/annotations/term/{iran.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Term.objects.filter(pk=iran.pk).exists() and Alias.objects.filter(term=iran).exists()


def test_the_admin_deletes_no_passage_note_or_history(staff_client, alice, bob):
    world = build_world(alice, bob)
    note = Note.objects.filter(span=world.quds_commander).get()
    entry = Change.objects.create(actor=alice, action="create", object_type="span", object_id=1, summary="x")
    for url in (
        f"/admin/annotations/span/{world.us_kills.pk}/delete/",
        f"/admin/annotations/note/{note.pk}/delete/",
        f"/admin/annotations/change/{entry.pk}/delete/",
    ):
        assert staff_client.post(url, {"post": "yes"}).status_code == 403, url
    assert (
        Span.objects.filter(pk=world.us_kills.pk).exists()
        and Tag.objects.filter(span=world.us_kills).count() == 3
    )
    assert Note.objects.filter(pk=note.pk).exists() and Change.objects.filter(pk=entry.pk).exists()
    page = staff_client.get(f"/admin/annotations/span/{world.us_kills.pk}/change/").content.decode()
    assert f'href="/articles/{world.killing.pk}/#span-{world.us_kills.pk}"' in page
