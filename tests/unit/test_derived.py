"""Derived measures: the question names a share, ratio or difference of two columns; the plan
carries the formula, the executor recomputes it, and the charted numbers equal pandas' own."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jsonschema
import numpy as np
import pandas as pd
import pytest

from autoviz_core.config import PlannerSettings, Settings, load_settings
from autoviz_core.data import profile_table
from autoviz_core.data.derived import Derived, compute, with_derived, with_derived_profile
from autoviz_core.errors import PlanValidationError
from autoviz_core.pipeline import result_document, run_analysis
from autoviz_core.planning.derive import find_derived, read_question
from autoviz_core.planning.followup import PreviousVersion
from autoviz_core.planning.planner import revalidate
from tests.unit.test_pipeline import RESULT_SCHEMA, primary_chart


@pytest.fixture(scope="module")
def shops() -> pd.DataFrame:
    rng = np.random.default_rng(5)
    n = 120
    visits = rng.integers(20, 400, n)
    return pd.DataFrame(
        {
            "store": rng.choice(["Alpha", "Beta", "Gamma", "Delta"], n),
            "channel": rng.choice(["web", "phone"], n),
            "revenue": (visits * rng.uniform(2, 9, n)).round(2),
            "visits": visits,
            "cost": rng.uniform(100, 900, n).round(2),
            "staff": rng.integers(1, 6, n),  # few values: "per staff" can be a grouping
            "open_hour": rng.integers(0, 24, n),  # whole numbers named as a period: a grouping
        }
    )


@pytest.fixture(scope="module")
def shops_csv(shops: pd.DataFrame, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("derived") / "shops.csv"
    shops.to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def settings() -> Settings:
    cues = PlannerSettings(intent_mode="cues", request_mode="cues", adapt_mode="off")
    return load_settings().model_copy(update={"planner": cues})


def found(question: str, df: pd.DataFrame) -> list[tuple[str, str, str]]:
    return [
        (f.derived.op, f.derived.a, f.derived.b) for f in find_derived(question, profile_table(df))
    ]


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("revenue as a share of cost by store", [("share", "revenue", "cost")]),
        ("average revenue pct of cost per channel", [("share", "revenue", "cost")]),
        ("ratio of revenue to visits for each store", [("ratio", "revenue", "visits")]),
        ("revenue per visit by store", [("ratio", "revenue", "visits")]),
        ("revenue minus cost by store", [("difference", "revenue", "cost")]),
        ("difference between revenue and cost per channel", [("difference", "revenue", "cost")]),
    ],
)
def test_a_named_share_ratio_or_difference_is_found(
    question: str, expected: list[tuple[str, str, str]], shops: pd.DataFrame
) -> None:
    assert found(question, shops) == expected


@pytest.mark.parametrize(
    "question",
    [
        "revenue per store",  # a grouping, not a number to divide by
        "revenue per staff",  # a number with few values groups
        "total revenue per open hour",
        "total revenue by store",
        "share of revenue by store",  # a part-of-whole chart, no second measure
        "revenue versus cost",
        "revenue minus revenue",
    ],
)
def test_groupings_and_plain_measures_derive_nothing(question: str, shops: pd.DataFrame) -> None:
    assert found(question, shops) == []


def test_a_division_by_zero_is_missing_not_infinite() -> None:
    df = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [2.0, 0.0, None]})
    out = compute(df, Derived(name="a_pct_of_b", op="share", a="a", b="b"))
    assert out.iloc[0] == 50.0
    assert out.iloc[1:].isna().all()


def test_a_derived_measure_of_a_missing_column_is_a_readable_error() -> None:
    df = pd.DataFrame({"a": [1.0, 2.0]})
    with pytest.raises(PlanValidationError, match="needs the column 'b'"):
        compute(df, Derived(name="a_minus_b", op="difference", a="a", b="b"))


def test_the_derived_profile_is_a_measure_that_does_not_add_up(shops: pd.DataFrame) -> None:
    d = Derived(name="revenue_per_visits", op="ratio", a="revenue", b="visits")
    df = with_derived(shops, [d])
    assert "revenue_per_visits" not in shops.columns  # the caller's table is left alone
    col = with_derived_profile(profile_table(shops), df, [d]).column("revenue_per_visits")
    assert col is not None and col.role == "numeric"
    assert not col.additive and col.derived_from == ["revenue", "visits"]


def test_its_words_become_one_mention_of_the_new_column(shops: pd.DataFrame) -> None:
    read = read_question("average revenue as a share of cost by store", profile_table(shops), shops)
    assert [m.column for m in read.cues.mentions] == ["revenue_pct_of_cost", "store"]


def test_the_chart_of_a_derived_measure_recomputes_with_pandas(
    shops_csv: Path, settings: Settings
) -> None:
    run = run_analysis(str(shops_csv), "average revenue per visit by store", None, settings)
    doc = result_document(run, "none")
    jsonschema.validate(doc, RESULT_SCHEMA)
    assert doc["plan"]["derived"] == [
        {"name": "revenue_per_visits", "op": "ratio", "a": "revenue", "b": "visits"}
    ]
    chart = primary_chart(doc)
    assert (chart["x"], chart["y"], chart["agg"]) == ("store", "revenue_per_visits", "mean")
    df = pd.read_csv(shops_csv)
    expected = (df["revenue"] / df["visits"]).groupby(df["store"]).mean()
    got = dict(zip(chart["data"]["x"], chart["data"]["y"], strict=True))
    assert got == pytest.approx(expected.to_dict())
    assert all(r.status == "ok" for r in run.result.records), [
        (r.step_id, r.error) for r in run.result.records
    ]


def test_no_step_explains_a_derived_measure_by_its_own_parts(
    shops_csv: Path, settings: Settings
) -> None:
    run = run_analysis(str(shops_csv), "what drives revenue minus cost?", None, settings)
    drivers = [s for s in run.planned.plan.steps if s.tool == "driver_ranking"]
    assert drivers, [s.tool for s in run.planned.plan.steps]
    for step in drivers:
        assert step.params["target"] == "revenue_minus_cost"
        assert "visits" in step.params["columns"]
        assert {"revenue", "cost"}.isdisjoint(step.params["columns"])
    ranked = next(r for r in run.result.records if r.tool == "driver_ranking").result
    assert ranked is not None and ranked.table is not None
    assert {"revenue", "cost"}.isdisjoint(ranked.table["column"])
    charted = {run.planned.request.x, run.planned.request.color, *run.planned.request.measures}
    assert {"revenue", "cost"}.isdisjoint(charted)


def test_an_edited_plan_and_a_follow_up_keep_the_derived_measure(
    shops_csv: Path, settings: Settings
) -> None:
    run = run_analysis(str(shops_csv), "average revenue per visit by store", None, settings)
    again = revalidate(run.planned, run.planned.plan, run.profile)
    assert again.plan.derived == run.planned.plan.derived
    assert [s.id for s in again.plan.steps] == [s.id for s in run.planned.plan.steps]

    previous = PreviousVersion.from_result(result_document(run, "none"))
    assert previous.plan.derived == run.planned.plan.derived
    follow = run_analysis(str(shops_csv), "only web", None, settings, previous=previous)
    chart: dict[str, Any] = primary_chart(result_document(follow, "none"))
    df = pd.read_csv(shops_csv)
    web = df[df["channel"] == "web"]
    expected = (web["revenue"] / web["visits"]).groupby(web["store"]).mean()
    got = dict(zip(chart["data"]["x"], chart["data"]["y"], strict=True))
    assert got == pytest.approx(expected.to_dict())
