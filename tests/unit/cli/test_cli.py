"""The headless CLI: result JSON exactly as documented, bundle written, honest exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import numpy as np
import pandas as pd
import plotly.express as px
import pytest

from autoviz_core.cli import main
from autoviz_core.planning.request import CONFIDENT

REPO = Path(__file__).resolve().parents[3]
SCHEMA = json.loads((REPO / "autoviz_core" / "result_schema.json").read_text())


def run_cli(*args: str) -> int:
    return main(["run", *args, "--mode", "cues", "--no-adapt"])


def test_result_json_matches_the_contract(tmp_path: Path, sales_csv: Path) -> None:
    out = tmp_path / "r.json"
    code = run_cli(
        str(sales_csv),
        "Which store brought in the most sales?",
        "--json",
        str(out),
        "--out",
        str(tmp_path / "bundle"),
    )
    assert code == 0
    doc = json.loads(out.read_text())
    jsonschema.validate(doc, SCHEMA)
    primary = next(c for c in doc["charts"] if c["primary"])
    df = pd.read_csv(sales_csv)
    expected = df.groupby("store")["sales"].sum().sort_values(ascending=False)
    assert primary["data"]["x"] == list(expected.index)
    assert primary["data"]["y"] == [round(v, 6) for v in expected.values] or all(
        abs(a - b) < 1e-6 for a, b in zip(primary["data"]["y"], expected.values, strict=True)
    )
    names = {p.name for p in (tmp_path / "bundle").iterdir()}
    assert {
        "plan_template.json",
        "plan_adapted.json",
        "plan_diff.md",
        "tool_calls.json",
        "execution_log.json",
        "report.html",
        "report.md",
        "charts",
    } <= names


def test_sample_dataset_and_seed(tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    assert run_cli("plotly:tips", "Mean tip for each day", "--json", str(out), "--seed", "7") == 0
    doc = json.loads(out.read_text())
    jsonschema.validate(doc, SCHEMA)
    assert doc["intent"] == "comparative_analysis"


def test_alternatives_in_the_result_json(tmp_path: Path) -> None:
    """A terse question lists the planner's runners-up; a clear one lists none."""
    vague, clear = tmp_path / "vague.json", tmp_path / "clear.json"
    assert run_cli("plotly:tips", "tips", "--json", str(vague)) == 0
    assert run_cli("plotly:tips", "Mean tip for each day", "--json", str(clear)) == 0
    doc = json.loads(vague.read_text())
    jsonschema.validate(doc, SCHEMA)
    assert doc["confidence"] < CONFIDENT
    assert 1 <= len(doc["alternatives"]) <= 3
    for alt in doc["alternatives"]:
        named = {alt["request"]["x"], alt["request"]["y"]} - {None}
        assert alt["label"] and named and named <= set(px.data.tips().columns)
        assert (alt["request"]["x"], alt["request"]["y"], alt["request"]["agg"]) != (
            doc["request"]["x"],
            doc["request"]["y"],
            doc["request"]["agg"],
        )
    sure = json.loads(clear.read_text())
    assert sure["confidence"] >= CONFIDENT and sure["alternatives"] == []


def test_same_input_same_output(tmp_path: Path, sales_csv: Path) -> None:
    docs = []
    for i in range(2):
        out = tmp_path / f"r{i}.json"
        assert run_cli(str(sales_csv), "What are the sales trends?", "--json", str(out)) == 0
        doc = json.loads(out.read_text())
        doc.pop("timings_ms")
        docs.append(doc)
    assert docs[0] == docs[1]


def test_bad_input_exits_non_zero_with_one_line(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "autoviz_core",
            "run",
            str(empty),
            "question",
            "--mode",
            "cues",
            "--no-adapt",
        ],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
    )
    assert proc.returncode == 1
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "empty" in lines[0]
    assert "Traceback" not in proc.stderr and "success" not in proc.stdout.lower()


def test_unknown_backend_and_missing_file(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["run", "plotly:tips", "q", "--backend", "nope"]) == 1
    assert "Unknown backend" in capsys.readouterr().err
    assert run_cli(str(tmp_path / "missing.csv"), "q") == 1
    assert "not found" in capsys.readouterr().err


