"""The HTTP service, in process (Starlette's TestClient over the real app and a real store).

The error-shape tests follow datasette's test_error_shape: every error response, whatever raised it,
has the one shape {"error": {"status", "code", "message", "source", "details"}} and a 4xx status.
"""

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from samestory.group.store import Store
from samestory.present.service import Settings, create_app

FERRY_A = ("Harbour ferry strike ends\n\nFerry crews in Rostock ended a three-day strike on Tuesday after the operator "
           "agreed to a 6 percent pay rise, the union said. Services will resume on Wednesday morning, and the operator "
           "expects a full timetable by the weekend.")
FERRY_B = {"title": "Ferry strike over in Rostock", "outlet": "hafenblatt.example", "published": "2025-05-06",
           "text": "The three-day strike by ferry crews in Rostock is over. The operator agreed on Tuesday to raise pay by "
                   "6 percent, according to the union. Ferries run again from Wednesday, with the full timetable back by "
                   "the weekend."}


@pytest.fixture(scope="module")
def client(tmp_path_factory, demo):
    path = tmp_path_factory.mktemp("service-store")
    with Store(path) as store:  # the demo corpus, stored from the session's analyses
        for name in sorted(demo):
            store.add(demo[name])
    app = create_app(Settings(store=path, max_request_bytes=200_000, max_batch=5))
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


def _stored_id(client, filename: str) -> str:
    for s in client.get("/v1/stories").json()["stories"]:
        for a in client.get(f"/v1/stories/{s['id']}").json()["articles"]:
            if Path(a["source"]).name == filename:
                return a["id"]
    raise AssertionError(f"{filename} not stored")


def assert_error(r, status: int, code: str) -> dict:
    assert r.status_code == status, r.text
    body = r.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"status", "code", "message", "source", "details"}
    assert body["error"]["status"] == status and body["error"]["code"] == code
    assert body["error"]["message"]
    return body["error"]


def test_compare_stored_articles(client):
    herald, reprint = _stored_id(client, "bridge_coastal-herald.md"), _stored_id(client, "bridge_reprint_daily-post.html")
    r = client.post("/v1/compare", json={"a": {"id": herald}, "b": {"id": reprint}})
    assert r.status_code == 200
    body = r.json()
    assert body["comparison"]["relation"] == "duplicate"
    assert body["comparison"]["versions"]["analyser"] == client.get("/v1/version").json()["analyser"]
    a, b = body["articles"]
    assert a["id"] == herald and len(a["sentences"]) > 3
    for p in body["comparison"]["aligned"]:  # sentence indices point into the sentences the page shows
        assert a["sentences"][p["a"]] == p["a_text"] and b["sentences"][p["b"]] == p["b_text"]
    # the passage vectors made for the comparison are kept in the store (as `similar` keeps them), not made per request
    with Store(client.app.state.service.settings.store, read_only=True) as store:
        kept = store.passages.get_many([store.analysis(store.rowid_of(i)).article for i in (herald, reprint)])
    assert all(v is not None for v in kept)


def test_compare_content_in_three_forms(client):
    html = "<html><body><article><h1>Ferry strike ends</h1>" + "".join(f"<p>{s}.</p>" for s in FERRY_A.split("\n\n")[1].split(". ")) + "</article></body></html>"
    r = client.post("/v1/compare", json={"a": {"content": FERRY_A, "format": "text"}, "b": {"content": FERRY_B}})
    assert r.status_code == 200, r.text
    assert r.json()["comparison"]["relation"] in ("rewrite", "same_story")
    r = client.post("/v1/compare", json={"a": {"content": html}, "b": {"content": FERRY_A}})
    assert r.status_code == 200, r.text
    assert r.json()["articles"][0]["title"] == "Ferry strike ends"


