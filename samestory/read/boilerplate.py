"""Boilerplate removal for text and Markdown input, by a general paragraph classifier.

Paragraphs are classified by jusText (Pomikálek 2011): length, stop-word density, link density and the
class of neighbouring paragraphs. That catches photo credits, "Related article:" link lines, share or
subscribe prompts, comment-form leftovers and URL lines without any list of phrases. One adjustment for
text input, where most paragraphs are already article prose: a paragraph that reads as a complete sentence
(≥ 8 words, ends with sentence punctuation, not dominated by links) is kept even when jusText would call it
bad on stop-word density alone (short quoted sentences score low there). Another: a first paragraph of
five words or more ending with a full stop, above content, is a one-sentence lead and kept (``_keep_lead``).

HTML pages do not come here: trafilatura removes their boilerplate (see html.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

# ISO 639-1 → jusText stop-list name, for the languages samestory meets most. Others run jusText in its
# language-independent mode (no stop words; length and link density only).
_STOPLISTS = {
    "en": "English", "fr": "French", "es": "Spanish", "de": "German", "it": "Italian", "pt": "Portuguese",
    "nl": "Dutch", "pl": "Polish", "tr": "Turkish", "ar": "Arabic", "ru": "Russian", "uk": "Ukrainian",
    "sv": "Swedish", "da": "Danish", "no": "Norwegian_Bokmal", "fi": "Finnish", "cs": "Czech",
    "sk": "Slovak", "hu": "Hungarian", "ro": "Romanian", "el": "Greek", "bg": "Bulgarian",
    "hr": "Croatian", "sr": "Serbian", "sl": "Slovenian", "ca": "Catalan", "id": "Indonesian",
}

_CLOSERS = r"[\"'”’»)\]]*$"  # quotes and brackets that may close a sentence
_PROSE_END = re.compile(r"[.!?…]" + _CLOSERS)
_MIN_PROSE_WORDS = 8
_MIN_LEAD_WORDS = 5
_LEAD_END = re.compile(r"\." + _CLOSERS)
_MAX_PROSE_LINK_DENSITY = 0.5


@dataclass
class Paragraph:
    text: str
    boilerplate: bool
    reason: str


@lru_cache(maxsize=64)
def _stoplist(language: str | None) -> frozenset[str]:
    import justext

    name = _STOPLISTS.get(language or "")
    return frozenset(justext.get_stoplist(name)) if name else frozenset()


def classify_html(html: str, language: str | None) -> list[Paragraph]:
    """Classify the block-level paragraphs of an HTML fragment as content or boilerplate."""
    stoplist = _stoplist(language)
    kwargs = {} if stoplist else {"stopwords_low": 0.0, "stopwords_high": 0.0}
    out: list[Paragraph] = []
    for p in _justext(html.encode("utf-8"), stoplist, **kwargs):
        text = " ".join(p.text.split())
        if not text:
            continue
        bad = p.class_type == "bad"
        reason = p.cf_class
        if bad and _is_prose(text) and p.links_density() <= _MAX_PROSE_LINK_DENSITY:
            bad, reason = False, "prose sentence"
        out.append(Paragraph(text, bad, reason))
    return _join_broken(_keep_lead(out))


def _justext(html: bytes, stoplist: frozenset[str], **kwargs: float) -> list:
    """``justext.justext`` step by step, with each paragraph's text made once.

    jusText's ``Paragraph.text`` joins the paragraph's text nodes and normalises their whitespace (a
    Python call per space) on every read, and its classifier reads it about ten times a paragraph: that
    was two thirds of reading a plain-text article. The text nodes do not change once the paragraphs
    are made, so the text is kept on first read (``_Paragraph``); the classification is the same."""
    from justext.core import (ParagraphMaker, classify_paragraphs, html_to_dom, preprocessor,
                              revise_paragraph_classification)

    paragraphs = ParagraphMaker.make_paragraphs(preprocessor(html_to_dom(html, encoding="utf-8")))
    for p in paragraphs:
        p.__class__ = _paragraph_class()
    classify_paragraphs(paragraphs, stoplist, **kwargs)
    revise_paragraph_classification(paragraphs)
    return paragraphs


@lru_cache(maxsize=1)
def _paragraph_class() -> type:
    from functools import cached_property

    from justext.paragraph import Paragraph as JustextParagraph

    class _Paragraph(JustextParagraph):
        text = cached_property(JustextParagraph.text.fget)

    return _Paragraph


def _keep_lead(paragraphs: list[Paragraph]) -> list[Paragraph]:
    """A one-sentence lead ("Dockers at Varnholm walked out on Monday.") is kept: a first paragraph of at
    least _MIN_LEAD_WORDS words, not in capitals, that ends with a full stop, above a content paragraph.
    jusText calls it short, and with nothing before it no neighbour makes it content, so it was dropped.
    A question or an exclamation there is more often a teaser, a repeated headline or a prompt ("We
    noticed you're blocking ads!"), and stays out."""
    if len(paragraphs) > 1 and paragraphs[0].boilerplate and not paragraphs[1].boilerplate:
        first = paragraphs[0]
        if (len(first.text.split()) >= _MIN_LEAD_WORDS and _LEAD_END.search(first.text) and first.reason == "short"
                and not first.text.isupper()):
            first.boilerplate, first.reason = False, "lead sentence"
    return paragraphs


def _is_prose(text: str) -> bool:
    return len(text.split()) >= _MIN_PROSE_WORDS and bool(_PROSE_END.search(text))


def _join_broken(paragraphs: list[Paragraph]) -> list[Paragraph]:
    """Join a content paragraph that starts in lower case to the paragraph just before it when that one
    ends mid-sentence (a sentence broken by a stray blank line, as scrapes often have). The joined
    paragraph is content, whatever its first half was classed as on its own."""
    out: list[Paragraph] = []
    for p in paragraphs:
        prev = out[-1] if out else None
        if (not p.boilerplate and prev is not None and p.text[:1].islower()
                and not _PROSE_END.search(prev.text) and not prev.text.endswith(":")):
            prev.text, prev.boilerplate, prev.reason = f"{prev.text} {p.text}", False, "joined"
            continue
        out.append(p)
    return out
