"""Turning raw scraped text into the body every offset points into.

Two jobs, applied to every import whatever its format:

- `normalise`: Unicode NFC, "\\n" line endings, lines stripped, paragraphs separated by exactly
  one blank line. The reader splits the body on "\\n\\n", so this shape is a contract.
- `clean_article`: leave out what a scrape drags in around the article: the title, date and
  by-lines that became metadata, site furniture ("Navigate to … section", photo credits,
  "Read more", newsletter pitches) and the author bio or sign-off at the end.

Every rule is general (a line pattern or a position rule) and conservative: when in doubt a line
stays, because a dropped paragraph is lost to the analyst while a stray line is only noise.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

PARAGRAPH_BREAK = "\n\n"

# Line and paragraph separators other than "\n" that scrapes carry.
_LINE_BREAK_CHARS = "\u2028\x0b\x0c\x85"
_PARAGRAPH_SEPARATOR = "\u2029"
# C0 controls except tab and newline, DEL, and byte-order marks left inside the text.
_JUNK_CHARS = "".join(map(chr, [*range(0x00, 0x09), *range(0x0E, 0x20), 0x7F, 0xFEFF]))
_LINE_BREAKS = re.compile(f"[{_LINE_BREAK_CHARS}]")
_INVISIBLE_JUNK = re.compile(f"[{re.escape(_JUNK_CHARS)}]")

# The agency credit that ends a photo's caption (a whole line's end: see CREDIT_RULE).
_AGENCY_CREDIT = (
    r"(getty images|/(afp|reuters|ap|epa|epa-efe|anadolu|anadolu agency|xinhua|sipa)( photo)?)\)?"
)

# A line is furniture when it matches one of these, whole (case-insensitive). The length caps keep
# a real paragraph that merely starts the same way from ever matching.
FURNITURE_LINES: dict[str, re.Pattern[str]] = {
    name: re.compile(pattern, re.IGNORECASE)
    for name, pattern in {
        "section navigation": r"navigate to .{1,80} section",
        "read more link": r"(read more|read also|read next|continue reading)(\s*[.…»])?"
        r"|(read more|see also)\s*:.{1,150}",
        "newsletter pitch": r"(like this (article|story)\?"
        r"|sign up (for|to) (our|the) .{0,80}(newsletter|digest)"
        r"|subscribe to our newsletter).{0,250}",
        "posted-on line": r"posted on\s*:.{0,200}",
        "original publication line": r"original(ly)? publi(cation|shed)\b.{0,150}",
        "source attribution": r"source\s*:.{1,200}",
        "comment prompt": r"leave a (reply|comment)|\d+ comments?|comments",
        "advertisement": r"advertisement|sponsored content",
        "share prompt": r"share (this( article| story)?|on \w+)\s*:?",
        # "Photos (M): Reuters (2); Anadolu …", "Photo: AP", "Image credit: …"
        "photo credit": r"(photos?|pictures?|images?|credits?|(photo|image) credits?)"
        r"\s*(\([^)]{0,10}\))?\s*:.{0,300}",
        # A credit, or a caption that ends in one: "… Dec. 11, 2017ATTA KENARE/AFP via Getty Images".
        "caption with agency credit": r".{0,400}" + _AGENCY_CREDIT,
    }.items()
}
# The caption rule's `.{0,400}` has the regex engine try the credit at every position of a line (6 µs
# a line, ten times every other rule together), so a line is only tried whose end holds a credit.
CREDIT_RULE = "caption with agency credit"
_CREDIT_AT_END = re.compile(_AGENCY_CREDIT + r"\Z", re.IGNORECASE)
_CREDIT_MAX_CHARS = 30

# Furniture glued to the end of a paragraph: "…that threatRead More – Source". Each pattern starts with
# the literal beside it, looked for first (a tenth of the regex's search); the space before it goes
# with rstrip().
FURNITURE_TAILS: dict[str, tuple[str, re.Pattern[str]]] = {
    "read more tail": ("Read More", re.compile(r"Read More\s*[–—-]\s*Source\s*$")),
}

_NOT_ALNUM = re.compile(r"[\W_]+")
# "AUTHOR", "About the authors": the heading of a bio block at the end of a page.
_BIO_HEADING = re.compile(r"(about the )?authors?:?", re.IGNORECASE)
# "Location: Moscow, Russia", "Field of expertise: …": labelled lines of a bio block.
_BIO_LABEL = re.compile(r"[A-Z][\w ]{1,30}:\s")
_TERMINAL = tuple(".!?:;…\"”’')]»")
_DATE_PREFIX = re.compile(
    r"^(published|posted|updated|last updated|posted on|published on|date)\s*(on)?\s*:?\s*", re.IGNORECASE
)
_ORDINAL = re.compile(r"\b(\d{1,2})(st|nd|rd|th)\b")
# A date's text is at most 40 characters once its prefix ("Last updated on:") and its ordinals' letters
# are taken off; a line longer than this cannot be one.
_LONGEST_DATE_LINE = 100
# Every format below (and ISO) has a four-digit year, or a two-digit one after day.month.: text
# without either is no date, and is refused before trying 22 formats (strptime keeps only its last
# 5 compiled formats, so each try compiles a regex: 0.5 ms a line, the importer's slowest step).
_MAY_BE_DATE = re.compile(r"\d{4}|\d{1,2}\.\d{1,2}\.\d{2}")
_DATE_FORMATS = (
    "%Y-%m-%d",
    "%B %d, %Y",
    "%B %d %Y",
    "%b %d, %Y",
    "%b %d %Y",
    "%b. %d, %Y",
    "%A, %B %d, %Y",
    "%d %B %Y",
    "%d %b %Y",
    "%A %d %B %Y",
    "%m/%d/%Y",
    "%m/%d/%Y, %I:%M:%S %p",
    "%m/%d/%Y %I:%M:%S %p",
    "%m/%d/%Y, %I:%M %p",
    "%m/%d/%Y %I:%M %p",
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y %H:%M:%S",
    "%d.%m.%Y",
    "%d.%m.%y",
    "%d.%m.%Y %H:%M",
    "%Y/%m/%d",
    "%Y.%m.%d",
)


@dataclass
class CleanedText:
    body: str
    # A date found on its own line in the header (a dateline), for articles without metadata.
    dateline: dt.date | None = None


def normalise(text: str) -> str:
    """NFC, "\\n" line endings, lines stripped, paragraphs separated by exactly one blank line."""
    return _join(_blocks(text))


def clean_article(
    text: str,
    *,
    title: str = "",
    standfirst: str = "",
    source: str = "",
    authors: Sequence[str] = (),
) -> CleanedText:
    """The article's own text: normalised, without header metadata, furniture and author bio."""
    blocks = _blocks(text)
    if len(blocks) == 1 and len(blocks[0]) > 1:
        # No blank line anywhere: the scrape put one paragraph per line.
        blocks = [[line] for line in blocks[0]]
    blocks = _drop_furniture(blocks)
    blocks, dateline = _drop_header(
        blocks, title=title, standfirst=standfirst, source=source, authors=authors
    )
    blocks = _drop_author_bio(blocks)
    blocks = _drop_sign_off(blocks, authors)
    blocks = _rejoin_broken_paragraphs(blocks)
    return CleanedText(body=_join(blocks), dateline=dateline)


