"""Adjudication in compare mode (real HTTP): keep A, keep B, edit, reject; the adjudicated coding is the
lead's, the analysts' passages stay as they were, history shows each decision, and exports take the
adjudicated coding only."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from annotations.models import Change, Claim, Decision, Span
from tests.agreement_world import build_agreement_world

EXPORT = reverse("annotations:export")
LIST = reverse("annotations:annotation-list")


@pytest.fixture
def world(alice, bob):
    return build_agreement_world(alice, bob)


@pytest.fixture
def lead(client, charlie):
    client.force_login(charlie)
    return client


def decide(client, world, versions, action, keep=None, **extra):
    data = {"versions": [span.pk for span in versions], "action": action, **extra}
    if keep is not None:
        data["keep"] = keep.pk
    return client.post(reverse("analysis:decide", args=[world.article.pk]), data)


def tags_of(span: Span) -> set[tuple[str, str]]:
    return set(span.tags.values_list("term__slug", "role"))


def test_compare_page_shows_each_units_versions_side_by_side(lead, world):
    page = lead.get(reverse("analysis:compare", args=[world.article.pk])).content.decode()
    assert "6 units, 6 with differences, 0 adjudicated." in page
    assert page.count('class="version') == 10
    assert "Keep alice’s" in page and "Keep bob’s" in page and "not marked by bob" in page


def test_analyst_cannot_open_compare_mode_or_adjudicate(client, world, alice):
    client.force_login(alice)
    assert client.get(reverse("analysis:compare", args=[world.article.pk])).status_code == 403
    response = decide(client, world, [world.a["p3"], world.b["p3"]], "keep", keep=world.a["p3"])
    assert response.status_code == 403 and "Only a lead can adjudicate" in response.content.decode()
    assert not Decision.objects.exists()


def test_keep_a_copies_alices_version_for_the_lead_and_leaves_both_untouched(lead, world, charlie):
    response = decide(lead, world, [world.a["p3"], world.b["p3"]], "keep", keep=world.a["p3"])
    assert response.status_code == 302 and response["Location"].endswith(f"#unit-{world.a['p3'].pk}")
    decision = Decision.objects.get()
    result = decision.result
    assert (result.created_by, result.quote, tags_of(result)) == (charlie, "Gamma four", {("usa", "agent")})
    assert tags_of(Span.objects.get(pk=world.b["p3"].pk)) == {("iran", "agent")}
    assert (
        Span.objects.filter(created_by__username__in=["alice", "bob"], deleted_at__isnull=True).count() == 10
    )
    assert Change.objects.filter(object_type="decision").get().summary == (
        "Adjudicated “Gamma four”: kept alice’s version"
    )


def test_keep_b_takes_bobs_offsets_tags_and_claims(lead, world):
    decide(lead, world, [world.a["p2"], world.b["p2"]], "keep", keep=world.b["p2"])
    result = Decision.objects.get().result
    assert (result.quote, tags_of(result)) == ("two three", {("iran", "target")})
    assert list(result.claims.values_list("claim_type", "stance")) == [("threat", "supportive")]


def test_edit_composes_tags_and_claims_from_both_versions(lead, world):
    a_claim = world.a["p1"].claims.get()
    b_unnamed = world.b["p1"].claims.get(speaker_kind="unnamed")
    decide(
        lead,
        world,
        [world.a["p1"], world.b["p1"]],
        "edit",
        keep=world.b["p1"],
        tag=[f"{world.usa.pk}:agent"],
        claim=[a_claim.pk, b_unnamed.pk],
    )
    decision = Decision.objects.get()
    assert decision.action == "edit" and decision.kept_id == world.b["p1"].pk
    claims = list(decision.result.claims.order_by("pk").values_list("speaker_kind", "certainty", "stance"))
    assert claims == [("actor", "probable", "opposed"), ("unnamed", "", "neutral")]
    assert Claim.objects.filter(span=world.a["p1"]).count() == 1  # alice's claim stays hers


def test_edit_with_a_tag_from_no_version_is_refused(lead, world):
    response = decide(
        lead,
        world,
        [world.a["p3"], world.b["p3"]],
        "edit",
        keep=world.a["p3"],
        tag=[f"{world.strike.pk}:event"],
    )
    assert response.status_code == 422 and "takes its tags from the versions" in response.content.decode()
    assert not Decision.objects.exists() and not Span.objects.filter(created_by__username="charlie").exists()


def test_reject_keeps_nothing_and_is_recorded(lead, world):
    decide(lead, world, [world.a["p5"]], "reject")
    decision = Decision.objects.get()
    assert (decision.action, decision.result) == ("reject", None)
    assert "rejected every version (alice)" in Change.objects.get(object_type="decision").summary


def test_deciding_again_supersedes_the_earlier_decision(lead, world):
    versions = [world.a["p3"], world.b["p3"]]
    decide(lead, world, versions, "keep", keep=world.a["p3"])
    first = Decision.objects.get().result
    decide(lead, world, versions, "keep", keep=world.b["p3"])
    first.refresh_from_db()
    assert first.is_deleted
    current = Decision.objects.current().get()
    assert tags_of(current.result) == {("iran", "agent")}
    page = lead.get(reverse("analysis:compare", args=[world.article.pk])).content.decode()
    assert "Adjudicated: kept a version (bob’s)" in page


def test_bad_decisions_are_refused_with_a_clear_message(lead, world, alice):
    response = decide(lead, world, [world.a["p3"]], "merge", keep=world.a["p3"])
    assert response.status_code == 422 and "“merge” is not a decision" in response.content.decode()
    response = decide(lead, world, [world.a["p3"], world.b["p3"]], "keep")
    assert response.status_code == 422 and "Choose which version to keep" in response.content.decode()
    response = lead.post(
        reverse("analysis:decide", args=[world.article.pk]), {"versions": ["x"], "action": "keep"}
    )
    assert response.status_code == 422


@pytest.fixture
def adjudicated(lead, world) -> set[int]:
    """keep A, keep B, edit, reject: three adjudicated passages."""
    decide(lead, world, [world.a["p3"], world.b["p3"]], "keep", keep=world.a["p3"])
    decide(lead, world, [world.a["p2"], world.b["p2"]], "keep", keep=world.b["p2"])
    decide(
        lead, world, [world.a["p4"], world.b["p4"]], "edit", keep=world.a["p4"], tag=[f"{world.usa.pk}:agent"]
    )
    decide(lead, world, [world.a["p5"]], "reject")
    return set(Decision.objects.current().exclude(result=None).values_list("result_id", flat=True))


def test_export_command_adjudicated_has_exactly_the_kept_units(world, adjudicated):
    out = io.StringIO()
    call_command("export_annotations", "--format", "csv", "--adjudicated", stdout=out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert len(adjudicated) == 3
    assert {int(row["span_id"]) for row in rows} == adjudicated
    assert {row["annotator"] for row in rows} == {"charlie"}
    assert sorted(row["quote"] for row in rows) == ["Delta five six", "Gamma four", "two three"]


def test_download_and_annotations_screen_take_adjudicated_only_or_the_analysts_own(lead, world, adjudicated):
    response = lead.get(EXPORT, {"format": "csv", "coding": "adjudicated"})
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert {int(row["span_id"]) for row in rows} == adjudicated
    page = lead.get(LIST, {"coding": "adjudicated"}).content.decode()
    assert "3 passages" in page
    page = lead.get(LIST, {"coding": "analysts"}).content.decode()
    assert "10 passages" in page
    response = lead.get(LIST, {"coding": "final"})
    assert response.status_code == 400 and "“final” is not a coding" in response.content.decode()
