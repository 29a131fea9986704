"""The contracts' generated schemas/GBNF match the committed files and stay in the portable subset."""

from __future__ import annotations

import importlib.util
import json
import os
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from autoviz_core.contracts import (
    MAX_LIMIT,
    RATIONALE_MAX_CHARS,
    VALUE_MAX_CHARS,
    adaptation_contract,
    contract_json_schema,
    intent_contract,
    request_contract,
)

REPO = Path(__file__).resolve().parents[2]
# Keywords some engine ignores or rejects (DESIGN.md, "One schema, three backends").
FORBIDDEN = {
    "$ref", "$defs", "definitions", "minimum", "maximum", "exclusiveMinimum",
    "exclusiveMaximum", "multipleOf", "uniqueItems", "not", "if", "then", "else",
    "patternProperties", "dependentSchemas", "format",
}  # fmt: skip
# String length bounds are allowed (llama.cpp and xgrammar both compile maxLength), but only
# where contracts.py puts them deliberately: the rationale and the free-text values.
LENGTH_BOUNDED = {"rationale", "value"}
COLUMNS = ("date", "region", "product_category", "revenue", "units")


def _load_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "generate_schemas", REPO / "scripts/generate_schemas.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def generator() -> ModuleType:
    return _load_generator()


def _schema_nodes(node: Any) -> Iterator[dict[str, Any]]:
    """Every schema node (not property names) of a JSON schema."""
    if not isinstance(node, dict):
        return
    yield node
    for sub in node.get("properties", {}).values():
        yield from _schema_nodes(sub)
    for key in ("items", "additionalProperties"):
        yield from _schema_nodes(node.get(key))
    for key in ("anyOf", "oneOf", "allOf"):
        for sub in node.get(key, []):
            yield from _schema_nodes(sub)


def test_committed_artifacts_match_the_contracts(generator: ModuleType) -> None:
    rendered = generator.render()
    assert set(rendered) == {
        f"{n}.{ext}" for n in ("intent", "request", "adaptation") for ext in ("schema.json", "gbnf")
    }
    stale = generator.drifted()
    assert not stale, (
        f"Generated schemas drifted from the contracts: {stale}. "
        "Run: .venv/bin/python scripts/generate_schemas.py and commit autoviz_core/schemas/."
    )


def test_example_table_is_the_december_revenue_header(generator: ModuleType) -> None:
    shared = Path(os.environ.get("AUTOVIZ_SHARED", REPO.parent / "shared"))
    csv = shared / "eval/data/december_revenue.csv"
    if not csv.is_file():
        pytest.fail(f"missing shared test data: {csv} (set AUTOVIZ_SHARED)")
    header = csv.read_text(encoding="utf-8").splitlines()[0]
    assert set(generator.EXAMPLE_COLUMNS) == set(header.split(","))


@pytest.mark.parametrize("name", ["intent", "request", "adaptation"])
def test_schemas_stay_in_the_portable_subset(generator: ModuleType, name: str) -> None:
    schema = contract_json_schema(generator.example_contracts()[name])
    for node in _schema_nodes(schema):
        assert not FORBIDDEN & set(node), f"{name}: forbidden keyword in {node}"
        if node.get("type") == "object":
            assert node["additionalProperties"] is False
            assert node["required"] == list(node["properties"])
        if node.get("type") == "array":
            assert isinstance(node.get("maxItems"), int), f"{name}: unbounded array {node}"
        assert "pattern" not in node or node["pattern"].startswith("^")
        for prop, sub in node.get("properties", {}).items():
            if {"minLength", "maxLength"} & set(sub):
                assert prop in LENGTH_BOUNDED, f"{name}: unexpected length bound on {prop}"


@pytest.mark.parametrize("name", ["intent", "request", "adaptation"])
def test_decision_fields_come_first_and_rationale_last(generator: ModuleType, name: str) -> None:
    properties = list(contract_json_schema(generator.example_contracts()[name])["properties"])
    assert properties[-1] == "rationale"
    grammar_root = next(
        line for line in generator.gbnf(generator.example_contracts()[name]).splitlines()
        if line.startswith("root ::=")
    )  # fmt: skip
    assert grammar_root.index(f"{properties[0].replace('_', '-')}-kv") < grammar_root.index(
        "rationale-kv"
    )


