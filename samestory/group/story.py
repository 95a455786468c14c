"""A stored story, summarised: outlets, timeline, who copied whom, and how many independent sources.

Lineage: members whose document vectors are close (cosine ≥ ``COPY_CANDIDATE``) are compared in full;
a ``duplicate`` or ``rewrite`` relation is a copy edge. Its direction: the earlier publication is the
source; with no dates (or the same day), the more complete text (more sentences) is, then the one
stored first. Independent sources are the groups of articles joined by copy edges; each group's
original is its most complete member.
"""

from __future__ import annotations

import numpy as np

from ..compare import compare
from ..model import CopyEdge, Relation, Story
from .store import Store

#: Below this document cosine two articles are not compared for copying (copies score ~0.9 and above).
COPY_CANDIDATE = 0.8
#: Lineage is worked out over at most this many members (the earliest); members beyond it are not
#: compared, and each counts as an independent source.
MAX_LINEAGE = 300


def summarise(store: Store, story: int) -> Story:
    sid = store.resolve_story(story)
    rows = store.rows(sid)
    members = [r["rowid"] for r in rows][:MAX_LINEAGE]
    analyses = {m: store.analysis(m) for m in members}
    by_row = {r["rowid"]: r for r in rows}
    edges: list[CopyEdge] = []
    parent = {m: m for m in members}

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    if len(members) > 1:
        V = np.stack([analyses[m].doc_vector() for m in members])
        sims = V @ V.T
        for i, j in zip(*np.nonzero(np.triu(sims >= COPY_CANDIDATE, k=1))):
            a, b = members[i], members[j]
            c = compare(analyses[a], analyses[b])
            if c.relation not in (Relation.DUPLICATE, Relation.REWRITE):
                continue
            src, cp, why = _direction(by_row[a], by_row[b], len(analyses[a].sentences), len(analyses[b].sentences))
            edges.append(CopyEdge(by_row[src]["id"], by_row[cp]["id"], c.relation.value, f"{why}; {c.relation_reason}"))
            parent[find(a)] = find(b)
    groups: dict[int, list[int]] = {}
    for m in members:
        groups.setdefault(find(m), []).append(m)
    originals = [by_row[max(g, key=lambda m: (len(analyses[m].sentences), -m))]["id"] for g in groups.values()]
    dates = [r["published"] for r in rows if r["published"]] or [r["added"][:10] for r in rows]
    first_title = next((r["title"] for r in rows if r["title"]), None)
    return Story(id=sid, title=first_title, articles=rows,
                 outlets=sorted({r["outlet"] for r in rows if r["outlet"]}),
                 first=min(dates) if dates else None, last=max(dates) if dates else None,
                 lineage=edges, independent_sources=len(groups) + max(0, len(rows) - len(members)),
                 originals=originals, events=store.events(sid),
                 versions={"analyser": store.meta("analyser") or "", "same_story": store.meta("same_story") or ""})


def _direction(ra: dict, rb: dict, na: int, nb: int) -> tuple[int, int, str]:
    pa, pb = ra["published"], rb["published"]
    if pa and pb and pa[:10] != pb[:10]:
        src, cp = (ra, rb) if pa < pb else (rb, ra)
        return src["rowid"], cp["rowid"], f"published {src['published'][:10]}, before {cp['published'][:10]}"
    if na != nb:
        src, cp = (ra, rb) if na > nb else (rb, ra)
        return src["rowid"], cp["rowid"], f"the more complete text ({max(na, nb)} sentences against {min(na, nb)})"
    src, cp = (ra, rb) if ra["rowid"] < rb["rowid"] else (rb, ra)
    return src["rowid"], cp["rowid"], "stored first (same date and length)"


def overview(store: Store) -> list[dict]:
    """One row per live story, largest first: id, size, outlets, first, last, title."""
    rows = store.db.execute(
        "SELECT story, count(*), count(DISTINCT outlet), coalesce(min(published), min(added)), coalesce(max(published), max(added)), "
        "(SELECT title FROM articles t WHERE t.story = a.story AND t.title IS NOT NULL "
        " ORDER BY coalesce(t.published, t.added), t.rowid LIMIT 1) "
        "FROM articles a GROUP BY story ORDER BY count(*) DESC, story")
    return [{"id": s, "size": n, "outlets": o, "first": f, "last": la, "title": t} for s, n, o, f, la, t in rows]
