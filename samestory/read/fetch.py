"""http(s) URLs → bytes: a web page, a JSON dump or a live RSS/Atom feed, fetched with ``requests``.

``iter_articles`` takes URLs wherever it takes paths. A page is read like an HTML file; a feed like a
feed file, except that an entry carrying only a teaser has its linked page fetched and read (a feed
file read from disk never causes a fetch: reading a file should not reach the network).

Errors name the URL and the problem (unreachable, an HTTP status, too large) and are reported and
skipped like a bad file. Every request sends a User-Agent naming samestory, has a timeout, and stops
reading at the size limit.

A ``Revalidation`` kept across reads (``ingest --follow`` keeps one for its whole run) makes the fetches
conditional: the ETag and Last-Modified a server sent are sent back (If-None-Match, If-Modified-Since),
and a server that answers 304 Not Modified costs no download and no parsing; the input is counted as
unchanged and yields nothing that round.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..errors import FetchError, TooLargeError
from .decode import MAX_BYTES, decode

#: Seconds to connect and between bytes received.
TIMEOUT = 20
USER_AGENT = "samestory/0.1 (news story grouping; +https://pypi.org/project/samestory/)"
_URL = re.compile(r"^https?://", re.I)
_CHARSET = re.compile(r"charset=([\w.:-]+)", re.I)


@dataclass
class Revalidation:
    """What servers said of the URLs fetched so far, for conditional fetches of the same URLs later."""

    #: URL → the request headers that revalidate it (If-None-Match, If-Modified-Since)
    validators: dict[str, dict[str, str]] = field(default_factory=dict)
    #: fetches answered 304 Not Modified, in all
    unchanged: int = 0

    def headers(self, url: str) -> dict[str, str]:
        return self.validators.get(url, {})

    def remember(self, url: str, response_headers) -> None:
        h = {}
        if response_headers.get("ETag"):
            h["If-None-Match"] = response_headers["ETag"]
        if response_headers.get("Last-Modified"):
            h["If-Modified-Since"] = response_headers["Last-Modified"]
        if h:
            self.validators[url] = h
        else:
            self.validators.pop(url, None)


def is_url(path: str) -> bool:
    return bool(_URL.match(path))


def fetch(url: str, max_bytes: int = MAX_BYTES,
          revalidation: Revalidation | None = None) -> tuple[bytes, str | None] | None:
    """The body of ``url`` and the charset its Content-Type declares (None when it declares none).

    With ``revalidation``, the request is conditional on what the server said last time; None when
    the server answers 304 Not Modified."""
    import requests

    headers = {"User-Agent": USER_AGENT, **(revalidation.headers(url) if revalidation else {})}
    try:
        with requests.get(url, stream=True, timeout=TIMEOUT, headers=headers) as r:
            if r.status_code == 304 and revalidation is not None:
                revalidation.unchanged += 1
                return None
            if r.status_code >= 400:
                raise FetchError(url, f"HTTP {r.status_code} {r.reason or ''}".strip())
            size = int(r.headers.get("Content-Length") or 0)
            if size > max_bytes:
                raise TooLargeError(url, f"{size / 1e6:.1f} MB, the limit is {max_bytes / 1e6:.1f} MB")
            chunks, got = [], 0
            for chunk in r.iter_content(65536):
                got += len(chunk)
                if got > max_bytes:
                    raise TooLargeError(url, f"more than {max_bytes / 1e6:.1f} MB, the limit")
                chunks.append(chunk)
            if revalidation is not None:
                revalidation.remember(url, r.headers)
            m = _CHARSET.search(r.headers.get("Content-Type", ""))
            return b"".join(chunks), (m.group(1) if m else None)
    except requests.RequestException as e:
        raise FetchError(url, _reason(e)) from None


def fetch_text(url: str, encoding: str | None = None, max_bytes: int = MAX_BYTES,
               revalidation: Revalidation | None = None) -> str | None:
    """The body of ``url`` decoded as a file would be: ``encoding``, else the charset the server declares.
    None when a conditional fetch (see ``fetch``) finds it unchanged."""
    got = fetch(url, max_bytes, revalidation)
    if got is None:
        return None
    data, charset = got
    return decode(data, url, encoding or charset, max_bytes)


def _reason(e: Exception) -> str:
    """A one-line cause without requests' nested reprs."""
    import requests

    if isinstance(e, requests.Timeout):
        return f"no answer within {TIMEOUT} s"
    if isinstance(e, requests.ConnectionError):
        return "the server could not be reached (connection refused, unknown host or no network)"
    return type(e).__name__ + (f": {e}" if str(e) else "")
