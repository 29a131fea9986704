"""Measures the question asks for but the table does not hold: cost as a share of revenue,
max minus min temperature, sales per visit.

A derived measure is one arithmetic operation on two numeric columns, written into the plan
(`Plan.derived`) so the report shows how it was made and the executor recomputes it from the
table every run. It is never model-written code: the operation is one of the three below.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from pydantic import BaseModel

from autoviz_core.data.profiling import ColumnProfile, SchemaProfile, profile_column
from autoviz_core.errors import PlanValidationError
from autoviz_core.vocabulary import DerivedOp

# how each operation names its result and reads in words
_NAME_JOIN: dict[str, str] = {"share": "_pct_of_", "ratio": "_per_", "difference": "_minus_"}
_WORDS: dict[str, str] = {
    "share": "{a} as a % of {b}",
    "ratio": "{a} / {b}",
    "difference": "{a} − {b}",
}


class Derived(BaseModel):
    """One derived measure: `name` = `a` op `b` (share is a / b × 100)."""

    name: str
    op: DerivedOp
    a: str
    b: str

    def describe(self) -> str:
        """The formula in words, as the plan page and the report show it."""
        return f"{self.name} = " + _WORDS[self.op].format(a=self.a, b=self.b)


def derived_name(op: str, a: str, b: str) -> str:
    return f"{a}{_NAME_JOIN[op]}{b}"


def compute(df: pd.DataFrame, d: Derived) -> pd.Series:
    """The derived column's values; a division by zero gives a missing value, not infinity."""
    missing = [c for c in (d.a, d.b) if c not in df.columns]
    if missing:
        raise PlanValidationError(
            f"The derived measure {d.name} needs the column {missing[0]!r}, which this table "
            "does not have.",
            "Ask the question again on the table it was planned for.",
        )
    a = pd.to_numeric(df[d.a], errors="coerce").astype("float64")
    b = pd.to_numeric(df[d.b], errors="coerce").astype("float64")
    if d.op == "difference":
        out = a - b
    else:
        out = a / b.where(b != 0)
        if d.op == "share":
            out = out * 100.0
    return out.replace([np.inf, -np.inf], np.nan).rename(d.name)


def with_derived(df: pd.DataFrame, derived: Sequence[Derived]) -> pd.DataFrame:
    """The table with the derived columns added (the caller's frame is left as it was)."""
    missing = [d for d in derived if d.name not in df.columns]
    if not missing:
        return df
    return df.assign(**{d.name: compute(df, d) for d in missing})


def with_derived_profile(
    profile: SchemaProfile, df: pd.DataFrame, derived: Sequence[Derived]
) -> SchemaProfile:
    """The profile with one numeric column per derived measure (`df` must hold them).

    A share or a ratio never adds up across rows; a difference adds up when both sides do.
    """
    known = {c.name for c in profile.columns}
    extra = []
    for d in derived:
        if d.name in known:
            continue
        col = profile_column(df[d.name], d.name, len(df))
        col.role = "numeric"
        col.derived_from = [d.a, d.b]
        a, b = profile.column(d.a), profile.column(d.b)
        col.additive = d.op == "difference" and bool(a and b and a.additive and b.additive)
        extra.append(col)
    return with_columns(profile, extra)


def with_columns(profile: SchemaProfile, extra: Sequence[ColumnProfile]) -> SchemaProfile:
    """The profile with `extra` columns after its own (the profile itself unchanged)."""
    if not extra:
        return profile
    columns = [*profile.columns, *extra]
    return profile.model_copy(update={"columns": columns, "n_columns": len(columns)})


def used_derived(derived: Sequence[Derived], strings: set[str]) -> list[Derived]:
    """The derivations whose result a plan names (`strings`: every string of its steps)."""
    return [d for d in derived if d.name in strings]
