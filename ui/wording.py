"""Plans in plain words: a sentence per step, labels for parameters and options, diffs as sentences.

Only wording: every value shown here is one the planner or the person already chose.
"""

from __future__ import annotations

import math
import re
from typing import Any

import pandas as pd

from autoviz_core.contracts import AnalysisRequest, AnswerRequest
from autoviz_core.plan import Plan
from autoviz_core.planning.answers import answer_label
from autoviz_core.planning.carry import KeptEdit
from autoviz_core.planning.diff import PlanDiff
from autoviz_core.planning.followup import describe_filter, value_text
from autoviz_core.planning.planner import answer_step, primary_step
from autoviz_core.planning.request import label_request
from autoviz_core.report.markdown import md
from autoviz_core.tools.registry import get_tool
from autoviz_core.wording import (
    AGG_LEADS,
    AGG_OPTIONS,
    CHART_NAMES,
    FILTER_OP_SYMBOLS,
    FILTER_OP_WORDS,
    STEP_ORIGIN_CAPTIONS,
    STEP_ORIGIN_REASONS,
    said,
)

PARAM_LABELS = {
    "kind": "Chart type",
    "x": "Group by (x axis)",
    "y": "Measure (y axis)",
    "agg": "Combine values as",
    "color": "Split by colour",
    "time_grain": "Time period",
    "filters": "Only rows where",
    "conditions": "Only rows where",
    "counted": "Count the rows where",
    "sort_by": "Order by",
    "sort_dir": "Direction",
    "limit": "Show only the first (0 = all)",
    "metric": "Measure",
    "group_by": "Groups",
    "column": "Column",
    "columns": "Columns (empty = all)",
    "target": "Measure to explain",
    "top_n": "How many values",
    "bins": "Number of bins (empty = automatic)",
    "style": "Style",
    "max_groups": "At most this many groups",
    "method": "Method",
    "trendline": "Draw a trend line",
    "k": "Fence multiplier",
    "threshold": "Threshold",
    "date_column": "Date column",
    "grain": "Period",
    "window": "Window (periods)",
    "direction": "Which side",
    "by": "Cycle",
    "descending": "Highest first",
    "include_missing": "Count missing values",
    "combine": "Rows must match",
    "n": "How many rows",
    "largest": "Largest first",
    "ascending": "Ascending",
    "fill_missing": "Fill empty periods",
    "format": "Date format",
    "dayfirst": "Day before month",
    "output_column": "Name of the result column",
    "max_categories": "Skip text columns with more values than",
    "include_missing_share": "Show the missing share",
}
# Option words per parameter (the stored value stays the tool's own).
OPTION_WORDS: dict[str, dict[str, str]] = {
    "kind": dict(CHART_NAMES),
    "agg": dict(AGG_OPTIONS),
    "sort_by": {
        "none": "as they come",
        "x": "label",
        "y": "value",
        "count": "number of rows",
        "mean": "average",
        "median": "median",
        "std": "spread (std)",
        "min": "minimum",
        "max": "maximum",
    },
    "sort_dir": {"desc": "highest first", "asc": "lowest first"},
    "time_grain": {"none": "none"},
    "combine": {"all": "all conditions", "any": "any condition"},
    "direction": {"both": "high and low", "high": "high only", "low": "low only"},
}


# What only Streamlit's Markdown reads as markup: `$` opens math, `:name:` is an icon or emoji.
# (A bare URL may still show as a link: it is the text as written, and nothing is fetched.)
_STREAMLIT_MARKUP = re.compile(r"(\$|:(?=(?:material/)?[\w+-]+:))")
# An underscore inside a word never starts emphasis: "total_bill" needs no backslash.
_INNER_UNDERSCORE = re.compile(r"(?<=[0-9A-Za-z])\\_(?=[0-9A-Za-z])")


def md_text(value: Any) -> str:
    """Question, data, column or model text shown in Streamlit Markdown (markdown, captions,
    alerts, button labels) as itself: the report's escaping (HTML, emphasis, links, images, a
    leading heading or list mark), plus Streamlit's own markup. A value such as "$5 **off**"
    or "![x](http://host/t.png)" is shown as written, never rendered or fetched."""
    text = _INNER_UNDERSCORE.sub("_", md(value))
    return _STREAMLIT_MARKUP.sub(r"\\\1", text)


