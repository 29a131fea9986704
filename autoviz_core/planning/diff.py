"""The plan diff a reviewer reads: what changed against the template, and where each change came from.

Sources, in the order they apply: the template (resolved from the table alone), the question
(the request's measure, aggregation, filters, grouping and grain; steps it makes impossible
or adds), the model (validated changes only) and the user (edits on the review page). Each
added, removed or modified item names the first stage from which its final value stands.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from autoviz_core.plan import Plan, PlanStep

Stage = tuple[str, Plan]


@dataclass
class PlanDiff:
    added: list[dict[str, Any]] = field(default_factory=list)
    removed: list[dict[str, Any]] = field(default_factory=list)
    modified: list[dict[str, Any]] = field(default_factory=list)
    rationale: str = ""
    notes: list[str] = field(default_factory=list)
    stages: list[Stage] = field(default_factory=list)  # the plan after each source, in order
    model_changes: dict[str, int] = field(default_factory=dict)  # proposed / accepted / rejected

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.modified)

    def to_dict(self) -> dict[str, Any]:
        return {
            "added": self.added,
            "removed": self.removed,
            "modified": self.modified,
            "rationale": self.rationale,
            "notes": self.notes,
            "model_changes": self.model_changes,
        }

    def to_markdown(self) -> str:
        lines = ["# Plan diff (template -> adapted plan)", ""]
        for title, rows in (("Added", self.added), ("Removed", self.removed)):
            lines.append(f"## {title}")
            lines += [
                f"- `{r['id']}` {r['tool']} {_fmt(r['params'])} [{r['source']}] {r.get('why', '')}".rstrip()
                for r in rows
            ] or ["- none"]
            lines.append("")
        lines.append("## Modified")
        lines += [
            f"- `{r['id']}` {r['tool']}: "
            + ", ".join(
                f"{k}: {_short(v[0])} -> {_short(v[1])} [{r['sources'].get(k, 'template')}]"
                for k, v in r["changes"].items()
            )
            + (f" ({r['why']})" if r.get("why") else "")
            for r in self.modified
        ] or ["- none"]
        lines += ["", "## Rationale", self.rationale or "The model proposed no change.", ""]
        if self.notes:
            lines += ["## Validation", *[f"- {n}" for n in self.notes], ""]
        return "\n".join(lines)


def _short(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _fmt(params: dict[str, Any]) -> str:
    return "(" + ", ".join(f"{k}={_short(v)}" for k, v in params.items()) + ")"


def _source_of(final: Any, values: list[tuple[str, Any]]) -> str:
    """The earliest stage from which the value stays what it finally is."""
    source = "template"
    for name, value in reversed(values):
        if value != final:
            break
        source = name
    return source


def _step_in(stage: Plan, step_id: str) -> PlanStep | None:
    return stage.step(step_id)


def plan_diff(
    template: Plan,
    adapted: Plan,
    rationale: str = "",
    notes: list[str] | None = None,
    stages: list[Stage] | None = None,
) -> PlanDiff:
    """Compare by step id and attribute each difference to the stage it came from.

    `stages` are the plans after "question", "model" and "user" (any subset, in that order);
    without them every difference is attributed to the last stage (the adapted plan).
    """
    stages = list(stages or [("model", adapted)])
    history: list[Stage] = [("template", template), *stages]
    before = {s.id: s for s in template.steps}
    after = {s.id: s for s in adapted.steps}
    diff = PlanDiff(rationale=rationale, notes=list(notes or []), stages=stages)
    for step in adapted.steps:
        if step.id not in before:
            present = [(n, _step_in(p, step.id) is not None) for n, p in history]
            why = f"({step.why()})" if step.why() else ""
            diff.added.append(
                {"id": step.id, "tool": step.tool, "params": step.params, "why": why,
                 "origin": step.origin, "source": _source_of(True, present)}
            )  # fmt: skip
    for step in template.steps:
        if step.id not in after:
            present = [(n, _step_in(p, step.id) is not None) for n, p in history]
            diff.removed.append(
                {"id": step.id, "tool": step.tool, "params": step.params,
                 "source": _source_of(False, present)}
            )  # fmt: skip
            continue
        new = after[step.id]
        keys = sorted(set(step.params) | set(new.params))
        changes = {
            k: (step.params.get(k), new.params.get(k))
            for k in keys
            if step.params.get(k) != new.params.get(k)
        }
        if changes or new.tool != step.tool:
            sources = {
                k: _source_of(
                    new.params.get(k),
                    [
                        (n, (s.params.get(k) if (s := _step_in(p, step.id)) else None))
                        for n, p in history
                    ],
                )
                for k in changes
            }
            diff.modified.append(
                {"id": step.id, "tool": new.tool, "changes": changes, "sources": sources,
                 "why": new.why(), "origin": new.origin}
            )  # fmt: skip
    return diff
