"""The store commands of ``samestory``: ingest, stories, story, similar, serve, and ``eval clusters``.

A thin layer over samestory.group (store, clustering, story summaries), samestory.evaluate.clusters
and, for serve, the HTTP service in present/service.py.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import Counter
from pathlib import Path

from ..errors import InputError, VersionMismatchError
from .cli import EXIT_OK, EXIT_SKIPPED, EXIT_USAGE, _analyser, _cache_opts, _dump, _positive, _read_opts, default_cache

DEFAULT_STORE = "samestory-store"


def default_store() -> str:
    return os.environ.get("SAMESTORY_STORE") or DEFAULT_STORE


def _store(args: argparse.Namespace, create: bool = False):
    """The store for writing (ingest: created when missing) or for reading only (no writer lock)."""
    from ..group.store import Store

    return Store(args.store, create=create, read_only=not create, passages=getattr(args, "passages", False))


def cmd_ingest(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from ..read import Revalidation

    skipped: list[InputError] = []
    bar = tqdm(desc="ingest", unit=" articles", file=sys.stderr, disable=args.quiet or None)

    def report(e: InputError) -> None:
        skipped.append(e)
        tqdm.write(f"samestory: skipped {e}", file=sys.stderr)

    def step(art, decision) -> None:
        bar.update(1)
        if args.verbose_decisions and decision is not None:
            tqdm.write(f"{art.source}: {decision.action} story {decision.story}", file=sys.stderr)

    if args.follow and "-" in args.paths:
        print("samestory: --follow reads its inputs again and again; standard input (-) can be read only once",
              file=sys.stderr)
        return EXIT_USAGE
    revalidation = Revalidation() if args.follow else None
    with _store(args, create=True) as store, _analyser(args) as analyser:
        if args.passages and not store.clusterer.judge.cascade:
            print(f"samestory: warning: --passages does nothing here: this store's same-story model "
                  f"({store.meta('same_story')}) reads no passage vectors", file=sys.stderr)
        cost: Counter[str] = Counter()  # since the command started (over every --follow round)
        while True:
            unchanged = revalidation.unchanged if revalidation else 0
            arts = _sources(args, store, report, revalidation)
            res = store.ingest(arts, analyser, on_decision=step)
            cost.update(res.cost)
            summary = {"store": str(store.dir), "added": res.added, "already_stored": res.already_stored,
                       "skipped": len(skipped), "new_stories": res.new_stories, "merges": res.merges,
                       "splits": res.splits, "unsettled_before": res.unsettled_before, "articles": len(store), "stories": len(store.story_ids()),
                       "cost": dict(cost)}
            if revalidation is None:
                break
            summary["unchanged_inputs"] = revalidation.unchanged - unchanged
            _ingest_summary(summary, args.json, one_line=True)  # a line per round; Ctrl-C ends the loop
            sys.stdout.flush()
            skipped.clear()
            time.sleep(args.follow)
        bar.close()
    _ingest_summary(summary, args.json)
    return EXIT_SKIPPED if skipped else EXIT_OK


def _sources(args: argparse.Namespace, store, report, revalidation):
    """The articles of ``args.paths`` in the order given: a samestory store folder gives its stored articles
    as they were read (so a store made by an older analyser version is rebuilt by ingesting it into a new
    one); anything else is read (read/)."""
    from ..group.store import Store
    from ..read import iter_articles

    for path in args.paths:
        if path == "-" or not Store.found_in(path):
            yield from iter_articles([path], format=args.format, encoding=args.encoding, on_error=report,
                                     known=store.has_id, revalidation=revalidation)
        elif Path(path).resolve() == store.dir.resolve():
            report(InputError(path, "the store being ingested into; its articles are already in it"))
        else:
            old = Store(path, create=False, read_only=True)
            try:
                yield from old.articles()
            finally:
                old.close()


def _ingest_summary(summary: dict, as_json: bool, one_line: bool = False) -> None:
    if as_json and one_line:  # --follow --json: a JSON Lines stream
        print(json.dumps(summary, ensure_ascii=False))
    elif as_json:
        _dump(summary)
    else:
        print(f"{summary['added']} added, {summary['already_stored']} already stored, {summary['skipped']} skipped; "
              f"{summary['new_stories']} new stories, {summary['merges']} merges, {summary['splits']} splits. The store {summary['store']} "
              f"holds {summary['articles']} articles in {summary['stories']} {'story' if summary['stories'] == 1 else 'stories'}."
              + (f" {summary['unchanged_inputs']} of the inputs unchanged since the last round."
                 if summary.get("unchanged_inputs") else "")
              + _unsettled_text(summary.get("unsettled_before", 0))
              + _cost_text(summary["cost"]))


def _unsettled_text(n: int) -> str:
    """Stories an interrupted ingest left without the second look (Store.unsettled), given it by this one."""
    if not n:
        return ""
    return (" 1 story left by an interrupted ingest had its second look." if n == 1 else
            f" {n} stories left by an interrupted ingest had their second look.")


def _cost_text(cost: dict[str, int]) -> str:
    """The passage-vector cascade's cost (ingest --passages), counted since the command started."""
    if not cost.get("pairs_rejudged_with_passages") and not cost.get("passage_vectors_made"):
        return ""
    return (f" Of {cost['pairs_judged']} pairs judged, {cost['pairs_rejudged_with_passages']} were judged again with "
            f"passage vectors ({cost['passage_vectors_made']} vectors made).")


