"""A self-contained HTML report: question, profile, plan, findings, charts, tables, provenance.

Everything that comes from data, the question, column names or a model is escaped; charts are
embedded as JSON in `<script type="application/json">` blocks (with `</` escaped) and drawn by
the plotly.js bundle inlined once, so the file opens offline and runs no data as code.
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping, Sequence
from typing import Any

import plotly.io as pio
from plotly.offline import get_plotlyjs

from autoviz_core.report.finding import Finding
from autoviz_core.report.findings import collect_findings, ordered_records
from autoviz_core.runtime.executor import ExecutionResult, StepRecord
from autoviz_core.tools.common import to_json_value

TABLE_ROWS = 50
CELL_CHARS = 300

_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,sans-serif;margin:2rem auto;max-width:1100px;
color:#1f2328;padding:0 1rem}
h1{font-size:1.6rem}h2{border-bottom:1px solid #ddd;padding-bottom:.2rem;margin-top:2rem}
table{border-collapse:collapse;font-size:.85rem;margin:.5rem 0;display:block;overflow-x:auto}
th,td{border:1px solid #ddd;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#f6f8fa}.error{color:#b42318}.muted{color:#666;font-size:.85rem}
.chart{min-height:420px}code{white-space:pre-wrap;word-break:break-all}
"""


def esc(value: Any) -> str:
    """Any value as escaped text (quotes included, so it is safe in attributes too)."""
    return html.escape("" if value is None else str(value), quote=True)


def cell_text(value: Any, limit: int = CELL_CHARS) -> str:
    """A table cell as plain text: JSON-style values, long text cut with an ellipsis."""
    v = to_json_value(value)
    if isinstance(v, float):
        v = round(v, 6)  # display only: hide float noise such as 82736.90000000002
        if v.is_integer():
            v = int(v)  # a whole number (a year in a column with gaps) without ".0"
    text = (
        "" if v is None else (json.dumps(v, ensure_ascii=False) if isinstance(v, list) else str(v))
    )
    return text if len(text) <= limit else text[: limit - 1] + "…"


def figure_json(figure: Any) -> str:
    """Deterministic plotly figure JSON (stdlib encoder; no uids)."""
    return pio.to_json(figure, validate=False, pretty=False, remove_uids=True, engine="json")


def script_safe(text: str) -> str:
    """JSON that cannot end the surrounding <script> element or open an HTML comment."""
    return text.replace("</", "<\\/").replace("<!--", "<\\!--")


def params_text(params: Mapping[str, Any]) -> str:
    """Step parameters as compact, sorted JSON."""
    return json.dumps(params, sort_keys=True, ensure_ascii=False, default=str)


def plan_rows(result: ExecutionResult) -> list[dict[str, str]]:
    """The executed plan as display rows (id, tool, input, params, status, summary or error)."""
    return [
        {
            "step": r.step_id + (" (primary)" if r.primary else ""),
            "tool": r.tool,
            "input": r.input,
            "params": params_text(r.params),
            "status": r.status,
            "result": r.summary if r.status == "ok" else r.error,
        }
        for r in result.records
    ]


def profile_columns(profile: Sequence[Mapping[str, Any]]) -> list[str]:
    """Union of the profile dicts' keys in first-seen order."""
    keys: dict[str, None] = {}
    for column in profile:
        keys.update(dict.fromkeys(str(k) for k in column))
    return list(keys)


