"""A whole headless run on a table that stays where it lives, against the same run in pandas."""

from __future__ import annotations

from pathlib import Path

import pytest

from autoviz_core.config import Settings
from autoviz_core.engine.load import EngineLoadedTable
from autoviz_core.errors import DataLoadError
from autoviz_core.pipeline import load_dataset, provenance, result_document, run_analysis

QUESTIONS = [
    "sum of revenue for each region",
    "average units per month",
    "how many orders by product for the North region",
    "units by weekday",
]


def _memory(settings: Settings) -> Settings:
    return settings.model_copy(
        update={"engine": settings.engine.model_copy(update={"route": "memory"})}
    )


@pytest.mark.parametrize("question", QUESTIONS)
def test_the_engine_answers_as_pandas_does(
    question: str, sales_parquet: Path, engine_settings: Settings
) -> None:
    in_engine = run_analysis(str(sales_parquet), question, None, engine_settings)
    in_memory = run_analysis(str(sales_parquet), question, None, _memory(engine_settings))
    assert isinstance(in_engine.table, EngineLoadedTable)
    assert not isinstance(in_memory.table, EngineLoadedTable)
    a, b = result_document(in_engine, "none"), result_document(in_memory, "none")
    assert a["request"] == b["request"] and a["plan"] == b["plan"]
    primary_a = next(c for c in a["charts"] if c["primary"])
    primary_b = next(c for c in b["charts"] if c["primary"])
    assert primary_a["data"]["x"] == primary_b["data"]["x"]
    assert primary_a["data"]["y"] == pytest.approx(primary_b["data"]["y"], rel=1e-9)
    assert a["findings"][0]["text"] == b["findings"][0]["text"]  # the headline
    where = provenance(in_engine, "none")["dataset"]["where"]
    assert where["engine"] == "duckdb" and where["rows"] == 3000


def test_steps_without_sql_say_they_ran_on_a_sample(
    sales_parquet: Path, engine_settings: Settings
) -> None:
    settings = engine_settings.model_copy(
        update={"engine": engine_settings.engine.model_copy(update={"sample_rows": 1000})}
    )
    run = run_analysis(str(sales_parquet), "sum of revenue for each region", None, settings)
    sampled = [r for r in run.result.records if r.result and "sample" in r.result.metrics]
    assert sampled, "the supporting steps read the sample"
    for record in sampled:
        assert record.result is not None
        assert "seeded random sample of" in record.result.findings[-1]
        assert "of 3,000 rows" in record.summary
    primary = next(r for r in run.result.records if r.primary)
    assert primary.result is not None and "sample" not in primary.result.metrics  # SQL, all rows


def test_table_needs_a_database_url(sales_parquet: Path, engine_settings: Settings) -> None:
    with pytest.raises(DataLoadError, match="--table"):
        load_dataset(str(sales_parquet), engine_settings, table="sales")


def test_a_glob_of_files_is_one_table(
    sales_parquet: Path, tmp_path: Path, engine_settings: Settings
) -> None:
    import pandas as pd

    df = pd.read_parquet(sales_parquet)
    df.iloc[:1000].to_parquet(tmp_path / "part-1.parquet")
    df.iloc[1000:].to_parquet(tmp_path / "part-2.parquet")
    table = load_dataset(str(tmp_path / "part-*.parquet"), engine_settings)
    assert isinstance(table, EngineLoadedTable) and table.source is not None
    assert table.source.n_rows == 3000
    with pytest.raises(DataLoadError, match="No file matches"):
        load_dataset(str(tmp_path / "none-*.parquet"), engine_settings)
