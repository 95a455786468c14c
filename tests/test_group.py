"""The store, the story clustering, lineage and the clustering metrics."""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import DATA, DEMO, need
from samestory.errors import VersionMismatchError
from samestory.evaluate.clusters import bcubed
from samestory.group.store import Store
from samestory.group.story import overview, summarise


def _stories_by_file(store: Store) -> dict[str, int]:
    return {Path(src).name: story for src, story in store.db.execute("SELECT source, story FROM articles")}


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory, demo):
    store = Store(tmp_path_factory.mktemp("store"))
    for name in sorted(demo):  # analyses from the session fixture, stored in file order
        store.add(demo[name])
    store.save_index()
    yield store
    store.close()


def test_demo_corpus_stories(demo_store):
    s = _stories_by_file(demo_store)
    bridge = {s[f] for f in ("bridge_coastal-herald.md", "bridge_reprint_daily-post.html", "bridge_rewrite_newsflash.txt",
                             "bridge_baltic-wire.txt", "bridge_es_el-observador.json")}
    assert len(bridge) == 1  # the reprint, the spin, the translation and the independent wire report
    assert s["bridge-closure-2024_coastal-herald.md"] not in bridge  # same bridge, another event six months earlier
    assert s["chess_sport-gazette.txt"] == s["chess_fr_le-courrier.txt"]  # one story in two languages
    assert s["trial_health-weekly.txt"] == s["trial_science-desk.md"]
    assert len(set(s.values())) == 4


def test_story_lineage_and_sources(demo_store):
    sid = _stories_by_file(demo_store)["bridge_coastal-herald.md"]
    st = summarise(demo_store, sid)
    ids = {Path(r["source"]).name: r["id"] for r in st.articles}
    edges = {(e.source, e.copy): e.relation for e in st.lineage}
    # the HTML reprint is a duplicate of the Herald's article, which was published a day earlier
    assert edges.get((ids["bridge_coastal-herald.md"], ids["bridge_reprint_daily-post.html"])) == "duplicate"
    assert (ids["bridge_baltic-wire.txt"], ids["bridge_rewrite_newsflash.txt"]) in edges  # the spin of the wire copy
    assert st.independent_sources == 2  # Coastal Herald (with its reprint and translation) and Baltic Wire (with its spin)
    assert st.first == "2025-03-14" and "coastal-herald.example" in st.outlets
    assert overview(demo_store)[0]["id"] == sid and overview(demo_store)[0]["size"] == 5


def test_ingest_is_idempotent_and_index_rebuilds(tmp_path, analyser):
    from samestory.read import iter_articles

    store = Store(tmp_path)
    res = store.ingest(iter_articles([DEMO]), analyser)
    assert res.added == 10 and res.already_stored == 0
    again = store.ingest(iter_articles([DEMO]), analyser)
    assert again.added == 0 and again.already_stored == 10
    before = _stories_by_file(store)
    store.close()
    (tmp_path / "vectors.usearch").unlink()  # the index is derived data: losing it loses nothing
    store = Store(tmp_path, create=False)
    assert len(store.clusterer.index) == len(store) == 10
    assert _stories_by_file(store) == before
    store.close()


def _set_meta(store_dir, key, value):
    """Rewrite one of a closed store's recorded versions, as a store made by another samestory would hold it."""
    db = sqlite3.connect(store_dir / Store.DB_FILE)
    with db:
        db.execute("UPDATE meta SET value=? WHERE key=?", (value, key))
    db.close()


def test_a_store_of_another_analyser_refuses_writers_but_can_be_read(tmp_path, demo):
    """After an upgrade of samestory the stored stories stay readable; adding to them is refused with
    what to do instead. Another schema version is refused outright."""
    store = Store(tmp_path)
    for a in list(demo.values())[:3]:
        store.add(a)
    before = {sid: sorted(m) for sid, m in store.clusterer.members.items()}
    store.close()
    _set_meta(tmp_path, "analyser", "analyser-v0")
    with pytest.raises(VersionMismatchError, match="analyser-v0.*build a new store from it"):
        Store(tmp_path)
    reader = Store(tmp_path, create=False, read_only=True)
    assert reader.stale and "analyser-v0" in reader.stale
    assert {sid: sorted(m) for sid, m in reader.clusterer.members.items()} == before
    reader.close()
    _set_meta(tmp_path, "schema", "0")
    with pytest.raises(VersionMismatchError, match="schema"):
        Store(tmp_path, create=False, read_only=True)


