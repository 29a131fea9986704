"""map_columns: two columns at a time on big tables, same results in the same order."""

from __future__ import annotations

import contextvars
import threading

import numpy as np
import pandas as pd

from autoviz_core.data.columnwise import PARALLEL_FROM_ROWS, map_columns
from autoviz_core.data.profiling import profile_column, profile_table

MARK: contextvars.ContextVar[str] = contextvars.ContextVar("mark", default="unset")


def test_big_tables_use_threads_and_keep_the_column_order() -> None:
    threads: set[str] = set()

    def work(name: str) -> str:
        threads.add(threading.current_thread().name)
        return name.upper()

    names = [f"c{i}" for i in range(12)]
    assert map_columns(work, names, PARALLEL_FROM_ROWS) == [n.upper() for n in names]
    assert all(t.startswith("autoviz-columns") for t in threads)


def test_small_tables_stay_on_the_calling_thread() -> None:
    threads: set[str] = set()
    map_columns(lambda n: threads.add(threading.current_thread().name), ["a", "b"], 10)
    assert threads == {threading.current_thread().name}


def test_the_callers_context_is_seen_by_every_column() -> None:
    token = MARK.set("run-7")
    try:
        seen = map_columns(lambda _: MARK.get(), ["a", "b", "c"], PARALLEL_FROM_ROWS)
    finally:
        MARK.reset(token)
    assert seen == ["run-7"] * 3


def test_a_big_tables_profile_equals_the_one_column_at_a_time_profile() -> None:
    rng = np.random.default_rng(3)
    n = PARALLEL_FROM_ROWS + 5
    df = pd.DataFrame(
        {
            "shop": pd.Series(rng.choice(["north", "south", "east"], n), dtype="string"),
            "units": rng.integers(0, 40, n),
            "price": rng.normal(20, 4, n).round(2),
            "sold_on": pd.Timestamp("2022-01-01") + pd.to_timedelta(rng.integers(0, 700, n), "D"),
        }
    )
    one_at_a_time = [profile_column(df[c], c, n) for c in df.columns]
    assert profile_table(df).columns[0].name == "shop"
    together = profile_table(df).columns
    for alone, both in zip(one_at_a_time, together, strict=True):
        assert alone.cardinality == both.cardinality
        assert alone.role == both.role
        assert alone.sample_values == both.sample_values
