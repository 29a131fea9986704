"""Plan editing helpers: the editable draft of a plan, and parameter widgets built from the registry.

A draft is a list of plain dicts (one per step) with a stable `uid`, so widgets keep their state
when steps move. Validity is never decided here: the draft goes through planner.revalidate.
"""

from __future__ import annotations

import json
from typing import Any

import pandas as pd
import streamlit as st

from autoviz_core.data.profiling import SchemaProfile
from autoviz_core.plan import DATA_INPUT, Plan, PlanStep
from autoviz_core.planning.validation import param_group
from autoviz_core.tools.registry import ToolSpec, get_tool
from autoviz_core.wording import FILTER_OP_WORDS
from ui.wording import operator_label, option_label, param_label

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
        "origin": "user_added",
        "uid": f"v{version}-{u}",
    }


def columns_for(role: str, profile: SchemaProfile) -> list[str]:
    """The table's columns a parameter of `role` accepts (the validator's own role table)."""
    return profile.group(param_group(role))


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
    step: dict[str, Any],
    profile: SchemaProfile | None,
    input_columns: list[str] | None,
    df: pd.DataFrame | None = None,
) -> dict[str, Any]:
    """One labelled widget per parameter of the step's tool; returns the parameters as edited.

    Column parameters offer only the columns their role accepts (all columns of an earlier
    step's output when the step reads one). Filters are rows of column / operator / value.
    Other parameters get a widget by JSON type; what has no widget is edited as JSON text.
    """
    spec = get_tool(step["tool"])
    if spec is None:
        st.caption(f"Unknown tool {step['tool']!r}: this step will be left out.")
        return dict(step["params"])
    params = dict(step["params"])
    column_params = spec.column_params()
    fields = [n for n in spec.params_model.model_fields if n not in FILTER_PARAMS]
    cols = st.columns(3)
    for i, name in enumerate(fields):
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
    for name in FILTER_PARAMS:
        if name in spec.params_model.model_fields:
            names = (
                input_columns if input_columns is not None else (profile.names() if profile else [])
            )
            params[name] = filter_rows(step, name, names, profile, df)
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
    label = param_label(name)
    if multiple:
        chosen = [c for c in (current or []) if c in options] if isinstance(current, list) else []
        extra = (
            [c for c in (current or []) if c not in options] if isinstance(current, list) else []
        )
        return st.multiselect(
            label, [*options, *extra], default=chosen + extra, key=key, help=help_text
        )
    choices = list(options)
    if isinstance(current, str) and current not in choices:
        choices.append(current)  # keep an invalid value visible so validation can explain it
    if not required:
        choices.insert(0, NO_COLUMN)
    if not choices:
        st.caption(f"{label}: no {role} column in this table")
        return current
    index = choices.index(current) if isinstance(current, str) and current in choices else 0
    value = st.selectbox(label, choices, index=index, key=key, help=help_text)
    return None if value == NO_COLUMN else value


def _value_widget(spec: ToolSpec, name: str, params: dict[str, Any], key: str) -> Any:
    prop, required = _field_info(spec, name)
    field = spec.params_model.model_fields[name]
    default = None if field.is_required() else field.get_default(call_default_factory=True)
    current = params.get(name, default)
    help_text = prop.get("description") or None
    label = param_label(name)
    if "enum" in prop:
        options = list(prop["enum"])
        index = options.index(current) if current in options else 0
        return st.selectbox(
            label,
            options,
            index=index,
            key=key,
            help=help_text,
            format_func=lambda v: option_label(name, v),
        )
    kind = prop.get("type")
    if kind == "boolean":
        return st.checkbox(label, value=bool(current), key=key, help=help_text)
    if kind == "integer" and (current is None or isinstance(current, int)):
        value = st.number_input(label, value=current, step=1, key=key, help=help_text)
        return None if value is None else int(value)
    if kind == "number" and (current is None or isinstance(current, (int, float))):
        return st.number_input(
            label, value=None if current is None else float(current), key=key, help=help_text
        )
    if kind == "string":
        text = st.text_input(
            label, value="" if current is None else str(current), key=key, help=help_text
        )
        return text if text or required else None
    text = st.text_input(
        label, value=json.dumps(current, default=str), key=key, help=(help_text or "") + " (JSON)"
    )
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text  # validation explains what is wrong with it


# ---------------------------------------------------------------- filters as rows
FILTER_PARAMS = ("filters", "conditions", "counted")
MAX_LISTED_VALUES = 60  # categories offered in a dropdown; more are typed


def _rows_key(uid: str, name: str) -> str:
    return f"filter_rows:{uid}:{name}"


def _row_ids(uid: str, name: str, count: int) -> list[int]:
    """Stable ids for the filter rows, so removing one row never shifts another's widgets."""
    key = _rows_key(uid, name)
    ids = st.session_state.get(key)
    if not isinstance(ids, list) or len(ids) != count:
        ids = list(range(count))
        st.session_state[key] = ids
    return list(ids)


def _draft_step(uid: str) -> dict[str, Any] | None:
    return next((s for s in st.session_state.get("draft") or [] if s["uid"] == uid), None)


def add_filter_row(uid: str, name: str, column: str, value: Any) -> None:
    step = _draft_step(uid)
    if step is None:
        return
    rows = list(step["params"].get(name) or [])
    ids = _row_ids(uid, name, len(rows))
    rows.append({"column": column, "op": "eq", "value": value})
    ids.append(max(ids, default=-1) + 1)
    step["params"] = {**step["params"], name: rows}
    st.session_state[_rows_key(uid, name)] = ids


