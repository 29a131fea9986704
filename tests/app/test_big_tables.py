"""Big tables in the app: an upload whose table would not fit the memory budget is written to a
file and queried where it lives (a small one still loads into pandas), its answer computed by
the engine; a running engine query is stopped from the Results page's stop switch (a real
DuckDB query made slow by a cross join), the steps not started are left out, and the table
answers again afterwards."""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import yaml
from streamlit.testing.v1 import AppTest

from autoviz_core.engine.load import EngineLoadedTable
from autoviz_core.runtime.executor import STOPPED
from autoviz_core.runtime.job import RunJob
from autoviz_core.tools import registry
from ui.run_progress import progress_line

UploadApp = Callable[[], AppTest]
REPO = Path(__file__).resolve().parents[2]
ROWS = 300_000


def texts(elements: Any) -> str:
    return " ".join(str(e.value) for e in elements)


@pytest.fixture
def small_budget(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A 32 MB memory budget (a 300,000-row table peaks near 45 MB loading into pandas) and progress
    reported from the first moment; the engine's files under tmp_path."""
    raw = yaml.safe_load((REPO / "config.yaml").read_text())
    raw["limits"]["memory_budget_mb"] = 32
    raw["engine"]["cache_dir"] = str(tmp_path / "engine")
    raw["engine"]["progress_after_s"] = 0
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(raw))
    monkeypatch.setenv("AUTOVIZ_CONFIG", str(path))
    return tmp_path / "engine"


@pytest.fixture(scope="module")
def orders() -> pd.DataFrame:
    rng = np.random.default_rng(9)
    return pd.DataFrame(
        {
            "order_date": pd.Timestamp("2023-01-01")
            + pd.to_timedelta(rng.integers(0, 365 * 24, ROWS), unit="h"),
            "region": rng.choice(["North", "South", "East", "West"], ROWS),
            "product": rng.choice([f"item {i}" for i in range(50)], ROWS),
            "revenue": rng.gamma(2.0, 40.0, ROWS).round(2),
            "units": rng.integers(1, 30, ROWS),
        }
    )


def _upload(at: AppTest, name: str, content: bytes) -> AppTest:
    at.file_uploader(key="upload_file").set_value((name, content, "application/octet-stream"))
    at.run()
    assert not at.exception, at.exception
    return at


def _to_results(at: AppTest, question: str) -> AppTest:
    at.switch_page("pages/question.py").run()
    at.text_area(key="question_input").set_value(question).run()
    at.button(key="plan").click().run()
    assert not at.exception, at.exception
    at.switch_page("pages/plan.py")
    at.button(key="approve").click().run()
    assert not at.exception, at.exception
    return at.switch_page("pages/results.py")


def test_a_big_upload_is_queried_where_it_lives_and_a_small_one_loads(
    app: UploadApp,
    small_budget: Path,
    orders: pd.DataFrame,
    sales_csv: Path,
    tmp_path: Path,
) -> None:
    parquet = tmp_path / "orders.parquet"
    orders.to_parquet(parquet)
    at = _upload(app(), "orders.parquet", parquet.read_bytes())
    table = at.session_state["table"]
    assert isinstance(table, EngineLoadedTable) and table.source is not None
    assert len(table.df) < ROWS  # planning reads a bounded sample, not the whole table
    assert at.subheader[0].value == "orders.parquet"
    assert f"{ROWS:,} rows × 5 columns" in texts(at.caption)
    assert "stays where it lives" in texts(at.warning)
    spilled = list((small_budget / "uploads").iterdir())
    assert len(spilled) == 1 and spilled[0].read_bytes() == parquet.read_bytes()
    assert spilled[0].suffix == ".parquet" and "orders" not in spilled[0].name

    at = _to_results(at, "What is the average revenue?")
    card = at.get("metric")[0].proto
    assert card.body == f"{orders['revenue'].mean():,.2f}"  # every row, computed by the engine
    assert f"({ROWS:,} values" in texts(at.markdown)
    table.source.close()

    small = _upload(app(), sales_csv.name, sales_csv.read_bytes())
    assert not isinstance(small.session_state["table"], EngineLoadedTable)
    assert "stays where it lives" not in texts(small.warning)


def test_stop_interrupts_the_running_engine_query_and_skips_the_rest(
    app: UploadApp,
    small_budget: Path,
    orders: pd.DataFrame,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    parquet = tmp_path / "orders.parquet"
    orders.to_parquet(parquet)
    at = _upload(app(), "orders.parquet", parquet.read_bytes())
    table = at.session_state["table"]
    started = threading.Event()

    def slow_chart(source: Any, params: Any, ctx: Any) -> Any:
        started.set()  # 300,000 x 300,000 rows: minutes, unless interrupted
        t = source.table
        a, b = t.view(), t.view()
        pairs = a.cross_join(b.select(u=b.units))
        return source.fetch(pairs.aggregate(n=(pairs.units * pairs.u).sum()), "slow test query")

    chart = registry.get_tool("chart")
    assert chart is not None
    monkeypatch.setitem(registry._REGISTRY, "chart", dataclasses.replace(chart, sql_fn=slow_chart))
    jobs: list[RunJob] = []

    def press_stop() -> None:  # what the Stop button's on_click does, while the page runs
        assert started.wait(60)
        time.sleep(0.5)
        job = at.session_state["run_job"]["job"]
        jobs.append(job)
        job.stop()

    stopper = threading.Thread(target=press_stop, daemon=True)
    stopper.start()
    at = _to_results(at, "average revenue by region")
    stopper.join(5)
    assert jobs, "the stop switch was never pressed"
    job = jobs[0]
    assert job.query is not None and job.query.stage == "slow test query"  # progress was heard
    assert "You stopped the run" in texts(at.warning)
    records = at.session_state["run"]["result"].records
    primary = next(r for r in records if r.primary)
    assert primary.status == "error" and "cancelled" in primary.error
    later = records[records.index(primary) + 1 :]
    assert later and all(r.status == "skipped" and r.error == STOPPED for r in later)
    assert "run_job" not in at.session_state
    # the table answers again: a stop does not stay on its connection
    assert table.source.scalar(table.source.table.count(), "count rows") == ROWS
    table.source.close()


def test_the_progress_line_names_the_step_and_the_engine_query() -> None:
    from autoviz_core.engine.query import QueryProgress

    job = RunJob(total=3)
    assert progress_line(job, ["Average revenue", "Spread", "Outliers"], after_s=60) is None
    line = progress_line(job, ["Average revenue", "Spread", "Outliers"], after_s=0)
    assert line is not None and line.startswith("Step 1 of 3: Average revenue · ")
    job.on_step(0, 3, None)  # type: ignore[arg-type]
    job.on_query(QueryProgress("aggregate", 3.2, 0.45, 100_000_000))
    line = progress_line(job, ["Average revenue", "Spread", "Outliers"], after_s=0)
    assert line == "Step 2 of 3: Spread · 45% of the rows read (~45,000,000 of 100,000,000), 3.2 s"
    assert "aggregate" not in line  # the engine's stage name is internal
    job.stop()
    assert job.asked_to_stop()
    assert (progress_line(job, ["a", "b", "c"], after_s=0) or "").startswith("Stopping… Step 2")
