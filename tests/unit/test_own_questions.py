"""Tests (and the product) use questions written for them: no question of the evaluation sets
(../shared/eval/*.jsonl and */cases.jsonl, follow-up turns included) appears under tests/, in
autoviz_core/, ui/, pages/, app.py or scripts/. A test that quoted one would tune the planner to
the very question the evaluation measures it on.

Compared case-insensitively, on words only (whitespace and punctuation do not matter). A question
of four words or more counts wherever it appears; a shorter one ("as a pie", "only dinner") is
ordinary English, and counts only when a whole string of a test is that question.
"""

from __future__ import annotations

import ast
import functools
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("AUTOVIZ_SHARED", REPO.parent / "shared")).resolve()
SCANNED = ("tests", "autoviz_core", "ui", "pages", "app.py", "scripts")
TEXT_SUFFIXES = {".py", ".json", ".jsonl", ".yaml", ".yml", ".csv", ".txt", ".md", ".toml"}
MIN_WORDS_ANYWHERE = 4
EXPECTED_FILES = ("analysis_questions_dev.jsonl", "nvbench_dev/cases.jsonl")


def words(text: str) -> str:
    """Lower-case words joined by single spaces: the form every comparison uses."""
    return " ".join(re.findall(r"[0-9a-z]+", text.casefold()))


def case_questions(case: dict) -> Iterator[str]:
    """A case's question, or each turn's question of a follow-up case."""
    if isinstance(case.get("question"), str):
        yield case["question"]
    for turn in case.get("turns", []):
        if isinstance(turn.get("q"), str):
            yield turn["q"]


def evaluation_questions() -> dict[str, str]:
    """Every evaluation question (as `words`) -> the file it comes from."""
    eval_dir = SHARED / "eval"
    files = sorted([*eval_dir.glob("*.jsonl"), *eval_dir.glob("*/cases.jsonl")])
    missing = [name for name in EXPECTED_FILES if not (eval_dir / name).is_file()]
    if missing:
        pytest.fail(f"missing evaluation sets {missing} under {eval_dir} (set AUTOVIZ_SHARED)")
    questions: dict[str, str] = {}
    for path in files:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                for question in case_questions(json.loads(line)):
                    if words(question):
                        questions.setdefault(words(question), str(path.relative_to(eval_dir)))
    return questions


def scanned_files() -> Iterator[Path]:
    for name in SCANNED:
        root = REPO / name
        paths = [root] if root.is_file() else sorted(root.rglob("*"))
        for path in paths:
            if path.is_file() and path.suffix in TEXT_SUFFIXES and "__pycache__" not in path.parts:
                yield path


def whole_strings(path: Path, text: str) -> set[str]:
    """The strings a file holds whole: a Python file's string constants, another file's lines."""
    if path.suffix == ".py":
        tree = ast.parse(text)
        found = [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant)]
        return {words(s) for s in found if isinstance(s, str)}
    return {words(line) for line in text.splitlines()}


def quoted_questions(path: Path, questions: dict[str, str]) -> list[str]:
    """The evaluation questions a file quotes, by the rule of the module docstring."""
    text = path.read_text(encoding="utf-8")
    whole = whole_strings(path, text)
    # Quotes and punctuation are not words, so a string split over lines ("a " "b") reads whole.
    found = {q for q in questions if q in whole}
    found |= set(anywhere_pattern(tuple(questions)).findall(f" {words(text)} "))
    return sorted(found)


@functools.cache
def anywhere_pattern(questions: tuple[str, ...]) -> re.Pattern[str]:
    """One pattern for every question long enough to count anywhere (each file is read once;
    the longest first, so a question inside a longer one still flags the file)."""
    long = sorted((q for q in questions if len(q.split()) >= MIN_WORDS_ANYWHERE), key=len)
    return re.compile(r"(?<= )(" + "|".join(re.escape(q) for q in reversed(long)) + r")(?= )")


def test_the_rule_sees_a_quoted_question(tmp_path: Path) -> None:
    """The check itself: a long question anywhere, a short one only as a whole string."""
    questions = {words("Which kiosk sold the most lemonade?"): "a", words("only blue ones"): "b"}
    quoting = tmp_path / "test_x.py"
    quoting.write_text(
        'Q = "so: which kiosk  sold the MOST lemonade"\nS = "Only blue ones!"\nT = "not only blue ones"\n'
    )
    assert quoted_questions(quoting, questions) == [
        "only blue ones",
        "which kiosk sold the most lemonade",
    ]
    paraphrase = tmp_path / "test_y.py"
    paraphrase.write_text('Q = "which kiosk sold the most juice"\nT = "not only blue ones"\n')
    assert quoted_questions(paraphrase, questions) == []
    data = tmp_path / "cases.jsonl"
    data.write_text('{"q": "Which kiosk sold the most lemonade"}\n')
    assert quoted_questions(data, questions) == ["which kiosk sold the most lemonade"]


def test_no_evaluation_question_is_quoted() -> None:
    questions = evaluation_questions()
    assert len(questions) > 1000  # every set was read, follow-up turns included
    quoting = {
        path.relative_to(REPO).as_posix(): found
        for path in scanned_files()
        if (found := quoted_questions(path, questions))
    }
    assert quoting == {}, "write a question of your own for these tests"
