"""Deterministic analysis tools, looked up through the registry (which loads every tool module
listed in `registry.TOOL_MODULES` on the first lookup)."""

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
