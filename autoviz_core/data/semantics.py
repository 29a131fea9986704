"""What a measure means for aggregation: whether it adds up across rows, decided once for all stages.

The profile sets `ColumnProfile.additive` from here; the planner, the resolver and every tool
default read it (or `default_agg`), so "sum of temperature" cannot appear in one stage while
another averages. The words live in semantics.yaml beside this file.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Protocol

from pydantic import BaseModel, ConfigDict, field_validator

from autoviz_core.data.names import name_words
from autoviz_core.data_files import read_yaml
from autoviz_core.errors import ConfigError
from autoviz_core.vocabulary import GROUP_AGGREGATIONS

VOCABULARY_FILE = Path(__file__).with_name("semantics.yaml")


class MeasureColumn(Protocol):
    """What additivity reads of a column (a ColumnProfile): described here rather than imported,
    because profiling imports this module to fill `ColumnProfile.additive`."""

    @property
    def name(self) -> str: ...
    @property
    def role(self) -> str: ...
    @property
    def dtype(self) -> str: ...
    @property
    def min(self) -> float | str | None: ...


class Vocabulary(BaseModel):
    """The two word lists; a word may not be in both (that would be undecidable)."""

    model_config = ConfigDict(extra="forbid")

    additive: frozenset[str]
    non_additive: frozenset[str]

    @field_validator("additive", "non_additive", mode="before")
    @classmethod
    def _lower(cls, words: list[str]) -> frozenset[str]:
        return frozenset(str(w).strip().lower() for w in words)

    def model_post_init(self, _: object) -> None:
        both = self.additive & self.non_additive
        if both:
            raise ValueError(f"words in both lists: {sorted(both)}")


@lru_cache(maxsize=1)
def vocabulary(path: str = str(VOCABULARY_FILE)) -> Vocabulary:
    """The validated vocabulary (read once)."""
    try:
        return Vocabulary.model_validate(read_yaml(path))
    except (ValueError, OSError) as exc:
        raise ConfigError(f"{Path(path).name}: invalid additivity vocabulary: {exc}") from None


def name_tokens(name: str) -> list[str]:
    """The name's words (data/names.py) and, for several, the words run together: "car_hours" ->
    [car, hours, carhours], so a name written either way finds its word in semantics.yaml."""
    tokens = list(name_words(name))
    return [*tokens, "".join(tokens)] if len(tokens) > 1 else tokens


def additive_by_name(name: str) -> bool | None:
    """True/False when the name decides it; None when the name says nothing either way."""
    words = set(name_tokens(name))
    vocab = vocabulary()
    if words & vocab.non_additive:
        return False
    if words & vocab.additive:
        return True
    return None


def is_additive(column: MeasureColumn) -> bool:
    """Whether summing this column across rows gives a meaningful total.

    The name decides when it can; otherwise whole non-negative numbers are taken as counts
    (people, votes, items) and anything else (fractions, measurements) as a level to average.
    """
    if column.role != "numeric":
        return False
    by_name = additive_by_name(column.name)
    if by_name is not None:
        return by_name
    whole = column.dtype.lower().startswith(("int", "uint"))
    low = column.min if isinstance(column.min, (int, float)) else None
    return bool(whole and low is not None and low >= 0)


def default_agg(column: MeasureColumn | None, asked: str | None = None) -> str:
    """How to combine the column per group: what was asked, but never a sum of a level.

    `asked` is the request's aggregation ("none"/None when the question named none). A count
    needs no column; a column that does not add up is averaged even when a sum was asked.
    """
    if asked == "count" or column is None:
        return "count"
    additive = is_additive(column)
    if asked in GROUP_AGGREGATIONS and not (asked == "sum" and not additive):
        return asked
    return "sum" if additive else "mean"
