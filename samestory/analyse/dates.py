"""Dates mentioned in an article, resolved against its publication date.

Candidates are found with patterns built from dateparser's own locale data (month and weekday names,
relative words such as "yesterday" or "last week", in every language dateparser knows) plus numeric
forms and four-digit years; each candidate is then resolved by dateparser with the publication date as
the reference, preferring the past (news reports what happened): "Sunday" in an article of Tuesday
10 Nov 2020 is 2020-11-08. A weekday that is the reference day's own is that day ("on Tuesday" in an
article of Tuesday 10 Nov 2020 is 2020-11-10; dateparser would go back a week), unless a word next to
it says the week before ("last Tuesday", "el martes pasado", "mardi dernier"). A weekday to come is
the one after the reference: "next Tuesday", "el próximo martes", or a future tense in the few words
of its clause before it ("will testify on Friday", "revisará la estructura el jueves", "reprendra
jeudi"); a present tense ("the trial continues on Thursday") stays in the past, as dateparser has it.

A mention that does not say its year ("Sunday", "last week", "June 13") needs a reference date. Without
a publication date, the reference is the latest full date the text itself states ("Posted 11/27/2005",
"on March 3, 2009"): the article was written on or after it, most often the same week. In a text that
states no full date, a day and month keep their year unknown, written the ISO 8601 way for a date
without a year ("June 13" → ``--06-13``): resolved against today, a report of 2008 would read as this
year's June. A weekday or "last week" cannot be placed at all there and is dropped.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import re
from functools import lru_cache

from ..language import DATE_LANGUAGES
from ..model import DateMention, Sentence

_YEAR = r"(?:1[89]\d\d|20\d\d)"
#: Resolves a day and month whose year is unknown (a leap year, so that 29 February is a date).
_ANY_YEAR = dt.date(2000, 12, 31)
#: How a day whose year is unknown begins its value: ISO 8601's ``--MM-DD``.
YEAR_UNKNOWN = "--"
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



def year_known(value: str) -> bool:
    """Whether a DateMention value has its year (not ``--MM-DD``)."""
    return not value.startswith(YEAR_UNKNOWN)


def same_day(x: str, y: str) -> bool:
    """Whether two day values may be the same day: equal, or the same day and month when one of them
    has no year."""
    return x == y or ((not year_known(x) or not year_known(y)) and x[-5:] == y[-5:])


#: Words next to a weekday that put it in the week before ("last Tuesday", "el martes pasado", "mardi
#: dernier", "geçen salı", "الثلاثاء الماضي"), lower-cased.
_WEEK_BEFORE = frozenset({"last", "past", "previous", "pasado", "pasada", "anterior", "dernier", "passé",
                          "précédent", "geçen", "geçtiğimiz", "letzten", "vergangenen", "scorso", "passado",
                          "ultimo", "último", "الماضي", "الماضية", "zeszły", "ostatni"})


def _next_to(before: str, after: str) -> list[str]:
    """The word just before and the word just after a mention, lower-cased (those there are)."""
    return [w.lower() for w in re.findall(r"\w+", before)[-1:] + re.findall(r"\w+", after)[:1]]


def _week_before(before: str, after: str) -> bool:
    """Whether the word just before or just after a weekday says the week before."""
    return any(w in _WEEK_BEFORE for w in _next_to(before, after))


#: Words next to a weekday that put it in the week after ("next Tuesday", "el próximo martes", "mardi
#: prochain"), lower-cased.
_WEEK_AFTER = frozenset({"next", "coming", "próximo", "próxima", "proximo", "proxima", "prochain", "prochaine",
                         "gelecek", "önümüzdeki", "nächsten", "kommenden", "prossimo", "prossima", "القادم",
                         "المقبل", "przyszły", "następny"})
#: A future tense in the words just before a weekday: "will inspect it on Thursday", "revisará la
#: estructura el jueves", "reprendra jeudi", "perşembe günü toplanacak" comes after it (Turkish is verb-final,
#: so only the words before are read there too: a future there is missed, not invented).
_FUTURE = {
    "en": re.compile(r"\b(?:will|shall)\b|\w['’]ll\b", re.I),
    "es": re.compile(r"\b\w{2,}(?:rá|rán|remos)\b", re.I),
    "fr": re.compile(r"\b\w*(?:era|ira|ura|dra|rra|vra|eront|iront|ront)\b", re.I),
    "tr": re.compile(r"\b\w+(?:acak|ecek|acağ|eceğ)\w*", re.I),
}
#: where the clause that holds a weekday starts: punctuation, or a relative word ("the crash that
#: happened on Tuesday" is not future because "will" comes before "that")
_CLAUSE = re.compile(r"[,;:—–()\"“”«»]|\b(?:that|which|who|when|where|que|qui|quien|cuando|quand|donde|où)\b", re.I)
#: words before a weekday read for a future tense
_FUTURE_WINDOW = 6


def _week_after(before: str, after: str, lang: str) -> tuple[bool, bool]:
    """(whether the weekday is a coming one, whether a word next to it says the week after): "next
    Tuesday", or a future tense in its clause within the few words before it."""
    if any(w in _WEEK_AFTER for w in _next_to(before, after)):
        return True, True
    future = _FUTURE.get(lang)
    if future is None:
        return False, False
    clause = _CLAUSE.split(before)[-1]
    return bool(future.search(" ".join(clause.split()[-_FUTURE_WINDOW:]))), False


