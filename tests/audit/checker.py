"""The audit checker: run every (table, question) pair of cases.yaml and check what an analyst would.

  python -m tests.audit.checker            # every pair; prints failures per property; exit 1 if any

Every finding of every step is a claim (tools/claims.py); the checker asserts each claim's
preconditions by recomputing them from the table with its own pandas/scipy code, not by
reading the product's guards, so a guard removed from the product shows up here:

  ranking      the named leader is the leader over every group of the data, and unique
               unless the sentence says the tie
  correlation  recomputed r and p: significant, |r| >= 0.1, never a part against its total
               (the totals are written by hand per table); a denied relation really fails
  trend        recomputed from the step's own period table: enough points, a fit, no period
               without rows in it; "no clear trend" never hides a year-on-year change
  change       both periods present, whole and adjacent (or one year apart)
  sum          never of a measure that does not add up, never over time of a stock (both
               lists written by hand per table), recomputed over the data's time column
  anomaly      a flagged period's departure does not recur at the same phase of other cycles
  wording      no internal step or tool name, no year as 1,952 / 1952.0 / 1970-01-01, no
               week outside the data's years, no percentage in the thousands, no "per year
               per year", no group named like the measure it leads on

Plus, per pair: the aggregation of every step, no zero-filled gaps, periods printed at their
grain, every number recomputable from its step's own output table, the headline from the step
that answers the question, every supporting step serving a part of the question, and (where
set) no more flagged periods than the case allows. Only the public pipeline is used.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml
from scipy import stats as sps

from tests.audit.tables import write_tables

CASES_FILE = Path(__file__).with_name("cases.yaml")
TIME_TOOLS = ("trend", "period_change", "rolling_anomalies", "resample")
COARSE_GRAINS = ("week", "month", "quarter", "year")
CONSTANTS = (0.05, 1.5)  # a significance level and Tukey's whisker rule, named in sentences
ALPHA = 0.05
MIN_R = 0.1
MIN_POINTS = 4
MIN_R2 = 0.3
ANSWER_TOOLS = (
    "answer_statistic",
    "answer_relation",
    "answer_distribution",
    "answer_group_difference",
    "answer_extreme",
    "answer_change",
)


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
    claims: list[dict[str, Any]] = field(default_factory=list)
    answer: bool = False
    supports: str = ""
    title: str = ""


@dataclass
class Outcome:
    steps: list[Step]
    headline: tuple[str, str]  # (tool, text)
    data: pd.DataFrame
    all_findings: list[str] = field(default_factory=list)  # what the report lists
    plan_ids: list[str] = field(default_factory=list)


@dataclass
class Table:
    """What the case file says of a table, written by hand from what its columns mean."""

    non_additive: list[str]
    stock: list[str]
    totals: dict[str, list[str]]

    @classmethod
    def of(cls, spec: dict[str, Any]) -> Table:
        return cls(spec.get("non_additive", []), spec.get("stock", []), spec.get("totals", {}))

    def part_and_total(self, a: str, b: str) -> bool:
        return a in self.totals.get(b, []) or b in self.totals.get(a, [])


def load_cases(path: Path = CASES_FILE) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


@lru_cache(maxsize=1)
def table_paths() -> dict[str, Path]:
    spec = load_cases()
    folder = Path(tempfile.mkdtemp(prefix="autoviz-audit-"))
    return write_tables(folder, {n: t["source"] for n, t in spec["tables"].items()})


# ---------------------------------------------------------------- running a pair
def run_pair(case: dict[str, Any]) -> Outcome:
    """Plan and execute the question with the deterministic planner (no model); a case's
    `edit` is applied on the plan first, as a person would on the Plan page (validated the
    same way), then the plan is approved and run."""
    from autoviz_core.config import load_settings
    from autoviz_core.pipeline import load_dataset, plan_analysis, profile_of, run_approved
    from autoviz_core.planning.planner import revalidate
    from autoviz_core.report.findings import collect_findings

    settings = load_settings()
    planner = settings.planner.model_copy(
        update={"intent_mode": "cues", "request_mode": "cues", "adapt_mode": "off"}
    )
    settings = settings.model_copy(update={"planner": planner})
    table = load_dataset(str(table_paths()[case["table"]]), settings)
    profile = profile_of(table)
    planned = plan_analysis(case["question"], table, profile, None, settings.planner)
    if edit := case.get("edit"):
        steps = [
            s.model_copy(update={"params": {**s.params, **edit["params"]}})
            if s.id == edit["step"]
            else s
            for s in planned.plan.steps  # type: ignore[union-attr]
        ]
        plan = planned.plan.model_copy(update={"steps": steps})  # type: ignore[union-attr]
        planned = revalidate(planned, plan, profile)  # type: ignore[arg-type]
    run = run_approved(table, profile, planned, settings)  # type: ignore[arg-type]
    findings = collect_findings(run.result, run.planned)
    by_id = {s.id: s for s in run.planned.plan.steps}
    steps = [
        Step(
            r.step_id,
            r.tool,
            dict(r.params),
            r.result.table,
            list(r.result.findings),
            by_id[r.step_id].note if r.step_id in by_id else "",
            r.primary,
            [c.to_dict() for c in getattr(r.result, "claims", [])],
            r.answer,
            getattr(by_id.get(r.step_id), "supports", ""),
            r.result.chart.title if r.result.chart is not None else "",
        )
        for r in run.result.records
        if r.status == "ok" and r.result is not None
    ]
    head = (findings[0].tool, findings[0].text) if findings else ("", "")
    return Outcome(steps, head, run.table.df, [f.text for f in findings], list(by_id))


def measured(step: Step) -> str | None:
    for key in ("metric", "column", "target", "y", "measure"):
        value = step.params.get(key)
        if isinstance(value, str):
            return value
    return None


def rows_of(params: dict[str, Any], data: pd.DataFrame) -> pd.DataFrame:
    from autoviz_core.tools.common import FilterCondition, apply_filters

    filters = [FilterCondition.model_validate(f) for f in params.get("filters") or []]
    return apply_filters(data, filters)[0] if filters else data


def _filtered(filters: list[dict[str, Any]] | tuple[Any, ...], data: pd.DataFrame) -> pd.DataFrame:
    return rows_of({"filters": list(filters)}, data)


def said_claims(out: Outcome) -> list[tuple[Step, dict[str, Any]]]:
    """Every claim said by a step, with the step."""
    return [(s, c) for s in out.steps for c in s.claims]


def parts(claim: dict[str, Any], kind: str, key: str = "asserts") -> list[dict[str, Any]]:
    return [a for a in claim.get(key, []) if a.get("kind") == kind]


# ---------------------------------------------------------------- the plan
def check_aggregation(case: dict[str, Any], out: Outcome, table: Table) -> list[str]:
    wanted = case.get("agg") or {}
    bad = []
    for step in out.steps:
        col, agg = measured(step), step.params.get("agg")
        if col in wanted and agg not in (None, "none") and agg != wanted[col]:
            bad.append(
                f"{step.step_id} ({step.tool}) aggregates {col} with {agg}, not {wanted[col]}"
            )
    return bad


def check_supports(case: dict[str, Any], out: Outcome, table: Table) -> list[str]:
    """Every step says which part of the question it serves."""
    return [
        f"{s.step_id} ({s.tool}) does not say which part of the question it supports"
        for s in out.steps
        if not s.supports
    ]


def check_on_question(case: dict[str, Any], out: Outcome, table: Table) -> list[str]:
    from autoviz_core.tools.registry import get_tool

    named = set(case.get("columns") or [])
    bad = []
    for step in out.steps:
        spec = get_tool(step.tool)
        if step.primary or step.answer or spec is None:
            continue
        for name, (_, multiple) in spec.column_params().items():
            value = step.params.get(name)
            if multiple or not isinstance(value, str) or value in named:
                continue
            if value not in step.note:
                bad.append(f"{step.step_id} ({step.tool}) uses {value} without saying why")
    return bad


def check_headline(case: dict[str, Any], out: Outcome, table: Table) -> list[str]:
    """The headline comes from the answer step when the plan computes the asked value."""
    tool, text = out.headline
    answer = next((s for s in out.steps if s.answer), None)
    if answer is not None and tool != answer.tool:
        return [f"from {tool or 'nothing'}, not the answer step {answer.tool}: {text[:90]}"]
    allowed = (case.get("headline") or {}).get("tools")
    if answer is None and allowed and tool not in allowed:
        return [f"from {tool or 'nothing'}, not {'/'.join(allowed)}: {text[:90]}"]
    return []


def check_flagged(case: dict[str, Any], out: Outcome, table: Table) -> list[str]:
    limit = case.get("max_flagged")
    if limit is None:
        return []
    bad = []
    for step in out.steps:
        if step.tool != "rolling_anomalies" or step.table is None:
            continue
        flagged = int(step.table["flag"].sum()) if "flag" in step.table.columns else 0
        if flagged > limit:
            bad.append(f"{step.step_id}: {flagged} periods flagged (at most {limit})")
    return bad


# ---------------------------------------------------------------- every finding a claim
CLAIM_WORDS = {
    "ranking": re.compile(
        r"\b(highest|lowest|most common|largest (?!rise|drop)|smallest|Top \d+|Bottom \d+)"
    ),
    "correlation": re.compile(r"\b(correlation|relates? (to|most)|relation)\b"),
    "trend": re.compile(r"\b(rises|falls) by about\b"),
    "change": re.compile(r"\ba change of\b|\blargest (rise|drop)\b|\bYear on year\b"),
    "anomaly": re.compile(r"\bstands? out\b|\brows? of \S+ lies? beyond\b"),
}
ANSWER_KINDS = {"ranking", "correlation", "change"}  # an answer's own sentence may state these


def check_claims_present(case: dict[str, Any], out: Outcome, table: Table) -> list[str]:
    """Each finding is a claim, and a sentence that ranks, relates, trends, changes or flags
    carries the assertion (or the denial) that lets it be checked."""
    bad = []
    for step in out.steps:
        texts = [c["text"] for c in step.claims]
        if texts != step.findings:
            bad.append(f"{step.step_id}: findings are not the step's claims")
            continue
        for claim in step.claims:
            kinds = {a["kind"] for a in [*claim["asserts"], *claim["denies"]]}
            for kind, words in CLAIM_WORDS.items():
                if not words.search(claim["text"]) or kind in kinds:
                    continue
                if kind == "ranking" and kinds:
                    continue  # a relation or change naming its strongest part
                if step.answer and kind in ANSWER_KINDS:
                    continue  # the asked value, stated as computed
                if kind == "ranking" and _plain_ranking(claim["text"]):
                    continue
                bad.append(f"{step.step_id}: a {kind} said without its claim: {claim['text'][:80]}")
    return bad


def _plain_ranking(text: str) -> bool:
    """Rankings that need no check: a row's value, bin counts of one column, fences."""
    return bool(re.search(r"^The (largest|smallest) \S+ is|The most common range", text))


