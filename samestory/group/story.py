"""A stored story, summarised: outlets, timeline, who copied whom, and how many independent sources
(the lineage itself: ``lineage.py``)."""

from __future__ import annotations

from ..model import Story
from .lineage import Member, trace
from .store import Store

#: Lineage is worked out over at most this many members (the earliest); members beyond it are not
#: compared, and each counts as an independent source.
MAX_LINEAGE = 300


def summarise(store: Store, story: int) -> Story:
    sid = store.resolve_story(story)
    rows = store.rows(sid)
    members = [Member(r["id"], store.analysis(r["rowid"]), r["published"], r["rowid"]) for r in rows[:MAX_LINEAGE]]
    lin = trace(members)
    dates = [r["published"] for r in rows if r["published"]] or [r["added"][:10] for r in rows]
    first_title = next((r["title"] for r in rows if r["title"]), None)
    return Story(id=sid, title=first_title, articles=rows,
                 outlets=sorted({r["outlet"] for r in rows if r["outlet"]}),
                 first=min(dates) if dates else None, last=max(dates) if dates else None,
                 lineage=lin.edges, independent_sources=lin.independent_sources + max(0, len(rows) - len(members)),
                 originals=lin.originals, events=store.events(sid),
                 versions={"analyser": store.meta("analyser") or "", "same_story": store.meta("same_story") or ""})


def overview(store: Store) -> list[dict]:
    """One row per live story, largest first: id, size, outlets, first, last, title."""
    rows = store.db.execute(
        "SELECT story, count(*), count(DISTINCT outlet), coalesce(min(published), min(added)), coalesce(max(published), max(added)), "
        "(SELECT title FROM articles t WHERE t.story = a.story AND t.title IS NOT NULL "
        " ORDER BY coalesce(t.published, t.added), t.rowid LIMIT 1) "
        "FROM articles a GROUP BY story ORDER BY count(*) DESC, story")
    return [{"id": s, "size": n, "outlets": o, "first": f, "last": la, "title": t} for s, n, o, f, la, t in rows]