def param_label(name: str) -> str:
    return PARAM_LABELS.get(name, name.replace("_", " ").capitalize())


def operator_label(op: str) -> str:
    """A filter operator as the filter rows show it: its words and, for a comparison, its
    symbol ("is not (≠)", "is at least (≥)", "contains")."""
    words = said(FILTER_OP_WORDS, op)
    symbol = FILTER_OP_SYMBOLS.get(op)  # type: ignore[call-overload]
    return f"{words} ({symbol})" if symbol else words


def option_label(param: str, value: Any) -> str:
    return OPTION_WORDS.get(param, {}).get(str(value), str(value))


def _measure(agg: str | None, column: str | None) -> str:
    """'Average tip', 'Number of rows', 'Total revenue'."""
    agg = agg or "none"
    if agg == "count" or (column is None and agg != "none"):
        return "Number of rows"
    if agg == "none":
        return column or "Rows"
    return f"{said(AGG_LEADS, agg, agg.capitalize())} {column}"


def filters_text(filters: Any) -> str:
    items = [f for f in filters or [] if isinstance(f, dict) and f.get("column")]
    return " and ".join(describe_filter(f) for f in items)


def supporting_rows_note(answer_filters: Any, steps: list[tuple[str, dict[str, Any]]]) -> str:
    """The note over the supporting steps about which rows they read. The planner carries the
    answer's filters into every step that takes filters, so the note must not say they use
    every row; it names the (title, params) steps that do. "" when the answer has no filter."""
    if not filters_text(answer_filters):
        return ""
    every_row = [title for title, params in steps if params.get("filters") != answer_filters]
    if not every_row:
        return "These steps use the same rows as the answer chart above."
    if len(every_row) == len(steps):
        return (
            "These steps use every row of the table: the filters apply to the answer chart above."
        )
    names = ", ".join(f"“{t}”" for t in every_row)
    return (
        f"These steps use the same rows as the answer chart above, except {names}: "
        "every row of the table."
    )


def _order(p: dict[str, Any]) -> str:
    if p.get("sort_by") in (None, "none"):
        return ""
    if p.get("sort_by") == "x":
        return "in label order" + (", reversed" if p.get("sort_dir") == "desc" else "")
    return "highest first" if p.get("sort_dir", "desc") == "desc" else "lowest first"


def _chart_sentence(p: dict[str, Any]) -> str:
    kind, x, y, color = p.get("kind", "bar"), p.get("x"), p.get("y"), p.get("color")
    if kind == "histogram":
        text = f"How {x or y} is distributed"
    elif kind == "box":
        text = f"Spread of {y or x}" + (f" per {x}" if x and y else "")
    elif kind == "scatter":
        text = f"{y} against {x}"
    else:
        text = _measure(p.get("agg"), y)
        if x:
            grain = p.get("time_grain")
            text += f" per {grain} of {x}" if grain not in (None, "none") else f" per {x}"
    parts = [text]
    if color:
        parts.append(f"split by {color}")
    if where := filters_text(p.get("filters")):
        parts.append(f"only where {where}")
    if kind != "line" and (order := _order(p)):
        parts.append(order)  # a line always runs along x
    if p.get("limit"):
        parts.append(f"the first {p['limit']} only")
    return ", ".join(parts) + f" ({said(CHART_NAMES, kind)})"


