"""Agreement figures on fixtures where they are known, the command, and the screen (real HTTP).

Hand computation for tests/agreement_world.py (alice = A, bob = B):

Passages. Exact: P1, P3, P4 match: P = R = F1 = 3/5 = 0.6. Overlap: P2 joins: 4/5 = 0.8.
Per term (overlap): usa A {P1,P3,P4} B {P1,P4}, both on P1, P4: P 2/3, R 1, F1 4/5.
iran A {P2} B {P2,P3}, both on P2: P 1, R 1/2, F1 2/3. strike A {P4} B {}: P 0, F1 0.

Tags, aligned slots on the 4 overlap pairs: term (usa,usa) (iran,iran) (usa,iran) (usa,usa)
(strike,(none)). Coincidences: n_usa 5, n_iran 3, n_strike 1, n_none 1, n 10, off-diagonal 4:
alpha = 1 - (n-1)·4 / (n² - Σn_c²) = 1 - 9·4/(100-36) = 0.4375; agreement 3/5.
Roles (agent,agent)×3 (source,target) (event,(none)): n_agent 6, others 1: 1 - 36/(100-40) = 0.4.

Claims: A 2, B 3 (B's unnamed source on P1 has no partner), 2 pairs.
speaker (usa,usa) (author,author): alpha 1. stance (opposed,opposed) (opposed,supportive):
n_opp 3, n_sup 1, n 4: 1 - 3·2/(16-10) = 0. certainty (probable,possible), one unit: 1 - 1·2/(4-2) = 0.
target (iran,iran), one value only: undefined. event_modality coded by A only: no unit.
"""

from __future__ import annotations

import csv
import io
import json

import numpy as np
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from analysis.agreement import agreement, alpha_of
from analysis.scope import scope_for
from annotations.models import AssignedArticle, Assignment, Decision, SavedSet
from tests.agreement_world import build_agreement_world

AGREEMENT = reverse("analysis:agreement")
DISAGREEMENTS = reverse("analysis:disagreements")


@pytest.fixture
def world(alice, bob):
    return build_agreement_world(alice, bob)


def figure(report, section, measure, term=None, a="alice", b="bob"):
    (found,) = [
        f
        for f in report.figures
        if (f.section, f.measure, f.coder_a, f.coder_b) == (section, measure, a, b) and f.term == (term or "")
    ]
    return found


def test_alpha_wiring_reproduces_krippendorffs_reference_example():
    # Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: 4 coders, 12 units.
    nan = None
    reference = [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, nan, nan, nan],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nan, 3],
        [nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nan],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nan],
    ]
    assert round(alpha_of(reference), 3) == 0.743
    as_words = [[None if v is None else f"value {v}" for v in row] for row in reference]
    assert round(alpha_of(as_words), 3) == 0.743


def test_alpha_is_undefined_without_variation_or_pairable_units():
    assert alpha_of([["a", "a"], ["a", "a"]]) is None
    assert alpha_of([["a", None], [None, "b"]]) is None


def test_passage_precision_recall_and_f1_match_the_hand_computation(world):
    report = agreement(scope_for(article=world.article.pk))
    exact, overlap = figure(report, "passages", "exact"), figure(report, "passages", "overlap")
    assert (exact.a_count, exact.b_count, exact.matched) == (5, 5, 3)
    assert (exact.precision, exact.recall, exact.f1) == (0.6, 0.6, 0.6)
    assert (overlap.matched, overlap.f1) == (4, 0.8)
    usa = figure(report, "passages", "overlap", "United States")
    assert (usa.a_count, usa.b_count, usa.matched) == (3, 2, 2)
    assert usa.precision == pytest.approx(2 / 3) and usa.recall == 1 and usa.f1 == pytest.approx(0.8)
    iran = figure(report, "passages", "overlap", "Iran")
    assert (iran.precision, iran.recall, iran.f1) == (1, 0.5, pytest.approx(2 / 3))
    strike = figure(report, "passages", "overlap", "Strike")
    assert (strike.precision, strike.recall, strike.f1) == (0, None, 0)


