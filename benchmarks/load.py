"""Load benchmark for the HTTP service: `samestory serve` in one process, this script as the client in
another, on loopback. Open-loop: requests are sent on a fixed schedule (``--rate`` per second for
``--seconds``) whether or not earlier ones have answered, and each latency is measured from the time the
request was due, so a slow server cannot hide its queue (no coordinated omission).

    .venv/bin/python benchmarks/load.py [--rate 100] [--seconds 60] [--documents FILE] [--limit N]

Phases, each printed as one JSON line:

* ``compare``: POST /v1/compare on two stored articles, a pair drawn at random (seed 0) for each request;
* ``stories``: GET /v1/stories (the listing, from SQLite);
* ``compare_max``: closed loop, 8 requests in flight, as fast as the service answers: the headroom.

The store is built first, in this process, from ``--documents`` (default: the ECB+ dev documents in
../shared/data, 772 articles; the demo corpus when the data is absent). Analyses come from the project's
analysis cache (.cache/analyses.sqlite), so a second run starts in seconds.

Goal (issue 7): /v1/compare sustains 100 requests/s for 60 s with p99 ≤ 250 ms and no errors.
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
ECB = ROOT.parent / "shared" / "data" / "ecbplus_dev" / "documents.jsonl"
sys.path.insert(0, str(ROOT))

from samestory.analyse import Analyser  # noqa: E402
from samestory.analyse.cache import AnalysisCache  # noqa: E402
from samestory.group.store import Store  # noqa: E402
from samestory.read import iter_articles  # noqa: E402

GOAL_RATE, GOAL_P99_MS = 100, 250


def build_store(path: Path, documents: Path, limit: int | None) -> list[str]:
    arts = list(iter_articles([str(documents)], on_error=lambda e: None))[:limit]
    analyser = Analyser(cache=AnalysisCache(ROOT / ".cache" / "analyses.sqlite"))
    t = time.time()
    with Store(path) as store:
        res = store.ingest(arts, analyser)
        ids = [i for (i,) in store.db.execute("SELECT id FROM articles ORDER BY rowid")]
    print(json.dumps({"phase": "store", "documents": str(documents), "articles": len(ids), "added": res.added,
                      "seconds": round(time.time() - t, 1)}), flush=True)
    return ids


def start_server(store: Path) -> tuple[subprocess.Popen, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "samestory.present.cli", "serve", "--store", str(store),
                             "--port", str(port), "--quiet", "--no-cache"], stderr=open(store.parent / "server.log", "w"))
    url = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            urllib.request.urlopen(url + "/v1/health", timeout=2)
            return proc, url
        except OSError:
            if proc.poll() is not None:
                sys.exit(f"load benchmark: the server did not start:\n{(store.parent / 'server.log').read_text()}")
            time.sleep(0.2)
    proc.kill()
    sys.exit("load benchmark: the server did not answer within 120 s")


def summary(phase: str, latencies: list[float], errors: list[str], seconds: float, **extra) -> dict:
    lat = np.array(latencies) * 1000 if latencies else np.zeros(1)
    return {"phase": phase, "requests": len(latencies) + len(errors), "ok": len(latencies), "errors": len(errors),
            "first_errors": errors[:3], "seconds": round(seconds, 1),
            "throughput_per_s": round(len(latencies) / seconds, 1),
            "latency_ms": {q: round(float(np.percentile(lat, p)), 1) for q, p in
                           (("p50", 50), ("p90", 90), ("p99", 99), ("max", 100))}, **extra}


class Client:
    """A pool of threads, each with one keep-alive HTTP/1.1 connection (the standard library's
    http.client: far less client CPU per request than an asyncio client, which matters on 2 cores)."""

    def __init__(self, url: str, threads: int):
        self.host, self.port = url.split("//")[1].split(":")
        self.threads = threads

    def _conn(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection(self.host, int(self.port), timeout=30)

    def _send(self, conn, method: str, path: str, body) -> tuple[int, bytes]:
        data = json.dumps(body).encode() if body is not None else None
        conn.request(method, path, body=data, headers={"Content-Type": "application/json"} if data else {})
        r = conn.getresponse()
        return r.status, r.read()

    def run(self, make, *, rate: float | None, seconds: float) -> tuple[list[float], list[str], float]:
        """Open loop at ``rate`` per second (latency from the time each request was due), or, with
        rate None, closed loop (every thread sends its next request when the last one answers)."""
        latencies: list[float] = []
        errors: list[str] = []
        lock = threading.Lock()
        counter = iter(range(10**9))
        start = time.perf_counter() + 0.2
        end = start + seconds

        def worker() -> None:
            conn = self._conn()
            while True:
                with lock:
                    i = next(counter)
                due = start + i / rate if rate else time.perf_counter()
                if due >= end:
                    break
                wait = due - time.perf_counter()
                if wait > 0:
                    time.sleep(wait)
                method, path, body = make(i)
                try:
                    status, data = self._send(conn, method, path, body)
                    took = time.perf_counter() - due
                    with lock:
                        (latencies.append(took) if status == 200 else errors.append(f"{status} {data[:200]!r}"))
                except (OSError, http.client.HTTPException) as e:
                    with lock:
                        errors.append(f"{type(e).__name__}: {e}")
                    conn.close()
                    conn = self._conn()
            conn.close()

        pool = [threading.Thread(target=worker) for _ in range(self.threads)]
        for t in pool:
            t.start()
        for t in pool:
            t.join()
        return latencies, errors, time.perf_counter() - start


def run(url: str, ids: list[str], rate: float, seconds: float) -> list[dict]:
    rng = random.Random(0)
    pairs = [tuple(rng.sample(ids, 2)) for _ in range(100_000)]

    def compare(i: int):
        a, b = pairs[i % len(pairs)]
        return "POST", "/v1/compare", {"a": {"id": a}, "b": {"id": b}}

    def stories(i: int):
        return "GET", "/v1/stories", None

    client = Client(url, threads=32)
    t = time.perf_counter()  # one request first: the service loads its models on the first comparison
    status, _ = client._send(client._conn(), *compare(len(pairs) - 1))
    print(json.dumps({"phase": "warm-up", "requests": 1, "status": status, "seconds": round(time.perf_counter() - t, 2)}), flush=True)
    out = []
    for name, make in (("compare", compare), ("stories", stories)):
        lat, err, took = client.run(make, rate=rate, seconds=seconds)
        s = summary(name, lat, err, took, target_rate=rate)
        if name == "compare":
            s["goal"] = {"rate": GOAL_RATE, "p99_ms": GOAL_P99_MS,
                         "met": rate >= GOAL_RATE and seconds >= 60 and not err and s["latency_ms"]["p99"] <= GOAL_P99_MS}
        print(json.dumps(s), flush=True)
        out.append(s)
    lat, err, took = Client(url, threads=8).run(lambda i: compare(i + 50_000), rate=None, seconds=min(seconds, 20))
    s = summary("compare_max", lat, err, took, in_flight=8)
    print(json.dumps(s), flush=True)
    out.append(s)
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--rate", type=float, default=GOAL_RATE, help="requests per second (default 100)")
    p.add_argument("--seconds", type=float, default=60, help="length of each open-loop phase (default 60)")
    p.add_argument("--documents", type=Path, help="articles to store (default: ECB+ dev, else the demo corpus)")
    p.add_argument("--limit", type=int, help="store only the first N documents")
    args = p.parse_args()
    documents = args.documents or (ECB if ECB.exists() else ROOT / "demo" / "corpus")
    tmp = Path(tempfile.mkdtemp(prefix="samestory-load-"))
    try:
        ids = build_store(tmp / "store", documents, args.limit)
        proc, url = start_server(tmp / "store")
        try:
            run(url, ids, args.rate, args.seconds)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
