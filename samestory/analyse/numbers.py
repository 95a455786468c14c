"""Numbers stated in the text, with the word that follows them (their unit or noun).

Years (1800–2099 standing alone) are left to dates.py. Thousands separators of both conventions and
"million"/"billion" multipliers are read; percentages keep "%" as their context.
"""

from __future__ import annotations

import re

from ..model import NumberMention, Sentence

_NUM = re.compile(r"(?<![\w.,-])(\d{1,3}(?:[,. ]\d{3})+|\d+)(?:([.,])(\d+))?(?![\w-])\s*(%|percent|per cent|[^\W\d_][\w-]*)?",
                  re.IGNORECASE)
_MULT = {"million": 1e6, "millions": 1e6, "millones": 1e6, "millón": 1e6, "milyon": 1e6, "billion": 1e9,
         "billions": 1e9, "milliard": 1e9, "milliards": 1e9, "mil": 1e3, "thousand": 1e3, "bin": 1e3}
_YEAR = re.compile(r"^(1[89]\d\d|20\d\d)$")


def find_numbers(sentences: list[Sentence]) -> list[NumberMention]:
    out = []
    for s in sentences:
        for m in _NUM.finditer(s.text):
            whole, sep, frac, word = m.group(1), m.group(2), m.group(3), (m.group(4) or "").lower()
            if _YEAR.match(whole) and not frac:
                continue
            digits = re.sub(r"[,. ]", "", whole)
            value = float(digits + ("." + frac if frac and len(frac) != 3 else frac or ""))
            if word in _MULT:
                value *= _MULT[word]
            context = "%" if word in ("percent", "per cent") else word
            out.append(NumberMention(text=m.group(0).strip(), value=value, sentence=s.index, context=context))
    return out
