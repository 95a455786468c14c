"""evaluate: benchmarks on labelled data (pairs now; clusters, reuse and extraction as they come)."""
