"""Profiles of the realistic tables, shared by the planning tests."""

from __future__ import annotations

import pandas as pd
import pytest

from autoviz_core.data import profile_table
from autoviz_core.data.profiling import SchemaProfile


@pytest.fixture(scope="session")
def profiles(realistic_tables: dict[str, pd.DataFrame]) -> dict[str, SchemaProfile]:
    return {name: profile_table(df) for name, df in realistic_tables.items()}
