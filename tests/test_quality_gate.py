"""Quality gate for the pair scorer, on the SemEval-2022 Task 8 training data in ../shared/data.

Floors are the cross-validated figures of scorer-v9 (recorded in its model file) less a noise margin of
0.02. Lowering a floor is an explicit, reasoned change to this file, never a side effect.
The run retrains in 5 folds grouped by article and scores out-of-fold predictions (a few minutes).
"""

import json

import pytest

from samestory.compare import scorer
from samestory.compare.train import digest
from samestory.present.cli import main

from .conftest import DATA, need

MARGIN = 0.02
# scorer-v1 (trees only) recorded 0.785 overall; re-measured on today's analyses it is 0.800. scorer-v2 adds
# the ridge half of the blend (compare/train.py) and every floor rose. scorer-v3 adds the passage vectors'
# cosine (multilingual-e5, analyse/passages.py): overall 0.811 -> 0.827, en-en 0.851 -> 0.872; style moved
# 0.507 -> 0.503 (within noise), and its floor follows. analyser-v4 (dates in articles without a
# publication date no longer resolved against today; analyse/dates.py) moved the retrained CV by at most
# 0.005: overall 0.827 -> 0.825, en-en 0.872 -> 0.870, es-es 0.815 -> 0.813, ar-ar 0.786 -> 0.781, fr-fr
# 0.806 -> 0.809; the floors are the new figures, lowered for a correction of the analyses. scorer-v4
# makes both halves of each model monotone in every similarity feature (compare/train.py): an article
# against itself scored 1.4-1.7 Overall before, less similar than two independent reports of one event.
# Overall 0.825 -> 0.826, es-es 0.813 -> 0.818, ar-ar 0.781 -> 0.791, tone 0.495 -> 0.502 rise; en-en
# 0.870 -> 0.867, tr-tr 0.825 -> 0.820, fr-fr 0.809 -> 0.805, entities 0.808 -> 0.801, narrative 0.799 ->
# 0.795, geography 0.637 -> 0.627, time 0.410 -> 0.388, style 0.509 -> 0.506 fall, and their floors follow:
# a scorer that ranks a copy below a paraphrase is wrong whatever its correlation on pairs with few copies.
# scorer-v5 adds the entities_ner flag (which extractor found the names): every figure rose and the floors
# with them. scorer-v6 is v5 retrained on analyser-v8, whose term vectors are word stems (analyse/terms.py):
# overall 0.830 -> 0.833, tr-tr 0.824 -> 0.831, es-es 0.820 -> 0.824, ar-ar 0.791 -> 0.794, narrative
# 0.799 -> 0.802, time 0.411 -> 0.413, style 0.507 -> 0.509 rise; fr-fr 0.810 -> 0.809 (67 pairs) and tone
# 0.508 -> 0.505 move down within noise, and their floors follow the recorded figures.
# scorer-v7 is v6 retrained on analyser-v9 (punctuation ends a name found by capitals in languages without
# a recogniser): tr-tr 0.831 -> 0.833, en-en 0.869 -> 0.870, ar-ar 0.794 -> 0.795, entities 0.802 -> 0.803,
# geography 0.649 -> 0.650, time 0.413 -> 0.413; es-es 0.824 -> 0.823, fr-fr 0.809 -> 0.808, narrative 0.802
# -> 0.802, style 0.509 -> 0.508, tone 0.505 -> 0.504 move down by at most 0.001 (noise), and follow.
# scorer-v8 adds passage_window_max, the best cosine between the two articles' 90-word passage windows
# (analyse/passages.py): overall 0.833 -> 0.838, en-en 0.870 -> 0.874, tr-tr 0.833 -> 0.839, ar-ar 0.795
# -> 0.814, fr-fr 0.808 -> 0.813, entities 0.803 -> 0.805, narrative 0.802 -> 0.803, geography 0.650 ->
# 0.652, tone 0.504 -> 0.511 rise; es-es 0.823 -> 0.822, style 0.508 -> 0.506 and time 0.413 -> 0.413 move
# down within noise, and follow.
# scorer-v9 is v8 retrained on analyser-v13 (entity keys mended: lower-case "names" dropped whatever their
# label, surnames less suffixes and read after a hyphen, a one-word "person" that is a country is the
# country, everyday country names for the training languages): overall 0.838 -> 0.839, en-en 0.874 -> 0.875,
# tr-tr 0.839 -> 0.840, fr-fr 0.813 -> 0.819, narrative 0.803 -> 0.804, geography 0.652 -> 0.653, time
# 0.413 -> 0.414, style 0.506 -> 0.507 rise; es-es 0.822, ar-ar 0.814 and entities 0.805 stay; tone 0.511 ->
# 0.508 moves down within noise, and follows.
FLOORS = {"overall": 0.839, "en-en": 0.875, "es-es": 0.822, "tr-tr": 0.840, "ar-ar": 0.814, "fr-fr": 0.819,
          "entities": 0.805, "narrative": 0.804, "geography": 0.653, "time": 0.414, "style": 0.507, "tone": 0.508}

pytestmark = [pytest.mark.data, pytest.mark.slow]


@pytest.fixture(scope="module")
def semeval():
    d = need(DATA / "semeval2022_task8")
    return d / "pairs_train.jsonl", [d / "articles_train_fulltext.jsonl", d / "articles_train_headtail.jsonl"]


def test_packaged_scorer_records_its_training(semeval):
    pairs, articles = semeval
    s = scorer.load(scorer.DEFAULT_SCORER)
    assert s.meta["data_digest"] == digest([str(pairs), *map(str, articles)]), "the data changed since training"
    cv = s.meta["cv"]
    assert cv["pearson_overall"] >= FLOORS["overall"] - MARGIN


def test_cross_validated_pearson_floors(semeval, tmp_path, capsys):
    pairs, articles = semeval
    code = main(["eval", "pairs", "--pairs", str(pairs), "--articles", *map(str, articles), "--cv", "5",
                 "--json", "--cache", str(tmp_path / "cache.sqlite")])
    assert code == 0
    r = json.loads(capsys.readouterr().out)
    assert r["n"] >= 1500
    assert r["pearson_overall"] >= FLOORS["overall"] - MARGIN
    for lang in ("en-en", "es-es", "tr-tr", "ar-ar", "fr-fr"):
        assert r["pearson_overall_by_language"][lang]["pearson"] >= FLOORS[lang] - MARGIN, lang
    for dim in ("entities", "narrative", "geography", "time", "style", "tone"):
        assert r["pearson"][dim] >= FLOORS[dim] - MARGIN, dim
