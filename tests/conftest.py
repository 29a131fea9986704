"""Fixtures shared by every test layer: realistic tables (the plotly samples and a sales table of
our own, tests/shop_sales.py; no test reads a table of an evaluation set)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import plotly.express as px
import pytest


@pytest.fixture(scope="session")
def sales_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The generated shop sales table as a CSV file (tests/shop_sales.py)."""
    from tests.shop_sales import write_shop_sales

    return write_shop_sales(tmp_path_factory.mktemp("shop_sales"))


@pytest.fixture(scope="session")
def sales_df(sales_csv: Path) -> pd.DataFrame:
    """The shop sales table as the loader reads it (dates parsed, text as str)."""
    from autoviz_core.data import load_table

    return load_table(sales_csv).df


REALISTIC = ("tips", "gapminder", "stocks", "iris")


@pytest.fixture(scope="session")
def realistic_tables(sales_df: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The plotly sample tables (loaded through our own clean-up) and the shop sales table."""
    from autoviz_core.data import table_from_dataframe

    tables = {n: table_from_dataframe(getattr(px.data, n)(), n).df for n in REALISTIC}
    tables["sales"] = sales_df
    return tables
