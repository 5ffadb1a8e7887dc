"""Drafts (one article as read from its file), refusals, and the metadata that fills a draft."""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from corpus.cleaning import parse_published, split_authors
from corpus.models import Article

URL_MAX_LENGTH = Article._meta.get_field("url").max_length


class Refusal(Exception):
    """A file or line that cannot be imported; the message says why."""


@dataclass
class Draft:
    """One article as read from its file, before cleaning."""

    name: str
    text: str
    filename: str = ""
    line: int | None = None
    title: str = ""
    standfirst: str = ""
    source: str = ""
    authors: list[str] = field(default_factory=list)
    published: dt.date | None = None
    url: str = ""
    language: str = "en"
    warnings: list[str] = field(default_factory=list)


def _set_metadata(draft: Draft, values: dict) -> None:
    """Metadata from a manifest row, a JSONL/CSV row or the HTML; empty values change nothing."""
    for key in ("title", "standfirst", "source"):
        value = values.get(key)
        if isinstance(value, str | int | float) and str(value).strip():
            setattr(draft, key, _one_line(str(value)))
    if values.get("authors"):
        draft.authors = [_one_line(name) for name in split_authors(values["authors"])]
    language = values.get("language")
    if isinstance(language, str) and language.strip():
        draft.language = language.strip()[:16]
    published = values.get("published")
    if published:
        parsed = parse_published(published)
        if parsed is None:
            draft.warnings.append(f'published "{published}" is not a date I can read; left empty')
        else:
            draft.published = parsed
    url = values.get("url")
    if isinstance(url, str) and url.strip():
        url = url.strip()
        if len(url) > URL_MAX_LENGTH:
            draft.warnings.append(f"url longer than {URL_MAX_LENGTH} characters; left empty")
            return
        try:
            URLValidator(schemes=["http", "https"])(url)
            draft.url = url
        except ValidationError:
            draft.warnings.append(f'url "{url}" is not a web address; left empty')


def _one_line(value: str) -> str:
    """A metadata value as one NFC line, like the body it describes."""
    return unicodedata.normalize("NFC", " ".join(value.split()))
