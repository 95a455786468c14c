"""The HTTP service (``samestory serve``): the library over HTTP, on one embedded store, plus the web page.

    POST /v1/compare                 two articles (stored ids, text / HTML / JSON, or page URLs) → their comparison
    POST /v1/articles                ingest a batch; each article joins or founds a story
    GET  /v1/stories                 the stories, largest first
    GET  /v1/stories/{id}            one story: articles, outlets, timeline, copy lineage
    GET  /v1/articles/{id}           one stored article with its sentences
    GET  /v1/articles/{id}/similar   the nearest stored articles with their relation
    GET  /v1/health, /v1/version     liveness and the versions of everything that produces results
    GET  /openapi.json, /docs        the OpenAPI description
    GET  /                           the web page (present/web/)

Every error, whatever raised it, leaves as one JSON shape (``ErrorBody``): samestory's exceptions are
mapped to statuses in one place (``http_status``) and every handler is in ``_install_errors``. A
malformed or oversized request is a 4xx, never a 500; a page the service could not fetch is a 502.

An article can be sent as the URL of its page: the service fetches it (with the limits of read/fetch.py)
unless started with ``fetch_urls`` off (``samestory serve --no-fetch``), as a service reachable by others
should be when it must not make requests on their behalf to hosts inside its network.

The app is built by ``create_app(Settings)``: settings are validated and the store opened before the
first request, so a bad setting stops start-up with a message rather than failing later. The store
is one SQLite connection plus in-memory clustering state, shared by the worker threads under a lock;
analysis of new text runs outside that lock (under its own), so comparisons of stored articles are
not held up by an ingest.
"""

from __future__ import annotations

import json
import logging
import threading
from pathlib import Path
from typing import Any, Literal

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, ConfigDict, Field, model_validator
from starlette.exceptions import HTTPException as StarletteHTTPException

from .. import __version__
from ..errors import (FetchDisabledError, FetchError, InputError, ModelError, SamestoryError, TooLargeError,
                      VersionMismatchError)

log = logging.getLogger("samestory.service")

WEB = Path(__file__).with_name("web")


# -- settings ----------------------------------------------------------------------------------------

