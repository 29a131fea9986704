"""Reports and downloads: hostile text is escaped in the HTML report, CSV/XLSX exports carry no
live formulas, upload names never reach the file system, and the app binds to localhost."""

from __future__ import annotations

import csv
import io
import json
import sys
import tomllib
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from autoviz_core.config import PlannerSettings, load_settings
from autoviz_core.data.loading import load_table_bytes
from autoviz_core.pipeline import bundle_args, run_analysis
from autoviz_core.report.bundle import bundle_files, safe_name, write_bundle
from autoviz_core.report.exports import (
    FORMULA_PREFIXES,
    table_to_csv_bytes,
    tables_to_xlsx_bytes,
)
from autoviz_core.report.html import esc, script_safe

REPO = Path(__file__).resolve().parents[2]
FUZZ = settings(
    max_examples=100,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
)
XSS = [
    "<script>alert(1)</script>",
    "</script><img src=x onerror=alert(2)>",
    "\"'><svg onload=alert(3)>",
    "<!--<script>alert(4)//-->",
    "javascript:alert(5)",
]
FORMULAS = [
    "=1+1",
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A9)",
    '\t=HYPERLINK("http://evil")',
    "\r=1",
    '=HYPERLINK("http://evil","click")',
]


# ------------------------------------------------------------------ HTML report
class _Inventory(HTMLParser):
    """Every start tag with its attributes, and the text of each <script>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self._in_script: dict[str, str | None] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._in_script = dict(attrs)
            self.scripts.append((self._in_script, ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = None

    def handle_data(self, data: str) -> None:
        if self._in_script is not None:
            attrs, text = self.scripts[-1]
            self.scripts[-1] = (attrs, text + data)


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A real (cue-planned) run on a table whose column names, cells and question are hostile."""
    rows = [[XSS[i % len(XSS)], FORMULAS[i % len(FORMULAS)], i % 7] for i in range(40)]
    df = pd.DataFrame(rows, columns=[XSS[0], "note", "units"])
    path = tmp_path_factory.mktemp("hostile") / "hostile.csv"
    df.to_csv(path, index=False)
    settings = load_settings()
    settings = settings.model_copy(
        update={
            "planner": PlannerSettings(intent_mode="cues", request_mode="cues", adapt_mode="off")
        }
    )
    question = f"total units by {XSS[0]} {XSS[1]} {XSS[2]}"
    return run_analysis(str(path), question, None, settings)


def test_html_report_has_no_hostile_markup(hostile_run: Any) -> None:
    files = bundle_files(**bundle_args(hostile_run, XSS[2]))
    page = files["report.html"].decode("utf-8")
    for text in XSS:
        if "<" in text:
            assert text not in page, text
    inventory = _Inventory()
    inventory.feed(page)
    allowed = {"html", "head", "meta", "title", "style", "script", "body", "h1", "h2", "h3", "p",
               "ul", "li", "span", "div", "table", "thead", "tbody", "tr", "th", "td", "code"}  # fmt: skip
    assert {tag for tag, _ in inventory.tags} <= allowed
    for tag, attrs in inventory.tags:
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        assert tag not in ("img", "svg", "iframe", "a")
    # Scripts: plotly.js, one JSON block per chart, the renderer. Chart JSON parses as JSON.
    code = [s for s in inventory.scripts if s[0].get("type") != "application/json"]
    data = [s for s in inventory.scripts if s[0].get("type") == "application/json"]
    assert len(code) == 2 and data
    for _, text in data:
        figure = json.loads(text)
        assert "data" in figure
    # The hostile text is still there, as text, for the person to read.
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_markdown_report_escapes_hostile_text(hostile_run: Any) -> None:
    page = bundle_files(**bundle_args(hostile_run, "x"))["report.md"].decode("utf-8")
    assert "<script>alert(1)</script>" not in page
    assert "<img src=x" not in page


@FUZZ
@given(text=st.text(max_size=200))
def test_fuzz_escaping_helpers(text: str) -> None:
    escaped = esc(text)
    assert not any(ch in escaped for ch in "<>\"'")
    assert "</" not in script_safe(json.dumps(text)) and "<!--" not in script_safe(json.dumps(text))


# ------------------------------------------------------------------ CSV / XLSX exports
def _is_formula(value: Any) -> bool:
    """Text a spreadsheet would evaluate (a plain negative number such as "-1.5" is data)."""
    if not isinstance(value, str) or not value.startswith(FORMULA_PREFIXES):
        return False
    try:
        float(value)
    except ValueError:
        return True
    return False


def _frame(values: list[str]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "=cmd()": values,  # a hostile column name
            "object": pd.Series(values, dtype="object"),
            "category": pd.Series(values, dtype="category"),
            "number": [-1.5] * len(values),  # negative numbers stay numbers
        }
    )