# ---------------------------------------------------------------- rankings
def _group_values(data: pd.DataFrame, a: dict[str, Any]) -> pd.Series | None:
    """The leader's measure per group, recomputed over every group of the data."""
    by, measure, agg = a.get("by"), a.get("measure"), a.get("agg") or "none"
    if not isinstance(by, str) or by not in data.columns:
        return None
    rows = _filtered(a.get("filters") or [], data)
    keys = rows[by]
    grain = a.get("grain") or "none"
    if grain not in ("none", None):
        return None
    if measure is None or agg == "count":
        return keys.value_counts()
    if measure not in rows.columns or agg not in ("sum", "mean", "median", "min", "max"):
        return None
    values = pd.to_numeric(rows[measure], errors="coerce")
    return values.groupby(keys, observed=True).agg(agg).dropna()


def _name(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, pd.Timestamp) and value == value.normalize():
        return value.strftime("%Y-%m-%d")
    return str(value)


PERIOD_CODES = {"week": "W", "month": "M", "quarter": "Q", "year": "Y"}


def _partial_periods(data: pd.DataFrame, a: dict[str, Any]) -> tuple[list[str], int] | None:
    """The periods of a ranking over time that the data cover in less than 80% of their days,
    and how many periods have data at all; None when there are none (or it is no such ranking)."""
    by, code = a.get("by"), PERIOD_CODES.get(str(a.get("grain")))
    if code is None or not isinstance(by, str) or by not in data.columns:
        return None
    days = pd.to_datetime(_filtered(a.get("filters") or [], data)[by], errors="coerce")
    days = pd.Series(days.dropna().dt.normalize().unique())
    if days.empty:
        return None
    weekdays = set(days.dt.day_of_week)
    periods = days.dt.to_period(code)
    counts = periods.value_counts()
    thin = []
    for period, have in counts.items():
        span = pd.date_range(period.start_time, period.end_time.normalize(), freq="D")
        span = span[(span >= days.min()) & (span <= days.max()) & span.day_of_week.isin(weekdays)]
        if len(span) and have < 0.8 * len(span):
            thin.append(str(period))
    return (thin, len(counts)) if thin else None


