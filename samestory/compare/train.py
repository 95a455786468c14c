"""Train and cross-validate the pair scorer; export it as a packaged JSON model.

    python -m samestory.compare.train --pairs P.jsonl --articles A.jsonl [A2.jsonl …] --name scorer-v9

Each dimension is predicted by the mean of two models on the same features (since scorer-v2):
gradient-boosted trees, which find thresholds and interactions (a shared place counts for more when the
dates agree), and a ridge regression on standardised features, which extrapolates smoothly where the
trees have seen few pairs. Their errors differ; their mean cross-validates higher in every language
than either alone (README).

The training pairs are all in one language, so wording features (shared words, shingles) are high for
every close pair in them. A pair in two languages has none, and a model trained on them would read
that as dissimilar. A second set of models (``cross_language``) is therefore trained on the same pairs
without the wording features (nor the passage vectors' features, see WORDING) and judges pairs in two languages; its cross-validated figures (as if each
test pair were in two languages) are recorded beside the model as ``cv.without_wording``.

A third set (``without_passages``, since scorer-v3) does without the passage vectors' features only: it
judges same-language pairs compared without them (``compare(..., passages=False)``, as the copy lineage
of a story is, where the relations come from the text and the passage vectors would cost ~0.45 s per
500-word article); its figures are ``cv.without_passages``.

Both halves are monotone (since scorer-v4): each similarity feature (a cosine, an alignment, a
coverage, an overlap of words, names, places, dates, numbers or quotes) may only move a dimension
towards "very similar" as it grows; ``MONOTONE_FREE`` lists the features left free (flags, lengths,
days apart). The training pairs hold few near-copies (7 of 1,565 share ≥ 80% of their word 3-grams, one
rated 3.33), and the unconstrained scorer-v3 scored an article against itself 1.4–1.7 Overall, less
similar than two independent reports of one event; scorer-v4 scores it 1.0. Cross-validated, Overall
moves 0.825 → 0.826 (es-es 0.813 → 0.818, ar-ar 0.781 → 0.791, en-en 0.870 → 0.867, tr-tr 0.825 →
0.820); time falls 0.410 → 0.388 and geography 0.637 → 0.627 (README).

scorer-v5 adds one flag, ``entities_ner``: whether both articles' names come from a trained entity
recogniser (English, Spanish, French) rather than from capitalised words and the gazetteer (every other
language, compare/features.py). The same overlap of names means more from the first, and the models can
now weigh it so. It is a fact about the analysis, not the language's name, so a language never seen in
training (German, Polish) is treated as the extractor it gets. Overall 0.826 → 0.830; every dimension
and every language but ar-ar (0.791, unchanged) up: en-en 0.867 → 0.869, es-es 0.818 → 0.820, tr-tr
0.820 → 0.824, fr-fr 0.805 → 0.810; geography 0.627 → 0.649, time 0.388 → 0.411.

scorer-v6 has v5's features and settings, trained on analyser-v8's analyses, whose term vectors are
Snowball stems (analyse/terms.py): Overall 0.830 → 0.833, tr-tr 0.824 → 0.831, es-es 0.820 → 0.824,
ar-ar 0.791 → 0.794, en-en 0.869 → 0.869, fr-fr 0.810 → 0.809; without the passage vectors 0.807 →
0.815 (as recorded in the two model files).
scorer-v7 is the same retrained on analyser-v9 (punctuation ends a name found by capitals, in languages
without a recogniser): Overall 0.833 → 0.833, tr-tr 0.831 → 0.833, en-en 0.869 → 0.870 (English analyses
unchanged: noise of training on the others), es-es 0.824 → 0.823, ar-ar 0.794 → 0.795, fr-fr 0.809 → 0.808.
scorer-v8 adds ``passage_window_max``, the best cosine between a 90-word passage window of one article
and one of the other (analyse/passages.py): Overall 0.833 → 0.838, ar-ar 0.795 → 0.814, tr-tr 0.833 →
0.839, en-en 0.870 → 0.874, fr-fr 0.808 → 0.813, es-es 0.823 → 0.822; its models without passages and
across languages read no window, and are scorer-v7's.
scorer-v9 is scorer-v8 retrained on analyser-v13, whose entity keys are mended (a name written without
capitals is dropped whatever its label: the Spanish model's "año" in 127 texts; a surname less "Jr" and
read after a hyphen; a one-word "person" that is a country is the country; CLDR's everyday country names
and "EE.UU.", "ABD" for the training languages too): Overall 0.838 → 0.839, en-en 0.874 → 0.875, es-es
0.822 → 0.822, tr-tr 0.839 → 0.840, ar-ar 0.814 → 0.814, fr-fr 0.813 → 0.819, tone 0.511 → 0.508 (all
within the noise of one run; the direction is the analyses' correction, not a new signal).

Cross-validation folds are grouped by connected components of the pair graph, so no article appears
in both the training and the test side of a fold. The figures written beside the model are those
cross-validated figures; the shipped model is then fitted on all pairs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import logging
import sys
from pathlib import Path
from typing import Any

import numpy as np

from ..analyse import Analyser
from ..model import DIMENSIONS, Analysis
from .align import align
from .features import PASSAGE_FEATURES, compute
from .scorer import LANGUAGE_BOUND

#: What the models for pairs in two languages do without: the wording features, same_language (always 1
#: here), and the passage vectors' cosine, whose scale differs across languages (multilingual-e5-small puts
#: the demo corpus's Spanish translation of an article further from it than a related English article).
#: numbers_j too: it pairs each number with the word after it ("110 kilometres", "110 kilómetros"), so two
#: languages share none; those models read number_values_j, the values alone.
WORDING = (*LANGUAGE_BOUND, "same_language", *PASSAGE_FEATURES, "numbers_j")
#: What a same-language pair compared without passage vectors lacks.
PASSAGE = PASSAGE_FEATURES

log = logging.getLogger(__name__)

#: HistGradientBoosting settings, fixed beforehand (not searched on the data): shallow trees, strong
#: shrinkage and an L2 penalty, because the training set is small (~1,600 pairs).
PARAMS = {"max_iter": 300, "learning_rate": 0.04, "max_depth": 4, "min_samples_leaf": 20,
          "l2_regularization": 1.0, "random_state": 0}
#: The features the models (trees and ridge) may use either way; every other one is a similarity and may
#: only lower (= make more similar) each dimension as it grows. ``contrast_cos`` never reaches this scorer.
MONOTONE_FREE = frozenset({"title_known", "entities_known", "entities_ner", "lead_actors_known", "country_known",
                           "published_known", "published_days", "dates_known", "quotes_known", "length_ratio",
                           "log_length", "same_language"})
#: Ridge penalties tried by 5-fold cross-validation on the training side of each fit (fixed beforehand).
RIDGE_ALPHAS = [round(float(a), 6) for a in np.logspace(-2, 3, 12)]
#: The ridge sees each feature clipped to this percentile range of its training values: a straight line
#: fitted on SemEval's pairs, few of which are near-copies, must not extrapolate to pairs far outside them
#: (a reprint has every overlap near 1, where collinear features' opposite weights no longer cancel).
CLIP_PERCENTILES = (1.0, 99.0)


def pair_features(pairs: list[Any], analyses: dict[str, Analysis]) -> tuple[list[str], np.ndarray, np.ndarray, list[Any]]:
    """Feature matrix, label matrix [n, 7] and the pairs kept (both analyses present)."""
    rows, labels, kept = [], [], []
    names: list[str] = []
    for p in pairs:
        a, b = analyses.get(p.id1), analyses.get(p.id2)
        if a is None or b is None:
            continue
        f = compute(a, b, align(a, b))
        names = names or sorted(f)
        rows.append([f[k] for k in names])
        labels.append([p.labels.get(d, np.nan) for d in DIMENSIONS])
        kept.append(p)
    return names, np.array(rows, dtype=np.float64), np.array(labels, dtype=np.float64), kept


def groups_of(pairs: list[Any]) -> np.ndarray:
    """Connected component of each pair in the graph whose edges are the pairs (union-find)."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for p in pairs:
        parent[find(p.id1)] = find(p.id2)
    roots: dict[str, int] = {}
    return np.array([roots.setdefault(find(p.id1), len(roots)) for p in pairs])