def cmd_stories(args: argparse.Namespace) -> int:
    from ..group.story import overview

    with _store(args) as store:
        rows = [r for r in overview(store) if r["size"] >= args.min_size]
    if args.json:
        _dump(rows)
        return EXIT_OK
    print(f"{'story':>6} {'articles':>8} {'outlets':>7}  {'first':<10} {'last':<10}  title")
    for r in rows:
        print(f"{r['id']:>6} {r['size']:>8} {r['outlets']:>7}  {(r['first'] or '')[:10]:<10} {(r['last'] or '')[:10]:<10}  "
              f"{r['title'] or '(no title)'}")
    return EXIT_OK


def cmd_story(args: argparse.Namespace) -> int:
    from ..group.story import summarise
    from .report import story_text

    with _store(args) as store:
        s = summarise(store, args.id)
    if args.json:
        _dump(s.as_dict())
    else:
        print(story_text(s))
    return EXIT_OK


def cmd_similar(args: argparse.Namespace) -> int:
    from ..group.similar import similar
    from ..read import read

    with _store(args) as store:
        if Path(args.article).exists() or args.article == "-":
            if store.stale:
                raise VersionMismatchError(f"{store.dir}: the store was built with {store.stale}, so an article analysed "
                                           f"now cannot be compared with its own; give a stored article's id, or build "
                                           f"a new store from it: {store.rebuild_command()}")
            query = next(_analyser(args).analyse_many([read(args.article, format=args.format, encoding=args.encoding)]))
        else:
            query = store.analysis(store.rowid_of(args.article))
        hits = similar(store, query, args.k)
    if args.json:
        _dump(hits)
        return EXIT_OK
    print(f"{'cosine':>6} {'P(same)':>7} {'overall':>7}  {'relation':<10} {'story':>5}  article")
    for h in hits:
        print(f"{h['cosine']:6.3f} {h['same_story_probability']:7.2f} {h['overall']:7.2f}  {h['relation']:<10} "
              f"{h['story']:>5}  {h['id']}  {h['title'] or h['source']}")
    return EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn
    from pydantic import ValidationError

    from .service import Settings, create_app

    try:
        settings = Settings(store=args.store, cache=None if args.no_cache else (args.cache or default_cache()),
                            max_request_bytes=args.max_request_bytes, max_batch=args.max_batch,
                            fetch_urls=not args.no_fetch, passages=args.passages)
    except ValidationError as e:
        for err in e.errors():
            where = ".".join(map(str, err["loc"])) or "settings"
            print(f"samestory: error: serve: {where}: {err['msg']}", file=sys.stderr)
        return EXIT_USAGE
    app = create_app(settings)
    print(f"samestory: serving the store {settings.store} on http://{args.host}:{args.port}/ "
          f"(API under /v1, OpenAPI at /openapi.json)", file=sys.stderr)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning" if args.quiet else "info",
                access_log=not args.quiet)
    return EXIT_OK