def check_rankings(case: dict[str, Any], out: Outcome, table: Table) -> list[str]:
    bad = []
    for step, claim in said_claims(out):
        for a in parts(claim, "ranking"):
            if a["ranked"] < a["groups"]:
                bad.append(
                    f"{step.step_id}: ranks {a['ranked']} of {a['groups']} groups: {claim['text'][:70]}"
                )
            if len(a["leaders"]) > 1 and not a["says_tie"]:
                bad.append(f"{step.step_id}: {len(a['leaders'])} groups tie: {claim['text'][:70]}")
            partial = _partial_periods(out.data, a)
            if partial and a["ranked"] >= partial[1]:
                bad.append(
                    f"{step.step_id}: ranks partial periods ({', '.join(partial[0][:2])}) with "
                    f"whole ones: {claim['text'][:70]}"
                )
            values = _group_values(out.data, a)
            if values is None or values.empty:
                continue
            best = values.max() if a.get("direction", "max") == "max" else values.min()
            leaders = {_name(k) for k in values.index[np.isclose(values, best, rtol=1e-9)]}
            if len(leaders) > 1 and not a["says_tie"]:
                bad.append(
                    f"{step.step_id}: {sorted(leaders)[:3]} tie at the top: {claim['text'][:70]}"
                )
            named = {n.split(" ", 1)[1] if n.startswith(f"{a['by']} ") else n for n in a["leaders"]}
            named = {n.split(" (")[0] for n in named}  # "2021-05 (May 2021)": the period itself
            if not any(d == n or d.startswith(f"{n}-") for d in leaders for n in named):
                bad.append(
                    f"{step.step_id}: names {list(a['leaders'])[:2]}, the data's leader is "
                    f"{sorted(leaders)[:2]}: {claim['text'][:70]}"
                )
            if a["groups"] != len(values):
                bad.append(f"{step.step_id}: {a['groups']} groups said, the data has {len(values)}")
    return bad


