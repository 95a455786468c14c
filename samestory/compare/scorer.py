"""The versioned pair scorer: features → the seven SemEval dimensions.

A scorer is a JSON file in ``models/`` (``scorer-v1.json`` …) holding the feature names, one
gradient-boosted tree ensemble per dimension (exported from scikit-learn's
HistGradientBoostingRegressor by ``samestory/compare/train.py``), the digest of the data it was
trained on and its cross-validated figures. Prediction is a vectorised walk over all trees at once in
numpy (no scikit-learn needed at run time); tests check it against scikit-learn's own predict.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib.resources import files
from typing import Any

import numpy as np

from ..errors import ModelError
from ..model import DIMENSIONS

DEFAULT_SCORER = "scorer-v1"


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
        """X: [samples, features] → [samples]."""
        X = np.atleast_2d(np.asarray(X, dtype=np.float64))
        out = np.empty(len(X))
        for s, x in enumerate(X):
            node = np.zeros(len(self._rows), dtype=np.int64)
            for _ in range(self.depth + 1):
                leaf = self.leaf[self._rows, node]
                if leaf.all():
                    break
                v = x[self.feature[self._rows, node]]
                go_left = np.where(np.isnan(v), self.missing_left[self._rows, node], v <= self.threshold[self._rows, node])
                nxt = np.where(go_left, self.left[self._rows, node], self.right[self._rows, node])
                node = np.where(leaf, node, nxt)
            out[s] = self.baseline + self.value[self._rows, node].sum()
        return out


class Scorer:
    """Predicts the seven dimensions (1 = very similar … 4 = very dissimilar) from a feature dict."""

    def __init__(self, spec: dict[str, Any]):
        self.name: str = spec["name"]
        self.features: list[str] = spec["features"]
        self.models = {d: TreeEnsemble(spec["models"][d]) for d in DIMENSIONS}
        self.meta = {k: spec[k] for k in ("trained_on", "data_digest", "cv", "created") if k in spec}

    def vector(self, feats: dict[str, float]) -> np.ndarray:
        missing = [f for f in self.features if f not in feats]
        if missing:
            raise ModelError(f"{self.name} needs features the comparison did not compute: {', '.join(missing)}")
        return np.array([feats[f] for f in self.features], dtype=np.float64)

    def predict(self, feats: dict[str, float]) -> dict[str, float]:
        x = self.vector(feats)[None, :]
        return {d: round(float(np.clip(self.models[d].predict(x)[0], 1.0, 4.0)), 4) for d in DIMENSIONS}


def available() -> list[str]:
    return sorted(p.name[:-5] for p in files("samestory.compare").joinpath("models").iterdir() if p.name.endswith(".json"))


@lru_cache(maxsize=8)
def load(name: str = DEFAULT_SCORER) -> Scorer:
    """Load a packaged scorer by name ("scorer-v1"); the error lists the ones available."""
    path = files("samestory.compare").joinpath("models", f"{name}.json")
    if not path.is_file():
        raise ModelError(f"unknown scorer {name!r}; available: {', '.join(available()) or 'none (train one first)'}")
    try:
        return Scorer(json.loads(path.read_text(encoding="utf-8")))
    except (KeyError, ValueError) as e:
        raise ModelError(f"scorer file {path} is damaged: {e}") from None
