"""Pydantic models of everything a model may emit, with builders that put THIS table into enums.

One definition feeds all three backends: the JSON schema (vLLM's xgrammar), the GBNF grammar
(llama.cpp) and the prompt-plus-validation loop (gpt4all). Decision fields come first and a
short rationale last, so the decision is decoded before the model starts to ramble.
Schemas stay in the subset every engine honours: flat objects, enums, required fields,
arrays with maxItems, no $ref, no numeric bounds (integers are clamped after validation).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Sequence
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, create_model

from autoviz_core.vocabulary import (
    AGGREGATIONS,
    ANSWER_KINDS,
    ANSWER_METHODS,
    CHART_KINDS,
    DIRECTIONS,
    EXTREME_SCOPES,
    GROUP_AGGREGATIONS,
    INTENTS,
    MODEL_FILTER_OPS,
    SORT_BY,
    SORT_DIR,
    STATISTICS,
    TIME_GRAINS,
    RequestFilterOp,
)

NONE = "none"  # the enum member meaning "no column" / "not asked"
RATIONALE_MAX_CHARS = 240
RATIONALE_SCHEMA_CHARS = 120  # grammar bound: a small model otherwise rambles until max_tokens
REASON_SCHEMA_CHARS = 80  # one plan change's reason; up to MAX_CHANGES of them per answer
MAX_FILTERS = 3
MAX_CHANGES = 3  # a reviewer reads every change; a small model adds noise past a few
MAX_CHANGE_PARAMS = 4
MAX_LIMIT = 1000
# A filter or parameter value is a short literal ("North", "2007", "region"); the bound is in
# the schema (llama.cpp and xgrammar stop the string there) and enforced on validation, so a
# small model's free text ('); // filter by ...') cannot run to the token budget.
VALUE_MAX_CHARS = 80

CHANGE_ACTIONS: tuple[str, ...] = ("add", "remove", "modify")


def _short(text: str) -> str:
    """Keep rationales bounded without a schema length bound (not every engine enforces one)."""
    return " ".join(text.split())[:RATIONALE_MAX_CHARS]


Rationale = Annotated[
    str,
    AfterValidator(_short),
    Field(json_schema_extra={"maxLength": RATIONALE_SCHEMA_CHARS}),
]


def _clamp_limit(value: int) -> int:
    return max(0, min(MAX_LIMIT, value))


# Why one plan change is made: inside the change, so an answer without changes has no reason
# to write (the reviewer is never shown one), and each change a reviewer reads carries its own.
Reason = Annotated[
    str,
    AfterValidator(_short),
    Field(json_schema_extra={"maxLength": REASON_SCHEMA_CHARS}),
]
Limit = Annotated[int, AfterValidator(_clamp_limit)]
ValueText = Annotated[str, Field(max_length=VALUE_MAX_CHARS)]


class Contract(BaseModel):
    """Base of every model output: unknown keys are an error (the grammar never emits them)."""

    model_config = ConfigDict(extra="forbid")


def _enum(values: Sequence[str]) -> Any:
    """A Literal type over `values` (deduplicated, order kept) for use in create_model."""
    unique = tuple(dict.fromkeys(values))
    if not unique:
        raise ValueError("an enum needs at least one value")
    return Literal[unique]  # type: ignore[valid-type]


# ---------------------------------------------------------------- intent
def intent_contract(labels: Sequence[str] = INTENTS) -> type[Contract]:
    """The intent choice, limited to `labels` (the cues may narrow the five to fewer)."""
    return create_model(
        "IntentChoice",
        __base__=Contract,
        intent=(_enum(labels), ...),
        rationale=(Rationale, ""),
    )


# ---------------------------------------------------------------- choice among candidates
def choice_contract(options: Sequence[str]) -> type[Contract]:
    """Pick one of the planner's top candidate requests, named in plain words (hybrid mode)."""
    return create_model(
        "CandidateChoice",
        __base__=Contract,
        choice=(_enum(options), ...),
        rationale=(Rationale, ""),
    )


NUMBERED_CHOICE = "NumberedChoice"
MAX_NUMBERED_OPTIONS = 9  # one digit: the answer is a single token


def numbered_choice_contract(count: int) -> type[Contract]:
    """Pick one of `count` numbered options (1..count, at most 9): the one question a small
    model without a grammar answers validly, in one token. The options are in the prompt."""
    if not 1 <= count <= MAX_NUMBERED_OPTIONS:
        raise ValueError(f"a numbered choice has 1 to {MAX_NUMBERED_OPTIONS} options, not {count}")
    return create_model(
        NUMBERED_CHOICE,
        __base__=Contract,
        number=(_enum([str(n) for n in range(1, count + 1)]), ...),
    )


