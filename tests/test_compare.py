import json

import numpy as np
import pytest

from samestory import analyse, compare
from samestory.compare import scorer
from samestory.errors import ModelError, VersionMismatchError
from samestory.model import DIMENSIONS, Relation, similarity_from_overall


def test_seeds_are_the_same_story(seeds):
    c = compare(*seeds)
    assert c.relation is Relation.SAME_STORY, c.relation_reason
    assert "similarity ≥ 0.80; a rewrite needs 60%" in c.relation_reason  # which counterparts it counts
    assert c.overall <= 2.0
    pairs = {(q.a, q.b) for q in c.quotes}
    assert any("not at any cost" in a and "not at any price" in b for a, b in pairs), pairs
    assert "Joe Biden" in c.entities["shared"]
    assert any(d.kind == "title" and "prime minister" in d.b for d in c.discrepancies)


def test_comparison_contract(seeds):
    c = compare(*seeds)
    d = json.loads(json.dumps(c.as_dict()))
    assert set(d["scores"]) == set(DIMENSIONS)
    assert all(1.0 <= v <= 4.0 for v in d["scores"].values())
    assert d["overall"] == d["scores"]["overall"]
    assert d["similarity"] == pytest.approx(similarity_from_overall(d["overall"]), abs=1e-3)
    assert d["relation"] in {r.value for r in Relation}
    assert d["versions"]["analyser"] and d["versions"]["scorer"] == scorer.DEFAULT_SCORER and d["versions"]["embeddings"]
    for p in d["aligned"]:
        assert 0.7 <= p["similarity"] <= 1.0001 and 0 <= p["lexical"] <= 1
    assert all(set(x) == {"a_sentence", "b_sentence", "a", "b"} for x in d["substitutions"])
    assert compare(seeds[1], seeds[0]).scores == c.scores  # symmetric


def test_demo_relations(demo):
    def rel(x, y):
        return compare(demo[x], demo[y]).relation

    assert rel("bridge_coastal-herald.md", "bridge_reprint_daily-post.html") is Relation.DUPLICATE
    assert rel("bridge_baltic-wire.txt", "bridge_rewrite_newsflash.txt") is Relation.REWRITE
    assert rel("bridge_coastal-herald.md", "bridge_es_el-observador.json") is Relation.REWRITE  # translation
    assert rel("bridge_coastal-herald.md", "bridge_baltic-wire.txt") is Relation.SAME_STORY
    assert rel("trial_science-desk.md", "trial_health-weekly.txt") is Relation.SAME_STORY
    assert rel("bridge_coastal-herald.md", "bridge-closure-2024_coastal-herald.md") is Relation.RELATED
    assert rel("bridge_coastal-herald.md", "chess_sport-gazette.txt") is Relation.UNRELATED


def test_translation_scores_like_its_same_language_twin(demo):
    """The Spanish translation of the Herald's report and the English reprint of it are both copies of one
    text: against the Herald both must fall in the same band of the SemEval scale, "very similar" (Overall
    rounds to 1). Judged as a same-language pair (no shared words), the translation would look far less
    similar. (Until scorer-v3 this asked for the two within 0.3 of each other: the reprint then scored 1.55,
    inflated by the defect test_an_article_is_most_similar_to_itself checks; the translation scored 1.70.)"""
    herald = demo["bridge_coastal-herald.md"]
    translation = compare(herald, demo["bridge_es_el-observador.json"])
    reprint = compare(herald, demo["bridge_reprint_daily-post.html"])
    assert translation.overall < 1.5 and reprint.overall < 1.5, (translation.overall, reprint.overall)
    as_if_one_language = scorer.load().predict(translation.features, same_language=True)["overall"]
    assert as_if_one_language - translation.overall >= 0.3, (as_if_one_language, translation.overall)


