"""The committed schema and grammar files are what a real run builds (real registry, real plan),
match the contracts, and stay in the subset every engine honours. The build step that writes them
is scripts/render_schemas.py (`make schemas`)."""

from __future__ import annotations

import importlib.util
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from autoviz_core.contracts import INTENTS, contract_json_schema
from autoviz_core.llm.gbnf import contract_gbnf
from autoviz_core.planning.adaptation import addable_tools

SCRIPT = Path(__file__).resolve().parents[3] / "scripts" / "render_schemas.py"
_spec = importlib.util.spec_from_file_location("render_schemas", SCRIPT)
assert _spec is not None and _spec.loader is not None, f"missing build step {SCRIPT}"
render = importlib.util.module_from_spec(_spec)
sys.modules["render_schemas"] = render
_spec.loader.exec_module(render)
main = render.main

NAMES = ("intent", "request", "answer", "adaptation")
# Keywords some engine ignores or rejects (DESIGN.md, "One schema, three backends").
FORBIDDEN = {
    "$ref", "$defs", "definitions", "minimum", "maximum", "exclusiveMinimum",
    "exclusiveMaximum", "multipleOf", "uniqueItems", "not", "if", "then", "else",
    "patternProperties", "dependentSchemas", "format",
}  # fmt: skip
# String length bounds are allowed (llama.cpp and xgrammar both compile maxLength), but only
# where contracts.py puts them deliberately.
LENGTH_BOUNDED = {"rationale", "reason", "value"}  # the rationale, reasons and free-text values


@pytest.fixture(scope="module")
def contracts() -> dict[str, type[BaseModel]]:
    return render.example_contracts()


@pytest.fixture(scope="module")
def rendered() -> dict[str, str]:
    return render.render()


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


def _enum(schema: dict[str, Any], *path: str) -> list[str]:
    node = schema
    for key in path:
        node = node["items"] if key == "[]" else node["properties"][key]
    return list(node["enum"])


def test_committed_files_match_a_fresh_rendering(rendered: dict[str, str]) -> None:
    assert set(rendered) == {f"{n}.{ext}" for n in NAMES for ext in ("schema.json", "gbnf")}
    stale = render.drifted(files=rendered)
    assert not stale, f"Schemas drifted from the code: {stale}. Run `make schemas` and commit."


def test_contracts_come_from_the_registry_and_a_real_plan(
    contracts: dict[str, type[BaseModel]],
) -> None:
    columns, plan = render.example_plan()
    assert plan.steps[0].primary and len(plan.steps) > 1
    adaptation = contract_json_schema(contracts["adaptation"])
    step_ids = _enum(adaptation, "changes", "[]", "step_id")
    assert [s.id for s in plan.steps if not s.primary] == [i for i in step_ids if i != "new"]
    assert set(addable_tools()) <= set(_enum(adaptation, "changes", "[]", "tool"))
    request = contract_json_schema(contracts["request"])
    assert [c for c in _enum(request, "x") if c != "none"] == columns
    assert _enum(contract_json_schema(contracts["intent"]), "intent") == list(INTENTS)


@pytest.mark.parametrize("name", NAMES)
def test_schemas_stay_in_the_portable_subset(
    contracts: dict[str, type[BaseModel]], name: str
) -> None:
    schema = contract_json_schema(contracts[name])
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


@pytest.mark.parametrize("name", NAMES)
def test_decision_fields_come_first_and_rationale_last(
    contracts: dict[str, type[BaseModel]], name: str
) -> None:
    """The free text comes last, after every decision: the plan-level rationale, or in the
    adaptation contract each change's reason (its answer has no plan-level rationale)."""
    schema = contract_json_schema(contracts[name])
    if name == "adaptation":
        schema = schema["properties"]["changes"]["items"]
    last = "reason" if name == "adaptation" else "rationale"
    properties = list(schema["properties"])
    assert properties[-1] == last
    rule = "changes-item" if name == "adaptation" else "root"
    grammar_rule = next(
        line
        for line in contract_gbnf(contracts[name]).splitlines()
        if line.startswith(f"{rule} ::=")
    )
    first = f"{properties[0].replace('_', '-')}-kv"
    assert grammar_rule.index(first) < grammar_rule.index(f"{last}-kv")


@pytest.mark.parametrize("name", NAMES)
def test_gbnf_compiles(rendered: dict[str, str], name: str) -> None:
    from llama_cpp import LlamaGrammar

    assert LlamaGrammar.from_string(rendered[f"{name}.gbnf"], verbose=False)


def test_the_schemas_command_writes_and_checks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--check", "--dir", str(tmp_path)]) == 1  # nothing there yet
    assert main(["--dir", str(tmp_path)]) == 0
    assert main(["--check", "--dir", str(tmp_path)]) == 0
    written = json.loads((tmp_path / "request.schema.json").read_text(encoding="utf-8"))
    (tmp_path / "request.schema.json").write_text(json.dumps(written), encoding="utf-8")
    capsys.readouterr()
    assert main(["--check", "--dir", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "drifted:" in err and "request.schema.json" in err and "adaptation" not in err


@pytest.mark.parametrize("name", NAMES)
def test_every_free_text_field_is_bounded(contracts: dict[str, type[BaseModel]], name: str) -> None:
    """A model cannot ramble in any string the grammar leaves free (load test: a filter value
    ran to the token budget three times)."""
    schema = contract_json_schema(contracts[name])
    strings = [n for n in _schema_nodes(schema) if n.get("type") == "string" and "enum" not in n]
    assert all(isinstance(n.get("maxLength"), int) for n in strings), strings