# ---------------------------------------------------------------- follow-ups and honest backends
def test_follow_up_filters_the_previous_request(tmp_path: Path) -> None:
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    assert run_cli("plotly:tips", "Mean tip for each day for dinner", "--json", str(first)) == 0
    code = run_cli(
        "plotly:tips", "only for females", "--follow-up", str(first), "--json", str(second)
    )
    assert code == 0
    before, after = json.loads(first.read_text()), json.loads(second.read_text())
    jsonschema.validate(after, SCHEMA)
    assert after["request"]["filters"] == [
        {"column": "time", "op": "eq", "value": "Dinner"},
        {"column": "sex", "op": "eq", "value": "Female"},
    ]
    unchanged = {k: v for k, v in before["request"].items() if k != "filters"}
    assert {k: after["request"][k] for k in unchanged} == unchanged
    assert after["follow_up"]["changes"][0] == "Added the filter: sex is Female"
    assert after["follow_up"]["previous_question"] == "Mean tip for each day for dinner"
    # The chart shows the filtered rows: the mean tip per day of female diners only.
    primary = next(c for c in after["charts"] if c["primary"])
    df = px.data.tips()
    expected = df[(df["time"] == "Dinner") & (df["sex"] == "Female")].groupby("day")["tip"].mean()
    got = dict(zip(primary["data"]["x"], primary["data"]["y"], strict=True))
    assert got.keys() == set(expected.index)
    assert all(abs(got[d] - expected[d]) < 1e-6 for d in expected.index)


def test_follow_up_with_a_file_that_is_not_a_result(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "bad.json"
    bad.write_text('{"hello": 1}')
    assert run_cli("plotly:tips", "only for females", "--follow-up", str(bad)) == 1
    err = capsys.readouterr().err
    assert "is not a result JSON" in err and len(err.strip().splitlines()) == 1
    assert run_cli("plotly:tips", "only for females", "--follow-up", str(tmp_path / "no")) == 1
    assert "not found" in capsys.readouterr().err


def test_a_run_without_a_model_records_backend_none(tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    assert run_cli("plotly:tips", "Mean tip for each day", "--json", str(out)) == 0
    doc = json.loads(out.read_text())
    assert doc["backend"] == "none"
    assert doc["backends"] == {
        "intent": "none",
        "request": "none",
        "answer": "none",
        "adapt": "none",
    }


def test_a_single_value_question_states_the_answer_first_in_the_json(tmp_path: Path) -> None:
    """The answer object (kind, value, method, n, columns, filters) and the headline written
    from it; the result stays strict JSON; the evidence chart is the primary chart."""
    df = pd.DataFrame(
        {
            "depot": ["north", "south", "north", "east", "south", "north"] * 5,
            "parcels": [12, 30, 7, 18, 25, 9] * 5,
            "late": [1, 0, 2, 0, 3, 1] * 5,
        }
    )
    data = tmp_path / "depots.csv"
    df.to_csv(data, index=False)
    out = tmp_path / "r.json"
    assert run_cli(str(data), "what is the median number of parcels?", "--json", str(out)) == 0
    text = out.read_text()
    doc = json.loads(text)
    jsonschema.validate(doc, SCHEMA)
    json.dumps(doc, allow_nan=False)
    answer = doc["answer"]
    assert answer["kind"] == "statistic" and answer["columns"] == ["parcels"]
    assert answer["value"] == df["parcels"].median() and answer["n"] == len(df)
    headline = next(f for f in doc["findings"] if f["headline"])
    assert headline["text"] == answer["text"] and "15" in headline["text"]
    primary = next(c for c in doc["charts"] if c["primary"])
    assert primary["kind"] == "histogram" and primary["x"] == "parcels"


def test_a_chart_question_has_no_answer_object(tmp_path: Path, sales_csv: Path) -> None:
    out = tmp_path / "r.json"
    assert run_cli(str(sales_csv), "sum of sales for every store", "--json", str(out)) == 0
    assert json.loads(out.read_text())["answer"] is None


def test_an_output_folder_that_is_not_writable_is_refused_before_the_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """(Tests run as root on CI, where every folder is writable: os.access is what decides.)"""
    from autoviz_core import cli
    from autoviz_core.errors import OutputPathError

    monkeypatch.setattr(cli.os, "access", lambda *args: False)
    with pytest.raises(OutputPathError, match=r"the folder .* is not writable"):
        cli.check_output_file(str(tmp_path / "new" / "r.json"), "--json")
    with pytest.raises(OutputPathError, match=r"--out .* is not writable"):
        cli.check_output_folder(str(tmp_path), "--out")


def test_the_result_json_is_strict(tmp_path: Path) -> None:
    from autoviz_core.cli import write_result_json

    path = tmp_path / "deep" / "r.json"
    write_result_json(path, {"y": [1.5, float("nan"), float("inf")], "n": np.int64(3)})
    assert json.loads(path.read_text(encoding="utf-8")) == {"y": [1.5, None, None], "n": 3}
