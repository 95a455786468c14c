"""JSON and JSON Lines → Articles.

One object per article. Field names accepted (first found wins), which cover the SemEval-2022 Task 8
downloader format (title, text, url, publish_date, meta_lang, source_url) and common scraper dumps:

    text      text, content, body, maintext, article_body, articleBody   (or html / raw_html: a page)
    title     title, headline
    url       url, link, source_url
    published published, publish_date, date_publish, date, datePublished, published_at
    language  language, lang, meta_lang
    outlet    outlet, source_domain, site_name, sitename, publisher
    id        id, article_id, doc_id
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from ..errors import InputError, MalformedInputError, NoArticleTextError
from ..model import Article

FIELDS = {
    "text": ("text", "content", "body", "maintext", "article_body", "articleBody"),
    "html": ("html", "raw_html"),
    "title": ("title", "headline"),
    "url": ("url", "link", "source_url"),
    "published": ("published", "publish_date", "date_publish", "date", "datePublished", "published_at"),
    "language": ("language", "lang", "meta_lang"),
    "outlet": ("outlet", "source_domain", "site_name", "sitename", "publisher"),
    "id": ("id", "article_id", "doc_id"),
}


def _field(obj: dict[str, Any], name: str) -> Any:
    for key in FIELDS[name]:
        value = obj.get(key)
        if value not in (None, ""):
            return value
    return None


def article_from_object(obj: Any, source: str) -> Article:
    """One JSON object → Article (text is cleaned by the text or HTML reader)."""
    from .html import read_html
    from .text import read_text

    if not isinstance(obj, dict):
        raise MalformedInputError(source, f"expected a JSON object for an article, got {type(obj).__name__}")
    meta = {k: _field(obj, k) for k in ("title", "url", "published", "language", "outlet", "id")}
    meta = {k: (str(v) if v is not None else None) for k, v in meta.items()}
    ident = meta.pop("id") or ""
    text, html = _field(obj, "text"), _field(obj, "html")
    if text is None and html is None:
        keys = ", ".join(sorted(obj)) or "none"
        raise NoArticleTextError(source, f"no text field (looked for {', '.join(FIELDS['text'])}; keys present: {keys})")
    if text is None:
        art = read_html(str(html), source=source, url=meta["url"], id=ident, language=meta["language"])
        for k in ("title", "published", "outlet"):
            if meta[k]:
                setattr(art, k, meta[k])
        return art
    if not isinstance(text, str):
        raise MalformedInputError(source, f"the text field is a {type(text).__name__}, not a string")
    # An explicit title, date or URL in the object wins over what the text's layout suggests.
    return read_text(text, source=source, id=ident, **meta)


def parse_json(text: str, source: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise MalformedInputError(source, f"invalid JSON at line {e.lineno} column {e.colno}: {e.msg}") from None


def iter_json(text: str, source: str) -> Iterator[Article | InputError]:
    """A JSON document: one article object, or an array of them. Bad items are yielded as errors."""
    obj = parse_json(text, source)
    if isinstance(obj, list):
        for i, item in enumerate(obj):
            yield _safe(lambda: article_from_object(item, f"{source}[{i}]"))
    else:
        yield article_from_object(obj, source)


def iter_jsonl(text: str, source: str) -> Iterator[Article | InputError]:
    """JSON Lines: one article object per line; blank lines skipped; bad lines yielded as errors."""
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        where = f"{source}:{n}"
        yield _safe(lambda: article_from_object(parse_json(line, where), where))


def _safe(make) -> Article | InputError:
    try:
        return make()
    except InputError as e:
        return e