@pytest.mark.parametrize("name", ["intent", "request", "adaptation"])
def test_gbnf_compiles(generator: ModuleType, name: str) -> None:
    from llama_cpp import LlamaGrammar

    assert LlamaGrammar.from_string(
        generator.gbnf(generator.example_contracts()[name]), verbose=False
    )


def _request(**overrides: Any) -> dict[str, Any]:
    base = {
        "chart": "bar", "x": "region", "y": "revenue", "agg": "sum", "color": "none",
        "time_grain": "none", "filters": [], "sort_by": "y", "sort_dir": "desc", "limit": 0,
        "rationale": "total revenue per region",
    }  # fmt: skip
    return {**base, **overrides}


def _valid(contract: type[BaseModel], data: dict[str, Any]) -> BaseModel:
    return contract.model_validate_json(json.dumps(data))


def test_request_contract_accepts_table_columns_and_rejects_others() -> None:
    contract = request_contract(COLUMNS)
    assert _valid(contract, _request()).model_dump()["x"] == "region"
    with pytest.raises(ValidationError, match="x"):
        _valid(contract, _request(x="profit_margin"))
    with pytest.raises(ValidationError, match="Extra inputs"):
        _valid(contract, _request(extra="1"))
    filters = [{"column": "region", "op": "eq", "value": "North"}] * 4
    with pytest.raises(ValidationError, match="filters"):
        _valid(contract, _request(filters=filters))


def test_request_contract_clamps_limit_and_bounds_rationale() -> None:
    value = _valid(request_contract(COLUMNS), _request(limit=10**15, rationale="word " * 200))
    assert value.model_dump()["limit"] == MAX_LIMIT
    assert len(value.model_dump()["rationale"]) <= RATIONALE_MAX_CHARS


def test_intent_and_adaptation_contracts_validate() -> None:
    assert _valid(intent_contract(), {"intent": "anomaly_detection", "rationale": ""})
    with pytest.raises(ValidationError):
        _valid(intent_contract(["general_eda"]), {"intent": "anomaly_detection", "rationale": ""})
    contract = adaptation_contract(["s1"], ["bar_chart"], ["x"])
    change = {"action": "add", "step_id": "new", "tool": "bar_chart",
              "params": [{"name": "x", "value": "region"}]}  # fmt: skip
    assert _valid(contract, {"changes": [change], "rationale": "r"})
    with pytest.raises(ValidationError):
        _valid(contract, {"changes": [{**change, "tool": "exec_python"}], "rationale": ""})


@pytest.mark.parametrize("name", ["request", "adaptation"])
def test_every_free_text_field_is_bounded(generator: ModuleType, name: str) -> None:
    schema = contract_json_schema(generator.example_contracts()[name])
    strings = [n for n in _schema_nodes(schema) if n.get("type") == "string" and "enum" not in n]
    assert strings and all(isinstance(n.get("maxLength"), int) for n in strings), strings


def test_free_text_values_over_the_bound_do_not_validate() -> None:
    contract = request_contract(COLUMNS)
    ok = [{"column": "units", "op": "gt", "value": "5" * VALUE_MAX_CHARS}]
    assert _valid(contract, _request(filters=ok))
    ramble = [{"column": "units", "op": "gt", "value": "); // filter by units " * 10}]
    with pytest.raises(ValidationError, match="at most 80 characters"):
        _valid(contract, _request(filters=ramble))
    adapt = adaptation_contract(["s1"], ["chart"], ["x"])
    change = {"action": "modify", "step_id": "s1", "tool": "none",
              "params": [{"name": "x", "value": "x" * (VALUE_MAX_CHARS + 1)}]}  # fmt: skip
    with pytest.raises(ValidationError, match="at most 80 characters"):
        _valid(adapt, {"changes": [change], "rationale": ""})
