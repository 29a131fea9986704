"""The column-group table on SchemaProfile: one answer per group, every group defined."""

from __future__ import annotations

from typing import get_args

import pandas as pd
import pytest

from autoviz_core.data import profile_table
from autoviz_core.data.profiling import COLUMN_GROUPS, ColumnGroup

TABLE = pd.DataFrame(
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
    "any": list(TABLE.columns),
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


def test_every_group_name_is_defined_once() -> None:
    assert list(COLUMN_GROUPS) == list(get_args(ColumnGroup))


@pytest.mark.parametrize(("group", "columns"), EXPECTED.items())
def test_group_members(group: ColumnGroup, columns: list[str]) -> None:
    profile = profile_table(TABLE)
    assert profile.group(group) == columns
    for name in profile.names():
        assert profile.in_group(name, group) == (name in columns)


def test_additive_is_a_subset_of_numeric() -> None:
    profile = profile_table(TABLE)
    assert set(profile.group("additive")) <= set(profile.group("numeric"))


def test_no_column_is_in_no_group() -> None:
    profile = profile_table(TABLE)
    assert not profile.in_group(None, "any")
    assert not profile.in_group("not a column", "any")
