"""Text fingerprints for copy detection: word 3-gram shingles (exact overlap) and their MinHash
signature (datasketch; for candidate search with LSH)."""

from __future__ import annotations

import hashlib
import re

import numpy as np

from .gazetteer import fold

SHINGLE = 3
NUM_PERM = 64
SEED = 1
_WORD = re.compile(r"\w+")


def tokens(text: str) -> list[str]:
    return _WORD.findall(fold(text))


def shingles(text: str) -> np.ndarray:
    """Sorted unique 64-bit hashes of the word 3-grams of the case/accent-folded text."""
    toks = tokens(text)
    grams = {" ".join(toks[i:i + SHINGLE]) for i in range(max(1, len(toks) - SHINGLE + 1))} if toks else set()
    hashes = [int.from_bytes(hashlib.blake2b(g.encode(), digest_size=8).digest(), "little") for g in grams]
    return np.unique(np.asarray(hashes, dtype=np.uint64))


def minhash(shingle_hashes: np.ndarray) -> np.ndarray:
    from datasketch import MinHash

    mh = MinHash(num_perm=NUM_PERM, seed=SEED, hashfunc=lambda h: h)
    if len(shingle_hashes):
        mh.update_batch(list((shingle_hashes & np.uint64(0xFFFFFFFF)).astype(np.uint64)))
    return np.asarray(mh.hashvalues, dtype=np.uint64)


def containment(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """(share of a's shingles found in b, share of b's found in a)."""
    if len(a) == 0 or len(b) == 0:
        return 0.0, 0.0
    common = len(np.intersect1d(a, b, assume_unique=True))
    return common / len(a), common / len(b)
