"""Who may change the vocabulary, through every door (issue 7, items 1 and 2).

The rule (annotations/permissions.py): leads and staff curate; any analyst adds terms and names; an
analyst changes only the terms they created, and removes only names they added or names of their own
terms. The Term verbs enforce it, so the screens, the upload and `load_vocabulary --user` all refuse alike.
"""

from __future__ import annotations

import importlib
import io
import json
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, User
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from annotations.models import Change, Span, Tag, Term
from annotations.permissions import OPERATOR, can_curate_vocabulary, leads_group
from annotations.vocabulary import load_vocabulary
from corpus.models import Article
from tests.conftest import PASSWORD

SEED = Path(__file__).resolve().parent.parent / "annotations" / "demo" / "seed_vocabulary.json"
# What issue 7 sent: retire Khamenei and mark him merged into Trump, through Vocabulary → Import.
HOSTILE_UPLOAD = {
    "actors": [
        {
            "id": "ali-khamenei",
            "label": "Ali Khamenei",
            "kind": "person",
            "retired": True,
            "merged_into": "donald-trump",
        }
    ]
}


@pytest.fixture
def seed(db):
    load_vocabulary(SEED)


@pytest.fixture
def staff(db) -> User:
    return User.objects.create_user("sam", "sam@example.org", PASSWORD, is_staff=True)


def term(slug: str) -> Term:
    return Term.objects.get(slug=slug)


def logged_in(client, user):
    client.force_login(user)
    return client


def tagged(term_: Term, user) -> Span:
    body = "Ayatollah Ali Khamenei vowed revenge."
    article, _ = Article.objects.get_or_create(
        sha256=Article.hash_body(body), defaults={"title": "Revenge", "body": body}
    )
    span = Span.objects.create(article=article, start=10, end=22, quote=body[10:22], created_by=user)
    Tag.objects.create(span=span, term=term_, role="source", created_by=user)
    return span


def upload(client, document: dict, name: str = "team.json"):
    data = SimpleUploadedFile(name, json.dumps(document).encode(), content_type="application/json")
    return client.post(reverse("annotations:vocabulary-import"), {"file": data})


# --- 1. Leads and staff curate ------------------------------------------------------------------------


def test_the_leads_group_holds_the_term_permissions_from_the_migration(db):
    leads = Group.objects.get(name="leads")
    codenames = set(leads.permissions.values_list("codename", flat=True))
    assert {"change_term", "add_term", "add_alias", "delete_alias"} <= codenames


def test_the_migration_creates_the_group_and_permissions_when_missing(db):
    Group.objects.filter(name="leads").delete()
    migration = importlib.import_module("annotations.migrations.0004_leads_permissions")
    migration.grant(apps, None)
    assert Group.objects.get(name="leads").permissions.filter(codename="change_term").exists()


def test_lead_merges_and_retires_through_the_screens(client, seed, charlie, alice):
    span = tagged(term("mike-pompeo"), alice)
    client = logged_in(client, charlie)
    response = client.post(
        reverse("annotations:term-merge", args=["mike-pompeo"]),
        {"survivor": term("mark-esper").pk, "confirm": "on"},
    )
    assert response.status_code == 302
    assert Tag.objects.get(span=span).term.slug == "mark-esper"
    response = client.post(reverse("annotations:term-retire", args=["ali-al-sistani"]), {"action": "retire"})
    assert response.status_code == 302 and term("ali-al-sistani").is_retired
    assert Change.objects.get(term=term("ali-al-sistani"), action="retire").actor == charlie


def test_staff_curate_as_the_readme_says(client, seed, staff):
    assert can_curate_vocabulary(staff)
    client = logged_in(client, staff)
    response = client.post(reverse("annotations:term-retire", args=["ali-al-sistani"]), {"action": "retire"})
    assert response.status_code == 302 and term("ali-al-sistani").is_retired


def test_an_inactive_lead_curates_nothing(seed, charlie):
    charlie.is_active = False
    charlie.save()
    with pytest.raises(PermissionDenied):
        term("ali-al-sistani").retire(by=charlie)


@pytest.mark.django_db(transaction=True)
def test_a_flushed_database_has_the_leads_group_with_its_permissions():
    """flush (a browser test's teardown, or an admin's) empties the group migration 0004 made;
    post_migrate makes it again, so a test that runs after one finds it."""
    call_command("flush", interactive=False, verbosity=0)
    assert Group.objects.get(name="leads").permissions.filter(codename="change_term").exists()


