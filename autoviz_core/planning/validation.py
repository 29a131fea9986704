"""Validate every tool call against its tool's parameter model and this table; repair what is safe.

Safe repairs (recorded): a column named with different case or separators, an unknown
parameter dropped, a list parameter given as one string, and a value that does not validate
dropped (a filter whose value cannot be compared with its column, e.g. free text where a number
is needed; a parameter with a default whose value does not fit). A model's bad value is
never fatal to the step. Anything else rejects the step with a reason. What leaves this module
has no "auto", no unknown tool and no unknown column.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Literal, get_args, get_origin

from pydantic import ValidationError

from autoviz_core.data.profiling import ColumnGroup, ColumnProfile, SchemaProfile
from autoviz_core.plan import DATA_INPUT, Plan, PlanStep
from autoviz_core.planning.templates import AUTO
from autoviz_core.planning.text import norm
from autoviz_core.tools.common import FilterCondition, FilterKind, condition_value_problem
from autoviz_core.tools.registry import ToolSpec, get_tool

NoteLevel = Literal["repaired", "rejected", "info"]
MAX_STEPS = 30
FILTER_PARAMS = ("filters", "conditions", "counted")
MAX_FILTERS_DROPPED = 10  # bounds the drop-and-revalidate loop beyond one pass per parameter


@dataclass(frozen=True)
class PlanNote:
    """One validation outcome a reviewer should see."""

    step_id: str
    level: NoteLevel
    message: str

    def text(self) -> str:
        return f"[{self.level}] {self.step_id}: {self.message}"


def match_column(name: Any, profile: SchemaProfile) -> tuple[str | None, bool]:
    """(the table's column, whether a repair was needed) or (None, False) when no column fits."""
    if not isinstance(name, str):
        return None, False
    names = profile.names()
    if name in names:
        return name, False
    lowered = {n.lower(): n for n in names}
    if name.lower() in lowered:
        return lowered[name.lower()], True
    normalised = {norm(n): n for n in names}
    key = norm(name)
    if key and key in normalised:
        return normalised[key], True
    return None, False


# The column group (data/profiling.py) a tool parameter of each role accepts. A "groupable"
# parameter takes any column here: the resolver, not the validator, picks readable groupings.
PARAM_GROUPS: dict[str, ColumnGroup] = {
    "numeric": "numeric_or_id",
    "temporal": "temporal",
    "categorical": "category_like",
    "groupable": "any",
    "any": "any",
}


def param_group(role: str) -> ColumnGroup:
    """The column group a parameter of `role` accepts (any column for an unknown role)."""
    return PARAM_GROUPS.get(role, "any")


def _check_role(column: str, role: str, profile: SchemaProfile) -> str | None:
    col = profile.column(column)
    if col is None:
        return f"column {column!r} does not exist"
    if col.in_group("identifier") and role == "numeric" and col.dtype in ("str", "object"):
        return f"column {column!r} is text, a number is needed"
    if not col.in_group(param_group(role)):
        return f"column {column!r} is {col.role}, the parameter needs a {role} column"
    return None


def coerce_param(spec: ToolSpec, name: str, value: Any) -> Any:
    """Model parameters arrive as strings: turn them into the type the tool declares."""
    if not isinstance(value, str):
        return value
    field = spec.params_model.model_fields.get(name)
    if field is None:
        return value
    ann = field.annotation
    origin = get_origin(ann)
    text = value.strip()
    if origin is list:
        if text.startswith("["):
            try:
                parsed = json.loads(text)
                return parsed if isinstance(parsed, list) else [parsed]
            except json.JSONDecodeError:
                pass
        return [p.strip() for p in text.split(",") if p.strip()]
    if ann in (int, float) or int in get_args(ann) or float in get_args(ann):
        try:
            number = float(text)
            return (
                int(number)
                if ann is int or (int in get_args(ann) and number.is_integer())
                else number
            )
        except ValueError:
            return value
    if ann is bool:
        return text.lower() in ("true", "1", "yes", "y")
    if text.lower() in ("none", "null", "") and type(None) in get_args(ann):
        return None
    return value


def validate_step(
    step: PlanStep, profile: SchemaProfile, known_steps: set[str], *, strict: bool = False
) -> tuple[PlanStep | None, list[PlanNote]]:
    """The step made valid (with repair notes), or None with the reason it was rejected.

    `strict` (a person's edits): a value that does not validate is an error to show, never
    silently replaced by the default; a model's bad value is dropped (not strict)."""
    notes: list[PlanNote] = []
    spec = get_tool(step.tool)
    if spec is None:
        return None, [PlanNote(step.id, "rejected", f"unknown tool {step.tool!r}")]
    if step.input != DATA_INPUT and step.input not in known_steps:
        return None, [PlanNote(step.id, "rejected", f"input {step.input!r} is not an earlier step")]
    params: dict[str, Any] = {}
    for name, value in step.params.items():
        if name not in spec.params_model.model_fields:
            notes.append(PlanNote(step.id, "repaired", f"dropped unknown parameter {name!r}"))
            continue
        if _contains_auto(value):
            return None, [
                *notes,
                PlanNote(step.id, "rejected", f"parameter {name!r} is still 'auto'"),
            ]
        params[name] = coerce_param(spec, name, value)
    if step.input == DATA_INPUT:
        params, col_notes, error = _check_columns(step, spec, params, profile)
        notes += col_notes
        if error:
            return None, [*notes, PlanNote(step.id, "rejected", error)]
    for _ in range(len(params) + MAX_FILTERS_DROPPED):
        try:
            model = spec.params_model.model_validate(params)
        except ValidationError as exc:
            err = exc.errors()[0]
            where = ".".join(str(p) for p in err["loc"])
            dropped = None if strict else _drop_invalid(spec, params, err["loc"])
            if dropped is None:
                return None, [*notes, PlanNote(step.id, "rejected", f"{where}: {err['msg']}")]
            notes.append(
                PlanNote(step.id, "repaired", f"dropped {dropped} ({where}: {err['msg']})")
            )
            continue
        clean = model.model_dump(mode="json", exclude_defaults=False)
        return step.model_copy(update={"params": clean}), notes
    return None, [*notes, PlanNote(step.id, "rejected", "too many invalid parameters")]


def _drop_invalid(spec: ToolSpec, params: dict[str, Any], loc: tuple[Any, ...]) -> str | None:
    """Remove the value an error points at when the step stays meaningful without it.

    One filter of a list, or a parameter that has a default; None when neither applies
    (a required parameter cannot be dropped).
    """
    name = loc[0] if loc else None
    if not isinstance(name, str) or name not in params:
        return None
    if name in FILTER_PARAMS and len(loc) > 1 and isinstance(loc[1], int):
        items = params[name]
        if isinstance(items, list) and 0 <= loc[1] < len(items):
            removed = items.pop(loc[1])
            return f"filter {removed!r}"
    field = spec.params_model.model_fields.get(name)
    if field is None or field.is_required():
        return None
    removed = params.pop(name)
    return f"the value {str(removed)[:80]!r} of {name!r}, the default is used"


def _contains_auto(value: Any) -> bool:
    if isinstance(value, str):
        return value == AUTO
    if isinstance(value, list):
        return any(_contains_auto(v) for v in value)
    if isinstance(value, dict):
        return any(_contains_auto(v) for v in value.values())
    return False


def _check_columns(
    step: PlanStep, spec: ToolSpec, params: dict[str, Any], profile: SchemaProfile
) -> tuple[dict[str, Any], list[PlanNote], str | None]:
    notes: list[PlanNote] = []
    for name, (role, multiple) in spec.column_params().items():
        if name not in params or params[name] is None:
            continue
        values = params[name] if multiple else [params[name]]
        if not isinstance(values, list):
            values = [values]
        fixed = []
        for value in values:
            col, repaired = match_column(value, profile)
            if col is None:
                return params, notes, f"{name}: column {value!r} does not exist in this table"
            if repaired:
                notes.append(PlanNote(step.id, "repaired", f"{name}: {value!r} -> {col!r}"))
            problem = _check_role(col, role, profile)
            if problem:
                return params, notes, f"{name}: {problem}"
            fixed.append(col)
        params[name] = fixed if multiple else fixed[0]
    for key in FILTER_PARAMS:
        if isinstance(params.get(key), list):
            params[key], problem = _check_filters(step, params[key], profile, notes)
            if problem:
                return params, notes, problem
    return params, notes, None


def _check_filters(
    step: PlanStep, filters: list[Any], profile: SchemaProfile, notes: list[PlanNote]
) -> tuple[list[Any], str | None]:
    out = []
    for f in filters:
        if not isinstance(f, dict):
            return filters, "a filter must be an object with column, op and value"
        col, repaired = match_column(f.get("column"), profile)
        if col is None:
            return filters, f"filter column {f.get('column')!r} does not exist in this table"
        if repaired:
            notes.append(PlanNote(step.id, "repaired", f"filter column -> {col!r}"))
        problem = _filter_value_problem({**f, "column": col}, profile)
        if problem:
            notes.append(PlanNote(step.id, "repaired", f"dropped filter: {problem}"))
            continue
        out.append({**f, "column": col})
    return out, None


def filter_kind(column: ColumnProfile) -> FilterKind:
    """How execution compares a column's values (by dtype, as `condition_mask` does)."""
    dtype = column.dtype.lower()
    if dtype.startswith("bool"):
        return "boolean"
    if dtype.startswith(("int", "uint", "float", "double")):
        return "numeric"
    if dtype.startswith(("datetime", "timestamp")):
        return "temporal"
    return "text"


def _filter_value_problem(f: dict[str, Any], profile: SchemaProfile) -> str | None:
    """Why a filter's value cannot be used on its column; a malformed filter is left to
    the tool's parameter model (its error is handled like any other)."""
    column = profile.column(f["column"])
    try:
        cond = FilterCondition.model_validate(f)
    except ValidationError:
        return None
    if column is None:
        return None
    return condition_value_problem(cond, filter_kind(column))


def validate_plan(
    plan: Plan, profile: SchemaProfile, *, strict: bool = False
) -> tuple[Plan, list[PlanNote]]:
    """Every step validated in order; rejected steps are dropped (with the reason)."""
    notes: list[PlanNote] = []
    kept: list[PlanStep] = []
    seen: set[str] = set()
    for step in plan.steps[:MAX_STEPS]:
        if step.id in seen:
            notes.append(PlanNote(step.id, "rejected", "duplicate step id"))
            continue
        valid, step_notes = validate_step(step, profile, seen, strict=strict)
        notes += step_notes
        if valid is not None:
            kept.append(valid)
            seen.add(valid.id)
    if len(plan.steps) > MAX_STEPS:
        notes.append(PlanNote("plan", "rejected", f"only the first {MAX_STEPS} steps are kept"))
    return Plan(steps=kept), notes
