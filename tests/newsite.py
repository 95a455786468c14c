"""A real HTTP server on 127.0.0.1 serving a small news site made from the team-written demo corpus: one
HTML page per article and an RSS feed whose entries carry only a teaser and link to the pages (how most
outlets publish feeds); the feed has an ETag and answers a request carrying it with 304 Not Modified. Tests add entries while it runs, and read how often each page was fetched."""

from __future__ import annotations

import hashlib
import html
import threading
from email.utils import format_datetime
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from .conftest import DEMO


def _page(path: Path) -> bytes:
    """The demo article as an HTML page (the demo's own HTML reprint as it is)."""
    if path.suffix == ".html":
        return path.read_bytes()
    lines = [ln.strip() for ln in path.read_text(encoding="utf-8").split("\n\n") if ln.strip()]
    title, body = lines[0].lstrip("# "), lines[1:]
    paras = "\n".join(f"<p>{html.escape(p)}</p>" for p in body)
    return (f"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{html.escape(title)}</title></head>"
            f"<body><nav><a href=\"/\">Home</a></nav><article><h1>{html.escape(title)}</h1>\n{paras}\n</article>"
            f"<footer>© Example News</footer></body></html>").encode("utf-8")


class NewsSite:
    ARTICLES = ("bridge_coastal-herald.md", "bridge_baltic-wire.txt", "bridge_reprint_daily-post.html",
                "trial_health-weekly.txt", "trial_science-desk.md", "chess_sport-gazette.txt")

    def __init__(self) -> None:
        self.pages: dict[str, bytes] = {}
        self.entries: list[tuple[str, str]] = []  # (title, path)
        self.hits: dict[str, int] = {}
        self.not_modified = 0  # 304 answers given to conditional requests for the feed
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - the http.server API
                site.hits[self.path] = site.hits.get(self.path, 0) + 1
                etag = None
                if self.path == "/feed.xml":
                    body, kind = site.feed(), "application/rss+xml; charset=utf-8"
                    etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
                    if self.headers.get("If-None-Match") == etag:
                        site.not_modified += 1
                        self.send_response(304)
                        self.send_header("ETag", etag)
                        self.end_headers()
                        return
                elif self.path in site.pages:
                    body, kind = site.pages[self.path], "text/html; charset=utf-8"
                else:
                    self.send_error(404, "Not Found")
                    return
                self.send_response(200)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                if etag:
                    self.send_header("ETag", etag)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def publish(self, name: str) -> str:
        """Put a demo article online and into the feed; returns its page's path."""
        path = f"/news/{Path(name).stem}.html"
        self.pages[path] = _page(DEMO / name)
        self.entries.append((Path(name).stem.replace("_", " "), path))
        return path

    def list_missing_page(self) -> str:
        """An entry whose page is gone (404)."""
        path = "/news/withdrawn.html"
        self.entries.append(("A withdrawn report", path))
        return path

    def feed(self) -> bytes:
        when = format_datetime(datetime(2025, 3, 15, 9, 0, tzinfo=timezone.utc))
        items = "".join(f"<item><title>{html.escape(t)}</title><link>{self.url}{p}</link><guid>{self.url}{p}</guid>"
                        f"<pubDate>{when}</pubDate><description>Read the full report on our site.</description></item>"
                        for t, p in self.entries)
        return (f"<?xml version=\"1.0\" encoding=\"utf-8\"?><rss version=\"2.0\"><channel><title>Example News</title>"
                f"<link>{self.url}/</link><description>Team-written test feed</description>{items}</channel></rss>").encode("utf-8")

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