def test_an_article_is_most_similar_to_itself(demo):
    """An article against itself is at least as similar, in every dimension, as against any other
    article of the demo corpus, and scores "very similar". (scorer-v3, whose models were free to read more
    overlap as less similar, scored the Herald's report against itself 1.68 Overall and against an
    independent report of the same event 1.49.)

    Within 0.03: monotone models do not make an article's self-comparison the most similar one exactly,
    because two similarity features compare one article's title with the other's text
    (``title_doc_cos``, ``title_lead_cos``), and another outlet's title can say more of the Herald's text
    than the Herald's own title does (0.33 against 0.26 for its reprint). scorer-v6 scored the Herald
    1.006 against itself and 1.000 against that reprint (the margin was 0.01 then); scorer-v8 scores the
    Baltic Wire 1.024 Overall against itself and 1.000 against its spun rewrite, whose title says more of
    the Wire's text (title_doc_cos 0.37 against 0.35): given the rewrite's title features, the
    self-comparison scores 1.000. The inversion this test is for was 0.19."""
    names = sorted(demo)
    for x in names:
        itself = compare(demo[x], demo[x]).scores
        assert itself["overall"] < 1.5, (x, itself)
        for y in names:
            if y != x:
                other = compare(demo[x], demo[y]).scores
                assert all(itself[d] <= other[d] + 0.03 for d in DIMENSIONS), (x, y, itself, other)


def test_number_discrepancy_between_aligned_sentences(demo):
    c = compare(demo["bridge_baltic-wire.txt"], demo["bridge_rewrite_newsflash.txt"])
    assert not [d for d in c.discrepancies if d.kind == "number"]  # the spin keeps every number
    from samestory.read import read_text

    a = demo["trial_science-desk.md"]
    changed = read_text(a.article.text.replace("4,200 children", "3,900 children"), title=a.article.title)
    from samestory.analyse import analyse

    c = compare(a, analyse(changed))
    assert any(d.kind == "number" and d.a == "4,200 children" and d.b == "3,900 children" for d in c.discrepancies)


def test_a_day_without_its_year_is_no_date_discrepancy():
    """An undated article that gives the day and month only ("--06-13": the year is unknown) agrees with
    one that gives the full date, in the discrepancies and in the dates both mention; a different day is
    still a discrepancy."""
    from samestory.analyse import analyse
    from samestory.read import read_text

    lead = "The harbour authority closed the north pier on {} after a crane toppled into the water."
    rest = (" Divers from the port brigade searched the berth for most of the afternoon."
            " The operator of the crane said its brakes had been inspected in the spring.")
    undated = analyse(read_text(lead.format("June 13") + rest, title="Pier closed after crane falls"))
    assert [d.value for d in undated.dates] == ["--06-13"]
    same = analyse(read_text(lead.format("June 13, 2008") + rest, title="Pier closed after crane falls"))
    other = analyse(read_text(lead.format("June 14, 2008") + rest, title="Pier closed after crane falls"))
    agree, differ = compare(undated, same), compare(undated, other)
    assert not [d for d in agree.discrepancies if d.kind == "date"]
    assert [d for d in differ.discrepancies if d.kind == "date"]
    # the date lists say the same: mentioned in both, given with its year; a different day is in neither
    assert agree.dates["shared"] == ["2008-06-13"]
    assert agree.dates["only_a"] == [] and agree.dates["only_b"] == []
    assert differ.dates["shared"] == []
    assert [d["value"] for d in differ.dates["only_a"]] == ["--06-13"]
    assert [d["value"] for d in differ.dates["only_b"]] == ["2008-06-14"]


