// The samestory page: compare two articles, browse stories. It only calls the JSON API (/v1/...).
// Article text is untrusted: it reaches the page through textContent and attribute setters only,
// never as markup (no innerHTML anywhere in this file).
"use strict";

const $ = (id) => document.getElementById(id);

function el(tag, opts = {}, children = []) {
  const node = document.createElement(tag);
  if (opts.cls) node.className = opts.cls;
  if (opts.text !== undefined && opts.text !== null) node.textContent = String(opts.text);
  if (opts.title) node.title = String(opts.title);
  for (const [k, v] of Object.entries(opts.data || {})) node.dataset[k] = String(v);
  for (const c of children) if (c) node.appendChild(c);
  return node;
}

function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }

async function api(path, body) {
  const init = body === undefined ? {} : {method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify(body)};
  const res = await fetch(path, init);
  let data = null;
  try { data = await res.json(); } catch (e) { /* not JSON */ }
  if (!res.ok) {
    const msg = data && data.error ? data.error.message : `HTTP ${res.status}`;
    throw new Error(msg);
  }
  return data;
}

// ---- compare ---------------------------------------------------------------------------------------

// Each side is either pasted/uploaded content, the address of a page (pasted alone; the service fetches
// it), or a stored article chosen on a story page.
const stored = {a: null, b: null};
const PAGE_URL = /^https?:\/\/\S+$/i;

function sideInput(side) {
  if (stored[side]) return {id: stored[side]};
  const text = $(`text-${side}`).value, name = `article ${side.toUpperCase()}`;
  if (PAGE_URL.test(text.trim())) return {url: text.trim(), name};
  return {content: text, format: $(`format-${side}`).value, name};
}

function setStored(side, id, label) {
  stored[side] = id;
  const ta = $(`text-${side}`);
  ta.value = "";
  ta.disabled = !!id;
  ta.placeholder = id ? "" : "Paste an article: plain text, HTML, or a JSON object";
  $(`ref-${side}`).textContent = id ? `stored article: ${label}` : "";
}

for (const side of ["a", "b"]) {
  $(`file-${side}`).addEventListener("change", async (ev) => {
    const f = ev.target.files[0];
    if (!f) return;
    setStored(side, null);
    $(`text-${side}`).value = await f.text();
    const ext = f.name.split(".").pop().toLowerCase();
    $(`format-${side}`).value = {html: "html", htm: "html", json: "json", txt: "text", md: "text"}[ext] || "auto";
  });
  $(`text-${side}`).addEventListener("input", () => { if (stored[side]) setStored(side, null); });
}

$("compare-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const status = $("compare-status");
  status.textContent = "comparing…";
  status.classList.remove("error");
  $("compare-button").disabled = true;
  $("result").hidden = true;
  $("view-compare").setAttribute("aria-busy", "true");
  try {
    const data = await api("/v1/compare", {a: sideInput("a"), b: sideInput("b")});
    showComparison(data);
    status.textContent = "";
  } catch (e) {
    status.textContent = e.message;
    status.classList.add("error");
    $("result").hidden = true;
  } finally {
    $("compare-button").disabled = false;
    $("view-compare").setAttribute("aria-busy", "false");
  }
});

function fmt(x, digits = 2) { return typeof x === "number" ? x.toFixed(digits) : "—"; }

