"""The embedded store: articles, their analyses and their stories in one SQLite file, plus a vector index.

    DIR/store.sqlite     articles (with analysis), stories, the event log (new, joined, merged, split)
    DIR/vectors.usearch  HNSW index over document vectors, derived: rebuilt from SQLite when behind

Story ids are stable: a story that merges into another keeps pointing at it (``merged_into``), and when
a story splits (group/cluster.py) the larger part keeps the id and the other gets a new one; both are
in the event log (``merged``, ``split``).

Crash safety: each article is stored with its story decision in one SQLite transaction (WAL journal),
so after a kill the store holds whole articles only; the index file is saved after commits and
brought up to date from SQLite when the store opens. Ingest is idempotent: an article is keyed by its
content (text, title, date, language), and one already stored is skipped before it is analysed, so a
re-run after an interruption picks up where the last one stopped. The stories each article touched are
noted in its transaction (``unsettled``) until the batch's second look, so the re-run gives a batch cut
short that look too.

A store is bound to one analyser version and one same-story model (recorded at creation). Adding to it
with another analyser version is an error rather than a silent mix of incomparable analyses; reading
its stories still works (``read_only``, with a warning and ``stale`` set), so an upgrade of samestory
does not lock a user out of what is stored. It keeps
its same-story model when a newer one becomes the default (naming another one explicitly is an error).

One writer at a time: the story state lives in the writing process's memory, so a second process that
would add articles (an ingest while ``samestory serve`` runs) is refused (``DIR/writer.lock``, an OS
file lock that a killed process releases). Readers (``read_only=True``) need no lock and never write.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import logging
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from ..analyse import ANALYSER_VERSION, Analyser
from ..analyse.cache import PACKED_COLUMNS, cache_key, pack, unpack
from ..analyse.passages import PassageTable
from ..compare.scorer import DEFAULT_SAME_STORY
from ..errors import SamestoryError, VersionMismatchError
from ..model import Analysis, Article
from .cluster import Clusterer, Decision, Judge, Split
from .index import VectorIndex

log = logging.getLogger(__name__)

SCHEMA_VERSION = "1"
#: Analyses kept in memory for comparisons (about 70 kB each): the members stories are judged against.
ANALYSES_IN_MEMORY = 16384
#: Save the vector index after this many new articles (and at the end of every ingest).
SAVE_EVERY = 500

_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS articles (
  rowid INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, id TEXT NOT NULL, source TEXT NOT NULL,
  title TEXT, url TEXT, outlet TEXT, published TEXT, language TEXT, added TEXT NOT NULL,
  story INTEGER NOT NULL, doc_vector BLOB NOT NULL,
  {", ".join(c.strip() + (" BLOB" if c.strip() != "meta" else " TEXT NOT NULL") for c in PACKED_COLUMNS.split(","))});
CREATE INDEX IF NOT EXISTS articles_story ON articles(story);
CREATE INDEX IF NOT EXISTS articles_id ON articles(id);
CREATE TABLE IF NOT EXISTS stories (
  id INTEGER PRIMARY KEY, created TEXT NOT NULL, updated TEXT NOT NULL, merged_into INTEGER);
CREATE TABLE IF NOT EXISTS events (
  seq INTEGER PRIMARY KEY, time TEXT NOT NULL, kind TEXT NOT NULL, story INTEGER NOT NULL,
  other INTEGER, article INTEGER, link REAL);
CREATE TABLE IF NOT EXISTS unsettled (story INTEGER PRIMARY KEY);
"""


class StoreError(SamestoryError):
    """The store cannot do what was asked (no store in the folder, a broken file)."""


class NotFoundError(StoreError):
    """No stored article or story by that reference. ``what`` says which, without the store's path."""

    def __init__(self, store: Path, what: str):
        self.what = what
        super().__init__(f"{store}: {what}")


@dataclass
class IngestResult:
    added: int = 0
    already_stored: int = 0
    new_stories: int = 0
    merges: int = 0
    splits: int = 0
    unsettled_before: int = 0  # stories a batch cut short left without the second look, given it by this one
    cost: dict[str, int] = field(default_factory=dict)  # this ingest's same-story judging (Judge.cost)