def test_a_name_labelled_differently_by_the_two_articles_is_named_by_both():
    """One tagger takes "Crane Road" for a place, the other for a person: the road is named by both (in
    the first article's section), and in neither's "only" list; names only one article gives stay there."""
    from types import SimpleNamespace

    from samestory.compare import evidence
    from samestory.model import Entity

    def ent(name, label, count=1):
        return Entity(name, label, f"{label}:{name.lower()}", [name], count, [0])

    a = SimpleNamespace(entities=[ent("Crane Road", "PLACE"), ent("Marta Quill", "PERSON", 2), ent("Orsk", "PERSON")])
    b = SimpleNamespace(entities=[ent("Crane Road", "PERSON"), ent("Marta Quill", "PERSON"), ent("Varnel Hills", "PLACE")])
    assert evidence.places(a, b) == {"shared": ["Crane Road"], "only_a": [], "only_b": ["Varnel Hills"]}
    assert evidence.entities(a, b) == {"shared": ["Marta Quill"], "only_a": ["Orsk"], "only_b": []}
    assert evidence.entities(b, a)["shared"] == ["Marta Quill", "Crane Road"]


def test_the_same_weekday_words_are_no_date_discrepancy_across_publication_days():
    """A reprint published a day later says "will examine the wreckage on Friday" as the original did: the
    two values differ (the coming Friday from each day) but the texts do not, so no discrepancy; a
    different weekday in the same sentence still is one."""
    from samestory.analyse import analyse
    from samestory.read import read_text

    text = ("A footbridge over the river collapsed in a storm on Thursday evening, injuring three people, the "
            "city said. Engineers from the university will examine the wreckage on {}. The bridge was opened "
            "in 2016 and passed its last inspection in October.")
    original = analyse(read_text(text.format("Friday"), title="Footbridge collapses", published="2025-03-14"))
    reprint = analyse(read_text(text.format("Friday"), title="Footbridge collapses", published="2025-03-15"))
    assert {d.value for d in reprint.dates if d.text == "Friday"} == {"2025-03-21"}
    assert not [d for d in compare(original, reprint).discrepancies if d.kind == "date"]
    other = analyse(read_text(text.format("Monday"), title="Footbridge collapses", published="2025-03-14"))
    assert [d for d in compare(original, other).discrepancies if d.kind == "date"]


def test_version_mismatch_is_refused(seeds):
    import copy

    b = copy.copy(seeds[1])
    b.versions = dict(b.versions, analyser="analyser-v0")
    with pytest.raises(VersionMismatchError, match="different analysers"):
        compare(seeds[0], b)


def test_unknown_scorer_lists_available(seeds):
    with pytest.raises(ModelError, match=f"available: {scorer.DEFAULT_SCORER}"):
        compare(*seeds, scorer_name="scorer-v0")


def test_tree_walk_matches_scikit_learn():
    from sklearn.ensemble import HistGradientBoostingRegressor

    from samestory.compare.scorer import TreeEnsemble
    from samestory.compare.train import export

    rng = np.random.default_rng(0)
    X = rng.normal(size=(400, 6))
    X[rng.random(X.shape) < 0.05] = np.nan  # missing values take the learned side
    y = np.nan_to_num(X[:, 0]) * 2 - np.nan_to_num(X[:, 3]) ** 2 + rng.normal(scale=0.1, size=400)
    model = HistGradientBoostingRegressor(max_iter=40, max_depth=4, random_state=0).fit(X, y)
    ours = TreeEnsemble(export(model, 4))
    Xt = rng.normal(size=(50, 6))
    Xt[rng.random(Xt.shape) < 0.1] = np.nan
    assert np.allclose(ours.predict(Xt), model.predict(Xt), atol=1e-9)


