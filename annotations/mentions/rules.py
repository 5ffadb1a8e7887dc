"""The rules that find mentions of actors in a text, given the compiled vocabulary (index.py).

In reading order, the longest form wins at each word ("U.S. Embassy" is the embassy, not the
United States); then, on what is left, near misses of names; then names the vocabulary lacks.

- certain: a name of the vocabulary that one term holds (in any of the ways index.py allows);
- confirm: what the rules infer: a capital or seat of government standing for the government
  (its subject verb, "between Washington and Tehran"; never after "in"/"to"/"from", the place),
  a people for its state ("Iranians"), a state's adjective the vocabulary lacks ("American
  counter-strikes": a modifier), a part of a state named by a noun of the same class ("American
  soldiers" for "US troops"), a name two terms share (the one named last before it), a near miss
  (one edit from a name of six letters or more: "Khameinei", "Washinton");
- new: capitalised names that look like a person or an organisation and match no term.

A name inside a longer capitalised name ending in an organisation's or a place's word
("Washington Post", "Baghdad International Airport") is not a mention of its own.
"""

from __future__ import annotations

import functools
from typing import NamedTuple

from rapidfuzz import process
from rapidfuzz.distance import OSA

from annotations.mentions import lexicon
from annotations.mentions.index import (
    ADJECTIVE,
    CAPITAL,
    CAPITAL_LETTER,
    CAPITALS,
    COMPOSITE,
    COUNTRY,
    NAME,
    PEOPLE,
    SEAT,
    Form,
    VocabularyIndex,
)
from corpus.nlp import Words, words


@functools.cache
def _stop_words() -> frozenset[str]:
    """spaCy's English stop words, imported when first needed: spaCy costs a process 0.9 s to import,
    and a process that finds no mentions (a management command, a test's subprocess) never needs it."""
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS)


CERTAIN, CONFIRM, NEW = "certain", "confirm", "new"
GOVERNMENT_NOUNS = {key for key in lexicon.CLASS_NOUNS["government"] if " " not in key}
_CONTEXT_RULES = (CAPITAL, SEAT)
_SHORTER = object()  # a form that stands before a name is a title: try the shorter forms inside


def mention_key(text: str) -> str:
    """How a mention's text is compared (a rejection hides the same name): its words' keys."""
    return " ".join(words(text).key)


class Mention(NamedTuple):
    start: int  # code points, end exclusive
    end: int
    term: int | None  # None for a new actor
    certainty: str  # certain, confirm or new
    kind: str  # name, metonym, group (the gold's kinds of mention)
    label: str = ""  # a new actor's proposed label
    actor_type: str = ""  # the kind of actor a new one looks like
    key: str = ""  # the mention's text, folded: a rejection hides this name for this term


def find_mentions(text: str, index: VocabularyIndex) -> list[Mention]:
    """Every mention the rules find in `text`, in reading order, none overlapping."""
    return _Finder(words(text), index).run()


