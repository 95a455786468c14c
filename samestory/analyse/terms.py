"""The article's distinctive words: a bag of words weighted by how rare each word is in the language.

Rarity comes from `wordfreq` (word frequencies for 40+ languages, shipped in the package), not from
the corpus at hand, so the weights of an article do not change when other articles are added to a
store, and a pair scores the same in a store of ten articles or of a million. A word's weight is
``(1 + log tf) * (RARE - zipf)``: "the" (zipf 7.7) weighs nothing, "earthquake" (4.2) 3.3 and a name
unknown to the list the most. The vector is L2-normalised and cut to its ``TOP`` heaviest words.

Keys are the words' Snowball stems (PyStemmer), case- and accent-folded, so that the forms of one word
meet: "Erdoğan'ın" and "Erdoğan", "Ankara'da" and "Ankara", "وبالقاهرة" ("and in Cairo") and "القاهرة"
("Cairo"), "elections" and "election", "Élection" and "election". The rarity is that of the word as
written, looked up in the article's own language; a language without a Snowball stemmer keeps its words
whole. Since analyser-v8; the cross-validated figures recorded in scorer-v6 (trained on these terms)
against scorer-v5: Overall 0.830 → 0.833, tr-tr 0.824 → 0.831 (Turkish inflects names and nouns most),
es-es 0.820 → 0.824, ar-ar 0.791 → 0.794, en-en 0.869 and fr-fr 0.810 → 0.809 unchanged within noise.
"""

from __future__ import annotations

import logging
import math
import threading
from collections import Counter
from functools import lru_cache

from .gazetteer import fold

#: zipf value at which a word stops carrying weight (the, de, and … are above it).
RARE = 7.5
#: zipf given to words the list does not know (names, rare words): the floor of wordfreq's scale.
UNKNOWN_ZIPF = 1.0
#: Words kept per article; enough for a 2,000-word article's distinctive vocabulary.
TOP = 300


#: Languages (ISO 639-1) with a Snowball stemmer, and its name in PyStemmer.
SNOWBALL = {"ar": "arabic", "ca": "catalan", "cs": "czech", "da": "danish", "de": "german", "el": "greek",
            "en": "english", "es": "spanish", "et": "estonian", "eu": "basque", "fi": "finnish", "fr": "french",
            "ga": "irish", "hi": "hindi", "hu": "hungarian", "hy": "armenian", "id": "indonesian",
            "it": "italian", "lt": "lithuanian", "ne": "nepali", "nl": "dutch", "no": "norwegian",
            "nb": "norwegian", "pl": "polish", "pt": "portuguese", "ro": "romanian", "ru": "russian",
            "sr": "serbian", "sv": "swedish", "ta": "tamil", "tr": "turkish", "fa": "persian", "yi": "yiddish"}


#: One stemmer per language and thread: a PyStemmer object keeps state between calls and is not
#: thread-safe (the HTTP service may analyse in several threads).
_STEMMERS = threading.local()


def stemmer(lang: str):
    """The language's Snowball stemmer for this thread, or None."""
    if lang not in SNOWBALL:
        return None
    made = _STEMMERS.__dict__.setdefault("by_language", {})
    if lang not in made:
        import Stemmer

        made[lang] = Stemmer.Stemmer(SNOWBALL[lang])
    return made[lang]


@lru_cache(maxsize=1)
def supported() -> frozenset[str]:
    import wordfreq

    return frozenset(wordfreq.available_languages())


@lru_cache(maxsize=500_000)
def rarity(word: str, lang: str) -> float:
    import wordfreq

    z = wordfreq.zipf_frequency(word, lang, minimum=UNKNOWN_ZIPF) if lang in supported() else UNKNOWN_ZIPF
    return max(0.0, RARE - z)


@lru_cache(maxsize=500_000)
def is_word(word: str, lang: str) -> bool:
    """Whether wordfreq's list for ``lang`` knows the word (any word when the language has no list)."""
    import wordfreq

    return lang not in supported() or word.isdigit() or wordfreq.zipf_frequency(word, lang) > 0


def tokenize(text: str, lang: str) -> list[str]:
    """wordfreq's tokenizer for the language: words cut by its segmenter where the language is written
    without spaces (jieba for Chinese, MeCab with its dictionaries for Japanese and Korean: the
    ``wordfreq[cjk]`` packages)."""
    import wordfreq

    if lang == "zh":
        _quiet_jieba()
    return wordfreq.tokenize(text, lang if lang in supported() else "en")


@lru_cache(maxsize=1)
def _quiet_jieba() -> None:
    """jieba logs its dictionary's loading at DEBUG level to its own stderr handler."""
    import jieba

    jieba.setLogLevel(logging.WARNING)


def terms(text: str, lang: str) -> dict[str, float]:
    """Folded stem → weight (the sum of its forms' weights), L2-normalised, at most TOP stems.
    Digits-only tokens are left out."""
    counts = Counter(t for t in tokenize(text, lang) if not t.replace(",", "").replace(".", "").isdigit())
    stem = stemmer(lang)
    weights: dict[str, float] = {}
    for tok, n in counts.items():
        w = (1.0 + math.log(n)) * rarity(tok, lang)
        key = fold(stem.stemWord(tok) if stem else tok)
        if w > 0 and key:
            weights[key] = weights.get(key, 0.0) + w
    top = sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP]
    norm = math.sqrt(sum(w * w for _, w in top)) or 1.0
    return {k: round(w / norm, 5) for k, w in top}


def cosine(a: dict[str, float], b: dict[str, float]) -> float:
    """Over the shared words only (a few dozen of the 300), in a fixed order so the sum is reproducible."""
    return sum(a[k] * b[k] for k in sorted(a.keys() & b.keys()))


def name_rarity(key: str, lang: str) -> float:
    """Mean rarity of the words of a (folded) entity name: "tara reid" is rare, "california" less so."""
    words = key.split()
    return sum(rarity(w, lang) for w in words) / len(words) if words else 0.0
