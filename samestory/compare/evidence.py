"""What each article adds, drops or contradicts: shared and missing entities and places, dates,
matched quotes, and discrepancies (a number, date, age or title that differs for the same thing)."""

from __future__ import annotations

import re
from typing import Any

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from ..analyse.dates import same_day, year_known
from ..analyse.gazetteer import fold
from ..model import AlignedPair, Analysis, Discrepancy, Entity, QuoteMatch, Substitution
from .features import ENTITY_LABELS, quote_pairs


def _names(ents: dict[str, Entity], keys: set[str]) -> list[str]:
    """Names of the entities under ``keys``, most mentioned first."""
    return [ents[k].name for k in sorted(keys, key=lambda k: (-ents[k].count, ents[k].name))]


_SECTIONS = ENTITY_LABELS + ("PLACE",)


def _matches(a: Analysis, b: Analysis) -> dict[str, str]:
    """Each of ``a``'s entities that ``b`` names too → the key of ``b``'s: the same key, else the same
    name (case- and accent-folded) under another label, since the two articles' taggers may label one
    name differently ("Crane Road" a place in one, a person in the other)."""
    kb = {e.key for e in b.entities if e.label in _SECTIONS}
    out = {e.key: e.key for e in a.entities if e.label in _SECTIONS and e.key in kb}
    by_name = {fold(e.name): e.key for e in b.entities if e.label in _SECTIONS and e.key not in out.values()}
    for e in a.entities:
        if e.label in _SECTIONS and e.key not in out and by_name.get(fold(e.name)) not in (None, *out.values()):
            out[e.key] = by_name[fold(e.name)]
    return out


def entity_sets(a: Analysis, b: Analysis, labels: tuple[str, ...]) -> dict[str, list[str]]:
    """The entities of ``labels`` both name (listed under ``a``'s label when the two label one name
    differently), and those only one names."""
    match = _matches(a, b)
    ea = {e.key: e for e in a.entities if e.label in labels}
    eb_all = {e.key: e for e in b.entities}
    eb = {k: e for k, e in eb_all.items() if e.label in labels}
    shared = [k for k in ea if k in match]
    pair = [(ea[k], eb_all[match[k]]) for k in sorted(shared, key=lambda k: (-(ea[k].count + eb_all[match[k]].count), ea[k].name))]
    return {
        "shared": [f"{x.name} / {y.name}" if x.name != y.name else x.name for x, y in pair],
        "only_a": _names(ea, set(ea) - set(shared)),
        "only_b": _names(eb, set(eb) - set(match.values())),
    }


def entities(a: Analysis, b: Analysis) -> dict[str, list[str]]:
    return entity_sets(a, b, ENTITY_LABELS)


def places(a: Analysis, b: Analysis) -> dict[str, list[str]]:
    return entity_sets(a, b, ("PLACE",))


def dates(a: Analysis, b: Analysis) -> dict[str, Any]:
    """Dates both articles mention, and those only one does. A day whose year is unknown (``--06-13``) is
    mentioned by both when the other article gives that day and month in any year, as in the date
    discrepancies below (``same_day``); ``shared`` then lists the value that says its year."""
    va = {d.value: (d.text, d.granularity) for d in a.dates}
    vb = {d.value: (d.text, d.granularity) for d in b.dates}
    agree = [(x, y) for x in va for y in vb
             if x == y or (va[x][1] == vb[y][1] == "day" and same_day(x, y))]
    in_a, in_b = {x for x, _ in agree}, {y for _, y in agree}
    return {
        "published": [a.published, b.published],
        "shared": sorted({x if year_known(x) else y for x, y in agree}),
        "only_a": [{"value": v, "text": va[v][0]} for v in sorted(set(va) - in_a)],
        "only_b": [{"value": v, "text": vb[v][0]} for v in sorted(set(vb) - in_b)],
    }


def quotes(a: Analysis, b: Analysis) -> list[QuoteMatch]:
    out = []
    for i, j, s in quote_pairs(a, b):
        qa, qb = a.quotes[i], b.quotes[j]
        out.append(QuoteMatch(qa.text, qb.text, qa.speaker_name or qb.speaker_name, round(s, 4)))
    return out


def _head(title: str) -> str:
    return title.split()[-1]


def discrepancies(a: Analysis, b: Analysis, aligned: list[AlignedPair]) -> list[Discrepancy]:
    out: list[Discrepancy] = []
    eb = {e.key: e for e in b.entities}
    for ea in a.entities:
        other = eb.get(ea.key)
        if other is None or ea.label != "PERSON":
            continue
        if ea.ages and other.ages and not set(ea.ages) & set(other.ages):
            out.append(Discrepancy("age", ea.name, ", ".join(map(str, ea.ages)), ", ".join(map(str, other.ages)),
                                   f"{ea.name} is {ea.ages[0]} in the first article, {other.ages[0]} in the second"))
        heads_a, heads_b = {_head(t) for t in ea.titles}, {_head(t) for t in other.titles}
        if heads_a and heads_b:
            for t in other.titles:
                if _head(t) not in heads_a:
                    out.append(Discrepancy("title", ea.name, "; ".join(ea.titles), t,
                                           f"the second article calls {ea.name} “{t}”, the first “{'; '.join(ea.titles)}”"))
            for t in ea.titles:
                if _head(t) not in heads_b:
                    out.append(Discrepancy("title", ea.name, t, "; ".join(other.titles),
                                           f"the first article calls {ea.name} “{t}”, the second “{'; '.join(other.titles)}”"))
    nums_a, nums_b = _by_sentence(a.numbers), _by_sentence(b.numbers)
    dates_a, dates_b = _by_sentence(a.dates), _by_sentence(b.dates)
    for p in aligned:
        for na in nums_a.get(p.a, []):
            same_unit = [nb for nb in nums_b.get(p.b, []) if nb.context == na.context]
            if same_unit and all(nb.value != na.value for nb in same_unit) and \
                    all(x.value != na.value for x in nums_b.get(p.b, [])):
                out.append(Discrepancy("number", na.context or "number", na.text, same_unit[0].text,
                                       f"“{p.a_text}” ↔ “{p.b_text}”"))
        ma = [d for d in dates_a.get(p.a, []) if d.granularity == "day"]
        mb = [d for d in dates_b.get(p.b, []) if d.granularity == "day"]
        da, db = {d.value for d in ma}, {d.value for d in mb}
        if da and db and not any(same_day(x, y) for x in da for y in db) and not _same_words(ma, mb):
            out.append(Discrepancy("date", "event date", ", ".join(sorted(da)), ", ".join(sorted(db)),
                                   f"“{p.a_text}” ↔ “{p.b_text}”"))
    return out