def test_tag_alphas_match_the_hand_computation(world):
    report = agreement(scope_for(article=world.article.pk))
    term, role = figure(report, "tags", "term"), figure(report, "tags", "role")
    assert (term.units, term.alpha, term.agreement) == (5, pytest.approx(0.4375), 0.6)
    assert (role.units, role.alpha, role.agreement) == (5, pytest.approx(0.4), 0.6)


def test_claim_field_alphas_and_units_match_the_hand_computation(world):
    report = agreement(scope_for(article=world.article.pk))
    matched = figure(report, "claims", "matched")
    assert (matched.a_count, matched.b_count, matched.matched) == (2, 3, 2)
    expected = {
        "speaker": (2, 1.0),
        "stance": (2, 0.0),
        "certainty": (1, 0.0),
        "target": (1, None),
        "claim_type": (1, None),
        "event_modality": (0, None),
        "speaker_role": (0, None),
        "attribution_type": (0, None),
    }
    for name, (units, alpha) in expected.items():
        found = figure(report, "claims", name)
        assert (found.units, found.alpha) == (units, alpha if alpha is None else pytest.approx(alpha)), name
    stance = report.confusion[("alice", "bob", "stance")]
    assert stance == {("opposed", "opposed"): 1, ("opposed", "supportive"): 1}
    assert report.confusion[("alice", "bob", "event_modality")] == {("future", "—"): 1}


