"""Independent coding outside the reader, over real HTTP with three users and dave, a colleague not
assigned (tests/blind_world.py): the Annotations screen (passages, claims, the text search in notes),
every download (passages, claims, with the notes and claims they carry; streamed and as a background job),
the commands, the Agreement screen, the discourse network, the Vocabulary's usage counts and the Articles
list's passage counts. Hidden before both coders are done, visible after; leads see everything."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from annotations.models import Claim
from tests.blind_world import build_blind_world
from tests.conftest import as_user

LIST = reverse("annotations:annotation-list")
EXPORT = reverse("annotations:export")


def build_cast(alice, bob, charlie, dave):
    """Built once for the module's tests (tests/conftest.py `cast`)."""
    return build_blind_world(alice, bob, charlie, dave)


@pytest.fixture
def world(cast):
    return cast.world


def page(user, url: str, params: dict | None = None) -> str:
    response = as_user(user).get(url, params or {})
    assert response.status_code == 200
    return response.content.decode()


def download(user, params: dict) -> str:
    response = as_user(user).get(EXPORT, params)
    assert response.status_code == 200, response.content[:300]
    return b"".join(response.streaming_content).decode("utf-8")


def rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def count(html: str, what: str = "passage") -> str:
    return re.search(rf'<strong id="{what}-count">([^<]+)</strong>', html).group(1)


def both_done(world, alice, bob) -> None:
    world.mark_done(alice)
    world.mark_done(bob)


def alice_codes_on_daves_passage(world, alice) -> Claim:
    """alice, done, sees dave's passage and writes a note and a claim on it (bob is not done yet)."""
    world.mark_done(alice)
    world.daves.add_note("secret remark by alice", by=alice)
    return Claim.create_on(world.daves, {"speaker_kind": "author", "stance": "neutral"}, by=alice)


# --- The Annotations screen -------------------------------------------------------------------------


def test_annotations_screen_lists_what_each_may_see(world, alice, bob, charlie, dave):
    article = {"article": world.article.pk}
    assert count(page(alice, LIST, article)) == "1 passage"
    assert count(page(bob, LIST, article)) == "1 passage"
    assert count(page(dave, LIST, article)) == "1 passage"
    assert count(page(charlie, LIST, article)) == "3 passages"
    both_done(world, alice, bob)
    assert count(page(alice, LIST, article)) == count(page(dave, LIST, article)) == "3 passages"


def test_claims_view_lists_what_each_may_see(world, alice, bob, charlie):
    claims = {"view": "claims", "article": world.article.pk}
    html = page(alice, LIST, claims)
    assert count(html, "claim") == "1 claim" and "Iran" not in html.split('id="claim-count"')[1]
    assert count(page(charlie, LIST, claims), "claim") == "2 claims"
    both_done(world, alice, bob)
    assert count(page(alice, LIST, claims), "claim") == "2 claims"


def test_text_search_does_not_find_a_passage_by_a_note_hidden_from_the_analyst(world, alice, bob, dave):
    alice_codes_on_daves_passage(world, alice)
    search = {"q": "secret remark"}
    assert count(page(dave, LIST, search)) == "0 passages"  # dave's own passage, by alice's hidden note
    assert count(page(dave, LIST, {**search, "view": "claims"}), "claim") == "0 claims"
    assert count(page(alice, LIST, search)) == "1 passage"
    world.mark_done(bob)
    assert count(page(dave, LIST, search)) == "1 passage"


# --- Downloads ----------------------------------------------------------------------------------------


def test_downloads_leave_out_the_other_coders_passages_and_claims(world, alice, charlie):
    assert {int(r["span_id"]) for r in rows(download(alice, {"format": "csv"}))} == {world.alices.pk}
    claims = rows(download(alice, {"format": "claims-csv"}))
    assert [int(r["claim_id"]) for r in claims] == [world.alices_claim.pk]
    everything = {world.alices.pk, world.bobs.pk, world.daves.pk}
    assert {int(r["span_id"]) for r in rows(download(charlie, {"format": "csv"}))} == everything


def test_downloads_leave_out_notes_and_claims_hidden_on_a_passage_the_analyst_sees(world, alice, bob, dave):
    """The notes and claims the exports read beside the passages (raw SQL) follow the rule too."""
    claim = alice_codes_on_daves_passage(world, alice)
    (row,) = rows(download(dave, {"format": "csv", "article": world.article.pk}))
    assert int(row["span_id"]) == world.daves.pk and row["notes"] == ""
    (line,) = download(dave, {"format": "jsonl", "article": world.article.pk}).splitlines()
    record = json.loads(line)
    assert record["notes"] == [] and record["claims"] == []
    w3c = download(dave, {"format": "w3c-jsonl", "article": world.article.pk})
    assert "secret remark" not in w3c and f"#claim-{claim.pk}" not in w3c
    assert rows(download(dave, {"format": "claims-csv", "article": world.article.pk})) == []
    # alice sees her own note and claim on dave's passage.
    (row,) = [r for r in rows(download(alice, {"format": "csv"})) if int(r["span_id"]) == world.daves.pk]
    assert "secret remark by alice" in row["notes"]
    world.mark_done(bob)
    (row,) = [r for r in rows(download(dave, {"format": "csv"})) if int(r["span_id"]) == world.daves.pk]
    assert "secret remark by alice" in row["notes"]
    record = next(
        json.loads(line)
        for line in download(dave, {"format": "jsonl"}).splitlines()
        if json.loads(line)["span_id"] == world.daves.pk
    )
    assert [c["claim_id"] for c in record["claims"]] == [claim.pk]


