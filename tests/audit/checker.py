"""The audit checker: run every (table, question) pair of cases.yaml and check what an analyst would.

  python -m tests.audit.checker            # every pair; prints failures per property; exit 1 if any

Properties (each pair): the aggregation of every step, no sum of a measure that does not add
up, no zero-filled gaps, periods printed at their grain, every number of every finding
recomputable from its step's own output table, a headline that answers the question, no step
about a column the question did not name unless its note says why, and (where set) no more
flagged periods than the case allows. Only the public pipeline is used, so the same checker
runs on older commits to measure where they stood.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml
from scipy import stats as sps

from tests.audit.tables import write_tables

CASES_FILE = Path(__file__).with_name("cases.yaml")
PROPERTIES = (
    "aggregation",
    "no_summed_non_additive",
    "no_zero_filled_gaps",
    "periods_at_grain",
    "recomputable",
    "headline",
    "on_question",
    "flagged_periods",
)
TIME_TOOLS = ("trend", "period_change", "rolling_anomalies", "resample")
COARSE_GRAINS = ("week", "month", "quarter", "year")
CONSTANTS = (0.05, 1.5)  # a significance level and Tukey's whisker rule, named in sentences


@dataclass(frozen=True)
class Violation:
    case: str
    prop: str
    detail: str

    def __str__(self) -> str:
        return f"{self.case}: {self.prop}: {self.detail}"


@dataclass
class Step:
    """One executed step as the checker reads it."""

    step_id: str
    tool: str
    params: dict[str, Any]
    table: pd.DataFrame | None
    findings: list[str]
    note: str
    primary: bool


@dataclass
class Outcome:
    steps: list[Step]
    headline: tuple[str, str]  # (tool, text)
    data: pd.DataFrame


def load_cases(path: Path = CASES_FILE) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


@lru_cache(maxsize=1)
def table_paths() -> dict[str, Path]:
    spec = load_cases()
    folder = Path(tempfile.mkdtemp(prefix="autoviz-audit-"))
    return write_tables(folder, {n: t["source"] for n, t in spec["tables"].items()})


# ---------------------------------------------------------------- running a pair
def run_pair(case: dict[str, Any]) -> Outcome:
    """Plan and execute the question with the deterministic planner (no model)."""
    from autoviz_core.config import load_settings
    from autoviz_core.pipeline import run_analysis
    from autoviz_core.report.findings import collect_findings

    settings = load_settings()
    planner = settings.planner.model_copy(
        update={"intent_mode": "cues", "request_mode": "cues", "adapt_mode": "off"}
    )
    settings = settings.model_copy(update={"planner": planner})
    run = run_analysis(str(table_paths()[case["table"]]), case["question"], None, settings)
    try:
        findings = collect_findings(run.result, run.planned)
    except TypeError:  # before the headline existed: the first finding was the headline
        findings = collect_findings(run.result)
    notes = {s.id: s.note for s in run.planned.plan.steps}
    steps = [
        Step(
            r.step_id,
            r.tool,
            dict(r.params),
            r.result.table,
            list(r.result.findings),
            notes.get(r.step_id, ""),
            r.primary,
        )
        for r in run.result.records
        if r.status == "ok" and r.result is not None
    ]
    head = (findings[0].tool, findings[0].text) if findings else ("", "")
    return Outcome(steps, head, run.table.df)


def measured(step: Step) -> str | None:
    for key in ("metric", "column", "target", "y"):
        value = step.params.get(key)
        if isinstance(value, str):
            return value
    return None


# ---------------------------------------------------------------- properties
def check_aggregation(case: dict[str, Any], out: Outcome, non_additive: list[str]) -> list[str]:
    wanted = case.get("agg") or {}
    bad = []
    for step in out.steps:
        col, agg = measured(step), step.params.get("agg")
        if col in wanted and agg not in (None, "none") and agg != wanted[col]:
            bad.append(
                f"{step.step_id} ({step.tool}) aggregates {col} with {agg}, not {wanted[col]}"
            )
    return bad


def check_non_additive(case: dict[str, Any], out: Outcome, non_additive: list[str]) -> list[str]:
    bad = []
    for step in out.steps:
        col = measured(step)
        if col in non_additive and step.params.get("agg") == "sum":
            bad.append(f"{step.step_id} ({step.tool}) sums {col}")
        for text in step.findings:
            for name in non_additive:
                if f"sum of {name}" in text:
                    bad.append(f"{step.step_id}: finding about a sum of {name}")
    return sorted(set(bad))


def _period_of(value: Any, grain: str, numeric_years: bool) -> Any:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    if numeric_years:
        return (
            int(pd.Timestamp(value).year)
            if not isinstance(value, (int, np.integer, float))
            else int(value)
        )
    code = {"day": "D", "week": "W", "month": "M", "quarter": "Q", "year": "Y"}[grain]
    return pd.Timestamp(value).to_period(code)


def _value_column(step: Step, table: pd.DataFrame) -> str | None:
    for name in ("value", step.params.get("metric"), "count"):
        if isinstance(name, str) and name in table.columns:
            return name
    return None


def _rows_of(step: Step, data: pd.DataFrame) -> pd.DataFrame:
    from autoviz_core.tools.common import FilterCondition, apply_filters

    filters = [FilterCondition.model_validate(f) for f in step.params.get("filters") or []]
    return apply_filters(data, filters)[0] if filters else data


def check_zero_gaps(case: dict[str, Any], out: Outcome, non_additive: list[str]) -> list[str]:
    bad = []
    for step in out.steps:
        if step.tool not in TIME_TOOLS or step.table is None or step.table.empty:
            continue
        date_col, grain = step.params.get("date_column"), step.params.get("grain", "day")
        key = next((c for c in step.table.columns if str(c).startswith(str(date_col))), None)
        value = _value_column(step, step.table)
        if key is None or value is None:
            continue
        source = _rows_of(step, out.data)[date_col]
        numeric = pd.api.types.is_numeric_dtype(source)
        times = source if numeric else pd.to_datetime(source, errors="coerce")
        present = {_period_of(v, grain, numeric) for v in times.dropna()}
        said = any("no rows" in f for f in step.findings)
        for k, v in zip(step.table[key], step.table[value], strict=True):
            if v == 0 and _period_of(k, grain, numeric) not in present and not said:
                bad.append(f"{step.step_id}: {k} has no rows but shows 0")
                break
    return bad


DAY_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
FLOAT_YEAR = re.compile(r"\b(1[89]|20)\d{2}\.0\b")


def _grain_of(step: Step, data: pd.DataFrame) -> str | None:
    if step.tool in TIME_TOOLS:
        col = step.params.get("date_column")
        if col in data.columns and pd.api.types.is_numeric_dtype(data[col]):
            return "year"
        return str(step.params.get("grain", "day"))
    if step.tool == "chart" and step.params.get("time_grain") not in (None, "none"):
        return str(step.params["time_grain"])
    return None


def check_periods(case: dict[str, Any], out: Outcome, non_additive: list[str]) -> list[str]:
    bad = []
    texts = [(s, f) for s in out.steps for f in s.findings] + [(None, out.headline[1])]
    for step, text in texts:
        if FLOAT_YEAR.search(text):
            bad.append(f"a year printed as a float: {text[:90]}")
        grain = _grain_of(step, out.data) if step is not None else None
        if grain in COARSE_GRAINS and DAY_DATE.search(text):
            bad.append(f"{step.step_id} ({grain}) prints a day: {text[:90]}")  # type: ignore[union-attr]
    return sorted(set(bad))


# ---------------------------------------------------------------- recomputable numbers
NUMBER = re.compile(r"(?<![\w.])[-+−]?\d[\d,]*(?:\.\d+)?(?:e[-+]?\d+)?%?")
PERIODS = re.compile(
    r"\d{4}-\d{2}-\d{2}(?: \d{2}:\d{2}(?::\d{2})?)?|\d{4}-W\d{2}|\d{4}-Q\d|\d{4}-\d{2}\b"
)
WORD_WITH_DIGITS = re.compile(r"[A-Za-z_]+\d[\w]*|\b\d+[A-DF-Za-df-z_]\w*|R²|Q[1-4]")


def _fit_values(table: pd.DataFrame, value: str | None) -> list[float]:
    out = []
    if {"t", "fitted"} <= set(table.columns):
        ok = table[["t", "fitted"]].dropna()
        if len(ok) > 2 and ok["t"].nunique() > 1:
            fit = sps.linregress(ok["t"], ok["fitted"])
            out += [fit.slope, fit.rvalue**2, 100 * fit.rvalue**2, len(ok)]
    if value and value in table.columns:
        y = pd.to_numeric(table[value], errors="coerce").to_numpy(dtype="float64")
        ok = np.isfinite(y)
        if ok.sum() > 2:
            fit = sps.linregress(np.arange(len(y))[ok], y[ok])
            out += [fit.slope, fit.rvalue**2]
    return out


def supported_numbers(step: Step, data: pd.DataFrame) -> list[float]:
    """Every number the step's own table (and its parameters) can give."""
    table = step.table if step.table is not None else pd.DataFrame()
    rows = _rows_of(step, data)
    out: list[float] = [len(table), len(rows), len(data), *CONSTANTS]
    out += [float(v) for v in step.params.values() if isinstance(v, (int, float))]
    numeric = {}
    for col in table.columns:
        s = table[col]
        if pd.api.types.is_bool_dtype(s):
            out += [int(s.sum()), int((~s).sum())]
            continue
        if pd.api.types.is_datetime64_any_dtype(s):
            out += s.dropna().dt.year.tolist()  # a period printed as its year
            continue
        v = pd.to_numeric(s, errors="coerce").dropna()
        if v.empty:
            continue
        numeric[col] = v
        out += [
            *v.tolist(),
            v.sum(),
            v.mean(),
            v.median(),
            v.min(),
            v.max(),
            len(v),
            int((v != 0).sum()),
            int((v == 0).sum()),
        ]
        out += [int((v == v.max()).sum()), int((v == v.min()).sum())]  # how many tie
        if v.min() != 0:
            out.append((v.max() - v.min()) / abs(v.min()))
        if v.sum() != 0:
            out.append(v.max() / v.sum())
    if "partial" in table.columns:
        for v in numeric.values():
            out.append(int((~table.loc[v.index, "partial"].astype(bool)).sum()))
    small = table.head(60)
    cols = [c for c in numeric if c in small.columns][:20]
    for _, row in small[cols].iterrows():
        vals = pd.to_numeric(row, errors="coerce").dropna().tolist()
        out += [a / b for a in vals for b in vals if b not in (0, a)]
    if len(table) and len(rows):
        out.append(len(table) / len(rows))
    out += _correlations(numeric)
    out += _fit_values(table, _value_column(step, table) if not table.empty else None)
    return [float(x) for x in out if np.isfinite(x)]


