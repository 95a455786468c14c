"""RSS and Atom feeds (files, or standard input) → one article per entry, parsed by feedparser.

An entry's text is its full content (``content:encoded``, Atom ``content``) when the feed carries it,
else its summary; HTML in it is turned into paragraphs of plain text and then read like any text
article (boilerplate removal, at least ``MIN_ARTICLE_WORDS`` words). Feeds that carry only one-line
summaries therefore yield "no article text" errors for their entries, reported and skipped: samestory
does not fetch the linked pages.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

from ..errors import InputError, MalformedInputError, NoArticleTextError
from ..model import Article
from .text import read_text

#: An entry with fewer words than this is a teaser, not an article.
SUMMARY_WORDS = 40
_FEED_ROOT = re.compile(r"^\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*<(rss|feed|rdf:RDF)\b", re.S | re.I)


def looks_like_feed(text: str) -> bool:
    return bool(_FEED_ROOT.match(text[:2000]))


def _plain(html: str) -> str:
    """HTML fragment → paragraphs of text (block elements and <br> become paragraph breaks)."""
    import lxml.html

    if "<" not in html:
        return html
    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except Exception:  # noqa: BLE001 - lxml raises several kinds on broken fragments; treat as text
        return re.sub(r"<[^>]+>", " ", html)
    for el in root.iter("p", "div", "li", "h1", "h2", "h3", "h4", "blockquote", "br"):
        el.tail = "\n\n" + (el.tail or "")
    return re.sub(r"\n\s*\n\s*", "\n\n", root.text_content()).strip()


def iter_feed(text: str, source: str) -> Iterator[Article | InputError]:
    import feedparser

    parsed = feedparser.parse(text)
    if parsed.bozo and not parsed.entries:
        yield MalformedInputError(source, f"not a readable RSS or Atom feed ({parsed.get('bozo_exception')})")
        return
    if not parsed.entries:
        yield InputError(source, "the feed has no entries")
        return
    for n, e in enumerate(parsed.entries, 1):
        where = f"{source}#{n}"
        body = e.content[0].value if e.get("content") else e.get("summary", "")
        when = e.get("published_parsed") or e.get("updated_parsed")
        published = dt.datetime(*when[:6]).date().isoformat() if when else None
        text = _plain(body)
        if len(text.split()) < SUMMARY_WORDS:
            yield NoArticleTextError(where, f"the feed entry carries only a {len(text.split())}-word summary "
                                            f"({e.get('link') or 'no link'}); samestory does not fetch linked pages")
            continue
        try:
            yield read_text(text, source=where, title=e.get("title") or None, url=e.get("link") or None,
                            published=published, id=e.get("id") or e.get("link") or "")
        except InputError as err:
            yield err
