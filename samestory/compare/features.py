"""The numbers the scorer and the relation rules read, computed from two analyses.

Every feature is symmetric (the same for (a, b) and (b, a)): directional measures enter as their min
and max. Missing information (no title, no dates, no named entities in the language) is a value of its
own (a ``*_known`` flag), never silently 0 similarity.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..analyse.dates import parse_published, year_known
from ..analyse import passages, terms
from ..analyse.nlp import statistical
from ..analyse.fingerprints import containment
from ..model import Analysis
from .align import ALIGNED, Alignment

#: The opening passage vectors' cosine (analyse/passages.py): present only when both analyses carry
#: their passage vectors, like ``passage_window_max``, the best cosine between a window of one and a
#: window of the other. PASSAGE_FEATURES: both.
PASSAGE_FEATURE = "passage_cos"
WINDOW_FEATURE = "passage_window_max"
PASSAGE_FEATURES = (PASSAGE_FEATURE, WINDOW_FEATURE)
#: The document vectors' cosine once what their neighbourhood shares is taken out (contrast_cos): present
#: only when the pair is judged among other articles (a store, a pile), never for two articles alone.
CONTRAST_FEATURE = "contrast_cos"
#: How many nearest articles of each side make a pair's neighbourhood (the clustering's candidates).
CONTEXT_NEIGHBOURS = 20

LEAD = 3  # sentences that make the lead
ENTITY_LABELS = ("PERSON", "ORG", "NAME", "GROUP", "MISC")


def _weighted_jaccard(x: Counter, y: Counter) -> float:
    if not x and not y:
        return 0.0
    inter = sum(min(x[k], y[k]) for k in x.keys() & y.keys())
    return inter / (sum(x.values()) + sum(y.values()) - inter)  # Σmax = Σx + Σy − Σmin


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


@dataclass
class Profile:
    """What compute() needs from one article alone; made once per analysis and kept on it, so a store
    comparing one article with many pays for each article's counts once."""

    doc: np.ndarray
    lead: np.ndarray
    title: np.ndarray  # the title's vector, else the lead's
    entities: dict[str, Counter]  # person, org, place, all → key counts
    rare: Counter
    top3: set
    countries: Counter
    published: Any
    days: set
    years: set
    numbers: set  # (value, the word after it)
    values: set  # the values alone: the word after a number is in the article's language
    names: dict[str, frozenset]  # every actor's name (its key less the label) → its words
    lead_actors: list[str]  # names of the actors the lead mentions
    main_actor: str | None  # name of the actor mentioned most


_PROFILE = "_compare_profile"
_GROUPS = (("person", ("PERSON",)), ("org", ("ORG",)), ("place", ("PLACE",)), ("all", ENTITY_LABELS + ("PLACE",)))


def profile(a: Analysis) -> Profile:
    p = a.__dict__.get(_PROFILE)
    if p is None:
        lead = a.doc_vector(LEAD)
        ents = {name: entity_counts(a, labels) for name, labels in _GROUPS}
        p = Profile(doc=a.doc_vector(), lead=lead, title=a.title_vector if a.title_vector is not None else lead,
                    entities=ents, rare=_rare_entities(a), top3={k for k, _ in ents["all"].most_common(3)},
                    countries=countries(a), published=parse_published(a.published),
                    days={d.value for d in a.dates if d.granularity == "day"}, years={d.value[:4] for d in a.dates if year_known(d.value)},
                    numbers={(n.value, n.context) for n in a.numbers}, values={n.value for n in a.numbers},
                    **_actors(a))
        a.__dict__[_PROFILE] = p
    return p


def _actors(a: Analysis) -> dict[str, Any]:
    """Who the article is about: its actors (people, organisations, named groups; not places) by name,
    those its lead mentions, and the one it mentions most (ties: the earlier)."""
    actors = [e for e in a.entities if e.label in ENTITY_LABELS]
    names = {_name(e.key): frozenset(_name(e.key).split()) for e in actors}
    lead = sorted({_name(e.key) for e in actors if e.sentences and min(e.sentences) < LEAD})
    main = min(actors, key=lambda e: (-e.count, min(e.sentences, default=0)), default=None)
    return {"names": names, "lead_actors": lead, "main_actor": _name(main.key) if main else None}