class Settings(BaseModel):
    """What ``samestory serve`` runs with; validated when the app is created."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    store: Path = Field(description="store folder (created when missing)")
    cache: Path | None = Field(None, description="analysis cache file for articles sent as text (None: no cache)")
    max_request_bytes: int = Field(5_000_000, ge=1_000, le=200_000_000, description="largest request body accepted")
    max_batch: int = Field(100, ge=1, le=10_000, description="most articles in one POST /v1/articles")
    max_similar: int = Field(50, ge=1, le=1_000, description="largest k for /similar")
    fetch_urls: bool = Field(True, description="fetch articles sent as a url (off: such items are refused)")
    passages: bool = Field(False, description="judge unsure same-language pairs again with passage vectors, as "
                                              "ingest --passages does (slower ingest, somewhat better stories)")

    @model_validator(mode="after")
    def _store_usable(self) -> "Settings":
        if self.store.exists() and not self.store.is_dir():
            raise ValueError(f"store {self.store} exists and is not a folder")
        return self


# -- request bodies ------------------------------------------------------------------------------------

class ArticleIn(BaseModel):
    """One article: a stored one by ``id``, ``content`` (text, HTML, a JSON object or its string), or the
    ``url`` of its page."""

    model_config = ConfigDict(extra="forbid")

    id: str | None = Field(None, description="a stored article's id (or row number)")
    content: str | dict[str, Any] | None = Field(
        None, description="the article: plain text, HTML, or a JSON article object (id, title, text, url, outlet, published, language)")
    url: str | None = Field(None, max_length=2000, pattern=r"^[hH][tT][tT][pP][sS]?://",
                            description="the http(s) address of the article's page, fetched by the service")
    format: Literal["auto", "text", "html", "json"] = Field("auto", description="form of a string content (auto: sniffed)")
    name: str | None = Field(None, max_length=200, description="names the article in errors (default: its position)")

    @model_validator(mode="after")
    def _one_of(self) -> "ArticleIn":
        if sum(x is not None for x in (self.id, self.content, self.url)) != 1:
            raise ValueError("give exactly one of id (a stored article), content (the article itself) or url (its page)")
        return self


class CompareIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    a: ArticleIn
    b: ArticleIn


class ArticlesIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    articles: list[ArticleIn] = Field(description="the batch; each item is content or a url (ids are for stored articles)")


class ErrorDetail(BaseModel):
    status: int
    code: str = Field(description="stable machine-readable name, e.g. bad_input, not_found, too_large")
    message: str
    source: str | None = Field(None, description="the input the error is about, when there is one")
    details: list[dict[str, Any]] | None = None


class ErrorBody(BaseModel):
    """The one shape of every error response."""

    error: ErrorDetail


ERRORS = {s: {"model": ErrorBody} for s in (400, 403, 404, 409, 413, 422, 502)}


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, source: str | None = None):
        self.status, self.code, self.message, self.source = status, code, message, source


# -- the app -------------------------------------------------------------------------------------------

class Service:
    """The library calls behind the routes, with the locking that sharing one store needs."""

    def __init__(self, settings: Settings):
        from ..analyse import Analyser
        from ..analyse.cache import AnalysisCache
        from ..group.store import Store

        self.settings = settings
        self.store = Store(settings.store, create=True, passages=settings.passages)
        self.analyser = Analyser(cache=AnalysisCache(settings.cache) if settings.cache else None)
        self.store_lock = threading.RLock()
        self.analyse_lock = threading.Lock()

    # articles in, analyses out
    def _article(self, item: ArticleIn, name: str):
        from ..read import read, read_string
        from ..read.jsonl import article_from_object

        source = item.name or name
        if item.url is not None:
            if not self.settings.fetch_urls:
                raise FetchDisabledError(item.url, "this service does not fetch URLs (started with --no-fetch); "
                                                   "send the article as content")
            return read(item.url, format=item.format, max_bytes=self.settings.max_request_bytes)
        if isinstance(item.content, dict):
            return article_from_object(item.content, source)
        return read_string(item.content, source=source, format=item.format, max_bytes=self.settings.max_request_bytes)

    def _analyse(self, articles: list) -> list:
        with self.analyse_lock:
            return list(self.analyser.analyse_many(articles))

    def _stored(self, ref: str):
        with self.store_lock:
            return self.store.analysis(self.store.rowid_of(ref))

    def resolve(self, items: list[ArticleIn], names: list[str]) -> list:
        """Analyses for a mix of stored ids and content, in order."""
        out: list = [None] * len(items)
        fresh = []
        for i, (item, name) in enumerate(zip(items, names)):
            if item.id is not None:
                out[i] = self._stored(item.id)
            else:
                fresh.append((i, self._article(item, name)))
        for (i, _), an in zip(fresh, self._analyse([a for _, a in fresh])):
            out[i] = an
        return out

    def compare(self, body: CompareIn) -> dict:
        from ..analyse import passages
        from ..compare import compare

        a, b = self.resolve([body.a, body.b], ["a", "b"])
        if a.language == b.language:  # as `similar`: the passage vectors are kept in the store's table (by content)
            with self.store_lock:
                passages.ensure([a, b], self.store.passages)
        c = compare(a, b)
        return {"comparison": c.as_dict(), "articles": [article_view(a), article_view(b)]}

    def ingest(self, body: ArticlesIn) -> dict:
        from ..analyse.cache import cache_key

        if len(body.articles) > self.settings.max_batch:
            raise ApiError(413, "batch_too_long", f"{len(body.articles)} articles in one request; the limit is {self.settings.max_batch}")
        results: dict[int, dict] = {}
        arts = []
        slots: dict[str, list[tuple[int, Any]]] = {}  # content key → (position in the batch, article), in order
        for i, item in enumerate(body.articles):
            name = item.name or f"articles[{i}]"
            try:
                if item.id is not None:
                    raise InputError(name, "an id refers to a stored article; send the article itself as content")
                art = self._article(item, name)
            except InputError as e:
                results[i] = {"index": i, "status": "skipped", "error": error_detail(e)}
                continue
            arts.append(art)
            slots.setdefault(cache_key(art), []).append((i, art))

        added: dict[int, str] = {}  # position in the batch → content key, for the articles stored

        def record(art, d) -> None:
            i, mine = slots[cache_key(art)].pop(0)
            if d is not None:
                added[i] = cache_key(art)
            results[i] = ({"index": i, "status": "already_stored", "id": mine.id} if d is None else
                          {"index": i, "status": "added", "id": mine.id, "story": d.story, "action": d.action,
                           "merged": list(d.merged), "split_off": [sp.new for sp in d.splits]})

        with self.analyse_lock:  # the store lock is taken only around store access, not the analysis
            res = self.store.ingest(arts, self.analyser, on_decision=record, lock=self.store_lock)
        with self.store_lock:  # the story each article is in now: the batch's second look may have moved it
            for i, key in added.items():
                results[i]["story"] = self.store.story_of(key)
        ordered = [results[i] for i in sorted(results)]
        count = {s: sum(r["status"] == s for r in ordered) for s in ("added", "already_stored", "skipped")}
        return {**count, "unsettled_before": res.unsettled_before, "cost": res.cost, "results": ordered}

    def stories(self, min_size: int, limit: int, offset: int) -> dict:
        from ..group.story import overview

        with self.store_lock:
            rows = [r for r in overview(self.store) if r["size"] >= min_size]
        return {"total": len(rows), "stories": rows[offset:offset + limit]}

    def story(self, sid: int) -> dict:
        from ..group.story import summarise

        with self.store_lock:
            return summarise(self.store, sid).as_dict()

    def stored_article(self, ref: str) -> dict:
        with self.store_lock:
            rowid = self.store.rowid_of(ref)
            an = self.store.analysis(rowid)
            story = self.store.clusterer.story_of.get(rowid)
        return {**article_view(an), "rowid": rowid, "story": story}

    def similar(self, ref: str, k: int) -> list[dict]:
        from ..group.similar import similar

        with self.store_lock:
            return similar(self.store, self.store.analysis(self.store.rowid_of(ref)), k)

    def versions(self) -> dict:
        from ..compare.scorer import DEFAULT_SCORER

        with self.store_lock:
            meta = {k: self.store.meta(k) for k in ("analyser", "same_story", "schema")}
        return {"samestory": __version__, "scorer": DEFAULT_SCORER, "analyser": meta["analyser"],
                "same_story": meta["same_story"], "store_schema": meta["schema"]}

    def health(self) -> dict:
        with self.store_lock:
            return {"status": "ok", "articles": len(self.store), "stories": len(self.store.story_ids())}

    def close(self) -> None:
        with self.store_lock:
            self.store.close()


def article_view(an) -> dict:
    """What the page shows of an article: its fields and its sentences (plain text, never markup)."""
    art = an.article
    return {"id": art.id, "source": art.source, "title": art.title, "url": art.url, "outlet": art.outlet,
            "published": an.published, "language": an.language, "sentences": [s.text for s in an.sentences]}


def create_app(settings: Settings) -> FastAPI:
    """Build the app: validate ``settings``, open the store, and wire routes, limits and errors."""
    svc = Service(settings)
    app = FastAPI(title="samestory", version=__version__,
                  description="Tell whether news articles report the same story, how they relate, and what each adds, "
                              "drops or contradicts; group articles into stories. Every error has the shape ErrorBody.")
    app.state.service = svc
    app.add_middleware(BodyLimit, max_bytes=settings.max_request_bytes)
    _install_errors(app)

    @app.post("/v1/compare", responses=ERRORS, tags=["compare"],
              summary="Compare two articles", description="Each article is a stored id or its content. "
              "Returns the comparison (scores, relation, aligned sentences, quotes, entities, discrepancies) and both articles' sentences.")
    def compare_(body: CompareIn) -> JSONResponse:
        return JSONResponse(svc.compare(body))

    @app.post("/v1/articles", responses=ERRORS, tags=["stories"], summary="Ingest a batch of articles",
              description="Bad items are reported in their result (status skipped, with the error) and the rest stored. "
                          "`unsettled_before`: stories an interrupted batch left without the second look, given it now. "
                          "`cost` counts this batch's same-story judgements: pairs judged, pairs judged again with "
                          "passage vectors and vectors made (both 0 unless the service runs with --passages).")
    def ingest_(body: ArticlesIn) -> JSONResponse:
        return JSONResponse(svc.ingest(body))

    @app.get("/v1/stories", responses=ERRORS, tags=["stories"], summary="List stories, largest first")
    def stories_(min_size: int = Query(1, ge=1), limit: int = Query(100, ge=1, le=1000),
                 offset: int = Query(0, ge=0)) -> JSONResponse:
        return JSONResponse(svc.stories(min_size, limit, offset))

    @app.get("/v1/stories/{story_id}", responses=ERRORS, tags=["stories"],
             summary="One story: articles in time order, outlets, copy lineage, independent sources")
    def story_(story_id: int) -> JSONResponse:
        return JSONResponse(svc.story(story_id))

    @app.get("/v1/articles/{article_id}", responses=ERRORS, tags=["stories"], summary="One stored article")
    def article_(article_id: str) -> JSONResponse:
        return JSONResponse(svc.stored_article(article_id))

    @app.get("/v1/articles/{article_id}/similar", responses=ERRORS, tags=["stories"],
             summary="The nearest stored articles, each with its relation")
    def similar_(article_id: str, k: int = Query(10, ge=1, le=settings.max_similar)) -> JSONResponse:
        return JSONResponse(svc.similar(article_id, k))

    @app.get("/v1/health", tags=["service"])
    def health_() -> JSONResponse:
        return JSONResponse(svc.health())

    @app.get("/v1/version", tags=["service"])
    def version_() -> JSONResponse:
        return JSONResponse(svc.versions())

    @app.get("/", include_in_schema=False)
    def page_() -> FileResponse:
        return FileResponse(WEB / "index.html", headers=PAGE_HEADERS)

    app.mount("/static", StaticFiles(directory=WEB), name="static")
    app.router.add_event_handler("shutdown", svc.close)
    return app


#: The page runs only its own script and styles; even if article text were ever rendered as markup,
#: an injected script or inline handler would not run.
PAGE_HEADERS = {"Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                                           "object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
                "X-Content-Type-Options": "nosniff"}


# -- limits and errors -----------------------------------------------------------------------------------

class BodyLimit:
    """ASGI middleware: refuse a request body over ``max_bytes`` with a 413, whether its size is declared
    (Content-Length) or not (chunked). The body is read here, up to the limit, and handed on whole."""

    def __init__(self, app, max_bytes: int):
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            return await _send_error(send, 413, "too_large", self._message(declared.decode("latin-1")))
        chunks, seen, more = [], 0, True
        while more:
            msg = await receive()
            if msg["type"] != "http.request":  # the client went away
                return
            chunks.append(msg.get("body", b""))
            seen += len(chunks[-1])
            more = msg.get("more_body", False)
            if seen > self.max_bytes:
                return await _send_error(send, 413, "too_large", self._message(f"more than {self.max_bytes}"))
        body, sent = b"".join(chunks), False

        async def replay():
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    def _message(self, size: str) -> str:
        return f"request body of {size} bytes; the limit is {self.max_bytes} bytes"


async def _send_error(send, status: int, code: str, message: str) -> None:
    body = json.dumps(error_body(status, code, message)).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


def error_body(status: int, code: str, message: str, source: str | None = None,
               details: list[dict] | None = None) -> dict:
    return {"error": {"status": status, "code": code, "message": message, "source": source, "details": details}}


def error_detail(e: InputError) -> dict:
    status, code = http_status(e)
    return error_body(status, code, str(e), e.source)["error"]


def http_status(e: Exception) -> tuple[int, str]:
    """The one mapping from samestory's exceptions to HTTP statuses and error codes."""
    from ..group.store import NotFoundError

    if isinstance(e, TooLargeError):
        return 413, "too_large"
    if isinstance(e, FetchError):
        return 502, "fetch_failed"
    if isinstance(e, FetchDisabledError):
        return 403, "fetch_disabled"
    if isinstance(e, InputError):
        return 422, "bad_input"
    if isinstance(e, NotFoundError):
        return 404, "not_found"
    if isinstance(e, VersionMismatchError):
        return 409, "version_mismatch"
    if isinstance(e, ModelError):
        return 503, "model_unavailable"
    return 500, "internal"


