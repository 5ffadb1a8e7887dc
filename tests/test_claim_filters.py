"""The Claims view's filter (annotations/filters_claims.py): every claim field, child terms, the passages
view's parameters read for claims, combinations, and bad values named."""

from __future__ import annotations

import pytest

from annotations.filters import InvalidFilter, SpanFilterForm
from annotations.filters_claims import ClaimFilterForm, filter_claims, filter_form_for
from tests.annotated_world import build_world, make_term
from tests.claim_helpers import build_claims, make_claim


def build_cast(alice, bob):
    """Built once for the module's tests (tests/conftest.py `cast`)."""
    return build_world(alice, bob)


@pytest.fixture
def world(cast):
    return cast.world


@pytest.fixture
def claims(world, alice, bob):
    return build_claims(world, alice, bob)


def ids(params, **kwargs) -> set[int]:
    return set(filter_claims(params, **kwargs).values_list("pk", flat=True))


def test_no_filter_gives_every_live_claim_on_a_live_passage(claims):
    assert ids({}) == claims.live
    assert claims.deleted.pk not in ids({}) and claims.on_deleted_passage.pk not in ids({"speaker": "irgc"})


def test_speaker_actor_includes_narrower_actors(world, claims):
    assert ids({"speaker": "usa"}) == {claims.usa_on_soleimani.pk}
    # The Quds Force is part of the IRGC: its claim is an IRGC claim.
    assert ids({"speaker": "irgc"}) == {claims.quds_threat.pk}
    assert ids({"speaker": "quds-force"}) == {claims.quds_threat.pk}


def test_speaker_author_and_unnamed_sources(world, claims):
    assert ids({"speaker": "author"}) == {claims.author_on_strike.pk}
    assert ids({"speaker": "unnamed"}) == {claims.us_official.pk, claims.iraqi_sources.pk}
    assert ids({"speaker": "unnamed:usa"}) == {claims.us_official.pk}
    assert ids({"speaker": "unnamed:irgc"}) == set()


def test_unnamed_group_includes_narrower_actors(world, claims, bob):
    of_quds = make_claim(
        world.untagged, bob, unnamed_speaker="a Quds Force officer", speaker_group=world.quds_force
    )
    assert ids({"speaker": "unnamed:irgc"}) == {of_quds.pk}


def test_repeated_speaker_matches_any_of_them(claims):
    assert ids({"speaker": ["usa", "author"]}) == {claims.usa_on_soleimani.pk, claims.author_on_strike.pk}


@pytest.mark.parametrize(
    "param, value, expected",
    [
        ("speaker_role", "named_official", ["usa_on_soleimani"]),
        ("speaker_role", "unnamed_official", ["us_official"]),
        ("attribution", "direct_quote", ["usa_on_soleimani"]),
        ("attribution", "author_assertion", ["author_on_strike"]),
        ("claim_type", "threat", ["quds_threat"]),
        ("claim_type", "prediction", ["us_official"]),
        ("stance", "opposed", ["usa_on_soleimani", "quds_threat"]),
        ("stance", "supportive", ["author_on_strike"]),
        ("stance", "neutral", ["us_official"]),
        ("stance", "mixed", []),
        ("certainty", "probable", ["quds_threat"]),
        ("certainty", "alleged_reported", ["us_official"]),
        ("modality", "future", ["quds_threat"]),
        ("modality", "hypothetical", ["us_official"]),
        ("evidence", "official_document", ["author_on_strike"]),
        ("evidence", "none", ["quds_threat"]),
        ("contested", "yes", ["usa_on_soleimani", "us_official"]),
        ("contested", "no", ["quds_threat", "author_on_strike", "iraqi_sources"]),
    ],
)
def test_each_claim_field_filters(claims, param, value, expected):
    assert ids({param: value}) == {getattr(claims, name).pk for name in expected}


def test_repeated_field_value_matches_any(claims):
    assert ids({"stance": ["supportive", "neutral"]}) == {claims.author_on_strike.pk, claims.us_official.pk}


def test_blank_values_as_the_screens_form_sends_them_mean_any(claims):
    every = {
        name: "" for name in ("speaker", "speaker_role", "attribution", "claim_type", "stance", "target")
    }
    every |= {"certainty": "", "modality": "", "evidence": "", "contested": ""}
    assert ids(every) == claims.live
    assert ids({**every, "stance": ["", "opposed"]}) == {claims.usa_on_soleimani.pk, claims.quds_threat.pk}


def test_target_includes_narrower_terms(world, claims):
    assert ids({"target": "qasem-soleimani"}) == {claims.usa_on_soleimani.pk}
    # The air/drone strike is a kind of use of force.
    assert ids({"target": "use-of-force"}) == {claims.author_on_strike.pk}
    assert ids({"target": "irgc"}) == {claims.us_official.pk}
    unit = make_term("unit-400", "Unit 400", parent=world.quds_force)
    aimed = make_claim(world.us_kills, world.us_kills.created_by, speaker=world.usa, target=unit)
    assert ids({"target": "irgc"}) == {claims.us_official.pk, aimed.pk}


