"""http(s) URLs → bytes: a web page, a JSON dump or a live RSS/Atom feed, fetched with ``requests``.

``iter_articles`` takes URLs wherever it takes paths. A page is read like an HTML file; a feed like a
feed file, except that an entry carrying only a teaser has its linked page fetched and read (a feed
file read from disk never causes a fetch: reading a file should not reach the network).

Errors name the URL and the problem (unreachable, an HTTP status, too large) and are reported and
skipped like a bad file. Every request sends a User-Agent naming samestory, has a timeout, and stops
reading at the size limit.
"""

from __future__ import annotations

import re

from ..errors import InputError, TooLargeError
from .decode import MAX_BYTES, decode

#: Seconds to connect and between bytes received.
TIMEOUT = 20
USER_AGENT = "samestory/0.1 (news story grouping; +https://pypi.org/project/samestory/)"
_URL = re.compile(r"^https?://", re.I)
_CHARSET = re.compile(r"charset=([\w.:-]+)", re.I)


class FetchError(InputError):
    problem = "cannot fetch"


def is_url(path: str) -> bool:
    return bool(_URL.match(path))


def fetch(url: str, max_bytes: int = MAX_BYTES) -> tuple[bytes, str | None]:
    """The body of ``url`` and the charset its Content-Type declares (None when it declares none)."""
    import requests

    try:
        with requests.get(url, stream=True, timeout=TIMEOUT, headers={"User-Agent": USER_AGENT}) as r:
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
            m = _CHARSET.search(r.headers.get("Content-Type", ""))
            return b"".join(chunks), (m.group(1) if m else None)
    except requests.RequestException as e:
        raise FetchError(url, _reason(e)) from None


def fetch_text(url: str, encoding: str | None = None, max_bytes: int = MAX_BYTES) -> str:
    """The body of ``url`` decoded as a file would be: ``encoding``, else the charset the server declares."""
    data, charset = fetch(url, max_bytes)
    return decode(data, url, encoding or charset, max_bytes)


def _reason(e: Exception) -> str:
    """A one-line cause without requests' nested reprs."""
    import requests

    if isinstance(e, requests.Timeout):
        return f"no answer within {TIMEOUT} s"
    if isinstance(e, requests.ConnectionError):
        return "the server could not be reached (connection refused, unknown host or no network)"
    return type(e).__name__ + (f": {e}" if str(e) else "")