def test_leads_group_puts_back_permissions_someone_removed(db):
    Group.objects.get(name="leads").permissions.clear()
    user = User.objects.create_user("dana", password=PASSWORD)
    user.groups.add(leads_group())
    assert User.objects.get(pk=user.pk).has_perm("annotations.change_term")


# --- 2. A plain analyst: never through any door -------------------------------------------------------


@pytest.mark.parametrize(
    "verb",
    [
        lambda by: term("ali-al-sistani").retire(by=by),
        lambda by: term("mike-pompeo").merge_into(term("mark-esper"), by=by),
        lambda by: term("hassan-rouhani").edit({"label": "President Rouhani"}, by=by),
        lambda by: term("hassan-rouhani").remove_alias(
            term("hassan-rouhani").aliases.get(name="Rohani"), by=by
        ),
    ],
    ids=["retire", "merge", "edit", "remove_alias"],
)
def test_the_term_verbs_refuse_a_plain_analyst_themselves(seed, alice, verb):
    with pytest.raises(PermissionDenied, match="lead"):
        verb(alice)
    assert not term("ali-al-sistani").is_retired
    assert term("mike-pompeo").merged_into is None
    assert term("hassan-rouhani").label == "Hassan Rouhani"
    assert term("hassan-rouhani").aliases.filter(name="Rohani").exists()


def test_unretire_is_refused_to_a_plain_analyst(seed, alice, charlie):
    term("ali-al-sistani").retire(by=charlie)
    with pytest.raises(PermissionDenied):
        term("ali-al-sistani").unretire(by=alice)
    assert term("ali-al-sistani").is_retired


def test_analyst_is_refused_through_the_screens_with_the_reason(client, seed, alice):
    client = logged_in(client, alice)
    retire = client.post(reverse("annotations:term-retire", args=["ali-al-sistani"]), {"action": "retire"})
    assert retire.status_code == 403
    assert "needs a lead" in retire.content.decode()
    edit = client.post(
        reverse("annotations:term-edit", args=["hassan-rouhani"]), {"label": "President Rouhani"}
    )
    assert edit.status_code == 403
    assert "Hassan Rouhani is a term of the shared vocabulary" in edit.content.decode()
    assert client.get(reverse("annotations:term-edit", args=["hassan-rouhani"])).status_code == 403
    rohani = term("hassan-rouhani").aliases.get(name="Rohani")
    remove = client.post(reverse("annotations:alias-remove", args=["hassan-rouhani", rohani.pk]))
    assert remove.status_code == 403
    assert not term("ali-al-sistani").is_retired and term("hassan-rouhani").label == "Hassan Rouhani"
    assert term("hassan-rouhani").aliases.filter(name="Rohani").exists()


def test_analyst_cannot_retire_or_merge_through_the_upload(client, seed, alice):
    span = tagged(term("ali-khamenei"), alice)
    response = upload(logged_in(client, alice), HOSTILE_UPLOAD)
    html = response.content.decode()
    assert response.status_code == 400
    assert "merging a term needs a lead" in html
    khamenei = term("ali-khamenei")
    assert not khamenei.is_retired and khamenei.merged_into is None
    assert Tag.objects.get(span=span).term == khamenei


def test_analyst_cannot_change_anothers_term_through_the_upload(client, seed, alice):
    document = {"actors": [{"id": "hassan-rouhani", "label": "Rouhani the Moderate", "kind": "person"}]}
    response = upload(logged_in(client, alice), document)
    assert response.status_code == 400
    assert "only its creator or a lead may change it" in response.content.decode()
    assert term("hassan-rouhani").label == "Hassan Rouhani"


def test_analyst_cannot_retire_or_merge_through_the_command_with_user(seed, alice, tmp_path):
    path = tmp_path / "hostile.json"
    path.write_text(json.dumps(HOSTILE_UPLOAD), encoding="utf-8")
    out = io.StringIO()
    with pytest.raises(CommandError, match="1 entry refused"):
        call_command("load_vocabulary", str(path), "--user", "alice", stdout=out)
    assert "merging a term needs a lead" in out.getvalue()
    assert not term("ali-khamenei").is_retired and term("ali-khamenei").merged_into is None


