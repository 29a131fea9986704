"""The tool registry: a decorator turns a function into a tool with a typed parameter model.

The planner only ever names tools from this registry, and the executor only ever calls them,
so nothing a model writes is executed: a model can choose a tool and its parameters, no more.
"""

from __future__ import annotations

import dataclasses
import functools
import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

import pandas as pd
import plotly.io as pio
from pydantic import BaseModel, ConfigDict, Field

from autoviz_core.tools.claims import Claim, fact, settle
from autoviz_core.tools.figure_text import escape_figure_text
from autoviz_core.vocabulary import Aggregation, ToolChartKind

FIGURE_TEMPLATE = "plotly_white"
# The modules whose @tool (and @sql_implementation) functions make up the registry, loaded on
# the first lookup in this order (a SQL implementation needs its tool registered). Listed
# here rather than imported through the package, so a tool module importing the registry is
# never an import cycle (tests/unit/tools/test_registry.py checks the list is complete).
TOOL_MODULES = (
    "anomalies",
    "answers",
    "answers_sql",
    "charts",
    "charts_sql",
    "comparison",
    "distributions",
    "relationships",
    "stats",
    "timeseries",
    "transforms",
)

# What kind of column a parameter accepts; the validator and the UI's column pickers use it.
ColumnRole = Literal["any", "numeric", "categorical", "temporal", "groupable"]


def column_param(
    default: Any = ..., *, role: ColumnRole = "any", description: str = "", multiple: bool = False
) -> Any:
    """A parameter that names a column (or a list of columns) of the step's input table."""
    extra: dict[str, Any] = {"column_role": role, "multiple": multiple}
    return Field(default, description=description, json_schema_extra=extra)


class ToolParams(BaseModel):
    """Base of every tool's parameter model: unknown parameters are an error, not ignored."""

    model_config = ConfigDict(extra="forbid")


class ChartData(BaseModel):
    """What a chart plotted, in plotted order: the contract the evaluation and report read."""

    kind: ToolChartKind
    x: str | None = None
    y: str | None = None
    color: str | None = None
    agg: Aggregation = "none"
    x_values: list[Any] = Field(default_factory=list)
    y_values: list[Any] = Field(default_factory=list)
    color_values: list[Any] | None = None
    title: str = ""
    points_sent: int = 0


@dataclass
class ToolContext:
    """Run-wide settings a tool may need; limits come from config.yaml."""

    max_chart_points: int = 5000
    seed: int = 42
    # The engine table (autoviz_core/engine) when the data stays where it lives; the frame a
    # tool then receives is its bounded sample, and `sample_note` says how it was drawn.
    source: Any = None
    sample_note: str = ""


@dataclass
class ToolResult:
    """A tool's output. `table` is what a later step receives when it names this step as input."""

    summary: str
    table: pd.DataFrame | None = None
    figure: Any = None  # plotly.graph_objects.Figure
    chart: ChartData | None = None
    findings: list[str] = field(default_factory=list)
    metrics: dict[str, Any] = field(default_factory=dict)
    # what the findings assert (tools/claims.py); `findings` are the sentences of those said
    claims: list[Claim] = field(default_factory=list)


def said(result: ToolResult) -> ToolResult:
    """The tool's proposed claims through the one validator: `findings` become the sentences
    that may be said (a finding written without a claim is a plain fact)."""
    if result.claims:
        settled = settle(result.claims)
        result.claims = settled.said
        result.findings = [c.text for c in settled.said]
        if settled.not_said:
            result.metrics["not_said"] = settled.not_said
    else:
        result.claims = [fact(t) for t in result.findings]
    return result


ToolFn = Callable[[pd.DataFrame, Any, ToolContext], ToolResult]
# The same tool where the data lives: fn(engine table, params, ctx); see sql_implementation.
SqlToolFn = Callable[[Any, Any, ToolContext], ToolResult]


