"""Who copied whom in a set of articles: directed copy edges with the evidence for each direction, the most
complete original of each group of copies, and the count of independent sources.

Articles whose document vectors are close (cosine ≥ ``COPY_CANDIDATE``) are compared in full; a
``duplicate`` or ``rewrite`` relation is a copy edge. Its direction: the earlier publication is the
source; with no dates (or the same day), the more complete text (more sentences) is, then the one that
came first. Each edge carries how much of each text the other holds (word 3-grams) and what the copy
adds (its sentences with no counterpart in the source). An edge between two copies of a common source
is dropped: they resemble each other because of it. Independent sources are the groups of articles
joined by copy edges; each group's original is its most complete member.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..analyse import fingerprints
from ..compare import compare
from ..compare.align import ALIGNED
from ..model import Analysis, CopyEdge, Relation

#: Below this document cosine two articles are not compared for copying (copies score ~0.9 and above).
COPY_CANDIDATE = 0.8
MAX_ADDED_SHOWN = 3


@dataclass
class Member:
    id: str
    analysis: Analysis
    published: str | None
    order: int  # arrival: the store's row id, or the position in the input


@dataclass
class Lineage:
    edges: list[CopyEdge]
    groups: list[list[str]]  # member ids joined by copy edges; a lone article is a group of one
    originals: list[str]  # the most complete member of each group

    @property
    def independent_sources(self) -> int:
        return len(self.groups)


def trace(members: list[Member]) -> Lineage:
    parent = list(range(len(members)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    edges: list[CopyEdge] = []
    if len(members) > 1:
        V = np.stack([m.analysis.doc_vector() for m in members])
        for i, j in zip(*np.nonzero(np.triu(V @ V.T >= COPY_CANDIDATE, k=1))):
            c = compare(members[i].analysis, members[j].analysis, passages=False)  # copies: decided from the text
            if c.relation not in (Relation.DUPLICATE, Relation.REWRITE):
                continue
            src, cp, why = _direction(members[i], members[j])
            edges.append(_edge(src, cp, c.relation.value, (why, c.relation_reason)))
            parent[find(int(i))] = find(int(j))
    edges = _without_sibling_edges(edges)
    groups: dict[int, list[int]] = {}
    for k in range(len(members)):
        groups.setdefault(find(k), []).append(k)
    originals = [members[max(g, key=lambda k: (len(members[k].analysis.sentences), -members[k].order))].id
                 for g in groups.values()]
    return Lineage(edges, [[members[k].id for k in g] for g in groups.values()], originals)


def _without_sibling_edges(edges: list[CopyEdge]) -> list[CopyEdge]:
    """Two copies of one source resemble each other because of it: an edge between two articles that
    both copy a common source is dropped (the reprint and the translation of one report)."""
    sources: dict[str, set[str]] = {}
    for e in edges:
        sources.setdefault(e.copy, set()).add(e.source)
    return [e for e in edges if not (sources.get(e.source, set()) & sources.get(e.copy, set()))]


def _direction(a: Member, b: Member) -> tuple[Member, Member, str]:
    if a.published and b.published and a.published[:10] != b.published[:10]:
        src, cp = (a, b) if a.published < b.published else (b, a)
        return src, cp, f"published {src.published[:10]}, before {cp.published[:10]}"
    na, nb = len(a.analysis.sentences), len(b.analysis.sentences)
    if na != nb:
        src, cp = (a, b) if na > nb else (b, a)
        return src, cp, f"the more complete text ({max(na, nb)} sentences against {min(na, nb)})"
    src, cp = (a, b) if a.order < b.order else (b, a)
    return src, cp, "came first (same date and length)"


def _edge(src: Member, cp: Member, relation: str, evidence: tuple[str, str]) -> CopyEdge:
    s_in_c, c_in_s = fingerprints.containment(src.analysis.shingles, cp.analysis.shingles)
    sv, cv = src.analysis.sentence_vectors, cp.analysis.sentence_vectors
    best = (cv @ sv.T).max(axis=1) if len(sv) and len(cv) else np.zeros(len(cv))
    added = [cp.analysis.sentences[k].text for k in np.nonzero(best < ALIGNED)[0]]
    why, reason = evidence
    held = (f"the copy holds {s_in_c:.0%} of the source's word 3-grams (the source {c_in_s:.0%} of the copy's)"
            if src.analysis.language == cp.analysis.language else
            f"a translation ({src.analysis.language} → {cp.analysis.language})")
    return CopyEdge(src.id, cp.id, relation,
                    f"{why}; {held} and adds {len(added)} sentence{'s' if len(added) != 1 else ''}; {reason}",
                    round(s_in_c, 4), round(c_in_s, 4), added[:MAX_ADDED_SHOWN], len(added))
