"""Adjudication in compare mode (real HTTP): keep A, keep B, edit, reject; the adjudicated coding is the
lead's, the analysts' passages stay as they were, history shows each decision, and exports take the
adjudicated coding only."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from annotations.models import Change, Claim, Decision, Span
from tests.agreement_world import build_agreement_world

EXPORT = reverse("annotations:export")
LIST = reverse("annotations:annotation-list")


def build_cast(alice, bob):
    """Built once for the module's tests (tests/conftest.py `cast`)."""
    return build_agreement_world(alice, bob)


@pytest.fixture
def world(cast):
    return cast.world


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


def compare_page(client, world, **params) -> str:
    response = client.get(reverse("analysis:compare", args=[world.article.pk]), params)
    assert response.status_code == 200
    return response.content.decode()


def unit_html(page: str, span) -> str:
    """One unit's section of the compare page (its anchor is its first version's)."""
    return page.split(f'id="unit-{span.pk}"')[1].split("</section>")[0]


def test_compare_page_shows_each_units_versions_side_by_side(lead, world):
    page = compare_page(lead, world)
    assert "6 units, 6 with differences, 0 adjudicated." in page
    assert page.count("data-unit") == 6
    assert "alice <kbd>1</kbd>" in page and "bob <kbd>2</kbd>" in page
    assert "Keep alice’s <kbd>1</kbd>" in page and "Keep bob’s <kbd>2</kbd>" in page
    assert "not marked by bob" in page


def rows_that_differ(html: str) -> list[str]:
    return [
        re.sub(r"<[^>]+>|≠", "", label).strip()
        for label in re.findall(r'<tr class="[^"]*differs"><th scope="row">(.*?)</th>', html)
    ]


def test_differences_are_marked_field_by_field(lead, world):
    page = compare_page(lead, world)
    p2 = unit_html(page, world.a["p2"])
    # Offsets (and so quotes) differ, the term is the same with another role, and of the claim only the
    # stance differs.
    assert rows_that_differ(p2) == ["Offsets", "Quote", "Iran", "Stance"]
    assert "<td>Source (asserts it)</td><td>Target (acted upon)</td>" in p2
    assert "<td>Opposed</td><td>Supportive</td>" in p2 and "<td>Threat</td><td>Threat</td>" in p2
    # The text around the unit shows which version covers what.
    assert '<mark class="cover-some" title="alice">Beta </mark>' in p2
    assert '<mark class="cover-all" title="alice, bob">two</mark>' in p2
    assert '<mark class="cover-some" title="bob"> three</mark>' in p2
    p1 = unit_html(page, world.a["p1"])
    assert rows_that_differ(p1) == ["Certainty", "Event modality"] + [
        "Speaker", "Stance", "Contested",  # the second claim is bob's alone: what he coded differs
    ]  # fmt: skip
    assert "<td>Probable</td><td>Possible</td>" in p1 and "<td>—</td><td>Unnamed: an official</td>" in p1
    p3 = unit_html(page, world.a["p3"])
    assert rows_that_differ(p3) == ["United States", "Iran"]


def test_compare_page_narrows_to_the_units_left_to_adjudicate(lead, world):
    decide(lead, world, [world.a["p3"], world.b["p3"]], "keep", keep=world.a["p3"])
    page = compare_page(lead, world, show="undecided")
    assert page.count("data-unit") == 5 and f'id="unit-{world.a["p3"].pk}"' not in page


def test_compare_mode_is_reachable_from_the_reader_my_work_and_agreement(lead, world, alice, bob, charlie):
    from annotations.models import Assignment

    assignment = Assignment.hand_out([world.article], [alice, bob], by=charlie, independent=True)
    compare = reverse("analysis:compare", args=[world.article.pk]) + f"?assignment={assignment.pk}"
    reader = lead.get(reverse("annotations:reader", args=[world.article.pk])).content.decode()
    assert f'id="compare-switch" class="compare-switch" href="{compare}"' in reader
    assert f'href="{compare}"' in lead.get(reverse("annotations:my-work")).content.decode()
    agreement = lead.get(reverse("analysis:agreement"), {"assignment": assignment.pk}).content.decode()
    assert f'href="{compare}"' in agreement


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