def _name(key: str) -> str:
    return key.split(":", 1)[-1]


def _named_in(name: str, other: Profile) -> bool:
    """Whether ``other`` names the actor ``name``: the same name, or one whose words hold the other's
    ("Chargers" and "San Diego Chargers"), whatever label each side's recogniser gave it."""
    if name in other.names:
        return True
    words = frozenset(name.split())
    return any(words <= w or w <= words for w in other.names.values() if w)


def actor_features(pa: Profile, pb: Profile) -> dict[str, float]:
    """Whether the two tell of the same actors: the share of each lead's actors the other names (min,
    max) and whether each one's main actor is named by the other (min). Two events of one kind (two
    players arrested for drunk driving, two clubs' offers to one player) share the setting but not the
    one the story is about."""
    known = bool(pa.lead_actors) and bool(pb.lead_actors)
    f = {"lead_actors_known": float(known)}
    if known:
        ca = sum(_named_in(n, pb) for n in pa.lead_actors) / len(pa.lead_actors)
        cb = sum(_named_in(n, pa) for n in pb.lead_actors) / len(pb.lead_actors)
        f["lead_actors_min"], f["lead_actors_max"] = min(ca, cb), max(ca, cb)
        f["main_actor_shared"] = float(_named_in(pa.main_actor, pb) and _named_in(pb.main_actor, pa))
    else:
        f["lead_actors_min"] = f["lead_actors_max"] = f["main_actor_shared"] = 0.0
    return f


def passage_features(a: Analysis, b: Analysis) -> dict[str, float]:
    """``passage_cos``, the cosine of the two openings' vectors, and ``passage_window_max``, the best
    cosine between a window of one and a window of the other (both articles' vectors must be made:
    analyse/passages.py; the second is left out when either article's were made without the windows).
    The best window pair finds a story one article tells in its opening and the other further down, or
    two accounts that share one passage."""
    va, vb = a.passage_vectors, b.passage_vectors
    out = {PASSAGE_FEATURE: float(passages.opening(va) @ passages.opening(vb))}
    if passages.has_windows(va) and passages.has_windows(vb):  # made with the opening's alone: no windows
        out[WINDOW_FEATURE] = float((passages.windows(va) @ passages.windows(vb).T).max())
    return out


def contrast_cos(a: Analysis, b: Analysis, centre: np.ndarray) -> float:
    """Cosine of the two document vectors less ``centre``, the mean vector of the articles near either
    (both sides' ``CONTEXT_NEIGHBOURS`` nearest, the two themselves left out).

    Two articles about the same actors share what all their neighbours share (the team, the
    company, the city); taking the neighbourhood's mean out leaves what sets each apart from the
    others around it. Two reports of one event still point the same way; two events of the same
    actors point apart, since the neighbourhood of the pair straddles both events. An unsupervised
    reading of the corpus around the pair, no labels involved.
    """
    x, y = profile(a).doc - centre, profile(b).doc - centre
    n = float(np.linalg.norm(x) * np.linalg.norm(y))
    return float(x @ y) / n if n > 1e-9 else 0.0


def neighbourhood_centre(vectors: np.ndarray) -> np.ndarray | None:
    """The mean of a pair's neighbours' document vectors (rows), or None when it has none."""
    return vectors.mean(axis=0) if len(vectors) else None


