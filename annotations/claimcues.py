"""Pre-filling a claim from its text: every rule in one place, over spaCy tokens and lexicons.

The pipeline is `spacy.blank("en")` with rule-based sentences (corpus/nlp.py): tokens, no part-of-speech
tags, no parser. So the rules read words, not grammar: lexicons of cue words with all their
inflections, quotation marks, and the vocabulary's names (the same phrase matcher as the reader's
suggestions). What they suggest is shown in the claim form, marked as suggested, for the analyst to
confirm or change; nothing here is ever saved on its own.

Where the rules look: the reporting verb and the speaker in the *sentence(s)* that hold the passage
(for a passage inside a quotation, also the sentences the quotation spans: the reporting clause often
sits after the closing mark); hedges, modality and claim type in the *clauses* that hold the passage
or its reporting verb (the sentence cut at ; : – and —).

- attribution_type: `direct_quote` when at least a third of the passage lies inside quotation marks
  (straight " or curly “ ” ‘ ’, a ’ between letters being an apostrophe); `indirect_quote_paraphrase`
  when a reporting verb stands in the sentence; `author_assertion` otherwise.
- reporting_verb: the word of REPORTING_VERBS nearest the passage, outside quotation marks (a verb
  inside them is part of what is quoted), with its offsets. A form that is also a noun ("claims",
  "call", "warning") counts only when no determiner or possessive stands right before it ("its
  claims", "Trump's call" are nouns), nor a hyphen ("so-called").
- speaker: the vocabulary actor nearest that verb in the verb's sentence, on the subject side: the
  nearest one before the verb, or, when none stands before it, the nearest one after it ("…," said
  Khamenei); for a verb outside quotation marks, only actors outside them; for a verb outside the
  passage, only actors outside the passage (what it says is not who says it). With no actor there, an
  unnamed source when the words next to the verb are a speaker phrase ending in a noun of
  UNNAMED_HEADS ("Analysts say", "…, said a spokesman"): those words, and the speaker role the noun
  suggests (expert_or_analyst, unnamed_official, eyewitness, spokesperson_or_statement). With no
  reporting verb, the author's voice.
- hedge_cues: the literal cues of HEDGES in those clauses, each with its offsets; certainty from the
  strongest cue: a denial (deny, reject) → denied; reportedly/allegedly → alleged_reported;
  may/might/could (perhaps, possibly) → possible; likely/probably (unlikely, seems, appears to,
  apparently, arguably) → probable; otherwise asserted_certain (boosters such as "clearly" and
  "no doubt" are listed as cues too).
- event_modality: if/would/unless → hypothetical; not/n't/never → negated; will/shall/'ll, vow,
  threaten, pledge, promise (any form, "vows to", "vowed revenge"), going to → future; otherwise
  actual (first match in that order).
- claim_type: threaten/vow/warn → threat; call for/call on/urge/demand → demand; deny → denial;
  condemn/praise/blast (criticise, denounce, slam, hail, mock) → evaluation_opinion; justify →
  justification; will/expected to → prediction; otherwise factual_assertion (first match in that
  order).
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from annotations.claim_lexicon import (  # noqa: F401 (the lexicons, also read as claimcues.NAME)
    _REPORTING_LEXICON,
    ADJECTIVAL_PAST,
    ALLEGED,
    CALL_WORDS,
    CERTAIN,
    CERTAINTY_ORDER,
    CLAUSE_BREAKS,
    CLOSING_DOUBLE,
    CLOSING_SINGLE,
    COMMITMENT_WORDS,
    DEMAND_WORDS,
    DENIAL_WORDS,
    DENIED,
    DENY_WORDS,
    DETERMINERS,
    EVALUATION_WORDS,
    FORM_TO_LEMMA,
    FUTURE_WORDS,
    HEDGES,
    HYPOTHETICAL_WORDS,
    INVERTING,
    JUSTIFICATION_WORDS,
    MULTIWORD_REPORTING,
    NEGATION_WORDS,
    NOT_BEFORE_SPEAKER,
    OPENING_DOUBLE,
    OPENING_SINGLE,
    PAST_FORMS,
    POSSIBLE,
    PROBABLE,
    REPORTING_VERBS,
    SPEAKER_PHRASE_STOPS,
    SPEAKER_PHRASE_WORDS,
    STRAIGHT_DOUBLE,
    THREAT_WORDS,
    UNNAMED_HEADS,
    WILL_AS_NOUN_AFTER,
)
from corpus.nlp import analyse, phrase_matches, pipeline, sentence_bounds


@dataclass
class Cue:
    text: str
    start: int
    end: int

    def as_dict(self) -> dict[str, Any]:
        return {"text": self.text, "start": self.start, "end": self.end}


@dataclass
class Prefill:
    """What the rules suggest for a claim. `speaker` is a term id (an actor), `speaker_kind` is
    "actor", "author" or "" (no suggestion); `why` says, per field, which words suggested it."""

    attribution_type: str
    reporting_verb: str = ""
    reporting_verb_start: int | None = None
    reporting_verb_end: int | None = None
    speaker: Any = None
    speaker_kind: str = ""
    unnamed_speaker: str = ""
    speaker_role: str = ""
    hedge_cues: list[Cue] = field(default_factory=list)
    certainty: str = CERTAIN
    event_modality: str = "actual"
    claim_type: str = "factual_assertion"
    why: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """The suggestion as claim values (what clean_claim_values takes)."""
        return {
            "speaker_kind": self.speaker_kind,
            "speaker": self.speaker,
            "unnamed_speaker": self.unnamed_speaker,
            "speaker_role": self.speaker_role,
            "attribution_type": self.attribution_type,
            "reporting_verb": self.reporting_verb,
            "reporting_verb_start": self.reporting_verb_start,
            "reporting_verb_end": self.reporting_verb_end,
            "hedge_cues": [cue.as_dict() for cue in self.hedge_cues],
            "certainty": self.certainty,
            "event_modality": self.event_modality,
            "claim_type": self.claim_type,
        }


@dataclass
class _Token:
    text: str
    low: str  # lower case, curly apostrophes made straight
    start: int
    end: int


# --- Entry points. ---


def prefill_for(article, start: int, end: int) -> Prefill:
    """The suggestion for a passage body[start:end] of a stored article, with the vocabulary's actors
    as the reader finds them in the article (its suggestions, cached per article and vocabulary)."""
    from annotations.models import Term
    from annotations.suggestions import suggestions_with_labels

    body = article.body
    starts = article.ensure_sentence_starts()
    names, _labels = suggestions_with_labels(article, [])
    near = [name for name in names if start - 2000 < name[0] < end + 2000]
    actor_ids = set(Term.objects.actors().filter(pk__in={n[2] for n in near}).values_list("pk", flat=True))
    actors = [name for name in near if name[2] in actor_ids]
    return prefill_text(body, start, end, sentence_starts=starts, actors=actors)


def prefill_text(
    text: str,
    start: int | None = None,
    end: int | None = None,
    *,
    sentence_starts: list[int] | None = None,
    actors: Sequence[tuple[int, int, Any]] | Any = None,
) -> Prefill:
    """The suggestion for the passage text[start:end] (the whole text when no offsets are given).

    `actors` are the vocabulary actors named in the text, as (start, end, id) code-point ranges, or a
    function that finds them in a piece of text (offsets relative to that piece); None looks them up
    in the database's vocabulary. `sentence_starts` are computed when not given."""
    if start is None or end is None:
        start, end = 0, len(text)
    if sentence_starts is None:
        sentence_starts = next(analyse([text]))[1] if text else []
    sentences = sentence_bounds(text, sentence_starts) or [(0, len(text))]
    quotes = quoted_regions(text, *_lines_around(text, start, end))

    passage_first, passage_last = _sentence_range(sentences, start, end)
    scope = (sentences[passage_first][0], sentences[passage_last][1])
    inside = _enclosing_quote(quotes, start, end)
    verb_scope = scope
    if inside is not None:
        first, last = _sentence_range(sentences, min(start, inside[0]), max(end, inside[1]))
        verb_scope = (sentences[first][0], sentences[last][1])

    tokens = _tokens(text, *verb_scope)
    scope_tokens = [token for token in tokens if scope[0] <= token.start and token.end <= scope[1]]
    result = Prefill(attribution_type="author_assertion")

    around = (min(start, inside[0]), max(end, inside[1])) if inside else (start, end)
    verb = _reporting_verb(tokens, quotes, around)
    if inside is not None:
        result.attribution_type = "direct_quote"
        result.why["attribution_type"] = "inside quotation marks"
    elif verb is not None:
        result.attribution_type = "indirect_quote_paraphrase"
        result.why["attribution_type"] = f"reporting verb “{verb.text}”"
    else:
        result.why["attribution_type"] = "no quotation marks, no reporting verb"
    if verb is not None:
        result.reporting_verb = verb.text
        result.reporting_verb_start, result.reporting_verb_end = verb.start, verb.end
        first, last = _sentence_range(sentences, verb.start, verb.end)
        verb_sentence = (sentences[first][0], sentences[last][1])
        speaker = _nearest_actor(text, verb_sentence, verb, quotes, actors, tokens, around)
        if speaker is not None:
            result.speaker, result.speaker_kind = speaker[2], "actor"
            result.why["speaker"] = f"“{text[speaker[0] : speaker[1]]}”, nearest “{verb.text}”"
        elif (unnamed := _unnamed_speaker(text, verb, tokens, quotes, around)) is not None:
            result.unnamed_speaker, result.speaker_role = unnamed
            result.speaker_kind = "unnamed"
            result.why["speaker"] = f"“{result.unnamed_speaker}” names no vocabulary actor"
            result.why["speaker_role"] = f"“{result.unnamed_speaker}”"
    elif inside is None:
        result.speaker_kind = "author"
        result.why["speaker"] = "no reporting verb: the author's own voice"

    # Cues are read in the clause of the passage (and of its reporting verb), not across the sentence:
    # "US officials say X – allegations Iran has denied" does not make X a denial.
    cue_tokens = _clauses(scope_tokens, [(start, end)] + ([(verb.start, verb.end)] if verb else []))
    _certainty(result, cue_tokens, text)
    _modality(result, cue_tokens)
    _claim_type(result, cue_tokens)
    return result


