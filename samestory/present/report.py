"""Human-readable text for a Comparison (the JSON form is Comparison.as_dict())."""

from __future__ import annotations

import textwrap

from ..model import DIMENSIONS, Analysis, Comparison, CopyEdge, Story

_SCALE = "1 = very similar … 4 = very dissimilar"


def _short(text: str, n: int = 110) -> str:
    return textwrap.shorten(text, n, placeholder="…")


def _label(a: Analysis) -> str:
    art = a.article
    bits = [art.title or _short(art.text, 60), art.outlet, art.published]
    return " · ".join(b for b in bits if b)


def comparison_text(c: Comparison, a: Analysis, b: Analysis, max_items: int = 6) -> str:
    out = [f"A: {_label(a)}  [{a.language}, {a.article.source}]",
           f"B: {_label(b)}  [{b.language}, {b.article.source}]", "",
           f"relation:   {c.relation.value} — {c.relation_reason}",
           f"overall:    {c.overall:.2f}  ({_SCALE})",
           f"similarity: {c.similarity:.2f}  (0 … 1 = same story)",
           "dimensions: " + "  ".join(f"{d} {c.scores[d]:.2f}" for d in DIMENSIONS if d != "overall"),
           f"coverage:   {c.coverage['a']:.0%} of A's sentences and {c.coverage['b']:.0%} of B's have a counterpart", ""]
    if c.aligned:
        out.append(f"aligned sentences ({len(c.aligned)}, strongest first):")
        for p in c.aligned[:max_items]:
            out += [f"  {p.similarity:.2f}  A{p.a + 1}: {_short(p.a_text)}", f"        B{p.b + 1}: {_short(p.b_text)}"]
        out.append("")
    if c.quotes:
        out.append(f"quotes found in both ({len(c.quotes)}):")
        for q in c.quotes[:max_items]:
            who = f" — {q.speaker}" if q.speaker else ""
            out += [f"  {q.similarity:.2f}  “{_short(q.a, 100)}”{who}", f"        “{_short(q.b, 100)}”"]
        out.append("")
    for title, sets in (("entities", c.entities), ("places", c.places)):
        out.append(f"{title}: shared {', '.join(sets['shared'][:10]) or '—'}")
        out.append(f"  only in A: {', '.join(sets['only_a'][:10]) or '—'}")
        out.append(f"  only in B: {', '.join(sets['only_b'][:10]) or '—'}")
    d = c.dates
    out.append(f"dates: published A {d['published'][0] or '?'}, B {d['published'][1] or '?'}; "
               f"mentioned in both: {', '.join(d['shared']) or '—'}")
    for side in ("a", "b"):
        items = [f"{x['text']} → {x['value']}" for x in d[f"only_{side}"][:8]]
        out.append(f"  only in {side.upper()}: {', '.join(items) or '—'}")
    out.append("")
    if c.discrepancies:
        out.append(f"discrepancies ({len(c.discrepancies)}):")
        for x in c.discrepancies[:max_items]:
            out.append(f"  {x.kind} ({x.subject}): A “{x.a}” vs B “{x.b}”")
    else:
        out.append("discrepancies: none found")
    if c.substitutions:
        shown = ", ".join(f"“{x.a}” → “{x.b}”" for x in c.substitutions[:max_items * 2])
        more = f" (and {len(c.substitutions) - max_items * 2} more)" if len(c.substitutions) > max_items * 2 else ""
        out.append(f"word substitutions in aligned sentences ({len(c.substitutions)}): {shown}{more}")
    out.append("")
    v = c.versions
    out.append(f"versions: {v.get('analyser')}, scorer {v.get('scorer')}, same-story model {v.get('same_story')}, "
               f"embeddings {v.get('embeddings')}" + (f", passages {v['passages']}" if v.get("passages") else "") +
               f", ner {v.get('ner')}")
    return "\n".join(out)


def lineage_lines(edges: list[CopyEdge], width: int = 110) -> list[str]:
    """Copy edges as text, source → copy, with the evidence (wrapped) and the first sentence the copy adds."""
    out = ["copies (source → copy):"]
    for e in edges:
        out.append(f"  {e.source} → {e.copy}  ({e.relation})")
        out.extend(textwrap.wrap(e.evidence, width, initial_indent="      ", subsequent_indent="      "))
        if e.added:
            out.append(f"      adds: “{_short(e.added[0], width - 12)}”" + (f" (+{e.n_added - 1} more)" if e.n_added > 1 else ""))
    return out


def story_text(s: Story) -> str:
    """A story as text: header, timeline of its articles, copy lineage and independent sources."""
    out = [f"story {s.id}: {s.title or '(no title)'}",
           f"{len(s.articles)} articles from {len(s.outlets)} outlets, {s.first or '?'} → {s.last or '?'}; "
           f"{s.independent_sources} independent sources"]
    if s.outlets:
        out.append("outlets: " + ", ".join(s.outlets))
    out.append("\ntimeline:")
    for r in s.articles:
        when = (r["published"] or f"(added {r['added'][:10]})")[:22]
        out.append(f"  {when:<22} {r['outlet'] or '-':<22} {_short(r['title'] or r['source'], 70)}  [{r['id']}]")
    if s.lineage:
        out.append("")
        out.extend(lineage_lines(s.lineage))
    merges = [e for e in s.events if e["kind"] == "merged"]
    if merges:
        out.append("\nmerged in: " + ", ".join(f"story {e['other']} ({e['time'][:10]})" for e in merges))
    splits = [e for e in s.events if e["kind"] == "split"]
    if splits:
        out.append("\nsplit: " + ", ".join(
            (f"story {e['other']} split off ({e['time'][:10]})" if e["story"] == s.id else
             f"split off from story {e['story']} ({e['time'][:10]})") for e in splits))
    return "\n".join(out)