def test_blend_matches_scikit_learn():
    """A scorer's dimension model: the mean of the exported trees and the exported ridge pipeline."""
    from samestory.compare.scorer import Blend
    from samestory.compare.train import _fit_one, _predict, export_blend

    rng = np.random.default_rng(1)
    X = rng.normal(size=(300, 5)) * [1, 10, 0.1, 3, 1]  # unequal scales: the standardisation must carry over
    Xt_far = np.full((1, 5), 50.0)  # beyond the training range: the clipping must carry over too
    y = np.clip(2.5 + 0.3 * X[:, 0] - 0.02 * X[:, 1] + np.tanh(X[:, 3]) + rng.normal(scale=0.2, size=300), 1, 4)
    names = ["doc_cos", "published_days", "terms_cos", "length_ratio", "shingle_min"]  # similarities constrained
    models = _fit_one(X, y, names)
    Xt = np.vstack([rng.normal(size=(40, 5)) * [1, 10, 0.1, 3, 1], Xt_far])
    ours = Blend(export_blend(models))
    assert np.allclose(np.clip(ours.predict(Xt), 1, 4), _predict(models, Xt), atol=1e-9)
    assert not np.allclose(ours.linear.predict(Xt), ours.trees.predict(Xt), atol=1e-3)  # two different models


def test_output_does_not_depend_on_the_hash_seed():
    """Set iteration order changes with PYTHONHASHSEED; the report must not."""
    import os
    import subprocess
    import sys

    from .conftest import SEEDS, need

    files = [str(p) for p in sorted(need(SEEDS).glob("*.txt"))]
    outs = [subprocess.run([sys.executable, "-m", "samestory.present.cli", "compare", *files, "--json", "--no-cache"],
                           capture_output=True, check=True, env=dict(os.environ, PYTHONHASHSEED=seed)).stdout
            for seed in ("1", "2")]
    assert outs[0] == outs[1]


def test_substitutions_of_a_spin(demo, seeds):
    from samestory.compare.evidence import substitutions
    from samestory.model import AlignedPair

    c = compare(demo["bridge_baltic-wire.txt"], demo["bridge_rewrite_newsflash.txt"])
    subs = {(x.a, x.b) for x in c.substitutions}
    # words the team's spin replaced (demo/corpus/bridge_rewrite_newsflash.txt)
    assert {("ordered", "instructed"), ("hurt", "injured"), ("footbridge over", "walkway across")} <= subs, subs
    for x in c.substitutions:  # each points at an aligned pair that holds both sides
        p = next(p for p in c.aligned if (p.a, p.b) == (x.a_sentence, x.b_sentence))
        assert x.a in p.a_text and x.b in p.b_text
    assert not compare(demo["bridge_coastal-herald.md"], demo["bridge_es_el-observador.json"]).substitutions  # two languages
    assert ("seek", "strive") in {(x.a, x.b) for x in compare(*seeds).substitutions}
    # a replacement chained to other edits is a rewritten clause, not a substitution
    p = AlignedPair(0, 0, "The mayor said the bridge would reopen soon.", "The city told reporters repairs might take months.", 0.8, 0.35)
    assert not substitutions([p], True)


def _pairs(a: list[str], b: list[str], order: list[int]) -> list:
    """Aligned pairs between sentences a[i] and b[order[i]] (cosine 0.95; wording overlap measured)."""
    from rapidfuzz import fuzz

    from samestory.model import AlignedPair

    return [AlignedPair(i, j, a[i], b[j], 0.95, fuzz.ratio(a[i], b[j]) / 100) for i, j in enumerate(order)]


_STORY = ["The council closed the old harbour bridge on Monday after inspectors found cracks in two piers.",
          "Engineers said the steel frame had corroded faster than expected in the salty air.",
          "Traffic was diverted through the tunnel, adding twenty minutes to the morning commute.",
          "The mayor promised that repairs would begin within a month and last until the spring.",
          "Residents of the island district asked for an extra ferry while the crossing stays shut.",
          "A public meeting about the closure will be held at the library on Thursday evening."]
_SPUN = ["The council shut the old harbour span on Monday after examiners found fissures in two piers.",
         "Engineers said the steel skeleton had rusted faster than expected in the salty atmosphere.",
         "Traffic was rerouted through the tunnel, adding twenty minutes to the morning journey.",
         "The mayor pledged that repairs would start within a month and endure until the spring.",
         "Inhabitants of the island district requested an additional ferry while the crossing stays closed.",
         "A public gathering about the shutdown will be held at the library on Thursday evening."]


