"""The @tool registry: registration, lookup, stable order, typed parameters that reject unknown
names, and column parameters the validator and the UI read."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from pydantic import ValidationError

from autoviz_core.tools import registry
from autoviz_core.tools.registry import (
    ToolContext,
    ToolParams,
    ToolResult,
    all_tools,
    column_param,
    get_tool,
    tool,
)


class EchoParams(ToolParams):
    column: str = column_param(role="numeric", description="what to echo")
    by: list[str] = column_param(default=[], role="groupable", multiple=True)
    times: int = 1


def _echo(df: pd.DataFrame, params: EchoParams, ctx: ToolContext) -> ToolResult:
    return ToolResult(summary=f"{params.column} x{params.times}", table=df.head(ctx.seed))


@pytest.fixture
def scratch_registry(monkeypatch: pytest.MonkeyPatch) -> dict[str, registry.ToolSpec]:
    """A copy of the registry for the test, so test tools never leak into other tests."""
    all_tools()  # the real tools are registered first
    copy = dict(registry._REGISTRY)
    monkeypatch.setattr(registry, "_REGISTRY", copy)
    return copy


def test_a_registered_tool_is_found_and_runs(scratch_registry: dict) -> None:
    fn = tool("zz_echo", family="test", description="Echo.", params=EchoParams, produces="stats")(
        _echo
    )
    assert fn is _echo  # the decorator returns the function unchanged
    spec = get_tool("zz_echo")
    assert spec is not None and (spec.family, spec.produces) == ("test", "stats")
    params = spec.params_model.model_validate({"column": "amount", "times": 2})
    result = spec.fn(pd.DataFrame({"amount": [1, 2, 3]}), params, ToolContext(seed=1))
    assert result.summary == "amount x2" and len(result.table) == 1
    assert all_tools()[-1].name == "zz_echo"  # sorted by name


def test_registering_a_name_twice_is_an_error(scratch_registry: dict) -> None:
    tool("zz_echo", family="test", description="", params=EchoParams, produces="stats")(_echo)
    with pytest.raises(ValueError, match="'zz_echo' registered twice"):
        tool("zz_echo", family="test", description="", params=EchoParams, produces="stats")(_echo)


def test_parameters_are_typed_and_unknown_ones_rejected() -> None:
    with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
        EchoParams.model_validate({"column": "a", "colour": "b"})
    with pytest.raises(ValidationError, match="column"):
        EchoParams.model_validate({})


def test_column_params_and_schema(scratch_registry: dict) -> None:
    tool("zz_echo", family="test", description="", params=EchoParams, produces="stats")(_echo)
    spec = get_tool("zz_echo")
    assert spec is not None
    assert spec.column_params() == {"column": ("numeric", False), "by": ("groupable", True)}
    schema = spec.param_schema()
    assert schema["properties"]["column"]["column_role"] == "numeric"
    assert schema["required"] == ["column"]


def test_every_real_tool_is_listed_once_in_name_order() -> None:
    names = [t.name for t in all_tools()]
    assert names == sorted(set(names)) and "chart" in names
    assert get_tool("no_such_tool") is None


def test_every_module_with_a_tool_is_listed_for_the_registry() -> None:
    """A module missing from TOOL_MODULES would never register: its tools (or the SQL version of
    one) would vanish."""
    folder = Path(registry.__file__).parent
    marks = ("@tool(", "@sql_implementation(")
    with_tools = {
        p.stem
        for p in folder.glob("*.py")
        if any(mark in p.read_text(encoding="utf-8") for mark in marks)
    }
    assert with_tools and with_tools == set(registry.TOOL_MODULES)


def test_every_figure_a_tool_returns_is_escaped(scratch_registry: dict) -> None:
    """The registry's call wrapper is the one place every figure passes (data never markup)."""
    import plotly.graph_objects as go

    def draw(df: pd.DataFrame, params: EchoParams, ctx: ToolContext) -> ToolResult:
        return ToolResult(summary="", figure=go.Figure(go.Bar(x=list(df[params.column]), y=[1])))

    tool("zz_draw", family="test", description="", params=EchoParams, produces="chart")(draw)
    spec = get_tool("zz_draw")
    assert spec is not None
    params = spec.params_model.model_validate({"column": "name"})
    result = spec.fn(pd.DataFrame({"name": ["<b>x</b>"]}), params, ToolContext())
    assert result.figure.data[0].x == ("&lt;b&gt;x&lt;/b&gt;",)
