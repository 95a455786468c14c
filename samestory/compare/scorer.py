"""The versioned pair models: features → the seven SemEval dimensions (``scorer-v*``), and features →
the probability that two articles report the same event (``same-story-v*``).

A scorer is a JSON file in ``models/`` (``scorer-v9.json`` …) holding the feature names, one model
per dimension (exported by ``samestory/compare/train.py``), the digest of the data it was trained on
and its cross-validated figures. A dimension's model is the mean of a gradient-boosted tree ensemble
(scikit-learn's HistGradientBoostingRegressor) and a ridge regression on standardised features
(``Blend``); a second set of models without the wording features (``cross_language``) judges pairs
written in two languages (see train.py). The trees and ridge are monotone in every similarity feature
(since scorer-v4, train.py); scorer-v5 also reads which extractor found the names (``entities_ner``);
scorer-v6 is scorer-v5 retrained on analyser-v8, whose term vectors are word stems, and scorer-v7 the
same retrained on analyser-v9; scorer-v8 adds the best cosine between the two articles' passage windows
(``passage_window_max``, compare/features.py), and scorer-v9 is scorer-v8 retrained on analyser-v13
(entity keys: names without capitals dropped, surnames less suffixes, everyday country names). scorer-v8,
scorer-v7, scorer-v6, scorer-v5, scorer-v4 (without
``entities_ner``), scorer-v3 (unconstrained), scorer-v2 (without the passage vectors' cosine) and scorer-v1
(trees only, one set) are in the git history.

A same-story model is one gradient-boosted classifier (HistGradientBoostingClassifier, exported by
``samestory/compare/train_story.py``) whose summed trees give the log-odds. same-story-v2 can read the
passage vectors' cosine and does without it where it is missing (the clustering's cascade, group/cluster.py);
same-story-v1 (without) to same-story-v5 stay in the package for the stores made with them;
same-story-v6 is v5's features retrained on analyser-v8. Prediction is a vectorised walk over all trees at once in
numpy (no scikit-learn needed at run time); tests check it against scikit-learn's own predict.
"""

from __future__ import annotations

import json
import math
from functools import lru_cache
from importlib.resources import files
from typing import Any

import numpy as np

from ..errors import ModelError
from ..model import DIMENSIONS
from .features import CONTRAST_FEATURE, PASSAGE_FEATURE, PASSAGE_FEATURES

DEFAULT_SCORER = "scorer-v9"
DEFAULT_SAME_STORY = "same-story-v6"
#: Features that compare wording, so mean nothing across two languages. The same-story model is
#: trained with copies of its pairs where these are missing, and sees them missing for such pairs.
LANGUAGE_BOUND = ("terms_cos", "shingle_min", "shingle_max", "aligned_lexical")
#: Time prior on the same-story probability when both publication dates are known (the training data,
#: ECB+, carries none, so the model itself is blind to time): coverage of one event comes within days.
#: Up to SAME_EVENT_DAYS apart nothing changes; beyond, the odds halve every further SAME_EVENT_DAYS.
SAME_EVENT_DAYS = 7.0


def time_prior(days_apart: float) -> float:
    return 1.0 if days_apart <= SAME_EVENT_DAYS else 0.5 ** ((days_apart - SAME_EVENT_DAYS) / SAME_EVENT_DAYS)