def _states_year(text: str) -> bool:
    """Whether a date mention says its year: a four-digit year, or a numeric date ("12/16/08")."""
    return bool(re.search(_YEAR, text) or re.fullmatch(r"\d{1,2}[/.]\d{1,2}[/.]\d{2}", text))


def find_dates(sentences: list[Sentence], lang: str, published: dt.date | None) -> list[DateMention]:
    """The dates the sentences mention, in reading order, resolved against ``published`` (else against
    the latest full date the text states; see the module docstring)."""
    pat = _pattern(lang)
    days = {d.lower() for d in _locale_words(lang)[1]}
    found, bare_day = [], set()  # bare_day: the mentions that are a weekday alone, nothing said of its week
    coming: dict[int, bool] = {}  # weekdays to come → whether "next" says so (then never the reference day)
    for s in sentences:
        for m in pat.finditer(s.text):
            text = m.group(0).strip(" ,.")
            if text.lower() in days:
                before, after = s.text[:m.start()], s.text[m.end():]
                ahead, said = _week_after(before, after, lang)
                if ahead:
                    coming[len(found)] = said
                elif not _week_before(before, after):
                    bare_day.add(len(found))
            found.append((s.index, text, _states_year(text)))
    resolved: dict[int, tuple[str, str]] = {}
    for i, (_, text, states) in enumerate(found):  # mentions that say their year need no reference
        if re.fullmatch(_YEAR, text):
            resolved[i] = (text, "year")
        elif states:
            got = _resolve(text, lang, published)
            if got is not None:
                resolved[i] = got
    reference = published
    if reference is None:
        stated = [v for v, g in resolved.values() if g == "day"]
        reference = dt.date.fromisoformat(max(stated)) if stated else None
    out: list[DateMention] = []
    for i, (sentence, text, states) in enumerate(found):
        got = resolved.get(i)
        if got is None and not states:
            if reference is not None:
                got = _resolve(text, lang, reference)
                if got is not None and i in bare_day and got[0] == (reference - dt.timedelta(days=7)).isoformat():
                    got = (reference.isoformat(), "day")  # the reference day's own weekday: that day
                elif got is not None and i in coming and got[1] == "day":
                    day = dt.date.fromisoformat(got[0])  # dateparser's, in the week before: the one to come
                    while day < reference:
                        day += dt.timedelta(days=7)
                    if day == reference and coming[i]:  # "next Tuesday" on a Tuesday; "will meet on Tuesday": that day
                        day += dt.timedelta(days=7)
                    got = (day.isoformat(), "day")
            elif re.search(r"\d", text):  # a day and month, year unknown
                got = _resolve(text, lang, _ANY_YEAR)
                got = (YEAR_UNKNOWN + got[0][5:], "day") if got and got[1] == "day" else None
        if got is None:
            continue
        value, gran = got
        out.append(DateMention(text=text, sentence=sentence, value=value, granularity=gran,
                               relative=not re.search(r"\d", text)))
    return out