# ---------------------------------------------------------------- correlations
CHANGE = "change of "


def _pair(data: pd.DataFrame, a: dict[str, Any]) -> pd.DataFrame | None:
    """The two columns on the rows the claim is about; a claim about changes relates the
    differences from one moment to the next."""
    rows = _filtered(a.get("filters") or [], data)
    x, y = (str(a[k]).removeprefix(CHANGE) for k in ("x", "y"))
    if x not in rows.columns or y not in rows.columns:
        return None
    pair = pd.DataFrame(
        {"x": pd.to_numeric(rows[x], errors="coerce"), "y": pd.to_numeric(rows[y], errors="coerce")}
    )
    if str(a["x"]).startswith(CHANGE):
        time = _time_column(rows)
        pair = pair.loc[rows.sort_values(time, kind="stable").index].dropna().diff()
    pair = pair.dropna()
    return pair if len(pair) >= 3 and pair["x"].nunique() > 1 and pair["y"].nunique() > 1 else None


def _drifting_pair(data: pd.DataFrame, x: str, y: str) -> bool:
    """Both columns drift over the time of a single series (one row per moment)."""
    time = _time_column(data)
    if time is None or x not in data or y not in data or data[time].duplicated().any():
        return False
    ordered = data.sort_values(time, kind="stable")
    position = np.arange(len(ordered))

    def drifts(col: str) -> bool:
        v = pd.to_numeric(ordered[col], errors="coerce")
        ok = v.notna().to_numpy()
        if ok.sum() < 8:
            return False
        result = sps.spearmanr(position[ok], v[ok])
        return bool(abs(result.statistic) >= 0.5 and result.pvalue < ALPHA)

    return drifts(x) and drifts(y)


def _relation_holds(data: pd.DataFrame, a: dict[str, Any], table: Table) -> tuple[bool, str]:
    """Whether the relation may be said, recomputed: (holds, why not)."""
    if table.part_and_total(a["x"], a["y"]):
        return False, f"{a['x']} and {a['y']} are a part and its total"
    if _drifting_pair(data, a["x"], a["y"]):
        return False, f"{a['x']} and {a['y']} both drift over time"
    method = a.get("method", "pearson")
    if method == "eta":
        p, r = a.get("p"), a["r"]
        ok = p is not None and p < ALPHA and abs(r) >= MIN_R
        return ok, f"eta {r:.2f}, p {p}"
    pair = _pair(data, a)
    if pair is None:
        return True, ""
    fn = sps.spearmanr if method == "spearman" else sps.pearsonr
    result = fn(pair["x"], pair["y"])
    r, p = float(result.statistic), float(result.pvalue)
    if not (p < ALPHA and abs(r) >= MIN_R):
        return False, f"r = {r:.2f}, p = {p:.3f}"
    return True, ""


def check_correlations(case: dict[str, Any], out: Outcome, table: Table) -> list[str]:
    bad = []
    for step, claim in said_claims(out):
        for a in parts(claim, "correlation"):
            holds, why = _relation_holds(out.data, a, table)
            if not holds:
                bad.append(f"{step.step_id}: relation said though {why}: {claim['text'][:70]}")
        for a in parts(claim, "correlation", "denies"):
            holds, _ = _relation_holds(out.data, a, table)
            if holds and not step.answer:
                bad.append(f"{step.step_id}: a relation that holds is denied: {claim['text'][:70]}")
    return bad


