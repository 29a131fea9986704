"""The evaluation harness runs in-process on cases of our own (the evaluation sets' formats, our
own tables and questions), and bench/scoring.py's normalisation rules are the ones
../shared/eval/README.md states (hand-made cases that break if a rule does)."""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bench import eval as harness
from bench.scoring import normalise, score_analysis, score_nvbench

# --- the harness, cues mode, 5 cases of each kind ------------------------------------------------


def _chart_gold(grouped: pd.Series, chart: str = "bar", order: str = "none") -> dict:
    by = None if order == "none" else "y"
    return _gold(list(grouped.index), [float(v) for v in grouped.values], chart, order, by)


def _nvbench_cases(folder: Path) -> Path:
    """Chart questions over a small table beside the cases file (`table` is relative to it)."""
    rng = np.random.default_rng(3)
    parcels = pd.DataFrame(
        {
            "carrier": rng.choice(["Swift", "Pelican", "Northway"], size=24),
            "zone": rng.integers(1, 4, size=24),
            "weight": rng.gamma(2.0, 1.5, size=24).round(1),
        }
    )
    (folder / "tables").mkdir()
    parcels.to_csv(folder / "tables" / "parcels.csv", index=False)
    by_carrier = parcels.groupby("carrier")["weight"]
    total_by_zone = parcels.groupby("zone")["weight"].sum().sort_values(ascending=False)
    questions = [
        ("Show the number of parcels for each carrier in a bar chart.", _chart_gold(by_carrier.size())),
        ("What is the average weight per carrier? Draw a pie.", _chart_gold(by_carrier.mean(), "pie")),
        ("Total weight for every zone, highest first.", _chart_gold(total_by_zone, order="desc")),
        ("Heaviest parcel weight of each carrier as bars.", _chart_gold(by_carrier.max())),
        ("How many parcels went to each zone?", _chart_gold(parcels.groupby("zone").size())),
    ]  # fmt: skip
    cases = [
        {"id": f"own-nv-{i}", "table": "tables/parcels.csv", "question": q, "gold": gold}
        for i, (q, gold) in enumerate(questions)
    ]
    path = folder / "cases.jsonl"
    path.write_text("".join(json.dumps(c) + "\n" for c in cases), encoding="utf-8")
    return path


def _analysis_cases(folder: Path, sales_csv: Path) -> Path:
    """Analysis questions over our own sales table and plotly's tips sample."""
    sales = str(sales_csv)
    cases = [
        (sales, "Which store brought in the most sales?", {
            "intent": "comparative_analysis", "columns": ["sales", "store"], "chart": "bar",
            "check": {"x": "store", "y": "sales", "agg": "sum"}}),
        (sales, "How did sales develop over time?", {
            "intent": "time_series_investigation", "columns": ["sales", "sale_date"],
            "chart": "line"}),
        (sales, "Find unusual spikes in daily sales", {
            "intent": "anomaly_detection", "columns": ["sales"]}),
        (sales, "What explains sales?", {
            "intent": "segmentation_drivers", "columns": ["sales"]}),
        ("plotly:tips", "Mean tip for each day", {
            "intent": "comparative_analysis", "columns": ["tip", "day"], "chart": "bar",
            "check": {"x": "day", "y": "tip", "agg": "mean"}}),
    ]  # fmt: skip
    path = folder / "analysis.jsonl"
    path.write_text(
        "".join(
            json.dumps({"id": f"own-an-{i}", "dataset": ds, "question": q, "gold": gold}) + "\n"
            for i, (ds, q, gold) in enumerate(cases)
        ),
        encoding="utf-8",
    )
    return path


@pytest.fixture(scope="module")
def eval_doc(tmp_path_factory: pytest.TempPathFactory, sales_csv: Path) -> dict:
    folder = tmp_path_factory.mktemp("eval")
    nvbench, analysis = _nvbench_cases(folder), _analysis_cases(folder, sales_csv)
    out = folder / "eval.json"
    args = ["--set", "both", "--mode", "cues", "--out", str(out)]
    args += ["--nvbench-cases", str(nvbench), "--analysis-cases", str(analysis)]
    assert harness.main(args) == 0
    return json.loads(out.read_text(encoding="utf-8"))


