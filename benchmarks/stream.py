"""End to end, from reading to stories: real articles read from JSON Lines files and ingested into a
fresh store, as ``samestory ingest`` does (read, analyse, store, join or found a story), with no cache.

    .venv/bin/python benchmarks/stream.py [--workers 1 2] [--limit N] [--warm 100]

Articles: the SemEval-2022 training articles with full text and the ECB+ dev documents in
../shared/data (3,316 real articles in 5 languages; evaluation data, read at run time only), in that
order. Printed per worker count, as JSON lines:

* ``sustained_per_s``: articles stored per second after the first ``--warm`` (model loading and the
  workers' start are behind by then): the rate a long stream is ingested at;
* ``overall_per_s``: the same over the whole run, start-up included;
* ``mean_words``: the length of the articles, for comparison with other figures;
* ``peak_rss_mb``: this process's peak memory, and ``workers_peak_rss_mb``: the largest worker's.

The goal this is measured against (issue 6): 17.4 articles/s sustained, the largest commercial news
stream (about 1.5M articles a day) on a 2-core machine.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
FILES = [DATA / "semeval2022_task8" / "articles_train_fulltext.jsonl", DATA / "ecbplus_dev" / "documents.jsonl"]


def run(workers: int, limit: int | None, warm: int) -> dict:
    from itertools import islice

    from samestory.analyse import Analyser
    from samestory.group.store import Store
    from samestory.read import iter_articles

    skipped: list = []
    stamps: list[float] = []
    words = 0

    def counted():
        nonlocal words
        for art in islice(iter_articles([str(f) for f in FILES], on_error=skipped.append), limit):
            words += len(art.text.split())
            yield art

    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "store") as store, \
            Analyser(cache=None, workers=workers) as analyser:
        t0 = time.perf_counter()
        res = store.ingest(counted(), analyser, on_decision=lambda art, d: stamps.append(time.perf_counter()))
        n = len(stamps)
        stories = len(store.story_ids())
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"workers": workers, "articles": n, "added": res.added, "skipped": len(skipped), "stories": stories,
            "mean_words": round(words / max(n, 1)),
            "sustained_per_s": round((n - warm) / (stamps[-1] - stamps[warm - 1]), 2) if n > warm else None,
            "overall_per_s": round(n / (stamps[-1] - t0), 2) if n else None,
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            "workers_peak_rss_mb": round(children) if workers > 1 else None}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="worker counts to run (default: 1 2)")
    ap.add_argument("--limit", type=int, help="only the first N articles")
    ap.add_argument("--warm", type=int, default=100, help="articles left out of the sustained rate (default: 100)")
    args = ap.parse_args()
    missing = [str(f) for f in FILES if not f.exists()]
    if missing:
        print(f"stream benchmark: data not found: {', '.join(missing)} (it reads ../shared/data)", file=sys.stderr)
        return 2
    for w in args.workers:
        print(json.dumps(run(w, args.limit, args.warm)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