def vocabulary_actors(piece: str) -> list[tuple[int, int, int]]:
    """The active vocabulary actors named in `piece`: (start, end, term id), as the reader's
    suggestions find them (names two terms share are left out)."""
    from annotations.models import Term
    from annotations.suggestions import vocabulary_phrases, vocabulary_version

    phrases, _labels = vocabulary_phrases()
    found = phrase_matches(piece, vocabulary_version(), phrases)
    actor_ids = set(
        Term.objects.actors()
        .filter(pk__in={term_id for _s, _e, term_id in found})
        .values_list("pk", flat=True)
    )
    return [match for match in found if match[2] in actor_ids]


# --- Quotation marks. ---


def _lines_around(text: str, start: int, end: int) -> tuple[int, int]:
    """The lines (paragraphs) that hold the passage: quotation marks pair up within a line."""
    low = text.rfind("\n", 0, start) + 1
    high = text.find("\n", end)
    return low, len(text) if high < 0 else high


def quoted_regions(text: str, low: int = 0, high: int | None = None) -> list[tuple[int, int]]:
    """(start, end) of each quotation in text[low:high], quotation marks included, line by line.

    “ and ‘ open, ” and ’ close (a ’ between letters, or before a letter, is an apostrophe), a
    straight " opens or closes whatever is open. A quotation still open at the end of a line ends
    there (the next paragraph of a long quotation opens again); a closing mark with nothing open
    closes a quotation begun on an earlier line."""
    high = len(text) if high is None else high
    regions: list[tuple[int, int]] = []
    line_start = low
    double: int | None = None
    single: int | None = None
    for i in range(low, high + 1):
        char = text[i] if i < high else "\n"
        if char == "\n":
            if double is not None:
                regions.append((double, i))
            if single is not None and double is None:
                regions.append((single, i))
            double = single = None
            line_start = i + 1
            continue
        before = text[i - 1] if i > 0 else " "
        after = text[i + 1] if i + 1 < len(text) else " "
        if char in OPENING_DOUBLE:
            double = i
        elif char in CLOSING_DOUBLE:
            regions.append((double if double is not None else line_start, i + 1))
            double = None
        elif char == STRAIGHT_DOUBLE:
            if double is None:
                double = i
            else:
                regions.append((double, i + 1))
                double = None
        elif char == OPENING_SINGLE and not before.isalnum():
            single = i
        elif char == CLOSING_SINGLE and single is not None and not after.isalnum():
            regions.append((single, i + 1))
            single = None
    return sorted(regions)


