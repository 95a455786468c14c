"""Analyse every SemEval training article once into the analysis cache (speeds up training and eval)."""
import sys, time
from samestory.analyse import Analyser
from samestory.analyse.cache import AnalysisCache
from samestory.evaluate.pairs_data import load_articles

D = "../shared/data/semeval2022_task8/"
arts = load_articles([D + "articles_train_fulltext.jsonl", D + "articles_train_headtail.jsonl"])
print(len(arts), "articles", flush=True)
an = Analyser(cache=AnalysisCache(sys.argv[1] if len(sys.argv) > 1 else ".cache/analyses.sqlite"))
t = time.time()
for i, a in enumerate(an.analyse_many(arts.values())):
    if i % 200 == 0:
        print(i, round(time.time() - t, 1), flush=True)
print("done", time.time() - t)
