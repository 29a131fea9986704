"""Hostile input, round 2, inside the table: cells that are markup, numbers that are infinite,
and columns that look numeric or like dates but are not quite (SECURITY.md, promises 5 and 7).

Data never becomes markup in a chart; infinities are missing values with a note and the result
JSON stays strict; a column read as text says why, and a safe reading is made where one exists.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from security_helpers import REPO, run_cli

from autoviz_core.config import load_settings
from autoviz_core.data import load_table_bytes
from autoviz_core.pipeline import run_analysis

CUES = ("--mode", "cues", "--no-adapt")
MARKUP = {
    "link": '<a href="https://attacker.example/x">click me</a>',
    "style": '<span style="font-size:80px;color:red">LOUD</span>',
    "bold": "<b>bold</b>",
    "break": "two<br>lines",
    "ampersand": "R&D",
}
# the only tags a figure may carry: plotly express's own, inside hover/text templates
TEMPLATE_TAGS = re.compile(r"<br>|<extra>|</extra>|<b>%\{hovertext\}</b>")


# ------------------------------------------------------------------ 4: markup in charts
@pytest.fixture(scope="module")
def markup_run(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A real run over a table whose category values and a column name are plotly markup."""
    rows = [
        {"team": value, "spend <b>usd</b>": float(i + 1) * 10, "region": kind}
        for i, (kind, value) in enumerate(MARKUP.items())
        for _ in range(3)
    ]
    path = tmp_path_factory.mktemp("markup") / "teams.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    settings = load_settings()
    settings = settings.model_copy(
        update={"planner": settings.planner.model_copy(update={"adapt_mode": "off"})}
    )
    return run_analysis(str(path), "total spend usd by team", None, settings)


def _strings(value: Any, key: str = "") -> Iterator[tuple[str, str]]:
    """Every (property name, string) in a figure's JSON."""
    if isinstance(value, str):
        yield key, value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _strings(v, k)
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _strings(v, key)


def test_data_never_becomes_markup_in_a_chart(markup_run: Any) -> None:
    figures = [r.result.figure for r in markup_run.result.records if r.result and r.result.figure]
    assert len(figures) >= 2, [r.error for r in markup_run.result.records]
    seen = set()
    for figure in figures:
        doc = json.loads(figure.to_json())
        doc["layout"].pop("template", None)  # plotly's own styling, not data
        for key, text in _strings(doc):
            rest = TEMPLATE_TAGS.sub("", text) if key.endswith("template") else text
            assert "<" not in rest and ">" not in rest, (key, text)
            assert not re.search(r"&(?!(amp|lt|gt);)", rest), (key, text)  # a bare & is escaped
            seen.add(text)
    shown = " ".join(seen)
    assert "&lt;a href=" in shown and "&lt;span style=" in shown  # shown as text, not dropped
    assert "R&amp;D" in shown and "spend &lt;b&gt;usd&lt;/b&gt;" in shown


def test_the_data_itself_is_unchanged(markup_run: Any) -> None:
    """Escaping is for drawing only: the result's chart data and tables keep the values."""
    primary = markup_run.result.primary()
    assert primary is not None and primary.result.chart is not None
    assert set(primary.result.chart.x_values) == set(MARKUP.values())
    assert set(primary.result.table["team"]) == set(MARKUP.values())


# ------------------------------------------------------------------ 5: infinities
INFINITE_CSV = (
    "region,revenue\n"
    "North,inf\nNorth,100\nNorth,50\n"
    "South,-inf\nSouth,200\n"
    "East,1e400\nEast,300\nEast,20\n"
    "West,1390\nWest,10\n"
)


def test_infinities_are_missing_values_with_a_note() -> None:
    table = load_table_bytes(INFINITE_CSV.encode(), "sales.csv")
    revenue = table.df["revenue"]
    assert revenue.isna().sum() == 3 and bool(revenue.dropna().abs().lt(1e300).all())
    assert any("3 infinite value(s)" in note and "missing" in note for note in table.warnings)


def test_no_headline_is_built_on_infinities_and_the_result_is_strict_json(tmp_path: Path) -> None:
    path = tmp_path / "sales.csv"
    path.write_text(INFINITE_CSV, encoding="utf-8")
    out = tmp_path / "r.json"
    proc = run_cli(str(path), "revenue summed per region", *CUES, "--json", str(out))
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "infinite value(s)" in proc.stdout  # the note is printed with the result

    def refuse(constant: str) -> None:
        raise AssertionError(f"{constant} in the result JSON")

    doc = json.loads(out.read_text(encoding="utf-8"), parse_constant=refuse)
    json.dumps(doc, allow_nan=False)
    primary = next(c for c in doc["charts"] if c["primary"])
    finite = {"North": 150, "South": 200, "East": 320, "West": 1400}
    assert dict(zip(primary["data"]["x"], primary["data"]["y"], strict=True)) == finite
    headline = next(f["text"] for f in doc["findings"] if f["headline"])
    assert "West" in headline and "1,400" in headline, headline  # the finite values' answer
    assert "same" not in headline and "inf" not in headline.lower(), headline