def cmd_eval_clusters(args: argparse.Namespace) -> int:
    from ..evaluate.clusters import cross_validate, evaluate, load_documents
    from ..group.cluster import Judge

    if not Path(args.documents).is_file():
        raise InputError(args.documents, "no such file")
    arts, gold, topic, skipped = load_documents(args.documents)
    for e in skipped:
        print(f"samestory: skipped {e}", file=sys.stderr)
    with _analyser(args) as analyser:
        analyses = list(analyser.analyse_many(arts))
        if args.cv:  # retraining reads every pair's passage vectors
            result = cross_validate(analyser.with_passages(analyses), gold, topic, args.cv, passages=args.passages)
        else:  # with --passages the cascade makes them where it needs them, kept in the analysis cache
            result = evaluate(analyses, gold, topic, Judge(table=analyser.cache.passages if analyser.cache else None,
                                                           passages=args.passages))
    result["skipped_documents"] = len(skipped)
    result["mode"] = f"{args.cv}-fold cross-validation by topic" if args.cv else "packaged same-story model"
    if not args.cv and trained_on(args.documents):
        result["warning"] = ("the packaged same-story model was trained on these documents: these figures are in-sample; "
                             "--cv K gives held-out figures")
    if args.json:
        _dump(result)
    else:
        if "warning" in result:
            print(f"samestory: warning: {result['warning']}", file=sys.stderr)
        print(f"{result['mode']}: {result['n_documents']} documents, {result['n_gold_stories']} gold stories, "
              f"{result['n_stories']} found\n  BCubed P {result['bcubed_precision']}  R {result['bcubed_recall']}  "
              f"F1 {result['bcubed_f1']}\n  ARI {result['ari']}")
    return EXIT_OK


def trained_on(path: str) -> bool:
    from ..compare.scorer import load_same_story
    from ..compare.train import digest

    return load_same_story().meta.get("data_digest") == digest([path])


