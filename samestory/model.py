"""Plain result objects: Article, Analysis, Comparison. Each has ``as_dict()`` (JSON-ready).

Scores (the one place they are defined):

* ``overall`` and the six dimensions are on the SemEval-2022 Task 8 scale, as in its labelled data:
  1 = very similar, 2 = somewhat similar, 3 = somewhat dissimilar, 4 = very dissimilar.
* ``similarity`` is in [0, 1], 1 = the same story. It is derived from ``overall`` only:
  ``similarity = (4 - overall) / 3``.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from enum import Enum
from typing import Any

import numpy as np

DIMENSIONS = ("geography", "entities", "time", "narrative", "overall", "style", "tone")


def similarity_from_overall(overall: float) -> float:
    """Map SemEval ``overall`` (1 = very similar … 4 = very dissimilar) to ``similarity`` in [0, 1]."""
    return float(min(1.0, max(0.0, (4.0 - overall) / 3.0)))


class Relation(str, Enum):
    """How two articles relate. Ordered from closest to farthest."""

    DUPLICATE = "duplicate"  # the same text: reprint, syndication, light edits, truncation
    REWRITE = "rewrite"  # the same text reworded: spin, paraphrase, reordering, translation
    SAME_STORY = "same_story"  # independent coverage of the same event
    RELATED = "related"  # same actors or topic, a different event
    UNRELATED = "unrelated"

    @classmethod
    def parse(cls, value: str) -> "Relation":
        try:
            return cls(value)
        except ValueError:
            allowed = ", ".join(r.value for r in cls)
            raise ValueError(f"unknown relation {value!r}; allowed: {allowed}") from None


def content_hash(text: str) -> str:
    """Stable id of an article's text (whitespace-normalised), 16 hex digits."""
    norm = " ".join(text.split())
    return hashlib.blake2b(norm.encode("utf-8"), digest_size=8).hexdigest()


@dataclass
class Article:
    """One article as read: main text plus whatever metadata the input carried."""

    text: str
    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    published: str | None = None  # ISO date or datetime, as found in the input
    language: str | None = None  # declared by the input (e.g. meta_lang); detection happens in analyse
    source: str = "<text>"  # where it came from: a path, '<stdin>', 'file.jsonl:3'
    id: str = ""  # given by the input, else the content hash
    removed: list[str] = field(default_factory=list)  # boilerplate lines dropped while reading

    def __post_init__(self) -> None:
        if not self.id:
            self.id = content_hash((self.title or "") + "\n" + self.text)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Sentence:
    index: int
    text: str
    start: int  # character offsets in Analysis.text (title excluded)
    end: int


@dataclass
class Entity:
    """An entity with its name variants merged (Mikhail/Michael Gorbachev, TASS/Tass)."""

    name: str  # the most frequent full form
    label: str  # PERSON, ORG, PLACE, GROUP, MISC
    key: str  # the merge key, comparable across articles
    variants: list[str]
    count: int
    sentences: list[int]
    titles: list[str] = field(default_factory=list)  # role words seen with a person ("last Soviet leader")
    ages: list[int] = field(default_factory=list)
    country: str | None = None  # ISO 3166 alpha-2 for places found in the gazetteer


@dataclass
class DateMention:
    text: str
    sentence: int
    value: str  # resolved ISO date (YYYY-MM-DD, YYYY-MM or YYYY per granularity; --MM-DD: a day, year unknown)
    granularity: str  # day, month, year
    relative: bool  # resolved against a reference date: the publication date, else the text's own ("Sunday", "last week")


@dataclass
class Quote:
    text: str
    sentence: int
    speaker: str | None  # entity key of the speaker when found
    speaker_name: str | None


@dataclass
class NumberMention:
    text: str
    value: float
    sentence: int
    context: str  # the word after the number (unit or noun), lowercased


