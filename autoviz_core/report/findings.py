"""Collect the plain-sentence findings of a run: the primary chart's first, then plan order."""

from __future__ import annotations

from dataclasses import dataclass

from autoviz_core.runtime.executor import ExecutionResult, StepRecord


@dataclass(frozen=True)
class Finding:
    """One sentence and the step that produced it (so a reader can trace it)."""

    step_id: str
    tool: str
    text: str
    primary: bool = False


def ordered_records(result: ExecutionResult) -> list[StepRecord]:
    """Successful steps with the primary one first; the rest keep plan order."""
    primary = result.primary()
    ok = [r for r in result.records if r.status == "ok" and r.result is not None]
    if primary is None:
        return ok
    return [primary, *(r for r in ok if r is not primary)]


def collect_findings(result: ExecutionResult, *, per_step: int | None = None) -> list[Finding]:
    """Every finding once (identical sentences from different steps are shown once)."""
    primary = result.primary()
    seen: set[str] = set()
    out: list[Finding] = []
    for record in ordered_records(result):
        texts = record.result.findings if record.result is not None else []
        for text in texts[:per_step] if per_step is not None else texts:
            if text in seen:
                continue
            seen.add(text)
            out.append(Finding(record.step_id, record.tool, text, record is primary))
    return out
