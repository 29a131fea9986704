"""A generated sales table written as Parquet and CSV, opened by the real DuckDB engine."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from autoviz_core.config import Settings, load_settings
from autoviz_core.engine.source import EngineTable, open_files


def sales_table(rows: int = 3000, seed: int = 7) -> pd.DataFrame:
    """Regions (one rare), products, dates over two years, money with gaps, a yes/no column."""
    rng = np.random.default_rng(seed)
    regions = rng.choice(["North", "South", "East", "West"], size=rows, p=[0.4, 0.3, 0.2, 0.1])
    regions = regions.astype(object)
    regions[17] = "Far Island"  # a value a random sample of a big table would likely miss
    revenue = rng.gamma(2.0, 50.0, size=rows).round(2)
    revenue[rng.random(rows) < 0.05] = np.nan
    return pd.DataFrame(
        {
            "order_id": np.arange(1, rows + 1),
            "order_date": pd.Timestamp("2022-01-03")
            + pd.to_timedelta(rng.integers(0, 730 * 24, size=rows), unit="h"),
            "region": regions,
            "product": rng.choice(["apple pie", "Banana", "cherry", "Date cake"], size=rows),
            "revenue": revenue,
            "units": rng.integers(0, 20, size=rows),
            "discount": rng.random(rows).round(3),
            "returned": rng.random(rows) < 0.1,
        }
    )


@pytest.fixture(scope="session")
def sales() -> pd.DataFrame:
    return sales_table()


@pytest.fixture(scope="session")
def sales_parquet(sales: pd.DataFrame, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("engine") / "sales.parquet"
    sales.to_parquet(path)
    return path


@pytest.fixture(scope="session")
def engine_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    settings = load_settings()
    cache = str(tmp_path_factory.mktemp("engine-cache"))
    engine = settings.engine.model_copy(update={"route": "engine", "cache_dir": cache})
    return settings.model_copy(update={"engine": engine})


@pytest.fixture(scope="session")
def sales_source(sales_parquet: Path, engine_settings: Settings) -> EngineTable:
    return open_files(str(sales_parquet), engine_settings)
