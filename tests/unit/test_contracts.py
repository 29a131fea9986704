"""The contracts accept what a table allows and reject the rest (the rendered schema files are
checked in tests/unit/schemas/test_render.py)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from autoviz_core.contracts import (
    MAX_LIMIT,
    RATIONALE_MAX_CHARS,
    VALUE_MAX_CHARS,
    adaptation_contract,
    intent_contract,
    request_contract,
)

COLUMNS = ("date", "region", "product_category", "revenue", "units")


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
    assert _valid(contract, {"changes": [{**change, "reason": "r"}]})
    with pytest.raises(ValidationError):
        _valid(contract, {"changes": [{**change, "tool": "exec_python"}]})
    with pytest.raises(ValidationError):  # no plan-level rationale: reasons are per change
        _valid(contract, {"changes": [], "rationale": "nothing to change"})


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
        _valid(adapt, {"changes": [change]})
