"""The numbers the scorer and the relation rules read, computed from two analyses.

Every feature is symmetric (the same for (a, b) and (b, a)): directional measures enter as their min
and max. Missing information (no title, no dates, no named entities in the language) is a value of its
own (a ``*_known`` flag), never silently 0 similarity.
"""

from __future__ import annotations

import math
from collections import Counter

import numpy as np

from ..analyse.dates import parse_published
from ..analyse import terms
from ..analyse.fingerprints import containment
from ..model import Analysis
from .align import ALIGNED, Alignment

LEAD = 3  # sentences that make the lead
ENTITY_LABELS = ("PERSON", "ORG", "NAME", "GROUP", "MISC")


def _weighted_jaccard(x: Counter, y: Counter) -> float:
    keys = set(x) | set(y)
    if not keys:
        return 0.0
    return sum(min(x[k], y[k]) for k in keys) / sum(max(x[k], y[k]) for k in keys)


def _overlap(x: set, y: set) -> tuple[float, float]:
    """(Jaccard, overlap coefficient |x∩y| / min(|x|, |y|))."""
    if not x or not y:
        return 0.0, 0.0
    inter = len(x & y)
    return inter / len(x | y), inter / min(len(x), len(y))


def entity_counts(a: Analysis, labels: tuple[str, ...]) -> Counter:
    return Counter({e.key: e.count for e in a.entities if e.label in labels})


def countries(a: Analysis) -> Counter:
    return Counter({e.country: e.count for e in a.entities if e.country})


def _rare_entities(a: Analysis) -> Counter:
    """Entity keys weighted by mentions × how rare the name is in the language: sharing "Tara Reid"
    says more about being the same story than sharing "California"."""
    out: Counter = Counter()
    for e in a.entities:
        out[e.key] += e.count * max(1.0, terms.name_rarity(e.key, a.language))
    return out


