"""The one spaCy pipeline of the process: tokens, sentences and (in annotations) vocabulary rules.

Default: spacy.blank("en") with rule-based sentences, so nothing is downloaded: spaCy's sentencizer
rule, computed on arrays (`sentences`, the same boundaries in a fraction of its time), plus a break
at every line break, which the sentencizer alone ignores. Set MARGINALIA_SPACY_MODEL to the name of
an installed model to use it instead (its parser or senter, or the sentencizer, then the breaks).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

import numpy
from django.conf import settings

# spaCy itself is imported when the pipeline is first built (`load_spacy`): it costs a process 0.9 s to
# import, which a management command or a test's subprocess that reads no text need not pay. Its
# attribute ids are plain numbers, read from spacy.attrs once it is loaded.
if TYPE_CHECKING:
    from spacy.language import Language

_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


@functools.cache
def load_spacy():  # type: ignore[no-untyped-def]
    """spaCy, imported now, with this module's pipeline components registered."""
    import spacy
    from spacy.language import Language

    Language.component("paragraph_boundaries", func=paragraph_boundaries)
    Language.component("sentences", func=sentences)
    return spacy


def paragraph_boundaries(doc):  # type: ignore[no-untyped-def]
    """Start a sentence after every blank line, and on the first token of every line
    that follows a line break inside whitespace-only tokens."""
    from spacy.attrs import IS_SPACE, SENT_START

    starts = _after_line_breaks(doc, doc.to_array(IS_SPACE))
    if starts:
        # Written back in one array call: setting Token.is_sent_start one token at a time scans
        # the whole document each time (Doc.has_annotation), which made a long text quadratic
        # (a 1 MB page of short paragraphs took over 30 s to import).
        sent_starts = doc.to_array(SENT_START)
        sent_starts[starts] = 1
        doc.from_array([SENT_START], sent_starts)
    return doc


# The lexeme flag "is a sentence-final character", per vocabulary: computed once per word type.
_final_flags: dict[int, int] = {}


def sentences(doc):  # type: ignore[no-untyped-def]
    """spaCy's Sentencizer rule on arrays, then a sentence start after every line break.

    The rule (spacy/pipeline/sentencizer.pyx): a sentence starts at the first token; after a token
    that is one of the sentence-final characters, the next token that is neither punctuation nor
    such a character starts one. So a "word" token starts a sentence exactly when a final character
    lies between it and the word before it. The Sentencizer walks the tokens in Python, making an
    object for each; this is a few array operations. tests/test_nlp.py compares the two."""
    from spacy.attrs import IS_PUNCT, IS_SPACE, SENT_START
    from spacy.pipeline import Sentencizer

    if not len(doc):
        return doc
    flag = _final_flags.get(id(doc.vocab))
    if flag is None:
        final_characters = frozenset(Sentencizer.default_punct_chars)
        flag = _final_flags[id(doc.vocab)] = doc.vocab.add_flag(final_characters.__contains__)
    columns = doc.to_array([flag, IS_PUNCT, IS_SPACE])
    final = columns[:, 0] != 0
    words = numpy.flatnonzero((columns[:, 1] == 0) & ~final)
    finals_before = numpy.concatenate(([0], numpy.cumsum(final)))  # [i]: finals among tokens before i
    after_previous_word = numpy.concatenate(([0], words[:-1] + 1))
    starts = numpy.full(len(doc), -1, dtype="int64")
    starts[0] = 1
    starts[words[finals_before[words] > finals_before[after_previous_word]]] = 1
    starts[_after_line_breaks(doc, columns[:, 2])] = 1
    doc.from_array([SENT_START], starts.astype("uint64"))
    return doc


def _after_line_breaks(doc, is_space) -> list[int]:  # type: ignore[no-untyped-def]
    """Tokens that follow a whitespace token holding a line break. Only whitespace tokens can hold
    one: they are found in one array call instead of a Python Token for every word."""
    return [i + 1 for i in numpy.flatnonzero(is_space[:-1]).tolist() if "\n" in doc[i].text]


@functools.cache
def pipeline() -> Language:
    spacy = load_spacy()
    model = getattr(settings, "MARGINALIA_SPACY_MODEL", "")
    if model:
        nlp = spacy.load(model, exclude=["lemmatizer"])
        if "parser" not in nlp.pipe_names and "senter" not in nlp.pipe_names:
            nlp.add_pipe("sentencizer")
        nlp.add_pipe("paragraph_boundaries", before=nlp.pipe_names[0] if nlp.pipe_names else None)
    else:
        nlp = spacy.blank("en")
        nlp.add_pipe("sentences")
    nlp.max_length = 10_000_000
    return nlp