def test_krippendorff_package_agrees_with_the_figure_for_the_term_slots(world):
    import krippendorff

    codes = {"usa": 0, "iran": 1, "strike": 2, "none": 3}
    data = np.array([[0, 1, 0, 0, 2], [0, 1, 1, 0, 3]], dtype=float)
    assert codes and figure(
        agreement(scope_for(article=world.article.pk)), "tags", "term"
    ).alpha == pytest.approx(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"))


def test_three_analysts_get_every_pair_and_a_pooled_overall(world, alice, bob, charlie):
    from tests.agreement_world import passage

    passage(world.article, "Alpha one", charlie, (world.usa, "agent"))
    report = agreement(scope_for(article=world.article.pk))
    pairs = {(f.coder_a, f.coder_b) for f in report.passage_figures}
    assert pairs == {("alice", "bob"), ("alice", "charlie"), ("bob", "charlie"), ("*", "*")}
    pooled = figure(report, "passages", "exact", a="*", b="*")
    assert (pooled.a_count, pooled.b_count, pooled.matched) == (5 + 5 + 5, 5 + 1 + 1, 3 + 1 + 1)


def test_adjudicated_passages_are_not_compared(world, charlie):
    Decision.decide([world.a["p5"]], "keep", by=charlie, keep=world.a["p5"])
    report = agreement(scope_for(article=world.article.pk))
    assert report.coders == ["alice", "bob"]
    assert figure(report, "passages", "exact").a_count == 5


def test_assignment_scope_compares_only_the_assigned_analysts(world, alice, bob, charlie):
    from tests.agreement_world import passage

    passage(world.article, "Alpha one", charlie)
    assignment = Assignment.hand_out([world.article], [alice, bob], by=charlie, independent=True)
    report = agreement(scope_for(assignment=assignment.pk))
    assert report.coders == ["alice", "bob"]


def test_a_blind_analyst_sees_agreement_only_on_their_own_work(world, alice, bob, charlie, client):
    Assignment.hand_out([world.article], [alice, bob], by=charlie, independent=True)
    client.force_login(alice)
    page = client.get(AGREEMENT, {"article": world.article.pk}).content.decode()
    assert "between alice:" in page and "bob" not in page.split("Agreement on")[1].split("</p>")[0]
    for task in AssignedArticle.objects.all():
        task.set_status("done", by=charlie, version=task.version)
    page = client.get(AGREEMENT, {"article": world.article.pk}).content.decode()
    assert "between alice, bob:" in page


def test_screen_csv_and_command_csv_are_the_same_bytes(world, client, charlie):
    client.force_login(charlie)
    response = client.get(AGREEMENT, {"article": world.article.pk, "format": "csv"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    out = io.StringIO()
    call_command("agreement", "--article", str(world.article.pk), "--format", "csv", stdout=out)
    assert response.content.decode() == out.getvalue()
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    tag_term = next(r for r in rows if (r["section"], r["measure"]) == ("tags", "term"))
    assert (tag_term["units"], tag_term["alpha"], tag_term["agreement"]) == ("5", "0.438", "0.600")


def test_command_reads_a_saved_set_by_name_and_prints_json_and_a_table(world, alice):
    SavedSet.objects.create(owner=alice, name="Six", query=f"article={world.article.pk}")
    out = io.StringIO()
    call_command("agreement", "--set", "Six", "--format", "json", stdout=out)
    document = json.loads(out.getvalue())
    assert document["coders"] == ["alice", "bob"] and document["scope"]["kind"] == "set"
    stance = next(f for f in document["figures"] if f["measure"] == "stance")
    assert (stance["units"], stance["alpha"]) == (2, 0.0)
    out = io.StringIO()
    call_command("agreement", "--set", "Six", stdout=out)
    assert "Agreement on saved set “Six”: alice, bob" in out.getvalue()


def test_command_refuses_an_unknown_scope(db):
    with pytest.raises(CommandError, match="There is no article with id 999"):
        call_command("agreement", "--article", "999", stdout=io.StringIO())


def test_screen_shows_the_figures_and_links_each_to_its_disagreements(world, client, charlie):
    client.force_login(charlie)
    page = client.get(AGREEMENT, {"article": world.article.pk}).content.decode()
    assert "0.438" in page and "0.400" in page
    assert (
        f"{DISAGREEMENTS}?article={world.article.pk}&amp;section=tags&amp;measure=term&amp;a=alice&amp;b=bob"
        in page
    )


def test_disagreements_show_both_versions_side_by_side(world, client, charlie):
    client.force_login(charlie)
    params = {
        "article": world.article.pk,
        "section": "passages",
        "measure": "overlap",
        "a": "alice",
        "b": "bob",
    }
    page = client.get(DISAGREEMENTS, params).content.decode()
    assert "2 units where they differ" in page
    assert "Epsilon seven" in page and "Zeta eight" in page
    stance = client.get(DISAGREEMENTS, {**params, "section": "claims", "measure": "stance"}).content.decode()
    assert "1 unit where they differ" in stance and "supportive" in stance and "Beta two" in stance


def test_disagreements_download_as_csv(world, client, charlie):
    client.force_login(charlie)
    params = {"article": world.article.pk, "section": "tags", "measure": "term", "a": "alice", "b": "bob"}
    response = client.get(DISAGREEMENTS, {**params, "format": "csv"})
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [(r["a_quote"], r["a_value"], r["b_quote"], r["b_value"]) for r in rows] == [
        ("Gamma four", "United States", "Gamma four", "Iran"),
        ("Delta five six", "Strike", "Delta five six", "(none)"),
    ]


def test_per_term_disagreements_show_the_passages_missing_the_term(world, client, charlie):
    client.force_login(charlie)
    params = {
        "article": world.article.pk,
        "section": "passages",
        "measure": "overlap",
        "a": "alice",
        "b": "bob",
    }
    page = client.get(DISAGREEMENTS, {**params, "term": world.usa.pk}).content.decode()
    assert "1 unit where they differ" in page and "Gamma four" in page


@pytest.mark.parametrize(
    "params, message",
    [
        ({}, "Choose one of"),
        ({"article": "x"}, "not “x”"),
        ({"assignment": "41"}, "There is no assignment 41"),
    ],
)
def test_bad_scopes_are_refused_with_a_clear_400(client, charlie, params, message):
    client.force_login(charlie)
    response = client.get(DISAGREEMENTS, {"section": "tags", "measure": "term", **params})
    assert response.status_code == 400 and message in response.content.decode()


def test_unknown_figure_and_analyst_are_refused(world, client, charlie):
    client.force_login(charlie)
    base = {"article": world.article.pk, "a": "alice", "b": "bob"}
    response = client.get(DISAGREEMENTS, {**base, "section": "tags", "measure": "mood"})
    assert response.status_code == 400 and "No figure “tags mood”" in response.content.decode()
    response = client.get(DISAGREEMENTS, {**base, "section": "tags", "measure": "term", "b": "zed"})
    assert response.status_code == 400 and "No analyst called “zed”" in response.content.decode()
    response = client.get(AGREEMENT, {"article": "999"})
    assert response.status_code == 400 and "There is no article with id 999" in response.content.decode()