def test_copy_decisions_spin_reorder_partial():
    """The copy rules on team-written sentences: an unchanged copy is a duplicate; the same copy with
    about one content word in five replaced, or shuffled, or only half copied, is a rewrite."""
    import numpy as np

    from samestory.compare.evidence import word_change
    from samestory.compare.relation import decide, order_kept
    from samestory.model import Relation

    sim = np.full((6, 6), 0.3)
    words = ([len(s.split()) for s in _STORY], [len(s.split()) for s in _STORY])
    same = _pairs(_STORY, _STORY, list(range(6)))
    assert word_change(same) == 0 and order_kept(same) == pytest.approx(1.0)
    assert decide(2.0, 0.9, sim, same, 1.0, True, 0.0, words)[0] is Relation.DUPLICATE

    spun = _pairs(_STORY, _SPUN, list(range(6)))
    assert 0.1 < word_change(spun) < 0.3
    spun_copy = [p.__class__(p.a, p.b, p.a_text, p.b_text, 0.95, 0.9) for p in spun]  # near-verbatim sentences
    rel, reason = decide(2.0, 0.9, sim, spun_copy, 0.9, True, word_change(spun), words)
    assert rel is Relation.REWRITE and "spun" in reason

    shuffled = _pairs(_STORY, _STORY, [3, 5, 0, 4, 1, 2])
    assert order_kept(shuffled) < 0.5
    rel, reason = decide(2.0, 0.9, sim, shuffled, 0.95, True, 0.0, words)
    assert rel is Relation.REWRITE and "order" in reason
    moved_one = _pairs(_STORY, _STORY, [0, 1, 3, 2, 4, 5])  # an editor moved one sentence: still a duplicate
    assert decide(2.0, 0.9, sim, moved_one, 0.95, True, 0.0, words)[0] is Relation.DUPLICATE

    half = _pairs(_STORY[:4], _STORY[:4], [0, 1, 2, 3])  # four of six sentences copied, the rest other text
    sim_half = np.full((6, 6), 0.3)
    sim_half[range(4), range(4)] = 0.95
    rel, reason = decide(2.0, 0.9, sim_half, half, 0.5, True, 0.0, words)
    assert rel is Relation.REWRITE and "partly copied" in reason
    rel, _ = decide(2.0, 0.9, np.full((6, 6), 0.3), half[:1], 0.1, True, 0.0, words)  # one sentence shared
    assert rel is Relation.SAME_STORY


def test_word_change_ignores_respellings():
    from samestory.compare.evidence import word_change

    a = ["The colour of the harbour bridge was grey before the storm hit the town."]
    b = ["The color of the harbor bridge was gray before the storm hit the town."]
    assert word_change(_pairs(a, b, [0])) == 0.0


def test_noisy_ocr_copy_is_a_duplicate(demo):
    """A reprint read back through noisy OCR (5% of letters replaced, seeded) is still the same text:
    the characters align where the sentence embeddings drift, and garbled tokens are not substitutions."""
    import random

    from samestory.read import read_string

    src = demo["bridge_coastal-herald.md"]
    rng = random.Random(5)
    noisy = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") if ch.isalpha() and rng.random() < 0.05 else ch
                    for ch in src.article.text)
    c = compare(src, analyse(read_string(noisy, format="text", source="ocr-scan.txt")))
    assert c.relation is Relation.DUPLICATE, c.relation_reason


