"""The ``samestory`` command. Results go to standard output, logs and errors to standard error.

Exit codes: 0 done; 1 done, but some inputs of a batch were skipped; 2 bad command line;
3 bad input (the error names the file and the problem); 4 model or version error; 130 interrupted (Ctrl-C).
"""

from __future__ import annotations

import argparse
import itertools
import json
import logging
import os
import sys
from pathlib import Path
from typing import Any

from .. import __version__
from ..errors import InputError, ModelError, SamestoryError, VersionMismatchError

log = logging.getLogger("samestory")

EXIT_OK, EXIT_SKIPPED, EXIT_USAGE, EXIT_INPUT, EXIT_MODEL, EXIT_INTERRUPTED = 0, 1, 2, 3, 4, 130


def default_cache() -> Path:
    base = os.environ.get("SAMESTORY_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "samestory", "analyses.sqlite")
    return Path(base)


def _analyser(args: argparse.Namespace):
    from ..analyse import Analyser
    from ..analyse.cache import AnalysisCache

    workers = getattr(args, "workers", 1)  # commands without --workers analyse in this process
    if workers is None:  # --workers not given: one per core
        from ..analyse.parallel import default_workers

        workers = default_workers()
    return Analyser(cache=None if args.no_cache else AnalysisCache(args.cache or default_cache()), workers=workers)


def _positive(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        n = 0
    if n < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of at least 1")
    return n


def _read_opts(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", default="auto", choices=["auto", "text", "html", "json", "jsonl", "feed"],
                   help="input form (default: from the extension, else sniffed)")
    p.add_argument("--encoding", help="text encoding of the input files (default: UTF-8)")


def _cache_opts(p: argparse.ArgumentParser, workers: bool = False) -> None:
    p.add_argument("--cache", help=f"analysis cache file (default: $SAMESTORY_CACHE or {default_cache()})")
    p.add_argument("--no-cache", action="store_true", help="do not read or write the analysis cache")
    if workers:
        p.add_argument("--workers", type=_positive, metavar="N",
                       help="analyse in N processes (default: the number of cores, at most 8; 1: in this process)")


def _dump(obj: Any) -> None:
    json.dump(obj, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def cmd_compare(args: argparse.Namespace) -> int:
    from ..compare import compare
    from ..read import read
    from .report import comparison_text

    if args.a == "-" and args.b == "-":
        raise InputError("<stdin>", "only one of the two articles can come from standard input")
    arts = [read(p, format=args.format, encoding=args.encoding) for p in (args.a, args.b)]
    analyser = _analyser(args)
    a, b = analyser.with_passages(analyser.analyse_many(arts))
    c = compare(a, b, scorer_name=args.scorer)
    if args.json:
        _dump({"comparison": c.as_dict(), "articles": [x.article.as_dict() for x in (a, b)]})
    else:
        print(comparison_text(c, a, b))
    return EXIT_OK


def _batch(args: argparse.Namespace) -> tuple[list[Any], list[InputError]]:
    from ..read import iter_articles

    skipped: list[InputError] = []

    def report(e: InputError) -> None:
        skipped.append(e)
        print(f"samestory: skipped {e}", file=sys.stderr)

    return list(iter_articles(args.paths, format=args.format, encoding=args.encoding, on_error=report)), skipped


def _analysed_pairs_batch(args: argparse.Namespace) -> tuple[list[Any], list[InputError]]:
    """The articles under ``args.paths``, analysed; at least two (demo and lineage compare them pairwise)."""
    arts, skipped = _batch(args)
    if len(arts) < 2:
        raise InputError(" ".join(args.paths), f"found {len(arts)} readable article(s); need at least two")
    analyser = _analyser(args)
    return analyser.with_passages(analyser.analyse_many(arts)), skipped


def cmd_read(args: argparse.Namespace) -> int:
    arts, skipped = _batch(args)
    for a in arts:
        print(json.dumps(a.as_dict(), ensure_ascii=False))
    return EXIT_SKIPPED if skipped else EXIT_OK


def cmd_analyse(args: argparse.Namespace) -> int:
    arts, skipped = _batch(args)
    with _analyser(args) as analyser:
        for an in analyser.analyse_many(arts):
            if args.json:
                print(json.dumps(an.as_dict(), ensure_ascii=False))
            else:
                ents = ", ".join(f"{e.name} ({e.label.lower()})" for e in sorted(an.entities, key=lambda e: -e.count)[:8])
                print(f"{an.article.source}: {an.article.title or '(no title)'}\n  language {an.language}, "
                      f"{len(an.sentences)} sentences, {len(an.quotes)} quotes, {len(an.dates)} dates\n  entities: {ents or '—'}")
    return EXIT_SKIPPED if skipped else EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    """Compare every pair of articles under the given paths and print the relations found."""
    from ..compare import compare

    analyses, skipped = _analysed_pairs_batch(args)
    rows = []
    for a, b in itertools.combinations(analyses, 2):
        c = compare(a, b, scorer_name=args.scorer)
        rows.append((a, b, c))
    if args.json:
        _dump([{"a": a.article.source, "b": b.article.source, "relation": c.relation.value,
                "overall": c.overall, "similarity": c.similarity} for a, b, c in rows])
        return EXIT_SKIPPED if skipped else EXIT_OK
    shown = [r for r in rows if args.all or r[2].relation.value != "unrelated"]
    print(f"{len(analyses)} articles, {len(rows)} pairs; {len(rows) - len(shown)} unrelated pairs not shown (--all shows them)\n")
    print(f"{'relation':<11} {'overall':>7}  pair")
    order = ["duplicate", "rewrite", "same_story", "related", "unrelated"]
    for a, b, c in sorted(shown, key=lambda r: (order.index(r[2].relation.value), r[2].overall)):
        print(f"{c.relation.value:<11} {c.overall:7.2f}  {Path(a.article.source).name} ↔ {Path(b.article.source).name}")
    return EXIT_SKIPPED if skipped else EXIT_OK


def cmd_lineage(args: argparse.Namespace) -> int:
    """Who copied whom among the articles under the given paths."""
    from dataclasses import asdict

    from ..group.lineage import Member, trace
    from .report import lineage_lines

    analyses, skipped = _analysed_pairs_batch(args)
    names = [Path(a.article.source).name for a in analyses]
    if len(set(names)) < len(names):  # the same file name in two folders, or lines of one JSONL file
        names = [a.article.source for a in analyses]
    lin = trace([Member(n, a, a.published, k) for k, (n, a) in enumerate(zip(names, analyses))])
    if args.json:
        _dump({"articles": [{"name": n, "id": a.article.id, "title": a.article.title, "published": a.published}
                            for n, a in zip(names, analyses)],
               "edges": [asdict(e) for e in lin.edges], "groups": lin.groups, "originals": lin.originals,
               "independent_sources": lin.independent_sources})
        return EXIT_SKIPPED if skipped else EXIT_OK
    print(f"{len(analyses)} articles, {lin.independent_sources} independent sources\n")
    print("\n".join(lineage_lines(lin.edges)) if lin.edges else "no copies: every article is independent coverage")
    print("\noriginals (the most complete article of each group of copies):")
    for g, o in zip(lin.groups, lin.originals):
        rest = [x for x in g if x != o]
        print(f"  {o}" + (f"  (copied by {', '.join(rest)})" if rest else ""))
    return EXIT_SKIPPED if skipped else EXIT_OK


def cmd_eval_pairs(args: argparse.Namespace) -> int:
    from ..evaluate.pairs import evaluate
    from ..evaluate.pairs_data import load_articles, load_pairs

    for p in [args.pairs, *args.articles]:
        if not Path(p).is_file():
            raise InputError(p, "no such file")
    with _analyser(args) as analyser:
        result = evaluate(load_pairs(args.pairs), load_articles(args.articles), analyser, args.scorer, args.cv)
    if args.json:
        _dump(result)
    else:
        print(f"{result['mode']}: n = {result['n']}, Pearson overall = {result['pearson_overall']}")
        for d, r in result["pearson"].items():
            print(f"  {d:<10} {r}")
        for lang, r in result["pearson_overall_by_language"].items():
            print(f"  {lang:<6} n={r['n']:<5} overall {r['pearson']}")
    return EXIT_OK


def cmd_eval_reuse(args: argparse.Namespace) -> int:
    from ..evaluate import reuse, reuse_data

    for sub in ("semeval2022_task8", "ecbplus_dev"):
        if not (Path(args.data) / sub).is_dir():
            raise InputError(str(Path(args.data) / sub), "no such folder (the reuse benchmark is generated from it)")
    data = reuse_data.load(args.data)
    pairs = reuse_data.build(data, args.sources, args.negatives, args.split, args.seed)
    with _analyser(args) as analyser:
        found = reuse.run(pairs, analyser, args.show_errors)
    result = {"split": args.split, **found,
              "ecb_same_story_pairs_left_out_as_copies": data.wire_copies}
    if args.json:
        _dump(result)
        return EXIT_OK
    d, r = result["duplicate"], result["rewrite"]
    print(f"{result['n_pairs']} pairs from {result['n_sources']} sources ({args.split} split)")
    print(f"  duplicate  precision {d['precision']}  recall {d['recall']}")
    print(f"  rewrite    precision {r['precision']}  recall {r['recall']}  (called a copy: {r['copy_recall']})")
    print(f"  independent same-story pairs called a copy: {result['independent_called_copy']}")
    print(f"  same-topic pairs called a copy: {result['same_topic_called_copy']}")
    print(f"\n  {'variant':<12} {'n':>4}  " + "  ".join(f"{x:>10}" for x in reuse.RELATIONS))
    for v, c in result["variants"].items():
        print(f"  {v:<12} {c['n']:>4}  " + "  ".join(f"{c.get(x, 0):>10}" for x in reuse.RELATIONS))
    for e in result.get("errors", []):
        print(f"  miss: {e['variant']:<12} expected {e['expected']:<10} got {e['got']:<10} {e['a']} ↔ {e['b']}")
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    from ..compare.scorer import DEFAULT_SCORER
    from . import cli_group  # the store commands; it imports this module's helpers

    p = argparse.ArgumentParser(prog="samestory", description="Do these news articles tell the same story? "
                                "How are they related, and what does each add, drop or contradict?")
    p.add_argument("--version", action="version", version=f"samestory {__version__}")
    p.add_argument("-v", "--verbose", action="count", default=0, help="more log output on stderr (-vv for debug)")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    c = sub.add_parser("compare", help="compare two articles: scores, relation and evidence",
                       description="Compare two articles (files, or - for standard input) and explain how they relate.")
    c.add_argument("a", help="first article: a file (.txt/.md, .html, .json) or -")
    c.add_argument("b", help="second article")
    c.add_argument("--json", action="store_true", help="print the comparison as JSON")
    c.add_argument("--scorer", default=DEFAULT_SCORER, help=f"scorer version (default: {DEFAULT_SCORER})")
    _read_opts(c)
    _cache_opts(c)
    c.set_defaults(func=cmd_compare)

    r = sub.add_parser("read", help="read files and folders, print one JSON article per line")
    r.add_argument("paths", nargs="+", help="files, folders or - for standard input")
    _read_opts(r)
    r.set_defaults(func=cmd_read)

    a = sub.add_parser("analyse", help="analyse articles: language, sentences, entities, dates, quotes")
    a.add_argument("paths", nargs="+", help="files, folders or -")
    a.add_argument("--json", action="store_true", help="one JSON analysis per line")
    _read_opts(a)
    _cache_opts(a, workers=True)
    a.set_defaults(func=cmd_analyse)

    d = sub.add_parser("demo", help="compare every pair of articles in files or folders (default: the demo corpus)")
    d.add_argument("paths", nargs="*", default=[str(Path(__file__).resolve().parents[2] / "demo" / "corpus")])
    d.add_argument("--all", action="store_true", help="also list unrelated pairs")
    d.add_argument("--json", action="store_true")
    d.add_argument("--scorer", default=DEFAULT_SCORER)
    _read_opts(d)
    _cache_opts(d)
    d.set_defaults(func=cmd_demo)

    li = sub.add_parser("lineage", help="who copied whom in a set of articles, and how many independent sources",
                        description="Find the copies (duplicates and rewrites) among the articles in files or folders, "
                                    "the direction of each copy with its evidence (publication dates, how much of each "
                                    "text the other holds, what the copy adds), the most complete original of each "
                                    "group of copies, and the count of independent sources.")
    li.add_argument("paths", nargs="+", help="files, folders or -")
    li.add_argument("--json", action="store_true")
    _read_opts(li)
    _cache_opts(li)
    li.set_defaults(func=cmd_lineage)

    cli_group.add_commands(sub)

    e = sub.add_parser("eval", help="measure quality on labelled data")
    esub = e.add_subparsers(dest="what", required=True, metavar="WHAT")
    ep = esub.add_parser("pairs", help="Pearson of predicted vs human SemEval-2022 Task 8 labels",
                         description="Score labelled pairs (SemEval-2022 Task 8 format) and print Pearson per "
                                     "dimension and per language pair.")
    ep.add_argument("--pairs", required=True, help="pairs JSONL: id1, id2, lang1, lang2 and the seven labels")
    ep.add_argument("--articles", required=True, nargs="+", help="article JSONL files (id, title, text, …)")
    ep.add_argument("--cv", type=int, metavar="K", help="retrain in K folds grouped by article and score out-of-fold")
    ep.add_argument("--json", action="store_true")
    ep.add_argument("--scorer", default=DEFAULT_SCORER)
    _cache_opts(ep, workers=True)
    ep.set_defaults(func=cmd_eval_pairs)
    cli_group.add_eval_clusters(esub)

    er = esub.add_parser("reuse", help="copy detection on a benchmark generated from real articles",
                         description="Generate reprints, light edits, synonym spins, reordered and merged copies of "
                                     "real articles in DATA, with independent same-story and same-topic pairs as "
                                     "negatives, and score the duplicate / rewrite decisions (how each variant is "
                                     "made: samestory/evaluate/reuse_data.py).")
    er.add_argument("--data", default="../shared/data",
                    help="folder holding semeval2022_task8/ and ecbplus_dev/ (default: ../shared/data)")
    er.add_argument("--split", default="test", choices=["dev", "test", "all"],
                    help="which half of the sources and pairs (declared by a hash of their ids; default: test)")
    er.add_argument("--sources", type=int, default=100, help="source articles, each copied 10 ways (default: 100)")
    er.add_argument("--negatives", type=int, default=150, help="pairs of each negative kind (default: 150)")
    er.add_argument("--seed", type=int, default=0, help="seed for choosing sources and negatives (default: 0)")
    er.add_argument("--show-errors", type=int, default=0, metavar="N", help="list up to N wrong decisions")
    er.add_argument("--json", action="store_true")
    _cache_opts(er, workers=True)
    er.set_defaults(func=cmd_eval_reuse)
    return p


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    level = logging.WARNING - 10 * min(args.verbose, 2)
    logging.basicConfig(level=level, format="samestory: %(message)s", stream=sys.stderr)
    try:
        return args.func(args)
    except InputError as e:
        print(f"samestory: error: {e}", file=sys.stderr)
        return EXIT_INPUT
    except (ModelError, VersionMismatchError) as e:
        print(f"samestory: error: {e}", file=sys.stderr)
        return EXIT_MODEL
    except SamestoryError as e:
        print(f"samestory: error: {e}", file=sys.stderr)
        return EXIT_INPUT
    except BrokenPipeError:
        return EXIT_OK
    except KeyboardInterrupt:
        # what was stored is kept (each article is one transaction); ingest skips it when run again
        print("samestory: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


if __name__ == "__main__":
    sys.exit(main())