# ---------------------------------------------------------------- trends
def check_trends(case: dict[str, Any], out: Outcome, table: Table) -> list[str]:
    bad = []
    for step, claim in said_claims(out):
        trends = parts(claim, "trend")
        if not trends or step.table is None or "fitted" not in step.table:
            continue
        t = step.table
        fitted = t["fitted"].notna()
        if (t.loc[fitted, "rows"] == 0).any():
            bad.append(f"{step.step_id}: a period without rows is in the fit")
        used = t[fitted]
        n = len(used)
        if trends[0]["n"] != n:
            bad.append(
                f"{step.step_id}: the trend is fitted on {trends[0]['n']} periods, the table has {n} usable"
            )
        if n < MIN_POINTS:
            bad.append(f"{step.step_id}: a trend through {n} periods")
            continue
        fit = sps.linregress(used["t"], used["fitted"])
        if fit.rvalue**2 < MIN_R2 or fit.pvalue > ALPHA:
            bad.append(
                f"{step.step_id}: trend said with R² {fit.rvalue**2:.2f}, p {fit.pvalue:.3f}"
            )
    for step in out.steps:
        if step.tool == "trend" and step.table is not None:
            bad += _hidden_year_change(step)
    return bad


def _hidden_year_change(step: Step) -> list[str]:
    """'No clear trend' over monthly/weekly/quarterly data whose like periods a year apart
    move one way (a sign test) hides a change."""
    denial = next((f for f in step.findings if f.startswith("No clear trend")), None)
    grain = str(step.params.get("grain"))
    lag = {"month": 12, "quarter": 4, "week": 52}.get(grain)
    if denial is None or lag is None or step.table is None:
        return []
    t = step.table
    value = t[t.columns[2]].where(~t["partial"] & (t["rows"] > 0))
    diff = (value - value.shift(lag)).dropna()
    if len(diff) < 6:
        return []
    up = int((diff > 0).sum())
    p = sps.binomtest(max(up, len(diff) - up), len(diff)).pvalue
    return (
        [f"{step.step_id}: 'no clear trend' hides a year-on-year change (sign test p={p:.3f})"]
        if p < ALPHA
        else []
    )


# ---------------------------------------------------------------- changes
def check_changes(case: dict[str, Any], out: Outcome, table: Table) -> list[str]:
    bad = []
    for step, claim in said_claims(out):
        for a in parts(claim, "change"):
            if step.table is None or "period" not in step.table:
                continue
            t = step.table.set_index("period")
            if a["period"] not in t.index or a["compared_with"] not in t.index:
                bad.append(
                    f"{step.step_id}: compares periods the table lacks: {claim['text'][:70]}"
                )
                continue
            now, before = t.loc[a["period"]], t.loc[a["compared_with"]]
            if (
                bool(now["partial"])
                or bool(before["partial"])
                or min(now["rows"], before["rows"]) == 0
            ):
                bad.append(
                    f"{step.step_id}: compares a partial or empty period: {claim['text'][:70]}"
                )
            apart = float(now["t"] - before["t"])
            lag = (
                float(step.table["t"].diff().dropna().mode().iloc[0])
                if len(step.table) > 1
                else 1.0
            )
            year = {"month": 12.0, "quarter": 4.0, "week": 52.0, "day": 7.0}.get(
                str(step.params.get("grain")), -1
            )
            if not (np.isclose(apart, lag) or np.isclose(apart, year)):
                bad.append(
                    f"{step.step_id}: {a['period']} and {a['compared_with']} are not adjacent"
                )
    return bad


# ---------------------------------------------------------------- sums
def _time_column(data: pd.DataFrame) -> str | None:
    for col in data.columns:
        if pd.api.types.is_datetime64_any_dtype(data[col]) or str(col).lower() in (
            "year",
            "date",
            "month",
        ):
            return str(col)
    return None


