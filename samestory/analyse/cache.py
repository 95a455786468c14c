"""A cache of analyses in one SQLite file, keyed by the article's content and the analyser version.

An article read again from another file (same text, title, date and language) is not analysed again;
an analysis made by another analyser version is never returned.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from pathlib import Path

import numpy as np

from ..model import Analysis, Article

_SCHEMA = """
CREATE TABLE IF NOT EXISTS analyses (
  key TEXT NOT NULL, version TEXT NOT NULL, meta TEXT NOT NULL,
  sentence_vectors BLOB NOT NULL, title_vector BLOB, quote_vectors BLOB NOT NULL, shingles BLOB NOT NULL, minhash BLOB NOT NULL,
  PRIMARY KEY (key, version))
"""


def cache_key(article: Article) -> str:
    parts = json.dumps([article.text, article.title, article.published, article.language], ensure_ascii=False)
    return hashlib.blake2b(parts.encode("utf-8"), digest_size=16).hexdigest()


#: The columns an analysis is stored in, here and in the store (group/store.py).
PACKED_COLUMNS = "meta, sentence_vectors, title_vector, quote_vectors, shingles, minhash"


def pack(a: Analysis) -> tuple:
    """An analysis as SQLite values for PACKED_COLUMNS: JSON for the structure, raw arrays for vectors."""
    meta = json.dumps(a.as_dict(vectors=False), ensure_ascii=False)
    tv = None if a.title_vector is None else a.title_vector.astype(np.float32).tobytes()
    return (meta, a.sentence_vectors.astype(np.float32).tobytes(), tv, a.quote_vectors.astype(np.float32).tobytes(),
            a.shingles.tobytes(), a.minhash.tobytes())


def unpack(row: tuple) -> Analysis:
    d = json.loads(row[0])
    d["sentence_vectors"] = np.frombuffer(row[1], dtype=np.float32)
    d["title_vector"] = None if row[2] is None else np.frombuffer(row[2], dtype=np.float32)
    d["quote_vectors"] = np.frombuffer(row[3], dtype=np.float32)
    d["shingles"] = np.frombuffer(row[4], dtype=np.uint64)
    d["minhash"] = np.frombuffer(row[5], dtype=np.uint64)
    return Analysis.from_dict(d)


class AnalysisCache:
    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(_SCHEMA)
        from .passages import PassageTable  # passages imports cache_key from here

        self.passages = PassageTable(self._db, self._lock)

    def get(self, article: Article, version: str) -> Analysis | None:
        with self._lock:
            row = self._db.execute(f"SELECT {PACKED_COLUMNS} FROM analyses WHERE key=? AND version=?",
                                   (cache_key(article), version)).fetchone()
        if row is None:
            return None
        a = unpack(row)
        a.article = article  # same content; keep this reading's source and id
        return a

    def put(self, a: Analysis) -> None:
        with self._lock, self._db:
            self._db.execute("INSERT OR REPLACE INTO analyses VALUES (?,?,?,?,?,?,?,?)",
                             (cache_key(a.article), a.versions["analyser"], *pack(a)))

    def close(self) -> None:
        self._db.close()