function showComparison(data) {
  const c = data.comparison;
  const [A, B] = data.articles;
  $("result").hidden = false;
  const rel = $("relation");
  rel.textContent = c.relation.replace("_", " ");
  rel.className = `relation rel-${c.relation}`;
  $("relation-reason").textContent = c.relation_reason;
  $("similarity").textContent = fmt(c.similarity);
  $("p-same").textContent = fmt(c.same_story_probability);
  $("overall").textContent = fmt(c.overall);

  const tbody = $("scores").tBodies[0];
  clear(tbody);
  for (const dim of ["geography", "entities", "time", "narrative", "style", "tone"]) {
    const v = c.scores[dim];
    const bar = el("div", {cls: "bar"});
    bar.style.width = `${Math.max(0, Math.min(1, (4 - v) / 3)) * 100}%`;
    tbody.appendChild(el("tr", {data: {dim}}, [el("th", {text: dim}), el("td", {cls: "num", text: fmt(v)}),
                                               el("td", {cls: "barcell"}, [bar])]));
  }

  for (const [side, art] of [["a", A], ["b", B]]) {
    $(`title-${side}`).textContent = art.title || "(no title)";
    $(`meta-${side}`).textContent = [art.outlet, art.published, art.language, art.source].filter(Boolean).join(" · ");
  }
  showSentences(c, A, B);

  const quotes = $("quotes");
  clear(quotes);
  for (const q of c.quotes) {
    quotes.appendChild(el("li", {cls: "quote"}, [
      el("span", {cls: "speaker", text: q.speaker ? `${q.speaker}: ` : ""}),
      el("q", {text: q.a}), el("span", {cls: "muted", text: " ↔ "}), el("q", {text: q.b}),
      el("span", {cls: "muted", text: ` (${fmt(q.similarity)})`})]));
  }
  if (!c.quotes.length) quotes.appendChild(el("li", {cls: "muted", text: "no quote in common"}));

  showChips($("entities"), c.entities);
  showChips($("places"), c.places);

  const disc = $("discrepancies");
  clear(disc);
  for (const d of c.discrepancies) {
    disc.appendChild(el("li", {cls: "discrepancy"}, [
      el("strong", {text: `${d.kind}: `}), el("span", {text: d.subject}), el("br"),
      el("span", {cls: "side-a", text: `A: ${d.a}`}), el("span", {text: "  "}), el("span", {cls: "side-b", text: `B: ${d.b}`}),
      el("div", {cls: "muted small", text: d.evidence})]));
  }
  if (!c.discrepancies.length) disc.appendChild(el("li", {cls: "muted", text: "none found"}));

  const subs = $("substitutions");
  clear(subs);
  for (const x of c.substitutions || []) {
    subs.appendChild(el("li", {cls: "substitution", title: `A${x.a_sentence + 1} ↔ B${x.b_sentence + 1}`}, [
      el("span", {cls: "side-a", text: x.a}), el("span", {cls: "muted", text: " → "}), el("span", {cls: "side-b", text: x.b})]));
  }
  if (!(c.substitutions || []).length) subs.appendChild(el("li", {cls: "muted", text: "none (or the articles are in two languages)"}));
}

function showChips(box, groups) {
  clear(box);
  for (const [key, label] of [["shared", "shared"], ["only_a", "only in A"], ["only_b", "only in B"]]) {
    const names = groups[key] || [];
    const line = el("div", {cls: `chips chips-${key}`}, [el("span", {cls: "chips-label", text: `${label}: `})]);
    for (const n of names) line.appendChild(el("span", {cls: "chip", text: n}));
    if (!names.length) line.appendChild(el("span", {cls: "muted", text: "—"}));
    box.appendChild(line);
  }
}

