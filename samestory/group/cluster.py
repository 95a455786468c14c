"""Incremental story clustering: each new article joins a story, founds one, or joins two that merge.

For a new article:

1. candidates: its ``NEIGHBOURS`` nearest stored articles by document vector (HNSW, index.py), kept when
   their cosine is at least ``MIN_COSINE`` (far below any same-story pair: a floor against wasted work);
2. the stories of those candidates are the only ones considered. Against each, the article is compared
   with up to ``SAMPLE`` of its members (the candidates in it first, then a fixed random sample of
   the story that changes little as it grows) and the link is the *mean* probability that the pair reports the same event
   (the same-story model, compare/scorer.py; with passage vectors where it is unsure and the store
   was opened with ``passages``, see Judge): average linkage, so a story is joined because the
   article fits the story, not because it resembles one member (the "too greedy" chaining of
   single-linkage news clustering);
3. it joins the story with the strongest link if that link is ≥ ``LINK`` (0.5: the same event is
   more likely than not), else founds a new story;
4. any other candidate story whose link to the article is also ≥ ``LINK`` is merged into the joined
   one if the two stories' own average link (sampled pairs across them) is ≥ ``LINK`` and, merged,
   they would pass the split check of step 5 (their sampled members do not fall into separate
   stories): without that second test the check would split them again, and a borderline pair of
   stories would merge and split over and over. The older story id survives; the merge is returned so
   the store records it;
5. splits: a story whose size has just reached a power of two (4, 8, 16 …) is checked.
   ``SPLIT_SAMPLE`` of its members (the same fixed random sample) are clustered among themselves by
   average linkage at even odds. If they fall into two or more parts of at least
   ``SPLIT_MIN`` members each, the story splits: every other member goes to the part it links to most,
   the largest part keeps the story's id and the others become new stories (returned so the store
   records them). A part smaller than ``SPLIT_MIN`` is an outlier, not a story: its members go with
   the part they link to most;
6. settle: once a batch is in (``Clusterer.settle``; ``cluster`` and ``Store.ingest`` call it), each
   story the batch touched is checked for a split again and offered to the stories its members'
   neighbours belong to, merging on the tests of step 4. A decision made when an article arrived saw
   only the articles stored before it; in the second look every pair is judged among the whole
   batch.

With a same-story model that reads it (same-story-v3 on), every pair is judged among its
neighbourhood: ``contrast_cos`` (compare/features.py), the pair's cosine once the mean vector of both
sides' ``CONTEXT_NEIGHBOURS`` nearest stored articles is taken out, which sets apart two events of the
same actors that the plain cosine sees as one.

Nothing is recomputed for the stories the article does not touch, so the cost of one article is
bounded by NEIGHBOURS and SAMPLE whatever the size of the corpus (a split check scores the 120 pairs
of its sample, plus ``SPLIT_ASSIGN`` per part for every other member when the story does split, and
comes once per doubling of a story: a constant per article on average). The
thresholds are the model's even odds, not values fitted to an evaluation set.
"""

from __future__ import annotations

import heapq
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from ..analyse import passages as passage_vectors
from ..analyse.passages import PassageTable
from ..compare.align import align
from ..compare.features import CONTEXT_NEIGHBOURS, compute, neighbourhood_centre, passage_features
from ..compare.scorer import DEFAULT_SAME_STORY, SameStoryModel, load_same_story
from ..model import Analysis
from .index import VectorIndex

NEIGHBOURS = 20
MIN_COSINE = 0.3
SAMPLE = 8
LINK = 0.5
#: members of each story sampled for the average link between two stories (MERGE_SAMPLE² pairs)
MERGE_SAMPLE = 5
SPLIT_SAMPLE = 16
SPLIT_MIN = 2
#: members of each part a non-sampled member is compared with when a story splits
SPLIT_ASSIGN = 4
#: Same-story probabilities (without passage vectors) for which a pair is judged again with them
#: (Judge): set beforehand at 1:9 odds either way, not fitted to an evaluation.
UNSURE = (0.1, 0.9)


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
    splits: list["Split"] = field(default_factory=list)

    @property
    def touched(self) -> list[int]:
        """The stories this article's arrival left changed (its own and any that split off): what a
        batch's second look (Clusterer.settle) goes over."""
        return [self.story, *(sp.new for sp in self.splits)]


