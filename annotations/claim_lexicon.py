"""The lexicons of the claim pre-fill rules (annotations/claimcues.py): reporting verbs with every
inflection, hedges and their certainty, modality and claim-type cue words, clause breaks and quotation
marks. Words only; the rules that read them are in claimcues.py."""

from __future__ import annotations

# --- Lexicons. Every inflection is listed: no stemmer guesses a form. ---

# The reporting verbs: "lemma: every form". A form missing on purpose is noted ("add" alone, "state(s)"
# are rarely reporting verbs). "according to" is found as two words (MULTIWORD_REPORTING).
_REPORTING_LEXICON = """
say: say says said saying
tell: tell tells told telling
claim: claim claims claimed claiming
warn: warn warns warned warning
vow: vow vows vowed vowing
allege: allege alleges alleged alleging
deny: deny denies denied denying
accuse: accuse accuses accused accusing
insist: insist insists insisted insisting
argue: argue argues argued arguing
blast: blast blasts blasted blasting
threaten: threaten threatens threatened threatening
announce: announce announces announced announcing
declare: declare declares declared declaring
add: adds added adding
report: report reports reported reporting
confirm: confirm confirms confirmed confirming
stress: stresses stressed stressing
explain: explain explains explained explaining
note: notes noted noting
write: write writes wrote written writing
tweet: tweet tweets tweeted tweeting
assert: assert asserts asserted asserting
state: stated stating
suggest: suggest suggests suggested suggesting
acknowledge: acknowledge acknowledges acknowledged acknowledging
admit: admit admits admitted admitting
reveal: reveal reveals revealed revealing
disclose: disclose discloses disclosed disclosing
describe: describe describes described describing
call: call calls called calling
urge: urge urges urged urging
demand: demand demands demanded demanding
condemn: condemn condemns condemned condemning
praise: praise praises praised praising
criticise: criticise criticises criticised criticising criticize criticizes criticized criticizing
denounce: denounce denounces denounced denouncing
slam: slam slams slammed slamming
hail: hail hails hailed hailing
reject: reject rejects rejected rejecting
blame: blame blames blamed blaming
mock: mock mocks mocked mocking
promise: promise promises promised promising
pledge: pledge pledges pledged pledging
predict: predict predicts predicted predicting
justify: justify justifies justified justifying
comment: comments commented commenting
emphasise: emphasise emphasises emphasised emphasising emphasize emphasizes emphasized emphasizing
underline: underlines underlined underlining
concede: concede concedes conceded conceding
according to:
"""
REPORTING_VERBS: dict[str, tuple[str, ...]] = {
    lemma.strip(): tuple(forms.split())
    for lemma, forms in (line.split(":") for line in _REPORTING_LEXICON.strip().splitlines())
}
# Verbs whose speaker may follow them ("…," said Khamenei; according to Iraq's army); and the words that,
# between such a verb and an actor, make the actor what is spoken of ("said that Iran…").
INVERTING = {"say", "add", "write", "explain", "note", "stress", "argue", "insist", "comment", "emphasise"}
INVERTING |= {"concede", "tweet", "according to"}
NOT_BEFORE_SPEAKER = {"that", "it", "to", "for", "on", "with", "about", "in", "of", "if", "how", "why"}
# Unnamed sources: the head noun of a speaker phrase that names no vocabulary actor ("Analysts say",
# "officials said", "…, said a spokesman"), with the speaker role it suggests.
UNNAMED_HEADS: dict[str, str] = {
    **dict.fromkeys(
        ("official", "officials", "source", "sources", "diplomat", "diplomats", "aide", "aides"),
        "unnamed_official",
    ),
    **dict.fromkeys(
        ("analyst", "analysts", "expert", "experts", "observer", "observers", "scholar", "scholars"),
        "expert_or_analyst",
    ),
    **dict.fromkeys(
        ("witness", "witnesses", "eyewitness", "eyewitnesses", "resident", "residents"), "eyewitness"
    ),
    **dict.fromkeys(("spokesman", "spokeswoman", "spokesperson"), "spokesperson_or_statement"),
}
# Words that end a speaker phrase read back from its verb (or forward, after a verb that inverts).
SPEAKER_PHRASE_STOPS = NOT_BEFORE_SPEAKER | {"and", "but", "or", "while", "which", "who", "as", "because"}
SPEAKER_PHRASE_WORDS = 6  # at most, head included
# Reporting expressions of several words: (words…) -> the lemma above.
MULTIWORD_REPORTING: dict[tuple[str, ...], str] = {("according", "to"): "according to"}