def _same_words(ma: list[Any], mb: list[Any]) -> bool:
    """Whether two sentences name their days in the same relative words ("on Friday" in both): their
    values differ only because the two articles were published on different days (a reprint a day
    later), which the dates' "published" line shows; the texts do not disagree."""
    words = [{d.text.lower() for d in m} for m in (ma, mb)]
    return all(d.relative for d in ma + mb) and words[0] == words[1]


def _by_sentence(items: list[Any]) -> dict[int, list[Any]]:
    out: dict[int, list[Any]] = {}
    for x in items:
        out.setdefault(x.sentence, []).append(x)
    return out


#: Substitutions are read from aligned pairs whose wording overlaps at least this much (below it the
#: sentence was rewritten, not edited word for word) and differs at all.
SUBSTITUTION_MIN_LEXICAL = 0.3
#: A replaced span longer than this (in words, either side) is a rewritten clause, not a substitution.
SUBSTITUTION_MAX_WORDS = 4
_WORD = re.compile(r"\w+(?:[’'-]\w+)*")


def _word_ops(p: AlignedPair) -> tuple[list[re.Match], list[re.Match], list[Any]]:
    """The two sentences' words and the edit opcodes between them (rapidfuzz Levenshtein, case-insensitive)."""
    wa, wb = list(_WORD.finditer(p.a_text)), list(_WORD.finditer(p.b_text))
    return wa, wb, list(Levenshtein.opcodes([w[0].lower() for w in wa], [w[0].lower() for w in wb]))


def substitutions(aligned: list[AlignedPair], same_language: bool, limit: int = 100) -> list[Substitution]:
    """Word-level replacements between aligned sentences of the same language, in the first article's
    order: "seek" → "strive", "vocal proponent" → "strong advocate". Edit opcodes over word tokens
    (rapidfuzz's Levenshtein), compared case-insensitively; insertions and deletions are not listed."""
    if not same_language:
        return []
    out: list[Substitution] = []
    for p in sorted(aligned, key=lambda p: p.a):
        if not SUBSTITUTION_MIN_LEXICAL <= p.lexical < 1.0:
            continue
        wa, wb, ops = _word_ops(p)
        for i, op in enumerate(ops):
            # a substitution sits between unchanged words (or a sentence edge) on both sides;
            # a replacement chained to other edits is part of a rewritten clause
            if op.tag != "replace" or (i > 0 and ops[i - 1].tag != "equal") or (i + 1 < len(ops) and ops[i + 1].tag != "equal"):
                continue
            xa, xb = wa[op.src_start:op.src_end], wb[op.dest_start:op.dest_end]
            if len(xa) <= SUBSTITUTION_MAX_WORDS and len(xb) <= SUBSTITUTION_MAX_WORDS:  # the words as written, with what lies between them
                out.append(Substitution(p.a, p.b, p.a_text[xa[0].start():xa[-1].end()], p.b_text[xb[0].start():xb[-1].end()]))
                if len(out) >= limit:
                    return out
    return out


#: Replaced words this alike (rapidfuzz ratio, 0–100) are a respelling or a typo fixed, not another word:
#: "color" → "colour", "tbe" → "the", "U.S." → "US".
RESPELLING = 75
#: Replaced by a token this alike that is not a word of the language: OCR noise ("tbe", "iu"); a rare
#: synonym is not alike ("proponent" → "advocate": 24).
GARBLED = 50


def word_change(aligned: list[AlignedPair], lang: str | None = None) -> float:
    """The share of the words of aligned, word-for-word-edited sentences (wording overlap ≥
    ``SUBSTITUTION_MIN_LEXICAL``) that were replaced by other words; respellings do not count, nor do words
    only added or dropped, nor (when wordfreq has a word list for ``lang``) a word replaced by a look-alike
    token that is not a word of the language: OCR noise ("tbe", "iu"), not a synonym. A reprint or a light edit
    changes almost none; a synonym spin changes many."""
    from ..analyse.terms import is_word

    changed = total = 0
    for p in aligned:
        if p.lexical < SUBSTITUTION_MIN_LEXICAL:
            continue
        wa, wb, ops = _word_ops(p)
        total += max(len(wa), len(wb))
        for op in ops:
            if op.tag != "replace":
                continue
            xa = [w[0].lower() for w in wa[op.src_start:op.src_end]]
            xb = [w[0].lower() for w in wb[op.dest_start:op.dest_end]]
            alike = fuzz.ratio(" ".join(xa), " ".join(xb))
            if alike >= RESPELLING or (alike >= GARBLED and lang and not all(is_word(w, lang) for w in xa + xb)):
                continue
            changed += max(len(xa), len(xb))
    return changed / total if total else 0.0
