"""Story clustering against gold stories: BCubed precision/recall/F1 and the adjusted Rand index.

    samestory eval clusters --documents ../shared/data/ecbplus_dev/documents.jsonl [--cv 5] [--passages] --json

Documents are JSON Lines with ``id``, ``text`` (and optionally ``title``, ``published``) and the gold
``story_id``. Without ``--cv`` the packaged same-story model clusters every document, in file order.
With ``--cv K`` the same-story model is retrained K times on the pairs of K−1 folds of topics (the
``topic`` field; the story id when there is none) and clusters the held-out topics' documents only;
the figures are over the union of those held-out clusterings (stories never span two folds there,
which the report says). Articles join stories one at a time, so the result depends on the order they
arrive in: the figures are for file order, and ``shuffled_order`` repeats them in a random order.
``--passages`` clusters with the same-story model's passage-vector cascade on (group/cluster.py, Judge;
``ingest --passages``); with ``--cv`` its figures come beside the default ones, under ``with_passages``.
Both report ``cost``: the pairs judged, those judged again with passage vectors, the vectors made.
"""

from __future__ import annotations

import logging
import random
from collections import Counter, defaultdict
from typing import Any

from ..errors import InputError
from ..group.cluster import Judge, cluster
from ..model import Analysis, Article
from ..read import iter_articles
from . import read_labelled

log = logging.getLogger(__name__)

#: Incremental clustering depends on arrival order; cross-validation also reports a random order.
SHUFFLE_SEED = 1


def bcubed(gold: list[Any], pred: list[Any]) -> tuple[float, float, float]:
    """BCubed precision, recall and F1 (Bagga & Baldwin 1998; Amigó et al. 2009), item-averaged."""
    n = len(gold)
    if n == 0:
        return 0.0, 0.0, 0.0
    joint = Counter(zip(gold, pred))
    g, p = Counter(gold), Counter(pred)
    prec = sum(joint[(gi, pi)] / p[pi] for gi, pi in zip(gold, pred)) / n
    rec = sum(joint[(gi, pi)] / g[gi] for gi, pi in zip(gold, pred)) / n
    return prec, rec, (2 * prec * rec / (prec + rec) if prec + rec else 0.0)


def report(gold: list[Any], pred: list[Any], topics: list[Any] | None = None) -> dict[str, Any]:
    from sklearn.metrics import adjusted_rand_score

    p, r, f = bcubed(gold, pred)
    out: dict[str, Any] = {"n_documents": len(gold), "n_gold_stories": len(set(gold)), "n_stories": len(set(pred)),
                           "bcubed_precision": round(p, 4), "bcubed_recall": round(r, 4), "bcubed_f1": round(f, 4),
                           "ari": round(float(adjusted_rand_score(gold, pred)), 4)}
    if topics is not None:
        spans: dict[Any, set] = defaultdict(set)
        for t, s in zip(topics, pred):
            spans[s].add(t)
        out["stories_spanning_topics"] = sum(1 for ts in spans.values() if len(ts) > 1)
    return out


def load_documents(path: str) -> tuple[list[Article], dict[str, str], dict[str, str], list[InputError]]:
    """Articles (read by samestory's JSON reader), gold story and topic by article id, and the lines
    that could not be read (reported, then left out of the figures)."""
    rows = read_labelled(path, lambda r: (str(r["id"]), str(r["story_id"]), str(r.get("topic", r["story_id"]))),
                         "a clustering document needs 'id' and 'story_id'")
    gold = {i: s for i, s, _ in rows}
    topic = {i: t for i, _, t in rows}
    skipped: list[InputError] = []
    arts = [a for a in iter_articles([path], format="jsonl", on_error=skipped.append) if a.id in gold]
    return arts, gold, topic, skipped


