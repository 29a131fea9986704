"""Resource limits from config.yaml, each set small and observed being enforced: per-step time,
chart points, upload size, rows, columns and cell size (LLM tokens and time: see
test_hostile_model_output.py and test_failing_infrastructure.py)."""

from __future__ import annotations

import threading
import time
import tomllib
import tracemalloc
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
import yaml
from pydantic import Field
from security_helpers import assert_one_line

from autoviz_core.config import Limits, PlannerSettings, Settings, load_settings
from autoviz_core.data.loading import load_table, load_table_bytes
from autoviz_core.errors import DataLoadError
from autoviz_core.pipeline import execute, run_analysis
from autoviz_core.plan import Plan, PlanStep
from autoviz_core.runtime.executor import execute_plan
from autoviz_core.tools.registry import ToolContext, ToolParams, ToolResult, get_tool, tool

REPO = Path(__file__).resolve().parents[2]
CUES_ONLY = PlannerSettings(intent_mode="cues", request_mode="cues", adapt_mode="off")
_RELEASE = threading.Event()


class SleepParams(ToolParams):
    seconds: float = Field(5.0)


if get_tool("security_test_sleep") is None:

    @tool(
        "security_test_sleep",
        family="test",
        description="test-only: sleeps (until released) to exercise the step time limit",
        params=SleepParams,
        produces="stats",
    )
    def _sleep_tool(df: pd.DataFrame, params: SleepParams, ctx: ToolContext) -> ToolResult:
        _RELEASE.wait(params.seconds)
        return ToolResult(summary="slept")


def settings_with(**limits: float) -> Settings:
    settings = load_settings()
    return settings.model_copy(
        update={"limits": settings.limits.model_copy(update=limits), "planner": CUES_ONLY}
    )


@pytest.fixture
def release_sleepers() -> object:
    _RELEASE.clear()
    yield None
    _RELEASE.set()  # let the abandoned worker thread finish


# ------------------------------------------------------------------ step time limit
def test_step_timeout_stops_waiting_and_keeps_the_other_steps(release_sleepers: object) -> None:
    df = pd.DataFrame({"a": [1, 2, 3], "b": ["x", "y", "z"]})
    plan = Plan(
        steps=[
            PlanStep(id="slow", tool="security_test_sleep", params={"seconds": 30}),
            PlanStep(id="stats", tool="summary_stats", params={}),
        ]
    )
    settings = settings_with(step_timeout_s=0.5)
    start = time.perf_counter()
    result = execute(SimpleNamespace(plan=plan), df, settings, seed=1)  # type: ignore[arg-type]
    elapsed = time.perf_counter() - start
    slow, stats = result.records
    assert slow.status == "error" and "timed out after 0.5 s" in slow.error
    assert stats.status == "ok"
    assert elapsed < 5, elapsed


def test_step_timeout_is_read_from_the_config_file(tmp_path: Path) -> None:
    raw = yaml.safe_load((REPO / "config.yaml").read_text(encoding="utf-8"))
    raw["limits"]["step_timeout_s"] = 0.25
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    assert load_settings(path).limits.step_timeout_s == 0.25
    assert load_settings().limits.step_timeout_s == 120  # the repository default is finite


# ------------------------------------------------------------------ chart points
@pytest.fixture(scope="module")
def big_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    rng = np.random.default_rng(3)
    df = pd.DataFrame(
        {
            "height": rng.normal(170, 10, 20_000).round(2),
            "weight": rng.normal(70, 12, 20_000).round(2),
            "team": rng.choice(["red", "blue", "green"], 20_000),
        }
    )
    path = tmp_path_factory.mktemp("big") / "people.csv"
    df.to_csv(path, index=False)
    return path


def _figure_points(figure: object) -> int:
    data = getattr(figure, "data", ())
    return sum(len(getattr(trace, "x", None) or getattr(trace, "y", None) or ()) for trace in data)


