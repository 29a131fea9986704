"""A generated sales table written as Parquet and CSV, opened by the real DuckDB engine."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from autoviz_core.config import Settings, load_settings
from autoviz_core.engine.source import EngineTable, open_files
from tests.engine_tables import sales_table


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
