"""``samestory eval pairs``: Pearson correlation of predicted against human SemEval labels.

Primary metric: ``pearson_overall``. Also reported: Pearson per dimension, Overall Pearson per language
pair, and how the relation decisions spread over the Overall labels. With ``cv=K`` the scorer is
retrained in K grouped folds (no article on both sides) and the out-of-fold predictions are scored:
the honest figure on the scorer's own training data.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

import numpy as np

from ..analyse import Analyser
from ..model import DIMENSIONS
from .pairs_data import LabelledPair

PRIMARY = "pearson_overall"


def pearson(x: np.ndarray, y: np.ndarray) -> float | None:
    ok = ~(np.isnan(x) | np.isnan(y))
    if ok.sum() < 3 or np.std(x[ok]) == 0 or np.std(y[ok]) == 0:
        return None
    return round(float(np.corrcoef(x[ok], y[ok])[0, 1]), 4)


def report(pairs: list[LabelledPair], Y: np.ndarray, pred: np.ndarray) -> dict[str, Any]:
    j = DIMENSIONS.index("overall")
    by_lang: dict[str, list[int]] = defaultdict(list)
    for i, p in enumerate(pairs):
        by_lang[p.lang].append(i)
    return {
        "n": len(pairs),
        PRIMARY: pearson(Y[:, j], pred[:, j]),
        "pearson": {d: pearson(Y[:, k], pred[:, k]) for k, d in enumerate(DIMENSIONS)},
        "pearson_overall_by_language": {lang: {"n": len(ix), "pearson": pearson(Y[ix, j], pred[ix, j])}
                                        for lang, ix in sorted(by_lang.items(), key=lambda kv: -len(kv[1]))},
    }


def evaluate(pairs: list[LabelledPair], articles: dict, analyser: Analyser, scorer_name: str,
             cv: int | None = None) -> dict[str, Any]:
    from ..compare import compare
    from ..compare.train import cross_validate, groups_of, pair_features

    analyses = {a.id: a for a in analyser.with_passages(analyser.analyse_many(articles.values()))}
    missing = sum(1 for p in pairs if p.id1 not in analyses or p.id2 not in analyses)
    if cv:
        names, X, Y, kept = pair_features(pairs, analyses)
        pred = cross_validate(X, Y, groups_of(kept), names, cv)
        out = report(kept, Y, pred)
        out["mode"] = f"{cv}-fold cross-validation grouped by article (scorer retrained per fold)"
    else:
        kept, rows, preds, relations = [], [], [], []
        for p in pairs:
            a, b = analyses.get(p.id1), analyses.get(p.id2)
            if a is None or b is None:
                continue
            c = compare(a, b, scorer_name=scorer_name)
            kept.append(p)
            rows.append([p.labels.get(d, np.nan) for d in DIMENSIONS])
            preds.append([c.scores[d] for d in DIMENSIONS])
            relations.append((p.labels.get("overall"), c.relation.value))
        out = report(kept, np.array(rows), np.array(preds))
        out["mode"] = f"packaged scorer {scorer_name}"
        out["relations_by_gold_overall"] = _relations(relations)
    out["pairs_without_both_texts"] = missing
    return out


def _relations(items: list[tuple[float | None, str]]) -> dict[str, dict[str, int]]:
    bands = {"1-1.5": (1, 1.5), "1.5-2.5": (1.5, 2.5), "2.5-3.5": (2.5, 3.5), "3.5-4": (3.5, 4.01)}
    out = {}
    for name, (lo, hi) in bands.items():
        out[name] = dict(Counter(r for o, r in items if o is not None and lo <= o < hi))
    return out