class TreeEnsemble:
    """Sum of regression trees plus a baseline, trees packed as padded arrays [tree, node]."""

    def __init__(self, spec: dict[str, Any]):
        self.baseline = float(spec["baseline"])
        trees = spec["trees"]
        n = max(len(t["feature"]) for t in trees)

        def pack(key: str, dtype: Any, fill: Any) -> np.ndarray:
            out = np.full((len(trees), n), fill, dtype=dtype)
            for i, t in enumerate(trees):
                out[i, :len(t[key])] = t[key]
            return out

        self.feature = pack("feature", np.int64, 0)
        self.threshold = pack("threshold", np.float64, 0.0)
        self.left = pack("left", np.int64, 0)
        self.right = pack("right", np.int64, 0)
        self.leaf = pack("leaf", bool, True)
        self.value = pack("value", np.float64, 0.0)
        self.missing_left = pack("missing_left", bool, True)
        self.depth = int(spec["max_depth"])
        self._rows = np.arange(len(trees))

    def predict(self, X: np.ndarray) -> np.ndarray:
        """X: [samples, features] → [samples]. All samples and trees walk down together, one level a step."""
        X = np.atleast_2d(np.asarray(X, dtype=np.float64))
        n = len(X)
        rows = np.broadcast_to(self._rows, (n, len(self._rows)))
        samples = np.arange(n)[:, None]
        node = np.zeros((n, len(self._rows)), dtype=np.int64)
        for _ in range(self.depth + 1):
            leaf = self.leaf[rows, node]
            if leaf.all():
                break
            v = X[samples, self.feature[rows, node]]
            go_left = np.where(np.isnan(v), self.missing_left[rows, node], v <= self.threshold[rows, node])
            nxt = np.where(go_left, self.left[rows, node], self.right[rows, node])
            node = np.where(leaf, node, nxt)
        return self.baseline + self.value[rows, node].sum(axis=1)


class Linear:
    """A standardised linear model on clipped features: ((clip(x, low, high) − mean) / scale) · coef + intercept."""

    def __init__(self, spec: dict[str, Any]):
        self.low = np.asarray(spec["low"], dtype=np.float64)
        self.high = np.asarray(spec["high"], dtype=np.float64)
        self.mean = np.asarray(spec["mean"], dtype=np.float64)
        self.scale = np.asarray(spec["scale"], dtype=np.float64)
        self.coef = np.asarray(spec["coef"], dtype=np.float64)
        self.intercept = float(spec["intercept"])

    def predict(self, X: np.ndarray) -> np.ndarray:
        X = np.clip(np.atleast_2d(np.asarray(X, dtype=np.float64)), self.low, self.high)
        return ((X - self.mean) / self.scale) @ self.coef + self.intercept


class Blend:
    """The mean of a tree ensemble and a linear model on the same features."""

    def __init__(self, spec: dict[str, Any]):
        self.trees = TreeEnsemble(spec["trees"])
        self.linear = Linear(spec["linear"])

    def predict(self, X: np.ndarray) -> np.ndarray:
        return (self.trees.predict(X) + self.linear.predict(X)) / 2


class Scorer:
    """Predicts the seven dimensions (1 = very similar … 4 = very dissimilar) from a feature dict."""

    def __init__(self, spec: dict[str, Any]):
        self.name: str = spec["name"]
        self.features: list[str] = spec["features"]
        self.models = {d: Blend(spec["models"][d]) for d in DIMENSIONS}
        self.meta = {k: spec[k] for k in ("trained_on", "data_digest", "cv", "created") if k in spec}
        xl, plain = spec.get("cross_language"), spec.get("without_passages")
        self.cross_language = Scorer({"name": f"{self.name} (cross-language)", **xl}) if xl else None
        self.without_passages = Scorer({"name": f"{self.name} (without passages)", **plain}) if plain else None

    def vector(self, feats: dict[str, float]) -> np.ndarray:
        return np.array(_vector(self.name, self.features, feats), dtype=np.float64)

    def for_pair(self, feats: dict[str, float], same_language: bool = True) -> "Scorer":
        """The set of models that judges this pair: a pair in two languages goes to the models trained
        without the wording features; a pair compared without passage vectors to those trained without them."""
        if not same_language and self.cross_language is not None:
            return self.cross_language
        if self.without_passages is not None and PASSAGE_FEATURE not in feats:
            return self.without_passages
        return self

    def predict(self, feats: dict[str, float], same_language: bool = True) -> dict[str, float]:
        """Scores from the features of a pair, by the models ``for_pair`` picks."""
        chosen = self.for_pair(feats, same_language)
        if chosen is not self:
            return chosen.predict(feats)
        x = self.vector(feats)[None, :]
        return {d: round(float(np.clip(self.models[d].predict(x)[0], 1.0, 4.0)), 4) for d in DIMENSIONS}