def check_sums(case: dict[str, Any], out: Outcome, table: Table) -> list[str]:
    bad = []
    time = _time_column(out.data)
    for step in out.steps if not case.get("edit") else ():
        col = measured(step)
        if (
            col in table.non_additive
            and step.params.get("agg") == "sum"
            and _adds_rows(step, out.data)
        ):
            bad.append(f"{step.step_id} ({step.tool}) sums {col}")
        for text in step.findings:
            bad += [
                f"{step.step_id}: a sum of {n}" for n in table.non_additive if f"sum of {n}" in text
            ]
    for step, claim in said_claims(out):
        for a in parts(claim, "sum"):
            m = a["measure"]
            if m in table.non_additive and _adds_rows(step, out.data):
                bad.append(f"{step.step_id}: a finding about a sum of {m}: {claim['text'][:70]}")
            moment = re.match(r"(In|On) \S+, ", claim["text"]) is not None  # one moment only
            if m in table.stock and not moment and _sums_over_time(step, out.data, time):
                bad.append(f"{step.step_id}: {m} summed over time: {claim['text'][:70]}")
    return sorted(set(bad))


def _adds_rows(step: Step, data: pd.DataFrame) -> bool:
    """Whether the step's sum adds several rows in some group (a one-row group's sum is the
    value itself)."""
    by = step.params.get("x") or step.params.get("by") or step.params.get("group_by")
    if step.tool == "answer_extreme" and by is None:
        return False  # the single row with the highest value: nothing is added
    if not isinstance(by, str) or by not in data.columns:
        return True
    return bool(data[by].duplicated().any())


def _sums_over_time(step: Step, data: pd.DataFrame, time: str | None) -> bool:
    """Whether some group of the step's sum holds several moments of the time column."""
    by = step.params.get("x") or step.params.get("by") or step.params.get("group_by")
    if time is None or isinstance(by, list):
        return False
    grain = step.params.get("time_grain") or step.params.get("grain") or "none"
    if by is None and step.tool in TIME_TOOLS:
        by, grain = step.params.get("date_column"), step.params.get("grain")
    if by is None or by not in data.columns:
        return bool(data[time].nunique() > 1)
    if by == time:
        if grain in ("none", None) or pd.api.types.is_numeric_dtype(data[time]):
            return False
        code = {"day": "D", "week": "W", "month": "M", "quarter": "Q", "year": "Y"}.get(str(grain))
        if code is None:
            return True  # a calendar cycle (weekday, month of year) gathers many moments
        moments = pd.to_datetime(data[time], errors="coerce").dropna()
        return bool((moments.groupby(moments.dt.to_period(code)).nunique() > 1).any())
    return bool((data.groupby(by, observed=True)[time].nunique() > 1).any())


# ---------------------------------------------------------------- anomalies
PHASE_LENGTH = {"day": 7, "week": 52, "month": 12, "quarter": 4}


def check_anomalies(case: dict[str, Any], out: Outcome, table: Table) -> list[str]:
    bad = []
    for step, claim in said_claims(out):
        for a in parts(claim, "anomaly"):
            if not a["pattern_tested"] or a["explained"]:
                bad.append(
                    f"{step.step_id}: unusual though the pattern was not tested or explains it"
                )
            if step.tool == "rolling_anomalies" and step.table is not None:
                bad += _recurring(step, claim["text"])
    return bad


def _recurring(step: Step, text: str) -> list[str]:
    """Named periods whose departure recurs at the same phase of other cycles."""
    t = step.table
    assert t is not None
    grain = str(step.params.get("grain"))
    length = PHASE_LENGTH.get(grain)
    key = str(step.params.get("date_column"))
    key = key if key in t else f"{key}_key"
    if length is None or key not in t or pd.api.types.is_numeric_dtype(t[key]):
        return []
    when = pd.to_datetime(t[key])
    phase = {"day": when.dt.day_of_week, "month": when.dt.month, "quarter": when.dt.quarter}.get(
        grain, when.dt.isocalendar().week.astype(int).clip(upper=52)
    )
    dev = t["value"] - t["expected"]
    half = 0.5 * (t["upper"] - t["expected"])
    bad = []
    for i in t.index[t["flag"]]:
        if str(t.loc[i, "period"]) not in text:
            continue
        others = (phase == phase[i]) & dev.notna() & (t.index != i)
        same = (np.sign(dev[others]) == np.sign(dev[i])) & (dev[others].abs() >= half[others])
        if others.any() and same.mean() >= 0.5:
            bad.append(
                f"{step.step_id}: {t.loc[i, 'period']} is flagged though its phase departs the same way every cycle"
            )
    return bad


