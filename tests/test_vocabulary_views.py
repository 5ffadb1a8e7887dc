"""The Vocabulary screens as analysts use them: list and search, term page, add and edit,
aliases, merge and retire (curators only), import and export."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission, User
from django.urls import reverse

from annotations.models import Alias, Change, Span, Tag, Term
from annotations.vocabulary import load_vocabulary
from corpus.models import Article
from tests.conftest import PASSWORD

SEED = Path(__file__).resolve().parent.parent / "annotations" / "demo" / "seed_vocabulary.json"


def build_cast():
    """The seed vocabulary, loaded once for the module's tests (tests/conftest.py `cast`). Tests that
    start from an empty vocabulary are in tests/test_vocabulary_import_page.py."""
    return load_vocabulary(SEED)


@pytest.fixture
def seed(cast):
    return cast.world


@pytest.fixture
def curator(db) -> User:
    """dora may merge and retire: she holds annotations.change_term."""
    user = User.objects.create_user("dora", "dora@example.org", PASSWORD)
    user.user_permissions.add(
        Permission.objects.get(codename="change_term", content_type__app_label="annotations")
    )
    return user


@pytest.fixture
def lead_client(client, charlie):
    client.force_login(charlie)
    return client


@pytest.fixture
def curator_client(client, curator):
    client.force_login(curator)
    return client


def term(slug: str) -> Term:
    return Term.objects.get(slug=slug)


def tagged_passage(term_: Term, user, role: str = "agent") -> Span:
    body = "Qasem Soleimani was killed near Baghdad airport on 3 January 2020."
    article, _ = Article.objects.get_or_create(
        sha256=Article.hash_body(body), defaults={"title": "Strike at Baghdad airport", "body": body}
    )
    span = Span.objects.create(article=article, start=0, end=15, quote=body[0:15], created_by=user)
    Tag.objects.create(span=span, term=term_, role=role, created_by=user)
    return span


def rows(response) -> list[str]:
    """The slugs of the term rows, in the order the analyst sees them."""
    html = response.content.decode()
    return [part.split('"', 1)[0] for part in html.split('data-slug="')[1:]]


# --- List and search ----------------------------------------------------------------------------------


def test_list_shows_actors_and_events_with_codes_aliases_and_parents(alice_client, seed):
    response = alice_client.get(reverse("annotations:vocabulary"))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<h2 id="section-actor">Actors</h2>' in html and '<h2 id="section-event">Events</h2>' in html
    assert len(rows(response)) == 63
    assert "IRNMIL" in html and "Qassem Soleimani" in html
    assert (
        'href="/vocabulary/terms/irgc/">Islamic Revolutionary Guard Corps</a>' in html
    )  # Quds Force's parent


@pytest.mark.parametrize(
    ("query", "slug"),
    [
        ("Rohani", "hassan-rouhani"),
        ("soleimani", "qasem-soleimani"),
        ("Qassem", "qasem-soleimani"),
        ("Iran's", "iran"),
    ],
)
def test_search_finds_terms_by_folded_alias(alice_client, seed, query, slug):
    response = alice_client.get(reverse("annotations:vocabulary"), {"q": query})
    assert rows(response)[0] == slug


def test_live_search_answers_htmx_with_the_results_fragment_only(alice_client, seed):
    response = alice_client.get(reverse("annotations:vocabulary"), {"q": "Rouhani"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="vocabulary-results"')
    assert "<html" not in html
    assert rows(response) == ["hassan-rouhani"]
    assert "1 term matching “Rouhani”" in html


def test_history_restore_gets_the_whole_page(alice_client, seed):
    response = alice_client.get(
        reverse("annotations:vocabulary"),
        {"q": "Rouhani"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_HISTORY_RESTORE_REQUEST="true",
    )
    assert "<html" in response.content.decode()


def test_search_box_is_wired_for_live_search_and_plain_get(alice_client, seed):
    html = alice_client.get(reverse("annotations:vocabulary")).content.decode()
    assert 'hx-trigger="input changed delay:200ms, search"' in html
    assert 'method="get" action="/vocabulary/"' in html


def test_filter_by_kind_and_actor_type(alice_client, seed):
    events = rows(alice_client.get(reverse("annotations:vocabulary"), {"kind": "event"}))
    assert len(events) == 23 and "protest" in events
    people = rows(alice_client.get(reverse("annotations:vocabulary"), {"actor_type": "person"}))
    assert "donald-trump" in people and "iran" not in people


def test_retired_terms_show_only_when_asked(alice_client, seed, curator):
    term("badr-organization").retire(by=curator)
    assert "badr-organization" not in rows(alice_client.get(reverse("annotations:vocabulary")))
    response = alice_client.get(reverse("annotations:vocabulary"), {"retired": "on"})
    assert "badr-organization" in rows(response)
    assert '<span class="badge">retired</span>' in response.content.decode()


def test_list_counts_passages_using_each_term(alice_client, seed, alice):
    tagged_passage(term("donald-trump"), alice)
    html = alice_client.get(reverse("annotations:vocabulary"), {"q": "Donald Trump"}).content.decode()
    assert '<td class="num">1</td>' in html


# --- Term page ----------------------------------------------------------------------------------------


def test_term_page_shows_aliases_tree_codes_and_mappings(alice_client, seed):
    html = alice_client.get(reverse("annotations:term-detail", args=["irgc"])).content.decode()
    assert "Islamic Revolutionary Guard Corps" in html and "Revolutionary Guards" in html
    assert 'href="/vocabulary/terms/iran/">Iran</a>' in html  # parent
    assert 'href="/vocabulary/terms/quds-force/">IRGC Quds Force</a>' in html  # child
    assert "<code>IRNMIL</code>" in html
    event = alice_client.get(reverse("annotations:term-detail", args=["targeted-killing"])).content.decode()
    assert "sub event type: Air/drone strike" in event
    assert "Deliberate killing (or attempt)" in event


def test_term_page_lists_the_passages_that_use_it(alice_client, seed, alice, bob):
    span = tagged_passage(term("qasem-soleimani"), bob, role="target")
    html = alice_client.get(reverse("annotations:term-detail", args=["qasem-soleimani"])).content.decode()
    assert 'Passages <span class="muted">(1)</span>' in html
    assert "“Qasem Soleimani”" in html
    assert "Strike at Baghdad airport" in html and "Target (acted upon)" in html and "bob" in html
    assert f'href="{span.get_absolute_url()}"' in html


def test_term_page_shows_the_terms_history(alice_client, seed, alice):
    term("hassan-rouhani").add_alias("Dr. Rouhani", by=alice)
    html = alice_client.get(reverse("annotations:term-detail", args=["hassan-rouhani"])).content.decode()
    assert "Added alias “Dr. Rouhani” to Hassan Rouhani" in html
    assert "Loaded Hassan Rouhani from seed_vocabulary.json" in html


def test_unknown_term_is_404(alice_client, seed):
    assert alice_client.get(reverse("annotations:term-detail", args=["nobody"])).status_code == 404


# --- Aliases ------------------------------------------------------------------------------------------


def test_analyst_adds_an_alias(alice_client, seed, alice):
    url = reverse("annotations:alias-add", args=["hassan-rouhani"])
    response = alice_client.post(url, {"name": "Sheikh Rouhani"}, follow=True)
    assert "Added alias “Sheikh Rouhani”." in response.content.decode()
    assert term("hassan-rouhani").aliases.filter(name="Sheikh Rouhani").exists()
    assert Change.objects.filter(term=term("hassan-rouhani"), object_type="alias", actor=alice).exists()


def test_taken_alias_is_refused_naming_the_term_and_keeping_the_typed_name(alice_client, seed):
    url = reverse("annotations:alias-add", args=["esmail-qaani"])
    response = alice_client.post(url, {"name": "soleimani"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "“soleimani” is already an alias of Qasem Soleimani" in html
    assert 'value="soleimani"' in html
    assert not term("esmail-qaani").aliases.filter(key="soleimani").exists()


def test_taken_alias_refusal_comes_back_in_the_htmx_fragment(alice_client, seed):
    url = reverse("annotations:alias-add", args=["esmail-qaani"])
    response = alice_client.post(url, {"name": "Soleimani"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="aliases"')
    assert "is already an alias of Qasem Soleimani" in html and 'value="Soleimani"' in html


def test_shared_name_box_lets_both_terms_keep_the_name(alice_client, seed):
    url = reverse("annotations:alias-add", args=["esmail-qaani"])
    response = alice_client.post(url, {"name": "Soleimani", "shared": "on"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert set(Alias.objects.filter(key="soleimani").values_list("term__slug", "shared")) == {
        ("esmail-qaani", True),
        ("qasem-soleimani", True),
    }
    assert "shared: Qasem Soleimani" in response.content.decode()


def test_lead_removes_an_alias_but_not_the_label(lead_client, seed):
    rouhani = term("hassan-rouhani")
    rohani = rouhani.aliases.get(name="Rohani")
    response = lead_client.post(reverse("annotations:alias-remove", args=["hassan-rouhani", rohani.pk]))
    assert response.status_code == 302
    assert not rouhani.aliases.filter(name="Rohani").exists()
    label = rouhani.aliases.get(name="Hassan Rouhani")
    response = lead_client.post(
        reverse("annotations:alias-remove", args=["hassan-rouhani", label.pk]), HTTP_HX_REQUEST="true"
    )
    assert "is the label of Hassan Rouhani; change the label instead" in response.content.decode()
    assert rouhani.aliases.filter(name="Hassan Rouhani").exists()


def test_alias_of_another_term_cannot_be_removed_through_this_one(alice_client, seed):
    other = term("iran").aliases.get(name="Iranian")
    response = alice_client.post(reverse("annotations:alias-remove", args=["hassan-rouhani", other.pk]))
    assert response.status_code == 404
    assert Alias.objects.filter(pk=other.pk).exists()


# --- Add and edit terms -------------------------------------------------------------------------------


def test_analyst_adds_a_term_with_aliases_and_an_id_made_from_the_label(alice_client, seed, alice):
    response = alice_client.post(
        reverse("annotations:term-create"),
        {
            "kind": "actor",
            "label": "Esmail Ghaani’s deputy",
            "actor_type": "person",
            "country": "irn",
            "parent": term("quds-force").pk,
            "aliases": "Mohammad Hejazi\nHejazi\n\nhejazi",
        },
    )
    created = term("esmail-ghaanis-deputy")
    assert response.status_code == 302 and response["Location"] == created.get_absolute_url()
    assert (created.country, created.parent.slug, created.created_by) == ("IRN", "quds-force", alice)
    assert created.alias_names() == ["Esmail Ghaani’s deputy", "Mohammad Hejazi", "Hejazi"]
    assert Change.objects.filter(term=created, action="create", object_type="term").exists()


def test_add_term_errors_name_the_problem_and_keep_what_was_typed(alice_client, seed):
    response = alice_client.post(
        reverse("annotations:term-create"),
        {
            "kind": "actor",
            "label": "Quds commander",
            "slug": "irgc",
            "parent": term("protest").pk,
            "aliases": "Qaani deputy\nSoleimani",
            "description": "Keep me",
        },
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "The id “irgc” is already used by Islamic Revolutionary Guard Corps." in html
    assert "Peaceful protest or rally is an event; the parent must be an actor too." in html
    assert "“Soleimani” is already an alias of Qasem Soleimani" in html
    assert 'value="Quds commander"' in html and "Keep me" in html and "Qaani deputy\nSoleimani" in html
    assert not Term.objects.filter(label="Quds commander").exists()


def test_new_term_label_taken_as_alias_by_another_term_is_refused(alice_client, seed):
    response = alice_client.post(reverse("annotations:term-create"), {"kind": "actor", "label": "Rohani"})
    assert response.status_code == 400
    assert "“Rohani” is already an alias of Hassan Rouhani" in response.content.decode()


def test_lead_edits_a_term_and_history_keeps_before_and_after(lead_client, seed, charlie):
    quds = term("quds-force")
    response = lead_client.post(
        reverse("annotations:term-edit", args=["quds-force"]),
        {"label": "Quds Force", "actor_type": "armed_group", "country": "IRN", "code": "IRNMIL",
         "parent": quds.parent_id, "description": "External operations arm of the IRGC."},
    )  # fmt: skip
    assert response.status_code == 302
    quds.refresh_from_db()
    assert quds.label == "Quds Force" and quds.actor_type == "armed_group"
    change = Change.objects.get(term=quds, action="update", object_type="term")
    assert change.before["label"] == "IRGC Quds Force" and change.after["label"] == "Quds Force"
    assert change.actor == charlie


def test_edit_refuses_a_parent_below_the_term(lead_client, seed):
    response = lead_client.post(
        reverse("annotations:term-edit", args=["irgc"]),
        {"label": "Islamic Revolutionary Guard Corps", "parent": term("quds-force").pk},
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert term("irgc").parent.slug == "iran"


# --- Merge and retire: curators only ------------------------------------------------------------------


def test_analyst_without_permission_cannot_merge_or_retire(alice_client, seed):
    merge = reverse("annotations:term-merge", args=["mike-pompeo"])
    assert alice_client.get(merge).status_code == 403
    assert alice_client.post(merge, {"survivor": term("mark-esper").pk, "confirm": "on"}).status_code == 403
    retire = reverse("annotations:term-retire", args=["mike-pompeo"])
    assert alice_client.post(retire, {"action": "retire"}).status_code == 403
    pompeo = term("mike-pompeo")
    assert not pompeo.is_retired and pompeo.merged_into is None
    html = alice_client.get(pompeo.get_absolute_url()).content.decode()
    assert "Merge into…" not in html and ">Retire…<" not in html
    assert alice_client.get(retire).status_code == 403


def test_curator_sees_merge_and_retire(curator_client, seed):
    html = curator_client.get(term("mike-pompeo").get_absolute_url()).content.decode()
    assert "Merge into…" in html and ">Retire…</a>" in html


def test_curator_merges_two_terms(curator_client, seed, alice, curator):
    span = tagged_passage(term("mike-pompeo"), alice)
    response = curator_client.post(
        reverse("annotations:term-merge", args=["mike-pompeo"]),
        {"survivor": term("mark-esper").pk, "confirm": "on"},
    )
    assert response.status_code == 302 and response["Location"] == term("mark-esper").get_absolute_url()
    assert Tag.objects.get(span=span).term.slug == "mark-esper"
    assert term("mark-esper").aliases.filter(name="Mike Pompeo").exists()
    assert term("mike-pompeo").merged_into.slug == "mark-esper"
    assert Change.objects.get(term=term("mike-pompeo"), action="merge").actor == curator


def test_merge_needs_a_confirmation_and_a_same_kind_survivor(curator_client, seed):
    url = reverse("annotations:term-merge", args=["mike-pompeo"])
    response = curator_client.post(url, {"survivor": term("mark-esper").pk})
    assert response.status_code == 400 and "Tick the box to confirm the merge." in response.content.decode()
    response = curator_client.post(url, {"survivor": term("protest").pk, "confirm": "on"})
    assert "Choose an active term of the same kind to merge into." in response.content.decode()
    assert not term("mike-pompeo").is_retired


def test_merge_finds_the_survivor_by_name_not_from_a_list_of_every_term(curator_client, seed):
    url = reverse("annotations:term-merge", args=["mike-pompeo"])
    html = curator_client.get(url).content.decode()
    assert "<select" not in html and 'name="survivor"' not in html
    html = curator_client.get(url, {"q": "esper"}).content.decode()
    assert f'name="survivor" value="{term("mark-esper").pk}"' in html
    assert html.count('name="survivor"') == 1
    assert f'value="{term("mike-pompeo").pk}"' not in html  # never into itself
    # The type-ahead's answer (htmx) is the list alone; events are never offered for an actor.
    fragment = curator_client.get(url, {"q": "strike"}, HTTP_HX_REQUEST="true").content.decode()
    assert fragment.strip().startswith('<fieldset id="merge-candidates"')
    assert 'name="survivor"' not in fragment
    assert "No active actor has a name with “strike”." in fragment
    # Find again (without JavaScript, a GET) keeps the term already chosen, matching or not.
    esper = term("mark-esper").pk
    html = curator_client.get(url, {"q": "rouhani", "survivor": esper}).content.decode()
    assert f'name="survivor" value="{esper}" required checked' in html


def test_a_refused_merge_keeps_the_name_typed_and_the_term_chosen(curator_client, seed):
    url = reverse("annotations:term-merge", args=["mike-pompeo"])
    esper = term("mark-esper").pk
    response = curator_client.post(url, {"q": "esper", "survivor": esper})
    html = response.content.decode()
    assert response.status_code == 400 and "Tick the box to confirm the merge." in html
    assert 'value="esper"' in html
    assert f'name="survivor" value="{esper}" required checked' in html


def test_retire_asks_first_naming_the_passages_that_use_the_term(curator_client, seed, alice):
    span = tagged_passage(term("hadi-al-amiri"), alice)
    Tag.objects.create(span=span, term=term("hadi-al-amiri"), role="target", created_by=alice)  # counted once
    tagged_passage(term("hadi-al-amiri"), alice)
    url = reverse("annotations:term-retire", args=["hadi-al-amiri"])
    html = curator_client.get(url).content.decode()
    assert "<strong>2 passages</strong> in 1 article use Hadi al-Amiri." in html
    assert 'name="action" value="retire"' in html
    assert not term("hadi-al-amiri").is_retired  # asking changes nothing


def test_curator_retires_and_brings_back_a_term(curator_client, seed, curator):
    url = reverse("annotations:term-retire", args=["hadi-al-amiri"])
    response = curator_client.post(url, {"action": "retire"}, follow=True)
    assert "Retired Hadi al-Amiri." in response.content.decode()
    assert term("hadi-al-amiri").is_retired
    assert not Term.objects.active().matching("amiri").exists()
    curator_client.post(url, {"action": "unretire"})
    assert not term("hadi-al-amiri").is_retired
    assert list(Change.objects.filter(term=term("hadi-al-amiri")).values_list("action", flat=True)[:2]) == [
        "restore",
        "retire",
    ]


# --- Import and export --------------------------------------------------------------------------------


def test_export_downloads_json_and_csv(alice_client, seed):
    response = alice_client.get(reverse("annotations:vocabulary-export"), {"format": "json"})
    assert response["Content-Type"].startswith("application/json")
    assert 'attachment; filename="marginalia-vocabulary-' in response["Content-Disposition"]
    assert len(json.loads(response.content)["actors"]) == 40
    response = alice_client.get(reverse("annotations:vocabulary-export"), {"format": "csv"})
    assert response.content.decode().startswith("kind,id,label,code,parent,aliases,description")
    assert alice_client.get(reverse("annotations:vocabulary-export"), {"format": "xml"}).status_code == 400
