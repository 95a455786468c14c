"""evaluate: benchmarks on labelled data (pairs, clusters; reuse and extraction as they come)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from ..errors import InputError

T = TypeVar("T")


def read_labelled(path: str | Path, parse: Callable[[dict[str, Any]], T], what: str) -> list[T]:
    """``parse`` applied to each non-empty line of a labelled JSONL file. A line that is not JSON or
    lacks what ``parse`` needs stops the run with an error naming the file, the line and ``what``."""
    out = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                out.append(parse(json.loads(line)))
            except (KeyError, TypeError, ValueError) as e:  # json.JSONDecodeError is a ValueError
                raise InputError(f"{path}:{n}", f"{what} ({e})") from None
    return out