# ---------------------------------------------------------------- wording
STEP_WORDS = re.compile(
    r"\((?:answer|value|trend|change|unusual_periods|iqr|robust_z|spread|distribution|"
    r"group_stats|counts|summary|missing|categories|correlations|drivers|by_segment|"
    r"segment_stats|over_time|weekly_pattern|segments)\)"
)
TOOL_NAMES = re.compile(
    r"\b(compare_groups|driver_ranking|rolling_anomalies|iqr_outliers|robust_zscore_outliers|"
    r"box_by_group|value_counts|summary_stats|missing_report|correlation_matrix|period_change|"
    r"answer_\w+|group_stats|unusual_periods|weekly_pattern|segment_stats|by_segment)\b"
)
BIG_PERCENT = re.compile(r"\b\d{1,3}(,\d{3})+%|\b\d{4,}%")
YEAR_WITH_COMMA = re.compile(r"\b(?:in|from|to|since|until) ([12],\d{3})\b(?!,\d)")
FLOAT_YEAR = re.compile(r"\b(1[89]|20)\d{2}\.0\b")
EPOCH = re.compile(r"\b1970-01-01\b")
WEEK = re.compile(r"\b(\d{4})-W\d{2}\b")
DOUBLE_UNIT = re.compile(r"\bper (\w+) per \1\b")
SAME_NAME = re.compile(r"^(\S+) (?:has|have) the (?:highest|lowest) (?:\w+ )?\1\b")
DAY_DATE = re.compile(r"(?<!week of )\b\d{4}-\d{2}-\d{2}\b")


def _data_years(data: pd.DataFrame) -> set[int]:
    years: set[int] = set()
    for col in data.columns:
        s = data[col]
        if pd.api.types.is_datetime64_any_dtype(s):
            years |= set(s.dropna().dt.year.astype(int))
        elif str(col).lower() == "year" and pd.api.types.is_numeric_dtype(s):
            years |= set(s.dropna().astype(int))
    return years


def check_wording(case: dict[str, Any], out: Outcome, table: Table) -> list[str]:
    texts = [*out.all_findings, *(f for s in out.steps for f in s.findings)]
    texts += [s.title for s in out.steps if s.title]  # chart titles are read too
    years = _data_years(out.data)
    bad = []
    for text in dict.fromkeys(texts):
        rules: list[tuple[str, Callable[[str], Any]]] = [
            ("an internal step name", STEP_WORDS.search),
            ("an internal tool name", TOOL_NAMES.search),
            ("a percentage in the thousands", BIG_PERCENT.search),
            ("a year as a float", FLOAT_YEAR.search),
            ("a year as the epoch", EPOCH.search),
            ("a repeated unit", DOUBLE_UNIT.search),
            ("a group named like its measure", SAME_NAME.search),
        ]
        bad += [f"{what}: {text[:90]}" for what, rule in rules if rule(text)]
        for m in WEEK.finditer(text):
            if years and int(m.group(1)) not in years:
                bad.append(f"a week outside the data's years: {text[:90]}")
        for m in YEAR_WITH_COMMA.finditer(text):
            if int(m.group(1).replace(",", "")) in years:
                bad.append(f"a year with a comma: {text[:90]}")
    return sorted(set(bad))


# ---------------------------------------------------------------- periods and numbers
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


def check_zero_gaps(case: dict[str, Any], out: Outcome, table: Table) -> list[str]:
    bad = []
    for step in out.steps:
        if step.tool not in TIME_TOOLS or step.table is None or step.table.empty:
            continue
        date_col, grain = step.params.get("date_column"), step.params.get("grain", "day")
        key = next((c for c in step.table.columns if str(c).startswith(str(date_col))), None)
        value = _value_column(step, step.table)
        if key is None or value is None:
            continue
        source = rows_of(step.params, out.data)[date_col]
        numeric = pd.api.types.is_numeric_dtype(source)
        times = source if numeric else pd.to_datetime(source, errors="coerce")
        present = {_period_of(v, grain, numeric) for v in times.dropna()}
        said = any("no rows" in f for f in step.findings)
        for k, v in zip(step.table[key], step.table[value], strict=True):
            if v == 0 and _period_of(k, grain, numeric) not in present and not said:
                bad.append(f"{step.step_id}: {k} has no rows but shows 0")
                break
    return bad


def _grain_of(step: Step, data: pd.DataFrame) -> str | None:
    if step.tool in TIME_TOOLS:
        col = step.params.get("date_column")
        if col in data.columns and pd.api.types.is_numeric_dtype(data[col]):
            return "year"
        return str(step.params.get("grain", "day"))
    if step.tool == "chart" and step.params.get("time_grain") not in (None, "none"):
        return str(step.params["time_grain"])
    return None


def check_periods(case: dict[str, Any], out: Outcome, table: Table) -> list[str]:
    bad = []
    texts = [(s, f) for s in out.steps for f in s.findings] + [(None, out.headline[1])]
    for step, text in texts:
        grain = _grain_of(step, out.data) if step is not None else None
        if grain in COARSE_GRAINS and DAY_DATE.search(text):
            bad.append(f"{step.step_id} ({grain}) prints a day: {text[:90]}")  # type: ignore[union-attr]
    return sorted(set(bad))