def _correlations(numeric: dict[str, pd.Series]) -> list[float]:
    """Pearson r of the table's first numeric columns taken in pairs (a scatter's two axes)."""
    cols = list(numeric.items())[:4]
    out = []
    for i, (_, a) in enumerate(cols):
        for _, b in cols[i + 1 :]:
            both = pd.concat([a, b], axis=1, join="inner").dropna()
            if len(both) > 2 and both.iloc[:, 0].nunique() > 1 and both.iloc[:, 1].nunique() > 1:
                out.append(float(np.corrcoef(both.iloc[:, 0], both.iloc[:, 1])[0, 1]))
    return out


def _strip_known_text(text: str, step: Step) -> str:
    """Remove what is not a computed number: labels from the table, periods, names with digits."""
    table = step.table if step.table is not None else pd.DataFrame()
    words = {str(c) for c in table.columns}
    for col in table.columns:
        if table[col].dtype == object or pd.api.types.is_string_dtype(table[col]):
            words |= {str(v) for v in table[col].dropna().head(2000)}
    words |= {str(v) for v in step.params.values() if isinstance(v, str)}
    for word in sorted(words, key=len, reverse=True):
        if len(word) > 1 and any(ch.isdigit() for ch in word):
            text = text.replace(word, " ")
    text = PERIODS.sub(" ", text)
    return WORD_WITH_DIGITS.sub(" ", text)