@dataclass
class Analysis:
    """What analyse() learned about one article. Vectors are unit-length float32 rows."""

    article: Article
    language: str
    language_score: float
    sentences: list[Sentence]
    entities: list[Entity]
    dates: list[DateMention]
    quotes: list[Quote]
    numbers: list[NumberMention]
    published: str | None  # ISO date used as the reference for relative dates
    sentence_vectors: np.ndarray
    title_vector: np.ndarray | None
    quote_vectors: np.ndarray  # one row per quote
    shingles: np.ndarray  # sorted unique uint64 hashes of word 3-grams
    minhash: np.ndarray  # uint64 MinHash signature of the shingles
    versions: dict[str, str]
    terms: dict[str, float] = field(default_factory=dict)  # distinctive words → weight (analyse/terms.py)
    #: multilingual-e5 vectors of the article's opening (row 0) and of its windows (the rows after), made
    #: when the article is first judged in a pair (analyse/passages.py); kept in their own table, not in as_dict()
    passage_vectors: np.ndarray | None = None

    @property
    def id(self) -> str:
        return self.article.id

    def doc_vector(self, upto: int | None = None) -> np.ndarray:
        """Unit mean of the (first ``upto``) sentence vectors; the title's when there are no sentences."""
        v = self.sentence_vectors[:upto] if upto else self.sentence_vectors
        m = v.mean(axis=0) if len(v) else (self.title_vector if self.title_vector is not None else np.zeros(VECTOR_DIM))
        n = float(np.linalg.norm(m))
        return (m / n if n > 0 else m).astype(np.float32)

    def as_dict(self, vectors: bool = False) -> dict[str, Any]:
        d: dict[str, Any] = {
            "article": self.article.as_dict(),
            "language": self.language,
            "language_score": self.language_score,
            "published": self.published,
            "sentences": [asdict(s) for s in self.sentences],
            "entities": [asdict(e) for e in self.entities],
            "dates": [asdict(x) for x in self.dates],
            "quotes": [asdict(q) for q in self.quotes],
            "numbers": [asdict(n) for n in self.numbers],
            "terms": dict(self.terms),
            "versions": dict(self.versions),
        }
        if vectors:
            d["sentence_vectors"] = self.sentence_vectors.tolist()
            d["title_vector"] = None if self.title_vector is None else self.title_vector.tolist()
            d["quote_vectors"] = self.quote_vectors.tolist()
            d["shingles"] = [int(x) for x in self.shingles]
            d["minhash"] = [int(x) for x in self.minhash]
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Analysis":
        """Inverse of ``as_dict(vectors=True)`` (vector fields may also be numpy arrays)."""
        return cls(
            article=Article(**d["article"]),
            language=d["language"],
            language_score=d["language_score"],
            published=d["published"],
            sentences=[Sentence(**s) for s in d["sentences"]],
            entities=[Entity(**e) for e in d["entities"]],
            dates=[DateMention(**x) for x in d["dates"]],
            quotes=[Quote(**q) for q in d["quotes"]],
            numbers=[NumberMention(**n) for n in d["numbers"]],
            sentence_vectors=_rows(d["sentence_vectors"], len(d["sentences"])),
            title_vector=None if d["title_vector"] is None else np.asarray(d["title_vector"], dtype=np.float32),
            quote_vectors=_rows(d["quote_vectors"], len(d["quotes"])),
            shingles=np.asarray(d["shingles"], dtype=np.uint64),
            minhash=np.asarray(d["minhash"], dtype=np.uint64),
            versions=d["versions"],
            terms=d.get("terms", {}),
        )


#: Width of the sentence vectors (USE multilingual); used only to shape empty arrays.
VECTOR_DIM = 512


def _rows(values: Any, n: int) -> np.ndarray:
    arr = np.asarray(values, dtype=np.float32)
    return arr.reshape(n, -1) if n else np.zeros((0, VECTOR_DIM), dtype=np.float32)


@dataclass
class AlignedPair:
    a: int  # sentence index in the first article
    b: int  # sentence index in the second
    a_text: str
    b_text: str
    similarity: float  # cosine of the sentence embeddings
    lexical: float  # 0..1 character-level overlap (1 = same wording)


@dataclass
class QuoteMatch:
    a: str
    b: str
    speaker: str | None
    similarity: float


@dataclass
class Discrepancy:
    kind: str  # number, date, age, title
    subject: str  # the entity or the aligned sentence pair it concerns
    a: str
    b: str
    evidence: str


@dataclass
class Substitution:
    """Words of one aligned sentence replaced by others in its counterpart: the trace of a spin or an edit."""

    a_sentence: int
    b_sentence: int
    a: str
    b: str


@dataclass
class Comparison:
    """The judgement on a pair of articles, with its evidence."""

    a: str  # article ids
    b: str
    scores: dict[str, float]  # the seven SemEval dimensions, 1 = very similar … 4 = very dissimilar
    similarity: float  # derived from scores["overall"], see similarity_from_overall
    same_story_probability: float  # P(same event), the same-story model (compare/scorer.py)
    relation: Relation
    relation_reason: str
    aligned: list[AlignedPair]
    coverage: dict[str, float]  # share of each article's sentences aligned to the other
    quotes: list[QuoteMatch]
    entities: dict[str, list[str]]  # shared, only_a, only_b
    places: dict[str, list[str]]
    dates: dict[str, Any]  # published dates and the event dates each mentions
    discrepancies: list[Discrepancy]
    features: dict[str, float]
    versions: dict[str, str]
    languages: tuple[str, str]
    substitutions: list[Substitution] = field(default_factory=list)  # same-language reworded sentence pairs

    @property
    def overall(self) -> float:
        return self.scores["overall"]

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["relation"] = self.relation.value
        d["overall"] = self.overall
        d["languages"] = list(self.languages)
        return d


@dataclass
class CopyEdge:
    """``copy`` was made from ``source`` (a duplicate or rewrite), with why this direction."""

    source: str
    copy: str
    relation: str
    evidence: str  # why this direction, and the comparison's reason
    source_in_copy: float = 0.0  # share of the source's word 3-grams found in the copy
    copy_in_source: float = 0.0  # share of the copy's word 3-grams found in the source
    added: list[str] = field(default_factory=list)  # the copy's sentences with no counterpart in the source (≤ 3)
    n_added: int = 0


@dataclass
class Story:
    """A story in a store: its articles in time order, outlets, copy lineage and independent sources."""

    id: int
    title: str | None
    articles: list[dict[str, Any]]  # rowid, id, source, title, url, outlet, published, language, added
    outlets: list[str]
    first: str | None  # earliest publication date (or the time added, when no article carries a date)
    last: str | None
    lineage: list[CopyEdge]
    independent_sources: int  # articles left once every copy is folded into its source
    originals: list[str]  # the most complete article of each group of copies
    events: list[dict[str, Any]]  # new / joined / merged, from the store's log
    versions: dict[str, str]

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)