function showSentences(c, A, B) {
  // partner[side][i] = the indices of the other article's sentences aligned to sentence i
  const partner = {a: new Map(), b: new Map()};
  const add = (m, k, v) => { if (!m.has(k)) m.set(k, []); m.get(k).push(v); };
  for (const p of c.aligned) { add(partner.a, p.a, p.b); add(partner.b, p.b, p.a); }
  const sim = new Map(c.aligned.map((p) => [`${p.a}:${p.b}`, p]));

  for (const [side, art, other] of [["a", A, "b"], ["b", B, "a"]]) {
    const list = $(`sentences-${side}`);
    clear(list);
    art.sentences.forEach((text, i) => {
      const li = el("li", {text, data: {side, index: i}});
      li.id = `s-${side}-${i}`;
      const matches = partner[side].get(i);
      if (matches) {
        li.classList.add("aligned");
        const p = sim.get(side === "a" ? `${i}:${matches[0]}` : `${matches[0]}:${i}`);
        const lexical = p ? p.lexical : 0;
        li.classList.add(lexical >= 0.8 ? "same-wording" : "reworded");
        li.title = `matches ${other.toUpperCase()} ${matches.map((j) => j + 1).join(", ")}` +
                   (p ? ` (meaning ${fmt(p.similarity)}, wording ${fmt(p.lexical)})` : "");
        li.appendChild(el("span", {cls: "link", text: ` ↔ ${other.toUpperCase()}${matches.map((j) => j + 1).join(",")}`}));
        const targets = () => [li, ...matches.map((j) => $(`s-${other}-${j}`)).filter(Boolean)];
        li.addEventListener("mouseenter", () => targets().forEach((n) => n.classList.add("hl")));
        li.addEventListener("mouseleave", () => targets().forEach((n) => n.classList.remove("hl")));
        li.addEventListener("click", () => { const t = $(`s-${other}-${matches[0]}`); if (t) t.scrollIntoView({block: "center"}); });
      }
      list.appendChild(li);
    });
  }
}

// ---- stories ---------------------------------------------------------------------------------------

async function showStories() {
  const status = $("stories-status");
  status.textContent = "loading…";
  const view = $("view-stories");
  view.setAttribute("aria-busy", "true");  // tests (and screen readers) wait for the fresh rows
  const tbody = $("stories-table").tBodies[0];
  clear(tbody);
  try {
    const data = await api("/v1/stories?limit=500");
    for (const s of data.stories) {
      const link = el("a", {text: s.title || "(no title)"});
      link.href = `#story/${encodeURIComponent(s.id)}`;
      tbody.appendChild(el("tr", {data: {story: s.id}}, [el("td", {cls: "num", text: s.id}), el("td", {cls: "num", text: s.size}),
        el("td", {cls: "num", text: s.outlets}), el("td", {text: (s.first || "").slice(0, 10)}),
        el("td", {text: (s.last || "").slice(0, 10)}), el("td", {}, [link])]));
    }
    status.textContent = data.total ? `${data.total} stories` : "The store is empty: ingest articles with `samestory ingest` or POST /v1/articles.";
  } catch (e) {
    status.textContent = e.message;
    status.classList.add("error");
  } finally {
    view.setAttribute("aria-busy", "false");
  }
}

const DAY = 86400000;

function published(row) { return Date.parse((row.published || "").slice(0, 10)); }
function outletOf(row) { return row.outlet || (row.source || "").split("/").pop() || "(outlet unknown)"; }

async function showStory(id) {
  const status = $("story-status");
  status.textContent = "loading…";
  status.classList.remove("error");
  const view = $("view-story");
  view.setAttribute("aria-busy", "true");
  for (const id of ["timeline", "lineage"]) clear($(id));
  clear($("story-articles").tBodies[0]);
  try {
    const s = await api(`/v1/stories/${encodeURIComponent(id)}`);
    $("story-title").textContent = `Story ${s.id}: ${s.title || "(no title)"}`;
    $("story-summary").textContent = `${s.articles.length} articles from ${s.outlets.length} outlets, ` +
      `${(s.first || "?").slice(0, 10)} to ${(s.last || "?").slice(0, 10)}; ${s.independent_sources} independent ` +
      `source${s.independent_sources === 1 ? "" : "s"}`;
    drawTimeline(s);
    const lineage = $("lineage");
    clear(lineage);
    const title = new Map(s.articles.map((a) => [a.id, `${outletOf(a)}${a.title ? ` — ${a.title}` : ""}`]));
    for (const e of s.lineage) {
      lineage.appendChild(el("li", {cls: "edge"}, [el("span", {text: title.get(e.source) || e.source}),
        el("span", {cls: "arrow", text: ` → ${e.relation} → `}), el("span", {text: title.get(e.copy) || e.copy}),
        el("div", {cls: "muted small", text: e.evidence})]));
    }
    if (!s.lineage.length) lineage.appendChild(el("li", {cls: "muted", text: "no copies: every article is independent coverage"}));
    const tbody = $("story-articles").tBodies[0];
    clear(tbody);
    for (const a of s.articles) {
      const box = el("input");
      box.type = "checkbox";
      box.value = a.id;
      box.dataset.label = a.title || a.source;
      box.addEventListener("change", updateSelection);
      tbody.appendChild(el("tr", {}, [el("td", {}, [box]), el("td", {text: (a.published || "").slice(0, 10)}),
        el("td", {text: outletOf(a)}), el("td", {text: a.language || ""}), el("td", {text: a.title || a.source})]));
    }
    updateSelection();
    status.textContent = "";
  } catch (e) {
    status.textContent = e.message;
    status.classList.add("error");
  } finally {
    view.setAttribute("aria-busy", "false");
  }
}

