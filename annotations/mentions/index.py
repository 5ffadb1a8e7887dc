"""The vocabulary compiled for the rules: every way a text can name a term, keyed for lookup.

Built once per vocabulary version and process (annotations.suggestions keeps it), from plain rows,
so that tests and benches can build one without a database. Each rule that widens what a name
matches lives here once and applies to every term:

- a name's words are compared folded (case, accents, apostrophes; hyphen or space alike), with a
  final s loose ("Irans", "Guards Corps"), and in their case where they have capitals ("Trump" the
  man, not "trump"); short acronyms only in capitals, dotted or not ("US", "U.S.", never "us");
- a name that starts with a title also names its bearer without it ("President Trump" -> "Trump"),
  and the title is left out of the mention; one that starts with an Arabic article also names him
  without it ("al-Muhandis" -> "Muhandis"); two or three words also match written as one;
- a generic name (no capital: "alliance", "protesters") is matched only if an analyst added it
  in the app, not when it came with a vocabulary file;
- a state (actor type state, with its ISO country) is also named by the world table's names, its
  adjective ("Iranian": a modifier), its people ("Iranians": a group) and its capital (a metonym);
- a part of a state that the vocabulary names as state + noun ("US troops", "Iraqi officials") is
  also named by every other form of that state with every noun of the same class
  ("American soldiers", "U.S. forces");
- names of six letters or more are kept for near misses (one edit away, rules.py).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from annotations.mentions import lexicon, world
from corpus.nlp import words

# What a form is, which decides how the rules treat a match.
NAME = "name"  # a vocabulary name: certain when one term holds it
ADJECTIVE = "adjective"  # "Iranian" from the world table: a modifier mention of the state
PEOPLE = "people"  # "Iranians": a group mention of the state
CAPITAL = "capital"  # "Tehran": the government or the place, by context
SEAT = "seat"  # "the Kremlin", "the Pentagon": a part of a state, by context
COMPOSITE = "composite"  # "American soldiers": a part of a state, by its class of noun
COUNTRY = "country"  # a state the vocabulary lacks: "new actor?"

# Case each word of a form asks of the text: none, a capital, all capitals.
ANY, CAPITAL_LETTER, CAPITALS = 0, 1, 2
SHORT_ACRONYM = 3  # letters: "US", "EU", "KH" match only in capitals
NEAR_MISS_LETTERS = 6


class Form(NamedTuple):
    keys: tuple[str, ...]
    caps: tuple[int, ...]
    rule: str
    terms: tuple[int, ...] = ()  # the terms holding the name (several: ambiguous)
    iso3: str = ""
    part: str = ""  # the class of a capital, seat or composite: government, military, …
    trim: int = 0  # leading title words, outside the mention
    inner_poss: tuple[int, ...] = ()  # words of the name written with a possessive ("Iran's …")


@dataclass(frozen=True)
class TermRow:
    id: int
    label: str
    kind: str = "actor"
    actor_type: str = ""
    country: str = ""


@dataclass(frozen=True)
class AliasRow:
    term_id: int
    name: str
    analyst_added: bool = False  # added in the app by an analyst, not loaded from a file


@dataclass
class VocabularyIndex:
    forms: dict[tuple[str, ...], list[Form]] = field(default_factory=lambda: defaultdict(list))
    longest: dict[str, int] = field(default_factory=dict)  # first loose key -> most words
    titles: dict[tuple[str, ...], int] = field(default_factory=dict)
    title_longest: dict[str, int] = field(default_factory=dict)
    terms: dict[int, TermRow] = field(default_factory=dict)
    state_of: dict[str, int] = field(default_factory=dict)  # ISO3 -> the state's term
    parts: dict[tuple[str, str], int | None] = field(default_factory=dict)  # (ISO3, class) -> term
    person_words: dict[int, set[str]] = field(default_factory=dict)  # person term -> keys of its names
    # Names of six letters or more by their first and by their last three letters: (folded names, keys).
    near_first: dict[str, tuple[list[str], list[tuple[str, ...]]]] = field(default_factory=dict)
    near_last: dict[str, tuple[list[str], list[tuple[str, ...]]]] = field(default_factory=dict)
    names: dict[tuple[str, ...], Form] = field(default_factory=dict)  # exact keys -> the NAME form
    class_nouns: dict[tuple[str, ...], str] = field(default_factory=dict)
    phrases: list[tuple[str, int]] = field(default_factory=list)  # (name, term) of unambiguous names
    retired: set[tuple[str, ...]] = field(default_factory=set)  # names of retired terms

    def label(self, term_id: int | None) -> str:
        return self.terms[term_id].label if term_id in self.terms else ""

    def government_of(self, iso3: str, part: str = "government") -> int | None:
        """The term for a part of a state: its own term if the vocabulary has one; for the
        government, the state itself otherwise ("Riyadh said" is Saudi Arabia)."""
        term = self.parts.get((iso3, part))
        if term is None and part == "government":
            term = self.state_of.get(iso3)
        return term


Units = tuple[tuple[str, ...], tuple[int, ...], tuple[int, ...]]


def _units(name: str) -> Units:
    """Keys, the case each word asks for, and the words written with a possessive."""
    return _units_of_many([name])[0]


def _units_of_many(names: list[str]) -> list[Units]:
    """_units of each name, the words of all found in one pass (a line each: never one name)."""
    found = words("\n".join(names))
    results, at, position = [], 0, 0
    for name in names:
        end = position + len(name)
        keys, caps, poss = [], [], []
        first = at
        while at < len(found) and found.start[at] < end:
            raw = found.span_text(at, at)
            if raw.isupper() and sum(char.isalpha() for char in raw) <= SHORT_ACRONYM:
                caps.append(CAPITALS)
            elif not raw.islower() and any(char.isupper() for char in raw):
                caps.append(CAPITAL_LETTER)
            else:
                caps.append(ANY)
            keys.append(found.key[at])
            if found.poss[at] and at + 1 < len(found) and found.start[at + 1] < end:
                poss.append(at - first)
            at += 1
        results.append((tuple(keys), tuple(caps), tuple(poss)))
        position = end + 1
    return results


def loose(keys: tuple[str, ...], caps: tuple[int, ...]) -> tuple[str, ...]:
    """Keys as the text is looked up: a final s dropped from words of four letters or more."""
    out = list(keys)
    for i, key in enumerate(keys):
        if len(key) > 3 and key[-1] == "s" and caps[i] != CAPITALS:
            out[i] = key[:-1]
    return tuple(out)


def _table(entries: Iterable[str]) -> dict[tuple[str, ...], int]:
    table = {}
    for entry in entries:
        keys, _caps, _poss = _units(entry)
        if keys:
            table[keys] = len(keys)
    return table


def build_index(
    terms: Iterable[TermRow], aliases: Iterable[AliasRow], retired: Iterable[str] = ()
) -> VocabularyIndex:
    """Compile the vocabulary: `terms` are the active terms, `aliases` their names (labels included
    or not: a label is always a name of its term), `retired` the names of retired terms (never
    offered as new actors)."""
    index = VocabularyIndex()
    index.retired = {_units(name)[0] for name in retired}
    index.terms = {term.id: term for term in terms}
    index.titles = _table(lexicon.phrases(lexicon.TITLES))
    for keys in index.titles:
        index.title_longest[keys[0]] = max(index.title_longest.get(keys[0], 0), len(keys))
    index.class_nouns = {
        keys: part for part, nouns in lexicon.CLASS_NOUNS.items() for keys in _table(nouns)
    }  # fmt: skip

    # Names of the vocabulary, grouped by their folded words: several holders make a name ambiguous.
    holders: dict[tuple[str, ...], set[int]] = defaultdict(set)
    shapes: dict[tuple[str, ...], tuple[tuple[int, ...], tuple[int, ...], int]] = {}
    spelled: dict[tuple[str, ...], str] = {}
    names = [(term.id, term.label, False) for term in index.terms.values()]
    names += [
        (alias.term_id, alias.name, alias.analyst_added) for alias in aliases if alias.term_id in index.terms
    ]
    title_words = {key for title in index.titles for key in title}
    for (term_id, name, analyst_added), (keys, caps, poss) in zip(
        names, _units_of_many([name for _term, name, _added in names]), strict=True
    ):
        if not keys or (not any(caps) and not analyst_added):
            continue  # a generic noun from a vocabulary file ("alliance") suggests nothing on its own
        for variant, variant_caps, trim in _variants(index, keys, caps):
            holders[variant].add(term_id)
            old = shapes.get(variant)
            shapes[variant] = (
                tuple(min(a, b) for a, b in zip(old[0], variant_caps, strict=True)) if old else variant_caps,
                poss if variant == keys else (),
                max(trim, old[2]) if old else trim,
            )
            spelled.setdefault(variant, name)
        if index.terms[term_id].actor_type == "person":
            # The first names of a person ("Ali" of "Ali Khamenei"), for "Ali Khameinei" in the text.
            title = _title_at(index, keys, 0)
            given = [key for key, cap in zip(keys[title:-1], caps[title:-1], strict=True) if cap]
            index.person_words.setdefault(term_id, set()).update(
                key for key in given if len(key) > 2 and key not in title_words
            )
    for keys, term_ids in holders.items():
        caps, poss, trim = shapes[keys]
        form = Form(keys, caps, NAME, tuple(sorted(term_ids)), trim=trim, inner_poss=poss)
        _add(index, form)
        index.names[keys] = form
        if len(term_ids) == 1:
            index.phrases.append((spelled[keys], next(iter(term_ids))))
        letters = sum(len(key) for key in keys)
        if caps[0] != ANY and letters >= NEAR_MISS_LETTERS and trim == 0:
            folded = " ".join(keys)
            for buckets, part in ((index.near_first, folded[:3]), (index.near_last, folded[-3:])):
                names, all_keys = buckets.setdefault(part, ([], []))
                names.append(folded)
                all_keys.append(keys)
    _add_world(index)
    return index


def _variants(index: VocabularyIndex, keys: tuple[str, ...], caps: tuple[int, ...]):
    """(keys, caps, title words) of every way the text may write this name."""
    yield keys, caps, 0
    title = _title_at(index, keys, 0)
    if title and title < len(keys) and caps[title] != ANY:
        yield keys, caps, title  # the title is outside the mention…
        yield keys[title:], caps[title:], 0  # …and the name without it names the same person
    if len(keys) > 1 and keys[0] in lexicon.ARABIC_ARTICLES and caps[1] != ANY:
        yield keys[1:], caps[1:], 0
    if 1 < len(keys) <= 3 and all(caps) and all(key.isalpha() for key in keys):
        yield ("".join(keys),), (max(caps),), 0  # "Abdulmahdi", "AlQuds"


def _title_at(index: VocabularyIndex, keys: tuple[str, ...], at: int) -> int:
    """The number of words of the longest title starting at word `at` (0 if none)."""
    for length in range(min(index.title_longest.get(keys[at], 0), len(keys) - at), 0, -1):
        if keys[at : at + length] in index.titles:
            return length
    return 0


def _add(index: VocabularyIndex, form: Form) -> None:
    key = loose(form.keys, form.caps)
    index.forms[key].append(form)
    index.longest[key[0]] = max(index.longest.get(key[0], 0), len(key))


def _add_world(index: VocabularyIndex) -> None:
    """The world table's forms for the vocabulary's states, and the parts of states it names."""
    states = world.states()
    for term in index.terms.values():
        if term.actor_type == "state" and term.country in states and term.country not in index.state_of:
            index.state_of[term.country] = term.id

    # Every way of writing each state, for the composites ("US" + "troops").
    forms_of: dict[str, list[tuple[tuple[str, ...], tuple[int, ...], bool]]] = defaultdict(list)
    state_forms: dict[tuple[str, ...], str] = {}
    for iso3, state in states.items():
        for value, is_capital in [(v, False) for v in state.names + state.adjectives] + [
            (v, True) for v in state.capitals
        ]:
            keys, caps, _poss = _units(value)
            forms_of[iso3].append((keys, caps, is_capital))
            state_forms.setdefault(keys, iso3)
    for iso3, term_id in index.state_of.items():
        for keys, form in index.names.items():
            if term_id in form.terms and len(form.terms) == 1 and keys not in state_forms:
                forms_of[iso3].append((keys, form.caps, False))
                state_forms[keys] = iso3

    # The parts of states the vocabulary names: "US troops" makes us-military the (USA, military).
    claimed: dict[tuple[str, str], set[int]] = defaultdict(set)
    for keys, form in index.names.items():
        if len(form.terms) != 1 or index.terms[form.terms[0]].kind != "actor":
            continue
        for cut in range(1, len(keys)):
            iso3, part = state_forms.get(keys[:cut]), index.class_nouns.get(keys[cut:])
            if iso3 and part and index.terms[form.terms[0]].actor_type != "state":
                claimed[(iso3, part)].add(form.terms[0])
    index.parts = {pair: next(iter(ids)) if len(ids) == 1 else None for pair, ids in claimed.items()}

    for iso3, state in states.items():
        state_term = index.state_of.get(iso3)
        if state_term is None:
            for value in state.names:
                keys, caps, _poss = _units(value)
                _add(index, Form(keys, caps, COUNTRY, (), iso3))
            continue
        for value in state.names:
            keys, caps, _poss = _units(value)
            if keys not in index.names:
                _add(index, Form(keys, caps, NAME, (state_term,), iso3))
        for value in state.adjectives:
            keys, caps, _poss = _units(value)
            _add(index, Form(keys, caps, ADJECTIVE, (state_term,), iso3))
        for value in state.people:
            keys, caps, _poss = _units(value)
            _add(index, Form(keys, caps, PEOPLE, (state_term,), iso3))
        for value in state.capitals:
            keys, caps, _poss = _units(value)
            _add(index, Form(keys, caps, CAPITAL, (), iso3, "government"))
        # A state + a noun of a class: the vocabulary's part of the state, or a new actor.
        for part, nouns in lexicon.CLASS_NOUNS.items():
            term = index.parts.get((iso3, part), 0)
            if term is None:
                continue  # two terms claim it: the rules cannot choose
            for noun in nouns:
                noun_keys, noun_caps, _poss = _units(noun)
                for keys, caps, is_capital in forms_of[iso3]:
                    if is_capital and part != "government":
                        continue
                    combined = keys + noun_keys
                    if combined not in index.names:
                        _add(
                            index,
                            Form(combined, caps + noun_caps, COMPOSITE, (term,) if term else (), iso3, part),
                        )
    for name, (iso3, part) in world.SEATS.items():
        keys, caps, _poss = _units(name)
        _add(index, Form(keys, caps, SEAT, (), iso3, part))