def folds_of(topics: list[str], k: int) -> dict[str, int]:
    """Topic → fold: topics in sorted order dealt round-robin into k folds (declared, not searched)."""
    order = sorted(set(topics), key=lambda t: (len(t), t))
    return {t: i % k for i, t in enumerate(order)}


def evaluate(analyses: list[Analysis], gold: dict[str, str], topic: dict[str, str], judge: Judge | None = None) -> dict[str, Any]:
    judge = judge or Judge()
    pred = cluster(analyses, judge)
    ids = [a.id for a in analyses]
    return {**report([gold[i] for i in ids], pred, [topic[i] for i in ids]), "cost": judge.cost()}


def cross_validate(analyses: list[Analysis], gold: dict[str, str], topic: dict[str, str], k: int,
                   passages: bool = False) -> dict[str, Any]:
    """Retrain the same-story model without each fold of topics, cluster that fold with it, as ``ingest``
    does by default (without passage vectors). ``passages``: cluster the folds a second time with the
    models' cascade on, as ``ingest --passages`` does, reported under ``with_passages``. The analyses need
    their passage vectors (``Analyser.with_passages``) either way: the training pairs read them."""
    from ..compare import train_story

    missing = sum(a.passage_vectors is None for a in analyses)
    if missing:
        raise ValueError(f"cross_validate: {missing} analyses have no passage vector (Analyser.with_passages)")
    fold = folds_of([topic[a.id] for a in analyses], k)
    pairs = train_story.build_pairs(analyses, gold, topic)
    models, aucs = [], []
    for i in range(k):
        train_pairs = [p for p in pairs if fold[topic[p.a]] != i and fold[topic[p.b]] != i]
        test_pairs = [p for p in pairs if fold[topic[p.a]] == i and fold[topic[p.b]] == i]
        models.append(train_story.fit(train_pairs, name=f"cv-fold-{i}"))
        aucs.append(train_story.auc(models[-1], test_pairs))
        log.info("fold %d: pair AUC %.3f", i, aucs[-1])
    tests = [[a for a in analyses if fold[topic[a.id]] == i] for i in range(k)]
    out = _cluster_folds(tests, models, gold, topic, passages=False)
    out.update({"folds": k, "grouping": "topics, round-robin in sorted order; stories cannot span folds",
                "order": "documents added in file order", "pair_auc_mean": round(float(sum(aucs) / len(aucs)), 4)})
    if passages:
        out["with_passages"] = {m: v for m, v in _cluster_folds(tests, models, gold, topic, passages=True).items()
                                if m not in ("n_documents", "n_gold_stories")}
    return out


def _cluster_folds(tests: list[list[Analysis]], models: list[Any], gold: dict[str, str], topic: dict[str, str],
                   passages: bool) -> dict[str, Any]:
    """Each fold's documents clustered by its model, in file order and shuffled; figures over all folds."""
    golds, preds, topics = [], [], []
    shuffled: dict[str, tuple[str, int]] = {}
    cost: Counter[str] = Counter()
    offset = 0
    for i, (test, model) in enumerate(zip(tests, models)):
        judge = Judge(model, passages=passages)
        preds.extend(p + offset for p in cluster(test, judge))
        cost.update(judge.cost())
        order = list(range(len(test)))
        random.Random(SHUFFLE_SEED + i).shuffle(order)
        for j, p in zip(order, cluster([test[j] for j in order], Judge(model, passages=passages))):
            shuffled[test[j].id] = (gold[test[j].id], p + offset)
        offset += len(test) + 1
        golds.extend(gold[a.id] for a in test)
        topics.extend(topic[a.id] for a in test)
    out = report(golds, preds, topics)
    sh = report([g for g, _ in shuffled.values()], [p for _, p in shuffled.values()])
    out["shuffled_order"] = {"seed": SHUFFLE_SEED, **{m: sh[m] for m in ("bcubed_precision", "bcubed_recall", "bcubed_f1", "ari")}}
    out["cost"] = dict(cost)
    return out
