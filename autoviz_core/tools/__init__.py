"""Deterministic analysis tools. Importing this package registers every tool."""

from autoviz_core.tools import (  # noqa: F401  (imported to register their tools)
    anomalies,
    answers,
    charts,
    charts_sql,
    comparison,
    distributions,
    relationships,
    stats,
    timeseries,
    transforms,
)
from autoviz_core.tools.registry import (  # noqa: F401
    ChartData,
    ToolContext,
    ToolParams,
    ToolResult,
    ToolSpec,
    all_tools,
    column_param,
    get_tool,
    keep_figure_template,
    tool,
)

keep_figure_template()  # every figure's look (see registry.keep_figure_template)
