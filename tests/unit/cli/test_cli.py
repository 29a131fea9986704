"""The headless CLI: result JSON exactly as documented, bundle written, honest exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pandas as pd

from autoviz_core.cli import main

REPO = Path(__file__).resolve().parents[3]
SCHEMA = json.loads((REPO / "autoviz_core" / "result_schema.json").read_text())


def run_cli(*args: str) -> int:
    return main(["run", *args, "--mode", "cues", "--no-adapt"])


def test_result_json_matches_the_contract(tmp_path: Path, december_csv: Path) -> None:
    out = tmp_path / "r.json"
    code = run_cli(
        str(december_csv),
        "Which region had the highest revenue?",
        "--json",
        str(out),
        "--out",
        str(tmp_path / "bundle"),
    )
    assert code == 0
    doc = json.loads(out.read_text())
    jsonschema.validate(doc, SCHEMA)
    primary = next(c for c in doc["charts"] if c["primary"])
    df = pd.read_csv(december_csv)
    expected = df.groupby("region")["revenue"].sum().sort_values(ascending=False)
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
    assert run_cli("plotly:tips", "Average tip by day", "--json", str(out), "--seed", "7") == 0
    doc = json.loads(out.read_text())
    jsonschema.validate(doc, SCHEMA)
    assert doc["intent"] == "comparative_analysis"


def test_same_input_same_output(tmp_path: Path, december_csv: Path) -> None:
    docs = []
    for i in range(2):
        out = tmp_path / f"r{i}.json"
        assert run_cli(str(december_csv), "What are the revenue trends?", "--json", str(out)) == 0
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