def compute(a: Analysis, b: Analysis, al: Alignment) -> dict[str, float]:
    f: dict[str, float] = {}
    sim = al.sim
    da, db = a.doc_vector(), b.doc_vector()
    la, lb = a.doc_vector(LEAD), b.doc_vector(LEAD)
    f["doc_cos"] = float(da @ db)
    f["lead_cos"] = float(la @ lb)
    f["lead_doc_cos"] = float(max(la @ db, lb @ da))
    both_titles = a.title_vector is not None and b.title_vector is not None
    f["title_known"] = float(both_titles)
    f["title_cos"] = float(a.title_vector @ b.title_vector) if both_titles else f["lead_cos"]
    ta = a.title_vector if a.title_vector is not None else la
    tb = b.title_vector if b.title_vector is not None else lb
    f["title_lead_cos"] = float(max(ta @ lb, tb @ la))
    f["title_doc_cos"] = float(max(ta @ db, tb @ da))

    if sim.size:
        best_a, best_b = sim.max(axis=1), sim.max(axis=0)
        f["align_max"] = float(sim.max())
        f["align_mean_min"] = float(min(best_a.mean(), best_b.mean()))
        f["align_mean_max"] = float(max(best_a.mean(), best_b.mean()))
        top = np.sort(sim, axis=None)[::-1][:5]
        f["align_top5"] = float(top.mean())
        for t in (0.6, ALIGNED, 0.8):
            ca, cb = al.coverage(t)
            f[f"cover{int(t * 100)}_min"], f[f"cover{int(t * 100)}_max"] = min(ca, cb), max(ca, cb)
        f["lead_align"] = float(min(best_a[:LEAD].mean(), best_b[:LEAD].mean()))
    else:
        for k in ("align_max", "align_mean_min", "align_mean_max", "align_top5", "cover60_min", "cover60_max",
                  "cover70_min", "cover70_max", "cover80_min", "cover80_max", "lead_align"):
            f[k] = 0.0
    f["aligned_lexical"] = float(np.mean([p.lexical for p in al.pairs])) if al.pairs else 0.0

    has_ents = bool(a.entities) and bool(b.entities)
    f["entities_known"] = float(has_ents)
    for name, labels in (("person", ("PERSON",)), ("org", ("ORG",)), ("place", ("PLACE",)), ("all", ENTITY_LABELS + ("PLACE",))):
        ca, cb = entity_counts(a, labels), entity_counts(b, labels)
        f[f"ent_{name}_wj"] = _weighted_jaccard(ca, cb)
        f[f"ent_{name}_j"], f[f"ent_{name}_oc"] = _overlap(set(ca), set(cb))
    ra, rb = _rare_entities(a), _rare_entities(b)
    f["ent_rare_wj"] = _weighted_jaccard(ra, rb)
    top_a = {k for k, _ in entity_counts(a, ENTITY_LABELS + ("PLACE",)).most_common(3)}
    top_b = {k for k, _ in entity_counts(b, ENTITY_LABELS + ("PLACE",)).most_common(3)}
    f["ent_top3_j"] = _overlap(top_a, top_b)[0]
    f["country_wj"] = _weighted_jaccard(countries(a), countries(b))
    f["country_known"] = float(bool(countries(a)) and bool(countries(b)))

    pa, pb = parse_published(a.published), parse_published(b.published)
    f["published_known"] = float(pa is not None and pb is not None)
    f["published_days"] = math.log1p(abs((pa - pb).days)) if pa and pb else 0.0
    days_a = {d.value for d in a.dates if d.granularity == "day"}
    days_b = {d.value for d in b.dates if d.granularity == "day"}
    years_a, years_b = {d.value[:4] for d in a.dates}, {d.value[:4] for d in b.dates}
    f["dates_known"] = float(bool(a.dates) and bool(b.dates))
    f["dates_day_j"] = _overlap(days_a, days_b)[0]
    f["dates_year_j"] = _overlap(years_a, years_b)[0]

    nums_a = {(n.value, n.context) for n in a.numbers}
    nums_b = {(n.value, n.context) for n in b.numbers}
    f["numbers_j"] = _overlap(nums_a, nums_b)[0]
    f["quotes_known"] = float(bool(a.quotes) and bool(b.quotes))
    f["quotes_matched"] = quote_match_share(a, b)

    f["terms_cos"] = terms.cosine(a.terms, b.terms)
    sa, sb = containment(a.shingles, b.shingles)
    f["shingle_min"], f["shingle_max"] = min(sa, sb), max(sa, sb)
    na, nb = len(a.sentences), len(b.sentences)
    f["length_ratio"] = min(na, nb) / max(na, nb) if max(na, nb) else 0.0
    f["log_length"] = math.log1p(min(na, nb))
    f["same_language"] = float(a.language == b.language)
    return f


#: Two quotes this close (USE cosine) are the same words, possibly translated or reworded.
QUOTE_MATCH = 0.75
#: When the two speakers found differ (attribution is a heuristic), the quotes must be this close.
QUOTE_MATCH_OTHER_SPEAKER = 0.85


def quote_pairs(a: Analysis, b: Analysis) -> list[tuple[int, int, float]]:
    """One-to-one matched quotes (index in a, index in b, cosine), most similar first."""
    if not len(a.quote_vectors) or not len(b.quote_vectors):
        return []
    sim = a.quote_vectors @ b.quote_vectors.T
    out, used_a, used_b = [], set(), set()
    for idx in np.argsort(-sim, axis=None):
        i, j = divmod(int(idx), sim.shape[1])
        if sim[i, j] < QUOTE_MATCH:
            break
        if i in used_a or j in used_b:
            continue
        sa, sb = a.quotes[i].speaker, b.quotes[j].speaker
        if sa and sb and sa != sb and sim[i, j] < QUOTE_MATCH_OTHER_SPEAKER:
            continue
        used_a.add(i)
        used_b.add(j)
        out.append((i, j, float(sim[i, j])))
    return out


def quote_match_share(a: Analysis, b: Analysis) -> float:
    n = min(len(a.quotes), len(b.quotes))
    return len(quote_pairs(a, b)) / n if n else 0.0
