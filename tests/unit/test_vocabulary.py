"""Every list of a vocabulary (contracts, schemas, tools, lexicon, candidates) equals vocabulary.py.

A copy that drifts (a chart kind the contract offers but the chart tool cannot draw, an
aggregation the lexicon has no words for) fails here, naming the list that differs.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, get_args

import pandas as pd
import pytest

from autoviz_core.contracts import RequestFilter, intent_contract, request_contract
from autoviz_core.contracts import contract_json_schema as schema_of
from autoviz_core.data import profile_table
from autoviz_core.planning.cues import extract_cues
from autoviz_core.planning.features import generate_candidates, question_evidence
from autoviz_core.planning.lexicon import load_lexicon
from autoviz_core.planning.templates import load_templates
from autoviz_core.tools import all_tools, get_tool
from autoviz_core.tools.common import FilterCondition
from autoviz_core.tools.registry import ChartData
from autoviz_core.vocabulary import (
    AGGREGATIONS,
    CHART_KINDS,
    DERIVED_OPS,
    FILTER_OPS,
    GROUP_AGGREGATIONS,
    INTENTS,
    MODEL_FILTER_OPS,
    PERIOD_GRAINS,
    SORT_BY,
    SORT_DIR,
    TIME_GRAINS,
)

SCHEMAS = Path(__file__).resolve().parents[2] / "autoviz_core" / "schemas"


def enum_of(schema: dict[str, Any], *path: str) -> list[str]:
    """The enum at a property path of a JSON schema (array items and anyOf followed)."""
    node: Any = schema
    for key in path:
        node = node["properties"][key]
        node = node.get("items", node)
    for option in node.get("anyOf", [node]):
        if "enum" in option:
            return list(option["enum"])
        if "const" in option:
            return [option["const"]]
    raise AssertionError(f"no enum at {path}")


def request_schemas() -> dict[str, dict[str, Any]]:
    """The request contract as built now and as committed (the drift files)."""
    built = schema_of(request_contract(["a", "b"]))
    committed = json.loads((SCHEMAS / "request.schema.json").read_text(encoding="utf-8"))
    return {"built": built, "committed": committed}


@pytest.mark.parametrize("which", ["built", "committed"])
@pytest.mark.parametrize(
    ("path", "vocabulary"),
    [
        (("chart",), CHART_KINDS),
        (("agg",), AGGREGATIONS),
        (("time_grain",), TIME_GRAINS),
        (("sort_by",), SORT_BY),
        (("sort_dir",), SORT_DIR),
        (("filters", "op"), MODEL_FILTER_OPS),
    ],
)
def test_the_request_contract_offers_the_vocabulary(
    which: str, path: tuple[str, ...], vocabulary: tuple[str, ...]
) -> None:
    assert enum_of(request_schemas()[which], *path) == list(vocabulary)


@pytest.mark.parametrize(
    "schema",
    [
        schema_of(intent_contract()),
        json.loads((SCHEMAS / "intent.schema.json").read_text(encoding="utf-8")),
    ],
)
def test_the_intent_contract_offers_every_intent(schema: dict[str, Any]) -> None:
    assert enum_of(schema, "intent") == list(INTENTS)


def test_the_result_document_allows_every_intent_and_aggregation() -> None:
    """The result JSON's schema (the CLI's --json output) lists intents and aggregations too."""
    schema = json.loads((SCHEMAS.parent / "result_schema.json").read_text(encoding="utf-8"))
    assert schema["properties"]["intent"]["enum"] == list(INTENTS)
    assert enum_of(schema, "charts", "agg") == list(AGGREGATIONS)
    assert enum_of(schema, "plan", "derived", "op") == list(DERIVED_OPS)


def test_the_chart_tool_takes_exactly_the_request_vocabulary() -> None:
    """The request is passed to the chart tool as it is: each field's values must agree."""
    spec = get_tool("chart")
    assert spec is not None
    schema = spec.params_model.model_json_schema()
    props = schema["properties"]
    assert props["kind"]["enum"] == list(CHART_KINDS)
    assert props["agg"]["enum"] == list(AGGREGATIONS)
    assert props["time_grain"]["enum"] == list(TIME_GRAINS)
    assert props["sort_by"]["enum"] == list(SORT_BY)
    assert props["sort_dir"]["enum"] == list(SORT_DIR)


def test_the_registry_charts_are_the_primary_kinds_and_a_few_more() -> None:
    kinds = get_args(ChartData.model_fields["kind"].annotation)
    assert kinds[: len(CHART_KINDS)] == CHART_KINDS
    assert set(kinds) > set(CHART_KINDS)


def test_filter_ops_grow_from_the_model_to_the_request_to_the_tools() -> None:
    request_ops = get_args(RequestFilter.model_fields["op"].annotation)
    tool_ops = get_args(FilterCondition.model_fields["op"].annotation)
    assert tool_ops == FILTER_OPS
    assert set(MODEL_FILTER_OPS) < set(request_ops) < set(tool_ops)


def enums_named(name: str) -> dict[str, list[str]]:
    """Every tool parameter called `name` that is an enum, by tool."""
    out = {}
    for spec in all_tools():
        prop = spec.params_model.model_json_schema()["properties"].get(name)
        if prop and "enum" in prop:
            out[spec.name] = prop["enum"]
    return out


@pytest.mark.parametrize(
    ("param", "vocabulary"),
    [
        ("agg", AGGREGATIONS),
        ("grain", PERIOD_GRAINS),
        ("time_grain", TIME_GRAINS),
        ("kind", CHART_KINDS),
    ],
)
def test_every_tool_parameter_stays_inside_its_vocabulary(
    param: str, vocabulary: tuple[str, ...]
) -> None:
    enums = enums_named(param)
    assert enums, f"no tool has an enum parameter {param!r}"
    for tool, values in enums.items():
        assert set(values) <= set(vocabulary), (tool, set(values) - set(vocabulary))


def test_the_lexicon_names_every_word_of_the_vocabularies() -> None:
    raw = load_lexicon().raw
    assert set(raw.charts) == {*CHART_KINDS, "generic"}
    assert set(raw.aggregations) == set(GROUP_AGGREGATIONS)
    assert set(raw.intents) == set(INTENTS)
    assert set(raw.grains) - {"decade"} == set(TIME_GRAINS) - {"none"}
    # "in" and "outside" have no words of their own: values or bounds joined by "or"
    assert set(raw.filters) - {"null", "only"} == set(FILTER_OPS) - {"in", "outside"}


def test_templates_cover_every_intent() -> None:
    assert {t.intent for t in load_templates()} == set(INTENTS)


TABLE = pd.DataFrame(
    {
        "region": ["N", "S", "E", "W"] * 5,
        "shop": ["a", "b"] * 10,
        "sold_on": pd.date_range("2024-01-01", periods=20, freq="D"),
        "units": range(20),
        "price": [float(i) / 3 for i in range(20)],
    }
)


def test_the_candidates_use_every_chart_kind_and_aggregation_and_no_other() -> None:
    """Over a few questions the ranking's candidates draw every kind with every aggregation."""
    prof = profile_table(TABLE)
    charts, aggs = set(), set()
    for question in (
        "price by region and shop as a heatmap",
        "units over time",
        "price against units",
    ):
        ev = question_evidence(extract_cues(question, prof, TABLE), prof)
        for cand in generate_candidates(ev):
            charts.add(cand.chart)
            aggs.add(cand.agg)
    assert charts == set(CHART_KINDS)
    assert aggs == set(AGGREGATIONS)
