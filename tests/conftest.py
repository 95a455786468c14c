import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("SAMESTORY_SHARED", ROOT.parent / "shared"))
DATA = SHARED / "data"
SEEDS = SHARED / "seeds"
DEMO = ROOT / "demo" / "corpus"


def need(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"labelled data not found at {path} (expected ../shared beside the project; set SAMESTORY_SHARED)")
    return path


@pytest.fixture(scope="session")
def analyser():
    from samestory.analyse import Analyser

    return Analyser()


@pytest.fixture(scope="session")
def seeds(analyser):
    from samestory.read import read

    files = sorted(need(SEEDS).glob("*.txt"))
    return list(analyser.analyse_many([read(f) for f in files]))


@pytest.fixture(scope="session")
def demo(analyser):
    from samestory.read import iter_articles

    return {Path(a.article.source).name: a for a in analyser.analyse_many(iter_articles([DEMO]))}
