"""Plan editing helpers: the editable draft of a plan, and parameter widgets built from the registry.

A draft is a list of plain dicts (one per step) with a stable `uid`, so widgets keep their state
when steps move. Validity is never decided here: the draft goes through planner.revalidate.
"""

from __future__ import annotations

import json
from typing import Any

import streamlit as st

from autoviz_core.data.profiling import SchemaProfile
from autoviz_core.plan import DATA_INPUT, Plan, PlanStep
from autoviz_core.planning.validation import ROLE_OK
from autoviz_core.tools.registry import ToolSpec, get_tool

NO_COLUMN = "(none)"


def draft_from_plan(plan: Plan, version: int) -> list[dict[str, Any]]:
    return [{**step.model_dump(), "uid": f"v{version}-{i}"} for i, step in enumerate(plan.steps)]


def plan_from_draft(draft: list[dict[str, Any]]) -> Plan:
    return Plan(steps=[PlanStep(**{k: v for k, v in s.items() if k != "uid"}) for s in draft])


def signature(draft: list[dict[str, Any]] | None) -> str:
    """The draft as stable text, to notice edits made after approval."""
    steps = [{k: v for k, v in s.items() if k != "uid"} for s in draft or []]
    return json.dumps(steps, sort_keys=True, default=str)


def new_step(draft: list[dict[str, Any]], tool: str, version: int) -> dict[str, Any]:
    """A fresh step of `tool` with an id no other step has; its parameters start empty."""
    taken = {s["id"] for s in draft}
    n = 1
    while f"{tool}_{n}" in taken:
        n += 1
    uids = {s["uid"] for s in draft}
    u = len(draft)
    while f"v{version}-{u}" in uids:
        u += 1
    return {
        "id": f"{tool}_{n}",
        "tool": tool,
        "params": {},
        "input": DATA_INPUT,
        "primary": False,
        "note": "added by you",
        "uid": f"v{version}-{u}",
    }


def columns_for(role: str, profile: SchemaProfile) -> list[str]:
    """The table's columns a parameter of `role` accepts (the validator's own role table)."""
    allowed = ROLE_OK.get(role, ROLE_OK["any"])
    return [c.name for c in profile.columns if c.role in allowed]


def _field_info(spec: ToolSpec, name: str) -> tuple[dict[str, Any], bool]:
    """(the parameter's JSON schema with refs/anyOf flattened, whether it is required)."""
    schema = spec.param_schema()
    prop = dict(schema.get("properties", {}).get(name, {}))
    for option in prop.pop("anyOf", []):
        if option.get("type") != "null":
            prop.update(option)
    if "$ref" in prop:
        prop.update(schema.get("$defs", {}).get(prop.pop("$ref").split("/")[-1], {}))
    return prop, name in schema.get("required", [])


def param_widgets(
    step: dict[str, Any], profile: SchemaProfile | None, input_columns: list[str] | None
) -> dict[str, Any]:
    """One widget per parameter of the step's tool; returns the parameters as edited.

    Column parameters offer only the columns their role accepts (all columns of an earlier
    step's output when the step reads one). Other parameters get a widget by JSON type;
    lists and objects are edited as JSON text.
    """
    spec = get_tool(step["tool"])
    if spec is None:
        st.caption(f"Unknown tool {step['tool']!r}: this step will be left out.")
        return dict(step["params"])
    params = dict(step["params"])
    column_params = spec.column_params()
    cols = st.columns(3)
    for i, name in enumerate(spec.params_model.model_fields):
        key = f"param:{step['uid']}:{name}"
        with cols[i % 3]:
            if name in column_params:
                role, multiple = column_params[name]
                options = (
                    input_columns
                    if input_columns is not None
                    else columns_for(role, profile)
                    if profile
                    else []
                )
                params[name] = _column_widget(spec, name, role, multiple, options, params, key)
            else:
                params[name] = _value_widget(spec, name, params, key)
    return params


def _column_widget(
    spec: ToolSpec,
    name: str,
    role: str,
    multiple: bool,
    options: list[str],
    params: dict[str, Any],
    key: str,
) -> Any:
    current = params.get(name)
    _, required = _field_info(spec, name)
    help_text = f"A {role} column." if role != "any" else "Any column."
    if multiple:
        chosen = [c for c in (current or []) if c in options] if isinstance(current, list) else []
        extra = (
            [c for c in (current or []) if c not in options] if isinstance(current, list) else []
        )
        return st.multiselect(
            name, [*options, *extra], default=chosen + extra, key=key, help=help_text
        )
    choices = list(options)
    if isinstance(current, str) and current not in choices:
        choices.append(current)  # keep an invalid value visible so validation can explain it
    if not required:
        choices.insert(0, NO_COLUMN)
    if not choices:
        st.caption(f"{name}: no {role} column in this table")
        return current
    index = choices.index(current) if isinstance(current, str) and current in choices else 0
    value = st.selectbox(name, choices, index=index, key=key, help=help_text)
    return None if value == NO_COLUMN else value


def _value_widget(spec: ToolSpec, name: str, params: dict[str, Any], key: str) -> Any:
    prop, required = _field_info(spec, name)
    field = spec.params_model.model_fields[name]
    default = None if field.is_required() else field.get_default(call_default_factory=True)
    current = params.get(name, default)
    help_text = prop.get("description") or None
    if "enum" in prop:
        options = list(prop["enum"])
        index = options.index(current) if current in options else 0
        return st.selectbox(name, options, index=index, key=key, help=help_text)
    kind = prop.get("type")
    if kind == "boolean":
        return st.checkbox(name, value=bool(current), key=key, help=help_text)
    if kind == "integer" and (current is None or isinstance(current, int)):
        value = st.number_input(name, value=current, step=1, key=key, help=help_text)
        return None if value is None else int(value)
    if kind == "number" and (current is None or isinstance(current, (int, float))):
        return st.number_input(
            name, value=None if current is None else float(current), key=key, help=help_text
        )
    if kind == "string":
        text = st.text_input(
            name, value="" if current is None else str(current), key=key, help=help_text
        )
        return text if text or required else None
    text = st.text_input(
        name, value=json.dumps(current, default=str), key=key, help=(help_text or "") + " (JSON)"
    )
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text  # validation explains what is wrong with it
