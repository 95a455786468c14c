"""Quality gate for the pair scorer, on the SemEval-2022 Task 8 training data in ../shared/data.

Floors are the cross-validated figures of scorer-v1 (recorded in its model file) less a noise margin of
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
FLOORS = {"overall": 0.785, "en-en": 0.815, "es-es": 0.774, "tr-tr": 0.782, "ar-ar": 0.740, "fr-fr": 0.784,
          "entities": 0.762, "narrative": 0.763, "geography": 0.572, "time": 0.381, "style": 0.485, "tone": 0.451}

pytestmark = [pytest.mark.data, pytest.mark.slow]


@pytest.fixture(scope="module")
def semeval():
    d = need(DATA / "semeval2022_task8")
    return d / "pairs_train.jsonl", [d / "articles_train_fulltext.jsonl", d / "articles_train_headtail.jsonl"]


def test_packaged_scorer_records_its_training(semeval):
    pairs, articles = semeval
    s = scorer.load("scorer-v1")
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