def monotone(names: list[str]) -> list[int]:
    """The constraint per feature, for the trees (monotonic_cst) and the ridge (its weights' signs): 0 for
    MONOTONE_FREE, else −1 (the dimension may only fall as the feature grows)."""
    return [0 if n in MONOTONE_FREE else -1 for n in names]


def _fit_trees(X: np.ndarray, y: np.ndarray, names: list[str]):
    from sklearn.ensemble import HistGradientBoostingRegressor

    ok = ~np.isnan(y)
    return HistGradientBoostingRegressor(**PARAMS, monotonic_cst=monotone(names)).fit(X[ok], y[ok])


class ClippedRidge:
    """A ridge regression on standardised features clipped to CLIP_PERCENTILES of the training values,
    whose weight on each feature has the sign ``signs`` gives it (−1: may only lower the prediction as the
    feature grows; 0: either sign), as the trees' monotonic_cst. The penalty is chosen among RIDGE_ALPHAS
    by 5-fold cross-validation on the training side (scikit-learn's Ridge with ``positive=True`` on the
    constrained columns turned to face the right way, and each free column twice, as x and −x)."""

    def __init__(self, signs: list[int]):
        self.signs = np.asarray(signs)
        self.fixed, self.free = self.signs != 0, self.signs == 0

    def fit(self, X: np.ndarray, y: np.ndarray) -> "ClippedRidge":
        from sklearn.linear_model import Ridge
        from sklearn.model_selection import GridSearchCV, KFold

        self.low, self.high = np.percentile(X, CLIP_PERCENTILES, axis=0)
        Xc = self._clip(X)
        self.mean, self.scale = Xc.mean(axis=0), Xc.std(axis=0)
        self.scale[self.scale == 0] = 1.0  # a constant column (as StandardScaler does)
        search = GridSearchCV(Ridge(positive=True), {"alpha": RIDGE_ALPHAS}, scoring="neg_mean_squared_error",
                              cv=KFold(5, shuffle=True, random_state=0)).fit(self._design(Xc), y)
        ridge = search.best_estimator_
        w_fixed, w_plus, w_minus = np.split(ridge.coef_, np.cumsum([self.fixed.sum(), self.free.sum()]))
        self.coef = np.zeros(X.shape[1])
        self.coef[self.fixed] = w_fixed * self.signs[self.fixed]
        self.coef[self.free] = w_plus - w_minus
        self.intercept, self.alpha = float(ridge.intercept_), float(ridge.alpha)
        return self

    def _clip(self, X: np.ndarray) -> np.ndarray:
        return np.clip(X, self.low, self.high)

    def _design(self, Xc: np.ndarray) -> np.ndarray:
        Z = (Xc - self.mean) / self.scale
        return np.hstack([Z[:, self.fixed] * self.signs[self.fixed], Z[:, self.free], -Z[:, self.free]])

    def predict(self, X: np.ndarray) -> np.ndarray:
        return ((self._clip(X) - self.mean) / self.scale) @ self.coef + self.intercept


