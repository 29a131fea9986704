"""Curated plan templates: data files, validated at load, retrieved deterministically.

Retrieval = hard filters (intent, minimum rows, roles the table must have), then scored
preferences (table shape, what the request asks for), then a stable tie-break (priority, id).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from autoviz_core.contracts import AnalysisRequest
from autoviz_core.data.profiling import ColumnGroup, SchemaProfile
from autoviz_core.data_files import read_yaml
from autoviz_core.errors import ConfigError
from autoviz_core.tools.registry import get_tool
from autoviz_core.vocabulary import INTENTS, QuestionPart

TEMPLATE_DIR = Path(__file__).parent / "templates"
AUTO = "auto"
# The column groups (data/profiling.py) a template may require or a step may need.
TEMPLATE_GROUPS: tuple[ColumnGroup, ...] = (
    "numeric",
    "categorical",
    "temporal",
    "groupable",
    "datetime",
)


class TemplateStep(BaseModel):
    """One step of a template. Every step is left out when it cannot run on the table (its
    `needs` unmet or no column fits), so no step is marked optional."""

    model_config = ConfigDict(extra="forbid")

    id: str
    tool: str
    supports: QuestionPart  # the part of a question it serves; left out of plans without it
    params: dict[str, Any] = Field(default_factory=dict)
    needs: dict[str, int] = Field(default_factory=dict)  # role -> minimum number of columns


class Requirements(BaseModel):
    model_config = ConfigDict(extra="forbid")

    min_rows: int = 1
    roles: list[str] = Field(default_factory=list)


class Preferences(BaseModel):
    model_config = ConfigDict(extra="forbid")

    shapes: list[str] = Field(default_factory=list)
    request_color: bool = False
    request_count: bool = False
    request_categorical_target: bool = False
    temporal_cue: bool = False


class Template(BaseModel):
    """One curated plan for an intent: steps over registry tools with "auto" placeholders."""

    model_config = ConfigDict(extra="forbid")

    id: str
    intent: str
    title: str
    description: str
    requires: Requirements = Field(default_factory=Requirements)
    prefer: Preferences = Field(default_factory=Preferences)
    priority: int = 100
    steps: list[TemplateStep]


def _check_template(t: Template, source: str) -> None:
    if t.intent not in INTENTS:
        raise ConfigError(f"{source}: template {t.id}: unknown intent {t.intent!r}.")
    ids = [s.id for s in t.steps]
    if len(ids) != len(set(ids)):
        raise ConfigError(f"{source}: template {t.id}: duplicate step ids.")
    for step in t.steps:
        spec = get_tool(step.tool)
        if spec is None:
            raise ConfigError(f"{source}: template {t.id}: unknown tool {step.tool!r}.")
        unknown = set(spec.unknown_params(step.params))
        if unknown:
            raise ConfigError(f"{source}: template {t.id}: {step.tool} has no params {unknown}.")
        for role in (*step.needs, *t.requires.roles):
            if role not in TEMPLATE_GROUPS:
                raise ConfigError(f"{source}: template {t.id}: unknown role {role!r}.")


@lru_cache(maxsize=1)
def load_templates(directory: str = str(TEMPLATE_DIR)) -> tuple[Template, ...]:
    """Every template file, validated against the schema and the tool registry."""
    out: list[Template] = []
    for path in sorted(Path(directory).glob("*.yaml")):
        raw = read_yaml(path) or []
        for entry in raw:
            try:
                template = Template.model_validate(entry)
            except ValidationError as exc:
                raise ConfigError(
                    f"{path.name}: invalid template: {exc.errors()[0]['msg']}"
                ) from None
            _check_template(template, path.name)
            out.append(template)
    ids = [t.id for t in out]
    if len(ids) != len(set(ids)):
        raise ConfigError("Two templates share an id.")
    return tuple(out)


def role_counts(profile: SchemaProfile) -> dict[str, int]:
    """How many columns with values the table has of each template group.

    An all-missing date column has always counted as "datetime" (not as "temporal"); kept.
    """
    counts: dict[str, int] = {
        group: sum(1 for c in profile.columns if c.in_group(group) and c.cardinality > 0)
        for group in TEMPLATE_GROUPS
    }
    return counts | {"datetime": len(profile.group("datetime"))}


def is_eligible(t: Template, profile: SchemaProfile) -> bool:
    """The hard filters: enough rows and every required role present."""
    counts = role_counts(profile)
    return profile.n_rows >= t.requires.min_rows and all(counts[r] >= 1 for r in t.requires.roles)


def score_template(
    t: Template, profile: SchemaProfile, request: AnalysisRequest, temporal_cue: bool
) -> float:
    """Scored preferences; higher is better."""
    score = 0.0
    if profile.shape in t.prefer.shapes:
        score += 2
    if t.prefer.request_color and request.color:
        score += 3
    if t.prefer.request_count and request.agg == "count":
        score += 3
    target = profile.column(request.x) if request.x else None
    if (
        t.prefer.request_categorical_target
        and target
        and target.in_group("categorical")
        and not (request.y and request.y != request.x)
    ):
        score += 3
    about_time = (
        temporal_cue
        or request.time_grain not in ("none", None, "weekday")
        or bool(target and target.in_group("temporal"))
    )
    if t.prefer.temporal_cue and about_time:
        score += 3
    return score


def candidate_templates(intent: str, profile: SchemaProfile) -> list[Template]:
    """Templates for the intent that pass the hard filters (general_eda as the fallback)."""
    pool = [t for t in load_templates() if t.intent == intent and is_eligible(t, profile)]
    if not pool:
        pool = [
            t for t in load_templates() if t.intent == "general_eda" and is_eligible(t, profile)
        ]
    return pool


def select_template(
    intent: str, profile: SchemaProfile, request: AnalysisRequest, temporal_cue: bool = False
) -> tuple[Template, list[tuple[str, float]]]:
    """The best template and every candidate's score (for provenance)."""
    pool = candidate_templates(intent, profile)
    scored = sorted(
        ((t, score_template(t, profile, request, temporal_cue)) for t in pool),
        key=lambda p: (-p[1], p[0].priority, p[0].id),
    )
    return scored[0][0], [(t.id, s) for t, s in scored]


def get_template(template_id: str) -> Template | None:
    return next((t for t in load_templates() if t.id == template_id), None)
