"""The suggestion rules (annotations/mentions/), each on sentences that are not from the demo
articles, with a small vocabulary of another conflict compiled without a database."""

from __future__ import annotations

import pytest

from annotations.mentions.index import AliasRow, TermRow, build_index
from annotations.mentions.rules import find_mentions

TERMS = {
    "russia": TermRow(1, "Russia", "actor", "state", "RUS"),
    "russian-government": TermRow(2, "Russian government", "actor", "government_body", "RUS"),
    "russian-military": TermRow(3, "Russian armed forces", "actor", "government_body", "RUS"),
    "putin": TermRow(4, "Vladimir Putin", "actor", "person", "RUS"),
    "turkey": TermRow(5, "Turkey", "actor", "state", "TUR"),
    "erdogan": TermRow(6, "Recep Tayyip Erdogan", "actor", "person", "TUR"),
    "ukraine": TermRow(7, "Ukraine", "actor", "state", "UKR"),
    "zelensky": TermRow(8, "Volodymyr Zelensky", "actor", "person", "UKR"),
    "julani": TermRow(9, "Abu Mohammad al-Julani", "actor", "person", "SYR"),
    "hts": TermRow(10, "Hayat Tahrir al-Sham", "actor", "armed_group", "SYR"),
    "un": TermRow(11, "United Nations", "actor", "organization", ""),
    "wagner": TermRow(12, "Wagner Group", "actor", "armed_group", "RUS"),
    "ahmed-hassan": TermRow(13, "Ahmed Hassan", "actor", "person", ""),
    "ahmed-ali": TermRow(14, "Ahmed Ali", "actor", "person", ""),
    "kremlin-critics": TermRow(15, "Navalny movement", "actor", "organization", "RUS"),
}
ALIASES = {
    "russia": ["Russian Federation"],
    "russian-government": ["Russian authorities"],
    "russian-military": ["Russian forces", "Russian troops"],
    "putin": ["Putin", "President Putin"],
    "erdogan": ["Erdogan", "Erdoğan"],
    "zelensky": ["Zelensky", "Zelenskyy"],
    "julani": ["al-Julani", "Abu Mohammed al-Jolani"],
    "hts": ["HTS", "Tahrir al-Sham", "rebels"],
    "un": ["UN", "U.N."],
    "wagner": ["Wagner"],
    "ahmed-hassan": ["Ahmed"],
    "ahmed-ali": ["Ahmed"],
}
SLUGS = {row.id: slug for slug, row in TERMS.items()}


def index(extra: list[AliasRow] = ()):
    aliases = [AliasRow(TERMS[slug].id, name) for slug, names in ALIASES.items() for name in names]
    return build_index(TERMS.values(), [*aliases, *extra])


@pytest.fixture(scope="module")
def vocabulary():
    return index()


def found(text: str, vocabulary) -> list[tuple[str, str, str, str]]:
    """(text, term slug or new actor's label, certainty, kind) of each mention."""
    return [
        (text[m.start : m.end], SLUGS.get(m.term) or m.label, m.certainty, m.kind)
        for m in find_mentions(text, vocabulary)
    ]


def named(text: str, vocabulary) -> dict[str, str]:
    return {quote: slug for quote, slug, *_ in found(text, vocabulary)}


def test_possessives_with_or_without_apostrophe_leave_the_s_out(vocabulary):
    assert found("Putin's aides met Erdogans envoy and Zelensky’s staff.", vocabulary) == [
        ("Putin", "putin", "certain", "name"),
        ("Erdogan", "erdogan", "certain", "name"),
        ("Zelensky", "zelensky", "certain", "name"),
    ]


def test_hyphens_spaces_apostrophes_and_accents_are_the_same_name(vocabulary):
    text = "Abu Mohammad al Julani leads Tahrir al Sham; Abu-Mohammad al-Julani spoke to Erdoğan."
    assert named(text, vocabulary) == {
        "Abu Mohammad al Julani": "julani",
        "Tahrir al Sham": "hts",
        "Abu-Mohammad al-Julani": "julani",
        "Erdoğan": "erdogan",
    }


def test_an_arabic_article_before_a_known_name_belongs_to_the_mention(vocabulary):
    assert named("Commanders loyal to al-Jolani", index([AliasRow(9, "Jolani")])) == {"al-Jolani": "julani"}


def test_titles_stay_outside_the_mention(vocabulary):
    assert found("President Vladimir Putin and President Putin met.", vocabulary) == [
        ("Vladimir Putin", "putin", "certain", "name"),
        ("Putin", "putin", "certain", "name"),
    ]


def test_a_title_in_a_name_before_another_name_lets_both_be_found():
    vocabulary = index([AliasRow(4, "Russian President")])
    assert named("He met Russian President Vladimir Putin.", vocabulary) == {
        "Russian": "russia",
        "Vladimir Putin": "putin",
    }


def test_acronyms_match_dotted_or_not_and_only_in_capitals(vocabulary):
    assert found("The U.N. envoy told the UN that un-named sources misled us.", vocabulary) == [
        ("U.N.", "un", "certain", "name"),
        ("UN", "un", "certain", "name"),
    ]


