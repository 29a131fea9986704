"""The headless pipeline without a model: load -> profile -> plan -> execute -> result document,
on a small table written for the test; the numbers are checked against pandas."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import numpy as np
import pandas as pd
import pytest

from autoviz_core.config import PlannerSettings, Settings, load_settings
from autoviz_core.errors import DataLoadError
from autoviz_core.pipeline import (
    AnalysisRun,
    bundle_args,
    load_dataset,
    plan_analysis,
    result_document,
    run_analysis,
    run_approved,
)
from autoviz_core.planning.followup import FollowUpPlan, PreviousVersion
from autoviz_core.planning.planned import PlannedAnalysis

REPO = Path(__file__).resolve().parents[2]
RESULT_SCHEMA = json.loads((REPO / "autoviz_core" / "result_schema.json").read_text())
QUESTION = "total units by region"


@pytest.fixture(scope="module")
def settings() -> Settings:
    base = load_settings()
    cues = PlannerSettings(intent_mode="cues", request_mode="cues", adapt_mode="off")
    return base.model_copy(update={"planner": cues})


@pytest.fixture(scope="module")
def sales_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    rng = np.random.default_rng(11)
    n = 90
    df = pd.DataFrame(
        {
            "region": rng.choice(["North", "South", "East"], n),
            "channel": rng.choice(["online", "store"], n),
            "units": rng.integers(1, 30, n),
            "price": rng.uniform(5, 50, n).round(2),
        }
    )
    path = tmp_path_factory.mktemp("pipeline") / "sales.csv"
    df.to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def run(sales_csv: Path, settings: Settings) -> AnalysisRun:
    return run_analysis(str(sales_csv), QUESTION, None, settings)


def primary_chart(doc: dict[str, Any]) -> dict[str, Any]:
    """The one chart of the document that answers the question."""
    charts = [c for c in doc["charts"] if c["primary"]]
    assert len(charts) == 1
    return charts[0]


def test_the_answer_chart_holds_the_totals_pandas_computes(
    run: AnalysisRun, sales_csv: Path
) -> None:
    chart = primary_chart(result_document(run, "none"))
    assert (chart["kind"], chart["x"], chart["y"], chart["agg"]) == (
        "bar",
        "region",
        "units",
        "sum",
    )
    expected = pd.read_csv(sales_csv).groupby("region")["units"].sum()
    got = dict(zip(chart["data"]["x"], chart["data"]["y"], strict=True))
    assert got == {k: int(v) for k, v in expected.items()}


def test_the_result_document_follows_its_schema_and_names_no_model(run: AnalysisRun) -> None:
    doc = result_document(run, "none")
    jsonschema.validate(doc, RESULT_SCHEMA)
    assert doc["question"] == QUESTION
    assert doc["backend"] == "none"
    assert set(doc["backends"].values()) == {"none"}
    assert doc["errors"] == []
    assert list(doc["timings_ms"]) == ["profile", "intent", "plan", "execute"]
    assert doc["plan"]["steps"][0]["id"] == "answer"
    assert len(doc["plan"]["steps"]) == len(run.planned.plan.steps)


def test_every_planned_step_ran(run: AnalysisRun) -> None:
    ids = [s.id for s in run.planned.plan.steps]
    assert [r.step_id for r in run.result.records] == ids
    assert all(r.status == "ok" for r in run.result.records), [
        (r.step_id, r.error) for r in run.result.records
    ]


def test_the_bundle_records_the_plan_and_its_provenance(run: AnalysisRun) -> None:
    args = bundle_args(run, "none")
    assert args["question"] == QUESTION
    assert args["adapted_plan"]["steps"][0]["tool"] == "chart"
    assert args["provenance"]["request_source"] == "cues"
    assert args["provenance"]["dataset"]["rows"] == 90
    assert args["metadata"]["planning_ms"] == run.planned.timings_ms


def test_running_an_approved_plan_again_gives_the_same_charts(
    run: AnalysisRun, settings: Settings
) -> None:
    again = run_approved(run.table, run.profile, run.planned, settings)
    assert list(again.timings_ms) == ["plan", "execute"]
    assert result_document(again, "none")["charts"] == result_document(run, "none")["charts"]


def test_a_follow_up_filters_the_previous_answer(
    run: AnalysisRun, sales_csv: Path, settings: Settings
) -> None:
    previous = PreviousVersion.from_result(result_document(run, "none"))
    follow = run_analysis(str(sales_csv), "only online", None, settings, previous=previous)
    assert follow.follow_up is not None and follow.follow_up["understood"]
    assert follow.follow_up["previous_question"] == QUESTION
    chart = primary_chart(result_document(follow, "none"))
    df = pd.read_csv(sales_csv)
    expected = df[df["channel"] == "online"].groupby("region")["units"].sum()
    got = dict(zip(chart["data"]["x"], chart["data"]["y"], strict=True))
    assert got == {k: int(v) for k, v in expected.items()}


def test_plan_analysis_is_a_new_question_without_a_previous_version(
    sales_csv: Path, settings: Settings
) -> None:
    table = load_dataset(str(sales_csv), settings)
    run = run_analysis(str(sales_csv), QUESTION, None, settings)
    fresh = plan_analysis(QUESTION, table, run.profile, None, settings.planner)
    assert isinstance(fresh, PlannedAnalysis)
    assert fresh.plan.model_dump() == run.planned.plan.model_dump()
    previous = PreviousVersion.from_result(result_document(run, "none"))
    follow = plan_analysis(
        "only online", table, run.profile, None, settings.planner, previous=previous
    )
    assert isinstance(follow, FollowUpPlan)


def test_a_sample_table_loads_and_an_unknown_one_is_a_clear_error(settings: Settings) -> None:
    table = load_dataset("plotly:tips", settings)
    assert table.name == "tips" and len(table.df) == 244
    with pytest.raises(DataLoadError, match="Unknown sample dataset 'nope'"):
        load_dataset("plotly:nope", settings)


def test_the_product_knows_no_evaluation_convention(settings: Settings, tmp_path: Path) -> None:
    """`shared:PATH` names a file of the evaluation sets; bench/eval.py resolves it. For the
    product it is an ordinary (missing) path, and no file of autoviz_core mentions the folder.
    The prefix is `shared:` followed by a path or a quote; a variable `shared` ending a line
    (`if shared:`) is not the convention."""
    with pytest.raises(DataLoadError):
        load_dataset("shared:eval/data/nothing.csv", settings)
    convention = re.compile(r"shared:(?=\S)|shared/eval|\.\./shared|AUTOVIZ_SHARED")
    mentions = [
        path.relative_to(REPO).as_posix()
        for path in sorted((REPO / "autoviz_core").rglob("*"))
        if path.is_file()
        and path.suffix in {".py", ".yaml", ".json", ".gbnf"}
        and convention.search(path.read_text(encoding="utf-8"))
    ]
    assert mentions == []