def _matches(printed: str, candidates: list[float]) -> bool:
    pct = printed.endswith("%")
    raw = printed.rstrip("%").replace(",", "").replace("−", "-").lstrip("+")
    value = float(raw)
    decimals = len(raw.split(".")[1]) if "." in raw and "e" not in raw else 0
    tol = 0.5 * 10 ** (-decimals) + 1e-9
    if "e" in raw:
        tol = abs(value) * 0.01
    scales = (1.0, 100.0) if pct else (1.0,)
    return any(abs(abs(c * s) - abs(value)) <= tol for c in candidates for s in scales)


def check_recomputable(case: dict[str, Any], out: Outcome, non_additive: list[str]) -> list[str]:
    bad = []
    for step in out.steps:
        if not step.findings:
            continue
        candidates = supported_numbers(step, out.data)
        for text in step.findings:
            for printed in NUMBER.findall(_strip_known_text(text, step)):
                if not _matches(printed, candidates):
                    bad.append(f"{step.step_id}: {printed} in '{text[:80]}'")
                    break
    return bad


# ---------------------------------------------------------------- the question
def check_headline(case: dict[str, Any], out: Outcome, non_additive: list[str]) -> list[str]:
    want = case.get("headline") or {}
    tool, text = out.headline
    bad = []
    if want.get("tools") and tool not in want["tools"]:
        bad.append(f"from {tool or 'nothing'}, not {'/'.join(want['tools'])}: {text[:90]}")
    bad += [f"does not say {w!r}: {text[:90]}" for w in want.get("contains", []) if w not in text]
    bad += [f"says {w!r}: {text[:90]}" for w in want.get("not", []) if w in text]
    return bad


