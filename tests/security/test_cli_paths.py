"""Hostile input, round 2, on the command line: a question or a file name with bytes that are
not UTF-8, and output paths that cannot be written (SECURITY.md, promise 5).

Runs with stray bytes are the real CLI in a child process (Python itself decodes the
arguments); output paths call the same `main` in-process. Each answers (the stray bytes shown
as U+FFFD), or exits with its code and exactly one line on stderr, never a traceback.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from security_helpers import assert_clean_failure, run_cli

from autoviz_core.cli import main

CUES = ("--mode", "cues", "--no-adapt")
CSV = "region,units\nnorth,3\nsouth,5\nnorth,4\n"


@pytest.fixture
def data(tmp_path: Path) -> Path:
    path = tmp_path / "sales.csv"
    path.write_text(CSV, encoding="utf-8")
    return path


def _answered(proc: object, out: Path, bundle: Path) -> dict:
    assert proc.returncode == 0, proc.stderr[-2000:]  # type: ignore[attr-defined]
    assert "Traceback" not in proc.stderr  # type: ignore[attr-defined]
    report = (bundle / "report.html").read_text(encoding="utf-8")  # strict UTF-8
    (bundle / "report.md").read_text(encoding="utf-8")
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert "\ufffd" in report or "&#65533;" in report
    return doc


# ------------------------------------------------------------------ 6 and 7: not UTF-8
def test_a_question_with_bytes_that_are_not_utf8_is_answered(data: Path, tmp_path: Path) -> None:
    out, bundle = tmp_path / "r.json", tmp_path / "bundle"
    question = b"total units \xff\xfe by region"
    proc = run_cli(str(data), question, *CUES, "--json", str(out), "--out", str(bundle))
    doc = _answered(proc, out, bundle)
    assert doc["question"] == "total units \ufffd\ufffd by region"


def test_a_file_name_with_a_byte_that_is_not_utf8_is_answered(tmp_path: Path) -> None:
    raw_name = os.fsencode(tmp_path) + b"/sales\xff.csv"
    with open(raw_name, "wb") as fh:
        fh.write(CSV.encode())
    out, bundle = tmp_path / "r.json", tmp_path / "bundle"
    proc = run_cli(
        raw_name, "total units by region", *CUES, "--json", str(out), "--out", str(bundle)
    )
    _answered(proc, out, bundle)
    assert "sales\ufffd.csv" in (bundle / "report.md").read_text(encoding="utf-8")


def test_a_missing_file_with_a_byte_that_is_not_utf8_is_one_line(tmp_path: Path) -> None:
    proc = run_cli(os.fsencode(tmp_path) + b"/nope\xff.csv", "total units by region", *CUES)
    assert_clean_failure(proc, "File not found", "nope\ufffd.csv")
    assert proc.returncode == 1


# ------------------------------------------------------------------ 8: output paths
def _unwritable(tmp_path: Path, data: Path) -> dict[str, tuple[str, str, str]]:
    """option -> (path, phrase of the one line); the places exist before the run."""
    (tmp_path / "folder").mkdir()
    return {
        "--json is a folder": ("--json", str(tmp_path / "folder"), "is a folder, not a file"),
        "--json under a file": ("--json", str(data / "r.json"), "is a file, not a folder"),
        "--out is a file": ("--out", str(data), "is a file, not a folder"),
        "--out under a file": ("--out", str(data / "bundle"), "is a file, not a folder"),
        "--json in /proc": ("--json", "/proc/no-such-dir/r.json", "could not be written"),
    }


@pytest.mark.parametrize(
    "case",
    ["--json is a folder", "--json under a file", "--out is a file", "--out under a file",
     "--json in /proc"],
)  # fmt: skip
def test_an_output_path_that_cannot_be_written_is_one_line(
    case: str, data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """In-process (the same `main` the child runs): an uncaught error would fail the test."""
    option, path, phrase = _unwritable(tmp_path, data)[case]
    code = main(["run", str(data), "total units by region", *CUES, option, path])
    assert_clean_failure(_outcome(code, capsys), option, phrase)
    assert code == 2


@pytest.mark.parametrize("option", ["--config", "--follow-up"])
def test_an_input_option_naming_a_folder_is_one_line(
    option: str, data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["run", str(data), "total units by region", *CUES, option, str(tmp_path)])
    assert_clean_failure(_outcome(code, capsys), "cannot be read", "is a directory")
    assert code == 1


def _outcome(code: int, capsys: pytest.CaptureFixture[str]) -> subprocess.CompletedProcess[str]:
    captured = capsys.readouterr()
    return subprocess.CompletedProcess([], code, captured.out, captured.err)