def compute(a: Analysis, b: Analysis, al: Alignment, passages: bool = True,
            centre: np.ndarray | None = None) -> dict[str, float]:
    """``passages``: include ``passage_cos`` and ``passage_window_max`` when both analyses carry their
    passage vectors. ``centre``: the pair's neighbourhood centre (neighbourhood_centre), to include
    ``contrast_cos``."""
    f: dict[str, float] = {}
    if centre is not None:
        f[CONTRAST_FEATURE] = contrast_cos(a, b, centre)
    sim = al.sim
    pa, pb = profile(a), profile(b)
    da, db, la, lb = pa.doc, pb.doc, pa.lead, pb.lead
    f["doc_cos"] = float(da @ db)
    f["lead_cos"] = float(la @ lb)
    f["lead_doc_cos"] = float(max(la @ db, lb @ da))
    both_titles = a.title_vector is not None and b.title_vector is not None
    f["title_known"] = float(both_titles)
    f["title_cos"] = float(a.title_vector @ b.title_vector) if both_titles else f["lead_cos"]
    if passages and a.passage_vectors is not None and b.passage_vectors is not None:  # see analyse/passages.py
        f.update(passage_features(a, b))
    ta, tb = pa.title, pb.title
    f["title_lead_cos"] = float(max(ta @ lb, tb @ la))
    f["title_doc_cos"] = float(max(ta @ db, tb @ da))

    if sim.size:
        # sums over sizes rather than .mean(): the same float32 values, without numpy's per-call overhead
        # (this runs for every pair the clustering scores)
        best_a, best_b = al.best
        mean_a, mean_b = best_a.sum() / best_a.size, best_b.sum() / best_b.size
        f["align_max"] = float(max(best_a.max(), best_b.max()))
        f["align_mean_min"] = float(min(mean_a, mean_b))
        f["align_mean_max"] = float(max(mean_a, mean_b))
        flat = sim.ravel()
        k = min(5, flat.size)
        top = np.sort(np.partition(flat, flat.size - k)[flat.size - k:])[::-1]
        f["align_top5"] = float(top.sum() / k)
        for t in (0.6, ALIGNED, 0.8):
            ca, cb = al.coverage(t)
            f[f"cover{int(t * 100)}_min"], f[f"cover{int(t * 100)}_max"] = min(ca, cb), max(ca, cb)
        lead_a, lead_b = best_a[:LEAD], best_b[:LEAD]
        f["lead_align"] = float(min(lead_a.sum() / lead_a.size, lead_b.sum() / lead_b.size))
    else:
        for k in ("align_max", "align_mean_min", "align_mean_max", "align_top5", "cover60_min", "cover60_max",
                  "cover70_min", "cover70_max", "cover80_min", "cover80_max", "lead_align"):
            f[k] = 0.0
    f["aligned_lexical"] = float(np.mean([p.lexical for p in al.pairs])) if al.pairs else 0.0

    has_ents = bool(a.entities) and bool(b.entities)
    f["entities_known"] = float(has_ents)
    # which extractor found the names: a trained recogniser (en, es, fr) or capitalised words and the
    # gazetteer (every other language); the same overlap means more from the first
    f["entities_ner"] = float(statistical(a.versions.get("ner", "")) and statistical(b.versions.get("ner", "")))
    for name, _ in _GROUPS:
        ca, cb = pa.entities[name], pb.entities[name]
        f[f"ent_{name}_wj"] = _weighted_jaccard(ca, cb)
        f[f"ent_{name}_j"], f[f"ent_{name}_oc"] = _overlap(set(ca), set(cb))
    f["ent_rare_wj"] = _weighted_jaccard(pa.rare, pb.rare)
    f["ent_top3_j"] = _overlap(pa.top3, pb.top3)[0]
    f.update(actor_features(pa, pb))
    f["country_wj"] = _weighted_jaccard(pa.countries, pb.countries)
    f["country_known"] = float(bool(pa.countries) and bool(pb.countries))

    ta_, tb_ = pa.published, pb.published
    f["published_known"] = float(ta_ is not None and tb_ is not None)
    f["published_days"] = math.log1p(abs((ta_ - tb_).days)) if ta_ and tb_ else 0.0
    f["dates_known"] = float(bool(a.dates) and bool(b.dates))
    f["dates_day_j"] = _overlap(pa.days, pb.days)[0]
    f["dates_year_j"] = _overlap(pa.years, pb.years)[0]

    f["numbers_j"] = _overlap(pa.numbers, pb.numbers)[0]
    f["number_values_j"] = _overlap(pa.values, pb.values)[0]
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
