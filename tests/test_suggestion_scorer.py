"""The scorer of bench/suggestions.py (annotations/mentions/scoring.py) on a small fixture whose
precision and recall are known by hand, and the move of gold offsets onto a cleaned body."""

from __future__ import annotations

from annotations.mentions.scoring import Gold, Suggested, map_offsets, score

#            0         1         2         3         4         5
#            0123456789012345678901234567890123456789012345678901234
TEXT = "President Donald Trump said Tehran and the Iranians lied."
GOLD = [
    Gold(10, 22, "donald-trump", "name", "Donald Trump"),
    Gold(28, 34, "iran-government", "metonym", "Tehran"),
    Gold(43, 51, "iran", "group", "Iranians"),
    Gold(39, 51, "iran", "nominal", "the Iranians"),
    Gold(0, 9, "new:presidency", "name", "President"),
]
SUGGESTED = [
    Suggested(0, 22, "donald-trump", "certain", "name"),  # overlaps Donald Trump, not exactly
    Suggested(28, 34, "iran", "confirm", "metonym"),  # the wrong actor
    Suggested(43, 51, "iran", "confirm", "group"),  # exact
    Suggested(52, 56, "iran", "certain", "name"),  # nothing there: false
    Suggested(0, 9, None, "new", "name"),  # a new actor, scored apart
]


def test_recall_and_precision_by_exact_offsets_and_by_overlap():
    report = score(GOLD, SUGGESTED)
    # Four gold mentions of vocabulary actors; the new actor is scored apart.
    assert str(report.get("recall", "exact")) == "0.25 (1/4)"  # the Iranians, exactly
    assert (
        str(report.get("recall", "overlap")) == "0.75 (3/4)"
    )  # + Donald Trump, + the nominal "the Iranians"
    # Four certain or confirm suggestions: exactly right 1, overlapping the same actor 2.
    assert str(report.get("precision", "exact")) == "0.25 (1/4)"
    assert str(report.get("precision", "overlap")) == "0.50 (2/4)"


def test_figures_by_kind_of_mention_and_by_certainty():
    report = score(GOLD, SUGGESTED)
    assert str(report.get("recall", "overlap", "name")) == "1.00 (1/1)"
    assert str(report.get("recall", "overlap", "metonym")) == "0.00 (0/1)"
    assert str(report.get("recall", "overlap", "group")) == "1.00 (1/1)"
    assert str(report.get("recall", "overlap", "group", "certain")) == "0.00 (0/1)"  # found only as confirm
    assert str(report.get("precision", "overlap", "all", "certain")) == "0.50 (1/2)"
    assert str(report.get("precision", "overlap", "all", "confirm")) == "0.50 (1/2)"
    assert str(report.get("precision", "overlap", "nominal")) == "—"  # no suggestion of that kind


def test_misses_false_suggestions_and_new_actors_are_listed():
    report = score(GOLD, SUGGESTED)
    assert [g.text for g in report.misses] == ["Tehran"]
    assert [(s.start, s.actor) for s in report.false] == [(28, "iran"), (52, "iran")]
    assert (str(report.new_recall), str(report.new_precision)) == ("1.00 (1/1)", "1.00 (1/1)")


def test_gold_offsets_move_onto_the_cleaned_body_and_removed_text_is_reported():
    raw = "Site Name\n\nPhotos: Reuters\n\nTehran said Iran lied."
    stored = "Tehran said Iran lied."
    gold = [
        Gold(28, 34, "iran-government", "metonym", "Tehran"),
        Gold(40, 44, "iran", "name", "Iran"),
        Gold(19, 26, "new:reuters", "name", "Reuters"),
    ]
    moved, lost = map_offsets(raw, stored, gold)
    assert [(g.start, g.end, stored[g.start : g.end]) for g in moved] == [(0, 6, "Tehran"), (12, 16, "Iran")]
    assert [g.text for g in lost] == ["Reuters"]
