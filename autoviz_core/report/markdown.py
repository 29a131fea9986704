"""The report as Markdown: the same sections as the HTML report, with charts as value tables."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from autoviz_core.report.finding import Finding
from autoviz_core.report.findings import collect_findings, ordered_records
from autoviz_core.report.html import (
    TABLE_ROWS,
    cell_text,
    plan_rows,
    profile_columns,
    section_title,
)
from autoviz_core.runtime.executor import ExecutionResult, StepRecord
from autoviz_core.tools.common import agg_label

CHART_ROWS = 20
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")
_LINE_START = re.compile(r"^([#+-])")
_ORDERED = re.compile(r"^(\d+)([.)])")


def md(value: Any, *, cell: bool = False) -> str:
    """Text that Markdown renders literally: HTML escaped, markup characters backslashed,
    newlines flattened; outside table cells, a leading "#", "-", "+" or "1." is escaped too."""
    text = html.escape(" ".join(("" if value is None else str(value)).splitlines()), quote=False)
    text = _MD_SPECIAL.sub(r"\\\1", text)
    if cell:
        return text
    return _ORDERED.sub(r"\1\\\2", _LINE_START.sub(r"\\\1", text))


def md_table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A pipe table; every cell escaped."""
    if not header:
        return "_(empty)_\n"
    lines = ["| " + " | ".join(md(h, cell=True) for h in header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(md(cell_text(c), cell=True) for c in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def _chart_section(record: StepRecord) -> str:
    chart = record.result.chart if record.result is not None else None
    if chart is None:
        return ""
    head = f"### {md(section_title(record))}\n\n"
    meta = f"{md(chart.kind)} of {md(chart.title)}; {chart.points_sent} point(s).\n\n"
    x_name, y_name = chart.x or "x", agg_label(chart.agg, chart.y) or "y"
    rows: list[tuple[Any, ...]] = list(zip(chart.x_values, chart.y_values, strict=False))
    rows = rows[:CHART_ROWS]
    header = [x_name, y_name]
    if chart.color_values is not None:
        header.append(chart.color or "color")
        rows = [(*r, c) for r, c in zip(rows, chart.color_values, strict=False)]
    more = (
        f"\n_First {CHART_ROWS} of {len(chart.x_values)} points._\n"
        if len(chart.x_values) > CHART_ROWS
        else ""
    )
    return head + meta + md_table(header, rows) + more + "\n"


def _table_section(record: StepRecord) -> str:
    table = record.result.table if record.result is not None else None
    if table is None or table.empty:
        return ""
    rows = list(table.head(TABLE_ROWS).itertuples(index=False, name=None))
    more = f"\n_First {TABLE_ROWS} of {len(table):,} rows._\n" if len(table) > TABLE_ROWS else ""
    return (
        f"### {md(section_title(record))}\n\n"
        + md_table([str(c) for c in table.columns], rows)
        + more
        + "\n"
    )


def render_markdown(
    *,
    question: str,
    profile: Sequence[Mapping[str, Any]],
    result: ExecutionResult,
    provenance: Mapping[str, Any] | None = None,
    findings: Sequence[Finding] | None = None,
    title: str = "AutoViz report",
) -> str:
    """The report as Markdown text; identical inputs give identical text."""
    out = [f"# {md(title)}\n", f"## Question\n\n{md(question)}\n", "## Findings\n"]
    findings = collect_findings(result) if findings is None else findings
    out.append(
        "".join(f"- {'**Answer:** ' if f.headline else ''}{md(f.text)}\n" for f in findings)
        or "No findings.\n"
    )
    out.append("## Charts\n")
    out += [_chart_section(r) for r in ordered_records(result)]
    out.append("## Tables\n")
    out += [_table_section(r) for r in result.records if r.status == "ok"]
    failed = [r for r in result.records if r.status != "ok"]  # dropped ones with their reason
    if failed:
        out.append(
            "## Steps not run (failed, skipped, or left out as not applying to this table)\n\n"
            + md_table(
                ["step", "tool", "status", "error"],
                [[r.step_id, r.tool, r.status, r.error] for r in failed],
            )
        )
    plan = plan_rows(result)
    out.append(
        "## Plan\n\n" + md_table(list(plan[0]) if plan else [], [list(r.values()) for r in plan])
    )
    cols = profile_columns(profile)
    out.append(
        "## Dataset profile\n\n" + md_table(cols, [[c.get(k) for k in cols] for c in profile])
    )
    prov = [
        [k, json.dumps(v, sort_keys=True, ensure_ascii=False, default=str)]
        for k, v in sorted((provenance or {}).items())
    ]
    out.append("## Provenance\n\n" + md_table(["key", "value"], prov))
    return "\n".join(s for s in out if s)