# ---------------------------------------------------------------- request
def request_contract(
    columns: Sequence[str],
    *,
    x_columns: Sequence[str] | None = None,
    y_columns: Sequence[str] | None = None,
    color_columns: Sequence[str] | None = None,
    filter_columns: Sequence[str] | None = None,
    charts: Sequence[str] = CHART_KINDS,
    aggregations: Sequence[str] = AGGREGATIONS,
) -> type[Contract]:
    """The structured analysis request over this table's columns (optionally narrowed)."""
    cols = list(columns)
    filt = create_model(
        "RequestFilter",
        __base__=Contract,
        column=(_enum(list(filter_columns or cols) or [NONE]), ...),
        op=(_enum(MODEL_FILTER_OPS), ...),
        value=(ValueText, ...),
    )
    return create_model(
        "AnalysisRequest",
        __base__=Contract,
        chart=(_enum(charts), ...),
        x=(_enum([*(x_columns if x_columns is not None else cols), NONE]), ...),
        y=(_enum([*(y_columns if y_columns is not None else cols), NONE]), ...),
        agg=(_enum(aggregations), ...),
        color=(_enum([*(color_columns if color_columns is not None else cols), NONE]), NONE),
        time_grain=(_enum(TIME_GRAINS), NONE),
        filters=(list[filt], Field(default_factory=list, max_length=MAX_FILTERS)),  # type: ignore[valid-type]
        sort_by=(_enum(SORT_BY), NONE),
        sort_dir=(_enum(SORT_DIR), "desc"),
        limit=(Limit, 0),
        rationale=(Rationale, ""),
    )


class RequestFilter(BaseModel):
    """A filter in a request, independent of any table (what the planner works with)."""

    column: str
    op: RequestFilterOp
    value: Any


class AnalysisRequest(BaseModel):
    """The table-independent form of the request contract, used inside the planner.

    The word fields stay `str` (the contract above holds them to vocabulary.py): a follow-up
    writes the question's own grain word into them ("by decade"), and the ranking's candidates
    carry plain strings; a Literal here would turn those into validation errors.
    """

    chart: str = "bar"
    x: str | None = None
    y: str | None = None
    measures: list[str] = Field(default_factory=list)  # more value columns, one series each
    agg: str = "none"
    color: str | None = None
    time_grain: str = NONE
    filters: list[RequestFilter] = Field(default_factory=list)
    sort_by: str = NONE
    sort_dir: str = "desc"
    limit: int = 0
    rationale: str = ""

    @classmethod
    def from_contract(cls, obj: BaseModel) -> AnalysisRequest:
        """Turn a validated contract object ("none" sentinels) into a request (None values)."""
        data = obj.model_dump()
        for key in ("x", "y", "color"):
            if data.get(key) == NONE:
                data[key] = None
        return cls.model_validate(data)


# ---------------------------------------------------------------- answer
MAX_PERIODS = 2
MAX_GROUPS = 2


def answer_contract(
    columns: Sequence[str],
    *,
    kinds: Sequence[str] = ANSWER_KINDS,
    filter_columns: Sequence[str] | None = None,
) -> type[Contract]:
    """What value the question asks for, over this table's columns (model modes).

    One flat object for every kind (the grammar subset every engine honours): `kind` first,
    then the fields the kinds use; a field a kind does not use is "none" / empty.
    """
    cols = [*columns, NONE]
    filt = create_model(
        "AnswerFilter",
        __base__=Contract,
        column=(_enum(list(filter_columns or columns) or [NONE]), ...),
        op=(_enum(MODEL_FILTER_OPS), ...),
        value=(ValueText, ...),
    )
    return create_model(
        "AnswerChoice",
        __base__=Contract,
        kind=(_enum(kinds), ...),
        stat=(_enum([*STATISTICS, NONE]), NONE),
        column=(_enum(cols), NONE),
        column2=(_enum(cols), NONE),
        group_by=(_enum(cols), NONE),
        agg=(_enum([*GROUP_AGGREGATIONS, NONE]), NONE),
        time_grain=(_enum(TIME_GRAINS), NONE),
        quantile=(Limit, 0),
        method=(_enum(ANSWER_METHODS), "default"),
        direction=(_enum(DIRECTIONS), "max"),
        scope=(_enum(EXTREME_SCOPES), "group"),
        filters=(list[filt], Field(default_factory=list, max_length=MAX_FILTERS)),  # type: ignore[valid-type]
        conditions=(list[filt], Field(default_factory=list, max_length=MAX_FILTERS)),  # type: ignore[valid-type]
        groups=(list[ValueText], Field(default_factory=list, max_length=MAX_GROUPS)),
        periods=(list[ValueText], Field(default_factory=list, max_length=MAX_PERIODS)),
        rationale=(Rationale, ""),
    )