class _Finder:
    def __init__(self, w: Words, index: VocabularyIndex) -> None:
        self.w, self.index, self.n = w, index, len(w)
        self.run_end = [0] * self.n  # the last word a name starting here may reach
        for i in range(self.n - 1, -1, -1):
            self.run_end[i] = self.run_end[i + 1] if i + 1 < self.n and w.link[i + 1] else i
        self.seen = [False] * self.n  # inside a form, suggested or not
        self.found: list[Mention] = []
        self.last_seen: dict[int, int] = {}  # term -> word of its last certain mention
        self.headlines: dict[int, bool] = {}  # line start -> set in title case

    def run(self) -> list[Mention]:
        i, limit = 0, None
        starts, loose = self.index.longest, self.w.loose
        while i < self.n:
            if loose[i] not in starts:
                i += 1
                continue
            match = self.longest_form(i, limit)
            if match is None:
                i, limit = i + 1, None
                continue
            end, forms = match
            found = self.resolve(i, end, forms)
            if found is _SHORTER:
                limit = end - i - 1
                continue
            self.add(found, i, end)
            i, limit = end, None
        self.leftovers()
        return sorted(self.found)

    # --- matching ---

    def longest_form(self, i: int, limit: int | None = None) -> tuple[int, list[Form]] | None:
        w = self.w
        most = min(self.index.longest.get(w.loose[i], 0), self.run_end[i] - i + 1, limit or self.n)
        for length in range(most, 0, -1):
            forms = self.index.forms.get(tuple(w.loose[i : i + length]))
            if forms:
                fitting = [form for form in forms if self.fits(form, i)]
                if fitting:
                    return i + length, fitting
        return None

    def fits(self, form: Form, i: int) -> bool:
        """The text's words have the case the form asks for, and differ from its words only by a
        final s: the text may add one ("Irans", "Guards Corps"), drop one only inside a name (never
        "European" for "Europeans"), and not at all on a state before a noun ("Iraqs parliament"
        is Iraq's)."""
        w = self.w
        last = len(form.caps) - 1
        for k, need in enumerate(form.caps):
            cap = w.cap[i + k]
            if (need == CAPITALS and cap != 2) or (need == CAPITAL_LETTER and cap == 0):
                return False
            if k < last and w.poss[i + k] and k not in form.inner_poss:
                return False
            key, wanted = w.key[i + k], form.keys[k]
            if (
                key != wanted
                and not (key == wanted + "s" and (k == last or form.rule != COMPOSITE))
                and not (k < last and wanted == key + "s" and form.rule != COMPOSITE)
            ):
                return False
        return True

    def added_s(self, form: Form, end: int) -> bool:
        """The last word is a one-word name with an s the name lacks: a possessive ("Washingtons")."""
        return len(form.keys) == 1 and self.w.key[end - 1] == form.keys[0] + "s"

    def add(self, mention: Mention | None, first: int, end: int) -> None:
        for k in range(first, end):
            self.seen[k] = True
        if mention is not None:
            self.found.append(mention)
            if mention.certainty == CERTAIN and mention.term is not None:
                self.last_seen[mention.term] = first

    def mention(
        self,
        first: int,
        last: int,
        term: int | None,
        certainty: str,
        kind: str,
        drop_s: bool = False,
        **extra,
    ) -> Mention:
        w = self.w
        start, end = w.start[first], w.end[last] - drop_s
        keys = w.key[first : last + 1]
        if drop_s:
            keys[-1] = keys[-1][:-1]
        return Mention(start, end, term, certainty, kind, key=" ".join(keys), **extra)

    # --- the rules for a form found at words i..end-1 ---

    def resolve(self, i: int, end: int, forms: list[Form]) -> Mention | None:
        exact = tuple(self.w.key[i:end])

        def pick(rule: str) -> Form | None:
            of_rule = [form for form in forms if form.rule == rule]
            return next((form for form in of_rule if form.keys == exact), of_rule[0] if of_rule else None)

        possessive = any(self.added_s(form, end) for form in forms)
        if not possessive and self.inside_longer_name(i, end):
            return None
        context = next((form for form in forms if form.rule in _CONTEXT_RULES), None)
        if context is not None:
            return self.metonym(i, end, context)
        people, name, adjective = pick(PEOPLE), pick(NAME), pick(ADJECTIVE)
        if people is not None and people.keys == exact:
            return self.group(i, end, people)
        if adjective is not None and adjective.keys == exact:
            return self.adjective(i, end, adjective, certain=name is not None and name.keys == exact)
        if name is not None:
            if self.followed_by_name(end) and self.title_at(end - 1) and end - i > 1:
                return _SHORTER  # "US President Donald Trump": US, then Donald Trump
            return self.name(i, end, name, certainty=CERTAIN)
        composite = pick(COMPOSITE)
        if composite is not None:
            if composite.terms:
                return self.mention(i, end - 1, composite.terms[0], CONFIRM, "name")
            label = " ".join(self.w.span_text(i, end - 1).split())
            return self.mention(i, end - 1, None, NEW, "name", label=label, actor_type="government_body")
        country = pick(COUNTRY)
        if country is not None and (self.added_s(country, end) or not self.followed_by_name(end)):
            drop_s = self.added_s(country, end)
            label = " ".join(self.w.text[self.w.start[i] : self.w.end[end - 1] - drop_s].split())
            return self.mention(i, end - 1, None, NEW, "name", label=label, actor_type="state", drop_s=drop_s)
        return None

    def name(self, i: int, end: int, form: Form, certainty: str) -> Mention | None:
        w, index = self.w, self.index
        holders = [term for term in form.terms if term in index.terms]
        if len(holders) > 1:
            term = self.resolve_shared(i, holders)
            certainty = CONFIRM
        else:
            term = holders[0] if holders else None
        if term is None:
            return None
        first = i + form.trim if form.keys == tuple(w.key[i:end]) else i
        if first > i and first >= end:
            first = i
        # "al-Baghdadi" and "Ali Khameinei": the article and the first name belong to the mention.
        person = index.person_words.get(term, ())
        while (
            first > 0
            and w.link[first]
            and not self.seen[first - 1]
            and (
                self.arabic_article(first - 1)
                or (w.cap[first - 1] and w.key[first - 1] in person and first - 1 >= i - 2)
            )
        ):
            first -= 1
            self.seen[first] = True
        return self.mention(first, end - 1, term, certainty, "name", drop_s=self.added_s(form, end))

    def arabic_article(self, i: int) -> bool:
        """ "al-" (or "ash-", "ad-"…) joined to the next word; "al"/"el" also before a space."""
        w = self.w
        key = w.key[i]
        if key not in lexicon.ARABIC_ARTICLES:
            return False
        return key in {"al", "el"} or w.text[w.end[i] : w.start[i + 1]] in {"-", "‐", "‑"}

    def resolve_shared(self, i: int, holders: list[int]) -> int | None:
        """A name of several terms is the one the article named last before it, if any."""
        seen = [(self.last_seen[term], term) for term in holders if term in self.last_seen]
        return max(seen)[1] if seen else None

    def metonym(self, i: int, end: int, form: Form) -> Mention | None:
        """A capital or a seat of government: its government as an actor, nothing as a place."""
        w = self.w
        if self.followed_by_name(end):
            return None
        possessive = self.added_s(form, end)
        before = w.key[i - 1] if i > 0 and not w.sent[i] else ""
        if before == "the" and i > 1 and not w.sent[i - 1]:
            before = w.key[i - 2]  # "from the Kremlin"
        if before in lexicon.PLACE_PREPOSITIONS and not (possessive or w.poss[end - 1]):
            governing = i > 1 and w.key[i - 2] in GOVERNMENT_NOUNS  # "the regime in Tehran"
            if not governing:
                return None
        elif end < self.n and w.link[end] and w.cap[end] == 0 and not w.poss[end - 1] and not possessive:
            after = w.key[end]
            if after not in lexicon.ACTOR_VERBS and not after.endswith("ed") and after not in _stop_words():
                return None  # "Baghdad airport", "Washington state"
        term = self.index.government_of(form.iso3, form.part or "government")
        if term is None:
            return None
        return self.mention(i, end - 1, term, CONFIRM, "metonym", drop_s=possessive)

    def group(self, i: int, end: int, form: Form) -> Mention | None:
        if self.followed_by_name(end):
            return None
        return self.mention(i, end - 1, form.terms[0], CONFIRM, "group")

    def adjective(self, i: int, end: int, form: Form, certain: bool) -> Mention | None:
        """A state's adjective before a word: the state, as a modifier ("Iranian influence")."""
        w = self.w
        if end >= self.n or not w.link[end]:
            return None  # "an Iranian." is a person
        if w.cap[end] and not self.title_at(end):
            return None  # "Iraqi National Congress": part of a longer name
        return self.mention(i, end - 1, form.terms[0], CERTAIN if certain else CONFIRM, "name")

    # --- context ---

    def title_at(self, i: int) -> int:
        w, titles = self.w, self.index.titles
        for length in range(min(self.index.title_longest.get(w.key[i], 0), self.run_end[i] - i + 1), 0, -1):
            if tuple(w.key[i : i + length]) in titles:
                return length
        return 0

    def followed_by_name(self, end: int) -> bool:
        """The next word continues a name: a capital or a number right after ("FRANCE 24")."""
        w = self.w
        return (
            end < self.n and w.link[end] and (w.cap[end] > 0 or w.key[end].isdigit()) and not w.poss[end - 1]
        )

    def inside_longer_name(self, i: int, end: int) -> bool:
        """The form is followed by capitalised words ending in an organisation's or a place's word."""
        w = self.w
        last = end
        while last < self.n and w.link[last] and w.cap[last] and not w.poss[last - 1]:
            last += 1
        if last == end:
            return False
        head = w.loose[last - 1]
        return (
            head in lexicon.ORGANISATION_HEADS
            or head in lexicon.PLACE_WORDS
            or w.key[last - 1] in (lexicon.ORGANISATION_HEADS)
        )

    # --- near misses and new actors, on the capitalised runs no form took ---

    def leftovers(self) -> None:
        """Each run of capitalised words no form took is a near miss of a name (the whole run, up
        to three words, one edit away), or a new actor if it looks like one."""
        w, index = self.w, self.index
        tried: dict[str, tuple[str, ...] | None] = {}
        runs = []
        for first, last, title in self.capitalised_runs():
            folded = " ".join(w.key[first : last + 1])
            if last - first < 3 and len(folded) >= 5:
                if folded not in tried:
                    tried[folded] = self.nearest_name(folded)
                if tried[folded] is not None:
                    self.near_miss(first, last, index.names[tried[folded]])
                    continue
            runs.append((first, last, title))
        self.new_actors(runs)

    def near_miss(self, first: int, last: int, form: Form) -> None:
        capital = next((f for f in self.index.forms.get(form.keys, ()) if f.rule in _CONTEXT_RULES), None)
        if capital is not None:
            found = self.metonym(first, last + 1, capital)
        else:
            found = self.name(first, last + 1, form._replace(trim=0), CONFIRM)
        if found is not None and found.certainty == CERTAIN:
            found = found._replace(certainty=CONFIRM)
        self.add(found, first, last + 1)

    def nearest_name(self, folded: str) -> tuple[str, ...] | None:
        """The name one edit away (OSA: a swap of two letters is one edit): with one edit, either
        the first three letters or the last three are intact, so only those buckets are searched."""
        index = self.index
        for buckets, part in ((index.near_first, folded[:3]), (index.near_last, folded[-3:])):
            bucket = buckets.get(part)
            if bucket:
                best = process.extractOne(folded, bucket[0], scorer=OSA.distance, score_cutoff=1)
                if best is not None and best[1] == 1:
                    return bucket[1][best[2]]
        return None

    def could_be_name(self, i: int) -> bool:
        """Not a common word capitalised by its place, a day, a month or a title."""
        w = self.w
        key = w.key[i]
        if key in lexicon.NOT_NAMES or self.title_at(i):
            return False
        return not (w.sent[i] and (key in _stop_words() or key in w.lower_keys))

    def new_actors(self, runs: list[tuple[int, int, bool]]) -> None:
        """Runs that look like a person or an organisation; a surname alone is the person named in
        full elsewhere in the text ("Geranmayeh" after "Ellie Geranmayeh")."""
        w = self.w
        surnames: dict[tuple[str, ...], str] = {}
        typed = []
        for first, last, title in runs:
            kind = self.classify(first, last, title)
            typed.append((first, last, kind))
            if kind == "person" and last > first:
                label = " ".join(w.span_text(first, last).split())
                keys = tuple(w.key[first : last + 1])
                for cut in range(1, len(keys)):
                    if w.cap[first + cut] or keys[cut] in lexicon.NAME_PARTICLES:
                        surnames.setdefault(keys[cut:], label)
        for first, last, kind in typed:
            if tuple(w.key[first : last + 1]) in self.index.retired:
                continue  # a retired term's name: the vocabulary knows it and chose to stop using it
            label = " ".join(w.span_text(first, last).split())
            if kind is None or (kind == "person" and first == last):
                known = surnames.get(tuple(w.key[first : last + 1]))
                if known is not None:
                    kind, label = "person", known
            if kind is not None:
                self.add(
                    self.mention(first, last, None, NEW, "name", label=label, actor_type=kind),
                    first,
                    last + 1,
                )

    def capitalised_runs(self):
        """(first, last, a title before it) of each run of capitalised words no form took."""
        w = self.w
        i = 0
        while i < self.n:
            if self.seen[i] or not w.cap[i]:
                i += 1
                continue
            last = i
            while (
                last + 1 < self.n
                and w.link[last + 1]
                and not self.seen[last + 1]
                and not self.title_at(last + 1)
            ):
                key = w.key[last + 1]
                # "of", "for"… inside an organisation's name only: "Council on Foreign Relations".
                connects = key in lexicon.NAME_CONNECTORS and w.key[last] in lexicon.ORGANISATION_HEADS
                if w.cap[last + 1] or key in lexicon.NAME_PARTICLES or connects:
                    last += 1
                else:
                    break
            while last > i and not w.cap[last]:
                last -= 1
            title = False
            first = i
            while first <= last and not self.could_be_name(first):
                title = title or bool(self.title_at(first))
                first += max(self.title_at(first), 1)
            if i > 0 and not w.sent[i] and w.key[i - 1] in lexicon.PLACE_PREPOSITIONS:
                first = last + 1  # "in Ramadi": a place
            if first <= last and not self.in_headline(first):
                yield first, last, title
            i = last + 1

    def in_headline(self, i: int) -> bool:
        """The word is in a line set in title case (a headline, where every word has a capital)."""
        text, at = self.w.text, self.w.start[i]
        line_start = text.rfind("\n", 0, at) + 1
        if line_start not in self.headlines:
            line_end = text.find("\n", at)
            line = text[line_start : line_end if line_end >= 0 else len(text)]
            tokens = [token for token in line.split(maxsplit=40) if token[:1].isalpha()]
            capitalised = sum(token[0].isupper() for token in tokens)
            self.headlines[line_start] = 4 <= len(tokens) <= 40 and capitalised >= 0.6 * len(tokens)
        return self.headlines[line_start]

    def classify(self, first: int, last: int, person_evidence: bool) -> str | None:
        """The kind of actor a capitalised run looks like, or None."""
        w = self.w
        keys = w.key[first : last + 1]
        heads = [
            lexicon.ORGANISATION_HEADS[key] for key in reversed(keys) if key in lexicon.ORGANISATION_HEADS
        ]
        if len(keys) > 1 and heads and not person_evidence:
            return heads[0]
        if any(key in lexicon.NAME_CONNECTORS for key in keys):
            return None
        if any(key in lexicon.PLACE_WORDS or key in lexicon.NOT_NAMES for key in keys):
            return None
        if person_evidence:
            return "person"
        if len(keys) == 1:
            if w.cap[first] == 2 and 3 <= len(keys[0]) <= 5:
                return "organization"  # "CIA", "ISIS"
            before = " ".join(w.key[max(first - 2, 0) : first])
            after = w.key[last + 1] if last + 1 < self.n else ""
            said_after = after in {"said", "says", "told"} and not w.sent[first]  # not "Officials said"
            if before.endswith(("said", "says", "told", "according to")) or said_after:
                return "person"
            return None
        if len(keys) <= 4 and all(w.cap[first + k] for k in (0, len(keys) - 1)):
            return "person"
        return None
