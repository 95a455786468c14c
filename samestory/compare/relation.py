"""The relation between two articles: duplicate, rewrite, same_story, related or unrelated.

Copying is decided from the text itself (how much of the shorter article the other one carries, and in
which wording); independent coverage of one event from the same-story model's probability (trained on
ECB+, where hard negatives are other events of the same kind); the rest from the scorer's ``overall``.
The thresholds are set from what the words mean, not fitted to the labelled data, and are checked by
``samestory eval`` on it (``eval reuse`` for the copies):

* duplicate: ≥ 80% of the shorter article's text (counted in words) is in sentences found in the other
  in near-identical wording (character overlap ≥ 0.85 with embedding cosine ≥ 0.9, or overlap ≥ 0.9
  alone: a noisy copy whose vectors drift), or ≥ 80% of its word 3-grams are; and the copy keeps the
  words (at most 1 word in 20 of the edited sentences replaced by another word: a light edit, not a
  spin) and the order (Kendall's tau of the matched sentences' positions ≥ 0.5).
* rewrite: such a copy with more words replaced (a synonym spin) or its sentences reordered; or
  ≥ 60% of the shorter article's sentences have a counterpart saying the same thing (cosine ≥ 0.8
  in one language; ≥ 0.7 across languages, where the multilingual model scores a sentence and its
  translation ~0.1 lower than a same-language paraphrase: 0.73–0.87 for the demo corpus's
  English–Spanish translation) — the same text reworded, reordered or translated; or ≥ 50% of its
  text is near-verbatim — a partial copy merged with other text.
* same_story: P(same event) ≥ 0.5 (more likely than not).
* related: otherwise, if ``overall`` ≤ 3.0 (not SemEval "dissimilar"): the same actors or topic,
  another event.
* unrelated: the rest.
"""

from __future__ import annotations

import numpy as np

from ..model import AlignedPair, Relation

VERBATIM_SIM, VERBATIM_LEXICAL, DUPLICATE_SHARE, DUPLICATE_SHINGLES = 0.9, 0.85, 0.8, 0.8
NOISY_VERBATIM_LEXICAL = 0.9
DUPLICATE_MAX_WORD_CHANGE, DUPLICATE_MIN_ORDER = 0.05, 0.5
REWRITE_SIM, REWRITE_SHARE, PARTIAL_COPY_SHARE, CROSS_LANGUAGE_OFFSET = 0.8, 0.6, 0.5, 0.1
SAME_STORY_MIN_PROBABILITY, RELATED_MAX = 0.5, 3.0


def order_kept(aligned: list[AlignedPair], min_similarity: float = REWRITE_SIM) -> float:
    """Kendall's tau between the positions of matched sentences in the two articles: 1 when the copy
    keeps the order, about 0 when its sentences are shuffled. 1.0 with fewer than 4 matches."""
    pos = [(p.a, p.b) for p in aligned if p.similarity >= min_similarity]
    if len(pos) < 4:
        return 1.0
    from scipy.stats import kendalltau

    tau = kendalltau([a for a, _ in pos], [b for _, b in pos]).statistic
    return float(tau) if tau == tau else 1.0  # NaN (constant input) counts as kept


def is_verbatim(p: AlignedPair) -> bool:
    """The same sentence: near-identical wording (character overlap ≥ 0.85), and the same meaning
    (cosine ≥ 0.9) unless the characters agree even more (≥ 0.9: a noisy copy whose vectors drift)."""
    return p.lexical >= VERBATIM_LEXICAL and (p.similarity >= VERBATIM_SIM or p.lexical >= NOISY_VERBATIM_LEXICAL)


def verbatim_share(verbatim: list[AlignedPair], words: tuple[list[int], list[int]]) -> tuple[float, int]:
    """The share of the shorter article's words (the side with fewer) that sit in the ``verbatim`` pairs'
    sentences, and that side's number of sentences. Counted in words, so that a dropped one-line caption
    weighs less than a dropped paragraph."""
    side = 0 if sum(words[0]) <= sum(words[1]) else 1
    total = sum(words[side])
    return (sum(words[side][p.a if side == 0 else p.b] for p in verbatim) / total if total else 0.0), len(words[side])


def decide(overall: float, p_same: float, sim: np.ndarray, aligned: list[AlignedPair], shingle_share_of_shorter: float,
           same_language: bool = True, word_change: float = 0.0,
           sentence_words: tuple[list[int], list[int]] | None = None) -> tuple[Relation, str]:
    """``word_change``: the share of words of the aligned sentences replaced by other words (evidence.word_change);
    ``sentence_words``: the word count of each sentence of the two articles (default: every sentence counts 1)."""
    if sim.size == 0:
        return Relation.UNRELATED, "one article has no sentences"
    n_short = min(sim.shape)
    verbatim_pairs = [p for p in aligned if is_verbatim(p)]
    verbatim = len(verbatim_pairs)
    verbatim_part, n_side = verbatim_share(verbatim_pairs, sentence_words or ([1] * sim.shape[0], [1] * sim.shape[1]))
    shared = (f"{verbatim_part:.0%} of the shorter article's words are in sentences found almost word for word in the "
              f"other ({verbatim} of its {n_side} sentences)")
    if verbatim_part >= DUPLICATE_SHARE or shingle_share_of_shorter >= DUPLICATE_SHINGLES:
        copied = f"{shared}; {shingle_share_of_shorter:.0%} of its word 3-grams are shared"
        tau = order_kept(aligned)
        if word_change > DUPLICATE_MAX_WORD_CHANGE:
            return Relation.REWRITE, f"{copied}, but {word_change:.0%} of their words are replaced by others: a spun copy"
        if tau < DUPLICATE_MIN_ORDER:
            return Relation.REWRITE, f"{copied}, but in another order (Kendall's tau {tau:.2f}): a reordered copy"
        return Relation.DUPLICATE, copied
    if verbatim_part >= PARTIAL_COPY_SHARE:
        return Relation.REWRITE, f"{shared}, the rest is other text: a partly copied article"
    short_best = sim.max(axis=1) if sim.shape[0] <= sim.shape[1] else sim.max(axis=0)
    threshold = REWRITE_SIM - (0.0 if same_language else CROSS_LANGUAGE_OFFSET)
    reworded = int((short_best >= threshold).sum())
    short_side_verbatim = {p.a if sim.shape[0] <= sim.shape[1] else p.b for p in verbatim_pairs}
    reworded += sum(1 for k in short_side_verbatim if short_best[k] < threshold)  # noisy copies
    if reworded / n_short >= REWRITE_SHARE:
        how = "in other words" if same_language else "in another language"
        return Relation.REWRITE, (f"{reworded} of the shorter article's {n_short} sentences have a counterpart "
                                  f"saying the same thing {how}; only {verbatim} are near-verbatim")
    # the coverage line of a report counts counterparts from ALIGNED (0.7) up; say which bar is meant here
    cover = (f"{reworded} of the shorter article's {n_short} sentences say the same as one of the other's "
             f"(similarity ≥ {threshold:.2f}; a rewrite needs {REWRITE_SHARE:.0%})")
    if p_same >= SAME_STORY_MIN_PROBABILITY:
        return Relation.SAME_STORY, f"same event (P = {p_same:.2f}), but only {cover}: independent reports"
    if overall <= RELATED_MAX:
        return Relation.RELATED, (f"probably not the same event (P = {p_same:.2f}), but overall {overall:.2f} ≤ "
                                  f"{RELATED_MAX}: shared actors or topic")
    return Relation.UNRELATED, f"not the same event (P = {p_same:.2f}) and overall {overall:.2f} > {RELATED_MAX}"
