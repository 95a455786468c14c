"""Proper nouns in German, where every noun is written with a capital: the names among capitalised words.

A language without an entity recogniser finds names by their capitals (entities.py). In German that
takes every noun for a name ("Kunden", "Unternehmen", "Fragen"): on 40 German pages of the shared
extraction data it gave 4,626 "names", about 116 an article, most of them common nouns, so two German
articles "shared entities" whenever they shared nouns. Here each sentence is tagged by the Hanover Tagger
(HanTa, an HMM over its morphological analysis of each word, with its German model in the wheel, no
download), and only words tagged as proper nouns (STTS ``NE``) or foreign material (``FM``: "Treasury
Wine Estates" in a German text) may make a name: on the same pages 616 names and 60 places remain. The
tagger reads the words around, so an unknown name ("Lindqvist") is told from an unknown noun by its place in
the sentence, and a name that opens the sentence ("Ewa Lindqvist ordnete …") is found too, which capitals
alone cannot.

A name's genitive ("Russlands", "Merkels") is keyed by the tagger's lemma, since analyser-v12
(``tag``; entities.py keeps the lemma when the gazetteer or the article's other names confirm it). A
common word of the language between two names ends the first, since analyser-v13: "Kenias Vizepräsident
William Ruto" is Kenya and William Ruto.

Paid by German articles alone: ``benchmarks/german.py`` analyses 40 German pages cut to 500 words at 6.3
articles/s with the tagger and 15.6 without (one process, 2026-12-07), ~95 ms more an article.
"""

from __future__ import annotations

import threading
from functools import lru_cache
from typing import Any, NamedTuple

from wordfreq import zipf_frequency

from .gazetteer import country_of

#: The languages with a tagger here, and HanTa's model for each.
MODELS = {"de": "morphmodel_ger.pgz"}
#: STTS tags of words that may be part of a name: proper noun, foreign material.
NAME_TAGS = frozenset({"NE", "FM"})

_lock = threading.Lock()
_taggers: dict[str, Any] = {}


def supported(lang: str) -> bool:
    return lang in MODELS


def _tagger(lang: str) -> Any:
    with _lock:
        if lang not in _taggers:
            from HanTa import HanoverTagger

            tagger = HanoverTagger.HanoverTagger(MODELS[lang])
            # HanTa keeps the analyses of its model's frequent words; every other word (names, compounds)
            # is analysed afresh at each occurrence, most of the time spent: keep those too, bounded.
            tagger.analyze_forward = lru_cache(maxsize=100_000)(tagger.analyze_forward)
            _taggers[lang] = tagger
        return _taggers[lang]


class Tagged(NamedTuple):
    """A sentence's capitalised words as the tagger reads them, by their offsets within its text."""
    #: the words that may make a name, each with its dictionary form
    names: dict[int, str]
    #: the capitalised common words of the language, which end a name: "Kenias Vizepräsident William Ruto"
    #: is Kenya and William Ruto
    common: frozenset[int]


def tag(sent: Any) -> Tagged:
    """The names and common words of the spaCy span ``sent`` (the sentence is tagged as a whole: the tags
    depend on the words around).

    Names: the words tagged as proper nouns or foreign material, with the tagger's lemma, which takes off
    the genitive's -s ("Russlands" → Russland, "Merkels" → Merkel, "Lindqvists" → Lindqvist); and the
    words the gazetteer knows as a country or city that the tagger's lexicon does not know ("Offenburg",
    which it guesses to be a noun from its shape; but "Leben", "Mut" and "Tür", towns somewhere, are the
    nouns its lexicon says they are), as written.

    Common words: the other capitalised words that are more frequent in the language than in English
    (wordfreq): a title between two names ("Deutschlands Außenminister Heiko", "Apples Konkurrent Google")
    is not part of either. An English word inside a name the tagger takes for a noun ("The Walking Dead",
    "North Bridge Road") is left in it, as is a word wordfreq does not know.

    For a language without a tagger (``supported``), raises KeyError."""
    words = [t for t in sent if not t.is_space]
    if not words:
        return Tagged({}, frozenset())
    lang = sent.doc.lang_
    tagger = _tagger(lang)
    tags = tagger.tag_sent([t.text for t in words], taglevel=0)
    names, common = {}, set()
    for t, pos in zip(words, tags):
        at = t.idx - sent.start_char
        if pos in NAME_TAGS:
            # a name's genitive ends in s ("Russlands", "Merkels"): only such words are asked for
            names[at] = _lemma(lang, t.text, pos) if t.text.endswith("s") else t.text
        elif t.text[:1].isupper() and tagger.normalize(t.text) not in tagger.cache and country_of(t.text):
            names[at] = t.text
        elif t.text[:1].isupper() and _common(lang, t.text):
            common.add(at)
    return Tagged(names, frozenset(common))


@lru_cache(maxsize=100_000)
def _common(lang: str, word: str) -> bool:
    """Whether a capitalised word is more frequent in ``lang`` than in English (and known at all)."""
    f = zipf_frequency(word, lang)
    return f > 0 and f > zipf_frequency(word, "en")


@lru_cache(maxsize=100_000)
def _lemma(lang: str, word: str, tag: str) -> str:
    """The tagger's lemma of a word it tagged ``tag``. Asked for the proper nouns that end in s alone (the
    tagger's analysis of a word is most of its time), and memoised."""
    return _tagger(lang).analyze(word, pos=tag, taglevel=1)[0] or word