def is_furniture(line: str) -> bool:
    return furniture_rule(line) is not None


def furniture_rule(line: str) -> str | None:
    """The name of the furniture rule a whole line matches, or None for a line of text."""
    candidate = line.strip()
    for name, pattern in FURNITURE_LINES.items():
        if name == CREDIT_RULE and not _CREDIT_AT_END.search(candidate, len(candidate) - _CREDIT_MAX_CHARS):
            continue
        if pattern.fullmatch(candidate):
            return name
    return None


def title_line(text: str) -> str:
    """The first line that can be a title: not empty, not furniture, not a date."""
    for raw in text.splitlines():
        line = normalise(raw)
        if line and not is_furniture(line) and parse_published(line) is None:
            return line
    return ""


def parse_published(value: object) -> dt.date | None:
    """A date from ISO strings and the common formats of news sites; None if it is not one.

    Slashes are read month first (US: "1/3/2020" is 3 January), dots day first ("10.01.20").
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        return None
    text = " ".join(value.split())
    if len(text) > _LONGEST_DATE_LINE:
        return None  # a paragraph: no prefix and ordinals taken off it would leave 40 characters
    text = _DATE_PREFIX.sub("", text).strip().rstrip(".")
    text = _ORDINAL.sub(r"\1", text)
    if not text or len(text) > 40 or not _MAY_BE_DATE.search(text):
        return None
    try:
        return _sane(dt.datetime.fromisoformat(text.replace("Z", "+00:00")).date())
    except ValueError:
        pass
    for fmt in _DATE_FORMATS:
        try:
            return _sane(dt.datetime.strptime(text, fmt).date())
        except ValueError:
            continue
    return None


def split_authors(value: object) -> list[str]:
    """Authors from a list or a string joined by ";" (a leading "By" dropped)."""
    if value is None:
        return []
    items: Iterable[object] = value if isinstance(value, list | tuple) else str(value).split(";")
    authors = []
    for item in items:
        name = re.sub(r"^by\s+", "", " ".join(str(item).split()), flags=re.IGNORECASE)
        if name and name not in authors:
            authors.append(name)
    return authors


# --- the rules -------------------------------------------------------------------------------------


def _blocks(text: str) -> list[list[str]]:
    """Paragraphs as lists of lines: NFC, stripped lines, no empty paragraph."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace(_PARAGRAPH_SEPARATOR, "\n\n")
    # Both are rare: looking for each character (a fast search) costs a tenth of the regex's pass.
    if _holds_any(text, _LINE_BREAK_CHARS):
        text = _LINE_BREAKS.sub("\n", text)
    if _holds_any(text, _JUNK_CHARS):
        text = _INVISIBLE_JUNK.sub("", text)
    text = unicodedata.normalize("NFC", text)
    blocks: list[list[str]] = [[]]
    for raw in text.split("\n"):
        line = raw.strip()
        if line:
            blocks[-1].append(line)
        elif blocks[-1]:
            blocks.append([])
    return [b for b in blocks if b]


