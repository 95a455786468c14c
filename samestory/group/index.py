"""Candidate search: the nearest stored articles to a new one, by their document vectors.

An HNSW graph (usearch) over one unit vector per article (the mean of its multilingual sentence vectors),
so the cost of finding candidates grows with the logarithm of the corpus, not with its size, and
translations find each other. The index is a derived file: the store keeps every vector in SQLite and
rebuilds the index when the file is missing, damaged or behind (after a crash), so it never holds data
that cannot be recovered.
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np

from ..model import VECTOR_DIM

log = logging.getLogger(__name__)

#: HNSW settings: M=16 and wider-than-default search (ef=128) for recall; see benchmarks/scale.py.
CONNECTIVITY, EXPANSION_ADD, EXPANSION_SEARCH = 16, 128, 128


class VectorIndex:
    """Integer keys → unit vectors; ``search`` returns (key, cosine) pairs, best first."""

    def __init__(self, dim: int = VECTOR_DIM):
        from usearch.index import Index

        self.dim = dim
        self._index = Index(ndim=dim, metric="cos", dtype="f32", connectivity=CONNECTIVITY,
                            expansion_add=EXPANSION_ADD, expansion_search=EXPANSION_SEARCH)

    def __len__(self) -> int:
        return len(self._index)

    def add(self, keys: np.ndarray | list[int], vectors: np.ndarray) -> None:
        if len(keys):
            self._index.add(np.asarray(keys, dtype=np.uint64), np.asarray(vectors, dtype=np.float32).reshape(len(keys), self.dim))

    def keys(self) -> list[int]:
        return [int(k) for k in self._index.keys]

    def __contains__(self, key: int) -> bool:
        return key in self._index

    def vectors(self, keys: list[int]) -> np.ndarray:
        """The stored vectors of ``keys`` (rows, in that order)."""
        if not keys:
            return np.zeros((0, self.dim), dtype=np.float32)
        got = self._index.get(np.asarray(keys, dtype=np.uint64))
        return np.vstack(got).reshape(len(keys), self.dim)

    def search(self, vector: np.ndarray, k: int) -> list[tuple[int, float]]:
        if len(self._index) == 0:
            return []
        m = self._index.search(np.asarray(vector, dtype=np.float32), min(k, len(self._index)))
        return [(int(key), 1.0 - float(d)) for key, d in zip(m.keys, m.distances)]

    def save(self, path: Path) -> None:
        tmp = path.with_suffix(".tmp")
        self._index.save(str(tmp))
        tmp.replace(path)  # atomic: a crash leaves the old file or the new one, never half of one

    @classmethod
    def load(cls, path: Path, dim: int = VECTOR_DIM) -> "VectorIndex | None":
        """The saved index, or None when it is missing or cannot be read (the caller rebuilds)."""
        if not path.exists():
            return None
        ix = cls(dim)
        try:
            ix._index.load(str(path))
        except Exception as e:  # noqa: BLE001 - any damage means: rebuild from the store
            log.warning("vector index %s unreadable (%s); rebuilding", path, e)
            return None
        return ix