def test_passage_parameters_are_read_for_claims(world, claims):
    assert ids({"article": str(world.killing.pk)}) == {claims.usa_on_soleimani.pk, claims.author_on_strike.pk}
    assert ids({"source": "tablet"}) == {
        claims.quds_threat.pk,
        claims.us_official.pk,
        claims.iraqi_sources.pk,
    }
    assert ids({"published_from": "2020-01-10"}) == ids({"source": "tablet"})
    # The analyst is who coded the claim.
    assert ids({"analyst": "bob"}) == {
        claims.author_on_strike.pk,
        claims.us_official.pk,
        claims.iraqi_sources.pk,
    }
    # term, role, kind ask for a tag on the claim's passage (narrower terms included).
    assert ids({"term": "irgc"}) == {claims.quds_threat.pk, claims.author_on_strike.pk}
    assert ids({"role": "agent"}) == {claims.usa_on_soleimani.pk}
    assert ids({"kind": "event"}) == {claims.usa_on_soleimani.pk}
    # Created dates are the claim's.
    assert ids({"created_from": "2020-03-05", "created_to": "2020-03-10"}) == {
        claims.quds_threat.pk,
        claims.author_on_strike.pk,
    }


def test_text_is_found_in_the_quote_a_note_or_an_unnamed_speaker(world, claims):
    assert ids({"q": "vowed revenge"}) == {claims.quds_threat.pk}
    assert ids({"q": "elite unit"}) == {claims.author_on_strike.pk}  # bob's note on the passage
    assert ids({"q": "senior us"}) == {claims.us_official.pk}
    assert ids({"q": "secret plans"}) == set()  # a deleted note


def test_filters_combine(world, claims):
    assert ids({"stance": "opposed", "target": "usa"}) == {claims.quds_threat.pk}
    assert ids({"stance": "opposed", "speaker": "irgc", "analyst": "bob"}) == set()
    assert ids({"source": "tablet", "contested": "yes", "speaker": "unnamed"}) == {claims.us_official.pk}


@pytest.mark.parametrize(
    "params, param, message",
    [
        (
            {"stance": "angry"},
            "stance",
            "“angry” is not a stance; use one of supportive, opposed, neutral, mixed.",
        ),
        ({"speaker": "nobody"}, "speaker", "No actor with id “nobody” in the vocabulary."),
        (
            {"speaker": "air-drone-strike"},
            "speaker",
            "“Air/drone strike” is an event type; a speaker is an actor.",
        ),
        ({"speaker": "unnamed:nobody"}, "speaker", "No actor with id “nobody” in the vocabulary."),
        ({"target": "hezbolah"}, "target", "No term with id “hezbolah” in the vocabulary."),
        ({"contested": "maybe"}, "contested", "“maybe” is not yes or no."),
        ({"certainty": "sure"}, "certainty", "“sure” is not a certainty; use one of asserted_certain"),
        ({"modality": "past"}, "modality", "“past” is not an event modality"),
        ({"claim_type": "rumour"}, "claim_type", "“rumour” is not a claim type"),
        ({"attribution": "hearsay"}, "attribution", "“hearsay” is not an attribution type"),
        ({"speaker_role": "king"}, "speaker_role", "“king” is not a speaker role"),
        ({"evidence": "vibes"}, "evidence", "“vibes” is not a kind of evidence"),
    ],
)
def test_bad_values_are_refused_naming_the_parameter(claims, params, param, message):
    with pytest.raises(InvalidFilter) as refused:
        filter_claims(params)
    assert param in refused.value.errors
    assert message in " ".join(refused.value.errors[param])
    assert f"{param}: " in str(refused.value)


def test_the_passages_view_refuses_claim_parameters_rather_than_ignoring_them(claims):
    form = SpanFilterForm({"stance": "opposed"})
    assert not form.is_valid()
    assert form.errors["stance"] == ["stance filters claims: add view=claims (the Claims view)."]


def test_view_picks_the_form_and_an_unknown_view_is_refused(claims):
    assert isinstance(filter_form_for({"view": "claims"}), ClaimFilterForm)
    assert type(filter_form_for({})) is SpanFilterForm
    unknown = filter_form_for({"view": "tables"})
    assert not unknown.is_valid()
    assert "“tables” is not a view; use passages or claims." in unknown.errors["view"]


def test_query_string_is_canonical_and_says_claims(claims, alice):
    form = ClaimFilterForm(
        {
            "stance": ["opposed", ""],
            "speaker": ["irgc", "author"],
            "q": "",
            "analyst": "me",
            "sort": "created",
        },
        user=alice,
    )
    assert form.query_string() == "view=claims&analyst=me&speaker=irgc&speaker=author&stance=opposed"
    assert (
        form.query_string(owner=alice)
        == "view=claims&analyst=alice&speaker=irgc&speaker=author&stance=opposed"
    )


def test_in_words(claims):
    form = ClaimFilterForm({"speaker": ["irgc", "unnamed:usa"], "stance": "opposed", "contested": "no"})
    assert form.in_words() == (
        "speaker Islamic Revolutionary Guard Corps or an unnamed source of United States · stance Opposed · "
        "not contested"
    )
    assert ClaimFilterForm({}).in_words() == "every claim"
