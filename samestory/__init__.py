"""samestory: do news articles tell the same story, how are they related, and what does each add,
drop or contradict?

    from samestory import read, analyse, compare
    a, b = analyse(read("a.txt")), analyse(read("b.html"))
    c = compare(a, b)          # Comparison: scores, similarity, relation, evidence
    c.as_dict()

Flow: read → analyse → compare (→ group → present as those stages come).
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("samestory")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0"

from .analyse import Analyser, analyse  # noqa: E402
from .compare import compare  # noqa: E402
from .model import Analysis, Article, Comparison, Relation  # noqa: E402
from .read import iter_articles, read, read_html, read_text  # noqa: E402

__all__ = ["read", "read_text", "read_html", "iter_articles", "analyse", "Analyser", "compare",
           "Article", "Analysis", "Comparison", "Relation", "__version__"]