class Store:
    #: the SQLite file inside a store's folder
    DB_FILE = "store.sqlite"

    @classmethod
    def found_in(cls, path: str | Path) -> bool:
        """Whether ``path`` is a folder that holds a samestory store."""
        return (Path(path) / cls.DB_FILE).is_file()

    def rebuild_command(self) -> str:
        """The command that builds a new store from this one (its articles analysed again)."""
        return f"samestory ingest {self.dir} --store NEW_DIR"

    def __init__(self, path: str | Path, *, same_story: str | None = None, create: bool = True,
                 read_only: bool = False, passages: bool = False):
        """``passages``: the clustering judges the pairs its same-story model is unsure of again with
        passage vectors (group/cluster.py, Judge), made and kept in the store: better stories, several
        times slower to ingest."""
        self.dir = Path(path)
        self.read_only = read_only
        #: set when a read-only store was built with another analyser version (what differs)
        self.stale: str | None = None
        db_path = self.dir / self.DB_FILE
        if not db_path.exists() and (not create or read_only):
            raise StoreError(f"{self.dir}: no samestory store here (create one with `samestory ingest PATH --store {self.dir}`)")
        if self.dir.exists() and not self.dir.is_dir():
            raise StoreError(f"{self.dir}: not a directory")
        self.dir.mkdir(parents=True, exist_ok=True)
        self._lock = None if read_only else self._take_writer_lock()
        self.db = None  # set by _open
        try:
            self._open(db_path, same_story, passages)
        except BaseException:  # a store that could not be opened is not held: nor its file, nor its lock
            if self.db is not None:
                self.db.close()
            if self._lock:
                self._lock.close()
            raise

    def _open(self, db_path: Path, same_story: str | None, passages: bool) -> None:
        # One connection; a caller that shares the store between threads serialises its calls (the
        # HTTP service holds a lock), so the connection may be used from any of them.
        self.db = sqlite3.connect(db_path, check_same_thread=False)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL: a crash loses no committed transaction's consistency
        self.db.executescript(_SCHEMA)
        self._bind_versions(same_story)
        self.passages = PassageTable(self.db, writable=not self.read_only)  # made when articles are judged in pairs
        self._cached_analysis = lru_cache(maxsize=ANALYSES_IN_MEMORY)(self._analysis)
        self.index_path = self.dir / "vectors.usearch"
        self.clusterer = Clusterer(self.analysis, Judge(name=self.meta("same_story"), table=self.passages, passages=passages),
                                   self._open_index())
        for rowid, story in self.db.execute("SELECT rowid, story FROM articles ORDER BY rowid"):
            self.clusterer.restore(rowid, story)
        self._unsaved = 0

    def _take_writer_lock(self):
        f = open(self.dir / "writer.lock", "a+")
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            f.seek(0)
            holder = f.read().strip() or "another process"
            f.close()
            raise StoreError(f"{self.dir}: in use by {holder}, which adds articles to it; one writer at a time "
                             f"(stop it, or send articles to the running service with POST /v1/articles)") from None
        f.truncate(0)
        f.write(f"samestory process {os.getpid()}\n")
        f.flush()
        return f

    # -- versions ----------------------------------------------------------------------------------
    def meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return row[0] if row else None

    def _bind_versions(self, same_story: str | None) -> None:
        """A new store records the versions it is made with; an existing one must match them, except that
        it keeps the same-story model it was made with (any packaged one) unless ``same_story`` names another."""
        have = dict(self.db.execute("SELECT key, value FROM meta").fetchall())
        want = {"schema": SCHEMA_VERSION, "analyser": ANALYSER_VERSION,
                "same_story": same_story or have.get("same_story") or DEFAULT_SAME_STORY}
        if not have:
            with self.db:
                self.db.executemany("INSERT INTO meta VALUES (?,?)", list(want.items()))
            return
        wrong = {k: (have.get(k), v) for k, v in want.items() if have.get(k) != v}
        what = ", ".join(f"{k} {a} (this samestory: {b})" for k, (a, b) in wrong.items())
        if set(wrong) == {"analyser"}:  # an older (or newer) analyser: what is stored can still be read
            if self.read_only:
                self.stale = what
                log.warning("%s: the store was built with %s: its stories can be read, but an article analysed "
                            "now cannot be compared with the stored ones", self.dir, what)
                return
            raise VersionMismatchError(f"{self.dir}: the store was built with {what}. Its stories can still be "
                                       "read (stories, story); to add articles, build a new store from it, which "
                                       f"analyses its articles again: {self.rebuild_command()}")
        if wrong:
            raise VersionMismatchError(f"{self.dir}: the store was built with {what}; ingest into a new store")

    # -- the vector index --------------------------------------------------------------------------
    def _open_index(self) -> VectorIndex:
        ix = VectorIndex.load(self.index_path) or VectorIndex()
        stored = {r for (r,) in self.db.execute("SELECT rowid FROM articles")}
        extra = [k for k in ix.keys() if k not in stored] if len(ix) > len(stored) else []
        if extra:  # cannot happen with saves after commits, but a copied-in index file might
            ix = VectorIndex()
        missing = [r for r in sorted(stored) if r not in ix]
        if missing:
            log.info("bringing the vector index up to date: %d articles", len(missing))
            for i in range(0, len(missing), 2000):
                chunk = missing[i:i + 2000]
                rows = self.db.execute(f"SELECT rowid, doc_vector FROM articles WHERE rowid IN ({','.join('?' * len(chunk))})", chunk)
                keys, vecs = zip(*[(r, np.frombuffer(v, dtype=np.float32)) for r, v in rows])
                ix.add(list(keys), np.stack(vecs))
            if not self.read_only:
                ix.save(self.index_path)
        return ix

    def save_index(self) -> None:
        if self.read_only:
            return
        self.clusterer.index.save(self.index_path)
        self._unsaved = 0

    # -- reading back -------------------------------------------------------------------------------
    def __len__(self) -> int:
        return self.db.execute("SELECT count(*) FROM articles").fetchone()[0]

    def analysis(self, rowid: int) -> Analysis:
        return self._cached_analysis(rowid)

    def _analysis(self, rowid: int) -> Analysis:
        row = self.db.execute(f"SELECT {PACKED_COLUMNS}, source, id FROM articles WHERE rowid=?", (rowid,)).fetchone()
        if row is None:
            raise NotFoundError(self.dir, f"no article with row {rowid}")
        a = unpack(row[:6])
        a.article.source, a.article.id = row[6], row[7]
        return a

    def rowid_of(self, ref: str) -> int:
        """An article by its id (as given by the input or the content hash) or by its row number."""
        row = self.db.execute("SELECT rowid FROM articles WHERE id=? ORDER BY rowid LIMIT 1", (ref,)).fetchone()
        if row is None and ref.isdigit():
            row = self.db.execute("SELECT rowid FROM articles WHERE rowid=?", (int(ref),)).fetchone()
        if row is None:
            raise NotFoundError(self.dir, f"no stored article {ref!r}")
        return row[0]

    def has_id(self, article_id: str) -> bool:
        """Whether an article with this id (as the input gave it, e.g. a feed entry's) is stored."""
        return self.db.execute("SELECT 1 FROM articles WHERE id=? LIMIT 1", (article_id,)).fetchone() is not None

    def has(self, article: Article) -> bool:
        return self.db.execute("SELECT 1 FROM articles WHERE key=?", (cache_key(article),)).fetchone() is not None

    # -- writing -------------------------------------------------------------------------------------
    def add(self, a: Analysis) -> Decision | None:
        """Store one analysed article and its story decision in one transaction; None if already stored."""
        if self.read_only:
            raise StoreError(f"{self.dir}: opened read-only")
        key = cache_key(a.article)
        if a.versions.get("analyser") != ANALYSER_VERSION:  # the store's own version, checked at opening
            raise VersionMismatchError(f"{a.article.source}: analysed by {a.versions.get('analyser')}, "
                                       f"the store holds {ANALYSER_VERSION}")
        if self.db.execute("SELECT 1 FROM articles WHERE key=?", (key,)).fetchone():
            return None
        rowid = (self.db.execute("SELECT coalesce(max(rowid), 0) FROM articles").fetchone()[0]) + 1
        d = self.clusterer.add(rowid, a)  # also adds the vector to the in-memory index
        now = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
        art = a.article
        with self.db:
            self.db.execute(f"INSERT INTO articles (rowid, key, id, source, title, url, outlet, published, language, added, "
                            f"story, doc_vector, {PACKED_COLUMNS}) VALUES ({','.join('?' * 18)})",
                            (rowid, key, art.id, art.source, art.title, art.url, art.outlet, a.published, a.language, now,
                             d.story, a.doc_vector().tobytes(), *pack(a)))
            if d.action == "new":
                self.db.execute("INSERT INTO stories VALUES (?,?,?,NULL)", (d.story, now, now))
            else:
                self.db.execute("UPDATE stories SET updated=? WHERE id=?", (now, d.story))
            self.db.execute("INSERT INTO events (time, kind, story, other, article, link) VALUES (?,?,?,?,?,?)",
                            (now, d.action if d.action != "merged" else "joined", d.story, None, rowid, d.link))
            for gone in d.merged:
                self._record_merge(now, d.story, gone, rowid, None)
            for sp in d.splits:
                self._record_split(now, sp, rowid)
            self.db.executemany("INSERT OR IGNORE INTO unsettled VALUES (?)", [(s,) for s in d.touched])
        self._unsaved += 1
        if self._unsaved >= SAVE_EVERY:
            self.save_index()
        return d

    def _record_merge(self, now: str, story: int, gone: int, article: int | None, link: float | None) -> None:
        self.db.execute("UPDATE articles SET story=? WHERE story=?", (story, gone))
        self.db.execute("UPDATE stories SET merged_into=?, updated=? WHERE id=?", (story, now, gone))
        self.db.execute("INSERT INTO events (time, kind, story, other, article, link) VALUES (?,?,?,?,?,?)",
                        (now, "merged", story, gone, article, link))

    def _record_split(self, now: str, sp: Split, article: int | None) -> None:
        """The story keeps its id; the part that left gets a new one."""
        self.db.execute("INSERT INTO stories VALUES (?,?,?,NULL)", (sp.new, now, now))
        self.db.executemany("UPDATE articles SET story=? WHERE rowid=?", [(sp.new, m) for m in sp.members])
        self.db.execute("UPDATE stories SET updated=? WHERE id=?", (now, sp.story))
        self.db.execute("INSERT INTO events (time, kind, story, other, article, link) VALUES (?,?,?,?,?,?)",
                        (now, "split", sp.story, sp.new, article, sp.link))

    def unsettled(self) -> list[int]:
        """The stories touched by stored articles that have not had the second look yet (``settle``): the
        last batch's until it ends, and those of a batch cut short (Ctrl-C, a crash) until the next ingest."""
        return [s for (s,) in self.db.execute("SELECT story FROM unsettled ORDER BY story")]

    def settle(self, stories: list[int] | None = None) -> tuple[int, int]:
        """The clustering's second look at ``stories`` (all when None; group/cluster.py, Clusterer.settle),
        its merges and splits recorded in one transaction (events without an article) that also takes
        them off ``unsettled``. Returns (merges, splits)."""
        if self.read_only:
            raise StoreError(f"{self.dir}: opened read-only")
        merges, splits, _ = self.clusterer.settle(stories)
        now = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
        with self.db:  # splits first: settle() made them before any merge
            for sp in splits:
                self._record_split(now, sp, None)
            for m in merges:
                self._record_merge(now, m.story, m.gone, None, m.link)
            if stories is None:
                self.db.execute("DELETE FROM unsettled")
            else:
                self.db.executemany("DELETE FROM unsettled WHERE story=?", [(s,) for s in stories])
        return len(merges), len(splits)

    def ingest(self, articles: Iterable[Article], analyser: Analyser, *,
               on_decision: Callable[[Article, Decision | None], None] | None = None,
               lock: AbstractContextManager = nullcontext(), settle: bool = True) -> IngestResult:
        """Analyse and store articles, skipping those already stored (before analysing them), then settle
        the stories the batch touched (``settle``: Clusterer.settle) with any left unsettled by a batch cut
        short before (``unsettled``: each article's stories are noted in its own transaction).

        ``lock`` is held around each use of the store and released while articles are analysed, so
        that other threads sharing the store (the HTTP service) are not held up by the analysis.
        """
        res = IngestResult()
        judge = self.clusterer.judge
        before = judge.cost()
        with lock:
            res.unsettled_before = len(self.unsettled())

        def fresh() -> Iterator[Article]:
            for art in articles:
                with lock:
                    stored = self.has(art)
                if stored:
                    res.already_stored += 1
                    if on_decision:
                        on_decision(art, None)
                    continue
                yield art

        try:
            for a in analyser.analyse_many(fresh()):
                with lock:
                    d = self.add(a)
                if d is None:  # the same article twice in this batch
                    res.already_stored += 1
                else:
                    res.added += 1
                    res.new_stories += d.action == "new"
                    res.merges += len(d.merged)
                    res.splits += len(d.splits)
                if on_decision:
                    on_decision(a.article, d)
            if settle:
                with lock:
                    pending = self.unsettled()
                    merges, splits = self.settle(pending) if pending else (0, 0)
                res.merges += merges
                res.splits += splits
        finally:
            with lock:
                self.save_index()
        res.cost = {k: v - before[k] for k, v in judge.cost().items()}
        return res

    # -- stories ---------------------------------------------------------------------------------------
    def articles(self) -> Iterator[Article]:
        """The stored articles as they were read, in the order they were added (what a new store needs to
        be built from this one: ``samestory ingest OLD_DIR --store NEW_DIR``)."""
        for (meta,) in self.db.execute("SELECT meta FROM articles ORDER BY rowid"):
            yield Article(**json.loads(meta)["article"])

    def story_ids(self) -> list[int]:
        return [s for (s,) in self.db.execute("SELECT id FROM stories WHERE merged_into IS NULL ORDER BY id")]

    def story_of(self, key: str) -> int | None:
        """The story the stored article with content key ``key`` (analyse/cache.py, cache_key) is in now."""
        row = self.db.execute("SELECT story FROM articles WHERE key=?", (key,)).fetchone()
        return row[0] if row else None

    def resolve_story(self, story: int) -> int:
        """A story id, following merges: an old id still finds its story."""
        seen = set()
        while story not in seen:
            seen.add(story)
            row = self.db.execute("SELECT merged_into FROM stories WHERE id=?", (story,)).fetchone()
            if row is None:
                raise NotFoundError(self.dir, f"no story {story}")
            if row[0] is None:
                return story
            story = row[0]
        raise StoreError(f"{self.dir}: story {story} merges in a loop")

    def members(self, story: int) -> list[int]:
        return [r for (r,) in self.db.execute("SELECT rowid FROM articles WHERE story=? ORDER BY coalesce(published, added), rowid", (story,))]

    def rows(self, story: int) -> list[dict]:
        cols = ["rowid", "id", "source", "title", "url", "outlet", "published", "language", "added"]
        return [dict(zip(cols, r)) for r in self.db.execute(
            f"SELECT {', '.join(cols)} FROM articles WHERE story=? ORDER BY coalesce(published, added), rowid", (story,))]

    def events(self, story: int) -> list[dict]:
        cols = ["seq", "time", "kind", "story", "other", "article", "link"]
        return [dict(zip(cols, r)) for r in self.db.execute(
            f"SELECT {', '.join(cols)} FROM events WHERE story=? OR other=? ORDER BY seq", (story, story))]

    def close(self) -> None:
        self.save_index()
        self.db.close()
        if self._lock:
            self._lock.close()  # releases the writer lock
            self._lock = None

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


