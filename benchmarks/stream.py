"""End to end, from reading to stories: real articles read from JSON Lines files and ingested into a
fresh store, as ``samestory ingest`` does (read, analyse, store, join or found a story), with no cache.

    .venv/bin/python benchmarks/stream.py [--workers 1 2] [--limit N] [--warm 100] [--words N] [--passages]

Articles: the SemEval-2022 training articles with full text and the ECB+ dev documents in
../shared/data (3,316 real articles in 5 languages; evaluation data, read at run time only), in that
order; with ``--words N``, only the articles of at least N words, each cut to its first N words (as
``benchmarks/speed.py`` does with 500), so that figures compare at one length. The stream is written
to a temporary JSON Lines file before the clock starts; reading it is timed. Printed per worker count,
as JSON lines:

* ``sustained_per_s``: articles stored per second after the first ``--warm`` (model loading and the
  workers' start are behind by then): the rate a long stream is ingested at;
* ``overall_per_s``: the same over the whole run, start-up included;
* ``mean_words``: the length of the articles, for comparison with other figures;
* ``peak_rss_mb``: this process's peak memory, and ``workers_peak_rss_mb``: the largest worker's;
* ``pairs_judged``, ``pairs_rejudged_with_passages``, ``passage_vectors_made``: the clustering's pair
  judgements, those it was unsure of and judged again with passage vectors, and the vectors that took
  (group/cluster.py, Judge).

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


def cut_text(text: str, n: int) -> str | None:
    """The first n words of a text, its paragraphs kept; None when it is shorter."""
    paragraphs, count = [], 0
    for para in text.split("\n\n"):
        words = para.split()
        if count + len(words) >= n:
            paragraphs.append(" ".join(words[:n - count]))
            return "\n\n".join(paragraphs)
        paragraphs.append(para)
        count += len(words)
    return None


def prepare(folder: Path, limit: int | None, cut: int | None) -> tuple[Path, int]:
    """The stream as one JSON Lines file (written before the clock starts): the data's records, cut to
    length when asked. Returns the file and its mean word count."""
    out, n, words = folder / "stream.jsonl", 0, 0
    with open(out, "w", encoding="utf-8") as f:
        for path in FILES:
            for line in open(path, encoding="utf-8"):
                if limit is not None and n >= limit:
                    break
                rec = json.loads(line)
                text = cut_text(rec.get("text") or "", cut) if cut else rec.get("text")
                if not text:
                    continue
                rec["text"] = text
                f.write(json.dumps(rec, ensure_ascii=False) + "\n")
                n += 1
                words += len(text.split())
    return out, round(words / max(n, 1))


def run(workers: int, stream: Path, warm: int, passages: bool = False) -> dict:
    from samestory.analyse import Analyser
    from samestory.group.store import Store
    from samestory.read import iter_articles

    skipped: list = []
    stamps: list[float] = []
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "store", passages=passages) as store, \
            Analyser(cache=None, workers=workers) as analyser:
        t0 = time.perf_counter()
        res = store.ingest(iter_articles([str(stream)], on_error=skipped.append), analyser,
                           on_decision=lambda art, d: stamps.append(time.perf_counter()))
        n = len(stamps)
        stories = len(store.story_ids())
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"workers": workers, "articles": n, "added": res.added, "skipped": len(skipped), "stories": stories,
            "sustained_per_s": round((n - warm) / (stamps[-1] - stamps[warm - 1]), 2) if n > warm else None,
            "overall_per_s": round(n / (stamps[-1] - t0), 2) if n else None,
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            "workers_peak_rss_mb": round(children) if workers > 1 else None, **res.cost}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="worker counts to run (default: 1 2)")
    ap.add_argument("--limit", type=int, help="only the first N articles")
    ap.add_argument("--warm", type=int, default=100, help="articles left out of the sustained rate (default: 100)")
    ap.add_argument("--words", type=int, metavar="N", help="only articles of at least N words, cut to N")
    ap.add_argument("--passages", action="store_true", help="ingest as `ingest --passages` does (the clustering's cascade)")
    args = ap.parse_args()
    missing = [str(f) for f in FILES if not f.exists()]
    if missing:
        print(f"stream benchmark: data not found: {', '.join(missing)} (it reads ../shared/data)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        stream, mean_words = prepare(Path(tmp), args.limit, args.words)
        for w in args.workers:
            print(json.dumps({**run(w, stream, args.warm, args.passages), "mean_words": mean_words}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
