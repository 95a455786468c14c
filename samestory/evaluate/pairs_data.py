"""Labelled pairs in the format of ``shared/data/semeval2022_task8``: pairs JSONL (id1, id2, lang1, lang2
and the seven dimension labels) and article JSONL files read through samestory's own JSON reader."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError
from ..model import DIMENSIONS, Article
from ..read import iter_articles
from . import read_labelled

log = logging.getLogger(__name__)


@dataclass
class LabelledPair:
    id1: str
    id2: str
    lang: str  # "en-en", "de-en", …
    labels: dict[str, float]


def load_pairs(path: str | Path) -> list[LabelledPair]:
    def parse(r: dict) -> LabelledPair:
        labels = {d: float(r[d]) for d in DIMENSIONS if r.get(d) is not None}
        return LabelledPair(str(r["id1"]), str(r["id2"]), f"{r.get('lang1', '?')}-{r.get('lang2', '?')}", labels)

    return read_labelled(path, parse, "not a labelled pair")


def load_articles(paths: list[str | Path]) -> dict[str, Article]:
    """Articles by id; a later file does not replace an article already found."""
    arts: dict[str, Article] = {}
    skipped: list[InputError] = []
    for art in iter_articles([str(p) for p in paths], on_error=skipped.append):
        arts.setdefault(art.id, art)
    if skipped:
        log.info("%d articles skipped while reading (first: %s)", len(skipped), skipped[0])
    return arts
