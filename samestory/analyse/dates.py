"""Dates mentioned in an article, resolved against its publication date.

Candidates are found with patterns built from dateparser's own locale data (month and weekday names,
relative words such as "yesterday" or "last week", in every language dateparser knows) plus numeric
forms and four-digit years; each candidate is then resolved by dateparser with the publication date as
the reference, preferring the past (news reports what happened): "Sunday" in an article of Tuesday
10 Nov 2020 is 2020-11-08. Relative mentions are dropped when the publication date is unknown.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import re
from functools import lru_cache

from ..language import DATE_LANGUAGES
from ..model import DateMention, Sentence

_YEAR = r"(?:1[89]\d\d|20\d\d)"
_DAYNUM = r"\d{1,2}(?:st|nd|rd|th|º|er)?\.?"
_LINK = r"(?:\s+(?:de|del|of)\s+|,?\s+)"


@lru_cache(maxsize=64)
def _locale_words(lang: str) -> tuple[list[str], list[str], list[str]]:
    """(month names, weekday names, relative day/week phrases) for ``lang``; empty when unknown."""
    try:
        from dateparser.languages import default_loader

        info = default_loader.get_locale(lang).info
    except Exception:  # dateparser does not know this language: numeric forms and years only
        return [], [], []
    months = ["january", "february", "march", "april", "may", "june", "july", "august", "september",
              "october", "november", "december"]
    days = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
    month_names = [w for m in months for w in info.get(m, []) if len(w) >= 3]
    # weekdays: the longest form only ("sunday", not "sun" or "su"), which avoids ordinary words
    day_names = [max(info.get(d, [""]), key=len) for d in days if info.get(d)]
    rel = [w for k, ws in info.get("relative-type", {}).items() if re.search(r"\b(day|week)\b", k)
           for w in ws if len(w) >= 4]
    return month_names, day_names, rel


@lru_cache(maxsize=None)
def calendar_words(lang: str) -> frozenset[str]:
    """The month and weekday names of ``lang``, lower-cased (empty when dateparser does not know it)."""
    months, days, _ = _locale_words(lang)
    return frozenset(w.lower() for w in months + days)


def _alt(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True)) or r"(?!x)x"


@lru_cache(maxsize=64)
def _pattern(lang: str) -> re.Pattern[str]:
    months, days, rel = _locale_words(lang)
    m, w = f"(?:{_alt(months)})", f"(?:{_alt(days)})"
    forms = [
        r"\d{4}-\d{2}-\d{2}",
        r"\d{1,2}[/.]\d{1,2}[/.](?:\d{4}|\d{2})",
        rf"(?:{w},?\s+)?{_DAYNUM}{_LINK}{m}\.?(?:{_LINK}{_YEAR})?",
        rf"(?:{w},?\s+)?{m}\.?\s+{_DAYNUM}(?!\d)(?:,?\s+{_YEAR})?",
        rf"{m}\.?{_LINK}{_YEAR}",
        rf"(?:{_alt(rel)})",
        rf"{w}",
        rf"{_YEAR}(?!\s*(?:%|percent|per cent))",
    ]
    return re.compile(r"(?<![\w-])(?:" + "|".join(f"(?:{f})" for f in forms) + r")(?![\w-])", re.IGNORECASE)


def parse_published(value: str | None) -> dt.date | None:
    """An article's publication date as a date, from ISO or any form dateparser reads."""
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        pass
    try:
        return email.utils.parsedate_to_datetime(value).date()  # RSS: "Tue, 10 Nov 2020 09:30:00 GMT"
    except (TypeError, ValueError, IndexError):
        pass
    import dateparser

    try:
        d = dateparser.parse(value, languages=list(DATE_LANGUAGES))
    except Exception:  # an unreadable date is treated as absent, not as an error
        return None
    return d.date() if d else None


@lru_cache(maxsize=4096)
def _resolve(text: str, lang: str, base: dt.date | None) -> tuple[str, str] | None:
    from dateparser.date import DateDataParser

    settings = {"PREFER_DATES_FROM": "past", "RETURN_AS_TIMEZONE_AWARE": False,
                "PREFER_DAY_OF_MONTH": "first"}
    if base is not None:
        settings["RELATIVE_BASE"] = dt.datetime(base.year, base.month, base.day, 12)
    langs = [lang] if _locale_words(lang)[0] else None
    try:
        data = DateDataParser(languages=langs, settings=settings).get_date_data(text)
    except Exception:  # dateparser fails on some odd strings; the candidate is simply not a date
        return None
    if data.date_obj is None:
        return None
    d, period = data.date_obj.date(), data.period or "day"
    if period == "year":
        return f"{d.year:04d}", "year"
    if period == "month":
        return f"{d.year:04d}-{d.month:02d}", "month"
    return d.isoformat(), "day"



def find_dates(sentences: list[Sentence], lang: str, published: dt.date | None) -> list[DateMention]:
    pat = _pattern(lang)
    out: list[DateMention] = []
    for s in sentences:
        for m in pat.finditer(s.text):
            text = m.group(0).strip(" ,.")
            relative = not re.search(r"\d", text)
            if relative and published is None:
                continue
            if re.fullmatch(_YEAR, text):
                value, gran = text, "year"
            else:
                got = _resolve(text, lang, published)
                if got is None:
                    continue
                value, gran = got
            out.append(DateMention(text=text, sentence=s.index, value=value, granularity=gran, relative=relative))
    return out