# ------------------------------------------------------------------ smaller: why text
def _load(text: str, name: str = "t.csv") -> Any:
    return load_table_bytes(text.encode(), name)


def test_decimal_comma_numbers_are_read_as_numbers_with_a_note() -> None:
    rows = "\n".join(f"c{i};{i},{i % 100:02d};{i}" for i in range(1, 41))
    table = _load("city;price;qty\n" + rows + "\n")
    assert table.df["price"].tolist()[:3] == [1.01, 2.02, 3.03]
    assert any("'price' uses a decimal comma" in n for n in table.warnings), table.warnings


def test_thousands_commas_stay_thousands() -> None:
    """Control: "1,234" could be a thousands separator; with no other evidence it stays one."""
    table = _load('item,amount\na,"1,234"\nb,"12,500"\nc,"3,000"\n')
    assert table.df["amount"].tolist() == [1234, 12500, 3000]
    assert not any("decimal comma" in n for n in table.warnings)


def test_a_numeric_column_with_some_text_says_why_it_is_text() -> None:
    values = [str(round(i * 1.5, 1)) for i in range(100)]
    for i in range(0, 100, 12):
        values[i] = "unknown" if i % 24 else "pending"
    table = _load("v\n" + "\n".join(values) + "\n")
    assert table.df["v"].dtype.kind not in "if"
    note = next(n for n in table.warnings if "'v'" in n)
    assert "read as text because 9% of its values are not numbers" in note
    assert "'pending'" in note and "'unknown'" in note


def test_three_date_formats_are_read_value_by_value_when_safe() -> None:
    days = (
        [f"2024-01-{d:02d}" for d in range(1, 11)]
        + [f"01/{d:02d}/2024" for d in range(13, 23)]  # day above 12: month/day, no doubt
        + [f"{d} Jan 2024" for d in range(23, 31)]
    )
    table = _load("day,n\n" + "\n".join(f"{d},{i}" for i, d in enumerate(days)) + "\n")
    parsed = table.df["day"]
    assert pd.api.types.is_datetime64_any_dtype(parsed)
    assert parsed.tolist() == list(pd.date_range("2024-01-01", "2024-01-10")) + list(
        pd.date_range("2024-01-13", "2024-01-22")
    ) + list(pd.date_range("2024-01-23", "2024-01-30"))
    assert any("mixes 3 date formats" in n for n in table.warnings), table.warnings


def test_ambiguous_mixed_dates_stay_text_and_say_why() -> None:
    days = [f"2024-02-{d:02d}" for d in range(1, 11)] + [f"0{m}/0{m + 1}/2024" for m in range(1, 8)]
    table = _load("day,n\n" + "\n".join(f"{d},{i}" for i, d in enumerate(days)) + "\n")
    assert not pd.api.types.is_datetime64_any_dtype(table.df["day"])
    note = next(n for n in table.warnings if "'day'" in n)
    assert "read as text" in note and "day/month or month/day" in note


# ------------------------------------------------------------------ smaller: no stray warnings
RAGGED = b"a,b,c\n1,2,3\n4,5\n6,7,8,9\n10,11,12\n" * 20


def test_a_ragged_csv_run_prints_no_resource_warning(tmp_path: Path) -> None:
    path = tmp_path / "ragged.csv"
    path.write_bytes(RAGGED)
    proc = run_cli(str(path), "total b by a", *CUES, flags=("-X", "dev"))
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "Warning" not in proc.stderr, proc.stderr[-2000:]


def test_the_model_library_leaves_no_file_open_at_exit() -> None:
    """llama-cpp-python opens /dev/null twice when imported and never closes it: every run that
    used the embedded model (the ragged CSV's among them) ended with a stray ResourceWarning."""
    import subprocess
    import sys

    code = (  # through the backend module, as every model load and grammar does
        "from autoviz_core.llm.llamacpp import compile_json_schema_grammar\n"
        'compile_json_schema_grammar(\'{"type": "object"}\')\n'
    )
    proc = subprocess.run(
        [sys.executable, "-X", "dev", "-c", code],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "ResourceWarning" not in proc.stderr, proc.stderr[-2000:]
