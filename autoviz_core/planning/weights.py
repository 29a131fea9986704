"""The fitted weights (weights.json, written by scripts/fit_planner.py), read once per process.

A leaf module: every fitted part of the planner (request, intent, answer, filters, edits) reads
its weights here, so none of them has to import another to find them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

WEIGHTS_FILE = Path(__file__).with_name("weights.json")


@lru_cache(maxsize=4)
def load_weights(path: str = str(WEIGHTS_FILE)) -> dict[str, Any]:
    """Every fitted model's weights; empty models when the file is missing."""
    p = Path(path)
    if not p.exists():
        return {"request": {}, "intent": {}, "meta": {}}
    return json.loads(p.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


@contextmanager
def fitted_in_place(model: str, weights: dict[str, float]) -> Iterator[None]:
    """Read `model`'s weights from `weights` instead of the file while the block runs: the
    fitting script labels the request model with the filter model it has just fitted."""
    table = load_weights()
    before = table.get(model)
    table[model] = weights
    try:
        yield
    finally:
        if before is None:
            table.pop(model, None)
        else:
            table[model] = before