def check_on_question(case: dict[str, Any], out: Outcome, non_additive: list[str]) -> list[str]:
    from autoviz_core.tools.registry import get_tool

    named = set(case.get("columns") or [])
    bad = []
    for step in out.steps:
        spec = get_tool(step.tool)
        if step.primary or spec is None:
            continue
        for name, (_, multiple) in spec.column_params().items():
            value = step.params.get(name)
            if multiple or not isinstance(value, str) or value in named:
                continue
            if value not in step.note:
                bad.append(f"{step.step_id} ({step.tool}) uses {value} without saying why")
    return bad


def check_flagged(case: dict[str, Any], out: Outcome, non_additive: list[str]) -> list[str]:
    limit = case.get("max_flagged")
    if limit is None:
        return []
    bad = []
    for step in out.steps:
        if step.tool != "rolling_anomalies" or step.table is None:
            continue
        table = step.table
        flagged = int(table["flag"].sum()) if "flag" in table.columns else len(table)
        if flagged > limit:
            bad.append(f"{step.step_id}: {flagged} periods flagged (at most {limit})")
    return bad


CHECKS = {
    "aggregation": check_aggregation,
    "no_summed_non_additive": check_non_additive,
    "no_zero_filled_gaps": check_zero_gaps,
    "periods_at_grain": check_periods,
    "recomputable": check_recomputable,
    "headline": check_headline,
    "on_question": check_on_question,
    "flagged_periods": check_flagged,
}


def check_case(case: dict[str, Any], tables: dict[str, Any]) -> list[Violation]:
    """Every property of one pair; a crash of the pipeline is a violation too."""
    try:
        out = run_pair(case)
    except Exception as exc:  # the pair could not be analysed at all
        return [Violation(case["id"], "runs", f"{type(exc).__name__}: {exc}")]
    non_additive = tables[case["table"]].get("non_additive", [])
    return [
        Violation(case["id"], prop, detail)
        for prop, check in CHECKS.items()
        for detail in check(case, out, non_additive)
    ]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--verbose", "-v", action="store_true", help="print every violation")
    args = ap.parse_args(argv)
    spec = load_cases()
    per_prop: Counter[str] = Counter()
    failing_pairs = 0
    for case in spec["cases"]:
        found = check_case(case, spec["tables"])
        props = sorted({v.prop for v in found})
        per_prop.update(props)
        failing_pairs += bool(found)
        print(
            f"{'FAIL' if found else 'ok  '} {case['id']}"
            + (f"  ({', '.join(props)})" if props else "")
        )
        if args.verbose:
            for v in found:
                print(f"       - {v.prop}: {v.detail}")
    n = len(spec["cases"])
    print(f"\n{n - failing_pairs} of {n} pairs pass; {failing_pairs} fail.")
    for prop in (*PROPERTIES, "runs"):
        if per_prop[prop]:
            print(f"  {prop}: {per_prop[prop]} pair(s) fail")
    return 1 if failing_pairs else 0


if __name__ == "__main__":
    sys.exit(main())