def analyse(texts: Iterable[str], batch_size: int = 64) -> Iterator[tuple[int, list[int]]]:
    """For each text: its word count and the start offsets (code points) of its sentences."""
    for doc in pipeline().pipe(texts, batch_size=batch_size):
        yield _words_and_sentence_starts(doc)


def _words_and_sentence_starts(doc) -> tuple[int, list[int]]:
    """Words (tokens that are neither space nor punctuation) and the offsets of the sentences that
    are not only whitespace; the same as iterating doc and doc.sents, with arrays instead of a
    Python object per token."""
    from spacy.attrs import IDX, IS_PUNCT, IS_SPACE, SENT_START

    if not len(doc):
        return 0, []
    columns = doc.to_array([IS_SPACE, IS_PUNCT, SENT_START, IDX]).astype("int64")
    space = columns[:, 0] != 0
    words = int(numpy.count_nonzero(~space & (columns[:, 1] == 0)))
    firsts = numpy.flatnonzero(columns[:, 2] == 1)
    if not len(firsts) or firsts[0] != 0:
        firsts = numpy.concatenate(([0], firsts))
    ends = numpy.append(firsts[1:], len(doc))
    non_space_before = numpy.concatenate(([0], numpy.cumsum(~space)))
    has_text = non_space_before[ends] - non_space_before[firsts] > 0
    return words, columns[firsts[has_text], 3].tolist()


def sentence_bounds(body: str, starts: list[int]) -> list[tuple[int, int]]:
    """(start, end) of each sentence, trailing whitespace excluded, from stored starts."""
    bounds = []
    for i, start in enumerate(starts):
        end = starts[i + 1] if i + 1 < len(starts) else len(body)
        while end > start and body[end - 1].isspace():
            end -= 1
        bounds.append((start, end))
    return bounds


def sentences_around(body: str, starts: list[int], start: int, end: int) -> str:
    """The sentence or sentences that contain body[start:end]."""
    import bisect

    if not starts:
        return body[start:end]
    first = max(bisect.bisect_right(starts, start) - 1, 0)
    last = max(bisect.bisect_right(starts, max(end - 1, start)) - 1, first)
    bounds = sentence_bounds(body, starts)
    return body[bounds[first][0] : bounds[last][1]]


# --- Vocabulary matching: names of the vocabulary found in a text. ---

# Names matched with their case: a short all-capital name ("US", "EU", "KH") would otherwise
# find the everyday word it spells ("us"). Longer ones ("NATO", "IRGC") spell no word.
_CASE_SENSITIVE_UP_TO = 3

# The matchers of the latest vocabulary version only: a new version replaces them.
_matchers: dict[str, tuple] = {}


def _is_acronym(name: str) -> bool:
    return name.isupper() and len(name) <= _CASE_SENSITIVE_UP_TO


def _build_matchers(phrases: Sequence[tuple[str, int]]) -> tuple:
    from spacy.matcher import PhraseMatcher

    nlp = pipeline()
    by_case = {True: PhraseMatcher(nlp.vocab, attr="ORTH"), False: PhraseMatcher(nlp.vocab, attr="LOWER")}
    grouped: dict[tuple[bool, int], list[str]] = {}
    for name, term_id in phrases:
        grouped.setdefault((_is_acronym(name), term_id), []).append(name)
    for (exact, term_id), names in grouped.items():
        by_case[exact].add(str(term_id), list(nlp.tokenizer.pipe(names)))
    return by_case[False], by_case[True]


def phrase_matches(text: str, version: str, phrases: Sequence[tuple[str, int]]) -> list[tuple[int, int, int]]:
    """(start, end, term id) of every vocabulary name in `text`, code-point offsets, end exclusive.

    `phrases` are (name, term id) pairs; the matchers are built from them once per `version` and
    reused while the version stays the same (the phrases are then not read again). Names match
    case-insensitively, token by token ("Rouhani" finds "ROUHANI" and "Rouhani's" but not
    "Rouhanis"); short all-capital names match with their case. Where matches overlap the longest
    wins (the earliest among equals)."""
    from spacy.util import filter_spans

    cached = _matchers.get(version)
    if cached is None:
        cached = _build_matchers(phrases)
        _matchers.clear()
        _matchers[version] = cached
    nlp = pipeline()
    doc = nlp.make_doc(text)
    found = []
    for matcher in cached:
        found.extend(matcher(doc, as_spans=True))
    strings = nlp.vocab.strings
    return [(span.start_char, span.end_char, int(strings[span.label])) for span in filter_spans(found)]