def test_the_command_names_an_unknown_user(seed, tmp_path):
    path = tmp_path / "v.json"
    path.write_text(json.dumps(HOSTILE_UPLOAD), encoding="utf-8")
    with pytest.raises(CommandError, match="No account “nobody”"):
        call_command("load_vocabulary", str(path), "--user", "nobody", stdout=io.StringIO())


def test_a_lead_upload_merges_whole_moving_the_tags(client, seed, charlie, alice):
    span = tagged(term("ali-khamenei"), alice)
    document = {"actors": [{**HOSTILE_UPLOAD["actors"][0], "merged_into": "iran-government"}]}
    response = upload(logged_in(client, charlie), document)
    assert response.status_code == 200, response.content.decode()
    assert term("ali-khamenei").merged_into.slug == "iran-government"
    assert Tag.objects.get(span=span).term.slug == "iran-government"  # not half done: the tags moved
    assert Change.objects.get(term=term("ali-khamenei"), action="merge").actor == charlie


def test_analyst_may_add_terms_and_names_through_every_door(client, seed, alice, tmp_path):
    client = logged_in(client, alice)
    document = {
        "actors": [
            {"id": "hassan-rouhani", "label": "Hassan Rouhani", "kind": "person", "aliases": ["Dr Rouhani"]},
            {"id": "hossein-salami", "label": "Hossein Salami", "kind": "person", "parent": "irgc"},
        ]
    }
    response = upload(client, document)
    assert response.status_code == 200, response.content.decode()
    assert term("hassan-rouhani").aliases.filter(name="Dr Rouhani").exists()
    assert term("hossein-salami").created_by == alice
    response = client.post(reverse("annotations:alias-add", args=["iran"]), {"name": "Persia"})
    assert response.status_code == 302 and term("iran").aliases.filter(name="Persia").exists()


def test_analyst_changes_the_terms_she_created_but_not_a_colleagues(client, seed, alice, bob):
    client = logged_in(client, alice)
    client.post(reverse("annotations:term-create"), {"kind": "actor", "label": "Hosein Salami"})
    mine = Term.objects.get(label="Hosein Salami")
    response = client.post(reverse("annotations:term-edit", args=[mine.slug]), {"label": "Hossein Salami"})
    assert response.status_code == 302 and term(mine.slug).label == "Hossein Salami"
    typo = term(mine.slug).aliases.get(name="Hosein Salami")
    assert client.post(reverse("annotations:alias-remove", args=[mine.slug, typo.pk])).status_code == 302
    bobs, _ = Term.propose("Esmail Ghaani", "person", by=bob)
    assert client.post(reverse("annotations:term-edit", args=[bobs.slug]), {"label": "X"}).status_code == 403
    with pytest.raises(PermissionDenied):
        term(mine.slug).retire(by=alice)  # her own, still a lead's call


def test_analyst_removes_a_name_she_added_to_a_shared_term_but_not_others(client, seed, alice, bob):
    iran = term("iran")
    persia = iran.add_alias("Persia", by=alice)
    mine = logged_in(client, alice).get(iran.get_absolute_url()).content.decode()
    assert "Remove alias Persia" in mine and "Remove alias Iranian" not in mine
    bob_client = logged_in(client.__class__(), bob)
    assert bob_client.post(reverse("annotations:alias-remove", args=["iran", persia.pk])).status_code == 403
    alice_client = logged_in(client.__class__(), alice)
    assert alice_client.post(reverse("annotations:alias-remove", args=["iran", persia.pk])).status_code == 302
    assert not iran.aliases.filter(name="Persia").exists()


def test_analyst_sees_why_the_term_is_not_hers_and_no_curation_buttons(client, seed, alice):
    html = logged_in(client, alice).get(term("mike-pompeo").get_absolute_url()).content.decode()
    assert "This term belongs to the shared vocabulary: you may add aliases" in html
    assert ">Edit<" not in html and "Merge into…" not in html and ">Retire<" not in html


def test_the_operator_is_trusted_and_recorded_as_nobody(seed):
    term("ali-al-sistani").retire(by=OPERATOR)
    assert Change.objects.get(term=term("ali-al-sistani"), action="retire").actor is None
