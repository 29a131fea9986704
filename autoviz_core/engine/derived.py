"""Derived measures (data/derived.py) as columns of an engine table: the same three operations,
and a division by zero gives a missing value, as in the pandas path."""

from __future__ import annotations

from collections.abc import Sequence

from autoviz_core.data.derived import Derived
from autoviz_core.engine.source import EngineTable
from autoviz_core.errors import PlanValidationError


def with_derived_columns(source: EngineTable, derived: Sequence[Derived]) -> EngineTable:
    """The source with each derived measure it lacks added as a column."""
    table = source.table
    missing = [d for d in derived if d.name not in table.columns]
    if not missing:
        return source
    columns = {}
    for d in missing:
        for name in (d.a, d.b):
            if name not in table.columns:
                raise PlanValidationError(
                    f"The derived measure {d.name} needs the column {name!r}, which this table "
                    "does not have.",
                    "Ask the question again on the table it was planned for.",
                )
        a, b = table[d.a].cast("float64"), table[d.b].cast("float64")
        if d.op == "difference":
            columns[d.name] = a - b
        else:
            ratio = a / b.nullif(0.0)
            columns[d.name] = ratio * 100.0 if d.op == "share" else ratio
    return source.with_table(table.mutate(**columns))
