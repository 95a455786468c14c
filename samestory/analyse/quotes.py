"""Direct quotations and who said them.

Quotes are spans between quotation marks of any common style (“…”, "…", «…», „…“, ‘…’, 「…」) with
at least three words. The speaker is the person (else organisation) named nearest to the quote in the
same sentence, else in the same paragraph, outside any quote; a paragraph that opens with a quote and
names nobody continues the previous speaker.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from ..model import Quote, Sentence
from .entities import Span

_QUOTE = re.compile(r"“([^”“]{3,}?)[”“]|\"([^\"]{3,}?)\"|«\s?([^»]{3,}?)\s?»|„([^“”]{3,}?)[“”]|"
                    r"(?<!\w)‘([^’]{3,}?)’(?!\w)|「([^」]{2,}?)」")
_MIN_WORDS = 3


def find_quotes(paragraphs: list[str], starts: list[int], sentences: list[Sentence], spans: list[Span]) -> list[Quote]:
    sent_starts = [s.start for s in sentences]
    people = [sp for sp in spans if sp.label == "PERSON"]
    orgs = [sp for sp in spans if sp.label == "ORG"]
    out: list[Quote] = []
    last_speaker: tuple[str, str] | None = None
    for para, base in zip(paragraphs, starts):
        found = [(m.start() + base, m.end() + base, next(g for g in m.groups() if g is not None))
                 for m in _QUOTE.finditer(para)]
        quoted = [(a, b) for a, b, _ in found]
        for i, (a, b, text) in enumerate(found):
            text = " ".join(text.split()).strip(" ,")
            if len(text.split()) < _MIN_WORDS and not _is_cjk(text):
                continue
            sent = max(0, bisect_right(sent_starts, a) - 1)
            s = sentences[sent] if sentences else None
            window = (s.start, s.end) if s else (a, b)
            # "…,” X said": a quote that ends on a comma is attributed forward, to the name after it
            after = _nearest(people, a, b, quoted, (b, window[1])) if text_ends_comma(para, a - base, b - base) else None
            speaker = (after or _nearest(people, a, b, quoted, window)
                       or _nearest(people, a, b, quoted, (base, base + len(para)))
                       or _nearest(orgs, a, b, quoted, window))
            if speaker is None and i == 0 and a == base and last_speaker:
                speaker = last_speaker
            if speaker is not None:
                last_speaker = speaker
            out.append(Quote(text=text, sentence=sent, speaker=speaker[0] if speaker else None,
                             speaker_name=speaker[1] if speaker else None))
    return out


def _nearest(spans: list[Span], a: int, b: int, quoted: list[tuple[int, int]], window: tuple[int, int]) -> tuple[str, str] | None:
    best = None
    for sp in spans:
        if sp.start < window[0] or sp.end > window[1] or any(qa <= sp.start < qb for qa, qb in quoted):
            continue
        dist = a - sp.end if sp.end <= a else sp.start - b
        if dist >= 0 and (best is None or dist < best[0]):
            best = (dist, (sp.key, sp.name))
    return best[1] if best else None


def text_ends_comma(para: str, a: int, b: int) -> bool:
    inner = para[a:b].rstrip("”\"»“’」 ")
    return inner.endswith(",") or para[b:b + 1] == ","


def _is_cjk(text: str) -> bool:
    return any("\u3040" <= c <= "\u9fff" for c in text)
