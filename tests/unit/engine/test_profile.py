"""The engine's SQL profile against data/profiling.py on the same table, and its marks."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from autoviz_core.config import Settings
from autoviz_core.data import profile_table
from autoviz_core.engine import profile as engine_profile
from autoviz_core.engine.profile import profile_engine_table
from autoviz_core.engine.sample import head_frame, sample_frame
from autoviz_core.engine.source import EngineTable, open_files

FIGURES = (
    "role",
    "dtype",
    "cardinality",
    "missing_share",
    "min",
    "max",
    "sample_values",
    "additive",
)


def _profile(source: EngineTable):  # type: ignore[no-untyped-def]
    sample, _ = sample_frame(source, 42)
    return profile_engine_table(source, sample, head_frame(source))


def test_engine_profile_equals_the_pandas_profile(
    sales: pd.DataFrame, sales_source: EngineTable
) -> None:
    ours, theirs = _profile(sales_source), profile_table(sales)
    assert (ours.n_rows, ours.n_columns, ours.shape) == (
        theirs.n_rows,
        theirs.n_columns,
        theirs.shape,
    )
    for a, b in zip(ours.columns, theirs.columns, strict=True):
        for figure in FIGURES:
            assert getattr(a, figure) == pytest.approx(getattr(b, figure)), (a.name, figure)
        assert a.mean == pytest.approx(b.mean)
        assert sorted(a.top_values) == sorted(b.top_values)
        assert a.approximate == []


def test_every_category_value_is_listed_even_a_rare_one(sales_source: EngineTable) -> None:
    values = _profile(sales_source).category_values
    assert "Far Island" in values["region"]  # one row in 3,000
    assert set(values["product"]) == {"apple pie", "Banana", "cherry", "Date cake"}
    assert "revenue" not in values  # numbers are not looked up as words


def test_large_tables_mark_estimated_figures(
    sales: pd.DataFrame, sales_source: EngineTable, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine_profile, "EXACT_ROWS", 10)
    prof = _profile(sales_source)
    by_name = {c.name: c for c in prof.columns}
    assert by_name["revenue"].approximate == ["cardinality", "mean"]
    theirs = profile_table(sales)
    for name in ("revenue", "units", "order_date"):  # from the Parquet footers: exact
        assert (by_name[name].min, by_name[name].max) == (
            theirs.column(name).min,  # type: ignore[union-attr]
            theirs.column(name).max,  # type: ignore[union-attr]
        )
    assert by_name["revenue"].missing_share == theirs.column("revenue").missing_share  # type: ignore[union-attr]
    assert by_name["region"].approximate == []  # few values: grouped exactly
    assert by_name["region"].cardinality == 5


def test_a_csv_is_read_through_one_columnar_copy(
    sales: pd.DataFrame, tmp_path: Path, engine_settings: Settings
) -> None:
    path = tmp_path / "sales.csv"
    sales.to_csv(path, index=False)
    first = open_files(str(path), engine_settings)
    second = open_files(str(path), engine_settings)
    assert first.origin == second.origin == "csv copy"
    assert "Made a columnar" in first.notes[0] and "earlier question" in second.notes[0]
    ours = _profile(second)
    assert [c.role for c in ours.columns] == [c.role for c in profile_table(sales).columns]


def test_a_profile_of_an_unchanged_file_is_read_back(
    sales_parquet: Path, engine_settings: Settings
) -> None:
    first = open_files(str(sales_parquet), engine_settings)
    profile = _profile(first)
    again = open_files(str(sales_parquet), engine_settings)
    assert _profile(again) == profile
    assert _profile(again).category_values == profile.category_values
    assert any("kept from an earlier question" in n for n in again.notes)


def test_distinct_estimates_from_a_sample() -> None:
    unique = pd.Series(range(1000))
    assert engine_profile.estimate_distinct(unique, 1_000_000) == 1_000_000
    few = pd.Series(["a", "b", "c"] * 300)
    assert engine_profile.estimate_distinct(few, 1_000_000) == 3
    assert engine_profile.estimate_distinct(pd.Series([], dtype=float), 10) == 0