def test_a_claims_download_leaves_out_hidden_notes_of_the_claims_passage(world, alice, bob, dave):
    alice_codes_on_daves_passage(world, alice)
    Claim.create_on(world.daves, {"speaker_kind": "author", "stance": "opposed"}, by=dave)
    (row,) = rows(download(dave, {"format": "claims-csv"}))
    assert row["stance"] == "opposed" and row["notes"] == ""


def test_an_export_written_by_the_worker_is_the_owners_view(world, alice, settings, tmp_path):
    settings.MARGINALIA_EXPORT_JOB_PASSAGES = 0
    settings.MARGINALIA_JOB_FILES = tmp_path
    client = as_user(alice)
    response = client.get(EXPORT, {"format": "csv"})
    assert response.status_code == 302 and response["Location"].startswith("/jobs/")
    file = client.get(response["Location"] + "download/")
    assert {int(r["span_id"]) for r in rows(b"".join(file.streaming_content).decode())} == {world.alices.pk}


def test_export_command_gives_the_operator_everything_and_an_analyst_their_view(world, alice, dave):
    alice_codes_on_daves_passage(world, alice)
    out = io.StringIO()
    call_command("export_annotations", "--format", "csv", stdout=out)
    assert {int(r["span_id"]) for r in rows(out.getvalue())} == {
        world.alices.pk,
        world.bobs.pk,
        world.daves.pk,
    }
    out = io.StringIO()
    call_command("export_annotations", "--format", "csv", "--as", "alice", stdout=out)
    assert {int(r["span_id"]) for r in rows(out.getvalue())} == {world.alices.pk, world.daves.pk}
    out = io.StringIO()
    call_command("export_annotations", "--format", "csv", "--as", "dave", stdout=out)
    (row,) = rows(out.getvalue())
    assert int(row["span_id"]) == world.daves.pk and row["notes"] == ""
    out = io.StringIO()
    call_command("export_annotations", "--format", "claims-csv", "--as", "bob", stdout=out)
    assert [int(r["claim_id"]) for r in rows(out.getvalue())] == [world.bobs_claim.pk]
    with pytest.raises(CommandError, match="no user called “nobody”"):
        call_command("export_annotations", "--as", "nobody", stdout=io.StringIO())


# --- Agreement, network, vocabulary, articles ----------------------------------------------------------


def agreement_coders(user, world) -> set[tuple[str, str]]:
    text = page(user, reverse("analysis:agreement"), {"article": world.article.pk, "format": "csv"})
    return {(r["coder_a"], r["coder_b"]) for r in rows(text)}


def test_agreement_screen_compares_only_what_the_analyst_may_see(world, alice, bob, charlie):
    assert agreement_coders(alice, world) == set()  # alice alone: nobody to compare with
    assert ("alice", "bob") in agreement_coders(charlie, world)
    both_done(world, alice, bob)
    assert ("alice", "bob") in agreement_coders(alice, world)


def test_agreement_command_takes_the_analysts_view(world):
    out = io.StringIO()
    call_command(
        "agreement", "--article", str(world.article.pk), "--format", "csv", "--as", "alice", stdout=out
    )
    assert not any(r["coder_b"] == "bob" for r in rows(out.getvalue()))
    out = io.StringIO()
    call_command("agreement", "--article", str(world.article.pk), "--format", "csv", stdout=out)
    assert any(r["coder_b"] == "bob" for r in rows(out.getvalue()))


def test_network_download_leaves_out_the_other_coders_claims(world, alice, charlie):
    url = reverse("analysis:network")
    params = {"mode": "two-mode", "format": "graphml", "article": world.article.pk, "view": "claims"}
    alices = as_user(alice).get(url, params).content.decode()
    leads = as_user(charlie).get(url, params).content.decode()
    assert "United States" in alices and "Iran" not in alices  # bob's claim: Iran speaks
    assert "Iran" in leads


def usage(html: str, slug: str) -> int:
    row = re.search(rf'<tr class="term-row[^"]*" data-slug="{slug}">(.*?)</tr>', html, re.S).group(1)
    return int(re.findall(r'<td class="num">(\d+)</td>', row)[-1])


def test_vocabulary_usage_counts_what_the_analyst_may_see(world, alice, bob, charlie):
    url = reverse("annotations:vocabulary")
    assert usage(page(alice, url), "iran") == 0 and usage(page(alice, url), "soleimani") == 1
    assert usage(page(charlie, url), "iran") == 1
    both_done(world, alice, bob)
    assert usage(page(alice, url), "iran") == 1


def articles_count(user, world) -> int:
    html = page(user, reverse("corpus:article-list"))
    row = html.split(f'href="{world.article.get_absolute_url()}"')[1].split("</tr>")[0]
    return int(re.findall(r'<td class="num">(\d+)</td>', row)[-1])


def test_articles_list_counts_the_passages_the_analyst_may_see(world, alice, bob, charlie, dave):
    assert (articles_count(alice, world), articles_count(dave, world), articles_count(charlie, world)) == (
        1,
        1,
        3,
    )
    both_done(world, alice, bob)
    assert articles_count(alice, world) == 3


def test_closing_the_assignment_ends_independent_coding_everywhere(world, alice, charlie):
    world.assignment.close(by=charlie)
    assert count(page(alice, LIST, {"article": world.article.pk})) == "3 passages"
    assert articles_count(alice, world) == 3