def remove_filter_row(uid: str, name: str, index: int) -> None:
    step = _draft_step(uid)
    if step is None:
        return
    rows = list(step["params"].get(name) or [])
    ids = _row_ids(uid, name, len(rows))
    if 0 <= index < len(rows):
        rows.pop(index)
        ids.pop(index)
    step["params"] = {**step["params"], name: rows}
    st.session_state[_rows_key(uid, name)] = ids


def _listed_values(
    column: str, profile: SchemaProfile | None, df: pd.DataFrame | None
) -> list[Any] | None:
    """The column's values for a dropdown, or None when they should be typed."""
    col = profile.column(column) if profile else None
    if df is None or col is None or column not in df.columns:
        return None
    if col.role not in ("categorical", "boolean") or col.cardinality > MAX_LISTED_VALUES:
        return None
    values = [v.item() if hasattr(v, "item") else v for v in df[column].dropna().unique()]
    return sorted(values, key=lambda v: str(v))


def filter_rows(
    step: dict[str, Any],
    name: str,
    columns: list[str],
    profile: SchemaProfile | None,
    df: pd.DataFrame | None,
) -> list[dict[str, Any]]:
    """The step's filters as rows of column / operator / value, with add and remove buttons."""
    uid = step["uid"]
    current = step["params"].get(name)
    rows = [r for r in current if isinstance(r, dict)] if isinstance(current, list) else []
    ids = _row_ids(uid, name, len(rows))
    st.markdown(f"**{param_label(name)}**" + ("" if rows else " — no filter: every row is used"))
    out: list[dict[str, Any]] = []
    for index, (row, rid) in enumerate(zip(rows, ids, strict=True)):
        base = f"filter:{uid}:{name}:{rid}"
        c_col, c_op, c_val, c_drop = st.columns([3, 2, 3, 1], vertical_alignment="bottom")
        options = list(columns)
        if row.get("column") not in options and row.get("column"):
            options.append(str(row["column"]))  # keep an unknown column visible for validation
        column = c_col.selectbox(
            "Column",
            options,
            index=options.index(row["column"]) if row.get("column") in options else 0,
            key=f"{base}:column",
            label_visibility="visible" if index == 0 else "collapsed",
        )
        ops = list(FILTER_OP_WORDS)
        op = c_op.selectbox(
            "Operator",
            ops,
            index=ops.index(row["op"]) if row.get("op") in ops else 0,
            format_func=operator_label,
            key=f"{base}:op",
            label_visibility="visible" if index == 0 else "collapsed",
        )
        # A value belongs to its column: another column starts from that column's values.
        current_value = row.get("value") if column == row.get("column") else None
        with c_val:
            value = _filter_value(
                current_value, column, op, profile, df, f"{base}:value:{column}:{op}", index
            )
        c_drop.button(
            "✕",
            key=f"{base}:remove",
            on_click=remove_filter_row,
            args=(uid, name, index),
            help="Remove this filter",
            type="tertiary",
        )
        out.append({"column": column, "op": op, "value": value})
    # A new row starts on the first column whose values can be picked from a list.
    first = next(
        (c for c in columns if _listed_values(c, profile, df)), columns[0] if columns else ""
    )
    listed = _listed_values(first, profile, df) if first else None
    st.button(
        "Add a filter",
        key=f"filter:{uid}:{name}:add",
        on_click=add_filter_row,
        args=(uid, name, first, listed[0] if listed else ""),
        icon=":material/add:",
        type="tertiary",
    )
    return out


def _filter_value(
    current: Any,
    column: str,
    op: str,
    profile: SchemaProfile | None,
    df: pd.DataFrame | None,
    key: str,
    index: int,
) -> Any:
    visibility = "visible" if index == 0 else "collapsed"
    listed = _listed_values(column, profile, df)
    col = profile.column(column) if profile else None
    numeric = col is not None and col.role == "numeric"
    if listed is not None and op == "in":
        chosen = [v for v in (current if isinstance(current, list) else [current]) if v in listed]
        return st.multiselect("Value", listed, default=chosen, key=key, label_visibility=visibility)
    if listed is not None and op in ("eq", "ne"):
        options = listed if current in listed or current in (None, "") else [*listed, current]
        position = options.index(current) if current in options else 0
        return st.selectbox(
            "Value", options, index=position, key=key, label_visibility=visibility, format_func=str
        )
    if numeric and op in ("eq", "ne", "gt", "ge", "lt", "le"):
        number = _number(current)
        value = st.number_input("Value", value=number, key=key, label_visibility=visibility)
        return int(value) if value is not None and float(value).is_integer() else value
    text = st.text_input(
        "Value",
        value=", ".join(map(str, current)) if isinstance(current, list) else str(current or ""),
        key=key,
        label_visibility=visibility,
        help="Several values (is one of) or a range (is between): separate them with commas.",
    )
    if op in ("in", "between"):
        parts = [p.strip() for p in text.split(",") if p.strip()]
        return [_number(p) if numeric and _number(p) is not None else p for p in parts]
    if numeric and _number(text) is not None:
        return _number(text)
    return text


def _number(value: Any) -> float | int | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return int(number) if number.is_integer() else number