def test_edit_takes_a_tag_from_no_version_and_changes_roles(lead, world):
    decide(
        lead,
        world,
        [world.a["p3"], world.b["p3"]],
        "edit",
        keep=world.a["p3"],
        **{
            "tag-0-term": world.usa.pk,
            "tag-0-keep": "1",
            "tag-0-role": "target",
            "tag-1-term": world.iran.pk,
        },
        **{"tag-new-name": "strike", "tag-new-role": ""},
    )
    result = Decision.objects.get().result
    assert tags_of(result) == {("usa", "target"), ("strike", "event")}


def test_edit_changes_the_claims_fields(lead, world):
    """The edit form's claim: alice's claim with the certainty and modality the lead settles on, a
    target typed by name; bob's unnamed source left out."""
    data = edit_form_data(lead, world, world.a["p1"])
    data.update(
        {"claim-0-certainty": "possible", "claim-0-event_modality": "", "claim-0-target_name": "soleimani"}
    )
    data.pop("claim-1-include", None)
    response = lead.post(reverse("analysis:decide", args=[world.article.pk]), data)
    assert response.status_code == 302
    (claim,) = Decision.objects.get().result.claims.all()
    assert (claim.speaker, claim.stance, claim.certainty, claim.event_modality, claim.target) == (
        world.usa, "opposed", "possible", "", world.soleimani,
    )  # fmt: skip
    history = Change.objects.filter(object_type="claim", object_id=claim.pk).get()
    assert history.after["edited"] is True and history.after["certainty"] == "possible"


def test_a_refused_edit_comes_back_with_what_was_typed_and_saves_nothing(lead, world):
    data = edit_form_data(lead, world, world.a["p1"])
    data.update({"claim-0-speaker_name": "Nobody In Particular", "claim-0-reporting_verb": "muttered"})
    response = lead.post(reverse("analysis:decide", args=[world.article.pk]), data)
    page = response.content.decode()
    assert response.status_code == 422
    assert "No actor of the vocabulary is called “Nobody In Particular”" in page
    unit = unit_html(page, world.a["p1"])
    assert '<details class="edit" open>' in unit and 'value="muttered"' in unit
    assert 'value="Nobody In Particular"' in unit
    assert not Decision.objects.exists() and not Span.objects.filter(created_by__username="charlie").exists()


def test_edit_refuses_a_retired_term_or_a_role_that_does_not_fit(lead, world):
    from django.utils import timezone

    world.soleimani.retired_at = timezone.now()
    world.soleimani.save()
    versions = [world.a["p3"], world.b["p3"]]
    response = decide(lead, world, versions, "edit", keep=world.a["p3"], tag=[f"{world.soleimani.pk}:agent"])
    assert response.status_code == 422 and "is retired" in response.content.decode()
    response = decide(lead, world, versions, "edit", keep=world.a["p3"], tag=[f"{world.strike.pk}:agent"])
    assert response.status_code == 422 and "does not fit" in response.content.decode()
    assert not Decision.objects.exists()


def edit_form_data(client, world, first) -> dict:
    """What the unit's edit form posts as it comes, read from the page (as a browser would)."""
    unit = unit_html(compare_page(client, world), first)
    form = unit.split('class="edit-form')[1].split("</form>")[0]
    data: dict = {}
    for tag in re.findall(r"<(?:input|select)[^>]*>", form):
        name = re.search(r'name="([^"]+)"', tag)
        if not name:
            continue
        name = name.group(1)
        if tag.startswith("<select"):
            body = form.split(tag)[1].split("</select>")[0]
            chosen = re.search(r'<option value="([^"]*)" selected>', body) or re.search(
                r'<option value="([^"]*)"', body
            )
            data[name] = chosen.group(1)
            continue
        kind = re.search(r'type="([^"]+)"', tag).group(1)
        value = re.search(r'value="([^"]*)"', tag)
        if kind in ("checkbox", "radio") and " checked" not in tag:
            continue
        if name == "versions":
            data.setdefault(name, []).append(value.group(1))
        else:
            data[name] = value.group(1) if value else ""
    return data


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


def test_claims_download_takes_the_adjudicated_coding_only(lead, world, adjudicated):
    """keep B on P2 kept bob's claim; the other decisions kept passages without claims."""
    response = lead.get(EXPORT, {"format": "claims-csv", "view": "claims", "coding": "adjudicated"})
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    kept = [(r["quote"], r["stance"], r["annotator"]) for r in rows]
    assert kept == [("two three", "supportive", "charlie")]
    assert {int(r["span_id"]) for r in rows} <= adjudicated
    page = lead.get(LIST, {"view": "claims", "coding": "analysts"}).content.decode()
    assert "5 claims" in page