@pytest.mark.parametrize("cap", [40, 300])
def test_chart_points_are_capped_by_config(big_csv: Path, cap: int) -> None:
    settings = settings_with(max_chart_points=cap)
    run = run_analysis(str(big_csv), "scatter of weight against height", None, settings)
    charts = [r for r in run.result.records if r.status == "ok" and r.result and r.result.chart]
    assert charts, [r.error for r in run.result.records]
    scatter = [r for r in charts if r.result.chart.kind == "scatter"]  # type: ignore[union-attr]
    assert scatter, [r.result.chart.kind for r in charts]  # type: ignore[union-attr]
    for record in charts:
        chart = record.result.chart  # type: ignore[union-attr]
        assert chart.points_sent <= cap, (record.step_id, chart.points_sent)
        assert len(chart.x_values) <= cap and len(chart.y_values) <= cap
    for record in scatter:
        assert _figure_points(record.result.figure) <= cap  # type: ignore[union-attr]


def test_chart_tool_honours_the_context_cap() -> None:
    spec = get_tool("chart")
    assert spec is not None
    df = pd.DataFrame({"x": np.arange(10_000.0), "y": np.arange(10_000.0)})
    params = spec.params_model.model_validate({"kind": "line", "x": "x", "y": "y", "agg": "none"})
    result = spec.fn(df, params, ToolContext(max_chart_points=25, seed=1))
    assert result.chart is not None and 0 < result.chart.points_sent <= 25


# ------------------------------------------------------------------ upload size, rows, columns, cells
def test_upload_limit_is_checked_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    with path.open("wb") as out:
        out.write(b"a,b\n")
        out.write(b"1,2\n" * 5_000_000)  # 20 MB
    tracemalloc.start()
    try:
        with pytest.raises(DataLoadError) as info:
            load_table(path, Limits(max_upload_mb=1))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "over the 1 MB limit" in assert_one_line(info.value)
    assert peak < 2_000_000, f"read {peak / 1e6:.1f} MB before refusing"


def test_upload_limit_through_the_pipeline(big_csv: Path) -> None:
    with pytest.raises(DataLoadError, match="MB limit"):
        run_analysis(str(big_csv), "count by team", None, settings_with(max_upload_mb=0.05))


@pytest.mark.parametrize(
    ("limits", "phrase"),
    [
        ({"max_rows": 1000}, "more than 1,000 rows"),
        ({"max_columns": 2}, "3 columns, over the 2 limit"),
    ],
)
def test_row_and_column_limits_through_the_pipeline(
    big_csv: Path, limits: dict[str, int], phrase: str
) -> None:
    with pytest.raises(DataLoadError) as info:
        run_analysis(str(big_csv), "count by team", None, settings_with(**limits))
    assert phrase in assert_one_line(info.value)


@pytest.mark.parametrize("fmt", ["csv", "parquet", "xlsx", "jsonl"])
def test_row_limit_in_every_format(fmt: str, tmp_path: Path) -> None:
    df = pd.DataFrame({"a": range(300), "b": ["x"] * 300})
    path = tmp_path / f"t.{fmt}"
    if fmt == "csv":
        df.to_csv(path, index=False)
    elif fmt == "parquet":
        df.to_parquet(path)
    elif fmt == "xlsx":
        df.to_excel(path, index=False)
    else:
        df.to_json(path, orient="records", lines=True)
    with pytest.raises(DataLoadError, match="rows"):
        load_table(path, Limits(max_rows=100))
    assert len(load_table(path, Limits(max_rows=300)).df) == 300


def test_cell_size_limit() -> None:
    data = b"a,b\n1," + b"y" * 51 + b"\n2,z\n"
    with pytest.raises(DataLoadError, match="51 characters, over the 50 limit"):
        load_table_bytes(data, "t.csv", Limits(max_cell_chars=50))
    assert len(load_table_bytes(data, "t.csv", Limits(max_cell_chars=51)).df) == 2


def test_streamlit_upload_limit_matches_config() -> None:
    """The browser-side limit and the loader's limit agree, so neither silently wins."""
    streamlit = tomllib.loads((REPO / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert streamlit["server"]["maxUploadSize"] == load_settings().limits.max_upload_mb


def test_every_limit_is_finite_in_the_shipped_config() -> None:
    limits = load_settings().limits
    for name, value in limits.model_dump().items():
        assert 0 < value < float("inf"), name


def test_executor_without_limit_still_runs() -> None:
    """Control: without the slow tool the same plan completes (the limit, not the plan, failed)."""
    df = pd.DataFrame({"a": [1, 2, 3]})
    result = execute_plan(
        Plan(steps=[PlanStep(id="stats", tool="summary_stats", params={})]),
        df,
        ToolContext(),
        step_timeout_s=5,
    )
    assert result.ok
