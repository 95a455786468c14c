"""Sentence alignment: which sentences of one article say what a sentence of the other says.

Cosine similarity of multilingual sentence embeddings, so translations align too; a greedy one-to-one
matching from the most similar pair down. ``lexical`` (character-level overlap of the folded texts) tells
the same wording (a copy) from the same content reworded (a rewrite or independent report).

``with_noisy_copies`` adds what the embeddings miss in noisy copies, for the copy decision and its
evidence: OCR'd or garbled text whose sentences keep ≥ ``LEXICAL_ALIGNED`` of their characters but whose
embeddings drift (at 10% of letters replaced at random, the demo's sentences keep 0.90–0.95 character
overlap while their cosine falls to 0.6–0.9). Each sentence left unmatched is tried against its
``LEXICAL_TRIES`` nearest unmatched sentences by cosine. The features (and so the models, trained on
them) see the embedding alignment only, and the clustering's many pairs do not pay for this pass
(0.29 ms against 0.02 ms for an alignment, measured on ECB+ pairs).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
from rapidfuzz import fuzz

from ..analyse.gazetteer import fold
from ..model import AlignedPair, Analysis

#: A pair of sentences this similar says the same thing. USE-multilingual cosine: paraphrases and
#: translations of one sentence score 0.8–0.95, sentences on the same event with different content
#: 0.5–0.7 (measured on the team's demo corpus, not on the labelled data).
ALIGNED = 0.7
#: Sentences sharing this much of their characters (rapidfuzz ratio of the folded texts) are one
#: sentence, however noisy; and how many of the nearest unmatched sentences are tried for it.
LEXICAL_ALIGNED, LEXICAL_TRIES = 0.85, 3


@dataclass
class Alignment:
    sim: np.ndarray  # |A| × |B| cosine matrix
    pairs: list[AlignedPair]  # one-to-one, similarity ≥ ALIGNED, in order of A

    @cached_property
    def best(self) -> tuple[np.ndarray, np.ndarray]:
        """Each sentence's best similarity on the other side: (for A's sentences, for B's)."""
        return self.sim.max(axis=1), self.sim.max(axis=0)

    def coverage(self, threshold: float = ALIGNED) -> tuple[float, float]:
        """Share of A's and of B's sentences whose best counterpart is at least ``threshold`` similar."""
        if not self.sim.size:
            return 0.0, 0.0
        best_a, best_b = self.best
        return np.count_nonzero(best_a >= threshold) / best_a.size, np.count_nonzero(best_b >= threshold) / best_b.size


def similarity_matrix(a: Analysis, b: Analysis) -> np.ndarray:
    if len(a.sentence_vectors) == 0 or len(b.sentence_vectors) == 0:
        return np.zeros((len(a.sentence_vectors), len(b.sentence_vectors)), dtype=np.float32)
    return a.sentence_vectors @ b.sentence_vectors.T


def align(a: Analysis, b: Analysis, threshold: float = ALIGNED) -> Alignment:
    sim = similarity_matrix(a, b)
    pairs: list[AlignedPair] = []
    if sim.size:
        # among equally similar pairs (a sentence repeated in a scraped page) prefer the one at the same
        # relative position, so that a copy's matches keep its order; 1e-4 changes nothing else
        ra = np.arange(sim.shape[0])[:, None] / sim.shape[0]
        rb = np.arange(sim.shape[1])[None, :] / sim.shape[1]
        flat = np.argsort(-(sim - 1e-4 * np.abs(ra - rb)), axis=None, kind="stable")
        used_a, used_b = set(), set()
        for idx in flat:
            i, j = divmod(int(idx), sim.shape[1])
            s = float(sim[i, j])
            if s < threshold:
                break
            if i in used_a or j in used_b:
                continue
            used_a.add(i)
            used_b.add(j)
            ta, tb = a.sentences[i].text, b.sentences[j].text
            pairs.append(AlignedPair(i, j, ta, tb, round(s, 4), round(fuzz.ratio(fold(ta), fold(tb)) / 100, 4)))
            if len(used_a) == sim.shape[0] or len(used_b) == sim.shape[1]:
                break
    pairs.sort(key=lambda p: p.a)
    return Alignment(sim, pairs)


def with_noisy_copies(a: Analysis, b: Analysis, al: Alignment) -> Alignment:
    """``al`` with the unmatched sentences that only their characters match (≥ ``LEXICAL_ALIGNED``) added."""
    used_a, used_b = {p.a for p in al.pairs}, {p.b for p in al.pairs}
    free_a = [i for i in range(al.sim.shape[0]) if i not in used_a]
    free_b = np.array([j for j in range(al.sim.shape[1]) if j not in used_b], dtype=int)
    if not free_a or not len(free_b):
        return al
    folded_b: dict[int, str] = {}
    found = []
    for i in free_a:
        ta = fold(a.sentences[i].text)
        for j in (int(j) for j in free_b[np.argsort(-al.sim[i, free_b])[:LEXICAL_TRIES]]):
            tb = folded_b.setdefault(j, fold(b.sentences[j].text))
            r = fuzz.ratio(ta, tb, score_cutoff=100 * LEXICAL_ALIGNED) / 100
            if r:
                found.append((r, i, j))
    extra = []
    for r, i, j in sorted(found, reverse=True):
        if i in used_a or j in used_b:
            continue
        used_a.add(i)
        used_b.add(j)
        extra.append(AlignedPair(i, j, a.sentences[i].text, b.sentences[j].text, round(float(al.sim[i, j]), 4), round(r, 4)))
    return Alignment(al.sim, sorted(al.pairs + extra, key=lambda p: p.a)) if extra else al
