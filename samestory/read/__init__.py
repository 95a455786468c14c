"""read: files, folders, URLs, standard input, text, HTML, JSON, JSON Lines and RSS/Atom feeds → Article.

    read(path)                one article from a file (or "-" for standard input)
    iter_articles(paths)      every article under files and folders; bad items reported and skipped
    read_string(text)         one article from a string already in memory (any form, as for files)
    iter_string(text)         every article in a string (JSON array, JSON Lines, feed)
    read_text / read_html     from a string already in memory, form known

The input form is chosen from the file extension, else sniffed from the content (Format.AUTO).
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from enum import Enum
from pathlib import Path

from ..errors import EmptyInputError, InputError, MalformedInputError, UnsupportedFormatError
from ..model import Article
from .decode import MAX_BYTES, check_size, decode
from .feed import iter_feed, looks_like_feed
from .fetch import Revalidation, fetch_text, is_url
from .html import looks_like_html, read_html
from .jsonl import article_from_object, iter_json, iter_jsonl
from .text import read_text

__all__ = ["Format", "read", "read_string", "iter_string", "read_text", "read_html", "iter_articles", "article_from_object", "MAX_BYTES",
           "Revalidation"]

log = logging.getLogger(__name__)

STDIN = "-"


class Format(str, Enum):
    AUTO = "auto"
    TEXT = "text"
    HTML = "html"
    JSON = "json"
    JSONL = "jsonl"
    FEED = "feed"

    @classmethod
    def parse(cls, value: "str | Format") -> "Format":
        try:
            return cls(value)
        except ValueError:
            raise ValueError(f"unknown format {value!r}; allowed: {', '.join(f.value for f in cls)}") from None


_EXTENSIONS = {
    ".txt": Format.TEXT, ".md": Format.TEXT, ".markdown": Format.TEXT, ".text": Format.TEXT,
    ".html": Format.HTML, ".htm": Format.HTML, ".xhtml": Format.HTML,
    ".json": Format.JSON, ".jsonl": Format.JSONL, ".ndjson": Format.JSONL,
    ".rss": Format.FEED, ".atom": Format.FEED, ".xml": Format.FEED,
}
#: Files in a folder are read when their extension is one of these.
FOLDER_EXTENSIONS = frozenset(_EXTENSIONS)


def _sniff(text: str) -> Format:
    if looks_like_feed(text):
        return Format.FEED
    head = text.lstrip()[:1]
    if head in "{[":
        first = text.lstrip().split("\n", 1)[0].strip()
        if head == "{" and first.endswith("}") and "\n" in text.strip():
            return Format.JSONL
        return Format.JSON
    if looks_like_html(text):
        return Format.HTML
    return Format.TEXT


def _load(path: str, encoding: str | None, max_bytes: int,
          revalidation: Revalidation | None = None) -> tuple[str, str | None]:
    """Return (source name, decoded text) for a path, an http(s) URL or "-"; the text is None when a
    conditional fetch of a URL finds it unchanged (see fetch.Revalidation)."""
    if is_url(path):
        return path, fetch_text(path, encoding, max_bytes, revalidation)
    if path == STDIN:
        data = sys.stdin.buffer.read(max_bytes + 1)
        return "<stdin>", decode(data, "<stdin>", encoding, max_bytes)
    p = Path(path)
    if not p.exists():
        raise InputError(path, "no such file")
    if p.is_dir():
        raise InputError(path, "is a folder; use iter_articles() (CLI: a batch command) to read a folder")
    check_size(path, p.stat().st_size, max_bytes)
    return path, decode(p.read_bytes(), path, encoding, max_bytes)


def _articles_in(source: str, text: str, fmt: Format,
                 known: Callable[[str], bool] | None = None) -> Iterator[Article | InputError]:
    if fmt is Format.AUTO:
        fmt = _EXTENSIONS.get(Path(source).suffix.lower()) or _sniff(text)
        # a .json file that holds JSON Lines is common enough to accept
        if fmt is Format.JSON and _sniff(text) is Format.JSONL:
            fmt = Format.JSONL
    if fmt is Format.JSON:
        yield from iter_json(text, source)
    elif fmt is Format.JSONL:
        yield from iter_jsonl(text, source)
    elif fmt is Format.FEED:
        if not looks_like_feed(text):
            raise UnsupportedFormatError(source, "not an RSS or Atom feed (its root element is not rss, feed or rdf:RDF)")
        yield from iter_feed(text, source, fetch_links=is_url(source), known=known)
    elif fmt is Format.HTML:
        yield read_html(text, source=source, url=source if is_url(source) else None)
    else:
        if looks_like_html(text):
            raise MalformedInputError(source, "looks like HTML; read it as html (CLI: --format html)")
        yield read_text(text, source=source)


def read(path: str | os.PathLike[str], *, format: str | Format = Format.AUTO, encoding: str | None = None,
         max_bytes: int = MAX_BYTES) -> Article:
    """Read exactly one article from a file, or from standard input when ``path`` is "-".

    Raises an ``InputError`` subclass naming the file and the problem. A file that holds several
    articles (JSON Lines, a JSON array) is refused here: use ``iter_articles``.
    """
    source, text = _load(os.fspath(path), encoding, max_bytes)
    assert text is not None  # only a conditional fetch gives None
    return _exactly_one(source, _articles_in(source, text, Format.parse(format)))


def read_string(text: str, *, source: str = "<string>", format: str | Format = Format.AUTO,
                max_bytes: int = MAX_BYTES) -> Article:
    """Read exactly one article from a string, with the checks a file gets (size, empty, form).

    ``source`` names the input in errors and, with Format.AUTO, its extension chooses the form.
    """
    return _exactly_one(source, _articles_in(source, _checked(text, source, max_bytes), Format.parse(format)))


def iter_string(text: str, *, source: str = "<string>", format: str | Format = Format.AUTO,
                max_bytes: int = MAX_BYTES) -> Iterator[Article | InputError]:
    """Every article in a string; a bad item is yielded as its InputError, in its place."""
    yield from _articles_in(source, _checked(text, source, max_bytes), Format.parse(format))


def _checked(text: str, source: str, max_bytes: int) -> str:
    check_size(source, len(text.encode("utf-8", "surrogatepass")), max_bytes)
    if not text.strip():
        raise EmptyInputError(source, "no text")
    return text


def _exactly_one(source: str, found: Iterable[Article | InputError]) -> Article:
    items = list(found)
    if len(items) != 1:
        raise InputError(source, f"holds {len(items)} articles, expected one; use iter_articles() (CLI: read, analyse or demo) for batches")
    if isinstance(items[0], InputError):
        raise items[0]
    return items[0]


def iter_articles(paths: Iterable[str | os.PathLike[str]], *, format: str | Format = Format.AUTO,
                  encoding: str | None = None, max_bytes: int = MAX_BYTES,
                  on_error: Callable[[InputError], None] | None = None,
                  known: Callable[[str], bool] | None = None,
                  revalidation: Revalidation | None = None) -> Iterator[Article]:
    """Every article in the given files, folders (recursively, by extension), http(s) URLs (a page, a dump
    or a feed, see fetch.py) and "-" (standard input).

    A bad file or a bad line is passed to ``on_error`` (default: logged as a warning) and skipped;
    the batch goes on. ``known(article id)`` True leaves out a feed entry whose page would have to be
    fetched (a store passes what it holds). With ``revalidation`` (kept from one call to the next), URLs
    are fetched only if their server says they changed since the last call (ETag, Last-Modified).
    """
    fmt = Format.parse(format)
    report = on_error or (lambda e: log.warning("skipped %s", e))
    for path in _expand(paths, report):
        try:
            source, text = _load(path, encoding, max_bytes, revalidation)
            if text is None:
                continue
            for item in _articles_in(source, text, fmt, known):
                if isinstance(item, InputError):
                    report(item)
                else:
                    yield item
        except InputError as e:
            report(e)


def _expand(paths: Iterable[str | os.PathLike[str]], report: Callable[[InputError], None]) -> Iterator[str]:
    for raw in paths:
        path = os.fspath(raw)
        if path != STDIN and Path(path).is_dir():
            files = sorted(p for p in Path(path).rglob("*") if p.is_file() and p.suffix.lower() in FOLDER_EXTENSIONS)
            if not files:
                report(UnsupportedFormatError(path, f"no readable files in the folder (extensions: {', '.join(sorted(FOLDER_EXTENSIONS))})"))
            yield from (str(p) for p in files)
        else:
            yield path
