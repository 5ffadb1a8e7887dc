"""HTML pages: the article text and metadata that trafilatura finds in them."""

from __future__ import annotations

from corpus.importers.drafts import Draft, Refusal, _set_metadata

HTML_MIN_WORDS = 12
# Beyond this many characters a page's date is looked for only where pages state it (meta tags, <time>,
# the URL), not in all of its text: htmldate's search through the text was 40% of the time of a 5 MB
# page, and a news page (50-300 KB) is searched in full. Beyond it, too, trafilatura takes its own
# extraction without comparing it with its fallback extractors (readability, jusText): on a page that
# long the comparison cost a quarter of the reading (2.0 → 1.5 s of CPU for 5 MB, 2026-11-29).
EXTENSIVE_DATE_SEARCH_MAX = 500_000


def _read_html(text: str, name: str) -> Draft:
    import trafilatura
    from trafilatura.settings import set_date_params

    document = trafilatura.bare_extraction(
        text,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        include_images=False,
        date_extraction_params=set_date_params(extensive=len(text) <= EXTENSIVE_DATE_SEARCH_MAX),
        fast=len(text) > EXTENSIVE_DATE_SEARCH_MAX,
    )
    # With no main text trafilatura falls back to whatever the page holds ("Home | World"):
    # a handful of words is navigation, not an article.
    words = len((document.text or "").split()) if document is not None else 0
    if words < HTML_MIN_WORDS:
        raise Refusal(f"no article text found in the HTML page ({words} words outside the page furniture)")
    draft = Draft(name=name, text=document.text)
    found = {
        "title": document.title,
        "authors": document.author,
        "source": document.sitename,
        "published": document.date,
        "url": document.url,
        "language": document.language,
    }
    _set_metadata(draft, {k: v for k, v in found.items() if v})
    return draft