def _holds_any(text: str, characters: str) -> bool:
    return any(character in text for character in characters)


def _join(blocks: list[list[str]]) -> str:
    return PARAGRAPH_BREAK.join("\n".join(lines) for lines in blocks if lines)


def _drop_furniture(blocks: list[list[str]]) -> list[list[str]]:
    kept = []
    for lines in blocks:
        cleaned = []
        for line in lines:
            for literal, pattern in FURNITURE_TAILS.values():
                if literal in line:
                    line = pattern.sub("", line).rstrip()
            if line and not is_furniture(line):
                cleaned.append(line)
        if cleaned:
            kept.append(cleaned)
    return kept


def _key(text: str) -> str:
    """Letters and digits only, case-folded: "REVENGE FOR …'S KILLING" equals "Revenge for …’s Killing"."""
    # [\W_] is exactly what str.isalnum() refuses; one regex pass is ten times a loop over characters.
    return _NOT_ALNUM.sub("", unicodedata.normalize("NFKC", text).casefold())


def _drop_header(
    blocks: list[list[str]], *, title: str, standfirst: str, source: str, authors: Sequence[str]
) -> tuple[list[list[str]], dt.date | None]:
    """Leading lines that repeat the metadata: title, standfirst, source, authors, a date."""
    known = {key for key in map(_key, (title, standfirst, source, *authors)) if key}
    by_lines = {_key(f"by {author}") for author in authors}
    dateline = None
    while blocks:
        line = blocks[0][0]
        key = _key(line)
        date = parse_published(line)
        if key in known or key in by_lines or date is not None:
            dateline = dateline or date
            blocks = [blocks[0][1:], *blocks[1:]] if len(blocks[0]) > 1 else blocks[1:]
        else:
            break
    return blocks, dateline


def _is_bio_line(line: str) -> bool:
    return (len(line) <= 80 and not line.endswith(".")) or bool(_BIO_LABEL.match(line))


def _drop_author_bio(blocks: list[list[str]]) -> list[list[str]]:
    """From an "AUTHOR" heading near the end, if all that follows reads as a bio (name, titles,
    "Label: value" lines)."""
    lines = [(b, line) for b, block in enumerate(blocks) for line in block]
    for i in range(len(lines) - 1, max(len(lines) - 15, 0) - 1, -1):
        block_index, line = lines[i]
        if _BIO_HEADING.fullmatch(line) and blocks[block_index][0] == line and i > 0:
            rest = [text for _, text in lines[i + 1 :]]
            if rest and all(_is_bio_line(text) for text in rest):
                return blocks[:block_index]
    return blocks


def _drop_sign_off(blocks: list[list[str]], authors: Sequence[str]) -> list[list[str]]:
    """The author's name (and a short affiliation) closing the text, or a one-line
    "<Author> is <role>." note, as long as it is one of the known authors."""
    if not authors or len(blocks) < 2:
        return blocks
    names = [(_key(a), a.casefold()) for a in authors if _key(a)]
    flat = [(b, n) for b, block in enumerate(blocks) for n in range(len(block))]
    for i in range(len(flat) - 1, max(len(flat) - 4, 0) - 1, -1):
        b, n = flat[i]
        line = blocks[b][n]
        folded = line.casefold()
        is_name = any(_key(line) == key for key, _ in names)
        is_note = len(line) <= 300 and any(folded.startswith(f"{name} is ") for _, name in names)
        if not (is_name or is_note):
            continue
        if i == 0:
            break
        after = [blocks[bb][nn] for bb, nn in flat[i + 1 :]]
        if all(len(text) <= 100 and not text.endswith(".") for text in after):
            head = blocks[:b]
            return [*head, blocks[b][:n]] if n else head
    return blocks


def _ends_open(lines: list[str]) -> bool:
    return not lines[-1].endswith(_TERMINAL)


def _rejoin_broken_paragraphs(blocks: list[list[str]]) -> list[list[str]]:
    """A blank line in mid-sentence: a paragraph that ends without punctuation followed by one that
    starts lower-case is one paragraph ("…will reduce the" + "ability of the Iranians…")."""
    joined: list[list[str]] = []
    for lines in blocks:
        if joined and _ends_open(joined[-1]) and lines[0][:1].islower() and len(joined[-1][-1].split()) > 3:
            previous = joined[-1]
            joined[-1] = [*previous[:-1], f"{previous[-1]} {lines[0]}", *lines[1:]]
        else:
            joined.append(list(lines))
    return joined


def _sane(date: dt.date) -> dt.date | None:
    return date if 1800 <= date.year <= 2200 else None
