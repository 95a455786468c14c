"""What telling German names from nouns costs and changes (analyse/propernouns.py): the same German pages
analysed with the part-of-speech tagger and without it (capitals alone, as before analyser-v10).

    .venv/bin/python benchmarks/german.py [--n 40] [--words 500]

Articles: the first ``--n`` pages of ../shared/data/article_extraction_trafilatura that read as German
with at least ``--words`` words, cut to that many (evaluation data, read at run time only). One process,
no cache, models loaded before the clock starts. Prints, as JSON lines, for each way: articles/s, and
the names (NAME entities, found by capitals) and places per article; then the ratio of the two speeds.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "article_extraction_trafilatura"


def pages(n: int, words: int) -> list:
    from samestory.errors import InputError
    from samestory.language import detect_language
    from samestory.model import Article
    from samestory.read import read_html

    out = []
    for line in open(DATA / "ground_truth.jsonl", encoding="utf-8"):
        r = json.loads(line)
        try:
            a = read_html(gzip.open(DATA / r["html_file"]).read().decode("utf-8", "replace"), url=r["url"])
        except InputError:
            continue
        ws = a.text.split()
        if len(ws) >= words and detect_language(a.text)[0] == "de":
            out.append(Article(text=" ".join(ws[:words]), title=a.title, source=r["url"], language="de"))
            if len(out) == n:
                break
    return out


def run(articles: list, tagged: bool) -> dict:
    from samestory.analyse import Analyser, propernouns

    saved = dict(propernouns.MODELS)
    if not tagged:
        propernouns.MODELS.clear()
    try:
        an = Analyser()
        an.analyse(articles[0])  # models loaded, not timed
        t = time.perf_counter()
        analyses = [an.analyse(a) for a in articles]
        dt = time.perf_counter() - t
    finally:
        propernouns.MODELS.update(saved)
    n = len(analyses)
    return {"tagger": tagged, "articles": n, "articles_per_s": round(n / dt, 2),
            "names_per_article": round(sum(e.label == "NAME" for x in analyses for e in x.entities) / n, 1),
            "places_per_article": round(sum(e.label == "PLACE" for x in analyses for e in x.entities) / n, 1)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=40)
    ap.add_argument("--words", type=int, default=500)
    args = ap.parse_args()
    if not DATA.exists():
        print(f"{DATA} is absent: no German pages to measure", file=sys.stderr)
        return 1
    articles = pages(args.n, args.words)
    without = run(articles, tagged=False)
    with_tagger = run(articles, tagged=True)
    print(json.dumps(without))
    print(json.dumps(with_tagger))
    print(json.dumps({"speed_with_tagger_over_without": round(with_tagger["articles_per_s"] / without["articles_per_s"], 2)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