class SameStoryModel:
    """P(the two articles report the same event) from a feature dict."""

    def __init__(self, spec: dict[str, Any]):
        self.spec = spec
        self.name: str = spec["name"]
        self.features: list[str] = spec["features"]
        self.model = TreeEnsemble(spec["model"])
        self.meta = {k: spec[k] for k in ("trained_on", "data_digest", "cv", "created") if k in spec}

    @property
    def reads_passages(self) -> bool:
        """Whether the model can use the passage vectors' cosine (same-story-v2 on): it is then optional,
        missing for pairs compared without the vectors, and never read for a pair in two languages
        (multilingual-e5-small puts a translation further away than a related same-language article)."""
        return PASSAGE_FEATURE in self.features

    @property
    def reads_contrast(self) -> bool:
        """Whether the model can use ``contrast_cos`` (same-story-v3 on), the pair's cosine against its
        neighbourhood (compare/features.py): optional, missing when two articles are judged alone."""
        return CONTRAST_FEATURE in self.features

    def matrix(self, rows: list[dict[str, float]], same_language: list[bool]) -> np.ndarray:
        # optional: missing for a pair judged without passage vectors, or alone (no neighbourhood)
        optional = {f: math.nan for f in (*PASSAGE_FEATURES, CONTRAST_FEATURE) if f in self.features}
        X = np.array([_vector(self.name, self.features, {**optional, **f}) for f in rows],
                     dtype=np.float64).reshape(len(rows), len(self.features))
        bound = [i for i, f in enumerate(self.features) if f in LANGUAGE_BOUND or f in PASSAGE_FEATURES]
        for r, same in enumerate(same_language):
            if not same:
                X[r, bound] = np.nan
        return X

    def probabilities(self, rows: list[dict[str, float]], same_language: list[bool]) -> np.ndarray:
        if not rows:
            return np.zeros(0)
        p = 1.0 / (1.0 + np.exp(-self.model.predict(self.matrix(rows, same_language))))
        prior = np.array([time_prior(math.expm1(f["published_days"])) if f.get("published_known") else 1.0 for f in rows])
        return p * prior

    def probability(self, feats: dict[str, float], same_language: bool = True) -> float:
        return round(float(self.probabilities([feats], [same_language])[0]), 4)


def _vector(name: str, names: list[str], feats: dict[str, float]) -> list[float]:
    missing = [f for f in names if f not in feats]
    if missing:
        raise ModelError(f"{name} needs features the comparison did not compute: {', '.join(missing)}")
    return [feats[f] for f in names]


def available(prefix: str = "") -> list[str]:
    return sorted(p.name[:-5] for p in files("samestory.compare").joinpath("models").iterdir()
                  if p.name.endswith(".json") and p.name.startswith(prefix))


def _build(cls: Any, name: str, kind: str, prefix: str) -> Any:
    """The packaged model file ``models/{name}.json`` made into ``cls``; errors name what is available."""
    path = files("samestory.compare").joinpath("models", f"{name}.json")
    if not path.is_file():
        raise ModelError(f"unknown {kind} {name!r}; available: {', '.join(available(prefix)) or 'none (train one first)'}")
    try:
        return cls(json.loads(path.read_text(encoding="utf-8")))
    except ValueError as e:
        raise ModelError(f"{kind} file {path} is damaged: {e}") from None
    except KeyError as e:
        raise ModelError(f"{kind} {name!r} is damaged: missing {e}") from None


@lru_cache(maxsize=8)
def load(name: str = DEFAULT_SCORER) -> Scorer:
    """Load a packaged scorer by name ("scorer-v9"); the error lists the ones available."""
    return _build(Scorer, name, "scorer", "scorer-")


@lru_cache(maxsize=8)
def load_same_story(name: str = DEFAULT_SAME_STORY) -> SameStoryModel:
    """Load a packaged same-story model by name ("same-story-v1")."""
    return _build(SameStoryModel, name, "same-story model", "same-story-")
