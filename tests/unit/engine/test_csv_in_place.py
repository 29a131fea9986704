"""A big CSV answers its first question where it lies (planned from sampled lines) and reads
its columnar copy, made in a process of its own, from then on; the answers equal pandas'."""

from __future__ import annotations

import time
from pathlib import Path

import pandas as pd
import pytest

from autoviz_core.config import Settings
from autoviz_core.engine import csv_lines
from autoviz_core.engine.load import EngineLoadedTable
from autoviz_core.engine.source import open_files
from autoviz_core.pipeline import (
    load_dataset,
    plan_analysis,
    result_document,
    run_analysis,
    run_approved,
)
from tests.engine_tables import sales_table

ROWS = 20_000


@pytest.fixture()
def in_place(engine_settings: Settings, tmp_path: Path) -> Settings:
    """Every CSV read in place (no size threshold), sampled by 2,000 lines, with a cache
    folder of this test's own."""
    engine = engine_settings.engine.model_copy(
        update={
            "csv_in_place_above_mb": 0.0,
            "cache_dir": str(tmp_path / "cache"),
            "sample_rows": 2000,
        }
    )
    return engine_settings.model_copy(update={"engine": engine})


@pytest.fixture(scope="module")
def sales_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("csv-in-place") / "orders.csv"
    sales_table(ROWS, seed=5).to_csv(path, index=False)
    return path


def _memory(settings: Settings) -> Settings:
    return settings.model_copy(
        update={"engine": settings.engine.model_copy(update={"route": "memory"})}
    )


def _primary(doc: dict) -> dict:  # type: ignore[type-arg]
    return next(c for c in doc["charts"] if c["primary"])["data"]


def _wait_for_copy(folder: Path, limit_s: float = 120.0) -> bool:
    started = time.monotonic()
    while time.monotonic() - started < limit_s:
        if any(folder.glob("*.parquet")) and not any(folder.glob("*.making")):
            return True
        time.sleep(0.2)
    return False


def test_the_first_answer_is_read_from_the_csv_and_later_ones_from_its_copy(
    sales_csv: Path, in_place: Settings
) -> None:
    question = "sum of revenue for each region"
    table = load_dataset(str(sales_csv), in_place)  # kept open, as the app keeps it
    assert isinstance(table, EngineLoadedTable) and table.profile is not None
    planned = plan_analysis(question, table, table.profile, None, in_place.planner)
    run = run_approved(table, table.profile, planned, in_place)  # type: ignore[arg-type]
    expected = result_document(
        run_analysis(str(sales_csv), question, None, _memory(in_place)), "none"
    )
    assert isinstance(run.table, EngineLoadedTable) and run.table.source is not None
    source = run.table.source
    assert source.origin == "csv" and source.rows_estimated
    assert abs(source.n_rows - ROWS) / ROWS < 0.05
    assert any("where it lies" in w for w in run.table.warnings)
    assert "about" in run.table.sample.text()  # type: ignore[union-attr]
    first = result_document(run, "none")
    assert _primary(first)["x"] == _primary(expected)["x"]
    assert _primary(first)["y"] == pytest.approx(_primary(expected)["y"], rel=1e-9)
    assert run.table.profile is not None
    assert all("values" in c.approximate for c in run.table.profile.columns)

    assert _wait_for_copy(Path(in_place.engine.cache_dir)), "the copy was made after the answer"
    again = result_document(run_approved(table, table.profile, planned, in_place), "none")
    assert source.origin == "csv copy" and source.n_rows == ROWS and not source.rows_estimated
    assert _primary(again)["y"] == pytest.approx(_primary(expected)["y"], rel=1e-9)
    source.close()
    reopened = open_files(str(sales_csv), in_place)
    assert reopened.origin == "csv copy" and reopened.n_rows == ROWS
    reopened.close()


def test_line_samples_are_seeded_and_estimate_the_row_count(sales_csv: Path) -> None:
    first = csv_lines.sample_lines([str(sales_csv)], 3000, seed=9)
    again = csv_lines.sample_lines([str(sales_csv)], 3000, seed=9)
    other = csv_lines.sample_lines([str(sales_csv)], 3000, seed=10)
    assert first is not None and again is not None and other is not None
    assert first.lines == again.lines and first.lines != other.lines
    assert 2900 <= len(first.lines) <= 3000
    assert first.header.startswith(b"order_id,") and all(x.endswith(b"\n") for x in first.lines)
    assert set(first.lines) <= set(sales_csv.read_bytes().splitlines(keepends=True)[1:])
    assert abs(first.rows_estimate - ROWS) / ROWS < 0.05


def test_a_csv_whose_fields_may_hold_line_breaks_is_copied_first(
    tmp_path: Path, in_place: Settings
) -> None:
    path = tmp_path / "notes.csv"
    frame = pd.DataFrame(
        {"id": range(400), "note": [f'line one\nline "two" of {i}' for i in range(400)]}
    )
    frame.to_csv(path, index=False)
    assert csv_lines.sample_lines([str(path)], 100, seed=1) is None
    source = open_files(str(path), in_place)
    assert source.origin == "csv copy" and source.n_rows == 400


def test_files_with_different_headers_are_not_sampled_by_lines(tmp_path: Path) -> None:
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.write_text("x,y\n" + "1,2\n" * 50, encoding="utf-8")
    b.write_text("x,z\n" + "1,2\n" * 50, encoding="utf-8")
    assert csv_lines.sample_lines([str(a), str(b)], 20, seed=1) is None
    assert csv_lines.sample_lines([str(a)], 20, seed=1) is not None
