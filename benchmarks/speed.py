"""Speed of reading + analysing 500-word articles, of their passage vectors, of comparing two analysed
articles, and of the whole comparison of two new articles (what `samestory compare` does).

    .venv/bin/python benchmarks/speed.py [--n 60]

Articles: real texts from ../shared/data/semeval2022_task8 with at least 500 words, cut to 500 words
(evaluation data, read at run time only); without the data, the demo corpus repeated. No cache.
Prints throughput (articles/s), compare latency (median and p95, ms), the latency of comparing two new
articles (read, analyse, passage vectors, compare; median and max over 10 pairs, s) and peak memory (max RSS).
The passage vectors are timed twice: alone, and after an analysis pool (2 workers) has started in the
process, whose one-thread limit on the process's thread pools must not reach the encoder (ratio ≈ 1).
"""

from __future__ import annotations

import argparse
import itertools
import json
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "semeval2022_task8" / "articles_train_fulltext.jsonl"


def texts(n: int) -> tuple[list[str], str]:
    if DATA.exists():
        out = []
        for line in open(DATA, encoding="utf-8"):
            words = json.loads(line)["text"].split()
            if len(words) >= 500:
                out.append(" ".join(words[:500]))
            if len(out) == n:
                return out, f"{n} SemEval articles cut to 500 words"
        return out, f"{len(out)} SemEval articles cut to 500 words"
    demo = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "demo" / "corpus").glob("*.txt"))]
    return [demo[i % len(demo)] for i in range(n)], "demo corpus (data absent)"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=60)
    args = ap.parse_args()
    from samestory.analyse import Analyser, passages
    from samestory.compare import compare
    from samestory.read import read_text

    docs, what = texts(args.n)
    an = Analyser()
    list(an.analyse_many(read_text(d) for d in docs))  # load every language's models first; not timed
    t = time.perf_counter()
    analyses = list(an.analyse_many(read_text(d, source=f"bench-{i}") for i, d in enumerate(docs)))
    dt = time.perf_counter() - t
    t = time.perf_counter()
    passages.ensure(analyses)
    dt_passages = time.perf_counter() - t
    with Analyser(workers=2) as pooled:  # the same, in a process whose analysis pool has limited its thread pools
        again = list(pooled.analyse_many(read_text(d, source=f"pool-{i}") for i, d in enumerate(docs)))
        t = time.perf_counter()
        passages.ensure(again)
        dt_pooled = time.perf_counter() - t
    lat = []
    for a, b in itertools.islice(itertools.combinations(analyses, 2), 300):
        t0 = time.perf_counter()
        compare(a, b)
        lat.append((time.perf_counter() - t0) * 1000)
    lat.sort()
    new = []
    for i in range(0, min(20, len(docs) - 1), 2):
        t0 = time.perf_counter()
        a, b = an.analyse_many(read_text(docs[j], source=f"new-{j}") for j in (i, i + 1))
        compare(a, b)
        new.append(time.perf_counter() - t0)
    print(f"articles: {what}")
    print(f"read + analyse: {len(docs) / dt:.1f} articles/s ({len(docs)} articles in {dt:.1f} s)")
    print(f"passage vectors: {len(docs) / dt_passages:.1f} articles/s; after an analysis pool started in the process "
          f"{len(docs) / dt_pooled:.1f} articles/s (ratio {dt_passages / dt_pooled:.2f})")
    print(f"compare (analysed pair): median {statistics.median(lat):.2f} ms, p95 {lat[int(len(lat) * 0.95)]:.2f} ms over {len(lat)} pairs")
    print(f"compare two new articles (read, analyse, passage vectors, compare): median {statistics.median(new):.2f} s, "
          f"max {max(new):.2f} s over {len(new)} pairs")
    print(f"peak memory (max RSS): {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
