"""The sentence rule of the default pipeline (corpus.nlp): spaCy's Sentencizer computed on arrays must
give exactly the Sentencizer's boundaries, plus a start after every line break."""

from __future__ import annotations

import functools
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from corpus import nlp

DEMO = Path(__file__).resolve().parent.parent / "corpus" / "demo"
PIECES = [
    "word",
    "Iran",
    "U.S.",
    "Mr.",
    "3.5",
    ".",
    "!",
    "?",
    "?!",
    "...",
    "…",
    "。",
    "！",
    "‽",
    "\u201c",
    "\u201d",
    '"',
    "'",
    ")",
    "(",
    ",",
    ";",
    ":",
    "-",
    " ",
    "  ",
    "\n",
    "\n\n",
    " \n ",
    "\t",
    "🇮🇷",
    "e\u0301",
    "42",
]


@functools.cache
def reference():
    """The pipeline as it was: spaCy's own Sentencizer, then the line-break rule. Built when first
    needed: importing spaCy as the tests are collected would cost every test process 0.9 s."""
    spacy = nlp.load_spacy()  # our components registered
    pipeline = spacy.blank("en")
    pipeline.add_pipe("sentencizer")
    pipeline.add_pipe("paragraph_boundaries", after="sentencizer")
    return pipeline


def assert_same_sentences(text: str) -> None:
    ours, theirs = nlp.pipeline()(text), reference()(text)
    from spacy.attrs import SENT_START

    assert ours.to_array(SENT_START).tolist() == theirs.to_array(SENT_START).tolist(), repr(text)
    assert nlp._words_and_sentence_starts(ours) == nlp._words_and_sentence_starts(theirs)


def test_demo_articles_get_the_sentencizers_sentences():
    for path in sorted(DEMO.glob("*.txt")):
        assert_same_sentences(path.read_text(encoding="utf-8"))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=40).map("".join))
def test_any_text_gets_the_sentencizers_sentences(text):
    assert_same_sentences(text)


def test_empty_and_blank_texts():
    for text in ("", " ", "\n\n", "."):
        assert_same_sentences(text)


def test_starting_django_does_not_import_spacy():
    """spaCy costs a process 0.9 s to import: a management command or a worker's start need not pay it
    before it reads text (the pipeline imports it when first built)."""
    import os
    import subprocess
    import sys

    from django.conf import settings

    code = "import django, sys; django.setup(); import marginalia.urls; print('spacy' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "marginalia.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stdout.strip() == "False", result.stderr