@dataclass
class Split:
    """Members of ``story`` that became the new story ``new``; ``link`` is the mean same-story probability
    between the sampled members of the two parts."""

    story: int
    new: int
    members: list[int]
    link: float


@dataclass
class Merge:
    """``gone`` merged into ``story`` by settle(); ``link`` is their mean same-story probability."""

    story: int
    gone: int
    link: float


class Judge:
    """Probability that two analyses report the same event, for one article against many.

    A cascade when the model reads the passage vectors' cosine (same-story-v2 and v3): every pair is first
    judged without it, and only a same-language pair whose probability falls inside ``UNSURE`` is judged
    again with it, the two openings' passage vectors made if they are not yet (``analyse.passages.ensure``
    without the windows, which the model does not read: read from or kept in ``table``, the store's). An
    opening's vector costs ~0.2 s, so most articles, whose candidates are plainly the same story or
    plainly not, never pay it. ``passages=False`` judges every pair without (the cheap model alone).
    ``cost()`` counts the pairs judged, those judged again and the vectors made.
    """

    def __init__(self, model: SameStoryModel | None = None, name: str = DEFAULT_SAME_STORY, *,
                 table: PassageTable | None = None, passages: bool = True):
        self.model = model or load_same_story(name)
        self.table = table
        self.cascade = passages and self.model.reads_passages
        self.pairs_judged = 0
        self.pairs_rejudged = 0
        self.vectors_made = 0

    def cost(self) -> dict[str, int]:
        return {"pairs_judged": self.pairs_judged, "pairs_rejudged_with_passages": self.pairs_rejudged,
                "passage_vectors_made": self.vectors_made}

    def probabilities(self, x: Analysis, others: list[Analysis],
                      centres: list[np.ndarray | None] | None = None) -> np.ndarray:
        """``x`` against each of ``others``; ``centres``: each pair's neighbourhood centre
        (compare/features.py, contrast_cos), when the model reads it and the pairs are judged among other
        articles."""
        return self.pairs([(x, o) for o in others], centres)

    def pairs(self, pairs: list[tuple[Analysis, Analysis]],
              centres: list[np.ndarray | None] | None = None) -> np.ndarray:
        """Any pairs at once: the model walks its trees once for all of them."""
        self.pairs_judged += len(pairs)
        centres = centres if centres is not None and self.model.reads_contrast else [None] * len(pairs)
        rows = [compute(x, o, align(x, o), passages=False, centre=c) for (x, o), c in zip(pairs, centres)]
        same = [x.language == o.language for x, o in pairs]
        p = self.model.probabilities(rows, same)
        if not self.cascade:
            return p
        unsure = [i for i, s in enumerate(same) if s and UNSURE[0] < p[i] < UNSURE[1]]
        if unsure:
            need = list({id(a): a for i in unsure for a in pairs[i]}.values())
            self.vectors_made += passage_vectors.ensure(need, self.table, windows=False)  # reads the opening's
            for i in unsure:
                rows[i].update(passage_features(*pairs[i]))
            p[unsure] = self.model.probabilities([rows[i] for i in unsure], [True] * len(unsure))
            self.pairs_rejudged += len(unsure)
        return p


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
        self._hoods = Neighbourhoods()

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

    def _neighbours(self, key: int) -> set[int]:
        """The ``CONTEXT_NEIGHBOURS`` stored articles nearest to ``key``'s (itself left out)."""
        near = self._hoods.get(key)
        if near is None:
            pending = self._pending is not None and self._pending[0] == key
            vec = self._get(key).doc_vector() if pending else self.index.vectors([key])[0]
            hits = self.index.search(vec, CONTEXT_NEIGHBOURS + 1)
            near = self._hoods.put(key, [(k, c) for k, c in hits if k != key])
        return near

    def _probabilities(self, key: int, others: list[int]) -> np.ndarray:
        """The judge's same-story probabilities of ``key`` against ``others`` (see _pair_probabilities)."""
        return self._pair_probabilities([(key, o) for o in others])

    def _pair_probabilities(self, pairs: list[tuple[int, int]]) -> np.ndarray:
        """The judge's same-story probabilities of the pairs of keys, in one call, each pair judged
        among its neighbourhood (both sides' nearest stored articles) when the model reads it."""
        centres = None
        if self.judge.model.reads_contrast:
            nears = [sorted((self._neighbours(x) | self._neighbours(o)) - {x, o}) for x, o in pairs]
            keys = sorted(set().union(*nears))  # one read of the index for all the pairs
            at = {k: i for i, k in enumerate(keys)}
            V = self.index.vectors(keys)
            centres = [neighbourhood_centre(V[[at[k] for k in near]]) for near in nears]
        return self.judge.pairs([(self._get(x), self._get(o)) for x, o in pairs], centres)

    def _add(self, key: int, a: Analysis) -> Decision:
        vec = a.doc_vector()
        hits = [(k, c) for k, c in self.index.search(vec, max(NEIGHBOURS, CONTEXT_NEIGHBOURS + 1)) if k != key]
        self._hoods.put(key, hits)  # its neighbourhood (_neighbours)
        near = [(k, c) for k, c in hits[:NEIGHBOURS] if c >= MIN_COSINE and k in self.story_of]
        by_story: dict[int, list[int]] = {}
        for k, _ in near:
            by_story.setdefault(self.story_of[k], []).append(k)
        samples = {story: _sample(self.members[story], hits, SAMPLE) for story, hits in by_story.items()}
        # one call for all candidate stories: the model walks its trees once for every sampled pair
        p = self._probabilities(key, [m for sample in samples.values() for m in sample])
        links: dict[int, float] = {}
        scored = 0
        for story, sample in samples.items():
            links[story] = float(p[scored:scored + len(sample)].mean())
            scored += len(sample)
        self.index.add([key], vec[None, :])
        self._hoods.arrived(key, hits)
        best = max(links, key=lambda s: (links[s], -s), default=None)
        if best is None or links[best] < LINK:
            story = self._found(key)
            return Decision(a.id, story, "new", links.get(best) if best is not None else None, [], len(near), scored)
        self._join(key, best)
        merged: list[int] = []
        for other in sorted(s for s in links if s != best and links[s] >= LINK):
            link, n = self.story_link(best, other)
            scored += n
            if link < LINK:
                continue
            _, _, parts, n = self._partition(self.members[best] + [m for s in merged for m in self.members[s]]
                                             + self.members[other])
            scored += n
            if len(parts) < 2:
                merged.append(other)
        survivor = min([best, *merged])
        for s in [best, *merged]:
            if s != survivor:
                self._merge(s, survivor)
        d = Decision(a.id, survivor, "merged" if merged else "joined", round(links[best], 4),
                     [s for s in [best, *merged] if s != survivor], len(near), scored)
        size = len(self.members[survivor])
        if not merged and size >= 4 and size & (size - 1) == 0:
            d.splits, n = self.check_split(survivor)
            d.pairs_scored += n
            d.story = self.story_of[key]  # the article may be in a part that split off
        return d

    def _partition(self, members: list[int]) -> tuple[list[int], np.ndarray, list[list[int]], int]:
        """The fixed sample of ``members``, its probability matrix, its parts of at least SPLIT_MIN (as
        indices into the sample; one part: they hold together) and the pairs scored."""
        sample = _sample(members, [], SPLIT_SAMPLE)
        if len(sample) < 2 * SPLIT_MIN:
            return sample, np.eye(len(sample)), [list(range(len(sample)))], 0
        P = self._pair_matrix(sample)
        parts = [p for p in _average_linkage(P, LINK) if len(p) >= SPLIT_MIN]
        return sample, P, parts, len(sample) * (len(sample) - 1) // 2

    def check_split(self, story: int) -> tuple[list[Split], int]:
        """Split ``story`` if its sampled members fall into separate stories (see the module docstring);
        returns the splits made and the pairs scored."""
        members = self.members[story]
        sample, P, parts, scored = self._partition(members)
        if len(parts) < 2:
            return [], scored
        # outliers (parts too small to be a story) and members outside the sample join the part they link to most
        groups = [[sample[i] for i in p] for p in parts]
        placed = {m for g in groups for m in g}
        reps = [g[:SPLIT_ASSIGN] for g in groups]
        rest = [m for m in members if m not in placed]
        if rest:
            flat = [m for r in reps for m in r]
            p = self._pair_probabilities([(m, f) for m in rest for f in flat]).reshape(len(rest), len(flat))
            scored += p.size
            ends = np.cumsum([len(r) for r in reps])[:-1]
            for m, row in zip(rest, p):
                groups[int(np.argmax([part.mean() for part in np.split(row, ends)]))].append(m)
        groups.sort(key=lambda g: (-len(g), min(g)))
        keep, splits = groups[0], []
        index = {m: i for i, m in enumerate(sample)}
        for g in groups[1:]:
            new = self.next_story
            self.next_story += 1
            moved = set(g)
            self.members[story] = [m for m in self.members[story] if m not in moved]
            self.members[new] = sorted(g)
            for m in g:
                self.story_of[m] = new
            cross = [P[index[x], index[y]] for x in keep if x in index for y in g if y in index]
            splits.append(Split(story, new, sorted(g), round(float(np.mean(cross)), 4) if cross else 0.0))
        return splits, scored

    def settle(self, stories: list[int] | None = None) -> tuple[list["Merge"], list[Split], int]:
        """A second look at ``stories`` (all when None) once a batch is in: each is checked for a split
        again (size ≥ 2 × SPLIT_MIN) and offered to the stories its members' neighbours belong to, merging
        on the same two tests as when an article arrives (average link ≥ LINK, and the merged story
        would not split). Decisions made at arrival saw only the articles stored before; now their
        pairs are judged among the whole batch. Returns the merges, the splits and the pairs scored."""
        merges: list[Merge] = []
        splits: list[Split] = []
        scored = 0
        todo = sorted(self.members if stories is None else set(stories))
        for story in todo:
            if story not in self.members or len(self.members[story]) < 2 * SPLIT_MIN:
                continue
            done, n = self.check_split(story)
            splits += done
            scored += n
            todo.extend(sp.new for sp in done)
        seen: set[int] = set()
        for story in todo:
            if story not in self.members or story in seen:
                continue
            seen.add(story)
            near = {self.story_of[k] for m in _sample(self.members[story], [], SAMPLE)
                    for k in self._neighbours(m) if k in self.story_of} - {story}
            for other in sorted(near):
                if other not in self.members or story not in self.members:
                    continue
                link, n = self.story_link(story, other)
                scored += n
                if link < LINK:
                    continue
                _, _, parts, n = self._partition(self.members[story] + self.members[other])
                scored += n
                if len(parts) < 2:
                    survivor, gone = min(story, other), max(story, other)
                    merges.append(Merge(survivor, gone, round(link, 4)))
                    self._merge(gone, survivor)
                    story = survivor
        return merges, splits, scored

    def _pair_matrix(self, keys: list[int]) -> np.ndarray:
        """Symmetric same-story probabilities between the analyses of ``keys`` (diagonal 1)."""
        n = len(keys)
        P = np.eye(n)
        upper = np.triu_indices(n, 1)
        if n > 1:
            P[upper] = self._pair_probabilities([(keys[i], keys[j]) for i, j in zip(*upper)])
            P[upper[1], upper[0]] = P[upper]
        return P

    def story_link(self, s1: int, s2: int) -> tuple[float, int]:
        """Mean same-story probability over sampled pairs across two stories, and the pairs scored."""
        left = _sample(self.members[s1], [], MERGE_SAMPLE)
        right = _sample(self.members[s2], [], MERGE_SAMPLE)
        p = self._pair_probabilities([(m, o) for m in left for o in right])
        return float(np.mean(p)), len(left) * len(right)

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