NUMBER = re.compile(r"(?<![\w.])[-+−]?\d[\d,]*(?:\.\d+)?(?:e[-+]?\d+)?%?")
PERIODS = re.compile(
    r"week of \d{4}-\d{2}-\d{2}|\d{4}-\d{2}-\d{2}(?: \d{2}:\d{2}(?::\d{2})?)?|\d{4}-W\d{2}|"
    r"\d{4}-Q\d|\d{4}-\d{2}\b"
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
    rows = rows_of(step.params, data)
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
            out.append(v.max() / v.min())  # "13 times as high"
        if v.sum() != 0:
            out.append(v.max() / v.sum())
    if "partial" in table.columns:
        for v in numeric.values():
            out.append(int((~table.loc[v.index, "partial"].astype(bool)).sum()))
    small = table.head(60)
    cols = [c for c in numeric if c in small.columns][:20]
    for _, row in small[cols].iterrows():
        vals = pd.to_numeric(row, errors="coerce").dropna().tolist()
        out += [a / b for a, b in ((a, b) for a in vals for b in vals) if b not in (0, a)]
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


# Sentences whose figures come from a test or a fit the step's table does not hold (an answer's
# statistic, a relation's p-value, a sign test): recomputed by the claim checks instead.
TESTED = re.compile(r"p ?[<=≥]|p<|sign test|Spearman|Pearson|R² =|test")


def check_recomputable(case: dict[str, Any], out: Outcome, table: Table) -> list[str]:
    bad = []
    for step in out.steps:
        if not step.findings or step.answer:
            continue
        candidates = supported_numbers(step, out.data)
        for claim in step.claims:
            counts = [float(a[k]) for a in parts(claim, "ranking") for k in ("ranked", "groups")]
            text = claim["text"]
            if TESTED.search(text) and (claim["asserts"] or claim["denies"]):
                continue
            if re.match(r"(In|On) \S+, ", text):
                continue  # one moment of the data: its ranking is recomputed by check_rankings
            for printed in NUMBER.findall(_strip_known_text(text, step)):
                if not _matches(printed, candidates + counts):
                    bad.append(f"{step.step_id}: {printed} in '{text[:80]}'")
                    break
    return bad


CHECKS: dict[str, Callable[[dict[str, Any], Outcome, Table], list[str]]] = {
    "aggregation": check_aggregation,
    "claims": check_claims_present,
    "ranking": check_rankings,
    "correlation": check_correlations,
    "trend": check_trends,
    "change": check_changes,
    "sum": check_sums,
    "anomaly": check_anomalies,
    "wording": check_wording,
    "no_zero_filled_gaps": check_zero_gaps,
    "periods_at_grain": check_periods,
    "recomputable": check_recomputable,
    "headline": check_headline,
    "supports": check_supports,
    "on_question": check_on_question,
    "flagged_periods": check_flagged,
}
PROPERTIES = tuple(CHECKS)


def check_outcome(case: dict[str, Any], out: Outcome, tables: dict[str, Any]) -> list[Violation]:
    table = Table.of(tables[case["table"]])
    return [
        Violation(case["id"], prop, detail)
        for prop, check in CHECKS.items()
        for detail in check(case, out, table)
    ]


def check_case(case: dict[str, Any], tables: dict[str, Any]) -> list[Violation]:
    """Every property of one pair; a crash of the pipeline is a violation too."""
    try:
        out = run_pair(case)
    except Exception as exc:  # the pair could not be analysed at all
        return [Violation(case["id"], "runs", f"{type(exc).__name__}: {exc}")]
    return check_outcome(case, out, tables)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--verbose", "-v", action="store_true", help="print every violation")
    ap.add_argument("--only", nargs="*", help="case ids to run (default: all)")
    args = ap.parse_args(argv)
    spec = load_cases()
    per_prop: Counter[str] = Counter()
    failing_pairs = 0
    cases = [c for c in spec["cases"] if not args.only or c["id"] in args.only]
    for case in cases:
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
    n = len(cases)
    print(f"\n{n - failing_pairs} of {n} pairs pass; {failing_pairs} fail.")
    for prop in (*PROPERTIES, "runs"):
        if per_prop[prop]:
            print(f"  {prop}: {per_prop[prop]} pair(s) fail")
    return 1 if failing_pairs else 0


if __name__ == "__main__":
    sys.exit(main())