# --- Words for the vocabulary rules (annotations/mentions/): fast, and as names need them. ---

# A dotted acronym ("U.S.", "U.K."), or letters and digits with apostrophes inside ("Kata'ib").
_WORD = re.compile(r"(?:[A-Z]\.){2,}(?:['’]s)?|[^\W_]+(?:['’][^\W_]+)*")
_HYPHENS = frozenset("-‐‑")
_SENTENCE_ENDS = frozenset('.!?:;\n“”"()[]•|')
_POSSESSIVE = ("'s", "’s", "'S", "’S")
_ABBREVIATED = frozenset(
    "gen lt maj brig col capt sgt cmdr adm sen rep gov mr mrs ms dr prof st jr sr mt ft".split()  # noqa: SIM905
)


class Words:
    """The words of a text, as parallel lists (the rules read them by index).

    `start`/`end`: code points, a possessive 's left out ("Iran's" is the word "Iran", `poss` set);
    `key`: folded (case, accents, apostrophes and the dots of acronyms dropped: "U.S." -> "us");
    `loose`: the key without a final s ("irans" -> "iran", "guards" -> "guard"), for four letters
    or more and not for capitals; `cap`: 0 lower case, 1 a capital, 2 all capitals; `link`: the
    word joins the one before into a name (only a space, a hyphen, or the full stop of an initial
    or an abbreviation between them); `sent`: the word may start a sentence (so its capital says
    nothing); `lower_keys`: the keys of the words written in lower case somewhere in the text.

    A regular expression and list operations instead of spaCy's tokenizer: 20,000 words in about
    10 ms instead of 50, and names are split at hyphens and kept whole at apostrophes as the
    vocabulary's folding (annotations.folding) compares them."""

    __slots__ = ("text", "start", "end", "key", "loose", "cap", "poss", "link", "sent", "lower_keys")

    def __init__(self, text: str) -> None:
        from itertools import accumulate

        self.text = text
        raw = _WORD.findall(text)
        gaps = _WORD.split(text)  # len(raw) + 1 pieces: the text before, between and after the words
        lengths = [0] * (2 * len(raw) + 1)
        lengths[0::2] = map(len, gaps)
        lengths[1::2] = map(len, raw)
        bounds = list(accumulate(lengths))
        self.start = bounds[0::2][: len(raw)]
        self.end = bounds[1::2]
        self.poss = [False] * len(raw)
        for i, word in enumerate(raw):
            if word.endswith(_POSSESSIVE) and len(word) > 2:
                raw[i] = word[:-2]
                self.end[i] -= 2
                self.poss[i] = True
        joined = "\x00".join(raw).lower().replace("'", "").replace("’", "").replace(".", "")
        self.key = joined.split("\x00") if raw else []
        if not joined.isascii():
            self.key = [key if key.isascii() else _fold_key(key) for key in self.key]
        self.loose = [
            key[:-1] if len(key) > 3 and key[-1] == "s" and not word.isupper() else key
            for key, word in zip(self.key, raw, strict=True)
        ]
        self.cap = [
            0 if word.islower() else 2 if word.isupper() else 0 if word.isdigit() else 1 for word in raw
        ]
        # Most gaps are one space: only the others are looked at one by one.
        self.link = [gap == " " for gap in gaps[: len(raw)]]
        self.sent = [False] * len(raw)
        self.lower_keys = {key for key, cap in zip(self.key, self.cap, strict=True) if cap == 0}
        if raw:
            self.link[0], self.sent[0] = False, True
        for i in [i for i, linked in enumerate(self.link) if not linked and i]:
            gap, before = gaps[i], self.key[i - 1]
            stripped = gap.strip(" ")
            if stripped in _HYPHENS:
                self.link[i] = True
            elif stripped == "." and gap.endswith(" ") and (before in _ABBREVIATED or len(before) == 1):
                self.link[i] = True  # "Maj. Gen. Qaani", "Donald J. Trump"
            elif not _SENTENCE_ENDS.isdisjoint(gap):
                self.sent[i] = True

    def __len__(self) -> int:
        return len(self.key)

    def span_text(self, first: int, last: int) -> str:
        """The text from word `first` to word `last` (inclusive)."""
        return self.text[self.start[first] : self.end[last]]


def _fold_key(word: str) -> str:
    """Accents off, as annotations.folding does ("erdoğan" -> "erdogan")."""
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def words(text: str) -> Words:
    """The words of `text` for the vocabulary rules (see Words)."""
    return Words(text)
