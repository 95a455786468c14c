"""compare: two analyses → Comparison.

Stages, in order:
    align      sentence alignment on multilingual embeddings (and, for copies, on characters where noise
               makes the embeddings drift)
    features   symmetric similarity features (text, title, lead, passage vectors, entities, places, dates,
               quotes, numbers)
    scorer     the versioned model: features → the seven SemEval dimensions
    relation   duplicate / rewrite / same_story / related / unrelated, with the reason
    evidence   aligned sentences, matched quotes, shared and missing entities, dates, discrepancies,
               word substitutions between aligned sentences
"""

from __future__ import annotations

from ..analyse import passages as passage_vectors
from ..errors import VersionMismatchError
from ..model import Analysis, Comparison, similarity_from_overall
from . import evidence, features, relation, scorer
from .align import align, with_noisy_copies

__all__ = ["compare", "check_versions"]


def check_versions(a: Analysis, b: Analysis) -> None:
    va, vb = a.versions.get("analyser"), b.versions.get("analyser")
    if va != vb or a.versions.get("embeddings") != b.versions.get("embeddings"):
        raise VersionMismatchError(f"analyses of {a.id} ({va}, {a.versions.get('embeddings')}) and {b.id} "
                                   f"({vb}, {b.versions.get('embeddings')}) were made by different analysers; re-analyse one")


def compare(a: Analysis, b: Analysis, *, scorer_name: str = scorer.DEFAULT_SCORER,
            same_story_name: str = scorer.DEFAULT_SAME_STORY, passages: bool = True) -> Comparison:
    """``passages=False`` compares without the passage vectors (analyse/passages.py), which cost ~0.45 s for
    a 500-word article that has none yet: the scores come from the scorer's models trained without them, the
    relation's copy and same-story decisions are the same either way (compare/relation.py)."""
    check_versions(a, b)
    model = scorer.load(scorer_name)
    if passages and a.language == b.language:  # pairs in two languages are judged without them
        passage_vectors.ensure((a, b))  # callers with a cache or a store made them beforehand
    al = align(a, b)
    feats = features.compute(a, b, al, passages)  # on the embedding alignment, as the models were trained
    same_language = a.language == b.language
    model = model.for_pair(feats, same_language)
    scores = model.predict(feats, same_language)
    p_same = scorer.load_same_story(same_story_name).probability(feats, same_language)
    shorter_shingles = feats["shingle_max"]  # the share of the shorter article's shingles found in the other
    copies = with_noisy_copies(a, b, al).pairs  # the copy decision and its evidence also see noisy (OCR) copies
    rel, reason = relation.decide(scores["overall"], p_same, al.sim, copies, shorter_shingles, same_language,
                                  evidence.word_change(copies, a.language) if same_language else 0.0,
                                  ([len(s.text.split()) for s in a.sentences], [len(s.text.split()) for s in b.sentences]))
    cover_a, cover_b = al.coverage()
    return Comparison(
        a=a.id, b=b.id, scores=scores, similarity=round(similarity_from_overall(scores["overall"]), 4),
        same_story_probability=p_same,
        relation=rel, relation_reason=reason,
        aligned=sorted(copies, key=lambda p: -p.similarity),
        coverage={"a": round(cover_a, 4), "b": round(cover_b, 4)},
        quotes=evidence.quotes(a, b), entities=evidence.entities(a, b), places=evidence.places(a, b),
        dates=evidence.dates(a, b), discrepancies=evidence.discrepancies(a, b, copies),
        features={k: round(v, 4) for k, v in feats.items()},
        versions={**a.versions, **({"passages": passage_vectors.model_version()} if features.PASSAGE_FEATURE in feats else {}),
                  "scorer": model.name, "same_story": same_story_name}, languages=(a.language, b.language),
        substitutions=evidence.substitutions(copies, same_language),
    )