def test_lead_actors_set_two_events_of_one_kind_apart(analyser):
    """Two arrests of two players of one club share the club, the charge and the city, not the one
    each story is about; two reports of one arrest share him (compare/features.py, actor_features)."""
    from samestory.compare.features import actor_features, profile
    from samestory.model import Article

    texts = [
        "Harbour City Rovers striker Tomas Brell was arrested early on Sunday on suspicion of drunk driving. "
        "Police said Brell failed a roadside test on the coast road. The Rovers said they were aware of the "
        "arrest. Brell is due in court next month.",
        "Harbour City Rovers forward Tomas Brell has been held by police after failing a breath test near "
        "the harbour, the club confirmed. Brell, 27, was released without charge pending blood results. "
        "He had played the full match on Saturday. Manager Ilse Marten declined to comment on Sunday.",
        "Harbour City Rovers goalkeeper Anton Veld was arrested on suspicion of drunk driving on Friday, "
        "police said. Veld was stopped on the ring road after midnight. It is the club's second such arrest "
        "in a month, after striker Tomas Brell was held in March.",
    ]
    one, same, other = (profile(analyser.analyse(Article(text=t, language="en"))) for t in texts)
    together, apart = actor_features(one, same), actor_features(one, other)
    assert together["lead_actors_known"] == apart["lead_actors_known"] == 1.0
    assert together["main_actor_shared"] == 1.0 and apart["main_actor_shared"] == 0.0, (one.main_actor, other.main_actor)
    assert together["lead_actors_min"] > apart["lead_actors_min"], (one.lead_actors, same.lead_actors, other.lead_actors)
    assert actor_features(other, one) == apart  # symmetric


def test_entities_ner_says_which_extractor_found_the_names(demo, analyser):
    """The scorer (since scorer-v5) weighs shared names by where they come from: a trained recogniser (en, es, fr) or
    capitalised words and the gazetteer (other languages; compare/features.py, analyse/nlp.statistical)."""
    from samestory.compare.align import align
    from samestory.compare.features import compute
    from samestory.model import Article

    def flag(a, b):
        return compute(a, b, align(a, b))["entities_ner"]

    en, es = demo["bridge_coastal-herald.md"], demo["bridge_es_el-observador.json"]
    de = analyser.analyse(Article(
        text="Die Grüne Brücke in Hafenstadt bleibt nach dem Einsturz eines Gehwegs gesperrt. Bürgermeisterin "
             "Lena Ostrow sagte am Dienstag, Ingenieure prüften die Pfeiler. Zwei Verletzte sind im Krankenhaus.",
        language="de"))
    assert de.versions["ner"].startswith("blank-")
    assert flag(en, en) == flag(en, es) == 1.0
    assert flag(en, de) == flag(de, en) == flag(de, de) == 0.0


def test_a_polish_and_an_english_report_share_their_places(analyser):
    """A Polish report names its places in cases ("w Gdańsku", "w Warszawie"); read by their dictionary
    forms (analyse/lemmas.py) they are Poland's, as the English report's "Gdansk" and "Warsaw" are, so the
    pair shares its places across the two languages (before analyser-v11 it shared none)."""
    from samestory.compare import evidence
    from samestory.model import Article

    pl = analyser.analyse(Article(
        text="Około 400 dokerów w Gdańsku rozpoczęło w poniedziałek strajk, domagając się podwyżek płac. "
             "Rzecznik portu Tomasz Wierzbicki powiedział, że kilkanaście statków czeka na redzie. "
             "Minister infrastruktury rozmawiał z przedstawicielami związków w Warszawie we wtorek.",
        language="pl", source="pl-strike"))
    en = analyser.analyse(Article(
        text="About 400 dock workers in Gdansk walked out on Monday demanding higher pay, port officials said. "
             "Port spokesman Tomasz Wierzbicki said more than a dozen ships were waiting at anchor. "
             "The infrastructure minister met union representatives in Warsaw on Tuesday.",
        language="en", source="en-strike"))
    shared = evidence.places(pl, en)
    assert shared["shared"] and not shared["only_a"], shared
    assert compare(pl, en, passages=False).relation in (Relation.SAME_STORY, Relation.REWRITE)