def test_harness_writes_the_documented_top_level(eval_doc: dict) -> None:
    assert eval_doc["mode"] == "cues"
    assert eval_doc["adapt"] == "off"
    assert eval_doc["backend"] == "none"
    assert {"nvbench", "analysis"} <= eval_doc.keys()


@pytest.mark.parametrize(
    ("kind", "accuracies"),
    [
        ("nvbench", ("kind", "data", "order")),
        ("analysis", ("intent", "columns", "chart", "check")),
    ],
)
def test_harness_set_summary_keys_and_values(
    eval_doc: dict, kind: str, accuracies: tuple[str, ...]
) -> None:
    s = eval_doc[kind]
    assert s["set"] == kind
    assert s["cases"] == 5
    assert len(s["rows"]) == 5
    assert 0 <= s["failures"] <= 5
    assert s["failure_rate"] == pytest.approx(s["failures"] / 5, abs=1e-3)
    # cues mode runs no model: a crash or a missing primary chart on these cases is a regression
    assert s["failures"] == 0, [r["error"] for r in s["rows"] if r["failed"]]
    for key in accuracies:
        value = s[f"{key}_accuracy"]
        assert value is None or 0.0 <= value <= 1.0, (key, value)
    assert s[f"{accuracies[0]}_accuracy"] is not None
    assert {"profile", "plan", "execute"} <= s["latency_ms"].keys()
    for stage, q in s["latency_ms"].items():
        assert 0 <= q["p50"] <= q["p95"], stage
    for row in s["rows"]:
        assert {"id", "failed", "error", "score", "wall_ms", "intent", "request"} <= row.keys()
        assert row["wall_ms"] > 0
        assert set(row["score"]) == set(accuracies)
    # the accuracy is the share of rows whose score is true
    first = accuracies[0]
    hits = sum(bool(r["score"][first]) for r in s["rows"])
    assert s[f"{first}_accuracy"] == pytest.approx(hits / 5, abs=1e-3)


# --- normalisation rules ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (3.14159, "3.14"),  # rounded to 2 decimals
        (2.675e3, "2675"),  # an integral float prints without ".0"
        (2.0, "2"),
        (7, "7"),
        (np.int64(7), "7"),
        (np.float64(0.125), "0.12"),  # round half to even on the binary value, as Python does
        (-1.999, "-2"),
        (2.5, "2.5"),
        ("2.50", "2.5"),  # numeric text is a number
        ("  42 ", "42"),
        ("1e3", "1000"),
        ("  Female ", "female"),  # text lower-cased and stripped
        ("ÉCOLE", "école"),
        ("Thur", "thur"),
        (True, "true"),
        (None, "none"),
        (math.nan, "none"),
    ],
)
def test_normalise_numbers_and_text(value: object, expected: str) -> None:
    assert normalise(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (pd.Timestamp("2007-01-01"), "2007-01-01"),  # midnight: date only
        (pd.Timestamp("2007-01-01 13:30"), "2007-01-01 13:30:00"),  # time kept otherwise
        (dt.datetime(2021, 12, 24, 0, 0), "2021-12-24"),
        (dt.datetime(2021, 12, 24, 0, 0, 1), "2021-12-24 00:00:01"),
        (dt.date(2021, 12, 24), "2021-12-24"),
        ("2021-12-24 00:00:00", "2021-12-24"),  # date text is a date
        ("2021-12-24T08:15:00", "2021-12-24 08:15:00"),
        ("2021-12-24", "2021-12-24"),
    ],
)
def test_normalise_dates(value: object, expected: str) -> None:
    assert normalise(value) == expected


def test_numbers_and_their_text_compare_equal() -> None:
    assert normalise(12) == normalise(12.0) == normalise("12") == normalise("12.00")
    assert normalise(0.1 + 0.2) == normalise(0.3)
    assert normalise(1.234) != normalise(1.236)


def _gold(x: list, y: list, chart: str = "bar", order: str = "none", by: str | None = None):
    return {"chart": chart, "x": x, "y": y, "order": order, "order_by": by}


def _result(x: list, y: list, kind: str = "bar") -> dict:
    return {"charts": [{"primary": True, "kind": kind, "data": {"x": x, "y": y}}]}