class AnswerRequest(BaseModel):
    """The table-independent form of the answer contract, used inside the planner.

    kind "chart" means the chart request answers the question; every other kind is computed
    by its tool in tools/answers.py and stated first, with an evidence chart beside it.
    """

    kind: str = "chart"
    stat: str = NONE  # statistic: which one (vocabulary.STATISTICS)
    column: str | None = None  # the measured column (a relation's first, a test's measure)
    column2: str | None = None  # a relation's second column
    group_by: str | None = None  # a test's groups, an extreme's groups, a change's periods
    agg: str = NONE  # extreme over groups, change: how a group's or period's rows combine
    time_grain: str = NONE  # extreme or change over a date column: its period
    quantile: int = 0  # statistic quantile: the percent
    method: str = "default"  # a relation's, a normality test's or a group test's method
    direction: str = "max"  # extreme: highest or lowest
    scope: str = "group"  # extreme: a group, or the single row
    filters: list[RequestFilter] = Field(default_factory=list)  # the rows it is computed on
    conditions: list[RequestFilter] = Field(default_factory=list)  # count / share: rows counted
    groups: list[Any] = Field(default_factory=list)  # a test's two named groups (else all)
    periods: list[str] = Field(default_factory=list)  # a change's two periods
    labels: list[str] = Field(default_factory=list)  # an extreme row: the columns naming it
    reason: str = ""  # unsupported: what could not be expressed
    rationale: str = ""

    def signature(self) -> tuple[Any, ...]:
        """What makes two readings different answers for the person."""
        return (
            self.kind, self.stat, self.column, self.column2, self.group_by, self.agg,
            self.time_grain, self.quantile, self.method, self.direction, self.scope,
        )  # fmt: skip

    @classmethod
    def from_contract(cls, obj: BaseModel) -> AnswerRequest:
        """A validated contract object ("none" sentinels) as a request (None values)."""
        data = obj.model_dump()
        for key in ("column", "column2", "group_by"):
            if data.get(key) == NONE:
                data[key] = None
        return cls.model_validate(data)


# ---------------------------------------------------------------- adaptation
def adaptation_contract(
    step_ids: Sequence[str], tool_names: Sequence[str], param_names: Sequence[str]
) -> type[Contract]:
    """Plan changes: add a registry tool, remove or modify a template step, with string params.

    Parameter values are strings on purpose: one flat shape for every tool keeps the grammar
    small; the ParamResolver converts and validates them against the tool's own model. Each
    change ends with its reason and there is no plan-level rationale: most answers propose
    nothing, and `{"changes": []}` then ends the answer after a handful of tokens.
    """
    param = create_model(
        "ParamValue",
        __base__=Contract,
        name=(_enum(param_names), ...),
        value=(ValueText, ...),
    )
    change = create_model(
        "PlanChange",
        __base__=Contract,
        action=(_enum(CHANGE_ACTIONS), ...),
        step_id=(_enum([*step_ids, "new"]), ...),
        tool=(_enum([*tool_names, NONE]), NONE),
        params=(list[param], Field(default_factory=list, max_length=MAX_CHANGE_PARAMS)),  # type: ignore[valid-type]
        reason=(Reason, ""),
    )
    return create_model(
        "PlanAdaptation",
        __base__=Contract,
        changes=(list[change], Field(default_factory=list, max_length=MAX_CHANGES)),  # type: ignore[valid-type]
    )


# ---------------------------------------------------------------- schema export
def _inline_refs(node: Any, defs: dict[str, Any]) -> Any:
    if isinstance(node, dict):
        if "$ref" in node:
            name = node["$ref"].split("/")[-1]
            return _inline_refs(copy.deepcopy(defs[name]), defs)
        return {k: _inline_refs(v, defs) for k, v in node.items() if k != "$defs"}
    if isinstance(node, list):
        return [_inline_refs(v, defs) for v in node]
    return node


def _strip_titles(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _strip_titles(v) for k, v in node.items() if k not in ("title", "default")}
    if isinstance(node, list):
        return [_strip_titles(v) for v in node]
    return node


def contract_json_schema(contract: type[BaseModel]) -> dict[str, Any]:
    """The engine-portable JSON schema: refs inlined, titles/defaults dropped, every field required.

    Requiring every field makes the constrained decoders emit the whole object, so the output
    is identical in shape across engines and nothing depends on a decoder's default handling.
    """
    raw = contract.model_json_schema()
    schema = _strip_titles(_inline_refs(raw, raw.get("$defs", {})))
    _require_all(schema)
    schema["additionalProperties"] = False
    return schema  # type: ignore[no-any-return]


def _require_all(node: Any) -> None:
    if isinstance(node, dict):
        if node.get("type") == "object" and "properties" in node:
            node["required"] = list(node["properties"])
            node["additionalProperties"] = False
        for value in node.values():
            _require_all(value)
    elif isinstance(node, list):
        for value in node:
            _require_all(value)


def contract_schema_text(contract: type[BaseModel]) -> str:
    """The schema as canonical JSON text (sorted keys), for grammars, prompts and drift files."""
    return json.dumps(contract_json_schema(contract), indent=2, sort_keys=True, ensure_ascii=False)
