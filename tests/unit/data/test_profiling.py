"""Roles, cardinality and missing shares on realistic tables; the column-group table."""

from __future__ import annotations

from typing import get_args

import numpy as np
import pandas as pd
import pytest

from autoviz_core.data import profile_table, table_from_dataframe
from autoviz_core.data.profiling import COLUMN_GROUPS, ColumnGroup


def roles(df: pd.DataFrame) -> dict[str, str]:
    return {c.name: c.role for c in profile_table(df).columns}


def test_sales_roles(sales_df: pd.DataFrame) -> None:
    assert roles(sales_df) == {
        "sale_date": "temporal",
        "store": "categorical",
        "aisle": "categorical",
        "sales": "numeric",
        "items": "numeric",
    }
    prof = profile_table(sales_df)
    assert (prof.n_rows, prof.n_columns, prof.shape) == (len(sales_df), 5, "time_series")
    store = prof.column("store")
    assert store is not None
    assert store.cardinality == sales_df["store"].nunique()
    assert store.missing_share == 0.0


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        (
            "tips",
            {
                "total_bill": "numeric",
                "tip": "numeric",
                "day": "categorical",
                "smoker": "boolean",
                "size": "numeric",
            },
        ),
        (
            "gapminder",
            {"country": "categorical", "year": "temporal", "pop": "numeric", "lifeExp": "numeric"},
        ),
        ("stocks", {"date": "temporal", "GOOG": "numeric"}),
        ("iris", {"species": "categorical", "species_id": "identifier", "petal_length": "numeric"}),
    ],
)
def test_realistic_roles(
    realistic_tables: dict[str, pd.DataFrame], table: str, expected: dict[str, str]
) -> None:
    got = roles(realistic_tables[table])
    assert {k: got[k] for k in expected} == expected


def test_stocks_dates_stored_as_text_are_parsed(realistic_tables: dict[str, pd.DataFrame]) -> None:
    assert pd.api.types.is_datetime64_any_dtype(realistic_tables["stocks"]["date"])


def test_missing_share_and_samples() -> None:
    df = table_from_dataframe(
        pd.DataFrame({"a": [1.0, None, 3.0, None], "b": ["x", "y", "x", None]}), "t"
    ).df
    prof = profile_table(df)
    a, b = prof.column("a"), prof.column("b")
    assert a is not None and b is not None
    assert a.missing_share == 0.5
    assert b.cardinality == 2 and b.sample_values == ["x", "y"]
    assert a.min == 1.0 and a.max == 3.0 and a.mean == 2.0


def test_identifier_and_text_roles() -> None:
    n = 80
    df = pd.DataFrame(
        {
            "customer_id": range(n),
            "order_ref": [f"ORD-{i:06d}-XYZ" for i in range(n)],
            "comment": [
                f"this is a rather long free text comment number {i} about it" for i in range(n)
            ],
            "flag": ["yes", "no"] * (n // 2),
        }
    )
    got = roles(df)
    assert got == {
        "customer_id": "identifier",
        "order_ref": "identifier",
        "comment": "text",
        "flag": "boolean",
    }


def test_profile_works_with_pandas3_string_dtype() -> None:
    df = pd.DataFrame({"s": pd.array(["a", "b", None], dtype="str")})
    prof = profile_table(df)
    assert prof.columns[0].role == "categorical"
    assert prof.columns[0].missing_share == pytest.approx(1 / 3, abs=1e-3)


# ---------------------------------------------------------------- column groups
GROUPS_TABLE = pd.DataFrame(
    {
        "region": ["N", "S", "E", "W"] * 6,
        "member": [True, False] * 12,
        "sold_on": pd.date_range("2024-01-01", periods=24, freq="D"),
        "year": [2020, 2021, 2022] * 8,
        "order_id": range(1000, 1024),
        "stars": [1, 2, 3, 4] * 6,
        "revenue": [float(i) * 1.5 for i in range(24)],
        "price": [float(i) * 0.75 + 0.25 for i in range(24)],
    }
)

EXPECTED: dict[ColumnGroup, list[str]] = {
    "any": list(GROUPS_TABLE.columns),
    "numeric": ["stars", "revenue", "price"],
    "temporal": ["sold_on", "year"],
    "datetime": ["sold_on"],
    "categorical": ["region", "member"],
    "groupable": ["region", "member", "sold_on", "year"],
    "numeric_or_id": ["order_id", "stars", "revenue", "price"],
    "category_like": ["region", "member", "sold_on", "year", "order_id"],
    "readable_groups": ["region", "member", "stars"],
    "few_periods": ["sold_on", "year"],
}


def test_every_column_group_is_defined_once() -> None:
    assert list(COLUMN_GROUPS) == list(get_args(ColumnGroup))


@pytest.mark.parametrize(("group", "columns"), EXPECTED.items())
def test_column_group_members(group: ColumnGroup, columns: list[str]) -> None:
    profile = profile_table(GROUPS_TABLE)
    assert profile.group(group) == columns
    for name in profile.names():
        assert profile.in_group(name, group) == (name in columns)


def test_additive_is_a_subset_of_numeric() -> None:
    profile = profile_table(GROUPS_TABLE)
    assert set(profile.group("additive")) <= set(profile.group("numeric"))


def test_a_missing_column_is_in_no_group() -> None:
    profile = profile_table(GROUPS_TABLE)
    assert not profile.in_group(None, "any")
    assert not profile.in_group("not a column", "any")


@pytest.mark.parametrize(
    "values",
    [
        pd.Series(np.arange(50_000) % 37),  # few distinct: hashed
        pd.Series(np.random.default_rng(1).normal(size=50_000)),  # all distinct: sorted
        pd.Series(pd.date_range("2020-01-01", periods=900).repeat(40)),  # dates, few distinct
        pd.Series([0.0, -0.0, np.nan, 1.5] * 1000),  # signed zero is one value, NaN none
        pd.Series(["a", "b", None, "a"] * 1000, dtype="str"),  # Arrow text: no object copy
        pd.Series([], dtype="float64"),
    ],
)
def test_distinct_count_equals_nunique_on_every_path(values: pd.Series) -> None:
    from autoviz_core.data.profiling import distinct_count

    assert distinct_count(values) == values.nunique()
