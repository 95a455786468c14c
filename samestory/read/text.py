"""Plain text and Markdown → Article.

Metadata is taken from the shape of the text, as scrapes and wire copy lay it out:
a ``# Title`` heading (or a short first line standing alone), a date line near the top, and a URL footer
(``Original url: <https://…>``, ``Source: https://…`` or a lone URL among the last lines). The rest is
rendered from Markdown (links and emphasis become plain text) and cleaned by the boilerplate classifier.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from ..errors import NoArticleTextError
from ..language import DATE_LANGUAGES, detect_language
from ..model import Article
from .boilerplate import classify_html
from .decode import repair

_HEADING = re.compile(r"^\s{0,3}#{1,2}\s+(.+?)\s*#*\s*$")
_URL = re.compile(r"https?://[^\s<>\"]+")
_URL_LINE = re.compile(r"^\s*(?:([\w .-]{1,30}):\s*)?<?(https?://[^\s<>\"]+)>?\s*$", re.I)
_LABEL_LINE = re.compile(r"^\s*[\w .-]{1,30}:\s*$")
_DATE_PREFIX = re.compile(r"^\s*(?:published|date|updated|posted|last updated)(?: on)?\s*:?\s*", re.I)
_MAX_TITLE_WORDS = 16  # a headline; a lead paragraph is usually 20–40 words
_MAX_DATE_WORDS = 8


def read_text(text: str, *, source: str = "<text>", title: str | None = None, url: str | None = None,
              published: str | None = None, outlet: str | None = None, language: str | None = None,
              id: str = "") -> Article:
    text, title = repair(text), repair(title)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if title is None:
        title = _take_title(lines)
    if published is None:
        published, line_outlet = _take_date(lines)
        published = published or dateline_date(lines)
        outlet = outlet or line_outlet
    footer_url, removed = _take_url_footer(lines)
    url = url or footer_url
    body = "\n".join(lines)
    lang = language or detect_language(body)[0]
    paragraphs = classify_html(_render_markdown(body), lang)
    kept = [p.text for p in paragraphs if not p.boilerplate]
    removed += [p.text for p in paragraphs if p.boilerplate]
    if not kept:
        require_article_text(body, source)  # a text too short to be an article says so, not "boilerplate"
        raise NoArticleTextError(source, "every paragraph looks like boilerplate" if removed else "")
    require_article_text("\n\n".join(kept), source)
    return Article(text="\n\n".join(kept), title=title, url=url, outlet=outlet or outlet_from_url(url),
                   published=published, language=language, source=source, id=id, removed=removed)


#: Fewer words than this is not an article (a menu, a caption, a form).
MIN_ARTICLE_WORDS = 8


def require_article_text(text: str, source: str) -> None:
    n = len(text.split())
    if n < MIN_ARTICLE_WORDS:
        raise NoArticleTextError(source, f"only {n} words of main text; an article needs at least {MIN_ARTICLE_WORDS}")


def outlet_from_url(url: str | None) -> str | None:
    if not url:
        return None
    host = urlsplit(url).hostname or ""
    return host[4:] if host.startswith("www.") else (host or None)


def _nonempty(lines: list[str], limit: int) -> list[int]:
    return [i for i, ln in enumerate(lines) if ln.strip()][:limit]


def _take_title(lines: list[str]) -> str | None:
    idx = _nonempty(lines, 3)
    for i in idx:
        m = _HEADING.match(lines[i])
        if m:
            lines[i] = ""
            return _strip_md(m.group(1))
    if not idx:
        return None
    i = idx[0]
    first = lines[i].strip()
    standalone = (i + 1 >= len(lines) or not lines[i + 1].strip())
    rest = sum(1 for ln in lines[i + 1:] if ln.strip())
    # a headline over one paragraph is a title too, when it does not end as a sentence does: a short
    # first paragraph ending in a full stop may be a one-sentence lead
    headline = rest >= 2 or (rest == 1 and not first.endswith((".", "!", "?", "…", "。")))
    if standalone and headline and len(first.split()) <= _MAX_TITLE_WORDS and not _URL.search(first):
        lines[i] = ""
        return _strip_md(first)
    return None


#: Where a line near the top may join an outlet's name and a date: "Ridgeline Courier, 9 August 2025",
#: "9 August 2025 | Ridgeline Courier", "Le Journal des Crêtes · 9 août 2025".
_SOURCE_SEP = re.compile(r"\s*(?:[|·•]|\s[-—–]\s)\s*|,\s+")
#: an outlet's name is short and names no person's byline
_MAX_OUTLET_WORDS = 5
_BYLINE = re.compile(r"^(?:by|por|par|von|di|da)\s", re.I)


def _take_date(lines: list[str]) -> tuple[str | None, str | None]:
    """The publication date from a date line among the first lines (removed from the text), and the
    outlet when the line also names one ("Ridgeline Courier, 9 August 2025")."""
    for i in _nonempty(lines, 4):
        cand = _DATE_PREFIX.sub("", _strip_md(lines[i]))
        if not any(c.isdigit() for c in cand) or len(cand.split()) > _MAX_DATE_WORDS + _MAX_OUTLET_WORDS:
            continue
        value = parse_date_line(cand) if len(cand.split()) <= _MAX_DATE_WORDS else None
        if value:
            lines[i] = ""
            return value, None
        value, outlet = _outlet_and_date(cand)
        if value:
            lines[i] = ""
            return value, outlet
    return None, None


def _outlet_and_date(line: str) -> tuple[str | None, str | None]:
    """("2025-08-09", "Ridgeline Courier") from "Ridgeline Courier, 9 August 2025" or "9 August 2025 |
    Ridgeline Courier": a few words without digits on one side of a separator, a full date on the other.
    The words are the outlet unless they are a byline ("By Ana Ruiz"), a place the gazetteer knows
    ("Gdańsk") or in capitals ("LONDON", a dateline's place): the date is taken all the same. "June 9,
    2025" alone is a date, not an outlet "June" (the whole line is parsed first)."""
    from ..analyse.gazetteer import country_of

    for m in _SOURCE_SEP.finditer(line):
        for name, date in ((line[:m.start()], line[m.end():]), (line[m.end():], line[:m.start()])):
            name = name.strip()
            if not name or any(c.isdigit() for c in name) or len(name.split()) > _MAX_OUTLET_WORDS or _SOURCE_SEP.search(name):
                continue
            value = parse_date_line(date.strip())
            if value:
                place = name.isupper() or country_of(name) is not None
                return value, None if place or _BYLINE.match(name) else name
    return None, None


#: A wire-style dateline opening the first paragraph: "Gdańsk, 15 March 2025 (Baltic Wire) — The …".
_DATELINE = re.compile(r"^\s*[^\W\d][^,\n]{0,40},\s*([^—–\n]{6,40}?)\s*(?:\([^)\n]{1,40}\)\s*)?(?:—|–|--)\s")


def dateline_date(lines: list[str]) -> str | None:
    """The date in a dateline at the start of the first paragraph, if it is a full date."""
    for i in _nonempty(lines, 3):
        m = _DATELINE.match(lines[i])
        if m and any(c.isdigit() for c in m.group(1)):
            return parse_date_line(m.group(1))
    return None


def parse_date_line(text: str) -> str | None:
    """A line that is only a date ("November 10, 2020", "2020-11-10 09:30") → ISO date, else None."""
    import dateparser

    try:
        d = dateparser.parse(text, languages=list(DATE_LANGUAGES),
                             settings={"STRICT_PARSING": True, "REQUIRE_PARTS": ["day", "month", "year"]})
    except Exception:  # dateparser raises assorted errors on odd input; a non-date line is not an error
        return None
    return d.date().isoformat() if d else None


def _take_url_footer(lines: list[str]) -> tuple[str | None, list[str]]:
    removed: list[str] = []
    for i in reversed(_nonempty(lines, len(lines))[-4:]):
        m = _URL_LINE.match(lines[i])
        if not m:
            continue
        removed.append(lines[i].strip())
        lines[i] = ""
        prev = [j for j in range(i) if lines[j].strip()]
        if not m.group(1) and prev and _LABEL_LINE.match(lines[prev[-1]]):
            removed.insert(0, lines[prev[-1]].strip())
            lines[prev[-1]] = ""
        return m.group(2), removed
    return None, removed


_MD_INLINE = re.compile(r"(\*\*|__|\*|_|`)(.+?)\1")
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")


def _strip_md(s: str) -> str:
    s = _MD_LINK.sub(r"\1", s)
    return _MD_INLINE.sub(r"\2", s).strip()


def _render_markdown(text: str) -> str:
    return _markdown().render(text)


@lru_cache(maxsize=1)
def _markdown() -> Any:
    """The renderer, made once (its rule chains cost about as much to build as a text to render)."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False})
