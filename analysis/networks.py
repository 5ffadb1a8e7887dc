"""Discourse networks from a claims set, as DNA (Discourse Network Analyzer) users know them, built with
networkx and written as GraphML, GEXF or an edge-list CSV.

Modes:
- two-mode: a directed edge speaker → target for each pair that some claim links, weighted by the number
  of claims; the stance counts (supportive, opposed, neutral, mixed, uncoded) are edge attributes.
  Claims without a target add no edge.
- congruence: speakers linked by the number of targets toward which both take the same stance;
- conflict: speakers linked by the number of targets toward which one is supportive and the other opposed.
  In both one-mode networks only supportive and opposed count: a neutral claim takes no side and a mixed
  one takes both, so they make neither agreement nor conflict. A speaker who was both supportive and
  opposed toward a target (two claims) agrees with both camps and conflicts with both. The edge's
  `targets` attribute lists the targets, "; "-joined. Every speaker of the set is a node, linked or not.

Nodes (ids are stable across exports, so graphs of two sets can be compared):
- a vocabulary term: `actor:<term id>` / `event:<term id>`, labelled with the term's label, its code kept;
- the article's author: `author:<by-line>` (the outlet's name when there is no by-line), one node per
  by-line, so a columnist is one node across their articles;
- an unnamed source: `unnamed:<term id>` labelled "Unnamed (<actor>)" when it belongs to an actor, else
  the single node `unnamed` labelled "Unnamed sources".
Every node carries label, kind (actor, event, author, unnamed), code, claims (spoken), targeted (claims
aimed at it) and role (speaker, target, or speaker and target); every value is a string or an integer,
never empty-valued None or a list, so Gephi and other GraphML readers take the file as it is.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import combinations, product

import networkx as nx
from django.db.models import QuerySet

from annotations.export.csvcells import csv_record, neutralise
from annotations.models import Claim, SpeakerKind, Stance, Term


@dataclass(frozen=True)
class Choice:
    label: str
    content_type: str = ""
    extension: str = ""


MODES: dict[str, Choice] = {
    "two-mode": Choice("Two-mode: speaker → target"),
    "congruence": Choice("Congruence: same stance"),
    "conflict": Choice("Conflict: opposite stances"),
}
FORMATS: dict[str, Choice] = {
    "graphml": Choice("GraphML", "application/graphml+xml; charset=utf-8", "graphml"),
    "gexf": Choice("GEXF (Gephi)", "application/gexf+xml; charset=utf-8", "gexf"),
    "csv": Choice("CSV edge list", "text/csv; charset=utf-8", "csv"),
}
STANCES = [*Stance.values, "uncoded"]
SIDES = (Stance.SUPPORTIVE, Stance.OPPOSED)


@dataclass(frozen=True)
class Node:
    id: str
    label: str
    kind: str
    code: str = ""


def _term_node(term: tuple[str, str, str, str]) -> Node:
    slug, label, code, kind = term
    return Node(f"{kind}:{slug}", label, kind, code)


class Nodes:
    """Turns claim rows into speaker and target nodes (see the module docstring)."""

    def __init__(self) -> None:
        self.terms = {
            pk: (slug, label, code, kind)
            for pk, slug, label, code, kind in Term.objects.values_list("pk", "slug", "label", "code", "kind")
        }

    def speaker(
        self, kind: str, speaker_id: int | None, group_id: int | None, authors: str, outlet: str
    ) -> Node:
        if kind == SpeakerKind.ACTOR:
            return _term_node(self.terms[speaker_id])
        if kind == SpeakerKind.AUTHOR:
            by_line = authors or outlet or "unknown author"
            return Node(f"author:{by_line}", by_line, "author")
        if group_id is not None:
            slug, label, code, _ = self.terms[group_id]
            return Node(f"unnamed:{slug}", f"Unnamed ({label})", "unnamed", code)
        return Node("unnamed", "Unnamed sources", "unnamed")

    def target(self, target_id: int) -> Node:
        return _term_node(self.terms[target_id])


def _claims(claims: QuerySet[Claim]) -> Iterator[tuple[Node, Node | None, str]]:
    """(speaker node, target node or None, stance) for each claim, read as plain rows."""
    nodes = Nodes()
    rows = claims.order_by().values_list(
        "speaker_kind", "speaker_id", "speaker_group_id", "article__authors", "article__source__name",
        "target_id", "stance",
    )  # fmt: skip
    for kind, speaker_id, group_id, authors, outlet, target_id, stance in rows.iterator(chunk_size=2000):
        speaker = nodes.speaker(kind, speaker_id, group_id, authors or "", outlet or "")
        yield speaker, (nodes.target(target_id) if target_id else None), stance


def _add_node(graph: nx.Graph, node: Node, *, spoke: int = 0, targeted: int = 0) -> None:
    if node.id not in graph:
        graph.add_node(
            node.id, label=node.label, kind=node.kind, code=node.code, claims=0, targeted=0, role=""
        )
    attributes = graph.nodes[node.id]
    attributes["claims"] += spoke
    attributes["targeted"] += targeted
    roles = [
        name
        for name, count in (("speaker", attributes["claims"]), ("target", attributes["targeted"]))
        if count
    ]
    attributes["role"] = " and ".join(roles)


def build_network(claims: QuerySet[Claim], mode: str) -> nx.Graph:
    """The network of `mode` (see the module docstring) from these (filtered, live) claims."""
    if mode not in MODES:
        raise ValueError(f"“{mode}” is not a network mode; use {', '.join(MODES)}.")
    if mode == "two-mode":
        return _two_mode(claims)
    return _one_mode(claims, congruence=mode == "congruence")


def _two_mode(claims: QuerySet[Claim]) -> nx.DiGraph:
    graph = nx.DiGraph(network="two-mode")
    edges: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for speaker, target, stance in _claims(claims):
        _add_node(graph, speaker, spoke=1)
        if target is None:
            continue
        _add_node(graph, target, targeted=1)
        edges[speaker.id, target.id][stance or "uncoded"] += 1
    for (source, target), stances in sorted(edges.items()):
        graph.add_edge(source, target, weight=sum(stances.values()), **{s: stances[s] for s in STANCES})
    return graph


def _one_mode(claims: QuerySet[Claim], *, congruence: bool) -> nx.Graph:
    graph = nx.Graph(network="congruence" if congruence else "conflict")
    # target id -> stance -> speakers taking it
    sides: dict[str, dict[str, set[str]]] = defaultdict(lambda: {side: set() for side in SIDES})
    labels: dict[str, str] = {}
    for speaker, target, stance in _claims(claims):
        _add_node(graph, speaker, spoke=1)
        if target is not None and stance in SIDES:
            sides[target.id][stance].add(speaker.id)
            labels[target.id] = target.label
    linked: dict[tuple[str, str], set[str]] = defaultdict(set)
    for target_id, by_stance in sides.items():
        if congruence:
            pairs = (pair for side in SIDES for pair in combinations(sorted(by_stance[side]), 2))
        else:
            pairs = (
                tuple(sorted((a, b)))
                for a, b in product(by_stance[Stance.SUPPORTIVE], by_stance[Stance.OPPOSED])
                if a != b
            )
        for pair in pairs:
            linked[pair].add(target_id)
    for (a, b), targets in sorted(linked.items()):
        graph.add_edge(a, b, weight=len(targets), targets="; ".join(sorted(labels[t] for t in targets)))
    return graph


# --- Writing ---------------------------------------------------------------------------------------------

NODE_COLUMNS = ("label", "kind", "code")


def _edge_csv(graph: nx.Graph) -> Iterator[str]:
    """One row per edge, Gephi's spreadsheet import names first (source, target, type, weight)."""
    two_mode = graph.graph.get("network") == "two-mode"
    extra = STANCES if two_mode else ["targets"]
    ends = [f"{end}_{column}" for end in ("source", "target") for column in NODE_COLUMNS]
    yield csv_record(["source", "target", "type", "weight", *extra, *ends])
    kind = "Directed" if graph.is_directed() else "Undirected"
    for source, target, data in graph.edges(data=True):
        cells = [neutralise(source), neutralise(target), kind, data["weight"]]
        cells += [data[name] if two_mode else neutralise(data[name]) for name in extra]
        for node in (source, target):
            cells += [neutralise(str(graph.nodes[node][column])) for column in NODE_COLUMNS]
        yield csv_record(cells)


def write_network(graph: nx.Graph, fmt: str) -> Iterator[str]:
    """The graph as text in `fmt` (graphml, gexf or csv), a piece at a time."""
    if fmt == "graphml":
        return (line + "\n" for line in nx.generate_graphml(graph))
    if fmt == "gexf":
        return (line + "\n" for line in nx.generate_gexf(graph))
    if fmt == "csv":
        return _edge_csv(graph)
    raise ValueError(f"“{fmt}” is not a network format; use {', '.join(FORMATS)}.")