def test_proper_names_need_their_capital(vocabulary):
    assert named("Officials said wagner music played as Wagner fighters left.", vocabulary) == {
        "Wagner": "wagner"
    }


def test_a_states_adjective_is_the_state_as_a_modifier_to_confirm(vocabulary):
    assert found("Russian warplanes struck a Turkish convoy.", vocabulary) == [
        ("Russian", "russia", "confirm", "name"),
        ("Turkish", "turkey", "confirm", "name"),
    ]


def test_a_people_is_a_group_mention_of_its_state_to_confirm(vocabulary):
    assert found("Many Ukrainians fled, and Russians protested.", vocabulary) == [
        ("Ukrainians", "ukraine", "confirm", "group"),
        ("Russians", "russia", "confirm", "group"),
    ]


def test_longer_actors_win_over_the_names_inside_them(vocabulary):
    assert found("The Wagner Group and Russian forces withdrew.", vocabulary) == [
        ("Wagner Group", "wagner", "certain", "name"),
        ("Russian forces", "russian-military", "certain", "name"),
    ]


def test_a_state_and_a_noun_of_the_same_class_name_the_part_of_the_state(vocabulary):
    assert found("Russian soldiers crossed; Russian officials denied it.", vocabulary) == [
        ("Russian soldiers", "russian-military", "confirm", "name"),
        ("Russian officials", "russian-government", "confirm", "name"),
    ]


def test_a_generic_noun_is_suggested_only_if_an_analyst_added_it(vocabulary):
    text = "The rebels advanced on the city."
    assert found(text, vocabulary) == []
    added = index([AliasRow(10, "rebels", analyst_added=True)])
    assert found(text, added) == [("rebels", "hts", "certain", "name")]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Moscow said on Tuesday that talks had failed.", [("Moscow", "russian-government")]),
        ("Moscow will not accept it.", [("Moscow", "russian-government")]),
        (
            "Relations between Ankara and Moscow soured.",
            [("Ankara", "turkey"), ("Moscow", "russian-government")],
        ),
        ("The Kremlin warned Kyiv's allies.", [("Kremlin", "russian-government"), ("Kyiv", "ukraine")]),
        ("Delegates met in Moscow and flew to Kyiv.", []),
        ("He left from the Kremlin at noon.", []),
        ("The Moscow metro was closed.", []),
    ],
)
def test_capitals_and_seats_of_government_are_the_government_by_context(text, expected, vocabulary):
    mentions = found(text, vocabulary)
    assert [(quote, slug) for quote, slug, *_ in mentions] == expected
    assert all(certainty == "confirm" and kind == "metonym" for _q, _s, certainty, kind in mentions)


def test_near_misses_of_long_names_are_to_confirm(vocabulary):
    assert found("Zelenksy spoke after Erdogn and Vladimir Puttin.", vocabulary) == [
        ("Zelenksy", "zelensky", "confirm", "name"),
        ("Erdogn", "erdogan", "confirm", "name"),
        ("Vladimir Puttin", "putin", "confirm", "name"),
    ]


def test_short_names_have_no_near_misses(vocabulary):
    assert found("Then Putn and Ahmad arrived.", vocabulary) == []


def test_a_shared_name_is_the_one_named_last_before_it(vocabulary):
    text = "Ahmed Hassan spoke first. Later Ahmed left the room."
    assert found(text, vocabulary) == [
        ("Ahmed Hassan", "ahmed-hassan", "certain", "name"),
        ("Ahmed", "ahmed-hassan", "confirm", "name"),
    ]
    assert found("Later Ahmed left the room.", vocabulary) == []


def test_names_the_vocabulary_lacks_are_new_actors(vocabulary):
    text = (
        "French President Emmanuel Macron called Putin. Analysts at the Centre for Strategic Studies "
        "doubted it, said Macron. Lebanon stayed silent."
    )
    mentions = [
        (quote, slug, kind) for quote, slug, certainty, kind in found(text, vocabulary) if certainty == "new"
    ]
    assert mentions == [
        ("Emmanuel Macron", "Emmanuel Macron", "name"),
        ("Centre for Strategic Studies", "Centre for Strategic Studies", "name"),
        ("Macron", "Emmanuel Macron", "name"),
        ("Lebanon", "Lebanon", "name"),
    ]
    types = {m.label: m.actor_type for m in find_mentions(text, vocabulary) if m.certainty == "new"}
    assert types == {
        "Emmanuel Macron": "person",
        "Centre for Strategic Studies": "organization",
        "Lebanon": "state",
    }


def test_a_headline_in_title_case_proposes_no_new_actors(vocabulary):
    assert found("Grim Winter Ahead For Frontline Towns\n\nNothing else.", vocabulary) == []


def test_a_name_inside_a_longer_name_is_not_a_mention(vocabulary):
    assert found("She read the Moscow Times and flew from Ukraine International Airport.", vocabulary) == []