def add_commands(sub: argparse._SubParsersAction) -> None:
    def store_opt(p: argparse.ArgumentParser) -> None:
        p.add_argument("--store", default=default_store(), metavar="DIR",
                       help=f"store folder (default: $SAMESTORY_STORE or ./{DEFAULT_STORE})")

    i = sub.add_parser("ingest", help="add articles to a store and group them into stories",
                       description="Read, analyse and store articles; each joins a story or founds one, and once "
                                   "they are all in (each round, with --follow), the stories they touched get a second "
                                   "look, among the whole batch: a split, or a merge with a neighbouring story. Articles "
                                   "already stored are skipped, so an interrupted ingest can simply be run again: it "
                                   "adds the rest and gives the interrupted batch's stories their second look. "
                                   "A URL is fetched: a page, a dump or a live RSS/Atom feed (entries that carry only "
                                   "a teaser are read from their linked pages).")
    i.add_argument("paths", nargs="+", help="files, folders, JSON/JSONL dumps, http(s) URLs or - for standard input; "
                                            "a store folder gives its stored articles (to rebuild a store made by "
                                            "another analyser version: ingest OLD_DIR --store NEW_DIR)")
    i.add_argument("--follow", type=_positive, metavar="SECONDS",
                   help="keep going: read the inputs again every SECONDS (a live feed's new entries are added, "
                        "what is stored is skipped, and a URL whose server says it has not changed since the last "
                        "round, by ETag or Last-Modified, is not downloaded again) and print a summary line each "
                        "round (with --json: a JSON object per line, with unchanged_inputs), until Ctrl-C")
    i.add_argument("--json", action="store_true", help="print the summary as JSON")
    i.add_argument("--quiet", action="store_true", help="no progress bar")
    i.add_argument("--verbose-decisions", action="store_true", help="print each article's story decision on stderr")
    i.add_argument("--passages", action="store_true",
                   help="judge the pairs the clustering is unsure of again with passage vectors (kept in the store): "
                        "somewhat better stories, several times slower (see README)")
    store_opt(i)
    _read_opts(i)
    _cache_opts(i, workers=True)
    i.set_defaults(func=cmd_ingest)

    s = sub.add_parser("stories", help="list the stories in a store, largest first")
    s.add_argument("--min-size", type=int, default=1, help="only stories with at least this many articles")
    s.add_argument("--json", action="store_true")
    store_opt(s)
    s.set_defaults(func=cmd_stories)

    st = sub.add_parser("story", help="one story: articles, outlets, timeline, copy lineage, independent sources")
    st.add_argument("id", type=int, help="story id (an id merged into another story still finds it)")
    st.add_argument("--json", action="store_true")
    store_opt(st)
    st.set_defaults(func=cmd_story)

    si = sub.add_parser("similar", help="the stored articles nearest to one article, with their relation")
    si.add_argument("article", help="a stored article's id, or a file to compare with the store")
    si.add_argument("-k", type=int, default=10, help="how many (default 10)")
    si.add_argument("--json", action="store_true")
    store_opt(si)
    _read_opts(si)
    _cache_opts(si)
    si.set_defaults(func=cmd_similar)

    add_serve(sub, store_opt)


def add_serve(sub: argparse._SubParsersAction, store_opt) -> None:
    sv = sub.add_parser("serve", help="the HTTP service and web page on a store",
                        description="Serve the JSON API (/v1/compare, /v1/articles, /v1/stories, …; OpenAPI at "
                                    "/openapi.json) and the web page (/) on one store. Stop with Ctrl-C.")
    sv.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this machine only)")
    sv.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    sv.add_argument("--max-request-bytes", type=int, default=5_000_000, help="largest request body (default 5 MB)")
    sv.add_argument("--max-batch", type=int, default=100, help="most articles in one POST /v1/articles (default 100)")
    sv.add_argument("--no-fetch", action="store_true",
                    help="refuse articles sent as a url instead of fetching their pages (for a service others can "
                         "reach, which should not make requests into its network on their behalf)")
    sv.add_argument("--passages", action="store_true",
                    help="as ingest --passages: articles posted to /v1/articles are grouped with the passage-vector "
                         "cascade (several times slower, somewhat better stories; see README)")
    sv.add_argument("--quiet", action="store_true", help="no access log")
    store_opt(sv)
    _cache_opts(sv)
    sv.set_defaults(func=cmd_serve)


def add_eval_clusters(esub: argparse._SubParsersAction) -> None:
    ec = esub.add_parser("clusters", help="BCubed F1 and ARI of the story clustering against gold stories",
                         description="Cluster documents carrying a gold story_id (JSONL: id, text, story_id, "
                                     "optionally topic) and score the clusters.")
    ec.add_argument("--documents", required=True, help="documents JSONL with id, text and story_id")
    ec.add_argument("--cv", type=int, metavar="K",
                    help="retrain the same-story model in K folds of topics and cluster each held-out fold")
    ec.add_argument("--passages", action="store_true",
                    help="cluster as ingest --passages does (with --cv: reported beside the default, under with_passages)")
    ec.add_argument("--json", action="store_true")
    _cache_opts(ec, workers=True)
    ec.set_defaults(func=cmd_eval_clusters)