def _cols(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(map(str, value)) if value else "every column"
    return str(value) if value else "every column"


def _series(p: dict[str, Any]) -> str:
    return _measure(p.get("agg", "sum"), p.get("metric"))


def _period(p: dict[str, Any]) -> str:
    """'per month of date', or 'per year' when the date column is itself called year."""
    grain, column = p.get("grain", "day"), str(p.get("date_column"))
    return f"per {grain}" if column.lower() == grain else f"per {grain} of {column}"


SENTENCES = {
    "chart": _chart_sentence,
    "compare_groups": lambda p: (
        f"Compare {p.get('metric')} across {p.get('group_by')}: count, average, median and "
        f"spread per group, sorted by {option_label('sort_by', p.get('sort_by', 'mean'))}"
        + (", highest first" if p.get("descending", True) else ", lowest first")
    ),
    "box_by_group": lambda p: (
        f"Spread of {p.get('column')}"
        + (f" per {p['group_by']}" if p.get("group_by") else "")
        + f" ({p.get('style', 'box')} plot)"
    ),
    "summary_stats": lambda p: f"Summary statistics of {_cols(p.get('columns'))}",
    "missing_report": lambda p: f"Missing values in {_cols(p.get('columns'))}",
    "value_counts": lambda p: f"The {p.get('top_n', 10)} most frequent values of {p.get('column')}",
    "histogram": lambda p: f"How {p.get('column')} is distributed (histogram)",
    "correlation_matrix": lambda p: (
        f"How {_cols(p.get('columns')).replace('every column', 'the numeric columns')} "
        f"move together ({p.get('method', 'pearson')} correlation)"
    ),
    "scatter": lambda p: (
        f"{p.get('y')} against {p.get('x')}"
        + (f", coloured by {p['color']}" if p.get("color") else "")
        + (", with a trend line" if p.get("trendline", True) else "")
    ),
    "driver_ranking": lambda p: f"Which columns are most related to {p.get('target')}",
    "iqr_outliers": lambda p: (
        f"Unusual values of {p.get('column')} (beyond {value_text(p.get('k', 1.5))}× the "
        "interquartile range)"
    ),
    "robust_zscore_outliers": lambda p: (
        f"Unusual values of {p.get('column')} (robust z-score above "
        f"{value_text(p.get('threshold', 3.5))})"
    ),
    "rolling_anomalies": lambda p: (
        f"Unusual {p.get('grain', 'day')}s of {_lower_first(_series(p))} ({_period(p)})"
    ),
    "trend": lambda p: (
        f"{_series(p)} {_period(p)}, with a {p.get('window', 7)}-period rolling average "
        "and the overall slope"
    ),
    "period_change": lambda p: (
        f"Change in {_lower_first(_series(p))} from one {p.get('grain', 'day')} to the next"
    ),
    "seasonality": lambda p: f"{_series(p)} by {p.get('by', 'weekday')}",
    "resample": lambda p: f"{_series(p)} per {p.get('grain', 'day')}",
    "aggregate": lambda p: f"{_series(p)} per {_cols(p.get('group_by'))}",
    "filter_rows": lambda p: f"Only rows where {filters_text(p.get('conditions')) or '…'}",
    "sort_rows": lambda p: f"Rows sorted by {_cols(p.get('by'))}",
    "top_n": lambda p: (
        f"The {p.get('n', 10)} rows with the {'largest' if p.get('largest', True) else 'smallest'}"
        f" {p.get('column')}"
    ),
    "parse_dates": lambda p: f"Read {p.get('column')} as dates",
    "answer_statistic": lambda p: _answer_scope(_statistic_words(p), p),
    "answer_relation": lambda p: _answer_scope(
        f"The correlation of {p.get('x')} and {p.get('y')} ({_method(p, 'Pearson')})", p
    ),
    "answer_distribution": lambda p: _answer_scope(
        f"Whether {p.get('column')} is normally distributed ({_method(p, 'Shapiro–Wilk')})", p
    ),
    "answer_group_difference": lambda p: _answer_scope(
        f"Whether {p.get('measure')} differs significantly between {p.get('group_by')} groups"
        + (f" ({', '.join(map(str, p['groups']))})" if p.get("groups") else "")
        + f" ({_method(p, 'the usual test')})",
        p,
    ),
    "answer_extreme": lambda p: _answer_scope(_extreme_words(p), p),
    "answer_change": lambda p: _answer_scope(
        f"How much {p.get('measure')} changed from {p.get('start')} to {p.get('end')}", p
    ),
}


def _method(p: dict[str, Any], default: str) -> str:
    method = p.get("method") or "default"
    return default if method == "default" else str(method)


def _statistic_words(p: dict[str, Any]) -> str:
    stat, column = p.get("stat", "mean"), p.get("column")
    where = filters_text(p.get("counted"))
    if stat == "count":
        return "How many rows" + (f" there are where {where}" if where else " there are")
    if stat == "share":
        of = f" of the total {column}" if column else " of the rows"
        return f"What share{of}" + (f" is where {where}" if where else "")
    if stat == "quantile":
        return f"The {p.get('quantile', 50)}th percentile of {column}"
    names = {"count_distinct": "number of different values", "missing": "number of missing values"}
    return f"The {names.get(stat, stat)} of {column}"


def _extreme_words(p: dict[str, Any]) -> str:
    word = "highest" if p.get("direction", "max") == "max" else "lowest"
    if not p.get("by"):
        return f"The row with the {word} {p.get('measure')}"
    grain = p.get("time_grain")
    by = f"{grain} of {p['by']}" if grain not in (None, "none") else str(p["by"])
    return f"Which {by} has the {word} {_lower_first(_measure(p.get('agg'), p.get('measure')))}"


def _answer_scope(text: str, p: dict[str, Any]) -> str:
    where = filters_text(p.get("filters"))
    return text + (f", only where {where}" if where else "")


def step_sentence(tool: str, params: dict[str, Any], fallback: str = "") -> str:
    """What a step will compute, as one sentence ("Average tip per day, highest first")."""
    make = SENTENCES.get(tool)
    if make is None:
        return fallback or tool
    try:
        text = str(make(params))
    except (TypeError, ValueError, KeyError):
        return fallback or tool
    return text[:1].upper() + text[1:]


def reading_words(request: AnalysisRequest, answer: AnswerRequest | None = None) -> str:
    """A reading of a question in plain words, as its first step would be said on the Plan
    page: the value it states ("The row with the highest height_m"), else its chart
    ("Average height_m per park (bar chart)")."""
    asked = answer_step(answer) if answer is not None else None
    if asked is not None:
        return step_sentence(asked.tool, asked.params, answer_label(answer))  # type: ignore[arg-type]
    chart = primary_step(request)
    return step_sentence(chart.tool, chart.params, label_request(request))


def plan_step_titles(plan: Plan) -> list[str]:
    """Each step of `plan` in plain words, as the Plan page says it (never a tool name): what
    the run's progress line names while the step runs."""
    titles = []
    for step in plan.steps:
        spec = get_tool(step.tool)
        titles.append(step_sentence(step.tool, step.params, spec.description if spec else "A step"))
    return titles


# ---------------------------------------------------------------- diffs in words
def _lower_first(text: str) -> str:
    """'Average tip per day' -> 'average tip per day' (column names keep their case)."""
    first = text.split(" ", 1)[0]
    return text[:1].lower() + text[1:] if first[1:] == first[1:].lower() else text


UNSURE_CAPTION = (
    "The planner's best reading of your question, but it was not sure: the other readings "
    "are on the Question page"
)


def step_origin_caption(origin: str, note: str = "", *, sure: bool = True) -> str:
    """The caption under a step: where it came from, then the resolver's reasons if any. The
    answer chart "answers your question directly" only when the reading is sure."""
    where = (
        UNSURE_CAPTION
        if origin == "question" and not sure
        else said(STEP_ORIGIN_CAPTIONS, origin, "")
    )
    return "; ".join(part for part in (where, note) if part)


def _why(row: dict[str, Any]) -> str:
    """The reason of an added step, by where it came from."""
    return said(STEP_ORIGIN_REASONS, row.get("origin", "template"))


def _change_words(key: str, old: Any, new: Any) -> str:
    def show(v: Any) -> str:
        if v in (None, "", [], "none"):
            return "nothing"
        if key in ("filters", "conditions", "counted"):
            return filters_text(v) or "no filter"
        return option_label(key, v) if not isinstance(v, list) else _cols(v)

    return f"{param_label(key).lower()} {show(new)} (was {show(old)})"


def _default_filled(tool: str, name: str, old: Any, new: Any) -> bool:
    """Validation writes every default out; a value the template left unset is no change."""
    spec = get_tool(tool)
    field = spec.params_model.model_fields.get(name) if spec else None
    if old is not None or field is None or field.is_required():
        return False
    return bool(field.get_default(call_default_factory=True) == new)


def step_names(plan: Plan) -> dict[str, str]:
    """Step id -> how the page refers to it ("the answer chart", "step 2")."""
    return {
        s.id: "the answer chart" if s.primary else f"step {i + 1}" for i, s in enumerate(plan.steps)
    }


def kept_edit_words(edit: KeptEdit) -> str:
    sentence = _lower_first(step_sentence(edit.step.tool, edit.step.params))
    if edit.kind == "changed":
        labels = ", ".join(param_label(p).lower() for p in edit.params)
        return f"Kept your change ({labels}) to: {sentence}"
    if edit.kind == "added":
        return f"Kept the step you added: {sentence}"
    return f"Left out, as you removed it before: {sentence}"


def diff_sentences(diff: PlanDiff, names: dict[str, str] | None = None) -> list[str]:
    """'Added: a box plot of tip per day, because the model suggested it' and the like."""
    names = names or {}
    out = []
    for row in diff.added:
        why = _why(row)
        sentence = step_sentence(row["tool"], row.get("params") or {})
        out.append(f"Added: {_lower_first(sentence)}" + (f", because {why}" if why else ""))
    for row in diff.removed:
        removed = step_sentence(row["tool"], row.get("params") or {})
        out.append(f"Removed: {_lower_first(removed)}")
    for row in diff.modified:
        changes = [
            _change_words(k, v[0], v[1])
            for k, v in row["changes"].items()
            if not _default_filled(row["tool"], k, v[0], v[1])
        ]
        name = names.get(row["id"], "a step")
        out.append(f"Changed {name}: " + "; ".join(changes) if changes else "")
    return [s for s in out if s]


_WORDY = re.compile(r"[A-Za-z]{3,}")


def meaningful(text: str) -> bool:
    """A rationale worth showing: a few real words, not '{' or '(none given)'."""
    text = text.strip()
    return len(_WORDY.findall(text)) >= 3 and text.lower() not in ("(none given)", "none")


# ---------------------------------------------------------------- numbers
def decimals_for(values: pd.Series) -> int:
    """Decimals that show a column sensibly: 2 for everyday sizes, more for small numbers."""
    finite = values[pd.notna(values)].abs()
    finite = finite[finite > 0]
    if finite.empty:
        return 2
    typical = float(finite.median())
    if typical >= 1:
        return 2
    return min(6, 2 - math.floor(math.log10(typical)))


def rounded(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with float columns rounded for display (the downloads keep every digit)."""
    out = frame.copy()
    for name in out.columns:
        column = out[name]
        if pd.api.types.is_float_dtype(column):
            out[name] = column.round(decimals_for(column))
    return out


# ---------------------------------------------------------------- the model's failures
def model_failure_line(error: str) -> str:
    """Why the model's answer was not used, in one short line (the full text goes elsewhere)."""
    text = " ".join(error.split())
    if "cancelled" in text:
        return "you cancelled the model call"
    tries = re.search(r"did not match the contract after (\d+) attempt", text)
    if tries:
        n = int(tries.group(1))
        return f"its answer did not fit the required format ({n} attempt{'s' if n > 1 else ''})"
    waited = re.search(r"no answer within [\d.]+ s", text)
    if waited:
        return f"it gave {waited.group(0)}"
    text = re.sub(r"^[\w.-]+: ", "", text)  # the backend's name prefix
    return text if len(text) <= 120 else text[:117] + "…"


def tidy_figure(figure: Any) -> Any:
    """A copy of a plotly figure whose hover and axis numbers show sensible decimals."""
    import plotly.graph_objects as go

    fig = go.Figure(figure)
    values: list[float] = []
    for trace in fig.data:
        for v in getattr(trace, "y", None) or ():
            if isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v):
                values.append(float(v))
    if values and any(not float(v).is_integer() for v in values):
        digits = decimals_for(pd.Series(values))
        fig.update_yaxes(hoverformat=f",.{digits}f")
    return fig
