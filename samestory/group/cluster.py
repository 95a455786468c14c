"""Incremental story clustering: each new article joins a story, founds one, or joins two that merge.

For a new article:

1. candidates: its ``NEIGHBOURS`` nearest stored articles by document vector (HNSW, index.py), kept when
   their cosine is at least ``MIN_COSINE`` (far below any same-story pair: a floor against wasted work);
2. the stories of those candidates are the only ones considered. Against each, the article is compared
   with up to ``SAMPLE`` of its members (the candidates in it first, then a fixed random sample of
   the story that changes little as it grows) and the link is the *mean* probability that the pair reports the same event
   (the same-story model, compare/scorer.py): average linkage, so a story is joined because the
   article fits the story, not because it resembles one member (the "too greedy" chaining of
   single-linkage news clustering);
3. it joins the story with the strongest link if that link is ≥ ``LINK`` (0.5: the same event is
   more likely than not), else founds a new story;
4. any other candidate story whose link to the article is also ≥ ``LINK`` is merged into the joined
   one if the two stories' own average link (sampled pairs across them) is ≥ ``LINK``. The older
   story id survives; the merge is returned so the store records it.

Nothing is recomputed for the stories the article does not touch, so the cost of one article is
bounded by NEIGHBOURS and SAMPLE whatever the size of the corpus. The thresholds are the model's
even odds, not values fitted to an evaluation set.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from ..compare.align import align
from ..compare.features import compute
from ..compare.scorer import DEFAULT_SAME_STORY, SameStoryModel, load_same_story
from ..model import Analysis
from .index import VectorIndex

NEIGHBOURS = 20
MIN_COSINE = 0.3
SAMPLE = 8
LINK = 0.5
MERGE_SAMPLE = 5


@dataclass
class Decision:
    """What happened to one article: ``new`` story, ``joined`` a story, or joined and ``merged`` others."""

    article: str
    story: int
    action: str
    link: float | None = None
    merged: list[int] = field(default_factory=list)
    candidates: int = 0
    pairs_scored: int = 0


class Judge:
    """Probability that two analyses report the same event, for one article against many."""

    def __init__(self, model: SameStoryModel | None = None, name: str = DEFAULT_SAME_STORY):
        self.model = model or load_same_story(name)

    def probabilities(self, x: Analysis, others: list[Analysis]) -> np.ndarray:
        rows = [compute(x, o, align(x, o)) for o in others]
        return self.model.probabilities(rows, [x.language == o.language for o in others])


class Clusterer:
    """Story membership in memory. Keys are integers (the store's row ids); ``get`` loads an analysis."""

    def __init__(self, get: Callable[[int], Analysis], judge: Judge | None = None, index: VectorIndex | None = None):
        self.get = get
        self.judge = judge or Judge()
        self.index = index or VectorIndex()
        self.story_of: dict[int, int] = {}
        self.members: dict[int, list[int]] = {}
        self.next_story = 1
        self._pending: tuple[int, Analysis] | None = None

    # -- state (the store restores it with these) -------------------------------------------------
    def restore(self, key: int, story: int) -> None:
        self.story_of[key] = story
        self.members.setdefault(story, []).append(key)
        self.next_story = max(self.next_story, story + 1)

    # -- the decision ------------------------------------------------------------------------------
    def _get(self, key: int) -> Analysis:
        """An analysis by key; the article being added is not in the caller's storage yet."""
        return self._pending[1] if self._pending and self._pending[0] == key else self.get(key)

    def add(self, key: int, a: Analysis) -> Decision:
        self._pending = (key, a)
        try:
            return self._add(key, a)
        finally:
            self._pending = None

    def _add(self, key: int, a: Analysis) -> Decision:
        vec = a.doc_vector()
        near = [(k, c) for k, c in self.index.search(vec, NEIGHBOURS) if c >= MIN_COSINE and k in self.story_of and k != key]
        by_story: dict[int, list[int]] = {}
        for k, _ in near:
            by_story.setdefault(self.story_of[k], []).append(k)
        samples = {story: _sample(self.members[story], hits, SAMPLE) for story, hits in by_story.items()}
        # one call for all candidate stories: the model walks its trees once for every sampled pair
        p = self.judge.probabilities(a, [self._get(m) for sample in samples.values() for m in sample])
        links: dict[int, float] = {}
        scored = 0
        for story, sample in samples.items():
            links[story] = float(p[scored:scored + len(sample)].mean())
            scored += len(sample)
        self.index.add([key], vec[None, :])
        best = max(links, key=lambda s: (links[s], -s), default=None)
        if best is None or links[best] < LINK:
            story = self._found(key)
            return Decision(a.id, story, "new", links.get(best) if best is not None else None, [], len(near), scored)
        self._join(key, best)
        merged = []
        for other in sorted(s for s in links if s != best and links[s] >= LINK):
            link, n = self.story_link(best, other)
            scored += n
            if link >= LINK:
                merged.append(other)
        survivor = min([best, *merged])
        for s in [best, *merged]:
            if s != survivor:
                self._merge(s, survivor)
        return Decision(a.id, survivor, "merged" if merged else "joined", round(links[best], 4),
                        [s for s in [best, *merged] if s != survivor], len(near), scored)

    def story_link(self, s1: int, s2: int) -> tuple[float, int]:
        """Mean same-story probability over sampled pairs across two stories, and the pairs scored."""
        left = _sample(self.members[s1], [], MERGE_SAMPLE)
        right = [self._get(m) for m in _sample(self.members[s2], [], MERGE_SAMPLE)]
        ps = [self.judge.probabilities(self._get(m), right) for m in left]
        return float(np.mean(np.concatenate(ps))), len(left) * len(right)

    def _found(self, key: int) -> int:
        story = self.next_story
        self.next_story += 1
        self.members[story] = [key]
        self.story_of[key] = story
        return story

    def _join(self, key: int, story: int) -> None:
        self.members[story].append(key)
        self.story_of[key] = story

    def _merge(self, src: int, dst: int) -> None:
        for m in self.members.pop(src):
            self.story_of[m] = dst
            self.members[dst].append(m)

    def stories(self) -> dict[int, list[int]]:
        return {s: list(m) for s, m in self.members.items()}


def cluster(analyses: list[Analysis], judge: Judge | None = None) -> list[int]:
    """Story number of each analysis, adding them one by one in the order given (in memory, no store)."""
    c = Clusterer(lambda k: analyses[k], judge)
    for i, a in enumerate(analyses):
        c.add(i, a)
    return [c.story_of[i] for i in range(len(analyses))]  # after merges, not as first assigned


def _priority(key: int) -> int:
    """A fixed pseudo-random rank for a member (Fibonacci hashing of its key)."""
    return (key * 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF


def _sample(members: list[int], first: list[int], n: int) -> list[int]:
    """Up to n/2 of ``first`` (the nearest), then the members of lowest fixed priority to fill n: a
    uniform random sample of the story over its life that stays the same as the story grows (a new
    member enters it only by outranking one), so the members compared with keep being the ones whose
    analyses are already in memory."""
    out = list(dict.fromkeys(first))[:max(1, n // 2)]
    if len(out) < n:
        taken = set(out)
        out.extend(heapq.nsmallest(n - len(out), (m for m in members if m not in taken), key=_priority))
    return out
