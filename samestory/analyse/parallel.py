"""Analysis in worker processes: spaCy and the sentence encoder each run on one core, so on a machine
with N cores, N processes analyse about N times as many articles per second as one.

``Analyser(workers=N)`` uses this module; the caller sees the same ordered stream of analyses as with one
process. Articles travel to the workers in small chunks (so that a short input still spreads over all
of them), at most ``AHEAD`` chunks per worker are in flight (so that a long stream is not read into
memory), and the analysis cache is read and written by the calling process only (SQLite, one writer).

Workers are started with ``spawn`` (no fork of a process that holds threads or open stores; a script
that uses workers needs the usual ``if __name__ == "__main__":`` guard), load all their models at start,
run their linear algebra on one thread each, and die with the process that started them
(``PR_SET_PDEATHSIG`` on Linux), so that a killed ``ingest`` leaves no orphans behind.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import islice
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..model import Analysis, Article

#: articles per task sent to a worker: small enough to spread a short input, large enough that the
#: sentence encoder still gets a few hundred sentences per call
CHUNK = 8
#: chunks in flight per worker
AHEAD = 2
#: the default number of workers is the number of usable cores, at most this many (each holds ~0.5 GB)
MAX_DEFAULT_WORKERS = 8


def default_workers() -> int:
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, MAX_DEFAULT_WORKERS))


def _die_with_parent() -> None:
    if sys.platform.startswith("linux"):
        import ctypes

        PR_SET_PDEATHSIG = 1
        try:
            ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        except OSError:
            pass


def _init_worker() -> None:
    _die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is handled by the parent, which stops the pool
    from threadpoolctl import threadpool_limits

    from . import embeddings, nlp

    threadpool_limits(1)
    embeddings.THREADS = 1
    # load every model now rather than at the first article of its language: each load takes 1–2 s,
    # which would otherwise stall the ordered stream once per worker and language
    embeddings.encode(["warm-up"])
    for lang in nlp.NER_PACKAGES:
        nlp.pipeline(lang)


def _analyse_chunk(articles: list["Article"]) -> list["Analysis"]:
    from . import Analyser

    return list(Analyser(cache=None).analyse_many(articles, batch_size=max(1, len(articles))))


class Pool:
    """A lazily started pool of analysis workers. ``close()`` stops it (``Analyser.close()`` and the end
    of an ``Analyser``'s with-block call it)."""

    def __init__(self, workers: int):
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = None
        self._limits = None

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            from threadpoolctl import threadpool_limits

            self._pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"),
                                             initializer=_init_worker)
            # the cores are the workers' now: a BLAS call here that waits for a second thread waits for
            # a core (a 20×512 by 512×20 product took 0.43 ms instead of 5 µs while the workers ran)
            self._limits = threadpool_limits(1)
        return self._pool

    def analyse(self, articles: Iterable["Article"], lookup: Callable[["Article"], "Analysis | None"],
                store: Callable[["Analysis"], None]) -> Iterator["Analysis"]:
        """Analyses in the order of ``articles``. ``lookup`` answers from the cache (None: to analyse),
        ``store`` keeps a fresh analysis in it."""
        pending: deque[tuple[list[Analysis | None], Future | None]] = deque()
        it = iter(articles)
        try:
            while chunk := list(islice(it, CHUNK)):
                known = [lookup(a) for a in chunk]
                todo = [a for a, k in zip(chunk, known) if k is None]
                pending.append((known, self._executor().submit(_analyse_chunk, todo) if todo else None))
                while len(pending) > AHEAD * self.workers:
                    yield from self._collect(*pending.popleft(), store)
            while pending:
                yield from self._collect(*pending.popleft(), store)
        except BaseException:
            for _, fut in pending:
                if fut is not None:
                    fut.cancel()
            raise

    @staticmethod
    def _collect(known: list["Analysis | None"], fut: Future | None,
                 store: Callable[["Analysis"], None]) -> Iterator["Analysis"]:
        fresh = iter(fut.result() if fut is not None else ())
        for k in known:
            if k is None:
                k = next(fresh)
                store(k)
            yield k

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        if self._limits is not None:
            self._limits.restore_original_limits()
            self._limits = None
