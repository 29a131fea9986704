"""Display words for the closed vocabularies of vocabulary.py, defined once: what the plan review,
the follow-up change lines, the findings and the app's pickers call a chart kind, an aggregation
or a filter operator. Each table is keyed by its vocabulary (tests/unit/test_wording.py checks it
covers it), so a word added there cannot go unnamed here. Reading words (what a question may say)
are the lexicon's (planning/lexicon.yaml); these are only what the product says.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from autoviz_core.vocabulary import (
    Aggregation,
    ChartKind,
    FilterOp,
    GroupAggregation,
    StepOrigin,
)

CHART_NAMES: dict[ChartKind, str] = {
    "bar": "bar chart",
    "line": "line chart",
    "scatter": "scatter plot",
    "pie": "pie chart",
    "histogram": "histogram",
    "box": "box plot",
    "heatmap": "heatmap",
}

# An aggregation as a noun ("Combined as: total (was average)").
AGG_NOUNS: dict[Aggregation, str] = {
    "count": "number of rows",
    "sum": "total",
    "mean": "average",
    "median": "median",
    "min": "minimum",
    "max": "maximum",
    "none": "each row's value",
}
# As a picker option: the same nouns, but "none" is an instruction to leave rows as they are.
AGG_OPTIONS: dict[Aggregation, str] = {**AGG_NOUNS, "none": "each row as it is"}
# As the first word of a step sentence ("Average tip per day", "Lowest price per ticker").
AGG_LEADS: dict[GroupAggregation, str] = {
    "mean": "Average",
    "sum": "Total",
    "median": "Median",
    "min": "Lowest",
    "max": "Highest",
    "count": "Number of rows",
}

# A filter as words ("sex is Female", "size is above 2"), in the vocabulary's order (the order
# of the app's operator picker).
FILTER_OP_WORDS: dict[FilterOp, str] = {
    "eq": "is",
    "ne": "is not",
    "gt": "is above",
    "ge": "is at least",
    "lt": "is below",
    "le": "is at most",
    "contains": "contains",
    "startswith": "starts with",
    "in": "is one of",
    "outside": "is outside",
    "between": "is between",
}
# The comparisons as symbols, for the scope of a finding ("for year ≥ 2000"); the other
# operators keep their own names there.
FILTER_OP_SYMBOLS: dict[FilterOp, str] = {
    "eq": "=",
    "ne": "≠",
    "gt": ">",
    "ge": "≥",
    "lt": "<",
    "le": "≤",
}

# Why a step is in the plan, by where it came from: as the plan's own note (the diff and the
# provenance bundle), as the reason of a change line ("Added: ..., because the model suggested
# it") and as the caption under the step on the review page. A template step needs no reason.
STEP_ORIGIN_NOTES: dict[StepOrigin, str] = {
    "template": "",
    "question": "answers the question directly",
    "answer": "computes the asked value",
    "model_added": "added by the model",
    "model_changed": "modified by the model",
    "user_added": "added by you",
}
STEP_ORIGIN_REASONS: dict[StepOrigin, str] = {
    "template": "",
    "question": "it answers the question directly",
    "answer": "it computes the asked value",
    "model_added": "the model suggested it",
    "model_changed": "the model changed it",
    "user_added": "you added it",
}
STEP_ORIGIN_CAPTIONS: dict[StepOrigin, str] = {
    "template": "",
    "question": "Answers your question directly",
    "answer": "Computes the asked value",
    "model_added": "Suggested by the model",
    "model_changed": "Changed by the model",
    "user_added": "Added by you",
}


def said(words: Mapping[Any, str], value: object, default: str | None = None) -> str:
    """The display word of `value` in a table, else `default` (the value itself): a tool's own
    kinds ("violin") or an operator without a symbol keep their names."""
    key = str(value)
    return words.get(key, key if default is None else default)