def test_a_store_of_another_analyser_is_rebuilt_by_ingesting_it(tmp_path, capsys):
    """``ingest OLD_DIR --store NEW_DIR`` reads the old store's articles in the order they were added and
    analyses them again; the new store holds the same articles in the same stories. Ingesting a store
    into itself is reported and skipped."""
    from samestory.present.cli import main

    old, new = tmp_path / "old", tmp_path / "new"
    assert main(["ingest", str(DEMO), "--store", str(old), "--quiet"]) == 0
    _set_meta(old, "analyser", "analyser-v0")
    capsys.readouterr()
    assert main(["ingest", str(DEMO / "chess_sport-gazette.txt"), "--store", str(old), "--quiet"]) != 0
    assert f"samestory ingest {old} --store NEW_DIR" in capsys.readouterr().err
    # reading works; a new article cannot be compared with the old analyses, and the error says what to do
    assert main(["stories", "--store", str(old)]) == 0
    assert main(["similar", str(DEMO / "chess_sport-gazette.txt"), "--store", str(old)]) != 0
    assert f"samestory ingest {old} --store NEW_DIR" in capsys.readouterr().err
    assert main(["ingest", str(old), "--store", str(new), "--quiet", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["added"] == 10
    def stories(path):
        store = Store(path, create=False, read_only=True)
        got = sorted(sorted(r[0] for r in store.db.execute("SELECT source FROM articles WHERE story=?", (s,)))
                     for s in store.story_ids())
        version = store.meta("analyser")
        store.close()
        return got, version

    (was, _), (now, version) = stories(old), stories(new)
    assert version != "analyser-v0"
    assert now == was and len(now) == 4
    assert main(["ingest", str(new), "--store", str(new), "--quiet"]) == 1  # EXIT_SKIPPED
    assert "the store being ingested into" in capsys.readouterr().err


def test_missing_store_is_a_clear_error(tmp_path):
    from samestory.group.store import StoreError

    with pytest.raises(StoreError, match="no samestory store"):
        Store(tmp_path / "nowhere", create=False)


def _many_articles(folder: Path, n: int) -> None:
    """n distinct team-written articles: the demo corpus's text files, each with its own closing line."""
    texts = sorted(p for p in DEMO.glob("*.txt"))
    for i in range(n):
        src = texts[i % len(texts)].read_text(encoding="utf-8")
        (folder / f"a{i:03d}.txt").write_text(src + f"\n\nThis is update number {i} to the report, filed at {i % 24}:00.\n",
                                              encoding="utf-8")


def _children(pid: int) -> set[int]:
    """Process ids whose parent is ``pid`` (Linux /proc)."""
    out = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            out.add(int(stat.parent.name))
    return out


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _all_gone(pids: set[int], timeout: float = 10) -> bool:
    """Whether the processes have all ended within ``timeout`` seconds. They end with the ingest, but not in
    the same instant: the kernel's SIGKILL on the parent's death, or multiprocessing's resource tracker
    seeing its pipe close, comes a moment after the ingest's exit."""
    deadline = time.time() + timeout
    while any(_alive(p) for p in pids) and time.time() < deadline:
        time.sleep(0.05)
    return not any(_alive(p) for p in pids)


def _count(db_path: Path) -> int:
    try:
        db = sqlite3.connect(db_path, timeout=5)
        n = db.execute("SELECT count(*) FROM articles").fetchone()[0]
        db.close()
        return n
    except sqlite3.OperationalError:
        return 0


def _interruptible() -> None:
    """In the child before exec: SIGINT as in a terminal. A suite started in the background (``pytest &``)
    ignores SIGINT, and an ignored signal is inherited: the ingest would never see the Ctrl-C."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _ingest_under_way(tmp_path: Path, n: int) -> tuple[subprocess.Popen, list[str], Path, set[int]]:
    """A real ``samestory ingest`` of n articles with 2 workers, once it has stored at least 3: the process,
    its command line, its store folder and its workers' process ids."""
    inputs, store_dir = tmp_path / "in", tmp_path / "store"
    inputs.mkdir()
    _many_articles(inputs, n)
    cmd = [sys.executable, "-m", "samestory.present.cli", "ingest", str(inputs), "--store", str(store_dir), "--no-cache",
           "--quiet", "--workers", "2"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            env=dict(os.environ, PYTHONHASHSEED="0"), preexec_fn=_interruptible)
    deadline = time.time() + 300
    while _count(store_dir / "store.sqlite") < 3:
        assert proc.poll() is None, proc.stderr.read()
        assert time.time() < deadline
        time.sleep(0.05)
    workers = _children(proc.pid)
    assert workers, "the ingest should analyse in worker processes"
    return proc, cmd, store_dir, workers


def _rerun_adds_the_rest(cmd: list[str], stored: int, n: int) -> None:
    rerun = subprocess.run(cmd + ["--json"], capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stderr
    assert f'"already_stored": {stored}' in rerun.stdout and f'"added": {n - stored}' in rerun.stdout
    # the interrupted batch's stories had no second look; the re-run gives it to them
    assert json.loads(rerun.stdout)["unsettled_before"] >= (1 if stored else 0)


@pytest.mark.slow
def test_sigkill_mid_ingest_then_rerun_loses_and_duplicates_nothing(tmp_path):
    n = 120  # enough that the ingest is still under way when the signal lands, even on a loaded machine
    proc, cmd, store_dir, workers = _ingest_under_way(tmp_path, n)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    stored = _count(store_dir / "store.sqlite")
    assert 3 <= stored < n, "the kill should land mid-ingest"
    assert _all_gone(workers)  # the workers die with the ingest (PR_SET_PDEATHSIG): no orphans
    _rerun_adds_the_rest(cmd, stored, n)
    db = sqlite3.connect(store_dir / "store.sqlite")
    assert db.execute("SELECT count(*), count(DISTINCT key), count(DISTINCT source) FROM articles").fetchone() == (n, n, n)
    # every article has exactly one decision in the log, and every story it names exists
    assert db.execute("SELECT count(*) FROM events WHERE kind IN ('new', 'joined')").fetchone()[0] == n
    assert db.execute("SELECT count(*) FROM articles WHERE story NOT IN (SELECT id FROM stories)").fetchone()[0] == 0
    db.close()
    with Store(store_dir, create=False) as store:
        assert len(store.clusterer.index) == n
        assert store.unsettled() == []  # the re-run's second look covered the killed batch's stories too


@pytest.mark.slow
def test_ctrl_c_mid_ingest_exits_cleanly_and_a_rerun_finishes(tmp_path):
    n = 120  # enough that the ingest is still under way when the signal lands, even on a loaded machine
    proc, cmd, store_dir, workers = _ingest_under_way(tmp_path, n)
    proc.send_signal(signal.SIGINT)
    assert proc.wait(60) == 130
    err = proc.stderr.read()
    assert "interrupted" in err and "Traceback" not in err, err
    assert _all_gone(workers)
    _rerun_adds_the_rest(cmd, _count(store_dir / "store.sqlite"), n)


def test_bcubed_by_hand():
    gold = ["a", "a", "a", "b", "b"]
    pred = [1, 1, 2, 2, 2]
    p, r, f = bcubed(gold, pred)
    # precision: items 1,2: 2/2; item 3: 1/3; items 4,5: 2/3 → (1+1+1/3+2/3+2/3)/5
    assert p == pytest.approx((2 + 1 / 3 + 4 / 3) / 5)
    # recall: items 1,2: 2/3; item 3: 1/3; items 4,5: 2/2 → (2/3+2/3+1/3+1+1)/5
    assert r == pytest.approx((5 / 3 + 2) / 5)
    assert bcubed(gold, gold) == (1.0, 1.0, 1.0)


#: Cross-validated clustering of ECB+ dev (5 folds of topics). Floors with a 0.02 noise margin; lower
#: them only with a reasoned change. Lowered from 0.927/0.890 (shuffled 0.902/0.865) when stories began to
#: be sampled by a fixed random rank instead of evenly over their life (cluster._sample): the sample then
#: stays in memory as a story grows, which took the 100k-article scale run from 53 to 67 articles/s at
#: 30k stored; it costs 0.007 F1 in file order and 0.002 shuffled. Splits (cluster.check_split, and
#: merges only when the merged story would hold together) moved them again: 0.919/0.883 in file order
#: (−0.001/−0.002), 0.907/0.878 shuffled (+0.007/+0.017): the two orders now differ by half as much.
#: same-story-v2 (trained with passage vectors, judged without them by default) moved them within noise:
#: 0.921/0.886 in file order, 0.900/0.873 shuffled; the floors stay. With its cascade on (ingest
#: --passages) 0.925/0.895 and 0.907/0.885: PASSAGE_FLOORS.
#: same-story-v3 (contrast_cos: each pair judged among its neighbourhood) with the clustering's second
#: look (Clusterer.settle): 0.928/0.907 in file order, 0.911/0.892 shuffled; cascade 0.939/0.923 and
#: 0.918/0.903. Over file order and shuffle seeds 1 and 2, means rose from 0.908/0.876 to 0.916/0.895
#: (cascade 0.918/0.894 to 0.928/0.910); the floors are the new figures.
#: same-story-v4 (who the leads are about: compare/features.py, actor_features): 0.932/0.916 in file
#: order, 0.914/0.893 shuffled; cascade 0.936/0.922 and 0.923/0.906. Over file order and seeds 1-3 the
#: means rose from 0.915/0.894 to 0.925/0.908; the cascade's stayed (0.927/0.910 to 0.930/0.914 over
#: the same four), its file order moving down within noise (0.939/0.923 to 0.936/0.922). The floors
#: are the new figures, the cascade's file-order floor lowered to its new figure for that reason.
#: analyser-v4 (a date that names no year is no longer resolved against today when the text has no
#: publication date; analyse/dates.py) with same-story-v5 (v4's features retrained on those analyses):
#: 0.938/0.921 in file order, 0.916/0.894 shuffled; cascade 0.938/0.923 and 0.914/0.900. Over file order
#: and seeds 1-3 the means stayed (0.925/0.908 to 0.925/0.906; cascade 0.930/0.915 to 0.927/0.910). The
#: floors are the new figures; the cascade's shuffled ones are lower (seed 1 alone: 0.923/0.906 before),
#: for a correction of the analyses, not a change of the clustering.
#: analyser-v5 (a weekday of the reference day is that day; one name, one label; 77 of the 768 documents'
#: entities and 84's dates changed), same-story-v5 retrained per fold: pair AUC 0.938 as before, 0.933/0.916
#: in file order, 0.919/0.900 shuffled; over file order and seeds 1-3 the means moved from 0.924/0.907 to
#: 0.922/0.904 (both measured the same way on the same day), within the noise of arrival order. The floors
#: stay (the margin covers it): this corrects the analyses, it is not meant to improve the clustering.
#: analyser-v6 (a sentence-opening description must name a person to be a title; a "person" without a
#: capital is dropped): 0.930/0.916 in file order, 0.915/0.894 shuffled; means over file order and seeds
#: 1-3 0.922/0.905 (v5: 0.922/0.904). The floors stay, for the same reason.
#: analyser-v7 (a weekday to come is the coming one; 7 of 1,834 dates changed): 0.930/0.915 in file
#: order, 0.919/0.899 shuffled, means 0.920/0.902: arrival-order noise; the floors stay.
#: analyser-v8 (term vectors keyed by word stems) with same-story-v6 retrained on it: 0.929/0.914 in file
#: order, 0.917/0.894 shuffled, means over file order and seeds 1-3 0.920/0.900; cascade 0.943/0.930 and
#: 0.917/0.898. English inflects little; the floors stay.
#: analyser-v13 (entity keys: lower-case "names" dropped, surnames less suffixes and hyphens, a one-word
#: "person" that is a country is the country), same-story-v6 retrained per fold: 0.935/0.920 in file order,
#: 0.911/0.890 shuffled (seed 1); cascade 0.947/0.935 and 0.918/0.892. Within arrival-order noise; the
#: floors stay.
CLUSTER_FLOORS = {"bcubed_f1": 0.938, "ari": 0.920}
SHUFFLED_FLOORS = {"bcubed_f1": 0.916, "ari": 0.894}
PASSAGE_FLOORS = {"bcubed_f1": 0.938, "ari": 0.923}
PASSAGE_SHUFFLED_FLOORS = {"bcubed_f1": 0.914, "ari": 0.900}


@pytest.mark.data
@pytest.mark.slow
def test_ecbplus_clustering_cross_validated(analyser):
    from samestory.evaluate.clusters import cross_validate, load_documents

    arts, gold, topic, skipped = load_documents(str(need(DATA / "ecbplus_dev" / "documents.jsonl")))
    assert len(skipped) <= 4
    res = cross_validate(analyser.with_passages(analyser.analyse_many(arts)), gold, topic, 5, passages=True)
    # no story may hold documents of two topics (never the same event). same-story-v4's cascade made one
    # in file order and this gate allowed it that one; v5's makes none, so the gate is strict again.
    for figures, floors, shuffled_floors in ((res, CLUSTER_FLOORS, SHUFFLED_FLOORS),
                                             (res["with_passages"], PASSAGE_FLOORS, PASSAGE_SHUFFLED_FLOORS)):
        for k, floor in floors.items():
            assert figures[k] >= floor - 0.02, (k, figures[k])
        for k, floor in shuffled_floors.items():
            assert figures["shuffled_order"][k] >= floor - 0.02, (k, figures["shuffled_order"][k])
        assert figures["stories_spanning_topics"] == 0
    assert res["cost"]["pairs_rejudged_with_passages"] == 0 < res["with_passages"]["cost"]["pairs_rejudged_with_passages"]


def test_one_writer_at_a_time(tmp_path, demo):
    from samestory.group.store import StoreError

    writer = Store(tmp_path)
    writer.add(demo["chess_sport-gazette.txt"])
    with pytest.raises(StoreError, match=f"in use by samestory process {os.getpid()}"):
        Store(tmp_path)
    with Store(tmp_path, read_only=True) as reader:  # readers need no lock and see committed articles
        assert len(reader) == 1
        with pytest.raises(StoreError, match="read-only"):
            reader.add(demo["chess_fr_le-courrier.txt"])
    writer.close()
    with Store(tmp_path) as again:  # the lock goes with the writer
        assert len(again) == 1


def test_lineage_of_files(capsys):
    """`samestory lineage` on the demo corpus: who copied whom, with the evidence for each direction."""
    from samestory.present.cli import main

    assert main(["lineage", str(DEMO), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    edges = {(e["source"], e["copy"]): e for e in out["edges"]}
    reprint = edges[("bridge_coastal-herald.md", "bridge_reprint_daily-post.html")]
    assert reprint["relation"] == "duplicate" and "published 2025-03-14, before 2025-03-15" in reprint["evidence"]
    assert reprint["copy_in_source"] >= 0.9  # the reprint's text is in the Herald's
    spin = edges[("bridge_baltic-wire.txt", "bridge_rewrite_newsflash.txt")]
    assert spin["relation"] == "rewrite"
    assert ("bridge_coastal-herald.md", "bridge_es_el-observador.json") in edges  # a translation
    # the reprint and the translation resemble each other only through the Herald: no edge between them
    assert not any({"bridge_es_el-observador.json", "bridge_reprint_daily-post.html"} == set(k) for k in edges)
    herald = next(g for g in out["groups"] if "bridge_coastal-herald.md" in g)
    assert {"bridge_reprint_daily-post.html", "bridge_es_el-observador.json"} <= set(herald)
    assert "bridge_coastal-herald.md" in out["originals"]
    assert out["independent_sources"] == len(out["groups"]) == len(out["originals"])
    # independent reports of one event are not copies
    assert not any({"trial_health-weekly.txt", "trial_science-desk.md"} == set(k) for k in edges)


def test_seeds_have_no_lineage(capsys):
    from samestory.present.cli import main

    from .conftest import SEEDS

    assert main(["lineage", str(need(SEEDS)), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["edges"] == [] and out["independent_sources"] == 2


# -- splits ------------------------------------------------------------------------------------------

class _TableJudge:
    """Same-story probabilities from a table of article ids, to put the split logic through a known case
    (the real model's probabilities are covered by the ECB+ figures)."""

    def __init__(self, table: dict[frozenset, float]):
        from types import SimpleNamespace

        self.table = table
        self.model = SimpleNamespace(reads_contrast=False)  # no neighbourhoods asked for

    def pairs(self, pairs, centres=None):
        import numpy as np

        return np.array([self.table[frozenset((x.id, o.id))] for x, o in pairs])

    def cost(self):
        return {}


def test_average_linkage_matches_scikit_learn():
    import numpy as np
    from sklearn.cluster import AgglomerativeClustering

    from samestory.group.cluster import _average_linkage

    rng = np.random.default_rng(0)
    for _ in range(200):
        n = int(rng.integers(2, 17))
        X = rng.random((n, n))
        P = (X + X.T) / 2
        np.fill_diagonal(P, 1.0)
        labels = AgglomerativeClustering(n_clusters=None, metric="precomputed", linkage="average",
                                         distance_threshold=0.5 + 1e-9).fit_predict(1 - P)
        groups: dict[int, list[int]] = {}
        for i, lab in enumerate(labels):
            groups.setdefault(int(lab), []).append(i)
        assert _average_linkage(P, 0.5) == sorted(groups.values(), key=lambda g: (-len(g), g[0]))


def test_a_story_that_falls_apart_splits_and_keeps_its_id(tmp_path, demo):
    """Two reports of one event (A) and two of another (B). B1 joins A's story on a weak link (0.55 on
    average); B2 matches B1 well and A badly, and still joins on the average (0.53), which brings the story
    to 4 members: the check finds two stories (A–B link 0.43 < 0.5), A keeps the id, B leaves with a new one."""
    a1, a2 = demo["bridge_coastal-herald.md"], demo["bridge_reprint_daily-post.html"]
    b1, b2 = demo["bridge_baltic-wire.txt"], demo["bridge_rewrite_newsflash.txt"]
    bridge = demo["bridge_es_el-observador.json"]  # comes later and matches all four well
    p = [(a1, a2, 0.95), (b1, b2, 0.95), (a1, b1, 0.55), (a2, b1, 0.55), (a1, b2, 0.3), (a2, b2, 0.3),
         *[(bridge, x, 0.9) for x in (a1, a2, b1, b2)]]
    judge = _TableJudge({frozenset((x.id, y.id)): v for x, y, v in p})
    with Store(tmp_path / "s") as store:
        store.clusterer.judge = judge
        actions = [store.add(x) for x in (a1, a2, b1)]
        assert [d.action for d in actions] == ["new", "joined", "joined"] and not any(d.splits for d in actions)
        d = store.add(b2)
        assert d.action == "joined" and len(d.splits) == 1
        sp = d.splits[0]
        assert sp.story == 1 and d.story == sp.new == 2
        assert sp.link == pytest.approx((0.55 * 2 + 0.3 * 2) / 4)
        s = _stories_by_file(store)
        assert s["bridge_coastal-herald.md"] == s["bridge_reprint_daily-post.html"] == 1
        assert s["bridge_baltic-wire.txt"] == s["bridge_rewrite_newsflash.txt"] == 2
        assert store.story_ids() == [1, 2]
        assert [e["kind"] for e in store.events(1)][-1] == "split"
        from samestory.present.report import story_text

        assert "story 2 split off" in story_text(summarise(store, 1))
        assert "split off from story 1" in story_text(summarise(store, 2))
    with Store(tmp_path / "s") as again:  # the split is in SQLite: a reopened store has the same stories
        assert again.clusterer.stories() == {1: [1, 2], 2: [3, 4]} and again.clusterer.next_story == 3
        # an article that matches both well makes them one again, by the same test as the split: with it,
        # the sampled members hold together (A–B and the new article: mean link 0.58)
        d = again.add(bridge)
        assert d.action == "merged" and d.merged == [2] and not d.splits and again.story_ids() == [1]


def test_no_split_when_the_story_holds_together(demo):
    from samestory.group.cluster import Clusterer

    arts = [demo[n] for n in ("bridge_coastal-herald.md", "bridge_reprint_daily-post.html", "bridge_baltic-wire.txt",
                              "bridge_rewrite_newsflash.txt")]
    table = {frozenset((x.id, y.id)): 0.6 for i, x in enumerate(arts) for y in arts[i + 1:]}
    c = Clusterer(lambda k: arts[k], _TableJudge(table))
    for k in range(4):
        c.restore(k, 1)
    assert c.check_split(1) == ([], 6)
    assert c.stories() == {1: [0, 1, 2, 3]}


@pytest.mark.slow
def test_ingest_follows_a_live_feed(tmp_path):
    """``ingest URL --follow 1`` on a real local HTTP server: the first round stores the two published
    articles, a third published later is added in a later round, stored pages are not fetched again, an
    unchanged feed is revalidated (ETag, 304) rather than downloaded, and Ctrl-C ends it with code 130."""
    from .newsite import NewsSite

    site, proc = NewsSite(), None
    try:
        site.publish("bridge_coastal-herald.md")
        site.publish("bridge_baltic-wire.txt")
        cmd = [sys.executable, "-m", "samestory.present.cli", "ingest", f"{site.url}/feed.xml", "--store",
               str(tmp_path / "s"), "--follow", "1", "--json", "--quiet", "--no-cache", "--workers", "1"]
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                preexec_fn=_interruptible)
        first = json.loads(proc.stdout.readline())
        assert first["added"] == 2 and first["stories"] == 1 and first["unchanged_inputs"] == 0, first
        quiet = json.loads(proc.stdout.readline())  # nothing published since
        assert quiet["added"] == 0 and quiet["unchanged_inputs"] == 1 and site.not_modified >= 1, quiet
        later = site.publish("trial_science-desk.md")
        rounds = [json.loads(proc.stdout.readline()) for _ in range(3)]  # within three rounds of a second
        assert sum(r["added"] for r in rounds) == 1 and rounds[-1]["articles"] == 3 and rounds[-1]["stories"] == 2
        assert site.hits[later] == 1 and site.hits["/news/bridge_coastal-herald.html"] == 1
        assert site.hits["/feed.xml"] >= 5
        assert any(r["unchanged_inputs"] == 0 for r in rounds if r["added"])  # the changed feed was downloaded
        proc.send_signal(signal.SIGINT)
        assert proc.wait(60) == 130 and "interrupted" in proc.stderr.read()
    finally:
        if proc is not None and proc.poll() is None:
            proc.kill()  # a failed check must not leave a follower running
        site.close()


def test_a_store_keeps_the_same_story_model_it_was_made_with(tmp_path, demo):
    from samestory.compare.scorer import DEFAULT_SAME_STORY
    from samestory.errors import VersionMismatchError

    with Store(tmp_path, same_story="same-story-v1") as old:
        old.add(demo["chess_sport-gazette.txt"])
    assert DEFAULT_SAME_STORY != "same-story-v1"
    with Store(tmp_path) as again:  # opened as a newer samestory opens it: the store's model is kept
        assert again.meta("same_story") == "same-story-v1" and again.clusterer.judge.model.name == "same-story-v1"
        assert again.add(demo["chess_fr_le-courrier.txt"]).story == 1
    with pytest.raises(VersionMismatchError, match="same-story-v1") as refused:
        Store(tmp_path, same_story=DEFAULT_SAME_STORY)
    assert refused.tb is not None  # its traceback keeps the refused Store alive ...
    Store(tmp_path).close()  # ... yet it did not keep the writer lock


def test_a_pair_is_judged_against_its_neighbourhood_only_among_other_articles(demo):
    """contrast_cos (compare/features.py): the cosine once the pair's neighbourhood centre is taken out.
    It is symmetric, is missing when two articles are compared alone, and two reports of one event stay
    nearer than reports of two events of the same bridge once what the neighbourhood shares is taken out."""
    import numpy as np

    from samestory.compare import compare
    from samestory.compare.align import align
    from samestory.compare.features import CONTRAST_FEATURE, compute, neighbourhood_centre

    herald, baltic, closure, flash = (demo[k] for k in ("bridge_coastal-herald.md", "bridge_baltic-wire.txt",
                                                        "bridge-closure-2024_coastal-herald.md",
                                                        "bridge_rewrite_newsflash.txt"))

    def contrast(x, y):  # among the rest of the demo corpus, as a store holding it judges the pair
        rest = [a for a in demo.values() if a is not x and a is not y]
        centre = neighbourhood_centre(np.stack([a.doc_vector() for a in rest]))
        return compute(x, y, align(x, y), passages=False, centre=centre)[CONTRAST_FEATURE]

    assert neighbourhood_centre(np.zeros((0, herald.doc_vector().size))) is None
    assert CONTRAST_FEATURE not in compare(herald, baltic, passages=False).features
    assert abs(contrast(herald, baltic) - contrast(baltic, herald)) < 1e-6
    # the collapse told by two outlets, and by the newsflash, against the other year's closure of the same bridge
    assert min(contrast(herald, baltic), contrast(flash, herald)) > max(contrast(herald, closure), contrast(flash, closure))


def test_the_clustering_judges_pairs_against_their_neighbourhood(tmp_path, demo):
    """A store whose same-story model reads contrast_cos computes it for every pair it judges once it holds
    other articles; the centre comes from the vectors in its index."""
    from samestory.compare.features import CONTRAST_FEATURE
    from samestory.group import cluster

    seen = []  # (articles in the store, the pair had a centre)
    real = cluster.compute

    def spy(a, b, al, passages=True, centre=None):
        seen.append((len(store.clusterer.story_of), centre is not None))
        return real(a, b, al, passages, centre)

    store = Store(tmp_path)
    if not store.clusterer.judge.model.reads_contrast:
        pytest.skip(f"{store.clusterer.judge.model.name} does not read {CONTRAST_FEATURE}")
    cluster.compute = spy
    try:
        for name in sorted(demo):
            store.add(demo[name])
    finally:
        cluster.compute = real
        store.close()
    # without a centre only while the store holds the pair alone (no third article to be a neighbour)
    assert any(has for _, has in seen) and all(has for n, has in seen if n >= 3), seen


def test_settle_records_its_merges_and_a_reopened_store_keeps_them(tmp_path, demo):
    """Store.settle (group/cluster.py, Clusterer.settle): a second look at stories once a batch is in. A
    pair judged apart on arrival (0.3) is judged together on the second look (0.8, as when its
    neighbourhood has filled in): the two stories merge, the older id survives, the log has the merge
    without an article, and a reopened store has one story."""
    a, b = demo["bridge_coastal-herald.md"], demo["bridge_baltic-wire.txt"]
    key = frozenset((a.id, b.id))
    judge = _TableJudge({key: 0.3})
    with Store(tmp_path / "s") as store:
        store.clusterer.judge = judge
        assert [store.add(x).action for x in (a, b)] == ["new", "new"]
        assert store.settle() == (0, 0) and store.story_ids() == [1, 2]  # nothing changed: nothing done
        judge.table[key] = 0.8
        assert store.settle() == (1, 0)
        assert store.story_ids() == [1]
        merged = [e for e in store.events(1) if e["kind"] == "merged"]
        assert len(merged) == 1 and merged[0]["other"] == 2
    with Store(tmp_path / "s", read_only=True) as again:
        assert again.clusterer.stories() == {1: [1, 2]} and again.story_ids() == [1]


def test_a_batch_cut_short_is_settled_by_the_next_ingest(tmp_path, demo, analyser):
    """Store.ingest notes the stories each article touches in the article's own transaction (``unsettled``),
    so a batch cut short before its second look (Ctrl-C here; a kill is the same for SQLite) gets it from
    the next ingest, even when that one has nothing new to add. The pair is judged apart on arrival (0.3)
    and together by the time of the re-run (0.8), as in the test above."""
    a, b = demo["bridge_coastal-herald.md"], demo["bridge_baltic-wire.txt"]
    judge = _TableJudge({frozenset((a.id, b.id)): 0.3})

    def cut_after_two(art, d):
        if d is not None and d.story == 2:
            raise KeyboardInterrupt

    with Store(tmp_path / "s") as store:
        store.clusterer.judge = judge
        with pytest.raises(KeyboardInterrupt):
            store.ingest([a.article, b.article], analyser, on_decision=cut_after_two)
        assert store.story_ids() == [1, 2] and store.unsettled() == [1, 2]
    judge.table[frozenset((a.id, b.id))] = 0.8
    with Store(tmp_path / "s") as again:
        again.clusterer.judge = judge
        res = again.ingest([a.article, b.article], analyser)
        assert (res.added, res.already_stored, res.unsettled_before, res.merges) == (0, 2, 2, 1)
        assert again.story_ids() == [1] and again.unsettled() == []


def test_kept_neighbourhoods_match_a_fresh_search():
    """Clusterer keeps each article's nearest between arrivals (cluster.Neighbourhoods) instead of searching
    again: after 600 arrivals in clumps, the kept neighbourhoods are (nearly) the exact nearest, the
    evicted ones are searched again, and a limit bounds what is kept."""
    import numpy as np

    from samestory.group.cluster import Neighbourhoods
    from samestory.group.index import VectorIndex

    rng = np.random.default_rng(3)
    centres = rng.normal(size=(30, 64))
    X = centres[rng.integers(0, 30, 600)] + 0.6 * rng.normal(size=(600, 64))
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    index, hoods = VectorIndex(dim=64), Neighbourhoods(k=20, limit=400)
    for i, x in enumerate(X):
        hits = index.search(x, 21)
        hoods.put(i, hits)
        index.add([i], x[None, :])
        hoods.arrived(i, hits)
    kept = [i for i in range(600) if hoods.get(i) is not None]
    assert len(kept) == 400 and hoods.get(0) is None  # the least recently used went first
    overlap = []
    for i in kept:
        sims = X[:600] @ X[i]
        sims[i] = -np.inf
        exact = set(np.argsort(-sims)[:20].tolist())
        overlap.append(len(hoods.get(i) & exact) / 20)
    assert np.mean(overlap) >= 0.95, np.mean(overlap)  # 0.98 here; 0.66 without the updates on arrival
