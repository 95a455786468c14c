"""Copy detection against the generated reuse benchmark (see ``reuse_data`` for how each pair is made).

    samestory eval reuse [--data ../shared/data] [--split test] [--sources 100] [--negatives 150] --json

Figures, over the pairs of one split:

* ``duplicate``: precision and recall of the relation ``duplicate`` against the variants expected to be
  duplicates (reprint, headline, truncated, light-edit).
* ``rewrite``: recall over the spins of ≥ 20% of content words, the reordered and the merged copies, and
  precision over every pair called ``rewrite``. A 10% spin sits between a light edit and a rewrite: it is
  reported in its own row, counts as caught when called either, and is left out of both headline figures.
* ``independent_called_copy``: the share of independent same-story pairs called ``duplicate`` or
  ``rewrite`` (the goal is ≤ 2%); ``same_topic_called_copy`` the same for the hard negatives.
* per variant: how many pairs, and how many came out as each relation.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from typing import Any

from ..analyse import Analyser
from ..compare import compare
from ..model import Analysis, Article
from .reuse_data import BenchPair

log = logging.getLogger(__name__)

COPY = ("duplicate", "rewrite")
RELATIONS = ("duplicate", "rewrite", "same_story", "related", "unrelated")
DUPLICATE_VARIANTS = ("reprint", "headline", "truncated", "light-edit")
REWRITE_VARIANTS = ("spin-20", "spin-30", "spin-50", "reordered", "merged")
BORDERLINE = ("spin-10",)


def analyse_pairs(pairs: list[BenchPair], analyser: Analyser) -> dict[str, Analysis]:
    """Every article of the pairs, analysed once, by id."""
    arts: dict[str, Article] = {}
    for p in pairs:
        arts.setdefault(p.a.id, p.a)
        arts.setdefault(p.b.id, p.b)
    return {a.article.id: a for a in analyser.analyse_many(arts.values())}


def run(pairs: list[BenchPair], analyser: Analyser, show_errors: int = 0) -> dict[str, Any]:
    analyses = analyse_pairs(pairs, analyser)
    # copy or not is decided from the text (compare/relation.py): the passage vectors would change no answer here
    predicted = [compare(analyses[p.a.id], analyses[p.b.id], passages=False).relation.value for p in pairs]
    return score(pairs, predicted, show_errors)


def _ratio(num: int, den: int) -> float | None:
    return round(num / den, 4) if den else None


def score(pairs: list[BenchPair], predicted: list[str], show_errors: int = 0) -> dict[str, Any]:
    by_variant: dict[str, Counter] = defaultdict(Counter)
    for p, rel in zip(pairs, predicted):
        by_variant[p.variant][rel] += 1
    scored = [(p.variant, rel) for p, rel in zip(pairs, predicted) if p.variant not in BORDERLINE]
    called_dup = [v for v, rel in scored if rel == "duplicate"]
    called_rew = [v for v, rel in scored if rel == "rewrite"]
    n_dup = sum(sum(by_variant[v].values()) for v in DUPLICATE_VARIANTS)
    n_rew = sum(sum(by_variant[v].values()) for v in REWRITE_VARIANTS)
    indep, topic = by_variant.get("independent", Counter()), by_variant.get("same-topic", Counter())
    out: dict[str, Any] = {
        "n_pairs": len(pairs),
        "n_sources": len({p.a.id for p in pairs if p.variant in DUPLICATE_VARIANTS}),
        "duplicate": {"precision": _ratio(sum(v in DUPLICATE_VARIANTS for v in called_dup), len(called_dup)),
                      "recall": _ratio(sum(by_variant[v]["duplicate"] for v in DUPLICATE_VARIANTS), n_dup)},
        "rewrite": {"precision": _ratio(sum(v in REWRITE_VARIANTS for v in called_rew), len(called_rew)),
                    "recall": _ratio(sum(by_variant[v]["rewrite"] for v in REWRITE_VARIANTS), n_rew),
                    "copy_recall": _ratio(sum(by_variant[v][r] for v in REWRITE_VARIANTS for r in COPY), n_rew)},
        "independent_called_copy": _ratio(sum(indep[r] for r in COPY), sum(indep.values())),
        "same_topic_called_copy": _ratio(sum(topic[r] for r in COPY), sum(topic.values())),
        "variants": {v: dict(sorted(c.items())) | {"n": sum(c.values())} for v, c in sorted(by_variant.items())},
    }
    rates = defaultdict(list)
    for p in pairs:
        if "spin_rate" in p.info:
            rates[p.variant].append(p.info["spin_rate"])
    out["spin_rate_reached"] = {v: round(sum(r) / len(r), 3) for v, r in sorted(rates.items())}
    if show_errors:
        errors = []
        for p, rel in zip(pairs, predicted):
            ok = rel in COPY if p.variant in BORDERLINE else (rel == p.expected if p.expected in COPY else rel not in COPY)
            if not ok and len(errors) < show_errors:
                errors.append({"variant": p.variant, "a": p.a.id, "b": p.b.id, "expected": p.expected, "got": rel})
        out["errors"] = errors
    return out