def test_nvbench_data_is_a_multiset_of_pairs() -> None:
    gold = _gold(["A", "B"], [1, 2])
    assert score_nvbench(_result(["b", "a "], [2.0, 1]), gold) == {
        "kind": True,
        "data": True,
        "order": True,  # gold order none: any order is fine
    }
    # pairs, not columns: the same x and y values paired differently do not match
    assert score_nvbench(_result(["A", "B"], [2, 1]), gold)["data"] is False
    # multiset, not set: a duplicated pair is a difference
    dup = _gold(["A", "A"], [1, 1])
    assert score_nvbench(_result(["A"], [1]), dup)["data"] is False
    assert score_nvbench(_result(["A", "A"], [1, 1]), dup)["data"] is True


def test_nvbench_order_counts_only_when_gold_is_ordered() -> None:
    gold = _gold(["A", "B", "C"], [3, 2, 1], order="desc", by="y")
    same = score_nvbench(_result(["A", "B", "C"], [3, 2, 1]), gold)
    shuffled = score_nvbench(_result(["C", "A", "B"], [1, 3, 2]), gold)
    assert same == {"kind": True, "data": True, "order": True}
    assert shuffled == {"kind": True, "data": True, "order": False}
    # order needs the data to match first
    wrong = score_nvbench(_result(["A", "B"], [3, 2]), gold)
    assert wrong["data"] is False and wrong["order"] is False


def test_nvbench_kind_and_primary_chart() -> None:
    gold = _gold(["A"], [1], chart="pie")
    assert score_nvbench(_result(["A"], [1], kind="bar"), gold)["kind"] is False
    two = {
        "charts": [
            {"primary": False, "kind": "pie", "data": {"x": ["Z"], "y": [9]}},
            {"primary": True, "kind": "pie", "data": {"x": ["A"], "y": [1]}},
        ]
    }
    assert score_nvbench(two, gold) == {"kind": True, "data": True, "order": True}
    assert score_nvbench(None, gold) == {"kind": False, "data": False, "order": False}


def test_analysis_columns_chart_and_pandas_check() -> None:
    df = pd.DataFrame({"day": ["Sat", "Sat", "Sun"], "tip": [1.0, 2.0, 4.5]})
    gold = {
        "intent": ["comparative_analysis", "general_eda"],
        "columns": ["tip", "day"],
        "chart": "bar",
        "check": {"x": "day", "y": "tip", "agg": "mean"},
    }
    good = {
        "intent": "general_eda",
        "plan": {"steps": [{"id": "s", "tool": "chart", "params": {"x": "day", "y": "tip"}}]},
        **_result(["Sun", "Sat"], [4.5, 1.5]),
    }
    assert score_analysis(good, gold, df) == {
        "intent": True,
        "columns": True,
        "chart": True,
        "check": True,
    }
    wrong_sum = {**good, **_result(["Sat", "Sun"], [3.0, 4.5])}  # sum where mean was asked
    assert score_analysis(wrong_sum, gold, df)["check"] is False
    # a column name only inside a longer string does not count as used
    partial = {**good, "intent": "anomaly_detection", "plan": {"note": "tip by day"}}
    partial["charts"] = [{**good["charts"][0], "x": None, "y": None}]
    scored = score_analysis(partial, gold, df)
    assert scored["intent"] is False and scored["columns"] is False
    count = {**gold, "check": {"x": "day", "agg": "count"}}
    assert score_analysis({**good, **_result(["Sat", "Sun"], [2, 1])}, count, df)["check"] is True
    assert score_analysis(None, gold, df) == {
        "intent": False,
        "columns": False,
        "chart": False,
        "check": False,
    }


def test_the_harness_resolves_the_evaluation_sets_dataset_names(tmp_path) -> None:
    """`shared:PATH` (the sets' convention) and `table` (beside the cases file) are resolved by
    the harness; anything else (a path, `plotly:NAME`) goes to the product as it is."""
    cases = tmp_path / "cases.jsonl"
    assert harness.dataset_spec({"dataset": "shared:eval/data/t.csv"}, cases) == str(
        harness.SHARED / "eval" / "data" / "t.csv"
    )
    assert harness.dataset_spec({"table": "t.csv", "dataset": "x"}, cases) == str(
        tmp_path / "t.csv"
    )
    assert harness.dataset_spec({"dataset": "plotly:tips"}, cases) == "plotly:tips"