def _html_table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    head = "".join(f"<th>{esc(h)}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(f"<td>{esc(cell_text(c))}</td>" for c in row) + "</tr>" for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _record_table(record: StepRecord) -> str:
    table = record.result.table if record.result is not None else None
    if table is None or table.empty:
        return ""
    head = table.head(TABLE_ROWS)
    rows = list(head.itertuples(index=False, name=None))
    more = (
        f"<p class='muted'>First {TABLE_ROWS} of {len(table):,} rows.</p>"
        if len(table) > TABLE_ROWS
        else ""
    )
    return (
        f"<h3>{esc(section_title(record))}</h3>"
        + _html_table([str(c) for c in table.columns], rows)
        + more
    )


def section_title(record: StepRecord) -> str:
    """What a chart or table section is, for a person: the chart's title (or the step's summary),
    marked when it answers the question; never the step's or the tool's internal name."""
    chart = record.result.chart if record.result is not None else None
    title = chart.title if chart is not None and chart.title else record.summary.rstrip(".")
    return f"{title} (the answer)" if record.primary or record.answer else title


def _chart_block(index: int, record: StepRecord) -> str:
    assert record.result is not None and record.result.figure is not None
    data = script_safe(figure_json(record.result.figure))
    return (
        f"<h3>{esc(section_title(record))}</h3>"
        f"<p class='muted'>{esc(record.summary)}</p>"
        f"<div class='chart' id='chart-{index}'></div>"
        f"<script type='application/json' data-chart='chart-{index}'>{data}</script>"
    )


_RENDER_JS = """
document.querySelectorAll('script[data-chart]').forEach(function (node) {
  var fig = JSON.parse(node.textContent);
  Plotly.newPlot(node.getAttribute('data-chart'), fig.data, fig.layout, {responsive: true});
});
"""


ANSWER_MARK = "<span class='answer'>Answer:</span> "  # the headline: the answer to the question


def _sections(
    question: str,
    profile: Sequence[Mapping[str, Any]],
    result: ExecutionResult,
    provenance: Mapping[str, Any],
    findings: Sequence[Finding] | None = None,
) -> list[str]:
    parts = [f"<h2>Question</h2><p>{esc(question)}</p>"]
    findings = collect_findings(result) if findings is None else findings
    items = "".join(f"<li>{ANSWER_MARK if f.headline else ''}{esc(f.text)}</li>" for f in findings)
    parts.append("<h2>Findings</h2>" + (f"<ul>{items}</ul>" if items else "<p>No findings.</p>"))
    charts = [
        r for r in ordered_records(result) if r.result is not None and r.result.figure is not None
    ]
    parts.append("<h2>Charts</h2>" + "".join(_chart_block(i, r) for i, r in enumerate(charts)))
    tables = "".join(_record_table(r) for r in result.records if r.status == "ok")
    parts.append("<h2>Tables</h2>" + (tables or "<p>No tables.</p>"))
    failed = [r for r in result.records if r.status != "ok"]  # dropped ones with their reason
    if failed:
        rows = [[r.step_id, r.tool, r.status, r.error] for r in failed]
        parts.append(
            "<h2 class='error'>Steps not run (failed, skipped, or left out as not applying to "
            "this table)</h2>" + _html_table(["step", "tool", "status", "error"], rows)
        )
    plan = plan_rows(result)
    parts.append(
        "<h2>Plan</h2>"
        + _html_table(list(plan[0]) if plan else [], [list(r.values()) for r in plan])
    )
    cols = profile_columns(profile)
    parts.append(
        "<h2>Dataset profile</h2>" + _html_table(cols, [[c.get(k) for k in cols] for c in profile])
    )
    prov = [
        [k, json.dumps(v, sort_keys=True, ensure_ascii=False, default=str)]
        for k, v in sorted(provenance.items())
    ]
    parts.append("<h2>Provenance</h2>" + _html_table(["key", "value"], prov))
    return parts


def render_html(
    *,
    question: str,
    profile: Sequence[Mapping[str, Any]],
    result: ExecutionResult,
    provenance: Mapping[str, Any] | None = None,
    findings: Sequence[Finding] | None = None,
    title: str = "AutoViz report",
    include_plotlyjs: bool = True,
) -> str:
    """The whole report as one HTML string; identical inputs give identical bytes."""
    body = "\n".join(_sections(question, profile, result, provenance or {}, findings))
    plotly_js = f"<script>{get_plotlyjs()}</script>" if include_plotlyjs else ""
    return (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        f"<title>{esc(title)}</title><style>{_CSS}</style>{plotly_js}</head>\n"
        f"<body><h1>{esc(title)}</h1>\n{body}\n<script>{_RENDER_JS}</script></body></html>\n"
    )
