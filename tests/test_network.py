"""The discourse network export (analysis/): on a fixture whose networks are known, each mode in each
format parsed back with networkx (and csv), nodes, edges and weights as expected."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ElementTree
from datetime import date

import networkx as nx
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from analysis.networks import FORMATS, MODES, build_network, write_network
from annotations.models import Claim, SavedSet
from corpus.models import Source
from tests.annotated_world import make_article, make_span, make_term
from tests.claim_helpers import make_claim

NETWORK = reverse("analysis:network")
LIST = reverse("annotations:annotation-list")

USA, IRAN, IRGC = "actor:usa", "actor:iran", "actor:irgc"
SANCTIONS, DEAL = "event:sanctions", "event:nuclear-deal"
ROE, TABLET, US_OFFICIAL, UNNAMED = "author:Jane Roe", "author:Tablet", "unnamed:usa", "unnamed"

TWO_MODE = {
    # (speaker, target): (weight, {stance: count})
    (USA, IRAN): (2, {"opposed": 2}),
    (USA, SANCTIONS): (1, {"supportive": 1}),
    (USA, DEAL): (1, {"opposed": 1}),
    (IRGC, USA): (1, {"opposed": 1}),
    (IRGC, SANCTIONS): (1, {"opposed": 1}),
    (IRGC, DEAL): (1, {"supportive": 1}),
    (ROE, IRAN): (1, {"opposed": 1}),
    (ROE, SANCTIONS): (1, {"supportive": 1}),
    (TABLET, SANCTIONS): (1, {"supportive": 1}),
    (US_OFFICIAL, IRAN): (1, {"opposed": 1}),
    (UNNAMED, IRAN): (1, {"neutral": 1}),
    (IRAN, USA): (1, {"mixed": 1}),
    (IRAN, SANCTIONS): (1, {"uncoded": 1}),
}
CONGRUENCE = {
    frozenset((USA, ROE)): (2, "Iran; Sanctions"),
    frozenset((USA, US_OFFICIAL)): (1, "Iran"),
    frozenset((ROE, US_OFFICIAL)): (1, "Iran"),
    frozenset((USA, TABLET)): (1, "Sanctions"),
    frozenset((ROE, TABLET)): (1, "Sanctions"),
}
CONFLICT = {
    frozenset((IRGC, USA)): (2, "Nuclear deal; Sanctions"),
    frozenset((IRGC, ROE)): (1, "Sanctions"),
    frozenset((IRGC, TABLET)): (1, "Sanctions"),
}
SPEAKERS = {USA, IRGC, IRAN, ROE, TABLET, US_OFFICIAL, UNNAMED}


@pytest.fixture
def debate(alice, bob) -> dict:
    tablet = Source.objects.create(name="Tablet")
    usa = make_term("usa", "United States", code="USA")
    iran = make_term("iran", "Iran", code="IRN")
    irgc = make_term("irgc", "Islamic Revolutionary Guard Corps", code="IRNMIL")
    sanctions = make_term("sanctions", "Sanctions", kind="event", code="163")
    deal = make_term("nuclear-deal", "Nuclear deal", kind="event")
    body = "Washington and Tehran traded threats over sanctions and the nuclear deal."
    signed = make_article("Signed", body, tablet, date(2020, 1, 3))
    signed.authors = "Jane Roe"
    signed.save()
    unsigned = make_article("Unsigned", body + " Again.", tablet, date(2020, 1, 4))
    a = make_span(signed, "traded threats", alice)
    b = make_span(unsigned, "over sanctions", bob)
    claims = [
        make_claim(a, alice, speaker=usa, target=iran, stance="opposed"),
        make_claim(b, bob, speaker=usa, target=iran, stance="opposed"),
        make_claim(a, alice, speaker=usa, target=sanctions, stance="supportive"),
        make_claim(a, alice, speaker=usa, target=deal, stance="opposed"),
        make_claim(a, alice, speaker=usa, stance="opposed"),  # no target: no edge
        make_claim(a, alice, speaker=irgc, target=usa, stance="opposed"),
        make_claim(b, bob, speaker=irgc, target=sanctions, stance="opposed"),
        make_claim(b, bob, speaker=irgc, target=deal, stance="supportive"),
        make_claim(a, alice, target=iran, stance="opposed"),  # the author: Jane Roe
        make_claim(a, bob, target=sanctions, stance="supportive"),  # Jane Roe again
        make_claim(b, bob, target=sanctions, stance="supportive"),  # no by-line: the outlet
        make_claim(
            b, bob, unnamed_speaker="a senior US official", speaker_group=usa, target=iran, stance="opposed"
        ),
        make_claim(b, bob, unnamed_speaker="diplomats", target=iran, stance="neutral"),
        make_claim(a, alice, speaker=iran, target=usa, stance="mixed"),
        make_claim(b, bob, speaker=iran, target=sanctions),
    ]
    deleted = make_claim(a, alice, speaker=irgc, target=iran, stance="supportive")
    Claim.objects.filter(pk=deleted.pk).update(deleted_at=deleted.created_at)
    return {"claims": claims, "usa": usa}


def parse(text: str, fmt: str) -> nx.Graph:
    if fmt == "graphml":
        return nx.read_graphml(io.BytesIO(text.encode("utf-8")))
    if fmt == "gexf":
        return nx.read_gexf(io.BytesIO(text.encode("utf-8")))
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    graph = nx.DiGraph() if rows and rows[0]["type"] == "Directed" else nx.Graph()
    for row in rows:
        graph.add_edge(
            row["source"],
            row["target"],
            **{k: v for k, v in row.items() if k not in ("source", "target")},
        )
    return graph


def export(mode: str, fmt: str, claims=None) -> str:
    return "".join(write_network(build_network(claims or Claim.objects.live(), mode), fmt))


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_two_mode_links_speakers_to_targets_weighted_by_claims_with_stance_counts(debate, fmt):
    graph = parse(export("two-mode", fmt), fmt)
    assert graph.is_directed()
    assert {(s, t) for s, t in graph.edges} == set(TWO_MODE)
    for (source, target), (weight, stances) in TWO_MODE.items():
        data = graph.edges[source, target]
        assert int(data["weight"]) == weight
        for stance in ("supportive", "opposed", "neutral", "mixed", "uncoded"):
            assert int(data[stance]) == stances.get(stance, 0), (source, target, stance)
    if fmt != "csv":
        assert set(graph.nodes) == SPEAKERS | {SANCTIONS, DEAL}
        assert graph.nodes[USA]["label"] == "United States" and graph.nodes[USA]["kind"] == "actor"
        assert graph.nodes[USA]["code"] == "USA"
        assert int(graph.nodes[USA]["claims"]) == 5 and int(graph.nodes[USA]["targeted"]) == 2
        assert graph.nodes[USA]["role"] == "speaker and target"
        assert graph.nodes[SANCTIONS]["role"] == "target" and graph.nodes[SANCTIONS]["kind"] == "event"
        assert graph.nodes[ROE]["label"] == "Jane Roe" and graph.nodes[ROE]["kind"] == "author"
        assert graph.nodes[TABLET]["label"] == "Tablet"
        assert graph.nodes[US_OFFICIAL]["label"] == "Unnamed (United States)"
        assert graph.nodes[US_OFFICIAL]["kind"] == "unnamed" and graph.nodes[US_OFFICIAL]["code"] == "USA"
        assert graph.nodes[UNNAMED]["label"] == "Unnamed sources"
        assert graph.nodes[DEAL]["code"] == ""
    else:
        edge = graph.edges[USA, IRAN]
        assert (edge["source_label"], edge["target_label"], edge["target_kind"]) == (
            "United States",
            "Iran",
            "actor",
        )


@pytest.mark.parametrize("fmt", list(FORMATS))
@pytest.mark.parametrize("mode, expected", [("congruence", CONGRUENCE), ("conflict", CONFLICT)])
def test_one_mode_networks_count_targets_of_the_same_or_opposite_stance(debate, fmt, mode, expected):
    graph = parse(export(mode, fmt), fmt)
    assert not graph.is_directed()
    assert {frozenset(edge) for edge in graph.edges} == set(expected)
    for pair, (weight, targets) in expected.items():
        data = graph.edges[tuple(pair)]
        assert int(data["weight"]) == weight and data["targets"] == targets
    if fmt != "csv":
        # Every speaker is a node, linked or not; targets are not nodes here.
        assert set(graph.nodes) == SPEAKERS
        assert graph.degree(UNNAMED) == 0  # neutral toward Iran: neither agreement nor conflict


def test_neutral_and_mixed_make_neither_agreement_nor_conflict(debate, alice):
    span = debate["claims"][0].span
    iran = debate["claims"][0].target
    make_claim(span, alice, speaker=debate["usa"], target=iran, stance="neutral")
    make_claim(span, alice, unnamed_speaker="diplomats", target=iran, stance="mixed")
    for mode, expected in (("congruence", CONGRUENCE), ("conflict", CONFLICT)):
        graph = build_network(Claim.objects.live(), mode)
        assert {frozenset(edge) for edge in graph.edges} == set(expected)


def test_graphml_has_only_typed_scalar_values_for_gephi(debate):
    text = export("two-mode", "graphml")
    root = ElementTree.fromstring(text.encode())
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    keys = {key.get("id"): key for key in root.findall("g:key", ns)}
    names = {(key.get("for"), key.get("attr.name")): key.get("attr.type") for key in keys.values()}
    assert names[("node", "label")] == "string" and names[("node", "kind")] == "string"
    assert names[("node", "code")] == "string" and names[("edge", "weight")] in ("int", "long")
    values = [data.text or "" for data in root.iter("{http://graphml.graphdrawing.org/xmlns}data")]
    assert "None" not in values and not any(v.startswith("[") for v in values)
    # Every node carries every node attribute, so a reader never meets a missing value.
    nodes = root.findall("g:graph/g:node", ns)
    assert all(
        len(node.findall("g:data", ns)) == len([k for k in keys.values() if k.get("for") == "node"])
        for node in nodes
    )


def test_filters_narrow_the_network(debate):
    graph = build_network(Claim.objects.live().spoken_by(author=True), "two-mode")
    assert set(graph.edges) == {(ROE, IRAN), (ROE, SANCTIONS), (TABLET, SANCTIONS)}


def test_an_empty_set_is_an_empty_but_valid_graph(db):
    for mode in MODES:
        assert parse(export(mode, "graphml"), "graphml").number_of_nodes() == 0
        assert parse(export(mode, "gexf"), "gexf").number_of_nodes() == 0


# --- The download and the command ---------------------------------------------------------------------------


def test_claims_view_offers_the_network_download_with_the_filter(alice_client, debate):
    html = alice_client.get(LIST, {"view": "claims", "stance": "opposed"}).content.decode()
    assert f'action="{NETWORK}"' in html
    assert '<input type="hidden" name="stance" value="opposed">' in html
    assert '<option value="conflict">' in html and '<option value="gexf">' in html


def test_network_download_follows_the_filter(alice_client, debate):
    response = alice_client.get(NETWORK, {"mode": "two-mode", "format": "graphml", "speaker": "author"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/graphml+xml")
    assert response["Content-Disposition"].endswith('-network-two-mode.graphml"')
    graph = parse(response.content.decode(), "graphml")
    assert set(graph.edges) == {(ROE, IRAN), (ROE, SANCTIONS), (TABLET, SANCTIONS)}


def test_network_download_of_a_saved_claims_set(alice_client, debate, alice):
    saved = SavedSet.objects.create(owner=alice, name="IRGC", query="view=claims&speaker=irgc")
    response = alice_client.get(NETWORK, {"mode": "two-mode", "format": "csv", "set": saved.pk})
    assert response["Content-Disposition"].startswith('attachment; filename="marginalia-irgc-')
    graph = parse(response.content.decode(), "csv")
    assert set(graph.edges) == {(IRGC, USA), (IRGC, SANCTIONS), (IRGC, DEAL)}
    html = alice_client.get(LIST).content.decode()
    assert f"{NETWORK}?mode=two-mode&amp;format=graphml&amp;set={saved.pk}" in html


@pytest.mark.parametrize(
    "params, message",
    [
        (
            {"mode": "three-mode"},
            "mode: “three-mode” is not a network mode; use two-mode, congruence, conflict.",
        ),
        ({"format": "pajek"}, "format: “pajek” is not a network format; use graphml, gexf, csv."),
        ({"stance": "angry"}, "stance: “angry” is not a stance"),
    ],
)
def test_network_download_refuses_bad_values_naming_them(alice_client, debate, params, message):
    response = alice_client.get(NETWORK, params)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_network_of_a_passages_set_is_refused(alice_client, debate, alice):
    saved = SavedSet.objects.create(owner=alice, name="Passages", query="term=usa")
    response = alice_client.get(NETWORK, {"set": saved.pk})
    assert response.status_code == 400 and "selects passages" in response.content.decode()
    assert alice_client.get(NETWORK, {"set": "nope"}).status_code == 404


def test_network_download_needs_login(client, debate):
    assert client.get(NETWORK).status_code == 302


@pytest.mark.parametrize("mode", list(MODES))
@pytest.mark.parametrize("fmt", list(FORMATS))
def test_export_network_command_writes_each_mode_and_format(debate, tmp_path, mode, fmt):
    out = tmp_path / f"network.{fmt}"
    call_command("export_network", "--mode", mode, "--format", fmt, "--output", str(out))
    graph = parse(out.read_text(encoding="utf-8"), fmt)
    expected = {"two-mode": TWO_MODE, "congruence": CONGRUENCE, "conflict": CONFLICT}[mode]
    found = set(graph.edges) if mode == "two-mode" else {frozenset(e) for e in graph.edges}
    assert found == set(expected)


def test_export_network_command_takes_the_claims_filters_and_sets(debate, tmp_path, alice):
    out = tmp_path / "n.graphml"
    call_command("export_network", "--speaker", "irgc", "--stance", "opposed", "--output", str(out))
    assert set(nx.read_graphml(out).edges) == {(IRGC, USA), (IRGC, SANCTIONS)}
    SavedSet.objects.create(owner=alice, name="Authors", query="view=claims&speaker=author")
    call_command("export_network", "--set", "Authors", "--mode", "congruence", "--output", str(out))
    assert {frozenset(e) for e in nx.read_graphml(out).edges} == {frozenset((ROE, TABLET))}
    with pytest.raises(CommandError, match="Bad filter: target: No term with id “atlantis”"):
        call_command("export_network", "--target", "atlantis")
