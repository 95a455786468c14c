"""The stored articles nearest to an article, each with its relation to it (a full comparison)."""

from __future__ import annotations

from ..analyse import passages
from ..analyse.cache import cache_key
from ..compare import compare
from ..model import Analysis
from .store import Store


def similar(store: Store, query: Analysis, k: int = 10) -> list[dict]:
    out = []
    mine = cache_key(query.article)
    hits = [(rowid, cos, store.analysis(rowid)) for rowid, cos in store.clusterer.index.search(query.doc_vector(), k + 1)]
    hits = [h for h in hits if cache_key(h[2].article) != mine]  # not the article itself, when it is stored
    same_language = [other for _, _, other in hits if other.language == query.language]  # the others are judged without
    passages.ensure([query, *same_language] if same_language else [], store.passages)  # one batch; kept in the store
    for rowid, cos, other in hits:
        c = compare(query, other)
        out.append({"rowid": rowid, "id": other.article.id, "source": other.article.source, "title": other.article.title,
                    "story": store.clusterer.story_of.get(rowid), "cosine": round(cos, 4), "relation": c.relation.value,
                    "overall": c.overall, "similarity": c.similarity, "same_story_probability": c.same_story_probability,
                    "reason": c.relation_reason})
    return out[:k]
