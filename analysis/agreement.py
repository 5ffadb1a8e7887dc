"""How far analysts agree: passages, the tags on them, and each claim field, between every pair of
analysts who coded a scope (analysis/scope.py), and overall.

Figures (each a `Figure`, one row of the report):
- passages, matched by exact offsets and by overlap (analysis/matching.py): precision, recall and F1
  of analyst A against analyst B as reference (P = matched / A's passages, R = matched / B's passages,
  F1 = 2·matched / (A's + B's)), overall and per term (a passage counts for a term when it carries that
  term in any role; a matched pair counts when both carry it);
- tags on overlap-matched passages: Krippendorff's alpha (nominal) of the term and of the role of each
  aligned tag slot;
- claims on overlap-matched passages: how many pair up, and alpha (nominal) per field over the claim
  pairs where both analysts coded the field (the figure's `units`); a confusion table per field.
  A speaker is compared as the actor, "the author", or "an unnamed source of <actor>" (the wording of an
  unnamed source is not compared).
Alpha is computed by the `krippendorff` package. With three or more analysts, the overall rows pool
the pairs (each pair's units, side by side); with two, the pair is the overall figure.

Reads are set-based: the scope's passages, their tags and their claims in three queries, whatever the
number of articles. The adjudicated passages (the leads' settled copies) are never compared.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import combinations
from urllib.parse import urlencode

import krippendorff
import numpy as np
from django.contrib.auth import get_user_model

from analysis.matching import (
    CLAIM_FIELDS,
    NONE,
    ClaimCoding,
    Passage,
    claim_pairs,
    match_exact,
    match_overlap,
    tag_slots,
)
from analysis.scope import Scope
from annotations.models import Claim, Span, Tag, Term

ALL = "*"


def alpha_of(rows: Sequence[Sequence[object | None]]) -> float | None:
    """Krippendorff's alpha (nominal) of a coders × units matrix of any values, None for missing.
    None when it is undefined: fewer than two values in all, or no unit coded twice."""
    values = sorted({value for row in rows for value in row if value is not None}, key=str)
    if len(values) < 2:
        return None
    code = {value: float(i) for i, value in enumerate(values)}
    data = np.array([[np.nan if v is None else code[v] for v in row] for row in rows], dtype=float)
    try:
        return float(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"))
    except ValueError:  # no unit with two values
        return None


@dataclass
class Figure:
    section: str  # passages | tags | claims
    measure: str  # exact | overlap (passages); term | role (tags); matched | <field> (claims)
    coder_a: str
    coder_b: str
    term_id: int | None = None
    term: str = ""
    a_count: int | None = None
    b_count: int | None = None
    matched: int | None = None
    units: int | None = None
    alpha: float | None = None
    agreement: float | None = None

    @property
    def precision(self) -> float | None:
        return self.matched / self.a_count if self.a_count else None

    @property
    def recall(self) -> float | None:
        return self.matched / self.b_count if self.b_count else None

    @property
    def f1(self) -> float | None:
        total = (self.a_count or 0) + (self.b_count or 0)
        return 2 * self.matched / total if self.matched is not None and total else None

    @property
    def key(self) -> tuple:
        return (self.section, self.measure, self.coder_a, self.coder_b, self.term_id)

    @property
    def query(self) -> str:
        """The disagreements page's parameters for this figure (the scope's are added to them)."""
        params = {"section": self.section, "measure": self.measure, "a": self.coder_a, "b": self.coder_b}
        if self.term_id is not None:
            params["term"] = self.term_id
        return urlencode(params)


@dataclass
class Disagreement:
    """One unit behind a figure where the two analysts differ, side by side."""

    article_id: int
    coder_a: str
    coder_b: str
    a: Passage | None
    b: Passage | None
    a_value: str = ""
    b_value: str = ""
    quotes: dict = field(default_factory=dict)


@dataclass
class Report:
    scope: Scope
    coders: list[str]
    figures: list[Figure]
    confusion: dict[tuple[str, str, str], Counter]
    disagreements: list[Disagreement]
    term_labels: dict[int, str]
    unit_count: int

    @property
    def passage_figures(self) -> list[Figure]:
        return [f for f in self.figures if f.section == "passages" and f.term_id is None]

    @property
    def term_figures(self) -> list[Figure]:
        return [f for f in self.figures if f.section == "passages" and f.term_id is not None]

    @property
    def tag_figures(self) -> list[Figure]:
        return [f for f in self.figures if f.section == "tags"]

    @property
    def claim_figures(self) -> list[Figure]:
        return [f for f in self.figures if f.section == "claims"]


@dataclass
class PairTally:
    """Everything one pair of analysts' comparison counts, across the articles of the scope."""

    coder_a: str
    coder_b: str
    counts: Counter = field(default_factory=Counter)  # (matching, term or None, "a"|"b"|"m") -> n
    term_slots: list = field(default_factory=list)
    role_slots: list = field(default_factory=list)
    claim_counts: Counter = field(default_factory=Counter)
    claim_values: dict = field(default_factory=lambda: defaultdict(list))

    def merge(self, other: PairTally) -> None:
        self.counts += other.counts
        self.term_slots += other.term_slots
        self.role_slots += other.role_slots
        self.claim_counts += other.claim_counts
        for name, values in other.claim_values.items():
            self.claim_values[name] += values


