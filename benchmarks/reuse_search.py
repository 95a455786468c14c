"""Copy candidate search at scale: can a new article find the article it copies among 100,000 stored
ones, how fast, and at what memory per stored article?

    .venv/bin/python benchmarks/reuse_search.py [--n 100000] [--sources 100]

* Copies: the copy variants of ``samestory eval reuse`` (test split, ``--sources`` sources; how they are
  made: samestory/evaluate/reuse_data.py), analysed for real.
* Stored: the sources, plus distractors up to ``--n``: near-variants of the other real analysed articles
  of ../shared/data, made as in benchmarks/scale.py (sentences dropped, vectors moved by noise). The
  sources' own articles are not used for distractors, so the source is the one right answer.
* Candidate search is the store's: the HNSW index of document vectors (samestory.group.index, usearch),
  k = 20. Beside it, for comparison, MinHash LSH over word 3-gram shingles (datasketch, 64 permutations,
  Jaccard threshold 0.5), the usual hash-based copy finder.
* Then the whole step a user waits for: search + a full comparison (alignment, scores, relation) with the
  top 5 candidates.

Printed: per copy variant, recall@20 of HNSW and recall of LSH; query latency (median, p99); index
memory per stored article; search + compare time per new article.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from scale import bases, variant  # noqa: E402

from samestory.analyse import Analyser  # noqa: E402
from samestory.analyse.cache import AnalysisCache  # noqa: E402
from samestory.compare import compare  # noqa: E402
from samestory.evaluate import reuse, reuse_data  # noqa: E402
from samestory.group.index import VectorIndex  # noqa: E402

K, TOP_COMPARE, LSH_THRESHOLD = 20, 5, 0.5


def signature(values: np.ndarray):
    """The stored MinHash values (samestory.analyse.fingerprints: datasketch's default scheme) as a MinHash."""
    from datasketch import MinHash

    return MinHash(num_perm=len(values), hashvalues=values, scheme="affine32")


def pct(xs: list[float], q: float) -> float:
    return round(float(np.percentile(xs, q)), 3)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=100_000, help="stored articles (default: 100,000)")
    ap.add_argument("--sources", type=int, default=100, help="copied sources (default: 100)")
    args = ap.parse_args()
    from datasketch import MinHashLSH

    analyser = Analyser(cache=AnalysisCache(ROOT / ".cache" / "analyses.sqlite"))
    data = reuse_data.load(DATA)
    pairs = [p for p in reuse_data.build(data, args.sources, 0, "test") if p.expected in ("duplicate", "rewrite")]
    analysed = reuse.analyse_pairs(pairs, analyser)
    sources = sorted({p.a.id for p in pairs})
    source_texts = {analysed[s].article.text for s in sources}

    pool = [b for b in bases() if b.article.text not in source_texts and b.article.id not in sources]
    rng = np.random.default_rng(0)
    index, lsh = VectorIndex(), MinHashLSH(threshold=LSH_THRESHOLD, num_perm=64)
    t = time.perf_counter()
    keys = {}
    for k, s in enumerate(sources):
        keys[k] = s
        index.add([k], analysed[s].doc_vector()[None, :])
        lsh.insert(k, signature(analysed[s].minhash))
    block, k, base_of = [], len(sources), {}
    while k < args.n:
        base_of[k] = int(rng.integers(len(pool)))
        base = pool[base_of[k]]
        v = variant(base, k, rng)
        block.append((k, v.doc_vector()))
        lsh.insert(k, signature(base.minhash))  # a variant's text is its base's, shortened
        k += 1
        if len(block) == 10_000 or k == args.n:
            index.add([b[0] for b in block], np.stack([b[1] for b in block]))
            block = []
    build_s = time.perf_counter() - t
    memory = index._index.memory_usage  # usearch's own account of the graph and vectors
    print(json.dumps({"stored": len(index), "build_s": round(build_s, 1), "distractor_bases": len(pool),
                      "index_bytes_per_article": int(memory / len(index)),
                      "index_file_bytes_per_article": int(index._index.serialized_length / len(index))}), flush=True)

    found, found_lsh, latency, lsh_latency, full = defaultdict(list), defaultdict(list), [], [], []
    by_id = {s: k for k, s in keys.items()}
    for p in pairs:
        q = analysed[p.b.id]
        t = time.perf_counter()
        hits = index.search(q.doc_vector(), K)
        latency.append(1000 * (time.perf_counter() - t))
        found[p.variant].append(by_id[p.a.id] in {h for h, _ in hits})
        t = time.perf_counter()
        got = lsh.query(signature(q.minhash))
        lsh_latency.append(1000 * (time.perf_counter() - t))
        found_lsh[p.variant].append(by_id[p.a.id] in got)
        t = time.perf_counter()  # the step a user waits for: search, then compare with the best stored candidates
        for key, _ in index.search(q.doc_vector(), K)[:TOP_COMPARE]:
            # a distractor: its real base; copies are decided from the text, without passage vectors
            compare(q, analysed[keys[key]] if key in keys else pool[base_of[key]], passages=False)
        full.append(1000 * (time.perf_counter() - t))
    print(json.dumps({"variant_recall": {v: {"hnsw_at_20": round(float(np.mean(found[v])), 3),
                                             "minhash_lsh": round(float(np.mean(found_lsh[v])), 3), "n": len(found[v])}
                                         for v in found}}), flush=True)
    print(json.dumps({"summary": {
        "stored": len(index), "queries": len(pairs),
        "hnsw_recall_at_20": round(float(np.mean([x for v in found.values() for x in v])), 3),
        "lsh_recall": round(float(np.mean([x for v in found_lsh.values() for x in v])), 3),
        "search_ms_median": pct(latency, 50), "search_ms_p99": pct(latency, 99),
        "lsh_query_ms_median": pct(lsh_latency, 50),
        f"search_and_compare_top{TOP_COMPARE}_ms_median": pct(full, 50),
        f"search_and_compare_top{TOP_COMPARE}_ms_p99": pct(full, 99),
        "index_bytes_per_article": int(memory / len(index))}}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