def _enclosing_quote(quotes: list[tuple[int, int]], start: int, end: int) -> tuple[int, int] | None:
    """The quotation the passage sits in: quotations cover at least a third of it (a whole sentence
    selected with its "…, X said." tail still counts; a scare-quoted word in a long sentence does not).
    Returns the quotation that covers most of it, or None."""
    if end <= start:
        return None
    best, most, total = None, 0, 0
    for q_start, q_end in quotes:
        overlap = max(0, min(end, q_end) - max(start, q_start))
        total += overlap
        if overlap > most:
            best, most = (q_start, q_end), overlap
    return best if best is not None and total * 3 >= end - start else None


def _inside_any(quotes: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(q_start <= start and end <= q_end for q_start, q_end in quotes)


# --- Sentences and tokens. ---


def _sentence_range(sentences: list[tuple[int, int]], start: int, end: int) -> tuple[int, int]:
    starts = [s for s, _e in sentences]
    first = max(bisect.bisect_right(starts, start) - 1, 0)
    last = max(bisect.bisect_right(starts, max(end - 1, start)) - 1, first)
    return first, last


def _tokens(text: str, low: int, high: int) -> list[_Token]:
    """The tokens of text[low:high], offsets in text (code points)."""
    doc = pipeline().make_doc(text[low:high])
    return [
        _Token(t.text, t.text.lower().replace("’", "'"), low + t.idx, low + t.idx + len(t.text))
        for t in doc
        if not t.is_space
    ]


def _clauses(tokens: list[_Token], ranges: list[tuple[int, int]]) -> list[_Token]:
    """The tokens of the clauses (pieces of the sentence between ; : – — and --) that overlap any of
    `ranges`, in order."""
    clauses: list[list[_Token]] = [[]]
    for token in tokens:
        if token.text in CLAUSE_BREAKS:
            clauses.append([])
        else:
            clauses[-1].append(token)
    kept = []
    for clause in clauses:
        if clause and any(clause[0].start < end and clause[-1].end > start for start, end in ranges):
            kept.extend(clause)
    return kept


def _is_noun_use(tokens: list[_Token], i: int) -> bool:
    """A verb form used as a noun or adjective: a determiner or possessive right before it, or the
    end of a hyphenated word ("so-called", "much-reported")."""
    if i == 0:
        return False
    before = tokens[i - 1]
    if before.low == "-" and before.end == tokens[i].start:
        return True
    word = tokens[i].low
    if word in PAST_FORMS and word not in ADJECTIVAL_PAST:
        return False
    return before.low in DETERMINERS


# --- The rules. ---


def _reporting_verb(
    tokens: list[_Token], quotes: list[tuple[int, int]], around: tuple[int, int]
) -> _Token | None:
    """The reporting verb nearest the passage (and its quotation), outside quotation marks first."""
    found: list[_Token] = []
    for i, token in enumerate(tokens):
        for words, lemma in MULTIWORD_REPORTING.items():
            if tuple(t.low for t in tokens[i : i + len(words)]) == words:
                last = tokens[i + len(words) - 1]
                found.append(_Token(lemma, lemma, token.start, last.end))
        if token.low in FORM_TO_LEMMA and not _is_noun_use(tokens, i):
            found.append(token)
    if not found:
        return None
    # A verb inside quotation marks is part of what is quoted ("…would never say that…"), not its frame.
    candidates = [t for t in found if not _inside_any(quotes, t.start, t.end)]
    if not candidates:
        return None

    def distance(token: _Token) -> tuple[int, int]:
        if token.start < around[1] and token.end > around[0]:
            return (0, token.start)
        return (min(abs(token.start - around[1]), abs(around[0] - token.end)), token.start)

    return min(candidates, key=distance)


def _nearest_actor(
    text: str,
    sentence: tuple[int, int],
    verb: _Token,
    quotes: list[tuple[int, int]],
    actors,
    tokens: list[_Token],
    around: tuple[int, int],
) -> tuple[int, int, Any] | None:
    if actors is None:
        actors = vocabulary_actors
    if callable(actors):
        piece = text[sentence[0] : sentence[1]]
        found = [(sentence[0] + s, sentence[0] + e, term) for s, e, term in actors(piece)]
    else:
        found = [a for a in actors if sentence[0] <= a[0] and a[1] <= sentence[1]]
    # A verb outside quotation marks is said by someone outside them: names inside are what is said.
    verb_quoted = _inside_any(quotes, verb.start, verb.end)
    candidates = found if verb_quoted else [a for a in found if not _inside_any(quotes, a[0], a[1])]
    if verb.end <= around[0] or verb.start >= around[1]:
        # A verb outside the passage introduces it: the names inside the passage are what is said.
        candidates = [a for a in candidates if a[1] <= around[0] or a[0] >= around[1]]
    before = [a for a in candidates if a[1] <= verb.start]
    after = [a for a in candidates if a[0] >= verb.end and _speaks_after(verb, a, tokens)]
    nearest_before = max(before, key=lambda a: (a[1], -a[0])) if before else None
    nearest_after = min(after, key=lambda a: a[0]) if after else None
    if verb.start >= around[1]:
        # "<what was said>, said Khamenei": the speaker follows the verb; the words before are the claim.
        before_outside = [a for a in before if a[1] <= around[0] or a[0] >= around[1]]
        return nearest_after or (max(before_outside, key=lambda a: a[1]) if before_outside else None)
    # The subject side first: "US officials say the Quds Force…" is said by the US.
    return nearest_before or nearest_after


def _unnamed_speaker(
    text: str, verb: _Token, tokens: list[_Token], quotes: list[tuple[int, int]], around: tuple[int, int]
) -> tuple[str, str] | None:
    """(the words, the speaker role) of an unnamed source speaking through `verb`: the run of words right
    before it ("Iraqi security sources told"), or right after a verb that inverts ("said a spokesman"),
    outside the passage and quotation marks, ending in a noun of UNNAMED_HEADS. None otherwise."""
    at = next((i for i, token in enumerate(tokens) if token.start >= verb.start), len(tokens))
    after = next((i for i, token in enumerate(tokens) if token.start >= verb.end), len(tokens))

    def word(token: _Token) -> bool:
        return (
            token.low[:1].isalnum()
            and token.low not in SPEAKER_PHRASE_STOPS
            and not (token.start < around[1] and token.end > around[0])
            and not _inside_any(quotes, token.start, token.end)
        )

    before: list[_Token] = []
    for token in reversed(tokens[max(0, at - SPEAKER_PHRASE_WORDS) : at]):
        if not word(token):
            break
        before.insert(0, token)
    runs = [before]
    if FORM_TO_LEMMA.get(verb.low, verb.low) in INVERTING:
        following: list[_Token] = []
        for token in tokens[after : after + SPEAKER_PHRASE_WORDS]:
            if not word(token):
                break
            following.append(token)
        runs.append(following)
    for run in runs:
        if run and run[-1].low in UNNAMED_HEADS:
            return text[run[0].start : run[-1].end], UNNAMED_HEADS[run[-1].low]
    return None


def _speaks_after(verb: _Token, actor: tuple[int, int, Any], tokens: list[_Token]) -> bool:
    """An actor after the verb is its speaker only after a verb that inverts ("said Khamenei",
    "according to Iraq's army"), close to it, with no "that" or preposition between: after "blamed
    Iran", "urged Iraq" or "say that the US…" the actor is what the claim is about."""
    if FORM_TO_LEMMA.get(verb.low, verb.low) not in INVERTING:
        return False
    between = [t for t in tokens if verb.end <= t.start and t.end <= actor[0]]
    return len(between) <= 2 and not any(t.low in NOT_BEFORE_SPEAKER for t in between)


def _phrases(tokens: list[_Token], lexicon: Iterable[tuple[str, ...]]) -> list[tuple[int, tuple[str, ...]]]:
    """(index of the first token, phrase) of each occurrence of a lexicon phrase."""
    phrases = sorted(set(lexicon), key=len, reverse=True)
    found, taken = [], set()
    for i in range(len(tokens)):
        for phrase in phrases:
            span = range(i, i + len(phrase))
            if any(j in taken for j in span):
                continue
            if tuple(t.low for t in tokens[i : i + len(phrase)]) == phrase:
                found.append((i, phrase))
                taken.update(span)
    return found


def _certainty(result: Prefill, tokens: list[_Token], text: str) -> None:
    cues: list[Cue] = []
    signals: dict[str, str] = {}
    for i, phrase in _phrases(tokens, HEDGES):
        first, last = tokens[i], tokens[i + len(phrase) - 1]
        if phrase == ("may",) and first.text == "May" and i > 0:
            continue  # the month
        cue = Cue(text[first.start : last.end], first.start, last.end)
        cues.append(cue)
        signals.setdefault(HEDGES[phrase], cue.text)
    for token in tokens:
        if token.low in DENIAL_WORDS:
            signals.setdefault(DENIED, token.text)
    result.hedge_cues = cues
    for certainty in CERTAINTY_ORDER:
        if certainty in signals:
            result.certainty = certainty
            result.why["certainty"] = f"“{signals[certainty]}”"
            return
    result.certainty = CERTAIN
    result.why["certainty"] = "no hedge"


def _modality(result: Prefill, tokens: list[_Token]) -> None:
    lows = [t.low for t in tokens]

    def future(i: int) -> bool:
        word = lows[i]
        if word in FUTURE_WORDS:
            # "will" after a determiner is the noun ("of its own free will").
            return not (word == "will" and (i > 0 and lows[i - 1] in WILL_AS_NOUN_AFTER))
        if word in COMMITMENT_WORDS and not _is_noun_use(tokens, i):
            return True  # what is vowed or threatened lies ahead ("vowed ‘harsh revenge’")
        return word == "going" and i + 1 < len(lows) and lows[i + 1] == "to"

    checks = (
        ("hypothetical", lambda i: lows[i] in HYPOTHETICAL_WORDS),
        (
            "negated",
            lambda i: lows[i] in NEGATION_WORDS and not (i + 1 < len(lows) and lows[i + 1] == "only"),
        ),
        ("future", future),
    )
    _first_match(result, tokens, "event_modality", checks, otherwise="actual")


def _claim_type(result: Prefill, tokens: list[_Token]) -> None:
    lows = [t.low for t in tokens]

    def next_is(i: int, *words: str) -> bool:
        return i + 1 < len(lows) and lows[i + 1] in words

    def will(i: int) -> bool:
        return lows[i] in {"will", "'ll"} and not (i > 0 and lows[i - 1] in WILL_AS_NOUN_AFTER)

    checks = (
        ("threat", lambda i: lows[i] in THREAT_WORDS and not _is_noun_use(tokens, i)),
        (
            "demand",
            lambda i: (
                (lows[i] in DEMAND_WORDS and not _is_noun_use(tokens, i))
                or (lows[i] in CALL_WORDS and next_is(i, "for", "on") and not _is_noun_use(tokens, i))
            ),
        ),
        ("denial", lambda i: lows[i] in DENY_WORDS),
        ("evaluation_opinion", lambda i: lows[i] in EVALUATION_WORDS and not _is_noun_use(tokens, i)),
        ("justification", lambda i: lows[i] in JUSTIFICATION_WORDS),
        ("prediction", lambda i: will(i) or (lows[i] == "expected" and next_is(i, "to"))),
    )
    _first_match(result, tokens, "claim_type", checks, otherwise="factual_assertion")


def _first_match(
    result: Prefill,
    tokens: list[_Token],
    field: str,
    checks: Sequence[tuple[str, Callable[[int], bool]]],
    *,
    otherwise: str,
) -> None:
    """Set `field` to the value of the first check (in order) that some token matches, with that token as
    the why; `otherwise` when none does."""
    for value, matches in checks:
        for i in range(len(tokens)):
            if matches(i):
                setattr(result, field, value)
                result.why[field] = f"“{tokens[i].text}”"
                return
    setattr(result, field, otherwise)