class Comparison:
    def __init__(self, scope: Scope, *, viewer=None, want: tuple | None = None) -> None:
        self.scope, self.viewer, self.want = scope, viewer, want
        self.disagreements: list[Disagreement] = []

    def run(self) -> Report:
        by_article, usernames = self._load()
        coder_ids = sorted(
            {coder for coders in by_article.values() for coder in coders}
            | {user.pk for user in self.scope.coders or []},
            key=lambda pk: usernames[pk],
        )
        tallies = []
        for a, b in combinations(coder_ids, 2):
            tally = PairTally(usernames[a], usernames[b])
            for article_id in sorted(by_article):
                coded = by_article[article_id]
                if a in coded or b in coded:
                    self._compare(tally, coded.get(a, []), coded.get(b, []))
            tallies.append(tally)
        if len(tallies) > 1:
            pooled = PairTally(ALL, ALL)
            for tally in tallies:
                pooled.merge(tally)
            tallies.append(pooled)
        figures, confusion = [], {}
        for tally in tallies:
            figures += self._figures(tally)
            for name in CLAIM_FIELDS:
                confusion[(tally.coder_a, tally.coder_b, name)] = Counter(
                    (va or "—", vb or "—") for va, vb in tally.claim_values[name] if va or vb
                )
        self._attach_quotes()
        return Report(
            self.scope,
            [usernames[pk] for pk in coder_ids],
            figures,
            confusion,
            self.disagreements,
            self.term_labels,
            sum(len(p) for coded in by_article.values() for p in coded.values()),
        )

    # --- reading -------------------------------------------------------------------------------

    def _load(self) -> tuple[dict[int, dict[int, list[Passage]]], dict[int, str]]:
        spans = Span.objects.live().coded().filter(article__in=self.scope.articles.values("pk"))
        if self.scope.coders is not None:
            spans = spans.filter(created_by__in=[user.pk for user in self.scope.coders])
        if self.viewer is not None:
            spans = spans.visible_to(self.viewer)
        passages = {
            pk: Passage(pk, article_id, start, end, coder)
            for pk, article_id, start, end, coder in spans.values_list(
                "pk", "article_id", "start", "end", "created_by_id"
            ).order_by()
        }
        term_ids = set()
        for span_id, term_id, role in (
            Tag.objects.filter(span__in=spans.values("pk"))
            .order_by("pk")
            .values_list("span_id", "term_id", "role")
        ):
            passages[span_id].tags.append((term_id, role))
            term_ids.add(term_id)
        claim_columns = (
            "pk",
            "span_id",
            "speaker_kind",
            "speaker_id",
            "speaker_group_id",
            *CLAIM_FIELDS[1:5],
        )
        claim_columns += ("target_id", "certainty", "event_modality")
        claims = Claim.objects.filter(span__in=spans.values("pk"), deleted_at__isnull=True)
        if self.viewer is not None:
            claims = claims.visible_to(self.viewer)  # a claim is its coder's too, not only its passage's
        for row in claims.order_by("pk").values_list(*claim_columns):
            (
                pk,
                span_id,
                kind,
                speaker,
                group,
                role,
                attribution,
                claim_type,
                stance,
                target,
                certainty,
                modality,
            ) = row
            term_ids |= {speaker, group, target} - {None}
            values = {
                "speaker": speaker_key(kind, speaker, group),
                "speaker_role": role or None,
                "attribution_type": attribution or None,
                "claim_type": claim_type or None,
                "stance": stance or None,
                "target": str(target) if target else None,
                "certainty": certainty or None,
                "event_modality": modality or None,
            }
            passages[span_id].claims.append(ClaimCoding(pk, values))
        self.term_labels = dict(Term.objects.filter(pk__in=term_ids).values_list("pk", "label"))
        by_article: dict[int, dict[int, list[Passage]]] = defaultdict(lambda: defaultdict(list))
        for passage in passages.values():
            by_article[passage.article_id][passage.coder].append(passage)
        User = get_user_model()
        coder_ids = {p.coder for p in passages.values()} | {u.pk for u in self.scope.coders or []}
        usernames = dict(User.objects.filter(pk__in=coder_ids).values_list("pk", User.USERNAME_FIELD))
        return by_article, usernames

    # --- comparing one article --------------------------------------------------------------------

    def _wanted(self, tally: PairTally, section: str, measure: str, term_id: int | None = None) -> bool:
        """Is this the figure whose disagreements were asked for? ALL as the analysts: any pair."""
        if self.want is None:
            return False
        w_section, w_measure, w_a, w_b, w_term = self.want
        pair = (w_a, w_b) == (ALL, ALL) or (w_a, w_b) == (tally.coder_a, tally.coder_b)
        return pair and (w_section, w_measure, w_term) == (section, measure, term_id)

    def _add(self, tally: PairTally, article_id: int, x, y, va: str, vb: str) -> None:
        self.disagreements.append(Disagreement(article_id, tally.coder_a, tally.coder_b, x, y, va, vb))

    def _compare(self, tally: PairTally, a: list[Passage], b: list[Passage]) -> None:
        counts = tally.counts
        for matching, match in (("exact", match_exact), ("overlap", match_overlap)):
            pairs = match(a, b)
            counts[(matching, None, "a")] += len(a)
            counts[(matching, None, "b")] += len(b)
            counts[(matching, None, "m")] += len(pairs)
            partner_a = {x.pk: y for x, y in pairs}
            partner_b = {y.pk: x for x, y in pairs}
            for passage in a:
                for term_id in passage.term_ids():
                    counts[(matching, term_id, "a")] += 1
            for passage in b:
                for term_id in passage.term_ids():
                    counts[(matching, term_id, "b")] += 1
            for x, y in pairs:
                for term_id in x.term_ids() & y.term_ids():
                    counts[(matching, term_id, "m")] += 1
            if self.want and self._wanted(tally, "passages", matching, self.want[4]):
                self._passage_disagreements(tally, a, b, partner_a, partner_b, self.want[4])
        for x, y in pairs:  # the overlap matching
            for slot_a, slot_b in tag_slots(x.tags, y.tags):
                term = (
                    self.term_label(slot_a[0]) if slot_a else NONE,
                    self.term_label(slot_b[0]) if slot_b else NONE,
                )
                role = (slot_a[1] if slot_a else NONE, slot_b[1] if slot_b else NONE)
                tally.term_slots.append(term)
                tally.role_slots.append(role)
                for measure, (va, vb) in (("term", term), ("role", role)):
                    if va != vb and self._wanted(tally, "tags", measure):
                        self._add(tally, x.article_id, x, y, va, vb)
            paired, only_a, only_b = claim_pairs(x.claims, y.claims)
            tally.claim_counts["a"] += len(x.claims)
            tally.claim_counts["b"] += len(y.claims)
            tally.claim_counts["m"] += len(paired)
            if self._wanted(tally, "claims", "matched"):
                for claim in only_a:
                    self._add(tally, x.article_id, x, y, self.claim_label(claim), "—")
                for claim in only_b:
                    self._add(tally, x.article_id, x, y, "—", self.claim_label(claim))
            for ca, cb in paired:
                for name in CLAIM_FIELDS:
                    va, vb = self.value_label(name, ca.values[name]), self.value_label(name, cb.values[name])
                    tally.claim_values[name].append((va, vb))
                    if va != vb and self._wanted(tally, "claims", name):
                        self._add(tally, x.article_id, x, y, va or "—", vb or "—")
        matched_a = {x.pk for x, _ in pairs}
        matched_b = {y.pk for _, y in pairs}
        for passage in a:
            if passage.pk not in matched_a:
                tally.claim_counts["a"] += len(passage.claims)
        for passage in b:
            if passage.pk not in matched_b:
                tally.claim_counts["b"] += len(passage.claims)

    def _passage_disagreements(self, tally, a, b, partner_a, partner_b, term_id) -> None:
        def carries(passage: Passage | None) -> bool:
            return passage is not None and (term_id is None or term_id in passage.term_ids())

        for x in a:
            y = partner_a.get(x.pk)
            if carries(x) and not (y is not None and carries(y)):
                self._add(tally, x.article_id, x, y, self.tags_label(x), self.tags_label(y))
        for y in b:
            x = partner_b.get(y.pk)
            if carries(y) and x is None:
                self._add(tally, y.article_id, None, y, "", self.tags_label(y))
            elif carries(y) and not carries(x):
                self._add(tally, y.article_id, x, y, self.tags_label(x), self.tags_label(y))

    # --- figures ---------------------------------------------------------------------------------

    def _figures(self, tally: PairTally) -> list[Figure]:
        a, b = tally.coder_a, tally.coder_b
        figures = []
        for matching in ("exact", "overlap"):
            counts = tally.counts
            figures.append(
                Figure("passages", matching, a, b, None, "", counts[(matching, None, "a")],
                       counts[(matching, None, "b")], counts[(matching, None, "m")])
            )  # fmt: skip
            term_ids = {key[1] for key in counts if key[0] == matching and key[1] is not None}
            for term_id in sorted(term_ids, key=lambda pk: self.term_label(pk).casefold()):
                figures.append(
                    Figure("passages", matching, a, b, term_id, self.term_label(term_id),
                           counts[(matching, term_id, "a")], counts[(matching, term_id, "b")],
                           counts[(matching, term_id, "m")])
                )  # fmt: skip
        for measure, slots in (("term", tally.term_slots), ("role", tally.role_slots)):
            figures.append(self._alpha_figure("tags", measure, a, b, slots))
        claims = tally.claim_counts
        figures.append(Figure("claims", "matched", a, b, None, "", claims["a"], claims["b"], claims["m"]))
        for name in CLAIM_FIELDS:
            figures.append(self._alpha_figure("claims", name, a, b, tally.claim_values[name]))
        return figures

    @staticmethod
    def _alpha_figure(section: str, measure: str, a: str, b: str, values: list) -> Figure:
        pairable = [(x, y) for x, y in values if x is not None and y is not None]
        agreement = sum(x == y for x, y in pairable) / len(pairable) if pairable else None
        alpha = alpha_of([[x for x, _ in pairable], [y for _, y in pairable]]) if pairable else None
        return Figure(section, measure, a, b, units=len(pairable), alpha=alpha, agreement=agreement)

    # --- labels ----------------------------------------------------------------------------------

    def term_label(self, term_id: int | None) -> str:
        return self.term_labels.get(term_id, f"term {term_id}") if term_id is not None else NONE

    def tags_label(self, passage: Passage | None) -> str:
        if passage is None:
            return ""
        return "; ".join(f"{self.term_label(term)} ({role})" for term, role in passage.tags) or "(no tags)"

    def value_label(self, name: str, value: str | None) -> str | None:
        if value is None:
            return None
        if name == "target":
            return self.term_label(int(value))
        if name == "speaker":
            kind, _, pk = value.partition(":")
            if kind == "actor":
                return self.term_label(int(pk))
            if kind == "unnamed":
                return f"unnamed source ({self.term_label(int(pk))})" if pk else "unnamed source"
            return "the author"
        return value

    def claim_label(self, claim: ClaimCoding) -> str:
        speaker = self.value_label("speaker", claim.values["speaker"])
        stance = claim.values["stance"] or "?"
        target = self.value_label("target", claim.values["target"]) or "?"
        return f"{speaker} → {stance} → {target}"

    def _attach_quotes(self) -> None:
        ids = {p.pk for d in self.disagreements for p in (d.a, d.b) if p is not None}
        if not ids:
            return
        quotes = dict(Span.objects.filter(pk__in=ids).values_list("pk", "quote"))
        titles = dict(
            self.scope.articles.model.objects.filter(
                pk__in={d.article_id for d in self.disagreements}
            ).values_list("pk", "title")
        )
        for d in self.disagreements:
            d.quotes = {
                "a": quotes.get(d.a.pk, "") if d.a else "",
                "b": quotes.get(d.b.pk, "") if d.b else "",
            }
            d.quotes["title"] = titles.get(d.article_id, "")


def speaker_key(kind: str, speaker_id: int | None, group_id: int | None) -> str:
    if kind == "actor":
        return f"actor:{speaker_id}"
    if kind == "unnamed":
        return f"unnamed:{group_id or ''}"
    return "author"


def agreement(scope: Scope, *, viewer=None, want: tuple | None = None) -> Report:
    """The agreement report for a scope. viewer: only what they may see (None: everything, as the
    command sees it). want: a figure's key, to collect the disagreements behind it."""
    return Comparison(scope, viewer=viewer, want=want).run()
