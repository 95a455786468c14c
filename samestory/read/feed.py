"""RSS and Atom feeds (files, URLs, or standard input) → one article per entry, parsed by feedparser.

An entry's text is its full content (``content:encoded``, Atom ``content``) when the feed carries it,
else its summary; HTML in it is turned into paragraphs of plain text and then read like any text
article (boilerplate removal, at least ``MIN_ARTICLE_WORDS`` words). An entry with only a teaser
(under ``SUMMARY_WORDS`` words) is read from its linked page when the feed itself came from a URL
(``fetch_links``, see fetch.py), with the entry's title, date and id; from a feed file it is reported
as "no article text" and skipped, since reading a file does not reach the network.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator

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


def iter_feed(text: str, source: str, fetch_links: bool = False,
              known: Callable[[str], bool] | None = None) -> Iterator[Article | InputError]:
    """``known(entry id)`` True: the entry's linked page is not fetched again (a followed feed polled
    every few minutes would otherwise fetch every page it lists each time); the entry is left out."""
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
            link = e.get("link")
            if fetch_links and link:
                entry_id = e.get("id") or link
                if known is None or not known(entry_id):
                    yield _linked_page(link, title=e.get("title") or None, published=published, id=entry_id)
            else:
                why = "fetched only for feeds read from a URL" if link else "no link to the article"
                yield NoArticleTextError(where, f"the feed entry carries only a {len(text.split())}-word summary "
                                                f"({link or 'no link'}; {why})")
            continue
        try:
            yield read_text(text, source=where, title=e.get("title") or None, url=e.get("link") or None,
                            published=published, id=e.get("id") or e.get("link") or "")
        except InputError as err:
            yield err


def _linked_page(url: str, *, title: str | None, published: str | None, id: str) -> Article | InputError:
    """The article on an entry's page; the entry's own title and date win over what the page shows."""
    from .fetch import fetch_text
    from .html import read_html

    try:
        art = read_html(fetch_text(url), source=url, url=url, id=id)
    except InputError as err:
        return err
    art.title = title or art.title
    art.published = published or art.published
    return art
