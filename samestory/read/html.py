"""HTML page → Article, with trafilatura (main text, title, date, URL, site name)."""

from __future__ import annotations

import re

from ..errors import MalformedInputError, NoArticleTextError
from ..model import Article
from .decode import repair
from .text import outlet_from_url, require_article_text

_TAG = re.compile(r"<\s*(html|head|body|p|div|article|h1|br|span|meta|title|!doctype)\b", re.I)


def looks_like_html(text: str) -> bool:
    """True when the text is markup rather than prose (several HTML tags near the start)."""
    head = text[:4096]
    return head.lstrip().startswith("<") and len(_TAG.findall(head)) >= 2


def read_html(html: str, *, source: str = "<html>", url: str | None = None, id: str = "",
              language: str | None = None) -> Article:
    import trafilatura

    if not looks_like_html(html):
        raise MalformedInputError(source, "not an HTML document (no <html>, <body> or <p> tags near the start)")
    try:
        doc = trafilatura.bare_extraction(html, url=url, with_metadata=True, include_comments=False,
                                          include_tables=False)
    except (ValueError, TypeError) as e:  # lxml refuses some broken documents outright
        raise MalformedInputError(source, f"the HTML could not be parsed ({e})") from None
    text = repair(doc.text or "").strip() if doc is not None else ""
    if not text:
        raise NoArticleTextError(source, "the page has no main text (navigation, forms or scripts only)")
    title = repair(doc.title) or None
    # trafilatura starts the text with the title when the page repeats it as a heading
    if title and text.startswith(title):
        text = text[len(title):].lstrip()
        if not text:
            raise NoArticleTextError(source, "the page holds only a title")
    paragraphs = [" ".join(p.split()) for p in text.split("\n") if p.strip()]
    require_article_text(" ".join(paragraphs), source)
    page_url = url or doc.url or None
    return Article(text="\n\n".join(paragraphs), title=title, url=page_url,
                   outlet=doc.sitename or outlet_from_url(page_url), published=doc.date or None,
                   language=language or doc.language or None, source=source, id=id)