class Neighbourhoods:
    """Each stored article's ``CONTEXT_NEIGHBOURS`` nearest stored articles, kept between additions
    instead of searched again whenever the article is judged (at 100,000 stored articles a search costs
    ~0.7 ms, and an arrival judges some 40 members). Found by a search the first time one is asked for,
    then kept up to date as articles arrive: a new article enters the neighbourhood of each article among
    its own nearest that it is nearer to than that article's farthest neighbour. (It may miss one it
    should enter when it is not among the new article's own nearest; the index's search is approximate
    in the same way.) At most ``limit`` are kept, the least recently used dropped (searched again when
    asked for)."""

    def __init__(self, k: int = CONTEXT_NEIGHBOURS, limit: int = 50_000):
        self.k, self.limit = k, limit
        self._near: OrderedDict[int, tuple[np.ndarray, np.ndarray]] = OrderedDict()  # key → (keys, cosines), nearest first

    def get(self, key: int) -> set[int] | None:
        got = self._near.get(key)
        if got is None:
            return None
        self._near.move_to_end(key)
        return set(got[0].tolist())

    def put(self, key: int, hits: list[tuple[int, float]]) -> set[int]:
        """``hits``: the nearest stored articles to ``key`` (itself left out), nearest first."""
        hits = hits[:self.k]
        self._near[key] = (np.array([k for k, _ in hits], dtype=np.int64), np.array([c for _, c in hits], dtype=np.float32))
        self._near.move_to_end(key)
        if len(self._near) > self.limit:
            self._near.popitem(last=False)
        return {k for k, _ in hits}

    def arrived(self, key: int, hits: list[tuple[int, float]]) -> None:
        """``key`` was stored; ``hits`` are its nearest (cosine to it), whose neighbourhoods it may enter."""
        for other, cos in hits:
            got = self._near.get(other)
            if got is None or other == key:
                continue
            keys, cosines = got
            if len(keys) == self.k and cos <= cosines[-1]:
                continue  # farther than all its neighbours
            at = int(np.searchsorted(-cosines, -cos, side="right"))
            self._near[other] = (np.insert(keys, at, key)[:self.k], np.insert(cosines, at, cos)[:self.k])