def _fit_linear(X: np.ndarray, y: np.ndarray, names: list[str]) -> ClippedRidge:
    if not np.isfinite(X).all():
        raise ValueError("the linear model needs every feature known (features.compute flags missing ones)")
    ok = ~np.isnan(y)
    return ClippedRidge(monotone(names)).fit(X[ok], y[ok])


def _fit_one(X: np.ndarray, y: np.ndarray, names: list[str]) -> tuple[Any, Any]:
    return _fit_trees(X, y, names), _fit_linear(X, y, names)


def _predict(models: tuple[Any, Any], X: np.ndarray) -> np.ndarray:
    trees, linear = models
    return np.clip((trees.predict(X) + linear.predict(X)) / 2, 1, 4)


def without_wording(names: list[str]) -> list[int]:
    """The columns of the features a pair in two languages has."""
    return without(names, WORDING)


def without(names: list[str], drop: tuple[str, ...]) -> list[int]:
    return [i for i, f in enumerate(names) if f not in drop]


def cross_validate(X: np.ndarray, Y: np.ndarray, groups: np.ndarray, names: list[str], k: int = 5) -> np.ndarray:
    """Out-of-fold predictions [n, 7] with grouped K folds; ``names``: X's columns."""
    from sklearn.model_selection import GroupKFold

    pred = np.full(Y.shape, np.nan)
    for train, test in GroupKFold(n_splits=k).split(X, groups=groups):
        for j in range(Y.shape[1]):
            pred[test, j] = _predict(_fit_one(X[train], Y[train, j], names), X[test])
    return pred


def export(model, max_depth: int) -> dict[str, Any]:
    trees = []
    for (pred,) in model._predictors:  # one tree per iteration for a single-output regressor
        n = pred.nodes
        trees.append({"feature": n["feature_idx"].tolist(), "threshold": n["num_threshold"].tolist(),
                      "left": n["left"].tolist(), "right": n["right"].tolist(),
                      "leaf": n["is_leaf"].astype(bool).tolist(), "value": n["value"].tolist(),
                      "missing_left": n["missing_go_to_left"].astype(bool).tolist()})
    depth = max(int(p[0].nodes["depth"].max()) for p in model._predictors) if model._predictors else 0
    return {"baseline": float(np.ravel(model._baseline_prediction)[0]), "max_depth": depth, "trees": trees}


