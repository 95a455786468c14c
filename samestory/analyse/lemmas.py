"""Names in languages that decline them: the dictionary form of each word, for keys and the gazetteer.

Polish, Russian, Czech, Finnish, Hungarian and the like put names in cases: "w Warszawie", "do Polski",
"z Piotrem Pawlickim", "в Москве", "России". A language without an entity recogniser finds names by their
capitals (entities.py) and keyed each written form apart, so "Warszawie" was not the place Warszawa (the
gazetteer knows the nominative), and two articles that both name Russia in different cases shared no
place. Here each word of such a name is looked up in **simplemma**'s dictionary for the language (MIT;
the dictionaries ship in the wheel, nothing downloads): "Włoszech" → "Włochy" (Italy), "Nowej Zelandii"
→ "Nowa Zelandia", "Pawlickiego" → "Pawlicki", "Москве" → "Москва". The name keeps the forms it was
written in; its key and its gazetteer lookup read the dictionary forms. A word the dictionary does not
know stays as written ("Bidena": a foreign surname keeps its case ending), so the gain is for places and
for names the dictionary holds. The lookup is of the word as written, capital included, so a capitalised
word is read as a name, not as the common word it may also spell; the dictionary's own readings stand
("Antonio" is the Polish dative of Antonia).

A country's name of several words is matched against its CLDR name in the language word by word, each
word less its ending (since analyser-v12): the dictionary reads "Zjednoczonych" as a form of "to unite"
and does not know "Wielkiej" written with a capital, so "Stanów Zjednoczonych" and "Wielkiej Brytanii"
were names, not the US and the UK.

The same dictionary tells a common word capitalised because it opens a sentence ("Prezydent", "Wcześniej")
from a name (``common_word``), so "Prezydent Andrzej Duda …" gives Andrzej Duda, where capitals alone
dropped every run that opens a sentence (entities.py).

Only languages whose names decline and which get no recogniser here are listed (``LANGUAGES``); German
has its tagger (propernouns.py) and Turkish marks a name's case after an apostrophe ("Ankara'da",
entities.py), so neither comes here; nor does any language the scorer was trained on.

A dictionary loads at the first article of its language, once per process: 1-4 s and up to ~50 MB
(Polish 3.3 s / 48 MB, Finnish 3.9 s / 45 MB, Russian 1.3 s / 20 MB on the development machine).
"""

from __future__ import annotations

import os
from functools import lru_cache

#: ISO 639-1 → simplemma's language code, for the languages whose names decline and that have no
#: entity recogniser here (Serbian, Croatian and Bosnian share simplemma's ``hbs``).
LANGUAGES = {"pl": "pl", "ru": "ru", "uk": "uk", "cs": "cs", "sk": "sk", "sl": "sl", "hr": "hbs", "sr": "hbs",
             "bs": "hbs", "lt": "lt", "lv": "lv", "et": "et", "fi": "fi", "hu": "hu", "el": "el"}


def supported(lang: str) -> bool:
    return lang in LANGUAGES


def base_form(name: str, lang: str) -> str:
    """``name`` with each word in its dictionary form, for a language in ``LANGUAGES``; unchanged for any
    other. "Nowej Zelandii" → "Nowa Zelandia"; "Piotrem Pawlickim" → "Piotr Pawlicki"; a country's name of
    several words that the dictionary does not bring back whole is its CLDR name (``_country_words``):
    "Stanów Zjednoczonych" → "Stany Zjednoczone", "Wielkiej Brytanii" → "Wielka Brytania"."""
    code = LANGUAGES.get(lang)
    if code is None:
        return name
    words = name.split()
    return (len(words) > 1 and _country_words(tuple(words), lang)) or " ".join(_word(w, code) for w in words)


#: How many letters a case ending may change at the end of a word of a country's name ("Stany" → "Stanów",
#: "Zjednoczone" → "Zjednoczonych", "Новая" → "Новой"), and how many must stay.
_ENDING, _STEM = 3, 3


@lru_cache(maxsize=20_000)
def _country_words(words: tuple[str, ...], lang: str) -> str | None:
    """The CLDR name (Babel) of a country of several words in ``lang`` that ``words`` inflect: each word
    keeps all of its CLDR word but the last ``_ENDING`` letters, and at least ``_STEM`` of them. simplemma
    brings the adjectives of such names back wrongly or not at all ("Zjednoczonych" → zjednoczyć, to unite)."""
    from .gazetteer import fold

    folded = [fold(w) for w in words]
    for name, parts in _multiword_countries(lang):
        if len(parts) == len(folded) and all(_inflects(w, p) for w, p in zip(folded, parts)):
            return name
    return None


def _inflects(word: str, base: str) -> bool:
    """Whether ``word`` may be ``base`` in another case: "stanow" of "stany", "nowej" of "nowa", "sudanu" of
    "sudan"; not "sanna" of "san" (the Finnish prime minister Sanna Marin is not San Marino)."""
    n = len(os.path.commonprefix([word, base]))
    if n == len(base) < len(word) and n < 4:  # a short word only lengthened
        return False
    return n >= max(_STEM, len(base) - _ENDING) and len(word) - n <= _ENDING + 1


@lru_cache(maxsize=None)
def _multiword_countries(lang: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """CLDR's names of several words for the countries and regions in ``lang`` ("Stany Zjednoczone", "Unia
    Europejska"), each with its folded words."""
    from babel import Locale

    from .gazetteer import fold

    names = Locale.parse(lang).territories.values()
    return tuple((n, tuple(fold(w) for w in n.split())) for n in names if " " in n and n.replace(" ", "").isalpha())


@lru_cache(maxsize=100_000)
def common_word(word: str, lang: str) -> bool:
    """Whether a capitalised word is the language's common word written with a capital, as at the start of
    a sentence ("Wcześniej", earlier; "Kanclerz", chancellor; "W", in): its lower-case form is in the
    dictionary and the word as written is not (as "Polska" is, the country). False for a language not in
    ``LANGUAGES``."""
    code = LANGUAGES.get(lang)
    if code is None or word.isupper() and len(word) > 1:
        return False
    d = _dictionary()
    return d.is_dictionary_member(word.lower(), code) and not d.is_dictionary_member(word, code)


@lru_cache(maxsize=200_000)
def _word(word: str, code: str) -> str:
    if not any(c.isalpha() for c in word) or word.isupper():  # an acronym ("PGE") is not declined
        return word
    return _dictionary().exact_lemma(word, code) or word


@lru_cache(maxsize=1)
def _dictionary():
    """simplemma's dictionary lookup alone, as written (case-sensitive): its rules for unknown words
    and its lower-case retry would decline foreign names as the language's own words ("Intelligence"
    → "Intelligenc", "Tony" → "tona": tons). The dictionaries are read as simplemma's compressed streams,
    not unpacked into a dict: 48 MB for Polish instead of 408, ~15-40 µs a lookup, the same answers."""
    from simplemma.strategies import DictionaryLookupStrategy
    from simplemma.strategies.dictionaries import StreamDictionaryFactory

    return DictionaryLookupStrategy(dictionary_factory=StreamDictionaryFactory())