def test_csv_export_carries_no_formula() -> None:
    text = table_to_csv_bytes(_frame([*FORMULAS, "a\r=1+1", "b\n@SUM(1)"])).decode("utf-8")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    for row in rows:
        for cell in row:
            assert not _is_formula(cell), cell
    assert rows[1][3] == "-1.5"
    assert len(rows) == 1 + len(FORMULAS) + 2  # a carriage return inside a cell is no row break


def test_xlsx_export_carries_no_formula() -> None:
    data = tables_to_xlsx_bytes({"=sheet": _frame(FORMULAS), "ok": pd.DataFrame({"a": [1]})})
    book = openpyxl.load_workbook(io.BytesIO(data))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                assert not _is_formula(cell.value), cell.value
    assert book.worksheets[0]["D2"].value == -1.5


@FUZZ
@given(
    values=st.lists(
        st.text(alphabet=st.sampled_from(list("=+-@\t\r\n ,\"'|!ab1(")), max_size=12),
        min_size=1,
        max_size=8,
    )
)
def test_fuzz_exports_never_carry_formulas(values: list[str]) -> None:
    df = pd.DataFrame({"v": values, "w": pd.Series(values, dtype="str")})
    for row in csv.reader(io.StringIO(table_to_csv_bytes(df).decode("utf-8"), newline="")):
        assert not any(_is_formula(cell) for cell in row), row
    book = openpyxl.load_workbook(io.BytesIO(tables_to_xlsx_bytes({"t": df})))
    for row in book.active.iter_rows():  # type: ignore[union-attr]
        for cell in row:
            assert cell.data_type != "f" and not _is_formula(cell.value), cell.value


def test_bundle_exports_of_a_hostile_run_are_formula_safe(hostile_run: Any) -> None:
    files = bundle_files(**bundle_args(hostile_run, "x"))
    csvs = [name for name in files if name.endswith(".csv")]
    assert csvs
    for name in csvs:
        for row in csv.reader(io.StringIO(files[name].decode("utf-8"), newline="")):
            assert not any(_is_formula(cell) for cell in row), (name, row)


# ------------------------------------------------------------------ file names never touch disk
HOSTILE_NAMES = [
    "../../etc/passwd.csv",
    "/etc/shadow.csv",
    "..\\..\\windows\\system32\\config.csv",
    "C:\\Windows\\win.ini.csv",
    "a\x00b.csv",
    "CON.csv",
    "~/.ssh/id_rsa.csv",
    "x" * 5000 + ".csv",
    "file:///etc/passwd.csv",
    "$(touch pwned).csv",
]
_FS_EVENTS = ("open", "os.", "shutil.", "pathlib.")


class _FsAudit:
    def __init__(self) -> None:
        self.active = False
        self.events: list[tuple[str, str]] = []
        sys.addaudithook(self._hook)

    def _hook(self, event: str, args: tuple[Any, ...]) -> None:
        if self.active and event.startswith(_FS_EVENTS):
            self.events.append((event, repr(args)[:300]))


_FS = _FsAudit()


@pytest.fixture
def fs_audit() -> Iterator[list[tuple[str, str]]]:
    _FS.events.clear()
    _FS.active = True
    try:
        yield _FS.events
    finally:
        _FS.active = False


@pytest.mark.parametrize("name", HOSTILE_NAMES, ids=range(len(HOSTILE_NAMES)))
def test_upload_name_never_reaches_the_file_system(
    name: str, fs_audit: list[tuple[str, str]]
) -> None:
    data = b"region,units\nnorth,3\nsouth,4\n"
    table = load_table_bytes(data, name)
    assert len(table.df) == 2
    stem = name.split(".csv")[0][-20:].replace("\x00", "")
    touched = [e for e in fs_audit if stem and stem in e[1]]
    assert touched == [], touched
    assert not any("passwd" in e[1] or "shadow" in e[1] for e in fs_audit), fs_audit


@pytest.mark.parametrize("step_id", ["../../evil", "/abs/path", "..", "a/b\\c", "\x00x", ""])
def test_bundle_file_names_stay_inside_the_folder(step_id: str, tmp_path: Path) -> None:
    name = safe_name(step_id)
    assert "/" not in name and "\\" not in name and not name.startswith(".")
    assert (tmp_path / name).resolve().parent == tmp_path.resolve()


def test_written_bundle_stays_inside_its_folder(hostile_run: Any, tmp_path: Path) -> None:
    out = tmp_path / "bundle"
    for path in write_bundle(out, **bundle_args(hostile_run, "../../x")):
        assert out.resolve() in path.resolve().parents


# ------------------------------------------------------------------ local by default
def test_app_binds_to_localhost_and_sends_no_usage_stats() -> None:
    config = tomllib.loads((REPO / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["address"] == "localhost"
    assert config["browser"]["gatherUsageStats"] is False
    assert config["client"]["showErrorDetails"] is False  # no tracebacks in the browser


def test_shipped_config_points_only_at_loopback_servers() -> None:
    from urllib.parse import urlparse

    for model in load_settings().models.values():
        if model.url:
            assert urlparse(model.url).hostname in ("localhost", "127.0.0.1"), model.url
