"""Scale benchmark for the store: ingest a large generated stream into a fresh store, in blocks, and
print throughput, candidate-search time, memory and disk per block, how many stored analyses each new
article had to read back from disk (the store keeps the most recently used in memory), and how total
cost grows.

    .venv/bin/python benchmarks/scale.py [--n 100000] [--block 10000] [--store DIR] [--settle]

``--settle``: after each block, the stories it touched get the clustering's second look
(``Store.settle``), as one ``ingest`` of the block would; its time, pairs and decisions are printed
apart (``settle_s``, ``settle_pairs_per_article``, ``settle_merges``, ``settle_splits``) and its time is
counted in the block's rate.

The stream is generated reproducibly (seed 0) from real analysed articles, so that it has the shape of
real news (sentence vectors, entities, dates, numbers) without analysing 100,000 texts first:

* bases: the ECB+ dev documents and the SemEval-2022 training articles in ``../shared/data``, analysed
  once (the analysis cache ``.cache/analyses.sqlite`` keeps them);
* article i: a base drawn at random; each of its sentences kept with probability 0.8 (at least two), in
  order; every kept sentence vector moved by Gaussian noise (σ = 0.02 per dimension) and re-normalised;
  its text made unique ("… [variant i]"), its publication date the base's (or 2020-01-01) plus 0–6 days.

So every base grows into a story of near-variants and the store meets the same decisions as in use
(candidates, same-story model, joins, merges), at the measured cost. What it does not measure is the
reading and analysis of new texts: that is ``benchmarks/speed.py`` (articles/s of read + analyse).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
sys.path.insert(0, str(ROOT))

from samestory.analyse import Analyser  # noqa: E402
from samestory.analyse.cache import AnalysisCache  # noqa: E402
from samestory.group.store import Store  # noqa: E402
from samestory.read import iter_articles  # noqa: E402

KEEP, NOISE, SEED = 0.8, 0.02, 0


def bases() -> list:
    files = [DATA / "ecbplus_dev" / "documents.jsonl", DATA / "semeval2022_task8" / "articles_train_fulltext.jsonl"]
    missing = [str(f) for f in files if not f.exists()]
    if missing:
        sys.exit(f"scale benchmark: labelled data not found: {', '.join(missing)}")
    arts = list(iter_articles([str(f) for f in files], format="jsonl", on_error=lambda e: None))
    analyser = Analyser(cache=AnalysisCache(ROOT / ".cache" / "analyses.sqlite"))
    t = time.time()
    out = [a for a in analyser.analyse_many(arts) if len(a.sentences) >= 2]
    print(json.dumps({"bases": len(out), "analyse_or_cache_s": round(time.time() - t, 1)}), flush=True)
    return out


def variant(base, i: int, rng: np.random.Generator):
    keep = [j for j in range(len(base.sentences)) if rng.random() < KEEP]
    if len(keep) < 2:
        keep = [0, 1]
    sents = [dataclasses.replace(base.sentences[j], index=n) for n, j in enumerate(keep)]
    vecs = base.sentence_vectors[keep] + rng.normal(0, NOISE, (len(keep), base.sentence_vectors.shape[1])).astype(np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    start = dt.date.fromisoformat(base.published[:10]) if base.published else dt.date(2020, 1, 1)
    published = (start + dt.timedelta(days=int(rng.integers(0, 7)))).isoformat()
    art = dataclasses.replace(base.article, text=" ".join(s.text for s in sents) + f" [variant {i}]", id=f"gen-{i}",
                              source=f"generated:{i}", published=published)
    return dataclasses.replace(base, article=art, sentences=sents, sentence_vectors=vecs, published=published,
                               dates=[d for d in base.dates if d.sentence in set(keep)])


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--block", type=int, default=10_000)
    ap.add_argument("--store", help="store folder (default: a temporary one, removed at the end)")
    ap.add_argument("--settle", action="store_true", help="settle the stories each block touched (Store.settle)")
    args = ap.parse_args()
    base = bases()
    rng = np.random.default_rng(SEED)
    folder = Path(args.store) if args.store else Path(tempfile.mkdtemp(prefix="samestory-scale-"))
    store = Store(folder)
    t0, total, cumulative = time.time(), 0.0, {}
    try:
        done = 0
        while done < args.n:
            size = min(args.block, args.n - done)
            batch = [variant(base[int(rng.integers(len(base)))], done + k, rng) for k in range(size)]
            probe = batch[: min(200, size)]
            ts = time.perf_counter()
            for a in probe:  # candidate search alone, against the store as it is before this block
                store.clusterer.index.search(a.doc_vector(), 20)
            search_ms = 1000 * (time.perf_counter() - ts) / len(probe)
            tb = time.perf_counter()
            pairs = merges = splits = 0
            cache_before = store._cached_analysis.cache_info()
            touched: set[int] = set()
            for a in batch:
                d = store.add(a)
                pairs += d.pairs_scored if d else 0
                merges += len(d.merged) if d else 0
                splits += len(d.splits) if d else 0
                if d:
                    touched.update(d.touched)
            settled = {}
            if args.settle:
                judged, ts = store.clusterer.judge.pairs_judged, time.perf_counter()
                m, sp = store.settle(sorted(touched))
                settled = {"settle_s": round(time.perf_counter() - ts, 1), "settle_merges": m, "settle_splits": sp,
                           "settle_pairs_per_article": round((store.clusterer.judge.pairs_judged - judged) / size, 1)}
            store.save_index()
            spent = time.perf_counter() - tb
            cache = store._cached_analysis.cache_info()
            loads = cache.misses - cache_before.misses
            total += spent
            done += size
            cumulative[done] = total
            disk = sum(p.stat().st_size for p in folder.iterdir() if p.is_file())
            print(json.dumps({"stored": done, "block_articles_per_s": round(size / spent, 1),
                              "candidate_search_ms": round(search_ms, 3), "pairs_scored_per_article": round(pairs / size, 1),
                              "analyses_read_from_disk_per_article": round(loads / size, 2),
                              "stories": len(store.clusterer.members), "merges": merges, "splits": splits, "peak_rss_mb": round(rss_mb()),
                              "disk_bytes_per_article": int(disk / done), "cumulative_s": round(total, 1), **settled}),
                             flush=True)
        first = min(cumulative)
        summary = {"articles": done, "total_s": round(total, 1), "articles_per_s": round(done / total, 1),
                   "peak_rss_mb": round(rss_mb()), "wall_s": round(time.time() - t0, 1)}
        if done >= 10 * first:
            summary[f"cost_growth_{first}_to_{10 * first}"] = round(cumulative[10 * first] / cumulative[first], 2)
        print(json.dumps({"summary": summary}), flush=True)
    finally:
        store.close()
        if not args.store:
            shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