@dataclass(frozen=True)
class ToolSpec:
    """A registered tool: its name, family, description, parameter model and function."""

    name: str
    family: str
    description: str
    params_model: type[ToolParams]
    fn: ToolFn
    produces: Literal["table", "chart", "stats"]
    sql_fn: SqlToolFn | None = None  # runs on an engine table (autoviz_core/engine), if any

    def param_schema(self) -> dict[str, Any]:
        """JSON schema of the parameters, as the planner and the review UI see them."""
        return self.params_model.model_json_schema()

    def unknown_params(self, names: Iterable[str]) -> list[str]:
        """The names this tool has no parameter for, sorted (templates and model changes)."""
        return sorted(n for n in names if n not in self.params_model.model_fields)

    def column_params(self) -> dict[str, tuple[ColumnRole, bool]]:
        """Parameter name -> (column role, takes a list) for every column-naming parameter."""
        out: dict[str, tuple[ColumnRole, bool]] = {}
        for name, info in self.params_model.model_fields.items():
            extra = info.json_schema_extra
            if isinstance(extra, dict) and "column_role" in extra:
                out[name] = (extra["column_role"], bool(extra.get("multiple")))  # type: ignore[assignment]
        return out


_REGISTRY: dict[str, ToolSpec] = {}


def keep_figure_template() -> None:
    """Make plotly_white plotly's default template again if another library changed it.

    Every figure's look comes from plotly's default template, applied when a figure is made
    (passing the template to each figure's update_layout validated and copied it again, ~19 ms
    of a 20 ms bar chart). Importing streamlit sets that default to its own template, whose
    colours are placeholders only the app's frontend fills in: a downloaded report would draw
    near-black charts. So the default is checked before every tool runs (a string compare).
    """
    if pio.templates.default != FIGURE_TEMPLATE:
        pio.templates.default = FIGURE_TEMPLATE


def tool(
    name: str,
    *,
    family: str,
    description: str,
    params: type[ToolParams],
    produces: Literal["table", "chart", "stats"],
) -> Callable[[ToolFn], ToolFn]:
    """Register `fn(df, params, ctx) -> ToolResult` as the tool `name`."""

    def register(fn: ToolFn) -> ToolFn:
        if name in _REGISTRY:
            raise ValueError(f"tool {name!r} registered twice")

        @functools.wraps(fn)
        def as_drawn(df: pd.DataFrame, p: ToolParams, ctx: ToolContext) -> ToolResult:
            keep_figure_template()
            result = fn(df, p, ctx)
            escape_figure_text(result.figure)  # data never becomes markup in a chart
            return said(result)

        _REGISTRY[name] = ToolSpec(name, family, description, params, as_drawn, produces)
        return fn

    return register


def sql_implementation(name: str) -> Callable[[SqlToolFn], SqlToolFn]:
    """Declare `fn(engine_table, params, ctx) -> ToolResult` as tool `name`'s implementation
    for tables that stay where they live: the executor calls it instead of the pandas function
    when the step reads the source table and the table is not in memory. The parameters and
    the result are the tool's own, so plans, validation and reports do not change."""

    def register(fn: SqlToolFn) -> SqlToolFn:
        spec = _REGISTRY.get(name)
        if spec is None:
            raise ValueError(f"no tool {name!r} to give a SQL implementation")
        if spec.sql_fn is not None:
            raise ValueError(f"tool {name!r} has a SQL implementation already")

        @functools.wraps(fn)
        def with_figure_template(source: Any, p: ToolParams, ctx: ToolContext) -> ToolResult:
            keep_figure_template()
            return said(fn(source, p, ctx))

        _REGISTRY[name] = dataclasses.replace(spec, sql_fn=with_figure_template)
        return fn

    return register


_loaded = False


def _ensure_tools_loaded() -> None:
    """Import the tool modules so their decorators run (once)."""
    global _loaded
    if not _loaded:
        for module in TOOL_MODULES:
            importlib.import_module(f"{__package__}.{module}")
        _loaded = True


def get_tool(name: str) -> ToolSpec | None:
    """The tool called `name`, or None when no such tool exists."""
    _ensure_tools_loaded()
    return _REGISTRY.get(name)


def all_tools() -> list[ToolSpec]:
    """Every registered tool, sorted by name so listings and grammars are stable."""
    _ensure_tools_loaded()
    return [_REGISTRY[k] for k in sorted(_REGISTRY)]