def test_ingest_batch_reports_and_skips_bad_items(client):
    before = client.get("/v1/health").json()["articles"]
    r = client.post("/v1/articles", json={"articles": [
        {"content": FERRY_A, "name": "ferry-a"}, {"content": "   "}, {"content": FERRY_B}, {"id": "whatever"}]})
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["added"], body["skipped"]) == (2, 2)
    assert body["unsettled_before"] >= 4  # the fixture stored the demo with Store.add: no second look until now
    status = [x["status"] for x in body["results"]]
    assert status == ["added", "skipped", "added", "skipped"]
    assert body["results"][1]["error"]["code"] == "bad_input" and body["results"][1]["error"]["source"] == "articles[1]"
    assert body["results"][0]["story"] == body["results"][2]["story"]  # the two ferry reports are one story
    assert client.get("/v1/health").json()["articles"] == before + 2
    again = client.post("/v1/articles", json={"articles": [{"content": FERRY_A}]}).json()
    assert again["already_stored"] == 1 and again["added"] == 0  # idempotent, as the CLI's ingest
    assert again["unsettled_before"] == 0  # the batch before had its second look


def test_stories_story_and_similar(client):
    stories = client.get("/v1/stories").json()
    assert stories["total"] >= 4 and stories["stories"][0]["size"] == 5
    s = client.get(f"/v1/stories/{stories['stories'][0]['id']}").json()
    assert s["independent_sources"] == 2 and {e["relation"] for e in s["lineage"]} <= {"duplicate", "rewrite"}
    herald = _stored_id(client, "bridge_coastal-herald.md")
    hits = client.get(f"/v1/articles/{herald}/similar", params={"k": 3}).json()
    assert len(hits) == 3 and all(h["id"] != herald for h in hits)
    assert client.get(f"/v1/articles/{herald}").json()["title"].startswith("Footbridge")


def test_openapi_describes_the_api(client):
    spec = client.get("/openapi.json").json()
    for path in ("/v1/compare", "/v1/articles", "/v1/stories", "/v1/stories/{story_id}",
                 "/v1/articles/{article_id}/similar", "/v1/health", "/v1/version"):
        assert path in spec["paths"], path
    assert "ErrorBody" in spec["components"]["schemas"]


@pytest.mark.parametrize("method,path,kwargs,status,code", [
    ("post", "/v1/compare", {"content": b'{"a": {"id": "1"', "headers": {"content-type": "application/json"}}, 400, "malformed_json"),
    ("post", "/v1/compare", {"json": [1, 2]}, 422, "invalid_request"),
    ("post", "/v1/compare", {"json": {"a": {"id": "1"}}}, 422, "invalid_request"),
    ("post", "/v1/compare", {"json": {"a": {"id": "1", "content": "x"}, "b": {"id": "2"}}}, 422, "invalid_request"),
    ("post", "/v1/compare", {"json": {"a": {"content": ""}, "b": {"content": "x"}}}, 422, "bad_input"),
    ("post", "/v1/compare", {"json": {"a": {"content": "\x00\x01binary"}, "b": {"content": FERRY_A}}}, 422, "bad_input"),
    ("post", "/v1/compare", {"json": {"a": {"content": "{not json", "format": "json"}, "b": {"content": FERRY_A}}}, 422, "bad_input"),
    ("post", "/v1/compare", {"json": {"a": {"id": "no-such-article"}, "b": {"content": FERRY_A}}}, 404, "not_found"),
    ("post", "/v1/compare", {"json": {"a": {"content": "x" * 300_000}, "b": {"content": "y"}}}, 413, "too_large"),
    ("post", "/v1/articles", {"json": {"articles": [{"content": FERRY_A}] * 6}}, 413, "batch_too_long"),
    ("post", "/v1/articles", {"json": {"articles": "nope"}}, 422, "invalid_request"),
    ("get", "/v1/stories/99999", {}, 404, "not_found"),
    ("get", "/v1/stories/abc", {}, 422, "invalid_request"),
    ("get", "/v1/stories", {"params": {"limit": -1}}, 422, "invalid_request"),
    ("get", "/v1/articles/nope/similar", {}, 404, "not_found"),
    ("get", "/v1/articles/1/similar", {"params": {"k": 100_000}}, 422, "invalid_request"),
    ("get", "/v1/nothing-here", {}, 404, "not_found"),
    ("delete", "/v1/stories", {}, 405, "method_not_allowed"),
])
def test_every_error_has_one_shape(client, method, path, kwargs, status, code):
    err = assert_error(getattr(client, method)(path, **kwargs), status, code)
    assert "/tmp" not in err["message"]  # no server paths in messages