function drawTimeline(s) {
  // Articles are placed by publication date; those without one sit, hollow, at the right end of their lane.
  const box = $("timeline");
  clear(box);
  const times = s.articles.map(published).filter((t) => !Number.isNaN(t));
  const lo = times.length ? Math.min(...times) : NaN;
  const span = times.length ? Math.max(Math.max(...times) - lo, DAY) : DAY;
  const byOutlet = new Map();
  for (const a of s.articles) {
    const k = outletOf(a);
    if (!byOutlet.has(k)) byOutlet.set(k, []);
    byOutlet.get(k).push(a);
  }
  const copies = new Set(s.lineage.map((e) => e.copy));
  for (const [outlet, arts] of byOutlet) {
    const track = el("div", {cls: "track"});
    for (const a of arts) {
      const t = published(a);
      const dated = !Number.isNaN(t);
      const dot = el("span", {cls: `dot${copies.has(a.id) ? " copy" : ""}${dated ? "" : " undated"}`,
                              title: `${dated ? a.published.slice(0, 10) : "no publication date"}: ${a.title || a.source}`,
                              data: {article: a.id}});
      dot.style.left = `${dated ? ((t - lo) / span) * 100 : 100}%`;
      track.appendChild(dot);
    }
    box.appendChild(el("div", {cls: "lane", data: {outlet}}, [el("span", {cls: "outlet", text: outlet, title: outlet}), track]));
  }
  if (times.length) {
    box.appendChild(el("div", {cls: "axis"}, [el("span", {text: new Date(lo).toISOString().slice(0, 10)}),
                                              el("span", {text: new Date(lo + span).toISOString().slice(0, 10)})]));
  }
  box.appendChild(el("div", {cls: "legend muted small"}, [el("span", {cls: "dot-key"}), el("span", {text: " original or independent  "}),
    el("span", {cls: "dot-key copy"}), el("span", {text: " copy (duplicate or rewrite)  "}),
    el("span", {cls: "dot-key undated"}), el("span", {text: " no publication date"})]));
}

function updateSelection() {
  const picked = [...document.querySelectorAll("#story-articles input:checked")];
  $("compare-selected").disabled = picked.length !== 2;
}

$("compare-selected").addEventListener("click", () => {
  const [x, y] = [...document.querySelectorAll("#story-articles input:checked")];
  setStored("a", x.value, x.dataset.label);
  setStored("b", y.value, y.dataset.label);
  location.hash = "#compare";
  $("compare-form").requestSubmit();
});

// ---- routing ---------------------------------------------------------------------------------------

function route() {
  const h = location.hash || "#compare";
  for (const v of ["compare", "stories", "story"]) $(`view-${v}`).hidden = true;
  if (h.startsWith("#story/")) {
    $("view-story").hidden = false;
    showStory(decodeURIComponent(h.slice(7)));
  } else if (h === "#stories") {
    $("view-stories").hidden = false;
    showStories();
  } else {
    $("view-compare").hidden = false;
  }
}

window.addEventListener("hashchange", route);
route();
api("/v1/version").then((v) => { $("versions").textContent = `samestory ${v.samestory} · ${v.analyser} · ${v.scorer} · ${v.same_story}`; })
                   .catch(() => {});
