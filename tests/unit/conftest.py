"""Fixtures for the tool, runtime and report unit tests: realistic tables and a tool runner."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest

from autoviz_core.tools import ToolContext, ToolResult, get_tool

RunTool = Callable[..., ToolResult]


@pytest.fixture
def ctx() -> ToolContext:
    return ToolContext(max_chart_points=5000, seed=42)


@pytest.fixture
def run_tool(ctx: ToolContext) -> RunTool:
    """Validate params with the tool's model (as the executor does) and call the tool."""

    def run(
        name: str, df: pd.DataFrame, context: ToolContext | None = None, **params: Any
    ) -> ToolResult:
        spec = get_tool(name)
        assert spec is not None, f"tool {name} is not registered"
        return spec.fn(df, spec.params_model.model_validate(params), context or ctx)

    return run


@pytest.fixture(scope="session")
def tips(realistic_tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    return realistic_tables["tips"]


@pytest.fixture(scope="session")
def gapminder(realistic_tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    return realistic_tables["gapminder"]


@pytest.fixture(scope="session")
def stocks(realistic_tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    return realistic_tables["stocks"]


@pytest.fixture(scope="session")
def iris(realistic_tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    return realistic_tables["iris"]


@pytest.fixture(scope="session")
def sales(realistic_tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    return realistic_tables["sales"]


@pytest.fixture
def awkward() -> pd.DataFrame:
    """Loader-shaped oddities: str dtype, nullable ints, datetimes, an all-missing column."""
    return pd.DataFrame(
        {
            "when": pd.to_datetime(["2024-01-01", "2024-01-02", None, "2024-01-09", "2024-02-01"]),
            "city": pd.array(["Oslo", "oslo", None, "Bergen", "Oslo"], dtype="str"),
            "count": pd.array([1, None, 3, 4, 5], dtype="Int64"),
            "amount": [1.5, 2.5, np.nan, 10.0, 3.0],
            "empty": pd.array([None] * 5, dtype="Float64"),
            "code": pd.array(["001", "002", "003", "004", "005"], dtype="str"),
            "flag": pd.array([True, False, None, True, False], dtype="boolean"),
        }
    )