def test_chunked_oversized_body_is_refused(client):
    def chunks():
        for _ in range(30):
            yield b"x" * 10_000  # 300 kB, no Content-Length

    assert_error(client.post("/v1/compare", content=chunks(), headers={"content-type": "application/json"}), 413, "too_large")


def test_bad_settings_stop_start_up(tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(ValidationError, match="not a folder"):
        Settings(store=tmp_path / "file")
    with pytest.raises(ValidationError):
        Settings(store=tmp_path, max_batch=0)
    with pytest.raises(ValidationError):
        Settings(store=tmp_path, max_request_bytes=10)


def test_articles_sent_as_urls_are_fetched(client, tmp_path):
    """A url item is fetched from a real local HTTP server; an unreachable page is a 502 for compare and a
    skipped item in a batch; a service started with fetch_urls off refuses url items with 403."""
    from .newsite import NewsSite

    site = NewsSite()
    try:
        herald = site.url + site.publish("bridge_coastal-herald.md")
        baltic = site.url + site.publish("bridge_baltic-wire.txt")
        r = client.post("/v1/compare", json={"a": {"url": herald}, "b": {"url": baltic}})
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["comparison"]["relation"] == "same_story" and body["articles"][0]["url"] == herald
        assert body["articles"][0]["title"].startswith("Footbridge")
        err = assert_error(client.post("/v1/compare", json={"a": {"url": site.url + "/gone.html"}, "b": {"url": herald}}),
                           502, "fetch_failed")
        assert err["source"].endswith("/gone.html") and "404" in err["message"]
        assert_error(client.post("/v1/compare", json={"a": {"url": "ftp://example.org/x"}, "b": {"url": herald}}),
                     422, "invalid_request")
        r = client.post("/v1/articles", json={"articles": [{"url": site.url + "/gone.html"}, {"url": herald}]})
        assert [x["status"] for x in r.json()["results"]] == ["skipped", "added"]  # the page, not the stored .md
        assert r.json()["results"][0]["error"]["code"] == "fetch_failed"

        with TestClient(create_app(Settings(store=tmp_path / "s", fetch_urls=False)), raise_server_exceptions=False) as c:
            hits = dict(site.hits)
            assert_error(c.post("/v1/compare", json={"a": {"url": herald}, "b": {"content": FERRY_A}}), 403, "fetch_disabled")
            item = c.post("/v1/articles", json={"articles": [{"url": herald}, {"content": FERRY_A}]}).json()["results"]
            assert [x["status"] for x in item] == ["skipped", "added"] and item[0]["error"]["code"] == "fetch_disabled"
            assert site.hits == hits  # nothing was fetched
    finally:
        site.close()


def test_a_service_started_with_passages_groups_with_the_cascade(tmp_path):
    """`serve --passages`: a batch's response counts the pairs judged again with passage vectors. (Stores
    made with the model that is unsure of some demo pairs: see test_passages.CASCADE_MODEL.)"""
    from samestory.group.store import Store

    from .conftest import DEMO
    from .test_passages import CASCADE_MODEL

    arts = [{"content": p.read_text(encoding="utf-8"), "name": p.name}
            for p in sorted(DEMO.iterdir()) if p.name.startswith("bridge") and p.suffix in (".txt", ".md")]
    for passages in (False, True):
        Store(tmp_path / str(passages), same_story=CASCADE_MODEL).close()  # a store keeps its model
        with TestClient(create_app(Settings(store=tmp_path / str(passages), passages=passages))) as c:
            body = c.post("/v1/articles", json={"articles": arts}).json()
            assert body["added"] == len(arts), body
            cost = body["cost"]
            assert cost["pairs_judged"] > 0
            assert (cost["pairs_rejudged_with_passages"] > 0) == passages, cost
