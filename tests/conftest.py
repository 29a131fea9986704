"""Fixtures shared by every test layer: where the shared evaluation data lives, realistic tables."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import plotly.express as px
import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("AUTOVIZ_SHARED", REPO.parent / "shared")).resolve()


def shared_path(*parts: str) -> Path:
    """A file under ../shared; fails loudly (never skips) when the shared folder is missing."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.fail(f"missing shared test data: {path} (set AUTOVIZ_SHARED)")
    return path


@pytest.fixture(scope="session")
def december_csv() -> Path:
    return shared_path("eval", "data", "december_revenue.csv")


@pytest.fixture(scope="session")
def december_df(december_csv: Path) -> pd.DataFrame:
    from autoviz_core.data import load_table

    return load_table(december_csv).df


REALISTIC = ("tips", "gapminder", "stocks", "iris")


@pytest.fixture(scope="session")
def realistic_tables(december_df: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The plotly sample tables (loaded through our own clean-up) and the December sales table."""
    from autoviz_core.data import table_from_dataframe

    tables = {n: table_from_dataframe(getattr(px.data, n)(), n).df for n in REALISTIC}
    tables["december"] = december_df
    return tables