def cluster(analyses: list[Analysis], judge: Judge | None = None) -> list[int]:
    """Story number of each analysis, adding them one by one in the order given, then settling every
    story (Clusterer.settle), as one ``ingest`` of them all does (in memory, no store)."""
    c = Clusterer(lambda k: analyses[k], judge)
    for i, a in enumerate(analyses):
        c.add(i, a)
    c.settle()
    return [c.story_of[i] for i in range(len(analyses))]  # after merges, not as first assigned


def _average_linkage(P: np.ndarray, link: float) -> list[list[int]]:
    """Groups of indices by agglomerative clustering with average linkage: the two groups with the highest
    mean probability between them merge while that mean is at least ``link``. Written out for the few
    (≤ SPLIT_SAMPLE) members of a split check: importing scikit-learn's version in the middle of an ingest
    cost a second and, now and then, swallowed a Ctrl-C that arrived during the import."""
    groups = [[i] for i in range(len(P))]
    S = P.astype(np.float64).copy()  # S[i, j]: sum of probabilities between groups i and j
    np.fill_diagonal(S, -np.inf)
    sizes = np.ones(len(P))
    while len(groups) > 1:
        mean = S / np.outer(sizes, sizes)
        i, j = np.unravel_index(np.argmax(mean), mean.shape)
        if mean[i, j] < link:
            break
        i, j = min(i, j), max(i, j)
        groups[i] += groups[j]
        S[i, :] += S[j, :]
        S[:, i] += S[:, j]
        S[i, i] = -np.inf
        sizes[i] += sizes[j]
        S = np.delete(np.delete(S, j, axis=0), j, axis=1)
        sizes = np.delete(sizes, j)
        del groups[j]
    return sorted((sorted(g) for g in groups), key=lambda g: (-len(g), g[0]))


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