FORM_TO_LEMMA: dict[str, str] = {form: lemma for lemma, forms in REPORTING_VERBS.items() for form in forms}
PAST_FORMS = {
    form
    for forms in REPORTING_VERBS.values()
    for form in forms
    if form.endswith("ed") or form in {"said", "told", "wrote", "written"}
}
# A determiner or possessive right before one of these makes it a noun or an adjective:
# "its claims", "Trump's call", "a warning", "the alleged plot", "the reported attack".
DETERMINERS = {
    "a", "an", "the", "its", "their", "his", "her", "our", "my", "your", "this", "these", "those",
    "any", "no", "some", "every", "each", "such", "'s", "s'", "whose", "own",
}  # fmt: skip
# "That" is left out: it introduces verbs too ("a statement that warned…", "a step that will…").
# Before "will", these make it the noun ("of its own free will", "the popular will").
WILL_AS_NOUN_AFTER = DETERMINERS | {"free", "good", "ill", "popular", "political"}
ADJECTIVAL_PAST = {"alleged", "reported", "claimed", "stated", "declared", "promised", "called", "denied"}

# Cues of certainty: single words and phrases (lower case) -> the certainty they signal.
ALLEGED, POSSIBLE, PROBABLE, CERTAIN, DENIED = (
    "alleged_reported",
    "possible",
    "probable",
    "asserted_certain",
    "denied",
)
HEDGES: dict[tuple[str, ...], str] = {
    **{(word,): ALLEGED for word in ("reportedly", "allegedly", "alleged", "purportedly", "supposedly")},
    **{(word,): ALLEGED for word in ("reputedly",)},
    **{(word,): POSSIBLE for word in ("may", "might", "could", "perhaps", "possibly", "maybe")},
    **{(word,): PROBABLE for word in ("likely", "probably", "unlikely", "presumably", "arguably")},
    **{(word,): PROBABLE for word in ("seem", "seems", "seemed", "apparently", "seemingly")},
    **{(verb, "to"): PROBABLE for verb in ("appear", "appears", "appeared")},  # not "appeared in court"
    **{(word,): CERTAIN for word in ("clearly", "certainly", "undoubtedly", "definitely", "surely")},
    **{(word,): CERTAIN for word in ("obviously", "evidently")},
    ("no", "doubt"): CERTAIN,
    ("of", "course"): CERTAIN,
}
DENIAL_WORDS = set(REPORTING_VERBS["deny"]) | set(REPORTING_VERBS["reject"])
# The strongest cue decides: a denial over a report over a possibility over a probability.
CERTAINTY_ORDER = (DENIED, ALLEGED, POSSIBLE, PROBABLE, CERTAIN)

FUTURE_WORDS = {"will", "shall", "'ll", "wo"}  # spaCy splits "won't" into "wo" + "n't"
COMMITMENT_WORDS = {
    *REPORTING_VERBS["vow"], *REPORTING_VERBS["threaten"], *REPORTING_VERBS["pledge"],
    *REPORTING_VERBS["promise"],
}  # fmt: skip
NEGATION_WORDS = {"not", "n't", "never"}
HYPOTHETICAL_WORDS = {"if", "would", "unless", "'d"}

THREAT_WORDS = set(REPORTING_VERBS["threaten"]) | set(REPORTING_VERBS["vow"]) | set(REPORTING_VERBS["warn"])
DEMAND_WORDS = set(REPORTING_VERBS["urge"]) | set(REPORTING_VERBS["demand"])
CALL_WORDS = set(REPORTING_VERBS["call"])  # a demand with "for" or "on" after it
EVALUATION_WORDS = {
    form
    for lemma in ("condemn", "praise", "blast", "criticise", "denounce", "slam", "hail", "mock")
    for form in REPORTING_VERBS[lemma]
}
JUSTIFICATION_WORDS = set(REPORTING_VERBS["justify"])
DENY_WORDS = set(REPORTING_VERBS["deny"])

CLAUSE_BREAKS = {";", ":", "–", "—", "--"}
OPENING_DOUBLE, CLOSING_DOUBLE, STRAIGHT_DOUBLE = "“„«", "”»", '"'
OPENING_SINGLE, CLOSING_SINGLE = "‘", "’"