def export_linear(model: ClippedRidge) -> dict[str, Any]:
    """The clipped ridge as plain numbers: prediction = ((clip(x, low, high) − mean) / scale) · coef + intercept."""
    return {"low": model.low.tolist(), "high": model.high.tolist(), "mean": model.mean.tolist(),
            "scale": model.scale.tolist(), "coef": model.coef.tolist(), "intercept": model.intercept, "alpha": model.alpha}


def export_blend(models: tuple[Any, Any]) -> dict[str, Any]:
    trees, linear = models
    return {"trees": export(trees, PARAMS["max_depth"]), "linear": export_linear(linear)}


def write_model(spec: dict[str, Any], folder: str | Path) -> Path:
    """Write a model spec as ``folder/{name}.json`` (compact JSON), as the loaders in scorer.py read it;
    the folder is made if missing."""
    out = Path(folder) / f"{spec['name']}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(spec, separators=(",", ":")), encoding="utf-8")
    log.info("wrote %s (%.0f kB)", out, out.stat().st_size / 1024)
    return out


def digest(paths: list[str]) -> str:
    h = hashlib.sha256()
    for p in sorted(paths):
        h.update(Path(p).read_bytes())
    return h.hexdigest()[:16]


def training_parser(prog: str, doc: str | None, name: str) -> argparse.ArgumentParser:
    """The options every training command shares: model name, folds, analysis cache, output folder."""
    ap = argparse.ArgumentParser(prog=prog, description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--name", default=name)
    ap.add_argument("--cv", type=int, default=5)
    ap.add_argument("--cache", default=".cache/analyses.sqlite")
    ap.add_argument("--out", default=str(Path(__file__).parent / "models"))
    return ap


def main(argv: list[str] | None = None) -> int:
    from ..analyse.cache import AnalysisCache
    from ..evaluate.pairs import report
    from ..evaluate.pairs_data import load_articles, load_pairs

    ap = training_parser("python -m samestory.compare.train", __doc__, "scorer-v9")
    ap.add_argument("--pairs", required=True)
    ap.add_argument("--articles", required=True, nargs="+")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)

    pairs = load_pairs(args.pairs)
    arts = load_articles(args.articles)
    analyser = Analyser(cache=AnalysisCache(args.cache))
    analyses = {a.id: a for a in analyser.with_passages(analyser.analyse_many(arts.values()))}
    names, X, Y, kept = pair_features(pairs, analyses)
    log.info("%d pairs with both texts, %d features", len(kept), len(names))
    groups, free = groups_of(kept), without_wording(names)
    cv = report(kept, Y, cross_validate(X, Y, groups, names, args.cv))
    cv["without_wording"] = report(kept, Y, cross_validate(X[:, free], Y, groups, [names[i] for i in free], args.cv))
    plain = without(names, PASSAGE)
    cv["without_passages"] = report(kept, Y, cross_validate(X[:, plain], Y, groups, [names[i] for i in plain], args.cv))
    log.info(json.dumps(cv, indent=1))
    spec = {"name": args.name, "features": names,
            "params": {"trees": PARAMS, "monotone_free": sorted(MONOTONE_FREE), "ridge_alphas": RIDGE_ALPHAS, "ridge_clip_percentiles": CLIP_PERCENTILES},
            "trained_on": {"pairs": Path(args.pairs).name, "articles": [Path(a).name for a in args.articles],
                           "n_pairs": len(kept)},
            "data_digest": digest([args.pairs, *args.articles]),
            "cv": {"folds": args.cv, "grouping": "connected components of the pair graph", **cv},
            "created": dt.date.today().isoformat(),
            "models": {d: export_blend(_fit_one(X, Y[:, j], names)) for j, d in enumerate(DIMENSIONS)},
            "without_passages": {"features": [names[i] for i in plain],
                                 "models": {d: export_blend(_fit_one(X[:, plain], Y[:, j], [names[i] for i in plain])) for j, d in enumerate(DIMENSIONS)}},
            "cross_language": {"features": [names[i] for i in free],
                               "models": {d: export_blend(_fit_one(X[:, free], Y[:, j], [names[i] for i in free])) for j, d in enumerate(DIMENSIONS)}}}
    write_model(spec, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
