"""The reuse benchmark (samestory eval reuse): its generator, and copy detection against it.

The generator reads ../shared/data (skipped with a reason when absent). The floors are the goals of the
reprint/rewrite issue less a margin for the small sample run here (25 sources, 40 negatives of each
kind, test split); the full run is `samestory eval reuse` (100 sources, 150 negatives; README).
"""

import json
import re
from collections import Counter

import pytest

from samestory.evaluate import reuse_data
from samestory.present.cli import main

from .conftest import DATA, need

pytestmark = [pytest.mark.data]


@pytest.fixture(scope="module")
def data():
    need(DATA / "semeval2022_task8")
    need(DATA / "ecbplus_dev")
    return reuse_data.load(DATA)


def containment(a, b) -> tuple[float, float]:
    """(share of a's word 3-grams found in b, share of b's in a)."""
    from samestory.analyse import fingerprints

    return fingerprints.containment(reuse_data._shingles(a), reuse_data._shingles(b))


def _words(text: str) -> Counter:
    return Counter(re.findall(r"\w+", text))


def test_generator_is_reproducible_and_as_documented(data):
    first = reuse_data.build(data, 4, 5, "test", seed=3)
    again = reuse_data.build(data, 4, 5, "test", seed=3)
    assert [(p.variant, p.a.id, p.b.text) for p in first] == [(p.variant, p.a.id, p.b.text) for p in again]
    assert {p.split for p in first} == {"test"}
    dev = reuse_data.build(data, 4, 5, "dev", seed=3)
    assert not {p.a.id for p in first} & {p.a.id for p in dev}, "a source in both splits"

    by = {(p.a.id, p.variant): p for p in first}
    for sid in {p.a.id for p in first if p.variant == "reprint"}:
        src = by[(sid, "reprint")].a
        assert src.text.strip() in by[(sid, "reprint")].b.text  # the whole text, between header and footer
        assert by[(sid, "headline")].b.text == src.text and by[(sid, "headline")].b.title != src.title
        assert len(by[(sid, "truncated")].b.text) < len(src.text)
        assert _words(by[(sid, "reordered")].b.text) == _words(src.text)  # same words, moved
        assert by[(sid, "reordered")].b.text != src.text
        for rate in reuse_data.SPIN_RATES:
            reached = by[(sid, f"spin-{rate}")].info["spin_rate"]
            assert abs(reached - rate / 100) <= 0.08, (sid, rate, reached)
        merged = by[(sid, "merged")]
        partner = data.articles[merged.info["partner"]]
        assert 0.4 <= containment(merged.b, src)[0] <= 0.85  # its words: about two thirds from the source
        assert containment(merged.b, partner)[0] >= 0.15  # a third of its words come from the other report
    negatives = Counter(p.variant for p in first if p.expected not in ("duplicate", "rewrite"))
    assert negatives == {"independent": 5, "same-topic": 5}


def test_independent_pairs_share_little_text(data):
    for i1, i2 in data.independent[:200]:
        assert reuse_data._shared_shingles(data.articles[i1], data.articles[i2]) < reuse_data.LOW_OVERLAP


@pytest.mark.slow
def test_copy_detection_floors(data, capsys):
    assert main(["eval", "reuse", "--data", str(DATA), "--sources", "25", "--negatives", "40", "--json"]) == 0
    r = json.loads(capsys.readouterr().out)
    assert r["split"] == "test" and r["n_sources"] == 25
    assert r["duplicate"]["precision"] >= 0.95 and r["duplicate"]["recall"] >= 0.97, r["duplicate"]
    assert r["rewrite"]["recall"] >= 0.90 and r["rewrite"]["precision"] >= 0.95, r["rewrite"]
    assert r["independent_called_copy"] <= 0.05 and r["same_topic_called_copy"] <= 0.05
    assert r["variants"]["reprint"]["duplicate"] == r["variants"]["reprint"]["n"]  # a reprint is always a duplicate


def test_missing_data_folder_is_named(tmp_path, capsys):
    assert main(["eval", "reuse", "--data", str(tmp_path)]) == 3
    assert "semeval2022_task8" in capsys.readouterr().err