def _install_errors(app: FastAPI) -> None:
    def respond(status: int, code: str, message: str, source: str | None = None, details=None) -> JSONResponse:
        return JSONResponse(error_body(status, code, message, source, details), status_code=status)

    @app.exception_handler(ApiError)
    async def api_error(_: Request, e: ApiError):
        return respond(e.status, e.code, e.message, e.source)

    @app.exception_handler(SamestoryError)
    async def library_error(_: Request, e: SamestoryError):
        status, code = http_status(e)
        if status >= 500 and status != 502:  # a 502 is the fetched site's failure, not the service's
            log.error("%s", e)
        # a missing article or story is named without the store's path on disk
        return respond(status, code, getattr(e, "what", None) or str(e), getattr(e, "source", None))

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, e: RequestValidationError):
        errs = [{"loc": list(map(str, x.get("loc", ()))), "msg": x.get("msg", ""), "type": x.get("type", "")} for x in e.errors()]
        if any(x["type"] == "json_invalid" for x in errs):
            return respond(400, "malformed_json", "the request body is not valid JSON", details=errs)
        first = errs[0] if errs else {"loc": [], "msg": "invalid request"}
        return respond(422, "invalid_request", f"{'.'.join(first['loc'][1:] or first['loc'])}: {first['msg']}", details=errs)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, e: StarletteHTTPException):
        code = {404: "not_found", 405: "method_not_allowed"}.get(e.status_code, "http_error")
        return respond(e.status_code, code, str(e.detail))

    @app.exception_handler(Exception)
    async def unexpected(_: Request, e: Exception):
        log.exception("unexpected error")
        return respond(500, "internal", f"internal error ({type(e).__name__}); see the service log")
