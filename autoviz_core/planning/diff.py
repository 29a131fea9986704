"""The plan diff a reviewer reads: steps added, removed and modified against the template."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from autoviz_core.plan import Plan


@dataclass
class PlanDiff:
    added: list[dict[str, Any]] = field(default_factory=list)
    removed: list[dict[str, Any]] = field(default_factory=list)
    modified: list[dict[str, Any]] = field(default_factory=list)
    rationale: str = ""
    notes: list[str] = field(default_factory=list)

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
        }

    def to_markdown(self) -> str:
        lines = ["# Plan diff (template -> adapted plan)", ""]
        for title, rows in (("Added", self.added), ("Removed", self.removed)):
            lines.append(f"## {title}")
            lines += [
                f"- `{r['id']}` {r['tool']} {_fmt(r['params'])} {r.get('why', '')}".rstrip()
                for r in rows
            ] or ["- none"]
            lines.append("")
        lines.append("## Modified")
        lines += [
            f"- `{r['id']}` {r['tool']}: "
            + ", ".join(f"{k}: {_short(v[0])} -> {_short(v[1])}" for k, v in r["changes"].items())
            for r in self.modified
        ] or ["- none"]
        lines += ["", "## Rationale", self.rationale or "(none given)", ""]
        if self.notes:
            lines += ["## Validation", *[f"- {n}" for n in self.notes], ""]
        return "\n".join(lines)


def _short(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _fmt(params: dict[str, Any]) -> str:
    return "(" + ", ".join(f"{k}={_short(v)}" for k, v in params.items()) + ")"


def plan_diff(
    template: Plan, adapted: Plan, rationale: str = "", notes: list[str] | None = None
) -> PlanDiff:
    """Compare by step id: new ids are added, missing ids removed, changed params modified."""
    before = {s.id: s for s in template.steps}
    after = {s.id: s for s in adapted.steps}
    diff = PlanDiff(rationale=rationale, notes=list(notes or []))
    for step in adapted.steps:
        if step.id not in before:
            why = (
                "(answers the question directly)"
                if step.primary
                else f"({step.note})"
                if step.note
                else ""
            )
            diff.added.append({"id": step.id, "tool": step.tool, "params": step.params, "why": why})
    for step in template.steps:
        if step.id not in after:
            diff.removed.append({"id": step.id, "tool": step.tool, "params": step.params})
            continue
        new = after[step.id]
        keys = sorted(set(step.params) | set(new.params))
        changes = {
            k: (step.params.get(k), new.params.get(k))
            for k in keys
            if step.params.get(k) != new.params.get(k)
        }
        if changes or new.tool != step.tool:
            diff.modified.append({"id": step.id, "tool": new.tool, "changes": changes})
    return diff
