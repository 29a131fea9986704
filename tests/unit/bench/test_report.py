"""bench/report.py: the acceptance figures land in bench/README.md's generated table."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench import report

QUIET = {"load_average_start": [0.4, 0.5, 0.6], "cores": 2, "forced": False}


def _write(results: Path, name: str, doc: dict) -> None:  # type: ignore[type-arg]
    (results / name).write_text(json.dumps(doc), encoding="utf-8")


def test_figures_are_written_between_the_markers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    results = tmp_path / "results"
    results.mkdir()
    monkeypatch.setattr(report, "RESULTS", results)
    readme = tmp_path / "README.md"
    readme.write_text("# Benchmarks\n\nhand-written text\n", encoding="utf-8")
    autoviz = {"seconds": 1.5, "peak_rss_mb": 400.0, "conditions": QUIET}
    ydata = {"seconds": 9.0, "peak_rss_mb": 800.0, "conditions": QUIET}
    _write(results, "vs_ydata.json", {"runs": [
        {"rows": 1_000_000, "autoviz": autoviz, "ydata": ydata, "speedup": 6.0},
    ]})  # fmt: skip
    level = {"concurrency": 20, "requests": 20, "errors": 0, "throughput_rps": 0.5,
             "latency_s": {"p50": 30.0, "p95": 45.0}, "server_parallel": 20,
             "dropped_values": 2, "conditions": QUIET}  # fmt: skip
    _write(results, "load_test.json", {"mode": "config", "levels": [level]})

    first = report.write_readme(readme)
    assert "6.0x** faster" in first and "**0.5x**" in first  # 400 / 800 MB
    assert "p95 **45.0 s**" in first and "2 model values dropped" in first
    assert "| 100,000 rows x 12 vs ydata-profiling minimal | not run |" in first
    assert "| 0.40 |" in first  # the load average at the start of the measurement
    text = readme.read_text(encoding="utf-8")
    assert text.startswith("# Benchmarks\n\nhand-written text\n")

    level["errors"] = 3
    _write(results, "load_test.json", {"mode": "config", "levels": [level]})
    report.write_readme(readme)
    again = readme.read_text(encoding="utf-8")
    assert again.count(report.BEGIN) == 1 and "errors **3**" in again
    assert "errors **0**" not in again and "hand-written text" in again


def test_run_all_only_keeps_the_figures_it_did_not_rerun(tmp_path, monkeypatch) -> None:
    import json

    from bench import run_all

    monkeypatch.setattr(run_all, "RESULTS", tmp_path)
    earlier = [{"name": "eval", "exit": 0, "seconds": 40}, {"name": "planning", "exit": 1}]
    (tmp_path / "run_all.json").write_text(json.dumps({"benchmarks": earlier}))
    merged = run_all._with_earlier([{"name": "planning", "exit": 0}, {"name": "vs_ydata"}])
    assert merged == [
        {"name": "eval", "exit": 0, "seconds": 40},
        {"name": "planning", "exit": 0},
        {"name": "vs_ydata"},
    ]
